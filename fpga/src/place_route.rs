//! Place and route with nextpnr for an Fmax figure: ECP5 LFE5U-85F out of context (no I/O
//! buffers, so the engine's ~900 port bits need no pins), and iCE40 HX8K / UP5K (nextpnr-ice40
//! has no out-of-context mode: the engine is placed inside the
//! [`pin_harness`](crate::pin_harness), whose pins must fit the package).

use crate::flow::{run_tool, ToolRun};
use anyhow::Result;
use std::path::Path;
use std::time::Duration;

/// A device nextpnr places on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    /// Lattice LFE5U-85F, package CABGA381, out of context.
    Lfe5u85f,
    /// Lattice iCE40 HX8K, package CT256.
    Ice40Hx8k,
    /// Lattice iCE40 UP5K, package SG48.
    Ice40Up5k,
}

impl Device {
    /// The device's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Device::Lfe5u85f => "LFE5U-85F",
            Device::Ice40Hx8k => "iCE40HX8K",
            Device::Ice40Up5k => "iCE40UP5K",
        }
    }

    /// The nextpnr architecture (`ecp5` or `ice40`).
    pub fn arch(self) -> &'static str {
        match self {
            Device::Lfe5u85f => "ecp5",
            Device::Ice40Hx8k | Device::Ice40Up5k => "ice40",
        }
    }

    /// Logic cells (LUT4) on the device.
    pub fn luts(self) -> u64 {
        match self {
            Device::Lfe5u85f => 83_640,
            Device::Ice40Hx8k => 7_680,
            Device::Ice40Up5k => 5_280,
        }
    }

    /// User I/O pins of the device's package (none needed out of context).
    pub fn user_pins(self) -> usize {
        match self {
            Device::Lfe5u85f => 0,
            Device::Ice40Hx8k => 206,
            Device::Ice40Up5k => 39,
        }
    }

    /// Block RAMs on the device (ECP5 DP16KD, iCE40 SB_RAM40_4K).
    pub fn block_rams(self) -> u64 {
        match self {
            Device::Lfe5u85f => 208,
            Device::Ice40Hx8k => 32,
            Device::Ice40Up5k => 30,
        }
    }

    fn arguments(self, netlist: &str, placer: &Placer) -> Vec<String> {
        let device: &[&str] = match self {
            Device::Lfe5u85f => &["--85k", "--package", "CABGA381", "--out-of-context"],
            Device::Ice40Hx8k => &["--hx8k", "--package", "ct256", "--pcf-allow-unconstrained"],
            Device::Ice40Up5k => &["--up5k", "--package", "sg48", "--pcf-allow-unconstrained"],
        };
        let mut args: Vec<String> = device.iter().map(|s| s.to_string()).collect();
        if self.arch() == "ecp5" {
            args.extend(["--speed".into(), placer.ecp5_speed_grade.to_string()]);
        }
        args.extend(["--json".into(), netlist.into(), "--timing-allow-fail".into(), "--freq".into(), format!("{}", placer.target_mhz), "--seed".into(), placer.seed.to_string()]);
        args
    }
}

/// What nextpnr is asked for, beside the netlist and the device.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placer {
    /// The clock frequency nextpnr aims at, in MHz.
    pub target_mhz: f64,
    /// The placer's seed (1 to 2^31 - 1); another seed places the same netlist differently.
    pub seed: u64,
    /// The ECP5 speed grade the timing is taken from: 6 (the slowest, and nextpnr's own
    /// default), 7 or 8. iCE40 placements ignore it.
    pub ecp5_speed_grade: u8,
}

impl Placer {
    /// nextpnr's own ECP5 speed grade, the slowest part's; every figure is timed on it unless
    /// a sweep asks for another.
    pub const DEFAULT_ECP5_SPEED_GRADE: u8 = 6;

    /// nextpnr aiming at `target_mhz` with placer seed 1 and the default speed grade.
    pub fn aiming_at(target_mhz: f64) -> Placer {
        Placer { target_mhz, seed: 1, ecp5_speed_grade: Self::DEFAULT_ECP5_SPEED_GRADE }
    }
}

/// What one nextpnr run gave.
#[derive(Clone, Debug)]
pub struct Placement {
    /// The run (outcome, time, log).
    pub run: ToolRun,
    /// The routed design's maximum clock frequency in MHz, when the run finished.
    pub fmax_mhz: Option<f64>,
    /// The routed design's critical path, when nextpnr reported one.
    pub critical_path: Option<CriticalPath>,
}

