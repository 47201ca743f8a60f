//! `DirectSoc`: the SoC with a plain DRAM bridge ([`DirectDram`]) where the engine would be:
//! the baseline `mee report soc` measures the engine's cost against. Same ports and launch as
//! [`super::soc_top::Soc`]; nothing is encrypted and keys are taken and ignored.

use super::direct_dram::DirectDram;
use super::soc_shell::SocShell;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct DirectSoc {
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
    /// The DRAM bridge.
    pub dram: DirectDram,
}

impl DirectSoc {
    /// The baseline SoC for a DRAM of `dram_bytes` and the sp's memory image `firmware`.
    pub fn new(dram_bytes: u64, firmware: &[u8]) -> Self {
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
            shell: SocShell::new(dram_bytes, firmware, false),
            dram: DirectDram::default(),
        }
    }
}

impl Logic for DirectSoc {
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
        self.dram.clock.next = self.clock.val();
        self.dram.reset.next = self.reset.val();
        self.dram.core_req_valid.next = self.shell.core_req_valid.val();
        self.dram.core_req_write.next = self.shell.core_req_write.val();
        self.dram.core_req_addr.next = self.shell.core_req_addr.val();
        self.dram.core_req_asid.next = self.shell.core_req_asid.val();
        self.dram.core_req_encrypted.next = self.shell.core_req_encrypted.val();
        self.dram.core_req_wdata.next = self.shell.core_req_wdata.val();
        self.dram.core_req_wstrb.next = self.shell.core_req_wstrb.val();
        self.shell.core_req_ready.next = self.dram.core_req_ready.val();
        self.shell.core_rsp_valid.next = self.dram.core_rsp_valid.val();
        self.shell.core_rsp_rdata.next = self.dram.core_rsp_rdata.val();
        self.shell.core_rsp_status.next = self.dram.core_rsp_status.val();
        self.dram.core_rsp_ready.next = self.shell.core_rsp_ready.val();
        self.dram.key_cmd_valid.next = self.shell.key_cmd_valid.val();
        self.dram.key_cmd_op.next = self.shell.key_cmd_op.val();
        self.dram.key_cmd_asid.next = self.shell.key_cmd_asid.val();
        self.dram.key_cmd_key1.next = self.shell.key_cmd_key1.val();
        self.dram.key_cmd_key2.next = self.shell.key_cmd_key2.val();
        self.shell.key_cmd_ready.next = self.dram.key_cmd_ready.val();
        self.shell.key_rsp_valid.next = self.dram.key_rsp_valid.val();
        self.shell.key_rsp_status.next = self.dram.key_rsp_status.val();
        self.dram_req_valid.next = self.dram.dram_req_valid.val();
        self.dram_req_write.next = self.dram.dram_req_write.val();
        self.dram_req_addr.next = self.dram.dram_req_addr.val();
        self.dram_req_wdata.next = self.dram.dram_req_wdata.val();
        self.dram.dram_req_ready.next = self.dram_req_ready.val();
        self.dram.dram_rsp_valid.next = self.dram_rsp_valid.val();
        self.dram.dram_rsp_rdata.next = self.dram_rsp_rdata.val();
        self.dram_rsp_ready.next = self.dram.dram_rsp_ready.val();
    }
}
