//! `ByteFifo`: a first-word-fall-through queue of `depth` entries of `width` bytes, with an
//! optional bypass that lets an entry pushed into an empty queue leave in the same cycle.
//!
//! A leaf primitive: its simulation model is a Rust `VecDeque` and its Verilog (a memory, two
//! ring pointers and a count) is written by [`ByteFifo::verilog_text`]; the testbench checks
//! one against the other under Icarus Verilog.
//!
//! Timing, with `stored` the number of entries held:
//! - `valid_out` = `stored > 0`, or (bypass) `push`; `data_out` is the oldest entry, or
//!   (bypass, empty) `data_in`, and all zero while `valid_out` is low;
//! - on a rising edge with `pop` and `valid_out` high the head leaves (with bypass and an empty
//!   queue, the entry being pushed leaves instead of being stored); with `push` high `data_in`
//!   is appended unless it left through the bypass or the queue is full and nothing leaves
//!   (that push is dropped: users push only with credit);
//! - `count` = `stored`, `full` = `stored == depth`; a synchronous `reset` empties the queue.
//!
//! In the Verilog, `full` and the "not empty" flag behind `valid_out` are registers of their
//! own (set and cleared by each edge's push and pop, with any compare run on the count before
//! the edge), so that no port waits for a compare on the count; the count register is only as
//! wide as `depth` needs (`count` zero-extends it to 16 bits), so that its adder's carry chain
//! is no longer than the count needs; and the memory's write enable does not wait for `pop` (below).
//!
//! A queue *pushed only with room* ([`ByteFifo::pushed_only_with_room`]) drops a push into a
//! full queue even when its head leaves at the same edge. Its user never pushes into a full
//! queue (it pushes only with credit), so the ports behave as above; but the decision to store
//! then no longer waits for `pop`, which in the engine is the late DRAM handshake.
//!
//! With a *registered push* ([`ByteFifo::with_registered_push`]) the Verilog first keeps a
//! pushed entry for one cycle in a register of its own and writes it into the memory at the
//! next edge (the memory counts it unless it leaves at that edge). The ports behave exactly as
//! above (the entry counts, and shows at the head when it is the oldest), but `push` then
//! enables that one register instead of the memory's write decode: for a queue pushed by a
//! late signal. Whether the memory holds an entry is a register too.
//!
//! With a *registered head* as well ([`ByteFifo::with_registered_push_and_head`], a queue
//! without bypass) the oldest entry is kept in a register of its own, and `data_out` is that
//! register: no memory read and no multiplexer sits between the queue's flip-flops and its
//! head. At each edge where the head register is empty or its entry leaves, it loads the
//! next oldest entry: the memory's head, else the young register, else the entry being pushed
//! (which then skips the young register), else zero. The young register goes into the memory
//! unless it moves to the head. The memory then holds the entries between the head and the
//! young register.
//!
//! The memory's write enable does not wait for `pop`: the slot at the tail is free whenever
//! an entry may be stored, so the memory is written whenever an entry is pushed with room (or
//! the young register holds one), and only the tail pointer waits to see whether the entry
//! stays (an entry that leaves through the bypass, or straight from the young register, is
//! written into the free slot and not counted). The enable reaches every cell of the memory.

use crate::primitives::model_state::ModelState;
use crate::primitives::verilog_text::{bits_to_count, bits_to_index, zero_extended};
use crate::defaults;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write;

