//! `UartTransmitter`: a serial transmitter, 8 data bits, no parity, one stop bit (8N1), least
//! significant bit first; the line idles high.
//!
//! Timing: a byte is taken at an edge where `valid` and `ready` are high; `ready` is high while
//! the line is idle. The frame (start bit, 8 data bits, stop bit) starts at that edge and lasts
//! 10 bit times of `clocks_per_bit` cycles each; `ready` rises again after the stop bit.

use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct UartTransmitter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub valid: Signal<In, Bit>,
    pub ready: Signal<Out, Bit>,
    pub data: Signal<In, Bits<8>>,
    pub tx: Signal<Out, Bit>,
    /// Stop bit, data bits and start bit, shifted out from bit 0.
    frame: DFF<Bits<10>>,
    /// Bits left in the frame (0: idle).
    bits_left: DFF<Bits<4>>,
    /// Cycles left in the current bit.
    bit_timer: DFF<Bits<16>>,
    clocks_per_bit: Constant<Bits<16>>,
}

impl UartTransmitter {
    /// A transmitter whose bit lasts `clocks_per_bit` cycles (clock / baud rate; 2 to 65,535).
    pub fn new(clocks_per_bit: u16) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid: Default::default(),
            ready: Default::default(),
            data: Default::default(),
            tx: Default::default(),
            frame: Default::default(),
            bits_left: Default::default(),
            bit_timer: Default::default(),
            clocks_per_bit: Constant::new(u64::from(clocks_per_bit.max(2)).into()),
        }
    }
}

impl Logic for UartTransmitter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, frame, bits_left, bit_timer);
        self.ready.next = self.bits_left.q.val() == 0;
        self.tx.next = true;
        if self.bits_left.q.val() != 0 {
            self.tx.next = self.frame.q.val().get_bit(0);
            self.bit_timer.d.next = self.bit_timer.q.val() - 1;
            if self.bit_timer.q.val() == 1 {
                self.bit_timer.d.next = self.clocks_per_bit.val();
                self.bits_left.d.next = self.bits_left.q.val() - 1;
                self.frame.d.next = self.frame.q.val() >> 1;
            }
        }
        if (self.bits_left.q.val() == 0) & self.valid.val() {
            self.frame.d.next = (bit_cast::<10, 8>(self.data.val()) << 1) | bits::<10>(0x200);
            self.bits_left.d.next = bits::<4>(10);
            self.bit_timer.d.next = self.clocks_per_bit.val();
        }
        if self.reset.val() {
            self.frame.d.next = bits::<10>(0);
            self.bits_left.d.next = bits::<4>(0);
            self.bit_timer.d.next = bits::<16>(0);
        }
    }
}
