//! The ULX3S board (Lattice LFE5U-85F, package CABGA381, 25 MHz oscillator, 32 MB SDR SDRAM
//! MT48LC16M16, FTDI USB serial, eight LEDs): the SoC of `mee soc` with its guest launched
//! from a ROM, its DRAM port on the board's SDRAM, its console on the USB serial port.
//!
//! Inside: an `EHXPLLL` from 25 to 40 MHz ([`Ecp5Pll`]); reset while the PLL is unlocked or
//! the FIRE1 button is pressed; a [`GuestLoader`] that writes the guest's image into SDRAM and
//! the launch mailbox, then starts the launch (the part a host plays in `mee soc run`); the
//! [`Soc`]; the DRAM port on the [`SdramPort`] (the memory path the tests simulate with
//! rust-hdl's SDRAM chip model) and the SDRAM's pins, with a tristate buffer on the data bus;
//! the guest's console through a 512-byte queue to a UART at 115,200 baud on the FTDI's
//! receive line.
//!
//! LEDs: 0 blinks (the clock runs), 1 the launch has started, 2 the guest runs, 3 the guest
//! exited with code 0, 4 it exited with another code or the cpu trapped, 7:5 the exit code's
//! low bits.
//!
//! Pins (the ULX3S v2/v3.0 constraint file of emard/ulx3s, cross-checked with litex-boards):
//! clock G2, FIRE1 R1, LEDs B2 C2 C1 D2 D1 E2 E1 H3, FTDI receive line L4; SDRAM clock F19,
//! CKE F20, CS# P20, WE# T20, RAS# R20, CAS# T19, A0-A12 M20 M19 L20 L19 K20 K19 K18 J20
//! J19 H20 N19 G20 G19, BA P19 N20, DQM U19 E20, DQ0-DQ15 J16 L18 M18 N18 P18 T18 T17 U20
//! E19 D20 D19 C20 E18 F18 J18 J17; all LVCMOS33.

use super::ecp5_pll::{pll_dividers, Ecp5Pll};
use mee_hdl::dram::sdram_port::{mt48lc16m16, SdramPort};
use mee_hdl::primitives::fifo::ByteFifo;
use mee_hdl::selftest::uart_transmitter::UartTransmitter;
use mee_hdl::soc::guest_loader::GuestLoader;
use mee_hdl::soc::soc_top::Soc;
use mee_reference::EngineConfig;
use mee_hdl::primitives::reset_synchronizer::ResetSynchronizer;
use rust_hdl::prelude::*;
use rust_hdl::widgets::sdram::OutputBuffer;
use rust_hdl::widgets::tristate::TristateBuffer;

/// The board's oscillator, in MHz.
pub const BOARD_CLOCK_MHZ: f64 = 25.0;
/// The system clock the PLL makes, in MHz.
pub const SYSTEM_CLOCK_MHZ: f64 = 40.0;
/// The USB serial port's rate.
pub const BAUD: f64 = 115_200.0;
/// SDRAM row and column address bits (MT48LC16M16: 8,192 rows of 512 columns, 4 banks).
pub const SDRAM_ROW_BITS: usize = 13;
/// See [`SDRAM_ROW_BITS`].
pub const SDRAM_COLUMN_BITS: usize = 9;
/// CAS latency the controller sets (2 is enough below 100 MHz).
pub const CAS_LATENCY: u32 = 2;

/// The engine the ULX3S builds by default: the iterative engine (one AES unit per direction
/// and one for the tweak, a block every 11 cycles) with table S-boxes and the key table in
/// block RAM, 16 ASIDs, 32 MB of DRAM.
pub const DEFAULT_CONFIG: &str = r#"top_name = "mee_ulx3s"

[pipeline]
round_registers = "iterative"
sbox = "table"
key_table = "block_ram"
read_queue_depth = 4
write_queue_depth = 2
response_queue_depth = 4

[soc]
dram_bytes = 33554432
"#;

