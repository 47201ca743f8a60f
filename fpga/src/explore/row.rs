//! One row of `mee explore`: a config measured in simulation, through Yosys per target and
//! through nextpnr. Every tool failure or timeout lands in the row's notes; a row is always
//! produced.

use super::sweep::{FlowSettings, SweepPoint};
use crate::pin_harness::{pin_harness, PinHarness};
use crate::place_route::{place_and_route, Device};
use crate::synth::{synthesize, Target};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, Instant};

/// The tools a sweep runs (their commands; `None` when missing, which is noted in each row).
#[derive(Clone, Debug)]
pub struct Tools {
    /// Yosys.
    pub yosys: Option<String>,
    /// nextpnr for ECP5.
    pub nextpnr_ecp5: Option<String>,
    /// nextpnr for iCE40.
    pub nextpnr_ice40: Option<String>,
}

/// The measured figures of one config. Missing figures are `None` (empty cells in the CSV) and
/// the reason is in `notes`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Row {
    /// The config's name in the sweep.
    pub config: String,
    /// AES key size (bits).
    pub key_bits: u32,
    /// S-box style.
    pub sbox: String,
    /// Pipeline registers per AES round.
    pub round_registers: String,
    /// Key-table storage and slots.
    pub key_table: String,
    /// Worst engine cycles a read adds to the DRAM latency (request accepted to response, minus
    /// the DRAM's own latency), measured.
    pub read_latency_cycles: Option<u64>,
    /// Worst cycles from a write's acceptance to its DRAM write, measured.
    pub write_latency_cycles: Option<u64>,
    /// Reads completed per cycle under back-to-back reads, measured.
    pub read_blocks_per_cycle: Option<f64>,
    /// Writes accepted per cycle under back-to-back writes, measured.
    pub write_blocks_per_cycle: Option<f64>,
    /// ECP5 LUT4 cells.
    pub ecp5_lut4: Option<u64>,
    /// ECP5 flip-flops.
    pub ecp5_ff: Option<u64>,
    /// ECP5 DP16KD block RAMs.
    pub ecp5_dp16kd: Option<u64>,
    /// Xilinx 7-series LUTs.
    pub xilinx_lut: Option<u64>,
    /// Xilinx 7-series flip-flops.
    pub xilinx_ff: Option<u64>,
    /// Xilinx 7-series block RAMs (RAMB18/RAMB36).
    pub xilinx_bram: Option<u64>,
    /// iCE40 LUT4 cells.
    pub ice40_lut: Option<u64>,
    /// iCE40 flip-flops.
    pub ice40_ff: Option<u64>,
    /// iCE40 block RAMs.
    pub ice40_bram: Option<u64>,
    /// nextpnr Fmax on LFE5U-85F (out of context), MHz.
    pub ecp5_fmax_mhz: Option<f64>,
    /// The LFE5U-85F critical path in one line
    /// ([`crate::place_route::CriticalPath::summary`]): logic and routing time, the longest
    /// hop and the named nets it runs through.
    #[serde(default)]
    pub ecp5_critical_path: Option<String>,
    /// The iCE40 device placed on, when the config fits one.
    pub ice40_device: Option<String>,
    /// nextpnr Fmax on that iCE40 device, MHz.
    pub ice40_fmax_mhz: Option<f64>,
    /// The slower direction's Gbit/s at the iCE40 Fmax.
    #[serde(default)]
    pub ice40_gbit_s: Option<f64>,
    /// Read Gbit/s at the ECP5 Fmax (Fmax x reads per cycle x 128 bits).
    pub read_gbit_s: Option<f64>,
    /// Write Gbit/s at the ECP5 Fmax.
    pub write_gbit_s: Option<f64>,
    /// The slower direction's Gbit/s per 1,000 ECP5 LUT4.
    pub gbit_s_per_kilo_lut: Option<f64>,
    /// Wall time of the measurement, seconds.
    pub seconds: f64,
    /// Failures, timeouts and skipped steps, `; `-separated.
    pub notes: String,
}

impl Row {
    fn note(&mut self, text: impl Into<String>) {
        if !self.notes.is_empty() {
            self.notes.push_str("; ");
        }
        self.notes.push_str(&text.into());
    }
}

