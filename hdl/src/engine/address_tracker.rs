//! `AddressTracker`: the addresses of writes accepted and not yet sent to DRAM, oldest first,
//! with a parallel compare that tells whether a read address matches any of them (a
//! read-after-write hazard).
//!
//! The compare looks at the whole address, or (built with `compare_bits` = n, the engine's
//! `pipeline.write_hazard_bits`) at the low n bits of the block address, bits 4 to n + 3:
//! then the compare registers keep only those bits, each entry's comparator is n bits wide,
//! and a read also matches writes to blocks 2^(n + 4) bytes apart (a false hazard, which the
//! cycle model has too).
//!
//! A leaf primitive: Rust model (`VecDeque` of addresses with a match flag) and hand-written
//! Verilog (a ring of address registers with one occupied bit, two registered match bits and
//! one comparator per entry, and in front of it a register for the entry pushed at the last edge;
//! `oldest` is read from a copy of the ring in distributed RAM from 16 entries up, and always
//! with a partial compare), checked against each other
//! under Icarus Verilog.
//!
//! The compare is done one cycle ahead, so that `hit` comes from registers: at an edge where
//! `query_load` is high every entry held after that edge (the ones kept and the one pushed)
//! records whether it equals `query`; an entry pushed at an edge without `query_load` records
//! no match. `hit` is high while an entry that recorded a match is still held. The engine loads
//! the query with the request it accepts into stage A and pushes only when stage A hands a
//! write on, so while stage A holds a request `hit` tells whether its address is pending.
//!
//! A pushed entry first waits one cycle in its own register (the *young* entry) and moves into
//! the ring at the next edge. So `push` (late in the engine's cycle: it follows stage A's
//! handshake) only enables that one register, and no path runs from it to the ring's write
//! enables or match flags. The young entry counts in `count` and in `hit`, but it is not yet
//! `oldest` and `pop` does not remove it: an entry can leave at the second edge after its push
//! at the earliest. (In the engine a write's DRAM request comes after its encryption, several
//! cycles after the push.)
//!
//! `hit` comes from registers without a tree in between: at every edge the tracker registers
//! four summaries of its entries (OR trees with and without the new query, with and without
//! the entry a pop would remove) and the late inputs themselves (`query_load`, `pop`), and
//! after the edge those only choose among the summaries. So the engine's read decision starts
//! a two-level mux away from flip-flops, and `query_load` drives a single register.
//!
//! Timing: `hit`, `count` and `oldest` are combinational from registers. On a rising edge `pop`
//! removes the oldest entry pushed before the last edge (when there is one) and `push` appends
//! `push_address` (dropped when the tracker was full before the edge, even if an entry leaves
//! at it: the engine pushes only with room, and so no path runs from `pop` to the entries). A
//! synchronous `reset` empties it.

use crate::primitives::distributed_ram::MIN_COPIED_DEPTH;
use crate::primitives::verilog_text::{bits_to_count, bits_to_index, zero_extended};
use crate::primitives::model_state::ModelState;
use mee_reference::config::addresses_collide;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write;

