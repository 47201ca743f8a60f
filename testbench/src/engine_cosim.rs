//! Co-simulation of the exported engine Verilog: the inputs of a lock-step run, cycle by
//! cycle, replayed under Icarus Verilog on the exported top module (the exact port widths of
//! the config), and every output compared with what the rust-hdl engine produced.

use crate::engine_bench::CycleObserver;
use crate::iverilog::{run_vectors_hex, Port};
use anyhow::{bail, Result};
use mee_reference::engine_model::{EngineInputs, EngineOutputs};
use mee_reference::ports::{port_value, top_ports, PortDirection};
use mee_reference::EngineConfig;
use std::path::Path;

/// Records every cycle of a run.
#[derive(Default)]
pub struct Recorder {
    /// (inputs, outputs) per cycle, in order.
    pub cycles: Vec<(EngineInputs, EngineOutputs)>,
}

impl CycleObserver for Recorder {
    fn cycle(&mut self, _cycle: u64, inputs: &EngineInputs, outputs: &EngineOutputs) {
        self.cycles.push((inputs.clone(), outputs.clone()));
    }
}

/// Hex digits without leading zeros, lowercase (`"0"` for zero).
pub fn normalized(hex: &str) -> String {
    let t = hex.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.to_lowercase() }
}

/// Input ports (without `clock`) and their values (hex) in a cycle, in DESIGN.md order.
pub fn input_values(config: &EngineConfig, i: &EngineInputs) -> Vec<(Port, String)> {
    let outputs = EngineOutputs::default();
    top_ports(config)
        .iter()
        .filter(|p| p.direction == PortDirection::Input && p.name != "clock")
        .map(|p| (Port::new(p.name, p.width), port_value(p, i, &outputs)))
        .collect()
}

/// Output ports and their values (hex) in a cycle, in DESIGN.md order.
pub fn output_values(config: &EngineConfig, o: &EngineOutputs) -> Vec<(Port, String)> {
    let inputs = EngineInputs::default();
    top_ports(config)
        .iter()
        .filter(|p| p.direction == PortDirection::Output)
        .map(|p| (Port::new(p.name, p.width), port_value(p, &inputs, o)))
        .collect()
}

/// Replays `recorded` on the exported Verilog (`verilog`, top module `top`) and compares
/// every output in every cycle; returns the number of cycles compared.
pub fn replay_on_verilog(config: &EngineConfig, verilog: &str, top: &str, recorded: &[(EngineInputs, EngineOutputs)], work: &Path) -> Result<usize> {
    let Some((first, _)) = recorded.first() else { bail!("nothing recorded") };
    let inputs: Vec<Port> = input_values(config, first).into_iter().map(|(p, _)| p).collect();
    let outputs: Vec<Port> = output_values(config, &EngineOutputs::default()).into_iter().map(|(p, _)| p).collect();
    let steps: Vec<Vec<String>> = recorded.iter().map(|(i, _)| input_values(config, i).into_iter().map(|(_, v)| v).collect()).collect();
    let rows = run_vectors_hex(work, verilog, top, &inputs, &outputs, Some("clock"), &steps)?;
    for (cycle, ((_, expected), row)) in recorded.iter().zip(&rows).enumerate() {
        for ((port, want), got) in output_values(config, expected).iter().zip(row) {
            if normalized(want) != normalized(got) {
                bail!("cycle {cycle} of the recording: port {}: Verilog {got}, rust-hdl {want}", port.name);
            }
        }
    }
    Ok(rows.len())
}
