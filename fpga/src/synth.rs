//! `mee report synth`: the exported engine through Yosys for FPGA targets, with the cell
//! counts that matter for fitting (LUTs, flip-flops, block RAMs) and the run time.

use anyhow::{Context, Result};
use mee_reference::EngineConfig;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::flow::{find_yosys, run_tool, ToolRun};

/// An FPGA family Yosys maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Lattice ECP5 (`synth_ecp5`).
    Ecp5,
    /// Xilinx 7-series (`synth_xilinx`).
    Xilinx,
    /// Lattice iCE40 (`synth_ice40`).
    Ice40,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 3] = [Target::Ecp5, Target::Xilinx, Target::Ice40];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Ecp5 => "ecp5",
            Target::Xilinx => "xilinx",
            Target::Ice40 => "ice40",
        }
    }

    /// The Yosys script: the S-box and MixColumns modules are kept as separate modules while
    /// the rest is flattened and mapped (each distinct S-box is mapped once instead of once per
    /// instance: about 5x faster than a flat run for 2 to 6% more LUT4; docs/exploration.md,
    /// "Yosys mapping"), then everything is flattened
    /// for the counts, `check -assert` and, with `json`, a netlist for nextpnr. The run stops
    /// before the synth script's final `autoname` pass, which runs out of WebAssembly memory on
    /// rust-hdl's long names; the netlist is final by then.
    pub fn script(self, top: &str, json: bool) -> String {
        let synth = match self {
            Target::Ecp5 => format!("synth_ecp5 -top {top} -run :check"),
            Target::Xilinx => format!("synth_xilinx -flatten -top {top} -run :check"),
            Target::Ice40 => format!("synth_ice40 -top {top} -run :check"),
        };
        let mut script = format!(
            "read_verilog {top}.v; hierarchy -check -top {top}; setattr -mod -set keep_hierarchy 1 *sbox *mix; {synth}; \
             setattr -mod -unset keep_hierarchy *; flatten; opt_clean; stat; check -assert; \
             select -assert-none t:$*latch* t:$_DLATCH* t:LDCE t:LDPE"
        );
        if json {
            script += &format!("; blackbox =A:whitebox; write_json {}", self.netlist_name(top));
        }
        script
    }

    /// The file name of the netlist `script(top, true)` writes.
    pub fn netlist_name(self, top: &str) -> String {
        format!("{top}.{}.json", self.name())
    }

    /// Distributed-RAM cells from the cell counts: LUTs used as memory, which the LUT figure of
    /// [`Target::summarize`] leaves out (ECP5 `TRELLIS_DPR16X4`, 16 words of 4 bits in two
    /// slices; 7-series `RAM32M`, `RAM64M` and the other LUT memories; none on iCE40).
    pub fn distributed_ram(self, cells: &BTreeMap<String, u64>) -> u64 {
        let is_lut_ram = |c: &str| match self {
            Target::Ecp5 => c == "TRELLIS_DPR16X4",
            Target::Xilinx => c.starts_with("RAM") && !c.starts_with("RAMB"),
            Target::Ice40 => false,
        };
        cells.iter().filter(|(c, _)| is_lut_ram(c)).map(|(_, n)| n).sum()
    }

    /// (LUTs, flip-flops, block RAMs) from the cell counts.
    pub fn summarize(self, cells: &BTreeMap<String, u64>) -> (u64, u64, u64) {
        let sum = |f: &dyn Fn(&str) -> bool| cells.iter().filter(|(c, _)| f(c)).map(|(_, n)| n).sum::<u64>();
        match self {
            Target::Ecp5 => (sum(&|c| c == "LUT4"), sum(&|c| c.starts_with("TRELLIS_FF")), sum(&|c| c == "DP16KD")),
            Target::Xilinx => (
                sum(&|c| c.starts_with("LUT") && c.len() == 4),
                sum(&|c| c.starts_with("FD")),
                sum(&|c| c.starts_with("RAMB")),
            ),
            Target::Ice40 => (sum(&|c| c == "SB_LUT4"), sum(&|c| c.starts_with("SB_DFF")), sum(&|c| c.starts_with("SB_RAM"))),
        }
    }
}

