//! Co-simulation of the exported engine Verilog: the inputs of a lock-step run, cycle by
//! cycle, replayed under Icarus Verilog on the exported top module (the exact port widths of
//! the config), and every output compared with what the rust-hdl engine produced.

use crate::engine_bench::CycleObserver;
use crate::iverilog::{run_vectors_hex, Port};
use anyhow::{bail, Result};
use mee_reference::engine_model::{EngineInputs, EngineOutputs};
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

/// Hex of a little-endian byte string as a Verilog number (most significant byte first).
fn bytes_hex(bytes: &[u8]) -> String {
    bytes.iter().rev().map(|b| format!("{b:02x}")).collect()
}

fn bit(b: bool) -> String {
    u8::from(b).to_string()
}

/// Hex digits without leading zeros, lowercase (`"0"` for zero).
pub fn normalized(hex: &str) -> String {
    let t = hex.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.to_lowercase() }
}

/// Input ports (without `clock`) and their values (hex) in a cycle.
pub fn input_values(config: &EngineConfig, i: &EngineInputs) -> Vec<(Port, String)> {
    let (a, s, k) = (config.addr_bits as usize, config.asid_bits as usize, config.key_bits as usize);
    let key = |bytes: &[u8]| bytes_hex(&bytes.iter().copied().chain(std::iter::repeat(0)).take(k / 8).collect::<Vec<u8>>());
    vec![
        (Port::new("reset", 1), bit(i.reset)),
        (Port::new("core_req_valid", 1), bit(i.core_req_valid)),
        (Port::new("core_req_write", 1), bit(i.core_req_write)),
        (Port::new("core_req_addr", a), format!("{:x}", i.core_req_addr)),
        (Port::new("core_req_asid", s), format!("{:x}", i.core_req_asid)),
        (Port::new("core_req_encrypted", 1), bit(i.core_req_encrypted)),
        (Port::new("core_req_wdata", 128), bytes_hex(&i.core_req_wdata)),
        (Port::new("core_rsp_ready", 1), bit(i.core_rsp_ready)),
        (Port::new("dram_req_ready", 1), bit(i.dram_req_ready)),
        (Port::new("dram_rsp_valid", 1), bit(i.dram_rsp_valid)),
        (Port::new("dram_rsp_rdata", 128), bytes_hex(&i.dram_rsp_rdata)),
        (Port::new("key_cmd_valid", 1), bit(i.key_cmd_valid)),
        (Port::new("key_cmd_op", 1), bit(i.key_cmd_clear)),
        (Port::new("key_cmd_asid", s), format!("{:x}", i.key_cmd_asid)),
        (Port::new("key_cmd_key1", k), key(&i.key_cmd_key1)),
        (Port::new("key_cmd_key2", k), key(&i.key_cmd_key2)),
    ]
}

/// Output ports and their values (hex) in a cycle.
pub fn output_values(config: &EngineConfig, o: &EngineOutputs) -> Vec<(Port, String)> {
    let a = config.addr_bits as usize;
    vec![
        (Port::new("core_req_ready", 1), bit(o.core_req_ready)),
        (Port::new("core_rsp_valid", 1), bit(o.core_rsp_valid)),
        (Port::new("core_rsp_write", 1), bit(o.core_rsp_write)),
        (Port::new("core_rsp_rdata", 128), bytes_hex(&o.core_rsp_rdata)),
        (Port::new("core_rsp_status", 2), format!("{:x}", o.core_rsp_status)),
        (Port::new("dram_req_valid", 1), bit(o.dram_req_valid)),
        (Port::new("dram_req_write", 1), bit(o.dram_req_write)),
        (Port::new("dram_req_addr", a), format!("{:x}", o.dram_req_addr)),
        (Port::new("dram_req_wdata", 128), bytes_hex(&o.dram_req_wdata)),
        (Port::new("dram_rsp_ready", 1), bit(o.dram_rsp_ready)),
        (Port::new("key_cmd_ready", 1), bit(o.key_cmd_ready)),
        (Port::new("key_rsp_valid", 1), bit(o.key_rsp_valid)),
        (Port::new("key_rsp_status", 2), format!("{:x}", o.key_rsp_status)),
    ]
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
