//! `SocShell`: everything of the SoC around the memory path (DESIGN.md, "The SoC: a soft core
//! in the loop"): the two PicoRV32 cores, their memory maps, the sp's memory, the launch
//! mailbox and the arbiter, with the engine's core and key ports as ports of its own.
//! [`super::soc_top::Soc`] puts the engine behind it; [`super::direct_soc::DirectSoc`] a plain
//! DRAM bridge (the baseline the engine's cost is measured against).
//!
//! ```text
//!            host mailbox ──► sp_memory_port ◄──► sp (PicoRV32, RV32I) ◄── sp_memory (ROM + RAM)
//!                                 │   │   └── cpu ASID, entry point, run ──┐
//!                      key port ◄─┘   └─ window ─┐                         ▼
//!   cpu (PicoRV32, RV32IM) ◄──► cpu_memory_port ─┴► core_arbiter ──► engine ──► DRAM port
//!                                 └── console, exit, cycle counter
//! ```
//!
//! The host (the harness, in SEV's terms the hypervisor) writes the launch mailbox and raises
//! `host_start`; the sp's firmware programs the guest's keys through the key port, re-writes
//! the guest's private memory in place through its window on the engine, hands the launch
//! digest to the host on `report_*`, sets the cpu's ASID and entry point and releases it. From
//! then on the cpu runs the guest from DRAM through the engine. Only the sp reaches the key
//! port, the window, the mailbox and the cpu's controls.
//!
//! Ports: `core_*` and `key_*` drive the engine's core port (one request at a time,
//! `core_rsp_ready` high) and key port; `host_mailbox_*` write mailbox word `addr` at a rising edge; `console_valid` pulses with
//! each byte the guest prints, `exit_valid` with its exit code; `cpu_running` is high while the
//! sp lets the cpu run; `cpu_trap` when the cpu stopped on an illegal instruction or
//! misaligned access; `cpu_fetches` counts the cpu's instruction fetches since reset;
//! `cpu_dram_reads` and `cpu_dram_read_cycles` count the cpu's reads that missed its read
//! buffer and the cycles they took; `report_valid` pulses with each word the sp hands to the host. Synchronous active-high
//! `reset` resets everything but the memories.

use super::core_arbiter::CoreArbiter;
use super::cpu_memory_port::CpuMemoryPort;
use super::picorv32::{CoreRole, PicoRv32};
use super::sp_memory::SpMemory;
use super::sp_memory_port::SpMemoryPort;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct SocShell {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub core_req_valid: Signal<Out, Bit>,
    pub core_req_ready: Signal<In, Bit>,
    pub core_req_write: Signal<Out, Bit>,
    pub core_req_addr: Signal<Out, Bits<64>>,
    pub core_req_asid: Signal<Out, Bits<16>>,
    pub core_req_encrypted: Signal<Out, Bit>,
    pub core_req_wdata: Signal<Out, Bits<128>>,
    pub core_req_wstrb: Signal<Out, Bits<16>>,
    pub core_rsp_valid: Signal<In, Bit>,
    pub core_rsp_ready: Signal<Out, Bit>,
    pub core_rsp_rdata: Signal<In, Bits<128>>,
    pub core_rsp_status: Signal<In, Bits<2>>,
    pub key_cmd_valid: Signal<Out, Bit>,
    pub key_cmd_ready: Signal<In, Bit>,
    pub key_cmd_op: Signal<Out, Bit>,
    pub key_cmd_asid: Signal<Out, Bits<16>>,
    pub key_cmd_key1: Signal<Out, Bits<256>>,
    pub key_cmd_key2: Signal<Out, Bits<256>>,
    pub key_rsp_valid: Signal<In, Bit>,
    pub key_rsp_status: Signal<In, Bits<2>>,
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
    /// The guest's CPU.
    pub cpu: PicoRv32,
    /// The secure processor.
    pub sp: PicoRv32,
    /// The cpu's memory map.
    pub cpu_port: CpuMemoryPort,
    /// The sp's memory map.
    pub sp_port: SpMemoryPort,
    /// The sp's ROM and RAM.
    pub sp_memory: SpMemory,
    /// The launch mailbox: written by the host, read by the sp.
    pub launch_mailbox: RAM<Bits<32>, 6>,
    /// cpu and sp in front of the engine's core port.
    pub arbiter: CoreArbiter,
    cpu_resetn: Signal<Local, Bit>,
}

