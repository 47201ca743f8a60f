//! `RequestBuffer`: the two-entry buffer on the request channel between the partial-write
//! unit ([`crate::engine::partial_write_unit::PartialWriteUnit`]) and the core
//! ([`crate::engine::engine_core::EngineCore`]), built with `[pipeline] request_buffer`. The
//! cycle model is `mee_reference::request_buffer`.
//!
//! The core's ready reaches no decision of the unit in the same cycle: the unit sees the
//! buffer's room, and the core takes the buffer's oldest entry. That cuts the loop from stage
//! A's hand-over through the unit's acceptance (its merged write's issue, its head entry and
//! counts), at one cycle more on every request's way in.
//!
//! - `in_ready` (to the unit) is high while the buffer holds fewer than two entries and no key
//!   command is in progress in the core (`key_busy`: from the edge that hands a command to the
//!   core to the edge that ends its answer cycle), low during `reset`. The second condition
//!   keeps the engine's rule that no request is accepted while a key command runs (without
//!   the buffer the core's ready is low then).
//! - `out_valid` / `out_data` (to the core) offer the oldest entry from registers, from the
//!   cycle after it was taken. The buffer holds its payload ([`SkidBuffer::holding_payload`]):
//!   while it is empty `out_data` is whatever the unit last offered (zero after a reset), which
//!   the core reads only with `out_valid`. So the unit's late valid (its hazard check and the
//!   buffer's room) enables the buffer's two valid bits, not its payload's flip-flops.
//! - A key command reaches the core (`core_key_valid`) only while the buffer offers no request,
//!   and the unit sees the core's key ready (`unit_key_ready`) only then, so a request taken
//!   before a command enters the core first.
//!
//! Payload layout: see [`crate::engine::engine_top::REQUEST_BITS`]. A `#[hdl_gen]` block
//! around a [`SkidBuffer`]; checked against the reference model in the lock-step tests and
//! under Icarus in the exported engine's co-simulation.

use crate::engine::engine_top::REQUEST_BITS;
use crate::primitives::skid_buffer::SkidBuffer;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct RequestBuffer {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// The unit offers a request.
    pub in_valid: Signal<In, Bit>,
    /// Room for the unit's request (registers and `reset`).
    pub in_ready: Signal<Out, Bit>,
    /// The unit's request.
    pub in_data: Signal<In, Bits<REQUEST_BITS>>,
    /// A request is offered to the core (a register and `reset`).
    pub out_valid: Signal<Out, Bit>,
    /// The core takes the offered request.
    pub out_ready: Signal<In, Bit>,
    /// The offered request, from a register (while the buffer is empty, what the unit last
    /// offered: read it only with `out_valid`).
    pub out_data: Signal<Out, Bits<REQUEST_BITS>>,
    /// The unit offers a key command.
    pub unit_key_valid: Signal<In, Bit>,
    /// The key command's ready as the unit sees it: the core's, while the buffer offers no
    /// request.
    pub unit_key_ready: Signal<Out, Bit>,
    /// The key command's valid as the core sees it: the unit's, while the buffer offers no
    /// request.
    pub core_key_valid: Signal<Out, Bit>,
    /// The core takes the key command.
    pub core_key_ready: Signal<In, Bit>,
    /// The core answers a key command.
    pub core_key_answer: Signal<In, Bit>,
    buffer: SkidBuffer<REQUEST_BITS>,
    /// A key command has entered the core and not been answered.
    key_busy: DFF<Bit>,
}

impl Default for RequestBuffer {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            in_data: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_data: Default::default(),
            unit_key_valid: Default::default(),
            unit_key_ready: Default::default(),
            core_key_valid: Default::default(),
            core_key_ready: Default::default(),
            core_key_answer: Default::default(),
            buffer: SkidBuffer::holding_payload(),
            key_busy: Default::default(),
        }
    }
}

impl Logic for RequestBuffer {
    #[hdl_gen]
    fn update(&mut self) {
        self.buffer.clock.next = self.clock.val();
        self.buffer.reset.next = self.reset.val();
        self.key_busy.clock.next = self.clock.val();
        self.buffer.in_valid.next = self.in_valid.val() & !self.key_busy.q.val();
        self.buffer.in_data.next = self.in_data.val();
        self.in_ready.next = self.buffer.in_ready.val() & !self.key_busy.q.val();
        self.out_valid.next = self.buffer.out_valid.val();
        self.out_data.next = self.buffer.out_data.val();
        self.buffer.out_ready.next = self.out_ready.val();
        self.core_key_valid.next = self.unit_key_valid.val() & !self.buffer.out_valid.val();
        self.unit_key_ready.next = self.core_key_ready.val() & !self.buffer.out_valid.val();
        self.key_busy.d.next = self.key_busy.q.val();
        if self.unit_key_valid.val() & !self.buffer.out_valid.val() & self.core_key_ready.val() {
            self.key_busy.d.next = true;
        }
        if self.core_key_answer.val() | self.reset.val() {
            self.key_busy.d.next = false;
        }
    }
}
