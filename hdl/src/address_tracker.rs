//! `AddressTracker`: the addresses of writes accepted and not yet sent to DRAM, oldest first,
//! with a parallel compare that tells whether a read address matches any of them (a
//! read-after-write hazard).
//!
//! A leaf primitive: Rust model (`VecDeque` of addresses with a match flag) and hand-written
//! Verilog (a ring of address registers with one occupied bit, one match flag and one
//! comparator per entry), checked against each other under Icarus Verilog.
//!
//! The compare is done one cycle ahead, so that `hit` comes from registers: at an edge where
//! `query_load` is high every entry held after that edge (the ones kept and the one pushed)
//! records whether it equals `query`; an entry pushed at an edge without `query_load` records
//! no match. `hit` is high while an entry that recorded a match is still held. The engine loads
//! the query with the request it accepts into stage A and pushes only when stage A hands a
//! write on, so while stage A holds a request `hit` tells whether its address is pending.
//!
//! Timing: `hit`, `count` and `oldest` are combinational from registers. On a rising edge `pop`
//! removes the oldest entry (when there is one) and `push` appends `push_address` (dropped when
//! the tracker was full before the edge, even if an entry leaves at it: the engine pushes only
//! with room, and so no path runs from `pop` to the entries). A synchronous `reset` empties it.

use crate::model_state::ModelState;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write;

/// The tracker's entries and depth, for the Rust model.
#[derive(Clone, Debug, Default)]
pub struct TrackerModel {
    depth: usize,
    /// Held addresses, oldest first, each with its match flag.
    entries: VecDeque<(u64, bool)>,
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct AddressTracker {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Append `push_address` at this edge.
    pub push: Signal<In, Bit>,
    /// The address to append.
    pub push_address: Signal<In, Bits<64>>,
    /// Remove the oldest entry at this edge.
    pub pop: Signal<In, Bit>,
    /// The address to look for, taken at edges where `query_load` is high.
    pub query: Signal<In, Bits<64>>,
    /// Compare `query` with the entries held after this edge.
    pub query_load: Signal<In, Bit>,
    /// An entry that matched the last loaded query is still held.
    pub hit: Signal<Out, Bit>,
    /// Entries held.
    pub count: Signal<Out, Bits<16>>,
    /// The oldest held address (zero when empty).
    pub oldest: Signal<Out, Bits<64>>,
    model: ModelState<TrackerModel>,
}

impl AddressTracker {
    /// A tracker of `depth` entries (1 to 65535).
    pub fn new(depth: usize) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            push: Default::default(),
            push_address: Default::default(),
            pop: Default::default(),
            query: Default::default(),
            query_load: Default::default(),
            hit: Default::default(),
            count: Default::default(),
            oldest: Default::default(),
            model: ModelState(TrackerModel { depth: depth.max(1), entries: VecDeque::new() }),
        }
    }

    /// The body of the tracker's Verilog module.
    pub fn verilog_text(&self) -> String {
        let depth = self.model.0.depth;
        let pointer_bits = usize::BITS as usize - (depth.max(2) - 1).leading_zeros() as usize;
        let last = depth - 1;
        let mut v = String::new();
        let _ = writeln!(v, "reg [63:0] addresses [0:{last}];\nreg [{last}:0] occupied;\nreg [{last}:0] matched;");
        let _ = writeln!(v, "reg [{}:0] head;\nreg [{}:0] tail;\nreg [15:0] stored;", pointer_bits - 1, pointer_bits - 1);
        let _ = writeln!(v, "wire leaving = pop & (stored != 16'd0);");
        let _ = writeln!(v, "wire storing = push & (stored != 16'd{depth});");
        let _ = writeln!(v, "integer j;\nreg [{last}:0] matched_next;");
        // Each entry's next match flag is written out on its own, with `query_load` (the
        // engine's latest signal) choosing between two values that are ready before it. The
        // flag does not depend on `pop` (late in the engine's cycle): `hit` masks it with
        // `occupied` instead.
        let _ = writeln!(
            v,
            "always @(*) begin\n    for (j = 0; j < {depth}; j = j + 1)\n        if (query_load)\n            matched_next[j] = (storing & (tail == j)) ? (push_address == query) : (addresses[j] == query);\n        else\n            matched_next[j] = ~(storing & (tail == j)) & matched[j];\nend"
        );
        let _ = writeln!(
            v,
            "initial begin\n    head = 0;\n    tail = 0;\n    stored = 16'd0;\n    occupied = 0;\n    matched = 0;\nend\n\
             always @(posedge clock) begin\n    if (reset) begin\n        head <= 0;\n        tail <= 0;\n        stored <= 16'd0;\n        occupied <= 0;\n        matched <= 0;\n    end else begin\n\
             \x20       matched <= matched_next;\n\
             \x20       if (leaving) begin\n            occupied[head] <= 1'b0;\n            head <= (head == {last}) ? 0 : head + 1'b1;\n        end\n\
             \x20       if (storing) begin\n            addresses[tail] <= push_address;\n            occupied[tail] <= 1'b1;\n            tail <= (tail == {last}) ? 0 : tail + 1'b1;\n        end\n\
             \x20       stored <= stored + {{15'd0, storing}} - {{15'd0, leaving}};\n    end\nend"
        );
        let _ = writeln!(
            v,
            "always @(*) begin\n    hit = |(occupied & matched);\n    count = stored;\n    oldest = (stored != 16'd0) ? addresses[head] : 64'd0;\nend"
        );
        v
    }
}

impl Logic for AddressTracker {
    fn update(&mut self) {
        let model = &mut self.model.0;
        if self.clock.pos_edge() {
            if self.reset.val() {
                model.entries.clear();
            } else {
                let was_full = model.entries.len() >= model.depth;
                let leaving = self.pop.val() && !model.entries.is_empty();
                if leaving {
                    model.entries.pop_front();
                }
                let load = self.query_load.val();
                let query = self.query.val().to_u64();
                if load {
                    for entry in model.entries.iter_mut() {
                        entry.1 = entry.0 == query;
                    }
                }
                if self.push.val() && !was_full {
                    let address = self.push_address.val().to_u64();
                    model.entries.push_back((address, load && address == query));
                }
            }
        }
        self.hit.next = model.entries.iter().any(|e| e.1);
        self.count.next = Bits::<16>::from(LiteralType::from(model.entries.len() as u64));
        self.oldest.next = Bits::<64>::from(LiteralType::from(model.entries.front().map_or(0, |e| e.0)));
    }

    fn connect(&mut self) {
        self.hit.connect();
        self.count.connect();
        self.oldest.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