/// Places `signal`'s bits on `sites` (bit k on `sites[k]`), LVCMOS33.
fn place<D: Direction, T: Synth>(signal: &mut Signal<D, T>, sites: &[&str]) {
    for (k, site) in sites.iter().enumerate() {
        signal.add_location(k, site);
        signal.add_signal_type(k, SignalType::LowVoltageCMOS_3v3);
    }
}

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct Ulx3sTop {
    pub clk_25mhz: Signal<In, Clock>,
    pub fire1: Signal<In, Bit>,
    pub led: Signal<Out, Bits<8>>,
    pub ftdi_rxd: Signal<Out, Bit>,
    pub sdram_clk: Signal<Out, Clock>,
    pub sdram_cke: Signal<Out, Bit>,
    pub sdram_csn: Signal<Out, Bit>,
    pub sdram_wen: Signal<Out, Bit>,
    pub sdram_rasn: Signal<Out, Bit>,
    pub sdram_casn: Signal<Out, Bit>,
    pub sdram_a: Signal<Out, Bits<13>>,
    pub sdram_ba: Signal<Out, Bits<2>>,
    pub sdram_dqm: Signal<Out, Bits<2>>,
    pub sdram_d: Signal<InOut, Bits<16>>,
    pll: Ecp5Pll,
    reset_sync: ResetSynchronizer,
    reset: Signal<Local, Bit>,
    loader: GuestLoader,
    soc: Soc,
    sdram: SdramPort<SDRAM_ROW_BITS, SDRAM_COLUMN_BITS>,
    dq: TristateBuffer<Bits<16>>,
    console: ByteFifo,
    uart: UartTransmitter,
    heartbeat: DFF<Bits<25>>,
    exited: DFF<Bit>,
    exit_code: DFF<Bits<32>>,
}

impl Ulx3sTop {
    /// The top: the SoC of `config` with the sp's `firmware`, launching the guest whose image
    /// is `blocks` (DRAM address, 16 bytes) with the launch mailbox `mailbox`.
    pub fn new(config: &EngineConfig, firmware: &[u8], blocks: &[(u32, [u8; 16])], mailbox: &[u32]) -> Self {
        let dividers = pll_dividers(BOARD_CLOCK_MHZ, SYSTEM_CLOCK_MHZ).expect("25 to 40 MHz is inside the PLL's range");
        let mut clk_25mhz = Signal::default();
        place(&mut clk_25mhz, &["G2"]);
        clk_25mhz.add_constraint(PinConstraint { index: 0, constraint: Constraint::Custom(format!("FREQUENCY PORT \"clk_25mhz\" {BOARD_CLOCK_MHZ} MHz")) });
        let mut fire1 = Signal::default();
        place(&mut fire1, &["R1"]);
        let mut led = Signal::default();
        place(&mut led, &["B2", "C2", "C1", "D2", "D1", "E2", "E1", "H3"]);
        let mut ftdi_rxd = Signal::default();
        place(&mut ftdi_rxd, &["L4"]);
        let mut sdram_clk = Signal::default();
        place(&mut sdram_clk, &["F19"]);
        let one = |site: &str| {
            let mut s = Signal::default();
            place(&mut s, &[site]);
            s
        };
        let mut sdram_a = Signal::default();
        place(&mut sdram_a, &["M20", "M19", "L20", "L19", "K20", "K19", "K18", "J20", "J19", "H20", "N19", "G20", "G19"]);
        let mut sdram_ba = Signal::default();
        place(&mut sdram_ba, &["P19", "N20"]);
        let mut sdram_dqm = Signal::default();
        place(&mut sdram_dqm, &["U19", "E20"]);
        let mut sdram_d = Signal::default();
        place(&mut sdram_d, &["J16", "L18", "M18", "N18", "P18", "T18", "T17", "U20", "E19", "D20", "D19", "C20", "E18", "F18", "J18", "J17"]);
        let mut engine = config.clone();
        engine.interface = Default::default();
        Self {
            clk_25mhz,
            fire1,
            led,
            ftdi_rxd,
            sdram_clk,
            sdram_cke: one("F20"),
            sdram_csn: one("P20"),
            sdram_wen: one("T20"),
            sdram_rasn: one("R20"),
            sdram_casn: one("T19"),
            sdram_a,
            sdram_ba,
            sdram_dqm,
            sdram_d,
            pll: Ecp5Pll::new(BOARD_CLOCK_MHZ, dividers),
            reset_sync: Default::default(),
            reset: Default::default(),
            loader: GuestLoader::new(blocks, mailbox),
            soc: Soc::new(&engine, config.soc.dram_bytes, firmware, true),
            sdram: SdramPort::new(CAS_LATENCY, mt48lc16m16(dividers.output_mhz * 1e6), OutputBuffer::Wired),
            dq: TristateBuffer::default(),
            console: ByteFifo::new(1, 512, false),
            uart: UartTransmitter::new((dividers.output_mhz * 1e6 / BAUD).round() as u16),
            heartbeat: Default::default(),
            exited: Default::default(),
            exit_code: Default::default(),
        }
    }
}

