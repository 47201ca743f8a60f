//! `ResetSynchronizer`: a board's reset from asynchronous sources (a button, a PLL's lock):
//! `hold` passes through one register (it may change at any time), and `reset` stays high
//! while it is high and for 15 cycles after it falls, so that every block leaves reset on the
//! same edge of a running clock.
//!
//! Timing: `reset` rises two edges after `hold` rises and falls 16 edges after `hold` falls.
//! At power-up the registers hold zero, so `reset` is high until 15 cycles have passed.

use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock, Default)]
#[allow(missing_docs)]
pub struct ResetSynchronizer {
    pub clock: Signal<In, Clock>,
    pub hold: Signal<In, Bit>,
    pub reset: Signal<Out, Bit>,
    held: DFF<Bit>,
    count: DFF<Bits<4>>,
}

impl Logic for ResetSynchronizer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, held, count);
        self.held.d.next = self.hold.val();
        self.count.d.next = self.count.q.val();
        if self.count.q.val() != 15 {
            self.count.d.next = self.count.q.val() + 1;
        }
        if self.held.q.val() {
            self.count.d.next = bits::<4>(0);
        }
        self.reset.next = self.count.q.val() != 15;
    }
}
