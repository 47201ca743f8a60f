//! The engine under test: the flat-port [`Engine`] top in rust-hdl simulation, driven and
//! sampled with the cycle model's [`EngineInputs`] / [`EngineOutputs`], so both can be compared
//! port by port.

use crate::driver::ClockedDriver;
use mee_hdl::engine::engine_top::{from_bytes, to_bytes, Engine};
use mee_reference::engine_model::{EngineInputs, EngineOutputs};
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;

/// A 128-bit bus as its 16 bytes.
pub fn block(value: Bits<128>) -> [u8; 16] {
    let bytes = to_bytes(value, 16);
    core::array::from_fn(|k| bytes[k])
}

/// Sets the engine's inputs (`.next`) to `i`.
pub fn apply_inputs(u: &mut Engine, i: &EngineInputs) {
    apply_core_and_key_inputs(u, i);
    u.dram_req_ready.next = i.dram_req_ready;
    u.dram_rsp_valid.next = i.dram_rsp_valid;
    u.dram_rsp_rdata.next = from_bytes(&i.dram_rsp_rdata);
}

/// Sets the engine's reset, core-port and key-port inputs to `i` (not its DRAM inputs).
pub fn apply_core_and_key_inputs(u: &mut Engine, i: &EngineInputs) {
    u.reset.next = i.reset;
    u.core_req_valid.next = i.core_req_valid;
    u.core_req_write.next = i.core_req_write;
    u.core_req_addr.next = Bits::<64>::from(LiteralType::from(i.core_req_addr));
    u.core_req_asid.next = Bits::<16>::from(LiteralType::from(u64::from(i.core_req_asid)));
    u.core_req_encrypted.next = i.core_req_encrypted;
    u.core_req_wdata.next = from_bytes(&i.core_req_wdata);
    u.core_req_wstrb.next = Bits::<16>::from(LiteralType::from(u64::from(i.core_req_wstrb)));
    u.core_rsp_ready.next = i.core_rsp_ready;
    u.key_cmd_valid.next = i.key_cmd_valid;
    u.key_cmd_op.next = i.key_cmd_clear;
    u.key_cmd_asid.next = Bits::<16>::from(LiteralType::from(u64::from(i.key_cmd_asid)));
    u.key_cmd_key1.next = from_bytes(&i.key_cmd_key1);
    u.key_cmd_key2.next = from_bytes(&i.key_cmd_key2);
}

/// The engine's outputs (after the logic has settled).
pub fn outputs(u: &Engine) -> EngineOutputs {
    EngineOutputs {
        core_req_ready: u.core_req_ready.val(),
        core_rsp_valid: u.core_rsp_valid.val(),
        core_rsp_write: u.core_rsp_write.val(),
        core_rsp_rdata: block(u.core_rsp_rdata.val()),
        core_rsp_status: u.core_rsp_status.val().to_u8(),
        dram_req_valid: u.dram_req_valid.val(),
        dram_req_write: u.dram_req_write.val(),
        dram_req_addr: u.dram_req_addr.val().to_u64(),
        dram_req_wdata: block(u.dram_req_wdata.val()),
        dram_rsp_ready: u.dram_rsp_ready.val(),
        key_cmd_ready: u.key_cmd_ready.val(),
        key_rsp_valid: u.key_rsp_valid.val(),
        key_rsp_status: u.key_rsp_status.val().to_u8(),
    }
}

/// The DRAM rows of `i` as the engine sees them now (its DRAM inputs).
pub fn dram_inputs(u: &Engine, i: &mut EngineInputs) {
    i.dram_req_ready = u.dram_req_ready.val();
    i.dram_rsp_valid = u.dram_rsp_valid.val();
    i.dram_rsp_rdata = block(u.dram_rsp_rdata.val());
}

/// The simulated engine.
pub struct EngineDut {
    sim: ClockedDriver<Engine>,
}

impl EngineDut {
    /// Builds the engine of `config` (already validated).
    pub fn new(config: &EngineConfig) -> Self {
        Self { sim: ClockedDriver::new(Engine::new(config)) }
    }

    /// Sets this cycle's inputs and returns this cycle's outputs (before the edge).
    pub fn evaluate(&mut self, i: &EngineInputs) -> EngineOutputs {
        apply_inputs(&mut self.sim.uut, i);
        self.sim.evaluate();
        outputs(&self.sim.uut)
    }

    /// The rising edge that ends the cycle.
    pub fn rising_edge(&mut self) {
        self.sim.rising_edge();
    }

    /// The engine's block (for tests that inspect the key table's storage).
    pub fn engine(&self) -> &Engine {
        &self.sim.uut
    }
}
