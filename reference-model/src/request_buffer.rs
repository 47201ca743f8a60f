//! The cycle-level model of the request buffer (`[pipeline] request_buffer`): a two-entry
//! buffer on the request channel between the partial-write unit
//! ([`crate::partial_writes::PartialWriteUnit`]) and the core
//! ([`crate::engine_model::CoreModel`]), so that the core's readiness reaches no decision of
//! the unit in the same cycle.
//!
//! - The unit's request (whole blocks only: reads, whole-block writes and merged writes) is
//!   taken at an edge where the unit offers it, the buffer holds fewer than two and no key
//!   command is in progress in the core (from the edge that hands it to the core to the edge
//!   that ends its answer cycle); that is the ready the unit sees, low during `reset`. So, as
//!   without the buffer, no request is accepted while a key command is in progress.
//! - The core is offered the oldest entry from the next cycle on (payload zero while the
//!   buffer is empty; no request during `reset`, though the payload still shows the oldest
//!   entry in the first cycle of a reset, as the hardware's register does); it leaves at an
//!   edge where the core is ready. So every request reaches stage A one cycle later, and a
//!   stream keeps one request per cycle (one entry leaving while the next arrives).
//! - A key command reaches the core only while the buffer offers no request (it is empty, or
//!   `reset` is high), and the unit sees the core's key ready only then: a request taken
//!   before a key command enters the core first. (The unit passes a key command on only
//!   while its entries are empty, and then offers no request, so the buffer drains.)
//!
//! Reset empties the buffer.

use crate::engine_model::{EngineInputs, EngineOutputs, Request};
use std::collections::VecDeque;

/// Entries of the buffer.
pub const REQUEST_BUFFER_ENTRIES: usize = 2;

/// See the module documentation.
#[derive(Clone, Debug, Default)]
pub struct RequestBuffer {
    entries: VecDeque<Request>,
    /// A key command has entered the core and not been answered.
    key_busy: bool,
}

impl RequestBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    fn room(&self, reset: bool) -> bool {
        !reset && !self.key_busy && self.entries.len() < REQUEST_BUFFER_ENTRIES
    }

    /// The core's inputs in a cycle where the unit drives `unit` towards the core: the
    /// request from the buffer, and the key command only while the buffer is empty or in
    /// `reset`; the other inputs as they are.
    pub fn core_inputs(&self, unit: &EngineInputs) -> EngineInputs {
        let mut core = unit.clone();
        // The payload is the oldest entry's register, even in a reset's first cycle; only
        // the valid is gated by `reset`.
        let head = self.entries.front();
        core.core_req_valid = head.is_some() && !unit.reset;
        core.core_req_write = head.is_some_and(|r| r.write);
        core.core_req_addr = head.map_or(0, |r| r.addr);
        core.core_req_asid = head.map_or(0, |r| r.asid);
        core.core_req_encrypted = head.is_some_and(|r| r.encrypted);
        core.core_req_wdata = head.map_or([0; 16], |r| r.wdata);
        core.key_cmd_valid = unit.key_cmd_valid && self.offers_nothing(unit.reset);
        core
    }

    /// No request is offered to the core (empty, or in `reset`): key commands pass.
    fn offers_nothing(&self, reset: bool) -> bool {
        reset || self.entries.is_empty()
    }

    /// The core's outputs as the unit sees them: the buffer's room as the request ready, and
    /// the key ready only while the buffer is empty or in `reset`.
    pub fn unit_view(&self, reset: bool, core: &EngineOutputs) -> EngineOutputs {
        let mut view = core.clone();
        view.core_req_ready = self.room(reset);
        view.key_cmd_ready = core.key_cmd_ready && self.offers_nothing(reset);
        view
    }

    /// The rising edge that ends a cycle where the unit drove `unit`, the core saw `core`
    /// (from [`RequestBuffer::core_inputs`]) and answered `outputs`.
    pub fn edge(&mut self, unit: &EngineInputs, core: &EngineInputs, outputs: &EngineOutputs) {
        if unit.reset {
            self.entries.clear();
            self.key_busy = false;
            return;
        }
        let take = unit.core_req_valid && self.room(false);
        if core.key_cmd_valid && outputs.key_cmd_ready {
            self.key_busy = true;
        }
        if outputs.key_rsp_valid {
            self.key_busy = false;
        }
        if core.core_req_valid && outputs.core_req_ready {
            self.entries.pop_front();
        }
        if take {
            self.entries.push_back(Request {
                write: unit.core_req_write,
                addr: unit.core_req_addr,
                asid: unit.core_req_asid,
                encrypted: unit.core_req_encrypted,
                wdata: unit.core_req_wdata,
            });
        }
    }
}
