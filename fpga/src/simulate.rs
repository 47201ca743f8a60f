//! `mee simulate`: a scenario through the rust-hdl engine in lock step with the cycle model,
//! reported as JSON (format fixed by DESIGN.md), optionally with a VCD of the top-level ports.

use anyhow::{bail, Context, Result};
use mee_reference::engine_model::{EngineInputs, EngineOutputs};
use mee_reference::ports::{port_value, top_ports, TopPort};
use mee_reference::EngineConfig;
use mee_testbench::engine_bench::{run_engine, BenchReport, CycleObserver, Op};
use mee_testbench::scenario::Scenario;
use serde_json::{json, Value};
use std::path::Path;

/// Word for a core response status.
pub fn status_word(status: u8) -> &'static str {
    match status {
        0 => "ok",
        1 => "no_key",
        2 => "bad_asid",
        _ => "misaligned",
    }
}

/// Word for a key response status.
pub fn key_status_word(status: u8) -> &'static str {
    match status {
        0 => "ok",
        1 => "bad_asid",
        _ => "weak_key",
    }
}

/// The JSON report of a run.
pub fn report_json(config: &EngineConfig, ops: &[Op], report: &BenchReport) -> Value {
    let responses: Vec<Value> = report
        .responses
        .iter()
        .map(|r| {
            let (kind, asid, addr) = match &ops[r.op_index] {
                Op::Write { asid, addr, .. } => ("write", *asid, *addr),
                Op::Read { asid, addr, .. } => ("read", *asid, *addr),
                _ => ("?", 0, 0),
            };
            json!({"kind": kind, "asid": asid, "addr": addr, "status": status_word(r.status), "data": hex::encode(r.data),
                   "issue_cycle": r.issue_cycle, "response_cycle": r.response_cycle})
        })
        .collect();
    let key_responses: Vec<Value> = report
        .key_responses
        .iter()
        .map(|k| {
            let (kind, asid) = match &ops[k.op_index] {
                Op::SetKey { asid, .. } => ("set_key", *asid),
                Op::ClearKey { asid } => ("clear_key", *asid),
                _ => ("?", 0),
            };
            json!({"kind": kind, "asid": asid, "status": key_status_word(k.status), "issue_cycle": k.issue_cycle, "response_cycle": k.response_cycle})
        })
        .collect();
    let dram: Vec<Value> = report.dram.iter().map(|(addr, data)| json!({"addr": addr, "data": hex::encode(data)})).collect();
    json!({"config": config, "cycles": report.cycles, "responses": responses, "key_responses": key_responses, "dram": dram})
}

/// Records the top-level ports for a VCD file.
#[derive(Default)]
struct Waves {
    cycles: Vec<(EngineInputs, EngineOutputs)>,
}

impl CycleObserver for Waves {
    fn cycle(&mut self, _cycle: u64, inputs: &EngineInputs, outputs: &EngineOutputs) {
        self.cycles.push((inputs.clone(), outputs.clone()));
    }
}

/// A port's value (hex, as [`port_value`] writes it) as VCD bits, most significant first.
fn vector(hex: &str, width: usize) -> Vec<vcd::Value> {
    let bits: Vec<bool> = hex.chars().rev().flat_map(|c| {
        let nibble = c.to_digit(16).unwrap_or(0);
        (0..4).map(move |b| (nibble >> b) & 1 == 1)
    }).collect();
    (0..width).rev().map(|b| if bits.get(b).copied().unwrap_or(false) { vcd::Value::V1 } else { vcd::Value::V0 }).collect()
}

impl Waves {
    /// The VCD text: one 10 ns clock period per cycle, ports as sampled before the edge. The
    /// key ports are left out: waveform files get shared, keys must not be.
    fn vcd(&self, config: &EngineConfig) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut w = vcd::Writer::new(&mut out);
        w.timescale(1, vcd::TimescaleUnit::NS)?;
        w.add_module(&config.top_name)?;
        let ports: Vec<TopPort> = top_ports(config).into_iter().filter(|p| !p.secret).collect();
        let ids: Vec<vcd::IdCode> = ports.iter().map(|p| w.add_wire(p.width as u32, p.name)).collect::<Result<_, _>>()?;
        w.upscope()?;
        w.enddefinitions()?;
        for (c, (i, o)) in self.cycles.iter().enumerate() {
            w.timestamp(10 * c as u64)?;
            for (id, port) in ids.iter().zip(&ports) {
                let value = port_value(port, i, o);
                if port.width == 1 {
                    w.change_scalar(*id, if value == "1" { vcd::Value::V1 } else { vcd::Value::V0 })?;
                } else {
                    w.change_vector(*id, &vector(&value, port.width))?;
                }
            }
            w.timestamp(10 * c as u64 + 5)?;
            w.change_scalar(ids[0], vcd::Value::V1)?;
        }
        w.timestamp(10 * self.cycles.len() as u64)?;
        Ok(out)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::export::write_files_atomically(&[(path.to_path_buf(), bytes)])
}

/// Runs `mee simulate` on the config at `config_path` (the default engine without one). Writes the report (to `json` or stdout) and the VCD; fails after
/// writing them when a read's `expect` differs, and before (with the cycle and port) when the
/// engine and the cycle model disagree.
pub fn simulate(config_path: Option<&Path>, scenario_path: &Path, vcd: Option<&Path>, json_path: Option<&Path>) -> Result<()> {
    let config = match config_path {
        Some(path) => EngineConfig::from_file(path)?,
        None => EngineConfig::default(),
    };
    let text = std::fs::read_to_string(scenario_path).with_context(|| format!("cannot read scenario {}", scenario_path.display()))?;
    let scenario = Scenario::parse(&text, &scenario_path.display().to_string(), &config)?;
    let mut waves = Waves::default();
    let result = run_engine(&config, &scenario.ops, &scenario.settings(), &mut waves);
    if let Some(path) = vcd {
        write_atomically(path, &waves.vcd(&config).context("cannot format the VCD")?)?;
    }
    let report = match result {
        Ok(r) => r,
        Err(failure) => bail!("the engine and the reference model disagree at {failure}"),
    };
    let json = serde_json::to_string_pretty(&report_json(&config, &scenario.ops, &report))? + "\n";
    match json_path {
        Some(path) => write_atomically(path, json.as_bytes())?,
        None => print!("{json}"),
    }
    let mut wrong = Vec::new();
    for r in &report.responses {
        if let Op::Read { expect: Some(want), addr, asid, .. } = &scenario.ops[r.op_index] {
            if &r.data != want {
                wrong.push(format!("read of {addr:#x} by ASID {asid} (op {}) returned {}, expected {}", r.op_index + 1, hex::encode(r.data), hex::encode(want)));
            }
        }
    }
    if !wrong.is_empty() {
        bail!("{} read(s) differ from `expect`:\n{}", wrong.len(), wrong.join("\n"));
    }
    Ok(())
}
