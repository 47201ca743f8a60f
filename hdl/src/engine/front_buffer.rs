//! `FrontBuffer`: the registered hand-over between the partial-write unit
//! ([`crate::engine::partial_write_unit::PartialWriteUnit`]) and the engine's core
//! (`[pipeline] front_buffer`).
//!
//! Requests pass a two-entry [`SkidBuffer`], so the core's request inputs and the ready the
//! unit sees come from registers: no path runs from the unit's entries through the core's
//! request decisions and back. Because a request the buffer holds is out of the core's sight,
//! two rules keep key commands in order with requests:
//!
//! - a key command reaches the core (`c_key_cmd_valid`, and its ready back as
//!   `u_key_cmd_ready`) only while the buffer is empty;
//! - from the edge that accepts a key command in the core to the edge that ends its answer
//!   cycle (`c_key_rsp_valid`), the buffer takes no request (`key_busy`), as the core itself
//!   takes none then.
//!
//! Timing: `u_req_ready` and `c_req_*` from registers and `reset`; `c_key_cmd_valid` from
//! `u_key_cmd_valid` and a register; `u_key_cmd_ready` from `c_key_cmd_ready` and a register.
//! Latency: one cycle per request (an entry taken at an edge is offered from the next cycle).
//! Throughput: one request per cycle. A synchronous `reset` empties the buffer and clears
//! `key_busy`. The cycle model is `mee_reference::engine_model::EngineModel`.

use crate::primitives::skid_buffer::SkidBuffer;
use rust_hdl::prelude::*;

/// Bits of a request in the buffer: write (bit 209), address (208..145), ASID (144..129),
/// C-bit (128), data (127..0).
pub const FRONT_BITS: usize = 210;

/// See the module documentation.
#[derive(LogicBlock, Default)]
pub struct FrontBuffer {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// The unit's request.
    pub u_req_valid: Signal<In, Bit>,
    /// Room for the unit's request (registers only).
    pub u_req_ready: Signal<Out, Bit>,
    /// The unit's request, packed as [`FRONT_BITS`] describes.
    pub u_req_data: Signal<In, Bits<FRONT_BITS>>,
    /// The request offered to the core (a register).
    pub c_req_valid: Signal<Out, Bit>,
    /// The core takes the offered request.
    pub c_req_ready: Signal<In, Bit>,
    /// The offered request (zero while `c_req_valid` is low).
    pub c_req_data: Signal<Out, Bits<FRONT_BITS>>,
    /// The unit's key command valid.
    pub u_key_cmd_valid: Signal<In, Bit>,
    /// The core's key command ready, to the unit.
    pub u_key_cmd_ready: Signal<Out, Bit>,
    /// Key command valid to the core.
    pub c_key_cmd_valid: Signal<Out, Bit>,
    /// The core's key command ready.
    pub c_key_cmd_ready: Signal<In, Bit>,
    /// The core's key response valid (the answer cycle of the command in progress).
    pub c_key_rsp_valid: Signal<In, Bit>,
    /// The buffer.
    pub buffer: SkidBuffer<FRONT_BITS>,
    /// A key command is in the core and not yet answered.
    key_busy: DFF<Bit>,
}

impl Logic for FrontBuffer {
    #[hdl_gen]
    fn update(&mut self) {
        self.buffer.clock.next = self.clock.val();
        self.buffer.reset.next = self.reset.val();
        self.key_busy.clock.next = self.clock.val();
        self.buffer.in_valid.next = self.u_req_valid.val() & !self.key_busy.q.val();
        self.buffer.in_data.next = self.u_req_data.val();
        self.u_req_ready.next = self.buffer.in_ready.val() & !self.key_busy.q.val();
        self.c_req_valid.next = self.buffer.out_valid.val();
        self.c_req_data.next = self.buffer.out_data.val();
        self.buffer.out_ready.next = self.c_req_ready.val();
        self.c_key_cmd_valid.next = self.u_key_cmd_valid.val() & !self.buffer.out_valid.val();
        self.u_key_cmd_ready.next = self.c_key_cmd_ready.val() & !self.buffer.out_valid.val();
        self.key_busy.d.next = self.key_busy.q.val();
        if self.c_key_rsp_valid.val() {
            self.key_busy.d.next = false;
        }
        if self.u_key_cmd_valid.val() & !self.buffer.out_valid.val() & self.c_key_cmd_ready.val() {
            self.key_busy.d.next = true;
        }
        if self.reset.val() {
            self.key_busy.d.next = false;
        }
    }
}