/// The critical path of a routed design, from nextpnr's last "Critical path report for clock".
#[derive(Clone, Debug, PartialEq)]
pub struct CriticalPath {
    /// Nanoseconds in cells: clock to out, LUTs, carry chains, setup.
    pub logic_ns: f64,
    /// Nanoseconds in routing.
    pub routing_ns: f64,
    /// The longest single routing hop, in nanoseconds.
    pub longest_hop_ns: f64,
    /// Cells the path passes through (its source register included).
    pub cells: usize,
    /// The named nets along the path, in order (the design's own signal names; nets named by
    /// the tools, `$abc$...` and the like, are left out).
    pub named_nets: Vec<String>,
}

impl CriticalPath {
    /// One line: "3.5 ns logic in 12 cells + 12.9 ns routing (longest hop 4.4 ns): a > b > c".
    pub fn summary(&self) -> String {
        let through = if self.named_nets.is_empty() { "no named nets".to_string() } else { self.named_nets.join(" > ") };
        format!(
            "{:.1} ns logic in {} cells + {:.1} ns routing (longest hop {:.1} ns): {through}",
            self.logic_ns, self.cells, self.routing_ns, self.longest_hop_ns
        )
    }
}

/// The last critical-path report of a nextpnr log for a clock (not a cross-domain one): its
/// logic and routing time, longest hop, cells and named nets. `None` without such a report.
pub fn critical_path_from_log(log: &str) -> Option<CriticalPath> {
    let lines: Vec<&str> = log.lines().collect();
    let start = lines.iter().rposition(|l| l.contains("Critical path report for clock") && !l.contains("cross-domain"))?;
    let mut path = CriticalPath { logic_ns: 0.0, routing_ns: 0.0, longest_hop_ns: 0.0, cells: 0, named_nets: Vec::new() };
    let mut summed = (0.0, 0.0);
    let mut summary = None;
    for line in &lines[start + 1..] {
        let words: Vec<&str> = line.trim_start_matches("Info:").split_whitespace().collect();
        // "3.54 ns logic, 12.93 ns routing" closes the report.
        if let [logic, "ns", "logic,", routing, "ns", "routing", ..] = words.as_slice() {
            summary = logic.parse::<f64>().ok().zip(routing.parse::<f64>().ok());
            break;
        }
        let [kind, delay, _total, rest @ ..] = words.as_slice() else {
            if line.trim().is_empty() {
                break;
            }
            continue;
        };
        let Ok(delay) = delay.parse::<f64>() else { continue };
        match *kind {
            "routing" => {
                summed.1 += delay;
                path.longest_hop_ns = path.longest_hop_ns.max(delay);
                if let ["Net", name, ..] = rest {
                    if !name.starts_with('$') && path.named_nets.last().map(String::as_str) != Some(*name) {
                        path.named_nets.push(name.to_string());
                    }
                }
            }
            "clk-to-q" | "logic" => {
                summed.0 += delay;
                path.cells += 1;
            }
            "setup" => summed.0 += delay,
            _ => {}
        }
    }
    (path.logic_ns, path.routing_ns) = summary.unwrap_or(summed);
    (path.cells > 0).then_some(path)
}

impl Placement {
    /// Logic cells used and available (iCE40 `ICESTORM_LC`, ECP5 `TRELLIS_COMB`), from the
    /// last utilisation report.
    pub fn logic_cells(&self) -> Option<(u64, u64)> {
        utilisation_from_log(&self.run.log).into_iter().find(|(name, _, _)| name == "ICESTORM_LC" || name == "TRELLIS_COMB").map(|(_, used, total)| (used, total))
    }

    /// Fmax, or a one-line account of why there is none.
    pub fn result(&self) -> std::result::Result<f64, String> {
        match self.fmax_mhz {
            Some(mhz) if self.run.succeeded() => Ok(mhz),
            _ if self.run.succeeded() => Err(format!("nextpnr printed no Fmax (log {})", self.run.log_file.display())),
            _ => {
                let over = overfull_from_log(&self.run.log);
                if over.is_empty() {
                    Err(self.run.failure("nextpnr"))
                } else {
                    Err(format!("{}; over the device after packing: {}", self.run.failure("nextpnr"), over.join(", ")))
                }
            }
        }
    }
}

/// The resources of nextpnr's "Device utilisation" report (printed after packing, before
/// placement) that the design needs more of than the device has, as "ICESTORM_LC 9236 of
/// 7680": why a placement stopped with "no BELs remaining".
pub fn overfull_from_log(log: &str) -> Vec<String> {
    utilisation_from_log(log).into_iter().filter(|(_, used, total)| used > total).map(|(name, used, total)| format!("{name} {used} of {total}")).collect()
}

