//! `SkidBuffer<N>`: a two-entry buffer on one valid/ready channel of `N` payload bits, whose
//! outputs all come from registers and `reset`: no path runs from its sender's side to its
//! receiver's side or back. The AXI4 top puts one on each of its request channels with
//! `[pipeline] registered_ports` (see [`crate::bus::axi_engine`]).
//!
//! Two registers, `main` (offered to the receiver) and `skid` (an entry taken while the
//! receiver held `main`):
//! - `in_ready` is high while `skid` is empty; the sender's entry is taken at an edge where
//!   `in_valid` and `in_ready` are high. It goes to `main` when `main` is empty or leaving,
//!   else to `skid`.
//! - `out_valid` is high while `main` holds an entry, and `out_data` is `main`'s register:
//!   the entry's payload, zero while `main` is empty (`main` is cleared at every edge that
//!   leaves it empty). No gate sits between the register and `out_data`, so `out_data` is
//!   zero while `out_valid` is low except in the first cycle of a reset that finds an entry in
//!   `main`: that cycle still shows it. The entry leaves at an edge where `out_ready` is high;
//!   `skid` then moves into `main`.
//!
//! A buffer that *holds its payload* ([`SkidBuffer::holding_payload`]) loads its registers
//! without waiting for the sender's valid: `skid` takes `in_data` at every edge while it is
//! empty, and `main`, whenever it is empty or leaving, takes `skid`'s entry or `in_data`. Only
//! the two valid bits wait for `in_valid`, so a late valid enables two flip-flops instead of
//! every payload bit. `out_data` is then the entry's payload while `out_valid` is high, and
//! while it is low whatever the sender last offered (zero after a reset): for a receiver that
//! reads the payload only with the valid.
//!
//! Latency: an entry taken at an edge is offered from the next cycle. Throughput: one entry per
//! cycle while the receiver takes one per cycle. Order: first in, first out. `reset`
//! (synchronous) empties both registers and holds both valid and ready low while high.
//!
//! A `#[hdl_gen]` block; its Verilog is checked against a queue model under Icarus Verilog in
//! the leaf-primitive tests.

use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct SkidBuffer<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// The sender's valid.
    pub in_valid: Signal<In, Bit>,
    /// Room for the sender's entry (a register).
    pub in_ready: Signal<Out, Bit>,
    /// The sender's payload.
    pub in_data: Signal<In, Bits<N>>,
    /// An entry is offered to the receiver (a register).
    pub out_valid: Signal<Out, Bit>,
    /// The receiver takes the offered entry.
    pub out_ready: Signal<In, Bit>,
    /// The offered entry's payload, from a register (zero while `main` is empty; see the
    /// module documentation for the cycle of a reset).
    pub out_data: Signal<Out, Bits<N>>,
    main_valid: DFF<Bit>,
    main_data: DFF<Bits<N>>,
    skid_valid: DFF<Bit>,
    skid_data: DFF<Bits<N>>,
    take: Signal<Local, Bit>,
    main_free: Signal<Local, Bit>,
    /// The payload registers load without waiting for `in_valid` (see the module documentation).
    hold_payload: Constant<Bit>,
}

impl<const N: usize> SkidBuffer<N> {
    /// A buffer that holds its payload (see the module documentation).
    pub fn holding_payload() -> Self {
        Self::with_payload_held(true)
    }

    fn with_payload_held(hold: bool) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            in_data: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_data: Default::default(),
            main_valid: Default::default(),
            main_data: Default::default(),
            skid_valid: Default::default(),
            skid_data: Default::default(),
            take: Default::default(),
            main_free: Default::default(),
            hold_payload: Constant::new(hold),
        }
    }
}

/// A buffer whose payload is zero while it is empty.
impl<const N: usize> Default for SkidBuffer<N> {
    fn default() -> Self {
        Self::with_payload_held(false)
    }
}

impl<const N: usize> Logic for SkidBuffer<N> {
    #[hdl_gen]
    fn update(&mut self) {
        self.main_valid.clock.next = self.clock.val();
        self.main_data.clock.next = self.clock.val();
        self.skid_valid.clock.next = self.clock.val();
        self.skid_data.clock.next = self.clock.val();
        self.in_ready.next = !self.skid_valid.q.val() & !self.reset.val();
        self.out_valid.next = self.main_valid.q.val() & !self.reset.val();
        self.out_data.next = self.main_data.q.val();
        self.take.next = self.in_valid.val() & !self.skid_valid.q.val();
        self.main_free.next = !self.main_valid.q.val() | self.out_ready.val();
        self.main_valid.d.next = self.main_valid.q.val();
        self.main_data.d.next = self.main_data.q.val();
        self.skid_valid.d.next = self.skid_valid.q.val();
        self.skid_data.d.next = self.skid_data.q.val();
        if self.main_free.val() {
            if self.skid_valid.q.val() {
                self.main_valid.d.next = true;
                self.main_data.d.next = self.skid_data.q.val();
                self.skid_valid.d.next = false;
            } else {
                self.main_valid.d.next = self.take.val();
                self.main_data.d.next = bits::<N>(0);
                if self.take.val() | self.hold_payload.val() {
                    self.main_data.d.next = self.in_data.val();
                }
            }
        } else if self.take.val() {
            self.skid_valid.d.next = true;
            self.skid_data.d.next = self.in_data.val();
        }
        if self.hold_payload.val() & !self.skid_valid.q.val() {
            self.skid_data.d.next = self.in_data.val();
        }
        if self.reset.val() {
            self.main_valid.d.next = false;
            self.main_data.d.next = bits::<N>(0);
            self.skid_valid.d.next = false;
            self.skid_data.d.next = bits::<N>(0);
        }
    }
}