impl SocShell {
    /// The shell for a DRAM of `dram_bytes` (a power of two, at most 1 GiB) and the sp's memory
    /// image `firmware` (at most 8 KiB); with `encrypt_private` clear the cpu's private view
    /// reaches DRAM with the C-bit clear too (a plaintext baseline).
    pub fn new(dram_bytes: u64, firmware: &[u8], encrypt_private: bool) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            core_req_valid: Default::default(),
            core_req_ready: Default::default(),
            core_req_write: Default::default(),
            core_req_addr: Default::default(),
            core_req_asid: Default::default(),
            core_req_encrypted: Default::default(),
            core_req_wdata: Default::default(),
            core_req_wstrb: Default::default(),
            core_rsp_valid: Default::default(),
            core_rsp_ready: Default::default(),
            core_rsp_rdata: Default::default(),
            core_rsp_status: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            key_cmd_op: Default::default(),
            key_cmd_asid: Default::default(),
            key_cmd_key1: Default::default(),
            key_cmd_key2: Default::default(),
            key_rsp_valid: Default::default(),
            key_rsp_status: Default::default(),
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
            cpu: PicoRv32::new(CoreRole::Cpu),
            sp: PicoRv32::new(CoreRole::SecureProcessor),
            cpu_port: CpuMemoryPort::new(dram_bytes, encrypt_private),
            sp_port: SpMemoryPort::default(),
            sp_memory: SpMemory::new(firmware),
            launch_mailbox: RAM::default(),
            arbiter: CoreArbiter::default(),
            cpu_resetn: Default::default(),
        }
    }
}