/// The last "Device utilisation" report of a nextpnr log: (cell type, used, available).
pub fn utilisation_from_log(log: &str) -> Vec<(String, u64, u64)> {
    let mut report = Vec::new();
    let mut in_report = false;
    for line in log.lines() {
        if line.contains("Device utilisation:") {
            in_report = true;
            report.clear();
            continue;
        }
        if !in_report {
            continue;
        }
        // "Info: \t ICESTORM_LC:  9236/  7680   120%"
        let used_of = line.trim_start_matches("Info:").trim().split_once(':').and_then(|(name, rest)| {
            let (used, total) = rest.split_once('/')?;
            let total = total.split_whitespace().next()?;
            Some((name.trim().to_string(), used.trim().parse::<u64>().ok()?, total.parse::<u64>().ok()?))
        });
        match used_of {
            Some(entry) => report.push(entry),
            None => in_report = false,
        }
    }
    report
}

/// The last "Max frequency for clock" figure of a nextpnr log (the routed one; nextpnr prints
/// an estimate after placement first). With several clocks, the slowest of the last report.
pub fn fmax_from_log(log: &str) -> Option<f64> {
    let mut last_block: Vec<f64> = Vec::new();
    let mut previous_line = None;
    for (line_number, line) in log.lines().enumerate() {
        let Some(mhz) = line.split_once("Max frequency for clock").and_then(|(_, rest)| rest.split("':").nth(1)?.split_whitespace().next()?.parse::<f64>().ok())
        else {
            continue;
        };
        if previous_line.map(|p: usize| p + 1) != Some(line_number) {
            last_block.clear();
        }
        last_block.push(mhz);
        previous_line = Some(line_number);
    }
    last_block.into_iter().reduce(f64::min)
}

/// Where [`place_and_route`] writes nextpnr's log of `netlist` on `device`.
pub fn log_path(folder: &Path, netlist: &str, device: Device) -> std::path::PathBuf {
    folder.join(format!("{netlist}.{}.nextpnr.log", device.name()))
}

/// Places and routes `<folder>/<netlist>` on `device` as `placer` says (target clock, placer
/// seed, ECP5 speed grade; the same netlist and settings give the same placement), its log in
/// `<folder>/<netlist>.<device>.nextpnr.log`.
pub fn place_and_route(nextpnr: &str, folder: &Path, netlist: &str, device: Device, placer: &Placer, timeout: Option<Duration>) -> Result<Placement> {
    let log_file = log_path(folder, netlist, device);
    let run = run_tool(nextpnr, &device.arguments(netlist, placer), folder, &log_file, timeout)?;
    let fmax_mhz = fmax_from_log(&run.log);
    let critical_path = critical_path_from_log(&run.log);
    Ok(Placement { run, fmax_mhz, critical_path })
}

#[cfg(test)]
mod tests {
    use super::fmax_from_log;

    #[test]
    fn nextpnr_is_given_the_seed_the_clock_and_the_ecp5_speed_grade() {
        use super::{Device, Placer};
        let placer = Placer { target_mhz: 125.5, seed: 3, ecp5_speed_grade: 8 };
        let ecp5 = Device::Lfe5u85f.arguments("n.json", &placer).join(" ");
        assert!(ecp5.contains("--85k") && ecp5.contains("--speed 8") && ecp5.contains("--freq 125.5") && ecp5.contains("--seed 3"), "{ecp5}");
        assert!(Device::Lfe5u85f.arguments("n.json", &Placer::aiming_at(200.0)).join(" ").contains("--speed 6 "));
        // nextpnr-ice40 has no such option.
        let ice40 = Device::Ice40Hx8k.arguments("n.json", &placer).join(" ");
        assert!(!ice40.contains("--speed") && ice40.contains("--seed 3"), "{ice40}");
    }

    #[test]
    fn the_routed_figure_is_taken_not_the_placement_estimate() {
        let log = "Info: Max frequency for clock '$glbnet$clock': 151.20 MHz (PASS at 100.00 MHz)\n\
                   Info: Routing..\n\
                   Info: Max frequency for clock '$glbnet$clock': 123.45 MHz (PASS at 100.00 MHz)\n\
                   Info: Max frequency for clock 'other': 98.70 MHz (FAIL at 100.00 MHz)\n\
                   Info: done\n";
        assert_eq!(fmax_from_log(log), Some(98.70));
        assert_eq!(fmax_from_log("Info: Max frequency for clock 'c': 80.5 MHz (FAIL at 200.00 MHz)\n"), Some(80.5));
        assert_eq!(fmax_from_log("no timing here"), None);
    }