/// The queue's contents and shape, for the Rust model.
#[derive(Clone, Debug, Default)]
pub struct FifoModel {
    depth: usize,
    bypass: bool,
    registered_push: bool,
    registered_head: bool,
    only_with_room: bool,
    entries: VecDeque<Vec<u8>>,
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct ByteFifo {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Append `data_in` at this edge.
    pub push: Signal<In, Bit>,
    /// The entry to append.
    pub data_in: Vec<Signal<In, Bits<8>>>,
    /// Remove the head at this edge (when `valid_out`).
    pub pop: Signal<In, Bit>,
    /// An entry is at the head (or passing through the bypass).
    pub valid_out: Signal<Out, Bit>,
    /// The head entry; zero while `valid_out` is low.
    pub data_out: Vec<Signal<Out, Bits<8>>>,
    /// Entries held.
    pub count: Signal<Out, Bits<16>>,
    /// `count == depth`.
    pub full: Signal<Out, Bit>,
    model: ModelState<FifoModel>,
}

impl ByteFifo {
    /// A queue of `depth` (1 to 65535) entries of `width` bytes; `bypass` as described above.
    pub fn new(width: usize, depth: usize, bypass: bool) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            push: Default::default(),
            data_in: defaults(width),
            pop: Default::default(),
            valid_out: Default::default(),
            data_out: defaults(width),
            count: Default::default(),
            full: Default::default(),
            model: ModelState(FifoModel { depth: depth.max(1), bypass, registered_push: false, registered_head: false, only_with_room: false, entries: VecDeque::new() }),
        }
    }

    /// The same queue with a registered push (see the module documentation).
    pub fn with_registered_push(width: usize, depth: usize, bypass: bool) -> Self {
        let mut fifo = Self::new(width, depth, bypass);
        fifo.model.0.registered_push = true;
        fifo
    }

    /// A queue of `depth` entries of `width` bytes without bypass, with a registered push and a
    /// registered head (see the module documentation).
    pub fn with_registered_push_and_head(width: usize, depth: usize) -> Self {
        let mut fifo = Self::with_registered_push(width, depth, false);
        fifo.model.0.registered_head = true;
        fifo
    }

    /// The same queue, pushed only with room (see the module documentation).
    pub fn pushed_only_with_room(mut self) -> Self {
        self.model.0.only_with_room = true;
        self
    }

    /// Entries currently held, oldest first (for tests).
    pub fn contents(&self) -> Vec<Vec<u8>> {
        self.model.0.entries.iter().cloned().collect()
    }

    /// The body of the queue's Verilog module.
    pub fn verilog_text(&self) -> String {
        if self.model.0.registered_head {
            return self.registered_head_verilog_text();
        }
        let width = self.data_in.len();
        let bits = 8 * width;
        let depth = self.model.0.depth;
        let pointer_bits = bits_to_index(depth);
        // `stored` is as wide as `depth` needs (`count` zero-extends it).
        let cb = bits_to_count(depth);
        let bypass = u8::from(self.model.0.bypass);
        let mut v = String::new();
        let _ = writeln!(v, "reg [{}:0] entries [0:{}];", bits - 1, depth - 1);
        let _ = writeln!(v, "reg [{}:0] head;\nreg [{}:0] tail;\nreg [{}:0] stored;\nreg is_full;\nreg have;", pointer_bits - 1, pointer_bits - 1, cb - 1);
        let packed: Vec<String> = (0..width).rev().map(|k| format!("data_in${k}")).collect();
        let _ = writeln!(v, "wire [{}:0] in_word = {{{}}};", bits - 1, packed.join(", "));
        let _ = writeln!(v, "wire through_allowed = 1'b{bypass} & push;");
        let _ = writeln!(v, "wire out_valid = have | through_allowed;");
        if self.model.0.registered_push {
            // The young register holds the entry pushed at the last edge; the memory holds
            // the others, and its head is the oldest entry whenever it has one.
            let _ = writeln!(v, "reg young_valid;\nreg [{}:0] young_word;", bits - 1);
            let _ = writeln!(v, "reg memory_has;\nwire in_memory = memory_has;");
            let _ = writeln!(
                v,
                "wire [{}:0] out_word = in_memory ? entries[head] : (young_valid ? young_word : (through_allowed ? in_word : {bits}'d0));",
                bits - 1
            );
        } else {
            let _ = writeln!(v, "wire in_memory = have;");
            let _ = writeln!(v, "wire [{}:0] out_word = have ? entries[head] : (through_allowed ? in_word : {bits}'d0);", bits - 1);
        }
        let _ = writeln!(v, "wire popping = pop & out_valid;");
        let _ = writeln!(v, "wire leaving = popping & have;");
        let room = if self.model.0.only_with_room { "~is_full" } else { "(~is_full | leaving)" };
        let _ = writeln!(v, "wire storing = push & ~(popping & ~have) & {room};");
        // The write enable does not wait for `pop`; `to_memory` moves the tail (module docs).
        let (write_enable, write_word, young_init, young_reset, young_load) = if self.model.0.registered_push {
            let _ = writeln!(v, "wire to_memory = young_valid & ~(leaving & ~in_memory);");
            let _ = writeln!(v, "wire from_memory = leaving & in_memory;");
            (
                "young_valid".to_string(),
                "young_word",
                "\n    young_valid = 1'b0;\n    young_word = 0;\n    memory_has = 1'b0;",
                "\n        young_valid <= 1'b0;\n        young_word <= 0;\n        memory_has <= 1'b0;",
                // One bit wider than `stored`, as `young_valid + 1` may exceed it.
                format!(
                    "\n        young_valid <= storing;\n        young_word <= in_word;\n        \
                     if (to_memory & ~from_memory)\n            memory_has <= 1'b1;\n        \
                     else if (from_memory & ~to_memory)\n            memory_has <= {{1'b0, stored}} != {} + {}'d1;",
                    zero_extended("young_valid", 1, cb + 1),
                    cb + 1
                ),
            )
        } else {
            let _ = writeln!(v, "wire to_memory = storing;");
            let enable = if self.model.0.only_with_room { "push & ~is_full" } else { "push & (~is_full | leaving)" };
            (enable.to_string(), "in_word", "", "", String::new())
        };
        let _ = writeln!(
            v,
            "initial begin\n    head = 0;\n    tail = 0;\n    stored = {cb}'d0;\n    is_full = 1'b0;\n    have = 1'b0;{young_init}\nend\n\
             always @(posedge clock) begin\n    if (reset) begin\n        head <= 0;\n        tail <= 0;\n        stored <= {cb}'d0;\n        is_full <= 1'b0;\n        have <= 1'b0;{young_reset}\n    end else begin\n\
             \x20       if (storing & ~leaving) begin\n            is_full <= stored == {cb}'d{before_full};\n            have <= 1'b1;\n        end else if (leaving & ~storing) begin\n            is_full <= 1'b0;\n            have <= stored != {cb}'d1;\n        end\n\
             \x20       if ({write_enable})\n            entries[tail] <= {write_word};\n        if (to_memory)\n            tail <= (tail == {last}) ? 0 : tail + 1'b1;\n\
             \x20       if (leaving & in_memory)\n            head <= (head == {last}) ? 0 : head + 1'b1;{young_load}\n\
             \x20       stored <= stored + {} - {};\n    end\nend",
            zero_extended("storing", 1, cb),
            zero_extended("leaving", 1, cb),
            last = depth - 1,
            before_full = depth - 1
        );
        let _ = writeln!(v, "always @(*) begin\n    valid_out = out_valid;\n    count = {};", zero_extended("stored", cb, 16));
        v.push_str("    full = is_full;\n");
        for k in 0..width {
            let _ = writeln!(v, "    data_out${k} = out_word[{}:{}];", 8 * k + 7, 8 * k);
        }
        v.push_str("end\n");
        v
    }

    /// The Verilog of a queue with a registered push and a registered head (no bypass): the
    /// head register, the young register, and the memory between them.
    fn registered_head_verilog_text(&self) -> String {
        let width = self.data_in.len();
        let bits = 8 * width;
        let depth = self.model.0.depth;
        let pb = bits_to_index(depth);
        let cb = bits_to_count(depth);
        let mut v = String::new();
        let _ = writeln!(v, "reg [{}:0] entries [0:{}];", bits - 1, depth - 1);
        let _ = writeln!(v, "reg [{}:0] head;\nreg [{}:0] tail;\nreg [{}:0] stored;\nreg is_full;", pb - 1, pb - 1, cb - 1);
        let _ = writeln!(v, "// The oldest entry (zero while the queue is empty), the entry pushed at the last edge, and");
        let _ = writeln!(v, "// whether the memory holds the ones between them.");
        let _ = writeln!(v, "reg have;\nreg [{0}:0] head_word;\nreg young_valid;\nreg [{0}:0] young_word;\nreg memory_has;", bits - 1);
        let packed: Vec<String> = (0..width).rev().map(|k| format!("data_in${k}")).collect();
        let _ = writeln!(v, "wire [{}:0] in_word = {{{}}};", bits - 1, packed.join(", "));
        let room = if self.model.0.only_with_room { "~is_full" } else { "(~is_full | popping)" };
        let _ = writeln!(v, "wire popping = pop & have;\nwire storing = push & {room};");
        v.push_str("// The head register takes the next oldest entry: the memory's, the young one, the pushed one.\n");
        v.push_str("wire refill = ~have | popping;\n");
        v.push_str("wire head_from_memory = refill & memory_has;\n");
        v.push_str("wire head_from_young = refill & ~memory_has & young_valid;\n");
        v.push_str("wire head_from_in = refill & ~memory_has & ~young_valid & storing;\n");
        v.push_str("wire to_memory = young_valid & ~head_from_young;\n");
        let next = |p: &str| format!("({p} == {pb}'d{}) ? {pb}'d0 : {p} + {pb}'d1", depth - 1);
        let wide = cb + 2;
        let reset_body = format!("head <= 0;\n        tail <= 0;\n        stored <= {cb}'d0;\n        is_full <= 1'b0;\n        have <= 1'b0;\n        head_word <= {bits}'d0;\n        young_valid <= 1'b0;\n        young_word <= {bits}'d0;\n        memory_has <= 1'b0;");
        let _ = writeln!(v, "initial begin\n    {}\nend", reset_body.replace("        ", "    ").replace(" <= ", " = "));
        let _ = writeln!(v, "always @(posedge clock) begin\n    if (reset) begin\n        {reset_body}\n    end else begin");
        let _ = writeln!(v, "        if (storing & ~popping)\n            is_full <= stored == {cb}'d{};\n        else if (popping & ~storing)\n            is_full <= 1'b0;", depth - 1);
        let _ = writeln!(
            v,
            "        if (refill) begin\n            have <= memory_has | young_valid | storing;\n            head_word <= memory_has ? entries[head] : (young_valid ? young_word : (storing ? in_word : {bits}'d0));\n        end"
        );
        v.push_str("        // The slot at the tail is free whenever the young register holds an entry.\n");
        v.push_str("        if (young_valid)\n            entries[tail] <= young_word;\n");
        let _ = writeln!(v, "        if (to_memory)\n            tail <= {};\n        if (head_from_memory)\n            head <= {};", next("tail"), next("head"));
        v.push_str("        young_valid <= storing & ~head_from_in;\n        young_word <= in_word;\n");
        let _ = writeln!(
            v,
            "        // The memory holds stored - 1 - young_valid entries (the head register holds one).\n        if (to_memory & ~head_from_memory)\n            memory_has <= 1'b1;\n        else if (head_from_memory & ~to_memory)\n            memory_has <= {} != {} + {wide}'d2;",
            zero_extended("stored", cb, wide),
            zero_extended("young_valid", 1, wide)
        );
        let _ = writeln!(v, "        stored <= stored + {} - {};\n    end\nend", zero_extended("storing", 1, cb), zero_extended("popping", 1, cb));
        let _ = writeln!(v, "always @(*) begin\n    valid_out = have;\n    count = {};\n    full = is_full;", zero_extended("stored", cb, 16));
        for k in 0..width {
            let _ = writeln!(v, "    data_out${k} = head_word[{}:{}];", 8 * k + 7, 8 * k);
        }
        v.push_str("end\n");
        v
    }
}

