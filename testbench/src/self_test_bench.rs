//! Runs the board self-test ([`mee_hdl::selftest::self_test::SelfTest`]) in rust-hdl's
//! simulator to its end, and decodes what it writes on its UART.

use crate::driver::ClockedDriver;
use mee_hdl::selftest::program::SelfTestProgram;
use mee_hdl::selftest::self_test::SelfTest;
use mee_reference::EngineConfig;

/// UART bit time of the simulated self-test, in cycles.
pub const SIM_CLOCKS_PER_BIT: u16 = 4;

/// How a simulated self-test ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfTestRun {
    /// `passed` rose.
    pub passed: bool,
    /// `failed` rose.
    pub failed: bool,
    /// Responses the sequencer checked.
    pub checked: u64,
    /// Cycles from reset to the end of the test (or to the limit).
    pub cycles: u64,
    /// The LEDs at the end.
    pub leds: u8,
    /// The first line the UART wrote after the end (decoded 8N1).
    pub line: String,
}

/// Decodes 8N1 frames from a line sampled once per cycle at `clocks_per_bit` cycles per bit.
#[derive(Default)]
struct UartReceiver {
    clocks_per_bit: u64,
    /// Cycles since the start bit's falling edge, when in a frame.
    in_frame: Option<u64>,
    byte: u8,
    text: Vec<u8>,
}

impl UartReceiver {
    fn sample(&mut self, tx: bool) {
        match self.in_frame {
            None if !tx => self.in_frame = Some(0),
            None => {}
            Some(t) => {
                let t = t + 1;
                self.in_frame = Some(t);
                // Data bit k is sampled in the middle of bit time k + 1.
                let middle = |bit: u64| bit * self.clocks_per_bit + self.clocks_per_bit / 2;
                for k in 0..8 {
                    if t == middle(k + 1) {
                        self.byte = (self.byte >> 1) | if tx { 0x80 } else { 0 };
                    }
                }
                if t == middle(9) {
                    // The stop bit must be high; a low one is a framing error, shown as '?'.
                    self.text.push(if tx { self.byte } else { b'?' });
                    self.in_frame = None;
                }
            }
        }
    }
}

/// Simulates the self-test of `program` on the engine of `config` until it passes or fails
/// and its first UART line is complete, or `max_cycles` pass.
pub fn run_self_test(config: &EngineConfig, program: &SelfTestProgram, max_cycles: u64) -> SelfTestRun {
    let mut sim = ClockedDriver::new(SelfTest::new(config, program, SIM_CLOCKS_PER_BIT, 1_000));
    let mut uart = UartReceiver { clocks_per_bit: u64::from(SIM_CLOCKS_PER_BIT), ..Default::default() };
    sim.uut.reset.next = true;
    sim.evaluate();
    sim.rising_edge();
    sim.uut.reset.next = false;
    let mut end = None;
    while sim.cycle() < max_cycles {
        sim.evaluate();
        let done = sim.uut.passed.val() || sim.uut.failed.val();
        if done && end.is_none() {
            end = Some(sim.cycle());
        }
        uart.sample(sim.uut.uart_tx.val());
        if uart.text.ends_with(b"\r\n") {
            break;
        }
        sim.rising_edge();
    }
    SelfTestRun {
        passed: sim.uut.passed.val(),
        failed: sim.uut.failed.val(),
        checked: sim.uut.checked.val().index() as u64,
        cycles: end.unwrap_or(sim.cycle()),
        leds: sim.uut.leds.val().index() as u8,
        line: String::from_utf8_lossy(&uart.text).into_owned(),
    }
}