/// Cell counts of the first `stat` block of a Yosys log (Yosys repeats them in its hierarchy
/// summary).
pub fn cell_counts(log: &str) -> BTreeMap<String, u64> {
    let mut cells = BTreeMap::new();
    let first_block = log.split("=== design hierarchy ===").next().unwrap_or(log);
    let Some(statistics) = first_block.rsplit_once("Printing statistics").map(|(_, s)| s) else { return cells };
    for line in statistics.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [a, b] = words.as_slice() {
            let (count, cell) = if let Ok(n) = a.parse::<u64>() { (n, *b) } else if let Ok(n) = b.parse::<u64>() { (n, *a) } else { continue };
            if !cell.starts_with('$') && cell != "cells" {
                cells.entry(cell.to_string()).or_insert(count);
            }
        }
    }
    cells
}

/// What one Yosys run of the engine gave.
#[derive(Clone, Debug)]
pub struct Synthesis {
    /// The run (outcome, time, log).
    pub run: ToolRun,
    /// (LUTs, flip-flops, block RAMs), when the run succeeded and printed statistics.
    pub counts: Option<(u64, u64, u64)>,
}

impl Synthesis {
    /// The counts, or a one-line account of why there are none.
    pub fn result(&self) -> std::result::Result<(u64, u64, u64), String> {
        match self.counts {
            Some(counts) if self.run.succeeded() => Ok(counts),
            _ if self.run.succeeded() => Err(format!("Yosys printed no statistics (log {})", self.run.log_file.display())),
            _ => Err(self.run.failure("Yosys")),
        }
    }
}

/// Runs Yosys on `<folder>/<top>.v` for `target` (with a nextpnr netlist when `json`), its log
/// in `<folder>/<top>.<target>.yosys.log`.
pub fn synthesize(yosys: &str, folder: &Path, top: &str, target: Target, json: bool, timeout: Option<Duration>) -> Result<Synthesis> {
    let log_file = folder.join(format!("{top}.{}.yosys.log", target.name()));
    let run = run_tool(yosys, &["-p".to_string(), target.script(top, json)], folder, &log_file, timeout)?;
    let cells = cell_counts(&run.log);
    let counts = (!cells.is_empty()).then(|| target.summarize(&cells));
    Ok(Synthesis { run, counts })
}

/// Synthesizes the engine of `config` for each target and prints a table. A failed target is
/// reported in its row (the log stays in `work`) and the next one still runs.
pub fn report(config: &EngineConfig, targets: &[Target], work: &Path) -> Result<()> {
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let yosys = find_yosys()?;
    let top = &config.top_name;
    std::fs::write(work.join(format!("{top}.v")), crate::export::export_engine(config).verilog)?;
    println!("| target | LUTs | distributed RAM cells | flip-flops | block RAMs | Yosys seconds |\n| --- | --- | --- | --- | --- | --- |");
    for &target in targets {
        let synthesis = synthesize(&yosys, work, top, target, false, None)?;
        match synthesis.result() {
            Ok((luts, ffs, brams)) => {
                let lut_rams = target.distributed_ram(&cell_counts(&synthesis.run.log));
                println!("| {} | {luts} | {lut_rams} | {ffs} | {brams} | {:.0} |", target.name(), synthesis.run.seconds)
            }
            Err(why) => println!("| {} | failed: {why} | | | | {:.0} |", target.name(), synthesis.run.seconds),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{cell_counts, Target};

    #[test]
    fn cells_are_read_from_the_first_block_and_summarized_per_target() {
        let log = "2.1 Printing statistics.\n=== top ===\n   500 cells\n   120 LUT6\n    30 LUT2\n    64 FDRE\n     8 FDSE\n     2 RAMB36E1\n    10 $scopeinfo\n=== design hierarchy ===\n   999 LUT6\n";
        let cells = cell_counts(log);
        assert_eq!(Target::Xilinx.summarize(&cells), (150, 72, 2));
        assert_eq!(Target::Xilinx.distributed_ram(&cells), 0);
        let ecp5 = cell_counts("Printing statistics\n 7 LUT4\n 3 TRELLIS_FF\n 1 DP16KD\n 5 TRELLIS_DPR16X4\n");
        assert_eq!(Target::Ecp5.summarize(&ecp5), (7, 3, 1));
        assert_eq!(Target::Ecp5.distributed_ram(&ecp5), 5);
        let xilinx = cell_counts("Printing statistics\n 9 LUT6\n 4 RAM32M\n 2 RAM64X1D\n 1 RAMB18E1\n");
        assert_eq!(Target::Xilinx.distributed_ram(&xilinx), 6, "LUT memories, not block RAMs");
        assert!(cell_counts("no statistics here").is_empty());
    }
}
