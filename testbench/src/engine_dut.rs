//! The engine under test: [`EngineCore`] in rust-hdl simulation, driven and sampled with the
//! cycle model's [`EngineInputs`] / [`EngineOutputs`], so both can be compared port by port.

use crate::driver::{Clocked, ClockedDriver};
use mee_hdl::engine::EngineCore;
use mee_reference::engine_model::{EngineInputs, EngineOutputs};
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;

impl Clocked for EngineCore {
    fn clock_input(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

fn byte(v: u8) -> Bits<8> {
    Bits::<8>::from(LiteralType::from(v))
}

fn block(ports: &[Signal<Out, Bits<8>>; 16]) -> [u8; 16] {
    core::array::from_fn(|k| ports[k].val().to_u8())
}

/// The simulated engine.
pub struct EngineDut {
    sim: ClockedDriver<EngineCore>,
}

impl EngineDut {
    /// Builds the engine of `config` (already validated).
    pub fn new(config: &EngineConfig) -> Self {
        Self { sim: ClockedDriver::new(EngineCore::new(config)) }
    }

    /// Sets this cycle's inputs and returns this cycle's outputs (before the edge).
    pub fn evaluate(&mut self, i: &EngineInputs) -> EngineOutputs {
        let u = &mut self.sim.uut;
        u.reset.next = i.reset;
        u.core_req_valid.next = i.core_req_valid;
        u.core_req_write.next = i.core_req_write;
        u.core_req_addr.next = Bits::<64>::from(LiteralType::from(i.core_req_addr));
        u.core_req_asid.next = Bits::<16>::from(LiteralType::from(u64::from(i.core_req_asid)));
        u.core_req_encrypted.next = i.core_req_encrypted;
        for k in 0..16 {
            u.core_req_wdata[k].next = byte(i.core_req_wdata[k]);
            u.dram_rsp_rdata[k].next = byte(i.dram_rsp_rdata[k]);
        }
        u.core_rsp_ready.next = i.core_rsp_ready;
        u.dram_req_ready.next = i.dram_req_ready;
        u.dram_rsp_valid.next = i.dram_rsp_valid;
        u.key_cmd_valid.next = i.key_cmd_valid;
        u.key_cmd_op.next = i.key_cmd_clear;
        u.key_cmd_asid.next = Bits::<16>::from(LiteralType::from(u64::from(i.key_cmd_asid)));
        for k in 0..u.key_cmd_key1.len() {
            u.key_cmd_key1[k].next = byte(i.key_cmd_key1.get(k).copied().unwrap_or(0));
            u.key_cmd_key2[k].next = byte(i.key_cmd_key2.get(k).copied().unwrap_or(0));
        }
        self.sim.evaluate();
        let u = &self.sim.uut;
        EngineOutputs {
            core_req_ready: u.core_req_ready.val(),
            core_rsp_valid: u.core_rsp_valid.val(),
            core_rsp_write: u.core_rsp_write.val(),
            core_rsp_rdata: block(&u.core_rsp_rdata),
            core_rsp_status: u.core_rsp_status.val().to_u8(),
            dram_req_valid: u.dram_req_valid.val(),
            dram_req_write: u.dram_req_write.val(),
            dram_req_addr: u.dram_req_addr.val().to_u64(),
            dram_req_wdata: block(&u.dram_req_wdata),
            dram_rsp_ready: u.dram_rsp_ready.val(),
            key_cmd_ready: u.key_cmd_ready.val(),
            key_rsp_valid: u.key_rsp_valid.val(),
            key_rsp_status: u.key_rsp_status.val().to_u8(),
        }
    }

    /// The rising edge that ends the cycle.
    pub fn rising_edge(&mut self) {
        self.sim.rising_edge();
    }

    /// The engine's block (for tests that inspect the key table's storage).
    pub fn engine(&self) -> &EngineCore {
        &self.sim.uut
    }
}
