//! `SdramPort`: the engine's DRAM port on an SDR SDRAM with a 16-bit data bus: an
//! [`SdramBridge`] in front of rust-hdl's `SDRAMBurstController` (bursts of eight words, one
//! block). `R` row and `C` column address bits, four banks; the chip's pins are the `sdram`
//! interface (rust-hdl's `SDRAMDriver`), whose clock is the port's clock.
//!
//! Timing: as [`SdramBridge`]; after power-up the controller waits the chip's boot time and
//! initializes it (`req_ready` stays low meanwhile). A read takes about `t_rcd + cas + 8 + 4`
//! cycles from its request to its data, a write about `t_rcd + 8 + t_wr + t_rp` cycles of the
//! controller; refreshes come in between.

use super::sdram_bridge::SdramBridge;
use rust_hdl::prelude::*;
use rust_hdl::widgets::sdram::burst_controller::SDRAMBurstController;
use rust_hdl::widgets::sdram::timings::MemoryTimings;
use rust_hdl::widgets::sdram::{OutputBuffer, SDRAMDriver};

/// Words in a block (a burst).
pub const BURST_WORDS: u32 = 8;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct SdramPort<const R: usize, const C: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_write: Signal<In, Bit>,
    pub req_addr: Signal<In, Bits<64>>,
    pub req_wdata: Signal<In, Bits<128>>,
    pub rsp_valid: Signal<Out, Bit>,
    pub rsp_ready: Signal<In, Bit>,
    pub rsp_rdata: Signal<Out, Bits<128>>,
    /// The chip's pins.
    pub sdram: SDRAMDriver<16>,
    bridge: SdramBridge,
    controller: SDRAMBurstController<R, C, BURST_WORDS, 16>,
}

impl<const R: usize, const C: usize> SdramPort<R, C> {
    /// A port for a chip with `timings` read at CAS latency `cas_latency`, its pins driven
    /// through `buffer` (rust-hdl's choice of registers between controller and pins).
    pub fn new(cas_latency: u32, timings: MemoryTimings, buffer: OutputBuffer) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_wdata: Default::default(),
            rsp_valid: Default::default(),
            rsp_ready: Default::default(),
            rsp_rdata: Default::default(),
            sdram: Default::default(),
            bridge: Default::default(),
            controller: SDRAMBurstController::new(cas_latency, timings, buffer),
        }
    }
}

impl<const R: usize, const C: usize> Logic for SdramPort<R, C> {
    #[hdl_gen]
    fn update(&mut self) {
        self.bridge.clock.next = self.clock.val();
        self.bridge.reset.next = self.reset.val();
        self.controller.clock.next = self.clock.val();
        SDRAMDriver::<16>::link(&mut self.sdram, &mut self.controller.sdram);
        self.bridge.req_valid.next = self.req_valid.val();
        self.bridge.req_write.next = self.req_write.val();
        self.bridge.req_addr.next = self.req_addr.val();
        self.bridge.req_wdata.next = self.req_wdata.val();
        self.req_ready.next = self.bridge.req_ready.val();
        self.rsp_valid.next = self.bridge.rsp_valid.val();
        self.rsp_rdata.next = self.bridge.rsp_rdata.val();
        self.bridge.rsp_ready.next = self.rsp_ready.val();
        self.controller.cmd_strobe.next = self.bridge.cmd_strobe.val();
        self.controller.write_not_read.next = self.bridge.write_not_read.val();
        self.controller.cmd_address.next = self.bridge.cmd_address.val();
        self.controller.data_in.next = self.bridge.data_in.val();
        self.bridge.busy.next = self.controller.busy.val();
        self.bridge.data_strobe.next = self.controller.data_strobe.val();
        self.bridge.data_out.next = self.controller.data_out.val();
        self.bridge.data_valid.next = self.controller.data_valid.val();
    }
}

/// The timings of the ULX3S's SDRAM, a Micron MT48LC16M16A2 (256 Mbit, 16 bits, 4 banks of
/// 8,192 rows and 512 columns; ISSI's IS42S16160 is its alternate), at `clock_hz`: tRP and
/// tRCD 20 ns, tRFC 66 ns, tRAS 44 ns, tRC 66 ns, tRRD 15 ns, tWR 15 ns, 8,192 refreshes
/// every 64 ms, 100 µs from power-up to the first command.
pub fn mt48lc16m16(clock_hz: f64) -> MemoryTimings {
    MemoryTimings {
        initial_delay_in_nanoseconds: 100.0e3,
        t_rp_recharge_period_nanoseconds: 20.0,
        t_rfc_autorefresh_period_nanoseconds: 66.0,
        load_mode_command_timing_clocks: 2,
        t_ras_row_active_min_time_nanoseconds: 44.0,
        t_rc_row_to_row_min_time_nanoseconds: 66.0,
        t_rcd_row_to_column_min_time_nanoseconds: 20.0,
        t_rrd_bank_to_bank_activate_min_time_nanoseconds: 15.0,
        t_wr_write_recovery_time_nanoseconds: 15.0,
        t_refresh_max_interval_nanoseconds: 64.0e6 / 8192.0,
        clock_speed_hz: clock_hz,
        columns_per_bank: 512,
        rows_per_bank: 8192,
        num_banks: 4,
    }
}
