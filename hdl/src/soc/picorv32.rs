//! `PicoRv32`: a black box around Claire Wolf's PicoRV32 RISC-V core (its native memory
//! interface), for the SoC's `cpu` and `sp`.
//!
//! PicoRV32 is not part of this repository: its Verilog (`picorv32.v`) comes from the PyPI
//! package `pythondata-cpu-picorv32`, and `mee soc export` names that file in the SoC's file
//! list and FuseSoC core. The block's Verilog is a module that instantiates `picorv32` with the
//! role's parameters; it has no rust-hdl simulation model (the SoC is simulated from its
//! exported Verilog with Verilator).
//!
//! Memory interface (PicoRV32's own): the core raises `mem_valid` with `mem_addr`, `mem_wdata`,
//! `mem_wstrb` (zero for a read) and `mem_instr` (an instruction fetch) and holds them until a
//! cycle with `mem_ready` high, in which it samples `mem_rdata`. `resetn` is active low and
//! synchronous; `trap` rises when the core stops on an illegal instruction or misaligned access.

use crate::primitives::model_state::ModelState;
use rust_hdl::prelude::*;

/// Which PicoRV32 of the SoC a block is: it decides the core's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CoreRole {
    /// The guest's CPU: RV32IM with the cycle and instruction counters, starting at
    /// [`CPU_RESET_ADDRESS`].
    #[default]
    Cpu,
    /// The secure processor: RV32I with the counters, starting at address 0 of its ROM.
    SecureProcessor,
}

/// Where the cpu starts after reset: the two-instruction jump to the guest's entry point that
/// [`super::cpu_memory_port::CpuMemoryPort`] serves there.
pub const CPU_RESET_ADDRESS: u32 = 0x8000_0010;

/// See the module documentation.
#[derive(LogicBlock, Default)]
#[allow(missing_docs)]
pub struct PicoRv32 {
    pub clock: Signal<In, Clock>,
    pub resetn: Signal<In, Bit>,
    pub trap: Signal<Out, Bit>,
    pub mem_valid: Signal<Out, Bit>,
    pub mem_instr: Signal<Out, Bit>,
    pub mem_ready: Signal<In, Bit>,
    pub mem_addr: Signal<Out, Bits<32>>,
    pub mem_wdata: Signal<Out, Bits<32>>,
    pub mem_wstrb: Signal<Out, Bits<4>>,
    pub mem_rdata: Signal<In, Bits<32>>,
    role: ModelState<CoreRole>,
}

impl PicoRv32 {
    /// The core for `role`.
    pub fn new(role: CoreRole) -> Self {
        Self { role: ModelState(role), ..Default::default() }
    }

    /// The `picorv32` parameters of this role.
    pub fn parameters(&self) -> String {
        let (mul_div, reset) = match self.role.0 {
            CoreRole::Cpu => (1, CPU_RESET_ADDRESS),
            CoreRole::SecureProcessor => (0, 0),
        };
        format!(
            ".ENABLE_COUNTERS(1), .ENABLE_COUNTERS64(1), .ENABLE_REGS_16_31(1), .ENABLE_REGS_DUALPORT(1), \
             .BARREL_SHIFTER(1), .COMPRESSED_ISA(0), .CATCH_MISALIGN(1), .CATCH_ILLINSN(1), \
             .ENABLE_MUL({mul_div}), .ENABLE_DIV({mul_div}), .ENABLE_IRQ(0), .ENABLE_TRACE(0), \
             .REGS_INIT_ZERO(1), .PROGADDR_RESET(32'h{reset:08x}), .STACKADDR(32'hffffffff)"
        )
    }
}

impl Logic for PicoRv32 {
    /// No simulation model: the outputs stay idle in rust-hdl's simulator.
    fn update(&mut self) {
        self.trap.next = false;
        self.mem_valid.next = false;
        self.mem_instr.next = false;
        self.mem_addr.next = 0.into();
        self.mem_wdata.next = 0.into();
        self.mem_wstrb.next = 0.into();
    }

    fn connect(&mut self) {
        self.trap.connect();
        self.mem_valid.connect();
        self.mem_instr.connect();
        self.mem_addr.connect();
        self.mem_wdata.connect();
        self.mem_wstrb.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Wrapper(Wrapper {
            code: format!(
                "picorv32 #({}) core (\n    .clk(clock), .resetn(resetn), .trap(trap),\n    \
                 .mem_valid(mem_valid), .mem_instr(mem_instr), .mem_ready(mem_ready),\n    \
                 .mem_addr(mem_addr), .mem_wdata(mem_wdata), .mem_wstrb(mem_wstrb), .mem_rdata(mem_rdata),\n    \
                 .mem_la_read(), .mem_la_write(), .mem_la_addr(), .mem_la_wdata(), .mem_la_wstrb(),\n    \
                 .pcpi_valid(), .pcpi_insn(), .pcpi_rs1(), .pcpi_rs2(), .pcpi_wr(1'b0), .pcpi_rd(32'h0),\n    \
                 .pcpi_wait(1'b0), .pcpi_ready(1'b0), .irq(32'h0), .eoi(),\n    \
                 .trace_valid(), .trace_data()\n);\n",
                self.parameters()
            ),
            // picorv32.v itself is added to the file list by the export.
            cores: String::new(),
        })
    }
}
