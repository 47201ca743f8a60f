//! `Soc`: the engine in a small system in the roles of AMD SEV (DESIGN.md, "The SoC: a soft
//! core in the loop"): the [`SocShell`] (two PicoRV32 cores, their memory maps, the sp's
//! memory, the launch mailbox, the arbiter) with the engine behind it on the DRAM port.
//!
//! The host (the harness; in SEV's terms the hypervisor) writes the launch mailbox and raises
//! `host_start`; the sp's firmware programs the guest's keys through the key port, re-writes
//! the guest's private memory in place through its window on the engine, hands the launch
//! digest to the host on `report_*`, sets the cpu's ASID and entry point and releases it. From
//! then on the cpu runs the guest from DRAM through the engine. Only the sp reaches the key
//! port, the window, the mailbox and the cpu's controls.
//!
//! Ports: `dram_*` are the engine's DRAM port (DESIGN.md, 64-bit address, 128-bit data); the
//! others are the shell's (see [`SocShell`]). Latency: the engine's, plus one cycle in the
//! cpu's memory map before it and one after.

use super::soc_shell::SocShell;
use crate::engine::engine_top::Engine;
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct Soc {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub dram_req_valid: Signal<Out, Bit>,
    pub dram_req_ready: Signal<In, Bit>,
    pub dram_req_write: Signal<Out, Bit>,
    pub dram_req_addr: Signal<Out, Bits<64>>,
    pub dram_req_wdata: Signal<Out, Bits<128>>,
    pub dram_rsp_valid: Signal<In, Bit>,
    pub dram_rsp_ready: Signal<Out, Bit>,
    pub dram_rsp_rdata: Signal<In, Bits<128>>,
    pub host_mailbox_write: Signal<In, Bit>,
    pub host_mailbox_addr: Signal<In, Bits<6>>,
    pub host_mailbox_wdata: Signal<In, Bits<32>>,
    pub host_start: Signal<In, Bit>,
    pub report_valid: Signal<Out, Bit>,
    pub report_data: Signal<Out, Bits<32>>,
    pub console_valid: Signal<Out, Bit>,
    pub console_byte: Signal<Out, Bits<8>>,
    pub exit_valid: Signal<Out, Bit>,
    pub exit_code: Signal<Out, Bits<32>>,
    pub cpu_running: Signal<Out, Bit>,
    pub cpu_trap: Signal<Out, Bit>,
    pub cpu_fetches: Signal<Out, Bits<32>>,
    pub cpu_dram_reads: Signal<Out, Bits<32>>,
    pub cpu_dram_read_cycles: Signal<Out, Bits<32>>,
    /// The cores, their memory maps and the arbiter.
    pub shell: SocShell,
    /// The engine.
    pub engine: Engine,
}

impl Soc {
    /// The SoC around the engine of `config` (native top), with a DRAM of `dram_bytes` (a power
    /// of two, at most 1 GiB) and the sp's memory image `firmware` (at most 8 KiB); with
    /// `encrypt_private` clear the cpu's private view reaches the engine with the C-bit clear
    /// (the plaintext baseline of `mee report soc`).
    pub fn new(config: &EngineConfig, dram_bytes: u64, firmware: &[u8], encrypt_private: bool) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            dram_req_valid: Default::default(),
            dram_req_ready: Default::default(),
            dram_req_write: Default::default(),
            dram_req_addr: Default::default(),
            dram_req_wdata: Default::default(),
            dram_rsp_valid: Default::default(),
            dram_rsp_ready: Default::default(),
            dram_rsp_rdata: Default::default(),
            host_mailbox_write: Default::default(),
            host_mailbox_addr: Default::default(),
            host_mailbox_wdata: Default::default(),
            host_start: Default::default(),
            report_valid: Default::default(),
            report_data: Default::default(),
            console_valid: Default::default(),
            console_byte: Default::default(),
            exit_valid: Default::default(),
            exit_code: Default::default(),
            cpu_running: Default::default(),
            cpu_trap: Default::default(),
            cpu_fetches: Default::default(),
            cpu_dram_reads: Default::default(),
            cpu_dram_read_cycles: Default::default(),
            shell: SocShell::new(dram_bytes, firmware, encrypt_private),
            engine: Engine::new(config),
        }
    }
}