/// Measures one config in `folder` (Verilog, logs and netlists stay there). `status` is told
/// each step as it starts. A failing, missing or timed-out tool and a failing simulation are
/// notes in the row; only an unwritable `folder` is an error.
pub fn evaluate(point: &SweepPoint, verilog: &str, tools: &Tools, folder: &Path, status: &dyn Fn(&str)) -> Result<Row> {
    let start = Instant::now();
    let config = &point.config;
    let flow = &point.flow;
    let pipeline = &config.pipeline;
    let mut row = Row {
        config: point.name.clone(),
        key_bits: config.key_bits,
        sbox: pipeline.sbox_style().name().to_string(),
        round_registers: pipeline.round_registers.name().to_string(),
        key_table: format!("{} x{}", pipeline.key_table.name(), config.num_asids),
        ..Default::default()
    };
    std::fs::create_dir_all(folder)?;
    let top = &config.top_name;
    std::fs::write(folder.join(format!("{top}.v")), verilog)?;
    let timeout = Some(Duration::from_secs(flow.timeout_seconds));

    status("simulating");
    let dram_latency = config.tweak_latency() as u64;
    let measured = std::panic::catch_unwind(|| mee_testbench::engine_metrics::measure(config, flow.requests, dram_latency, flow.seed));
    match measured.map_err(|_| "the simulation panicked".to_string()) {
        Ok(Ok(m)) => {
            row.read_latency_cycles = Some(m.read_added_latency.1);
            row.write_latency_cycles = Some(m.write_latency.1);
            row.read_blocks_per_cycle = Some(m.reads_only);
            row.write_blocks_per_cycle = Some(m.writes_only);
        }
        Ok(Err(failure)) => row.note(format!("simulation: {failure}")),
        Err(panic) => row.note(format!("simulation: {panic}")),
    }

    let targets = flow.targets()?;
    let mut ecp5_netlist = None;
    let mut ice40_size = None;
    for target in [Target::Ecp5, Target::Xilinx, Target::Ice40] {
        if !targets.contains(&target) {
            continue;
        }
        let Some(yosys) = &tools.yosys else {
            row.note(format!("{}: Yosys not installed", target.name()));
            continue;
        };
        if target == Target::Ice40 {
            if let Some(lut4) = row.ecp5_lut4.filter(|&n| n > 2 * Device::Ice40Hx8k.luts()) {
                row.note(format!("ice40 skipped: {lut4} ECP5 LUT4 is far beyond an HX8K ({})", Device::Ice40Hx8k.luts()));
                continue;
            }
        }
        status(&format!("Yosys {}", target.name()));
        // (iCE40 places the engine inside its pin harness, synthesized below.)
        let wants_netlist = flow.place_and_route && target == Target::Ecp5;
        let synthesis = synthesize(yosys, folder, top, target, wants_netlist, timeout).map_err(|e| format!("{e:#}"));
        match synthesis.and_then(|s| s.result()) {
            Ok((luts, ffs, brams)) => {
                let (l, f, b) = match target {
                    Target::Ecp5 => (&mut row.ecp5_lut4, &mut row.ecp5_ff, &mut row.ecp5_dp16kd),
                    Target::Xilinx => (&mut row.xilinx_lut, &mut row.xilinx_ff, &mut row.xilinx_bram),
                    Target::Ice40 => (&mut row.ice40_lut, &mut row.ice40_ff, &mut row.ice40_bram),
                };
                (*l, *f, *b) = (Some(luts), Some(ffs), Some(brams));
                match target {
                    Target::Ecp5 if wants_netlist => ecp5_netlist = Some((target.netlist_name(top), luts, brams)),
                    Target::Ice40 if flow.place_and_route => ice40_size = Some((luts, brams)),
                    _ => {}
                }
            }
            Err(why) => row.note(format!("{}: {why}", target.name())),
        }
    }

    if let Some((netlist, luts, brams)) = ecp5_netlist {
        let device = Device::Lfe5u85f;
        match &tools.nextpnr_ecp5 {
            None => row.note("nextpnr-ecp5 not installed"),
            Some(_) if luts > device.luts() => row.note(format!("does not fit {}: {luts} LUT4 > {}", device.name(), device.luts())),
            Some(_) if brams > device.block_rams() => row.note(format!("does not fit {}: {brams} DP16KD > {}", device.name(), device.block_rams())),
            Some(nextpnr) => {
                status(&format!("nextpnr {}", device.name()));
                let placement = place_and_route(nextpnr, folder, &netlist, device, &flow.placer(), timeout).map_err(|e| format!("{e:#}"));
                match placement.and_then(|p| Ok((p.result()?, p.critical_path))) {
                    Ok((mhz, path)) => {
                        row.ecp5_fmax_mhz = Some(mhz);
                        row.ecp5_critical_path = path.map(|p| p.summary());
                    }
                    Err(why) => row.note(format!("{}: {why}", device.name())),
                }
            }
        }
    }
    if let Some((luts, brams)) = ice40_size {
        // The smallest device the engine fits in LUTs and block RAMs and whose package has the
        // pins of its harness.
        let harnessed = |d: Device| pin_harness(config, d.user_pins()).ok().filter(|_| luts <= d.luts() && brams <= d.block_rams()).map(|h| (d, h));
        let fitting = [Device::Ice40Up5k, Device::Ice40Hx8k].into_iter().find_map(harnessed);
        match (&tools.nextpnr_ice40, &tools.yosys, fitting) {
            (_, _, None) => row.note(format!(
                "fits no iCE40: {luts} LUT4 and {brams} block RAMs against {} and {} (HX8K), or its pin harness needs more than {} pins",
                Device::Ice40Hx8k.luts(),
                Device::Ice40Hx8k.block_rams(),
                Device::Ice40Hx8k.user_pins()
            )),
            (None, _, _) => row.note("nextpnr-ice40 not installed"),
            (_, None, _) => {}
            (Some(nextpnr), Some(yosys), Some((device, harness))) => {
                row.ice40_device = Some(device.name().to_string());
                let placed = place_in_harness(yosys, nextpnr, folder, verilog, &harness, device, flow, timeout, status);
                match placed {
                    Ok((mhz, note)) => {
                        row.ice40_fmax_mhz = Some(mhz);
                        row.note(note);
                    }
                    Err(why) => row.note(format!("{}: {why}", device.name())),
                }
            }
        }
    }

    // Gbit/s at `mhz` for a rate in 128-bit blocks per cycle.
    let gbit_s = |mhz: f64, blocks_per_cycle: f64| mhz * 1e6 * blocks_per_cycle * 128.0 / 1e9;
    let slower = row.read_blocks_per_cycle.zip(row.write_blocks_per_cycle).map(|(r, w)| r.min(w));
    if let (Some(mhz), Some(blocks_per_cycle)) = (row.ice40_fmax_mhz, slower) {
        row.ice40_gbit_s = Some(gbit_s(mhz, blocks_per_cycle));
    }
    if let Some(mhz) = row.ecp5_fmax_mhz {
        row.read_gbit_s = row.read_blocks_per_cycle.map(|b| gbit_s(mhz, b));
        row.write_gbit_s = row.write_blocks_per_cycle.map(|b| gbit_s(mhz, b));
        if let (Some(r), Some(w), Some(luts)) = (row.read_gbit_s, row.write_gbit_s, row.ecp5_lut4) {
            row.gbit_s_per_kilo_lut = Some(r.min(w) / (luts as f64 / 1000.0));
        }
    }
    row.seconds = start.elapsed().as_secs_f64();
    Ok(row)
}