impl Logic for SocShell {
    #[hdl_gen]
    fn update(&mut self) {
        // Clocks and resets: the sp holds the cpu in reset until it sets `run`.
        self.cpu.clock.next = self.clock.val();
        self.sp.clock.next = self.clock.val();
        self.cpu_port.clock.next = self.clock.val();
        self.sp_port.clock.next = self.clock.val();
        self.sp_memory.clock.next = self.clock.val();
        self.launch_mailbox.read_clock.next = self.clock.val();
        self.launch_mailbox.write_clock.next = self.clock.val();
        self.arbiter.clock.next = self.clock.val();
        self.cpu_resetn.next = !self.reset.val() & self.sp_port.cpu_run.val();
        self.cpu.resetn.next = self.cpu_resetn.val();
        self.cpu_port.reset.next = !self.cpu_resetn.val();
        self.sp.resetn.next = !self.reset.val();
        self.sp_port.reset.next = self.reset.val();
        self.arbiter.reset.next = self.reset.val();

        // cpu <-> its memory map.
        self.cpu_port.mem_valid.next = self.cpu.mem_valid.val();
        self.cpu_port.mem_instr.next = self.cpu.mem_instr.val();
        self.cpu_port.mem_addr.next = self.cpu.mem_addr.val();
        self.cpu_port.mem_wdata.next = self.cpu.mem_wdata.val();
        self.cpu_port.mem_wstrb.next = self.cpu.mem_wstrb.val();
        self.cpu.mem_ready.next = self.cpu_port.mem_ready.val();
        self.cpu.mem_rdata.next = self.cpu_port.mem_rdata.val();
        self.cpu_port.asid.next = self.sp_port.cpu_asid.val();
        self.cpu_port.entry.next = self.sp_port.cpu_entry.val();

        // sp <-> its memory map, memory and mailbox.
        self.sp_port.mem_valid.next = self.sp.mem_valid.val();
        self.sp_port.mem_addr.next = self.sp.mem_addr.val();
        self.sp_port.mem_wdata.next = self.sp.mem_wdata.val();
        self.sp_port.mem_wstrb.next = self.sp.mem_wstrb.val();
        self.sp.mem_ready.next = self.sp_port.mem_ready.val();
        self.sp.mem_rdata.next = self.sp_port.mem_rdata.val();
        self.sp_memory.address.next = self.sp_port.memory_address.val();
        self.sp_memory.write.next = self.sp_port.memory_write.val();
        self.sp_memory.wdata.next = self.sp_port.memory_wdata.val();
        self.sp_port.memory_rdata.next = self.sp_memory.rdata.val();
        self.launch_mailbox.read_address.next = self.sp_port.mailbox_address.val();
        self.sp_port.mailbox_rdata.next = self.launch_mailbox.read_data.val();
        self.launch_mailbox.write_address.next = self.host_mailbox_addr.val();
        self.launch_mailbox.write_data.next = self.host_mailbox_wdata.val();
        self.launch_mailbox.write_enable.next = self.host_mailbox_write.val();
        self.sp_port.host_start.next = self.host_start.val();

        // Key port: the sp only.
        self.key_cmd_valid.next = self.sp_port.key_cmd_valid.val();
        self.key_cmd_op.next = self.sp_port.key_cmd_op.val();
        self.key_cmd_asid.next = self.sp_port.key_cmd_asid.val();
        self.key_cmd_key1.next = self.sp_port.key_cmd_key1.val();
        self.key_cmd_key2.next = self.sp_port.key_cmd_key2.val();
        self.sp_port.key_cmd_ready.next = self.key_cmd_ready.val();
        self.sp_port.key_rsp_valid.next = self.key_rsp_valid.val();
        self.sp_port.key_rsp_status.next = self.key_rsp_status.val();

        // The engine's core port: cpu first, then the sp's window.
        self.arbiter.a_valid.next = self.cpu_port.req_valid.val();
        self.arbiter.a_write.next = self.cpu_port.req_write.val();
        self.arbiter.a_addr.next = self.cpu_port.req_addr.val();
        self.arbiter.a_asid.next = self.cpu_port.req_asid.val();
        self.arbiter.a_encrypted.next = self.cpu_port.req_encrypted.val();
        self.arbiter.a_wdata.next = self.cpu_port.req_wdata.val();
        self.arbiter.a_wstrb.next = self.cpu_port.req_wstrb.val();
        self.cpu_port.req_ready.next = self.arbiter.a_ready.val();
        self.cpu_port.rsp_valid.next = self.arbiter.a_rsp_valid.val();
        self.cpu_port.rsp_rdata.next = self.core_rsp_rdata.val();
        self.cpu_port.rsp_status.next = self.core_rsp_status.val();
        self.arbiter.b_valid.next = self.sp_port.req_valid.val();
        self.arbiter.b_write.next = self.sp_port.req_write.val();
        self.arbiter.b_addr.next = self.sp_port.req_addr.val();
        self.arbiter.b_asid.next = self.sp_port.req_asid.val();
        self.arbiter.b_encrypted.next = self.sp_port.req_encrypted.val();
        self.arbiter.b_wdata.next = self.sp_port.req_wdata.val();
        self.arbiter.b_wstrb.next = self.sp_port.req_wstrb.val();
        self.sp_port.req_ready.next = self.arbiter.b_ready.val();
        self.sp_port.rsp_valid.next = self.arbiter.b_rsp_valid.val();
        self.sp_port.rsp_rdata.next = self.core_rsp_rdata.val();
        self.sp_port.rsp_status.next = self.core_rsp_status.val();
        self.core_req_valid.next = self.arbiter.req_valid.val();
        self.core_req_write.next = self.arbiter.req_write.val();
        self.core_req_addr.next = self.arbiter.req_addr.val();
        self.core_req_asid.next = self.arbiter.req_asid.val();
        self.core_req_encrypted.next = self.arbiter.req_encrypted.val();
        self.core_req_wdata.next = self.arbiter.req_wdata.val();
        self.core_req_wstrb.next = self.arbiter.req_wstrb.val();
        self.arbiter.req_ready.next = self.core_req_ready.val();
        self.arbiter.rsp_valid.next = self.core_rsp_valid.val();
        self.core_rsp_ready.next = self.arbiter.rsp_ready.val();

        // Host-visible outputs.
        self.report_valid.next = self.sp_port.report_valid.val();
        self.report_data.next = self.sp_port.report_data.val();
        self.console_valid.next = self.cpu_port.console_valid.val();
        self.console_byte.next = self.cpu_port.console_byte.val();
        self.exit_valid.next = self.cpu_port.exit_valid.val();
        self.exit_code.next = self.cpu_port.exit_code.val();
        self.cpu_running.next = self.cpu_resetn.val();
        self.cpu_trap.next = self.cpu.trap.val();
        self.cpu_fetches.next = self.cpu_port.fetches.val();
        self.cpu_dram_reads.next = self.cpu_port.dram_reads.val();
        self.cpu_dram_read_cycles.next = self.cpu_port.dram_read_cycles.val();
    }
}