impl Logic for Soc {
    #[hdl_gen]
    fn update(&mut self) {
        self.shell.clock.next = self.clock.val();
        self.shell.reset.next = self.reset.val();
        self.shell.host_mailbox_write.next = self.host_mailbox_write.val();
        self.shell.host_mailbox_addr.next = self.host_mailbox_addr.val();
        self.shell.host_mailbox_wdata.next = self.host_mailbox_wdata.val();
        self.shell.host_start.next = self.host_start.val();
        self.report_valid.next = self.shell.report_valid.val();
        self.report_data.next = self.shell.report_data.val();
        self.console_valid.next = self.shell.console_valid.val();
        self.console_byte.next = self.shell.console_byte.val();
        self.exit_valid.next = self.shell.exit_valid.val();
        self.exit_code.next = self.shell.exit_code.val();
        self.cpu_running.next = self.shell.cpu_running.val();
        self.cpu_trap.next = self.shell.cpu_trap.val();
        self.cpu_fetches.next = self.shell.cpu_fetches.val();
        self.cpu_dram_reads.next = self.shell.cpu_dram_reads.val();
        self.cpu_dram_read_cycles.next = self.shell.cpu_dram_read_cycles.val();
        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.engine.core_req_valid.next = self.shell.core_req_valid.val();
        self.engine.core_req_write.next = self.shell.core_req_write.val();
        self.engine.core_req_addr.next = self.shell.core_req_addr.val();
        self.engine.core_req_asid.next = self.shell.core_req_asid.val();
        self.engine.core_req_encrypted.next = self.shell.core_req_encrypted.val();
        self.engine.core_req_wdata.next = self.shell.core_req_wdata.val();
        self.engine.core_req_wstrb.next = self.shell.core_req_wstrb.val();
        self.shell.core_req_ready.next = self.engine.core_req_ready.val();
        self.shell.core_rsp_valid.next = self.engine.core_rsp_valid.val();
        self.shell.core_rsp_rdata.next = self.engine.core_rsp_rdata.val();
        self.shell.core_rsp_status.next = self.engine.core_rsp_status.val();
        self.engine.core_rsp_ready.next = self.shell.core_rsp_ready.val();
        self.engine.key_cmd_valid.next = self.shell.key_cmd_valid.val();
        self.engine.key_cmd_op.next = self.shell.key_cmd_op.val();
        self.engine.key_cmd_asid.next = self.shell.key_cmd_asid.val();
        self.engine.key_cmd_key1.next = self.shell.key_cmd_key1.val();
        self.engine.key_cmd_key2.next = self.shell.key_cmd_key2.val();
        self.shell.key_cmd_ready.next = self.engine.key_cmd_ready.val();
        self.shell.key_rsp_valid.next = self.engine.key_rsp_valid.val();
        self.shell.key_rsp_status.next = self.engine.key_rsp_status.val();
        self.dram_req_valid.next = self.engine.dram_req_valid.val();
        self.dram_req_write.next = self.engine.dram_req_write.val();
        self.dram_req_addr.next = self.engine.dram_req_addr.val();
        self.dram_req_wdata.next = self.engine.dram_req_wdata.val();
        self.engine.dram_req_ready.next = self.dram_req_ready.val();
        self.engine.dram_rsp_valid.next = self.dram_rsp_valid.val();
        self.engine.dram_rsp_rdata.next = self.dram_rsp_rdata.val();
        self.dram_rsp_ready.next = self.engine.dram_rsp_ready.val();
    }
}