impl Logic for Ulx3sTop {
    #[hdl_gen]
    fn update(&mut self) {
        self.pll.clock_in.next = self.clk_25mhz.val();
        self.reset_sync.clock.next = self.pll.clock_out.val();
        self.heartbeat.clock.next = self.pll.clock_out.val();
        self.exited.clock.next = self.pll.clock_out.val();
        self.exit_code.clock.next = self.pll.clock_out.val();
        self.loader.clock.next = self.pll.clock_out.val();
        self.soc.clock.next = self.pll.clock_out.val();
        self.sdram.clock.next = self.pll.clock_out.val();
        self.console.clock.next = self.pll.clock_out.val();
        self.uart.clock.next = self.pll.clock_out.val();
        // Reset: 15 cycles after the PLL locks and FIRE1 is up.
        self.reset_sync.hold.next = self.fire1.val() | !self.pll.locked.val();
        self.reset.next = self.reset_sync.reset.val();
        self.loader.reset.next = self.reset.val();
        self.soc.reset.next = self.reset.val();
        self.sdram.reset.next = self.reset.val();
        self.console.reset.next = self.reset.val();
        self.uart.reset.next = self.reset.val();
        // The DRAM port: the loader's until it is done, then the SoC's.
        self.sdram.req_valid.next = self.loader.req_valid.val();
        self.sdram.req_write.next = true;
        self.sdram.req_addr.next = self.loader.req_addr.val();
        self.sdram.req_wdata.next = self.loader.req_wdata.val();
        self.loader.req_ready.next = self.sdram.req_ready.val();
        self.soc.dram_req_ready.next = false;
        if self.loader.done.val() {
            self.sdram.req_valid.next = self.soc.dram_req_valid.val();
            self.sdram.req_write.next = self.soc.dram_req_write.val();
            self.sdram.req_addr.next = self.soc.dram_req_addr.val();
            self.sdram.req_wdata.next = self.soc.dram_req_wdata.val();
            self.loader.req_ready.next = false;
            self.soc.dram_req_ready.next = self.sdram.req_ready.val();
        }
        self.soc.dram_rsp_valid.next = self.sdram.rsp_valid.val();
        self.soc.dram_rsp_rdata.next = self.sdram.rsp_rdata.val();
        self.sdram.rsp_ready.next = self.soc.dram_rsp_ready.val();
        self.soc.host_mailbox_write.next = self.loader.mailbox_write.val();
        self.soc.host_mailbox_addr.next = self.loader.mailbox_addr.val();
        self.soc.host_mailbox_wdata.next = self.loader.mailbox_wdata.val();
        self.soc.host_start.next = self.loader.start.val();
        // SDRAM pins.
        self.sdram_clk.next = self.sdram.sdram.clk.val();
        self.sdram_cke.next = true;
        self.sdram_csn.next = self.sdram.sdram.cs_not.val();
        self.sdram_wen.next = self.sdram.sdram.we_not.val();
        self.sdram_rasn.next = self.sdram.sdram.ras_not.val();
        self.sdram_casn.next = self.sdram.sdram.cas_not.val();
        self.sdram_a.next = self.sdram.sdram.address.val();
        self.sdram_ba.next = self.sdram.sdram.bank.val();
        self.sdram_dqm.next = bits::<2>(0);
        self.dq.write_enable.next = self.sdram.sdram.write_enable.val();
        self.dq.write_data.next = self.sdram.sdram.write_data.val();
        self.sdram.sdram.read_data.next = self.dq.read_data.val();
        Signal::<InOut, Bits<16>>::link(&mut self.sdram_d, &mut self.dq.bus);
        // Console.
        self.console.push.next = self.soc.console_valid.val() & !self.console.full.val();
        self.console.data_in[0].next = self.soc.console_byte.val();
        self.uart.valid.next = self.console.valid_out.val();
        self.uart.data.next = self.console.data_out[0].val();
        self.console.pop.next = self.uart.ready.val();
        self.ftdi_rxd.next = self.uart.tx.val();
        // LEDs.
        self.heartbeat.d.next = self.heartbeat.q.val() + 1;
        self.exited.d.next = self.exited.q.val() | self.soc.exit_valid.val();
        self.exit_code.d.next = self.exit_code.q.val();
        if self.soc.exit_valid.val() {
            self.exit_code.d.next = self.soc.exit_code.val();
        }
        if self.reset.val() {
            self.exited.d.next = false;
            self.exit_code.d.next = bits::<32>(0);
        }
        self.led.next = bit_cast::<8, 1>(self.heartbeat.q.val().get_bit(24).into())
            | (bit_cast::<8, 1>(self.loader.done.val().into()) << 1)
            | (bit_cast::<8, 1>(self.soc.cpu_running.val().into()) << 2)
            | (bit_cast::<8, 1>((self.exited.q.val() & (self.exit_code.q.val() == 0)).into()) << 3)
            | (bit_cast::<8, 1>(((self.exited.q.val() & (self.exit_code.q.val() != 0)) | self.soc.cpu_trap.val()).into()) << 4)
            | (bit_cast::<8, 3>(self.exit_code.q.val().get_bits::<3>(0)) << 5);
    }
}
