//! The Alchitry Cu board (Lattice iCE40 HX8K, package CB132, 100 MHz oscillator, USB serial,
//! eight LEDs): the engine's built-in self-test ([`SelfTest`]) behind a PLL and a reset
//! synchronizer, with the board's pins on the top's signals.
//!
//! Pins (from rust-hdl-bsp-alchitry-cu and the board's published pin table): clock P7, reset
//! button P8 (low while pressed), LEDs J11 K11 K12 K14 L12 L14 M12 N14 (LED 0 first), USB
//! serial from the FPGA to the host M9.

use mee_hdl::selftest::program::SelfTestProgram;
use mee_hdl::selftest::self_test::SelfTest;
use mee_reference::EngineConfig;
use rust_hdl::fpga::lattice::ice40::ice_pll::ICE40PLLBlock;
use mee_hdl::primitives::reset_synchronizer::ResetSynchronizer;
use rust_hdl::prelude::*;
use rust_hdl_bsp_alchitry_cu::pins;

/// The board's oscillator.
pub const BOARD_CLOCK_HZ: u64 = pins::CLOCK_SPEED_100MHZ;
/// The self-test's clock, made by the PLL from the oscillator.
pub const SYSTEM_CLOCK_HZ: u64 = 25_000_000;
/// The USB serial port's rate.
pub const BAUD: u64 = 115_200;

/// The engine the Cu runs by default: the smallest one (one AES unit with four S-boxes for
/// the tweak, encryption and decryption), two ASIDs, 512-byte data units (the IEEE 1619
/// vectors 4 to 9) and addresses of 17 bits (their data units 0 to 255).
pub const DEFAULT_CONFIG: &str = r#"top_name = "mee_cu"
key_bits = 128
data_unit_bytes = 512
num_asids = 2
asid_bits = 2
addr_bits = 17

[pipeline]
round_registers = "shared_column"
sbox = "composite"
key_table = "registers"
read_queue_depth = 2
write_queue_depth = 2
response_queue_depth = 2
"#;

/// The Cu's top: see the module documentation. The self-test runs while the PLL is locked
/// and the button is up; reset holds for 15 cycles of the system clock after either.
#[derive(LogicBlock)]
pub struct AlchitryCuTop {
    /// The 100 MHz oscillator (P7).
    pub clock: Signal<In, Clock>,
    /// The reset button (P8), low while pressed.
    pub reset_n: Signal<In, Bit>,
    /// The eight LEDs (see [`SelfTest`]).
    pub leds: Signal<Out, Bits<8>>,
    /// Serial data to the host over USB (M9), 115,200 baud 8N1.
    pub usb_tx: Signal<Out, Bit>,
    pll: ICE40PLLBlock<BOARD_CLOCK_HZ, SYSTEM_CLOCK_HZ>,
    reset_sync: ResetSynchronizer,
    /// The self-test.
    pub self_test: SelfTest,
}

impl AlchitryCuTop {
    /// The top running `program` on the engine of `config`.
    pub fn new(config: &EngineConfig, program: &SelfTestProgram) -> Self {
        let mut clock = pins::clock();
        clock.add_constraint(PinConstraint { index: 0, constraint: Constraint::Custom(format!("set_frequency clock {}", BOARD_CLOCK_HZ / 1_000_000)) });
        let mut reset_n = Signal::default();
        reset_n.add_location(0, "P8");
        let mut usb_tx = Signal::default();
        usb_tx.add_location(0, "M9");
        Self {
            clock,
            reset_n,
            leds: pins::leds(),
            usb_tx,
            pll: ICE40PLLBlock::default(),
            reset_sync: Default::default(),
            self_test: SelfTest::new(config, program, (SYSTEM_CLOCK_HZ / BAUD) as u16, SYSTEM_CLOCK_HZ as u32),
        }
    }
}

impl Logic for AlchitryCuTop {
    #[hdl_gen]
    fn update(&mut self) {
        self.pll.clock_in.next = self.clock.val();
        self.reset_sync.clock.next = self.pll.clock_out.val();
        self.self_test.clock.next = self.pll.clock_out.val();
        self.reset_sync.hold.next = !self.reset_n.val() | !self.pll.locked.val();
        self.self_test.reset.next = self.reset_sync.reset.val();
        self.leds.next = self.self_test.leds.val();
        self.usb_tx.next = self.self_test.uart_tx.val();
    }
}