/// Synthesizes the engine inside its pin harness for iCE40 and places it on `device`: the
/// routed Fmax and a note with the harness's pins and the logic cells used, or why not.
#[allow(clippy::too_many_arguments)]
fn place_in_harness(
    yosys: &str,
    nextpnr: &str,
    folder: &Path,
    verilog: &str,
    harness: &PinHarness,
    device: Device,
    flow: &FlowSettings,
    timeout: Option<Duration>,
    status: &dyn Fn(&str),
) -> std::result::Result<(f64, String), String> {
    let module = &harness.module;
    std::fs::write(folder.join(format!("{module}.v")), format!("{verilog}\n{}", harness.verilog)).map_err(|e| format!("cannot write the harness: {e}"))?;
    status("Yosys ice40 in the pin harness");
    let (luts, _, _) = synthesize(yosys, folder, module, Target::Ice40, true, timeout).map_err(|e| format!("{e:#}"))?.result()?;
    status(&format!("nextpnr {}", device.name()));
    let placement = place_and_route(nextpnr, folder, &Target::Ice40.netlist_name(module), device, &flow.placer(), timeout).map_err(|e| format!("{e:#}"))?;
    let mhz = placement.result()?;
    let cells = placement.logic_cells().map(|(used, total)| format!(", {used} of {total} logic cells")).unwrap_or_default();
    Ok((mhz, format!("{}: placed in the pin harness ({} pins, {luts} LUT4 with the harness{cells})", device.name(), harness.pins)))
}

#[cfg(test)]
mod tests {
    use super::{evaluate, Tools};
    use crate::explore::sweep::Sweep;

    #[test]
    fn a_failing_tool_is_a_note_in_the_row_and_the_other_figures_stay() {
        let sweep = Sweep::parse(
            "[flow]\ntargets = [\"ecp5\", \"xilinx\"]\nrequests = 30\n[base]\nnum_asids = 2\nasid_bits = 1\naddr_bits = 16\npipeline = { round_registers = \"per_two_rounds\" }\n",
        )
        .unwrap();
        // `false` stands in for a Yosys that fails on every run.
        let tools = Tools { yosys: Some("false".into()), nextpnr_ecp5: None, nextpnr_ice40: None };
        let folder = std::env::temp_dir().join(format!("mee-row-{}", std::process::id()));
        let point = &sweep.points[0];
        let row = evaluate(point, "module m; endmodule\n", &tools, &folder, &|_| {}).unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        assert!(row.read_blocks_per_cycle.is_some() && row.write_latency_cycles.is_some(), "{row:?}");
        assert!(row.ecp5_lut4.is_none() && row.xilinx_lut.is_none() && row.ecp5_fmax_mhz.is_none(), "{row:?}");
        assert!(row.notes.contains("ecp5: Yosys") && row.notes.contains("xilinx: Yosys"), "{}", row.notes);
    }
}