fn byte(value: u8) -> Bits<8> {
    Bits::<8>::from(LiteralType::from(value))
}

impl Logic for ByteFifo {
    fn update(&mut self) {
        let model = &mut self.model.0;
        let push = self.push.val();
        let incoming: Vec<u8> = self.data_in.iter().map(|b| b.val().to_u8()).collect();
        if self.clock.pos_edge() {
            if self.reset.val() {
                model.entries.clear();
            } else {
                let have = !model.entries.is_empty();
                let room_before = model.entries.len() < model.depth;
                let valid = have || (model.bypass && push);
                let popping = self.pop.val() && valid;
                if popping && have {
                    model.entries.pop_front();
                }
                let passed_through = popping && !have;
                let room = if model.only_with_room { room_before } else { model.entries.len() < model.depth };
                if push && !passed_through && room {
                    model.entries.push_back(incoming.clone());
                }
            }
        }
        let through = model.bypass && push;
        let head = model.entries.front();
        self.valid_out.next = head.is_some() || through;
        for (k, out) in self.data_out.iter_mut().enumerate() {
            out.next = byte(match head {
                Some(entry) => entry[k],
                None if through => incoming[k],
                None => 0,
            });
        }
        self.count.next = Bits::<16>::from(LiteralType::from(model.entries.len() as u64));
        self.full.next = model.entries.len() == model.depth;
    }

    fn connect(&mut self) {
        self.valid_out.connect();
        self.count.connect();
        self.full.connect();
        for d in &mut self.data_out {
            d.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