    #[test]
    fn the_critical_path_is_read_from_the_last_clock_report() {
        use super::critical_path_from_log;
        // The shape of nextpnr-ecp5's report: an earlier report (after placement) that must be
        // ignored, then the routed one, then a cross-domain one.
        let log = "Info: Critical path report for clock 'clock' (posedge -> posedge):\n\
                   Info:       type curr  total name\n\
                   Info:   clk-to-q  0.52  0.52 Source old.Q\n\
                   Info:    routing  9.00  9.52 Net early_net (1,1) -> (9,9)\n\
                   Info: 0.52 ns logic, 9.00 ns routing\n\
                   \n\
                   Info: Critical path report for clock 'clock' (posedge -> posedge):\n\
                   Info:       type curr  total name\n\
                   Info:   clk-to-q  0.52  0.52 Source $auto$ff.cc:337:slice$1.Q\n\
                   Info:    routing  0.92  1.44 Net engine.core.count[13] (96,33) -> (97,33)\n\
                   Info:                          Sink $abc$lut$1.C\n\
                   Info:                          Defined in:\n\
                   Info:                               mee_engine.v:79949.16-79949.22\n\
                   Info:      logic  0.24  1.68 Source $abc$lut$1.F\n\
                   Info:    routing  4.38  6.06 Net $techmap$abc$lut$2.A[3] (97,33) -> (63,29)\n\
                   Info:                          Sink $abc$lut$2.D\n\
                   Info:      logic  0.24  6.30 Source $abc$lut$2.F\n\
                   Info:    routing  3.29  9.59 Net engine.core.write_sent (63,29) -> (112,56)\n\
                   Info:                          Sink $abc$lut$3.D\n\
                   Info:      logic  0.45  10.04 Source $abc$lut$3.F\n\
                   Info:    routing  0.13  10.17 Net engine.core.write_sent (112,56) -> (112,57)\n\
                   Info:                          Sink $auto$ff.cc:337:slice$2.DI\n\
                   Info:      setup  0.10  10.27 Source $auto$ff.cc:337:slice$2.DI\n\
                   Info: 1.55 ns logic, 8.72 ns routing\n\
                   \n\
                   Info: Critical path report for cross-domain path 'clock' -> '<async>':\n\
                   Info:   clk-to-q  0.52  0.52 Source x.Q\n\
                   Info:    routing  1.00  1.52 Net out_port (1,1) -> (2,2)\n";
        let path = critical_path_from_log(log).unwrap();
        assert_eq!((path.logic_ns, path.routing_ns), (1.55, 8.72));
        assert_eq!(path.longest_hop_ns, 4.38);
        assert_eq!(path.cells, 4, "the source register and three cells");
        assert_eq!(path.named_nets, vec!["engine.core.count[13]".to_string(), "engine.core.write_sent".to_string()]);
        assert_eq!(path.summary(), "1.6 ns logic in 4 cells + 8.7 ns routing (longest hop 4.4 ns): engine.core.count[13] > engine.core.write_sent");
        // Without the closing line the delays are summed (0.52 + 0.24 + 0.24 + 0.45 + 0.10).
        let cut = &log[..log.find("Info: 1.55 ns logic").unwrap()];
        let summed = critical_path_from_log(cut).unwrap();
        assert!((summed.logic_ns - 1.55).abs() < 1e-9 && (summed.routing_ns - 8.72).abs() < 1e-9, "{summed:?}");
        assert_eq!(critical_path_from_log("Info: Max frequency for clock 'c': 80.5 MHz\n"), None);
    }

    #[test]
    fn the_resources_a_design_overfills_are_named() {
        use super::overfull_from_log;
        let log = "Info: Device utilisation:\n\
                   Info: \t         ICESTORM_LC:    9236/   7680   120%\n\
                   Info: \t        ICESTORM_RAM:      24/     32    75%\n\
                   Info: \t               SB_IO:     870/    256   339%\n\
                   Info: \t               SB_GB:       8/      8   100%\n\
                   \n\
                   Info: Placed 8 cells based on constraints.\n\
                   ERROR: Unable to place cell 'x', no BELs remaining to implement cell type 'ICESTORM_LC'\n";
        assert_eq!(overfull_from_log(log), vec!["ICESTORM_LC 9236 of 7680".to_string(), "SB_IO 870 of 256".to_string()]);
        assert!(overfull_from_log("Info: Device utilisation:\nInfo: \t TRELLIS_COMB: 10/ 83640 0%\n").is_empty());
        assert!(overfull_from_log("ERROR: something else\n").is_empty());
    }
}