/// The tracker's entries and depth, for the Rust model.
#[derive(Clone, Debug, Default)]
pub struct TrackerModel {
    depth: usize,
    /// Address bits kept in the copy `oldest` is read from.
    address_bits: usize,
    /// Block-address bits compared (bits `4..4 + n`), or `None` for the whole address.
    compare_bits: Option<usize>,
    /// Held addresses in the ring, oldest first, each with its match flag.
    entries: VecDeque<(u64, bool)>,
    /// The entry pushed at the last edge, with its match flag.
    young: Option<(u64, bool)>,
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
    /// A tracker of `depth` entries (1 to 65535) of addresses below 2^`address_bits` (1 to
    /// 64): the copy `oldest` is read from keeps only those bits (the exported top ties the
    /// address port's upper bits to zero). With `compare_bits` = `Some(n)` (1 to 60) an entry
    /// matches a query whose block address (bits 4 and up) agrees with its own in the low `n`
    /// bits, and the compare registers keep only those bits; with `None` the whole address
    /// must be equal.
    pub fn new(depth: usize, address_bits: usize, compare_bits: Option<usize>) -> Self {
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
            model: ModelState(TrackerModel { depth: depth.max(1), address_bits: address_bits.clamp(1, 64), compare_bits: compare_bits.map(|n| n.clamp(1, 60)), entries: VecDeque::new(), young: None }),
        }
    }

    /// The body of the tracker's Verilog module.
    pub fn verilog_text(&self) -> String {
        let depth = self.model.0.depth;
        let pointer_bits = bits_to_index(depth);
        let last = depth - 1;
        let mut v = String::new();
        // The part of an address the compares look at: all of it, or the low block-address bits.
        let compare_bits = self.model.0.compare_bits;
        let key_width = compare_bits.unwrap_or(64);
        let key = |a: &str| if compare_bits.is_some() { format!("{a}[{}:4]", key_width + 3) } else { a.to_string() };
        let _ = writeln!(v, "reg [{}:0] addresses [0:{last}];\nreg [{last}:0] occupied;", key_width - 1);
        // A copy of the addresses in a memory with one write and one read port (distributed
        // RAM), for `oldest`: the registers above feed the compares, and reading the oldest
        // one from them would take a `depth`-way multiplexer of 64-bit registers.
        let ab = self.model.0.address_bits;
        // Below a distributed RAM's 16 words the copy would be registers: read the ring.
        // The compare registers keep only part of the address with `compare_bits`: read the copy.
        let copied = depth >= MIN_COPIED_DEPTH || compare_bits.is_some();
        let oldest = if copied { zero_extended("address_copy[head]", ab, 64) } else { "addresses[head]".to_string() };
        if copied {
            let _ = writeln!(v, "reg [{}:0] address_copy [0:{last}];", ab - 1);
        }
        // The count is only as wide as `depth` needs (`count` zero-extends it).
        let cb = bits_to_count(depth);
        let _ = writeln!(v, "reg [{}:0] head;\nreg [{}:0] tail;\nreg [{}:0] stored;", pointer_bits - 1, pointer_bits - 1, cb - 1);
        let _ = writeln!(v, "reg young_valid;\nreg [63:0] young_address;\nwire [{}:0] query_key = {};", key_width - 1, key("query"));
        // What the last edge's late inputs were, and what the entries compared to before it.
        // An entry's match flag is `loaded ? equal_before : kept_before`: the late
        // `query_load` is registered instead of choosing in front of every flag.
        let _ = writeln!(v, "reg loaded;\nreg popped;\nreg young_equal_before;\nreg [{last}:0] equal_before;\nreg [{last}:0] kept_before;");
        let _ = writeln!(v, "reg hit_query_kept;\nreg hit_query_popped;\nreg hit_flags_kept;\nreg hit_flags_popped;");
        let _ = writeln!(v, "wire young_equal = {} == query_key;", key("young_address"));
        let _ = writeln!(v, "wire young_matched = loaded & young_equal_before;");
        let _ = writeln!(v, "wire [{last}:0] matched = loaded ? equal_before : kept_before;");
        // The ring holds an entry at `head` exactly when it is not empty.
        let _ = writeln!(v, "wire leaving = pop & occupied[head];");
        let _ = writeln!(v, "wire storing = push & (stored != {cb}'d{depth});");
        let _ = writeln!(v, "integer j;\nreg [{last}:0] at_head;\nreg [{last}:0] equal;\nreg [{last}:0] equal_next;\nreg [{last}:0] kept_next;");
        // Each entry's compare with the query and its kept flag, for the next cycle; the young
        // entry's go to the slot it moves into.
        let _ = writeln!(
            v,
            "always @(*) begin\n    for (j = 0; j < {depth}; j = j + 1) begin\n\
             \x20       equal[j] = addresses[j] == query_key;\n\
             \x20       at_head[j] = occupied[head] & (head == j);\n\
             \x20       equal_next[j] = (young_valid & (tail == j)) ? young_equal : equal[j];\n\
             \x20       kept_next[j] = (young_valid & (tail == j)) ? young_matched : matched[j];\n    end\nend"
        );
        // `hit` after an edge is one of four summaries (OR trees over the entries, registered
        // at that edge without any late input): with or without the newly loaded query, with
        // or without the entry a pop removed. The registered late inputs choose among them,
        // and a query also hits the entry pushed at that edge.
        let _ = writeln!(
            v,
            "always @(*) begin\n\
             \x20   hit = loaded ? ((popped ? hit_query_popped : hit_query_kept) | (young_valid & young_equal_before))\n\
             \x20                : (popped ? hit_flags_popped : hit_flags_kept);\n\
             \x20   count = {count};\n    oldest = occupied[head] ? {oldest} : 64'd0;\nend",
            count = zero_extended("stored", cb, 16)
        );
        let young_before = format!("{} == query_key", key("push_address"));
        let stored_reset = format!("{cb}'d0");
        let stored_next = format!("stored + {} - {}", zero_extended("storing", 1, cb), zero_extended("leaving", 1, cb));
        let registers = [
            ("head", "0", "head"),
            ("tail", "0", "tail"),
            ("stored", stored_reset.as_str(), stored_next.as_str()),
            ("young_valid", "1'b0", "storing"),
            ("young_address", "64'd0", "push_address"),
            ("loaded", "1'b0", "query_load"),
            ("popped", "1'b0", "pop"),
            ("young_equal_before", "1'b0", young_before.as_str()),
            ("equal_before", "0", "equal_next"),
            ("kept_before", "0", "kept_next"),
            ("hit_query_kept", "1'b0", "|(occupied & equal) | (young_valid & young_equal)"),
            ("hit_query_popped", "1'b0", "|(occupied & ~at_head & equal) | (young_valid & young_equal)"),
            ("hit_flags_kept", "1'b0", "|(occupied & matched) | (young_valid & young_matched)"),
            ("hit_flags_popped", "1'b0", "|(occupied & ~at_head & matched) | (young_valid & young_matched)"),
            ("occupied", "0", "occupied"),
        ];
        if copied {
            let _ = writeln!(v, "always @(posedge clock)\n    if (young_valid & ~reset)\n        address_copy[tail] <= young_address[{}:0];", ab - 1);
        }
        v.push_str("initial begin\n");
        for (name, zero, _) in &registers {
            let _ = writeln!(v, "    {name} = {zero};");
        }
        v.push_str("end\nalways @(posedge clock) begin\n    if (reset) begin\n");
        for (name, zero, _) in &registers {
            let _ = writeln!(v, "        {name} <= {zero};");
        }
        v.push_str("    end else begin\n");
        for (name, _, next) in &registers {
            if name != next {
                let _ = writeln!(v, "        {name} <= {next};");
            }
        }
        let _ = writeln!(
            v,
            "        if (leaving) begin\n            occupied[head] <= 1'b0;\n            head <= (head == {last}) ? 0 : head + 1'b1;\n        end\n\
             \x20       if (young_valid) begin\n            addresses[tail] <= {young_key};\n            occupied[tail] <= 1'b1;\n            tail <= (tail == {last}) ? 0 : tail + 1'b1;\n        end\n    end\nend",
            young_key = key("young_address")
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
                model.young = None;
            } else {
                let was_full = model.entries.len() + usize::from(model.young.is_some()) >= model.depth;
                if self.pop.val() {
                    model.entries.pop_front();
                }
                let load = self.query_load.val();
                let query = self.query.val().to_u64();
                let compare_bits = model.compare_bits.map(|n| n as u32);
                let matches = |address: u64| addresses_collide(address, query, compare_bits);
                if load {
                    for entry in model.entries.iter_mut().chain(model.young.iter_mut()) {
                        entry.1 = matches(entry.0);
                    }
                }
                model.entries.extend(model.young.take());
                if self.push.val() && !was_full {
                    let address = self.push_address.val().to_u64();
                    model.young = Some((address, load && matches(address)));
                }
            }
        }
        let young = model.young.iter();
        self.hit.next = model.entries.iter().chain(young).any(|e| e.1);
        self.count.next = Bits::<16>::from(LiteralType::from((model.entries.len() + usize::from(model.young.is_some())) as u64));
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
