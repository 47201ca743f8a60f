//! `PartialWriteUnit`: the block between the engine's core port and [`crate::engine::engine_core::EngineCore`]
//! that gives the engine byte strobes. The core only handles whole blocks; this unit turns a
//! write with some strobes clear into a read-modify-write.
//!
//! - **Reads and whole-block writes** (all 16 strobes) go to the core as they are, in the same
//!   cycle, and their responses come back as they are: latency 0, no cycle added.
//! - **A partial write** goes to the core as a read of its block (same address, ASID and C-bit)
//!   and takes one of `partial_write_depth` entries (address, ASID, C-bit, data, strobes). The
//!   read's response answers the write (its status; `write` = 1; no data). The answer stage
//!   (`as_*`) holds the read for one edge; at the next, with status ok, the entry's enabled
//!   bytes are merged into the read's plaintext, and the merged block goes to the core as a
//!   whole-block write ahead of new requests (its response is dropped). A refused read leaves
//!   the entry to be dropped.
//! - **A write without strobes** touches nothing: the unit answers it in order, misaligned (3)
//!   before ASID out of range (2), else ok.
//! - **A partial write right after a partial write** (nothing accepted between them) to the
//!   same address, ASID and C-bit whose read is still in the core, or answered in this very
//!   cycle, joins its entry (its bytes over the entry's, strobes added) and is answered in
//!   order with that write's status.
//!
//! A request whose hazard bucket (the low bits of its block number, for
//! [`hazard_buckets`] buckets) is an entry's waits until that entry has left, so every later
//! request sees the merged block. A register per bucket says whether an entry holds it (at
//! most one does), so the hazard is one bit read at the request's bucket. Responses keep request order through
//! the order queue (`partial_write_order_depth` items of 5 bits: pass, answer, drop, follow,
//! or local with its status). A key command reaches the core only while no entry is held; no request is
//! accepted while one is offered.
//!
//! Timing (ports in the same cycle): `req_ready` from `c_req_ready`, `key_cmd_valid`, the
//! request's write bit, strobes, address, ASID and C-bit (the last two for joining the partial
//! write before it; not from `req_valid`, nor from the core's response); `rsp_*` from `c_rsp_*`;
//! `c_rsp_ready` from `rsp_ready`; `key_cmd_ready` from `c_key_cmd_ready`; `c_req_*` from the
//! request port and `key_cmd_valid`. The cycle model is `mee_reference::partial_writes`.
//!
//! A leaf primitive: its Rust model below and its Verilog ([`PartialWriteUnit::verilog_text`])
//! are checked against each other by its leaf check (random stimulus at every port) and by
//! the exported engine's co-simulation.

use crate::primitives::model_state::ModelState;
use crate::primitives::distributed_ram::MIN_COPIED_DEPTH;
use crate::primitives::verilog_text::{bits_to_count, bits_to_index, zero_extended};
use mee_reference::partial_writes::{hazard_bucket, hazard_buckets};
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write;

/// Order-queue items (bits 4..2 of an item; bits 1..0 hold a local answer's status).
const PASS: u8 = 0;
const ANSWER: u8 = 1;
const DROP: u8 = 2;
const LOCAL: u8 = 3;
const FOLLOW: u8 = 4;
/// Entry states.
const WAITING: u8 = 0;
const MERGED: u8 = 1;
const REFUSED: u8 = 2;
/// Answered at the last edge: merged or refused at the next one.
const ANSWERED: u8 = 3;

#[derive(Clone, Debug)]
struct Entry {
    addr: u64,
    asid: u64,
    encrypted: bool,
    data: u128,
    strobes: u16,
    state: u8,
    /// The read's plaintext and status, while answered.
    read: u128,
    answer_status: u8,
}

/// The unit's storage and shape, for the Rust model.
#[derive(Clone, Debug, Default)]
pub struct UnitModel {
    depth: usize,
    /// Address and ASID bits kept in the entries' request memory.
    address_bits: usize,
    asid_bits: usize,
    order_depth: usize,
    num_asids: u64,
    order: VecDeque<u8>,
    entries: VecDeque<Entry>,
    coalescible: bool,
    last_status: u8,
}

/// The port values of one evaluation.
#[derive(Clone, Copy, Debug, Default)]
struct Inputs {
    reset: bool,
    req_valid: bool,
    req_write: bool,
    req_addr: u64,
    req_asid: u64,
    req_encrypted: bool,
    req_wdata: u128,
    req_wstrb: u16,
    rsp_ready: bool,
    key_cmd_valid: bool,
    c_req_ready: bool,
    c_rsp_valid: bool,
    c_rsp_write: bool,
    c_rsp_rdata: u128,
    c_rsp_status: u8,
    c_key_cmd_ready: bool,
}

/// What the unit drives in one evaluation, and the decisions its edge applies.
#[derive(Clone, Copy, Debug, Default)]
struct Decisions {
    issue: bool,
    drop_refused: bool,
    partial: bool,
    local: bool,
    coalesce: bool,
    head: Option<u8>,
    req_ready: bool,
    rsp_valid: bool,
    rsp_write: bool,
    rsp_rdata: u128,
    rsp_status: u8,
    rsp_answer: bool,
    rsp_follow: bool,
    key_cmd_ready: bool,
    c_req_valid: bool,
    c_req_write: bool,
    c_req_addr: u64,
    c_req_asid: u64,
    c_req_encrypted: bool,
    c_req_wdata: u128,
    c_rsp_ready: bool,
    c_key_cmd_valid: bool,
}

/// `read` with the bytes whose strobe is set taken from `data`.
fn merge(read: u128, data: u128, strobes: u16) -> u128 {
    let mask = (0..16).filter(|k| strobes >> k & 1 == 1).fold(0u128, |m, k| m | 0xffu128 << (8 * k));
    (read & !mask) | (data & mask)
}

impl UnitModel {
    /// From 16 entries (a distributed RAM's words) up, an entry's address is kept in the request
    /// memory, `address_bits` wide; below, in 64-bit registers.
    fn address_in_memory(&self) -> bool {
        self.depth >= MIN_COPIED_DEPTH
    }

    /// The address bits an entry keeps for its merged write and hazard bucket: `address_bits`
    /// from 16 entries up (its request memory), else all of them.
    fn kept(&self, addr: u64) -> u64 {
        if self.address_in_memory() && self.address_bits < 64 {
            addr & ((1u64 << self.address_bits) - 1)
        } else {
            addr
        }
    }

    fn decide(&self, i: &Inputs) -> Decisions {
        let run = !i.reset;
        let head_state = self.entries.front().map(|e| e.state);
        let order_room = self.order.len() < self.order_depth;
        let head_merged = head_state == Some(MERGED);
        let mut d = Decisions {
            issue: head_merged && order_room && run,
            drop_refused: head_state == Some(REFUSED) && run,
            partial: i.req_write && i.req_wstrb != 0xffff && i.req_wstrb != 0,
            local: i.req_write && i.req_wstrb == 0,
            head: self.order.front().copied(),
            ..Default::default()
        };
        let buckets = hazard_buckets(self.depth);
        let req_bucket = hazard_bucket(self.kept(i.req_addr), buckets);
        let hazard = self.entries.iter().any(|e| hazard_bucket(self.kept(e.addr), buckets) == req_bucket);
        let room = order_room && (!d.partial || self.entries.len() < self.depth);
        let base_open = run && !head_merged && !d.drop_refused && !i.key_cmd_valid && order_room;
        let open = base_open && !hazard && room;
        d.coalesce = base_open
            && d.partial
            && self.coalescible
            && self.entries.back().is_some_and(|e| e.state == WAITING && e.addr == i.req_addr && e.asid == i.req_asid && e.encrypted == i.req_encrypted);
        d.req_ready = (open && (d.local || i.c_req_ready)) || d.coalesce;
        if head_merged {
            let e = &self.entries[0];
            (d.c_req_valid, d.c_req_write, d.c_req_addr, d.c_req_asid, d.c_req_encrypted, d.c_req_wdata) = (d.issue, true, self.kept(e.addr), e.asid, e.encrypted, e.data);
        } else {
            d.c_req_valid = i.req_valid && open && !d.local;
            d.c_req_write = i.req_write && !d.partial;
            (d.c_req_addr, d.c_req_asid, d.c_req_encrypted, d.c_req_wdata) = (i.req_addr, i.req_asid, i.req_encrypted, i.req_wdata);
        }
        match d.head.map(|item| item >> 2) {
            Some(PASS) => {
                d.c_rsp_ready = i.rsp_ready;
                (d.rsp_valid, d.rsp_write, d.rsp_rdata, d.rsp_status) = (i.c_rsp_valid, i.c_rsp_write, i.c_rsp_rdata, i.c_rsp_status);
            }
            Some(ANSWER) => {
                d.c_rsp_ready = i.rsp_ready;
                (d.rsp_valid, d.rsp_write, d.rsp_status) = (i.c_rsp_valid, i.c_rsp_valid, if i.c_rsp_valid { i.c_rsp_status } else { 0 });
                d.rsp_answer = i.c_rsp_valid;
            }
            Some(DROP) => d.c_rsp_ready = true,
            Some(FOLLOW) if run => {
                (d.rsp_valid, d.rsp_write, d.rsp_status) = (true, true, self.last_status);
                d.rsp_follow = true;
            }
            Some(_) if run => (d.rsp_valid, d.rsp_write, d.rsp_status) = (true, true, d.head.unwrap_or(0) & 3),
            _ => {}
        }
        d.c_key_cmd_valid = i.key_cmd_valid && self.entries.is_empty();
        d.key_cmd_ready = i.c_key_cmd_ready && self.entries.is_empty();
        d
    }

    fn edge(&mut self, i: &Inputs, d: &Decisions) {
        if i.reset {
            self.order.clear();
            self.entries.clear();
            self.coalescible = false;
            return;
        }
        for e in self.entries.iter_mut().filter(|e| e.state == ANSWERED) {
            if e.answer_status == 0 {
                e.data = merge(e.read, e.data, e.strobes);
                e.state = MERGED;
            } else {
                e.state = REFUSED;
            }
        }
        let core_fire = i.c_rsp_valid && d.c_rsp_ready;
        match d.head.map(|item| item >> 2) {
            Some(PASS | DROP) if core_fire => {
                self.order.pop_front();
            }
            Some(ANSWER) if core_fire => {
                self.order.pop_front();
                self.last_status = i.c_rsp_status;
                if let Some(e) = self.entries.iter_mut().find(|e| e.state == WAITING) {
                    (e.read, e.answer_status, e.state) = (i.c_rsp_rdata, i.c_rsp_status, ANSWERED);
                }
            }
            Some(LOCAL | FOLLOW) if d.rsp_valid && i.rsp_ready => {
                self.order.pop_front();
            }
            _ => {}
        }
        if (d.issue && i.c_req_ready) || d.drop_refused {
            if d.issue {
                self.order.push_back(DROP << 2);
            }
            self.entries.pop_front();
        }
        if i.req_valid && d.req_ready {
            self.coalescible = d.partial;
            if d.coalesce {
                if let Some(e) = self.entries.back_mut() {
                    e.data = merge(e.data, i.req_wdata, i.req_wstrb);
                    e.strobes |= i.req_wstrb;
                }
                self.order.push_back(FOLLOW << 2);
            } else if d.local {
                let status = if i.req_addr & 15 != 0 {
                    3
                } else if i.req_asid >= self.num_asids {
                    2
                } else {
                    0
                };
                self.order.push_back(LOCAL << 2 | status);
            } else if d.partial {
                self.order.push_back(ANSWER << 2);
                self.entries.push_back(Entry { addr: i.req_addr, asid: i.req_asid, encrypted: i.req_encrypted, data: i.req_wdata, strobes: i.req_wstrb, state: WAITING, read: 0, answer_status: 0 });
            } else {
                self.order.push_back(PASS << 2);
            }
        }
    }
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct PartialWriteUnit {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Request from the engine's core port.
    pub req_valid: Signal<In, Bit>,
    /// Ready to the core port.
    pub req_ready: Signal<Out, Bit>,
    /// 1 = write.
    pub req_write: Signal<In, Bit>,
    /// Byte address.
    pub req_addr: Signal<In, Bits<64>>,
    /// ASID.
    pub req_asid: Signal<In, Bits<16>>,
    /// The C-bit.
    pub req_encrypted: Signal<In, Bit>,
    /// Plaintext (writes).
    pub req_wdata: Signal<In, Bits<128>>,
    /// Byte enables (writes).
    pub req_wstrb: Signal<In, Bits<16>>,
    /// Response to the core port.
    pub rsp_valid: Signal<Out, Bit>,
    /// Ready from the core port.
    pub rsp_ready: Signal<In, Bit>,
    /// Echo of `write`.
    pub rsp_write: Signal<Out, Bit>,
    /// Plaintext (reads).
    pub rsp_rdata: Signal<Out, Bits<128>>,
    /// Status.
    pub rsp_status: Signal<Out, Bits<2>>,
    /// The response (while `rsp_valid`) answers a partial write from its block's read: with
    /// status ok, it consumed one DRAM read.
    pub rsp_answer: Signal<Out, Bit>,
    /// The response (while `rsp_valid`) answers a partial write merged into the one before it
    /// (the same DRAM read as that one's).
    pub rsp_follow: Signal<Out, Bit>,
    /// A key command is offered at the engine's port.
    pub key_cmd_valid: Signal<In, Bit>,
    /// Key command ready to the engine's port.
    pub key_cmd_ready: Signal<Out, Bit>,
    /// Request to the engine core.
    pub c_req_valid: Signal<Out, Bit>,
    /// The core's ready.
    pub c_req_ready: Signal<In, Bit>,
    /// 1 = write.
    pub c_req_write: Signal<Out, Bit>,
    /// Byte address.
    pub c_req_addr: Signal<Out, Bits<64>>,
    /// ASID.
    pub c_req_asid: Signal<Out, Bits<16>>,
    /// The C-bit.
    pub c_req_encrypted: Signal<Out, Bit>,
    /// Plaintext (writes).
    pub c_req_wdata: Signal<Out, Bits<128>>,
    /// The core's response.
    pub c_rsp_valid: Signal<In, Bit>,
    /// Ready to the core's response.
    pub c_rsp_ready: Signal<Out, Bit>,
    /// The core's `write` echo.
    pub c_rsp_write: Signal<In, Bit>,
    /// The core's read data.
    pub c_rsp_rdata: Signal<In, Bits<128>>,
    /// The core's status.
    pub c_rsp_status: Signal<In, Bits<2>>,
    /// Key command valid to the core.
    pub c_key_cmd_valid: Signal<Out, Bit>,
    /// The core's key command ready.
    pub c_key_cmd_ready: Signal<In, Bit>,
    model: ModelState<UnitModel>,
}

impl PartialWriteUnit {
    /// A unit of `depth` entries (1 to 64) and an order queue of `order_depth` items, for an
    /// engine of `num_asids` slots whose requests' addresses and ASIDs fit `address_bits` (1 to
    /// 64) and `asid_bits` (1 to 16) bits: the entries' request memory keeps only those (the
    /// exported top ties the ports' upper bits to zero).
    pub fn new(depth: usize, order_depth: usize, num_asids: u64, address_bits: usize, asid_bits: usize) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_asid: Default::default(),
            req_encrypted: Default::default(),
            req_wdata: Default::default(),
            req_wstrb: Default::default(),
            rsp_valid: Default::default(),
            rsp_ready: Default::default(),
            rsp_write: Default::default(),
            rsp_rdata: Default::default(),
            rsp_status: Default::default(),
            rsp_answer: Default::default(),
            rsp_follow: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            c_req_valid: Default::default(),
            c_req_ready: Default::default(),
            c_req_write: Default::default(),
            c_req_addr: Default::default(),
            c_req_asid: Default::default(),
            c_req_encrypted: Default::default(),
            c_req_wdata: Default::default(),
            c_rsp_valid: Default::default(),
            c_rsp_ready: Default::default(),
            c_rsp_write: Default::default(),
            c_rsp_rdata: Default::default(),
            c_rsp_status: Default::default(),
            c_key_cmd_valid: Default::default(),
            c_key_cmd_ready: Default::default(),
            model: ModelState(UnitModel {
                depth: depth.max(1),
                order_depth: order_depth.max(1),
                num_asids,
                address_bits: address_bits.clamp(1, 64),
                asid_bits: asid_bits.clamp(1, 16),
                ..Default::default()
            }),
        }
    }

    /// The body of the unit's Verilog module. The entries' write bytes and merged blocks are
    /// memories with one write and one read port each (distributed RAM), written with byte
    /// enables, and so is each entry's request (C-bit, ASID and, from 16 entries up, the
    /// address), which only the merged write reads. Each entry's strobes and state are in
    /// registers (and, below 16 entries, its address, read at `entry_head`), and a register per
    /// hazard bucket says whether an entry holds it.
    ///
    /// With more than one entry, a partial write is written into its entry one edge after its
    /// acceptance, from the *write stage* (`ws_*`, loaded at every edge): the entries' write enables then come from
    /// registers, not from the acceptance, which depends on the core's ready. The counts, the
    /// youngest entry's tags and the order queue change at the acceptance itself. So the
    /// outputs are the Rust model's, cycle for cycle: a new entry's bucket is taken at the
    /// acceptance, the merge of an answered read takes the stage's bytes if they are still on
    /// their way to its entry, and an entry's state is cleared when it leaves
    /// (and at reset), so a reused entry waits from the cycle it is accepted. A unit of one
    /// entry (the iterative and shared engines') writes it at the acceptance: its enables
    /// reach one entry, and the stage's 232 flip-flops would not fit the smallest engine into
    /// an iCE40 HX8K.
    ///
    /// With the write stage the order queue's head item is a register too (loaded with what
    /// the head will be after each edge: the item behind it at a pop, the pushed item when it
    /// is the only one), so the core's response handshake and the unit's answer start at
    /// flip-flops instead of behind a read of the queue's memory.
    pub fn verilog_text(&self) -> String {
        let m = &self.model.0;
        let (depth, order_depth) = (m.depth, m.order_depth);
        let (ab, sb) = (m.address_bits, m.asid_bits);
        let copied = m.address_in_memory();
        let kept = if copied { ab } else { 0 };
        let request_bits = 1 + sb + kept;
        // The write stage pays for itself where many entries share the write enables' fan-out.
        let stage = depth > 1;
        let (head_initial, head_reset) = if stage {
            ("    head_merged = 1'b0;\n    head_refused = 1'b0;\n    head_item = 5'b01000;\n", "        head_merged <= 1'b0;\n        head_refused <= 1'b0;\n        head_item <= 5'b01000;\n")
        } else {
            ("", "")
        };
        let ws_initial = if stage {
            "    ws_valid = 1'b0;\n    ws_grow = 1'b0;\n    ws_index = 0;\n    ws_addr = 64'd0;\n    ws_asid = 16'd0;\n    ws_encrypted = 1'b0;\n    ws_strobes = 16'd0;\n    ws_data = 128'd0;\n"
        } else {
            ""
        };
        let bits = bits_to_index;
        let (eb, ob) = (bits(depth), bits(order_depth));
        // The counts hold 0 to depth.
        let (entry_cw, order_cw) = (bits_to_count(depth), bits_to_count(order_depth));
        let buckets = hazard_buckets(depth);
        let bucket_bits = buckets.trailing_zeros() as usize;
        let d = depth - 1;
        let next = |p: &str, n: usize| format!("({p} == {}'d{}) ? {}'d0 : {p} + {}'d1", bits(n), n - 1, bits(n), bits(n));
        let lanes = |strobes: &str| -> String { (0..16).rev().map(|k| format!("{{8{{{strobes}[{k}]}}}}")).collect::<Vec<_>>().join(", ") };
        let mut v = String::new();
        let _ = writeln!(v, "// Order queue: {order_depth} items of {{kind[2:0], status[1:0]}}; kinds 0 pass, 1 answer, 2 drop, 3 local, 4 follow.");
        let _ = writeln!(v, "reg [4:0] order_item [0:{}];\nreg [{}:0] order_head;\nreg [{}:0] order_tail;\nreg [{}:0] order_count;", order_depth - 1, ob - 1, ob - 1, order_cw - 1);
        let _ = writeln!(v, "// Entries: {depth} partial writes, oldest at entry_head; states 0 waiting, 1 merged, 2 refused.");
        let _ = writeln!(
            v,
            "reg [15:0] entry_strobes [0:{d}];\nreg [1:0] entry_state [0:{d}];"
        );
        if !copied {
            let _ = writeln!(v, "// Each entry's address, read at entry_head for the merged write.\nreg [63:0] entry_addr [0:{d}];");
        }
        let _ = writeln!(
            v,
            "// Which of the {buckets} hazard buckets (block address bits {}..4) an entry holds; at most one\n// entry holds a bucket, as a request to a held bucket waits.\nreg [{}:0] occupied;",
            bucket_bits + 3,
            buckets - 1
        );
        let _ = writeln!(v, "// The write's enabled bytes, and the merged blocks, one word per entry.\nreg [127:0] entry_bytes [0:{d}];\nreg [127:0] merged_block [0:{d}];");
        let _ = writeln!(
            v,
            "// Each entry's request {{C-bit, ASID[, address]}}, read only at entry_head for the merged write.\nreg [{}:0] entry_request [0:{d}];\nwire [{}:0] head_request = entry_request[entry_head];",
            request_bits - 1,
            request_bits - 1
        );
        let _ = writeln!(v, "reg [{}:0] entry_head;\nreg [{}:0] entry_tail;\nreg [{}:0] entry_fill;\nreg [{}:0] entry_count;\nreg [{}:0] waiting_count;", eb - 1, eb - 1, eb - 1, entry_cw - 1, entry_cw - 1);
        v.push_str("// The youngest entry's request, and whether the last request accepted was a partial write.\n");
        v.push_str("reg [63:0] young_addr;\nreg [15:0] young_asid;\nreg young_encrypted;\nreg [{}:0] young;\nreg coalescible;\nreg [1:0] last_status;\n".replace("{}", &(eb - 1).to_string()).as_str());
        if stage {
            v.push_str("// The write stage: a partial write accepted at an edge is written into its entry at the next\n// one, from these registers (loaded at every edge), so that the entries' write enables come\n// from registers and not from the acceptance. `ws_grow`: a new entry, else merged into one.\n");
            let _ = writeln!(v, "reg ws_valid;\nreg ws_grow;\nreg [{}:0] ws_index;\nreg [63:0] ws_addr;\nreg [15:0] ws_asid;\nreg ws_encrypted;\nreg [15:0] ws_strobes;\nreg [127:0] ws_data;", eb - 1);
        }
        v.push_str("// What the acceptance asks of the counts, kept in registers beside them (each decided\n// from the count before the edge and the edge's increment and decrement), so that no\n// compare of a count lies between its adder and the acceptance.\n");
        v.push_str("reg have_entry;\nreg entry_space;\nreg have_item;\nreg order_room;\nreg some_waiting;\n");
        v.push_str("// The answer stage: the read answered at the last edge (its entry, status and plaintext),\n// merged with its entry's bytes into merged_block at the next edge, so that the core's\n// response does not reach the acceptance.\n");
        let _ = writeln!(v, "reg as_valid;\nreg [{}:0] as_index;\nreg [1:0] as_status;", eb - 1);
        if stage {
            v.push_str("reg [127:0] as_rdata;\n");
        }
        v.push_str("wire run = ~reset;\n");
        // The head entry's state, registered: what entry_state[entry_head] will be after each
        // edge (a slot not held is 0, waiting), so that the choice between the merged write
        // and the request port starts at flip-flops.
        // (One entry, without the write stage, reads its state: fewer cells for the smallest
        // engines.)
        if stage {
            v.push_str("reg head_merged;\nreg head_refused;\nwire drop_refused = head_refused & run;\n");
        } else {
            v.push_str("wire [1:0] head_state = entry_state[entry_head];\nwire head_merged = have_entry & (head_state == 2'd1);\nwire drop_refused = have_entry & (head_state == 2'd2) & run;\n");
        }
        v.push_str("wire issue = head_merged & order_room & run;\n");
        v.push_str("wire partial = req_write & (req_wstrb != 16'hffff) & (req_wstrb != 16'h0000);\nwire local_write = req_write & (req_wstrb == 16'h0000);\n");
        let head_addr = if copied { zero_extended(&format!("head_request[{}:0]", ab - 1), ab, 64) } else { "entry_addr[entry_head]".to_string() };
        let _ = writeln!(v, "wire [63:0] head_address = {head_addr};\nwire [{}:0] head_bucket = head_address[{}:4];", bucket_bits - 1, bucket_bits + 3);
        // A request's bucket from the same address bits as an entry's (those the entry keeps).
        let req_address = if copied && ab < bucket_bits + 4 {
            let _ = writeln!(v, "wire [63:0] req_kept_address = {};", zero_extended(&format!("req_addr[{}:0]", ab - 1), ab, 64));
            "req_kept_address"
        } else {
            "req_addr"
        };
        let _ = writeln!(v, "wire [{}:0] req_bucket = {req_address}[{}:4];\nwire hazard = occupied[req_bucket];", bucket_bits - 1, bucket_bits + 3);
        v.push_str("wire room = order_room & (~partial | entry_space);\n");
        v.push_str("wire base_open = run & ~head_merged & ~drop_refused & ~key_cmd_valid & order_room;\n");
        v.push_str("wire may_accept = base_open & ~hazard & room;\n");
        if stage {
            // The order queue's head item, registered: what `order_item[order_head]` (5'b01000
            // while empty) will be after each edge, so that the response handshake starts at
            // flip-flops and not behind a read of the queue's memory. At a pop the next item is
            // read at the pointer after the head (from registers), or is the item pushed at the
            // same edge when it is the only one left.
            let _ = writeln!(v, "reg [4:0] head_item;\nwire [{}:0] order_second = {};\nwire [4:0] second_item = order_item[order_second];", ob - 1, next("order_head", order_depth));
        } else {
            v.push_str("wire [4:0] head_item = have_item ? order_item[order_head] : 5'b01000;\n");
        }
        v.push_str("wire head_pass = head_item[4:2] == 3'd0;\nwire head_answer = head_item[4:2] == 3'd1;\nwire head_drop = have_item & (head_item[4:2] == 3'd2);\nwire head_local = have_item & (head_item[4:2] == 3'd3);\nwire head_follow = have_item & (head_item[4:2] == 3'd4);\n");
        v.push_str("// The waiting entries are the youngest ones: the youngest waits while any does.\n");
        v.push_str("wire coalesce = base_open & partial & coalescible & some_waiting & (young_addr == req_addr) & (young_asid == req_asid) & (young_encrypted == req_encrypted);\n");
        v.push_str("wire core_ready_for_response = (have_item & (head_pass | head_answer)) ? rsp_ready : head_drop;\n");
        v.push_str("wire core_fire = c_rsp_valid & core_ready_for_response;\n");
        v.push_str("wire local_valid = (head_local | head_follow) & run;\n");
        v.push_str("wire ready_out = (may_accept & (local_write | c_req_ready)) | coalesce;\n");
        v.push_str("wire accept = req_valid & ready_out;\n");
        v.push_str("wire leave = (issue & c_req_ready) | drop_refused;\n");
        v.push_str("wire pop_item = have_item & (((head_pass | head_answer | head_drop) & core_fire) | (local_valid & rsp_ready));\n");
        v.push_str("wire answer_fire = have_item & head_answer & core_fire;\n");
        v.push_str("wire push_item = accept | (issue & c_req_ready);\n");
        // `accept & partial & ~coalesce`, without the coalescing compare: a request that may
        // coalesce has the young entry's address, whose bucket that entry holds while it
        // waits, so it never finds `may_accept`.
        v.push_str("wire grow = req_valid & partial & may_accept & c_req_ready;\n");
        v.push_str("wire [1:0] local_status = (req_addr[3:0] != 4'd0) ? 2'd3 : (");
        let _ = writeln!(v, "({{1'b0, req_asid}} >= 17'd{}) ? 2'd2 : 2'd0);", m.num_asids.min(65536));
        v.push_str("wire [4:0] new_item = (issue & c_req_ready) ? 5'b01000 : (local_write ? {3'd3, local_status} : (coalesce ? 5'b10000 : (partial ? 5'b00100 : 5'b00000)));\n");
        if stage {
            let _ = writeln!(v, "wire [4:0] head_item_after = pop_item ? ((order_count > {order_cw}'d1) ? second_item : (push_item ? new_item : 5'b01000)) : ((~have_item & push_item) ? new_item : head_item);");
        }
        let _ = writeln!(v, "wire [{}:0] write_index = coalesce ? young : entry_tail;", eb - 1);
        if stage {
            v.push_str("// The answered entry, with the write stage's bytes if they are still on their way to it.\n");
            v.push_str("wire ws_at_answered = ws_valid & (ws_index == as_index);\n");
            let _ = writeln!(v, "wire [127:0] ws_mask = {{{}}};", lanes("ws_strobes"));
            v.push_str("wire [127:0] fill_bytes = ws_at_answered ? ((entry_bytes[as_index] & ~ws_mask) | (ws_data & ws_mask)) : entry_bytes[as_index];\n");
            v.push_str("wire [15:0] fill_strobes = ws_at_answered ? (ws_grow ? ws_strobes : (entry_strobes[as_index] | ws_strobes)) : entry_strobes[as_index];\n");
            let _ = writeln!(v, "wire [127:0] fill_mask = {{{}}};", lanes("fill_strobes"));
            v.push_str("wire [127:0] merged = (as_rdata & ~fill_mask) | (fill_bytes & fill_mask);\n");
        } else {
            v.push_str("// One entry: the accepted partial write is written into it at the acceptance's edge.\n");
            let _ = writeln!(v, "wire ws_valid = accept & partial;\nwire ws_grow = grow;\nwire [{}:0] ws_index = write_index;\nwire [63:0] ws_addr = req_addr;\nwire [15:0] ws_asid = req_asid;\nwire ws_encrypted = req_encrypted;\nwire [15:0] ws_strobes = req_wstrb;\nwire [127:0] ws_data = req_wdata;", eb - 1);
            v.push_str("wire [127:0] fill_bytes = entry_bytes[as_index];\nwire [15:0] fill_strobes = entry_strobes[as_index];\n");
        }
        let _ = writeln!(v, "wire [{}:0] head_next = {};", eb - 1, next("entry_head", depth));
        if stage {
            // The head entry after the edge: a new one when the head leaves (never the same
            // slot, as there are two or more), its state the answer arriving for it, else kept.
            let _ = writeln!(v, "wire [{}:0] head_after = leave ? head_next : entry_head;", eb - 1);
            v.push_str("wire [1:0] kept_state_after = leave ? entry_state[head_next] : entry_state[entry_head];\n");
            v.push_str("wire [1:0] head_state_after = (as_valid & (as_index == head_after)) ? ((as_status == 2'd0) ? 2'd1 : 2'd2) : kept_state_after;\n");
        }

        // The memories: one write port and one read port each, no reset.
        v.push_str("integer b;\nalways @(posedge clock) begin\n");
        v.push_str("    if (ws_valid)\n        for (b = 0; b < 16; b = b + 1)\n            if (ws_strobes[b]) entry_bytes[ws_index][8 * b +: 8] <= ws_data[8 * b +: 8];\n");
        if stage {
            v.push_str("    ws_grow <= grow;\n    ws_index <= write_index;\n    ws_addr <= req_addr;\n    ws_asid <= req_asid;\n    ws_encrypted <= req_encrypted;\n    ws_strobes <= req_wstrb;\n    ws_data <= req_wdata;\n");
        }
        let stored_addr = if copied { format!(", ws_addr[{}:0]", ab - 1) } else { String::new() };
        let _ = writeln!(v, "    if (ws_valid & ws_grow)\n        entry_request[ws_index] <= {{ws_encrypted, ws_asid[{}:0]{stored_addr}}};", sb - 1);
        if stage {
            // One write port: the merged block, a cycle after the answer, from the stage.
            v.push_str("    if (as_valid & (as_status == 2'd0))\n        merged_block[as_index] <= merged;\n    as_rdata <= c_rsp_rdata;\n");
        } else {
            // One entry, which is answered and merged in different cycles: the read goes into
            // its word at the answer, and its enabled bytes over it at the next edge.
            v.push_str("    if (answer_fire)\n        merged_block[entry_fill] <= c_rsp_rdata;\n    else if (as_valid & (as_status == 2'd0))\n        for (b = 0; b < 16; b = b + 1)\n            if (fill_strobes[b]) merged_block[as_index][8 * b +: 8] <= fill_bytes[8 * b +: 8];\n");
        }
        v.push_str("    as_index <= entry_fill;\n    as_status <= c_rsp_status;\n");
        v.push_str("    if (push_item)\n        order_item[order_tail] <= new_item;\nend\n");
        let address_initial = if copied { "" } else { "        entry_addr[j] = 64'd0;\n" };
        let as_rdata_initial = if stage { "    as_rdata = 128'd0;\n" } else { "" };
        let reset_values = [("have_entry", 0), ("entry_space", 1), ("have_item", 0), ("order_room", 1), ("some_waiting", 0), ("as_valid", 0)];
        let flags_initial: String = reset_values.iter().map(|(f, b)| format!("    {f} = 1'b{b};\n")).collect();
        let flags_reset: String = reset_values.iter().map(|(f, b)| format!("        {f} <= 1'b{b};\n")).collect();
        let _ = writeln!(
            v,
            "integer j;\ninitial begin\n    order_head = 0;\n    order_tail = 0;\n    order_count = 0;\n    entry_head = 0;\n    entry_tail = 0;\n    entry_fill = 0;\n    entry_count = 0;\n    waiting_count = 0;\n    occupied = 0;\n    as_index = 0;\n    as_status = 2'd0;\n{as_rdata_initial}{flags_initial}\n    young_addr = 64'd0;\n    young_asid = 16'd0;\n    young_encrypted = 1'b0;\n    young = 0;\n{head_initial}    coalescible = 1'b0;\n    last_status = 2'd0;\n{ws_initial}    for (j = 0; j < {depth}; j = j + 1) begin\n        entry_state[j] = 2'd0;\n{address_initial}        entry_strobes[j] = 16'd0;\n    end\nend"
        );
        v.push_str(&format!("always @(posedge clock) begin\n    if (reset) begin\n        order_head <= 0;\n        order_tail <= 0;\n        order_count <= 0;\n        entry_head <= 0;\n        entry_tail <= 0;\n        entry_fill <= 0;\n        entry_count <= 0;\n        waiting_count <= 0;\n{flags_reset}        occupied <= 0;\n{head_reset}        coalescible <= 1'b0;\n        last_status <= 2'd0;\n"));
        if stage {
            v.push_str("        ws_valid <= 1'b0;\n");
        }
        let _ = writeln!(v, "        for (j = 0; j < {depth}; j = j + 1)\n            entry_state[j] <= 2'd0;");
        v.push_str("    end else begin\n");
        if stage {
            v.push_str("        ws_valid <= accept & partial;\n");
        }
        let _ = writeln!(v, "        if (pop_item) order_head <= {};", next("order_head", order_depth));
        let _ = writeln!(v, "        if (push_item) order_tail <= {};", next("order_tail", order_depth));
        v.push_str(&count_flag_updates("order_count", order_cw, "push_item", "pop_item", &[("have_item", CountFlag::NonZero), ("order_room", CountFlag::Below(order_depth))]));
        v.push_str("        if (answer_fire) last_status <= c_rsp_status;\n");
        v.push_str("        if (accept) coalescible <= partial;\n");
        v.push_str("        if (ws_valid & ~ws_grow) entry_strobes[ws_index] <= entry_strobes[ws_index] | ws_strobes;\n");
        let address_write = if copied { "" } else { "            entry_addr[ws_index] <= ws_addr;\n" };
        let _ = writeln!(v, "        if (ws_valid & ws_grow) begin\n{address_write}            entry_strobes[ws_index] <= ws_strobes;\n        end");
        v.push_str("        // A leaving entry frees its bucket; a new one (never in that bucket) takes its own.\n        if (leave) occupied[head_bucket] <= 1'b0;\n        if (grow) occupied[req_bucket] <= 1'b1;\n");
        let _ = writeln!(v, "        as_valid <= answer_fire;\n        if (answer_fire) entry_fill <= {};\n        if (as_valid) entry_state[as_index] <= (as_status == 2'd0) ? 2'd1 : 2'd2;", next("entry_fill", depth));
        v.push_str("        if (leave) begin\n            entry_state[entry_head] <= 2'd0;\n            entry_head <= head_next;\n        end\n");
        let _ = writeln!(
            v,
            "        if (grow) begin\n            young <= entry_tail;\n            young_addr <= req_addr;\n            young_asid <= req_asid;\n            young_encrypted <= req_encrypted;\n            entry_tail <= {};\n        end",
            next("entry_tail", depth)
        );
        v.push_str(&count_flag_updates("entry_count", entry_cw, "grow", "leave", &[("have_entry", CountFlag::NonZero), ("entry_space", CountFlag::Below(depth))]));
        // An entry not held is waiting (0): states are cleared as entries leave and at reset.
        if stage {
            v.push_str("        head_merged <= head_state_after == 2'd1;\n        head_refused <= head_state_after == 2'd2;\n        head_item <= head_item_after;\n");
        }
        v.push_str(&count_flag_updates("waiting_count", entry_cw, "grow", "answer_fire", &[("some_waiting", CountFlag::NonZero)]));
        v.push_str("    end\nend\n");
        v.push_str("always @(*) begin\n");
        v.push_str("    req_ready = ready_out;\n");
        v.push_str("    rsp_valid = have_item & ((head_pass & c_rsp_valid) | (head_answer & c_rsp_valid) | local_valid);\n");
        v.push_str("    rsp_write = have_item & ((head_pass & c_rsp_write) | (head_answer & c_rsp_valid) | local_valid);\n");
        v.push_str("    rsp_rdata = (have_item & head_pass) ? c_rsp_rdata : 128'd0;\n");
        v.push_str("    rsp_status = (have_item & (head_pass | (head_answer & c_rsp_valid))) ? c_rsp_status : (local_valid ? (head_follow ? last_status : head_item[1:0]) : 2'd0);\n");
        v.push_str("    rsp_answer = have_item & head_answer & c_rsp_valid;\n");
        v.push_str("    rsp_follow = head_follow & run;\n");
        v.push_str("    key_cmd_ready = c_key_cmd_ready & ~have_entry;\n");
        v.push_str("    c_req_valid = head_merged ? issue : (req_valid & may_accept & ~local_write);\n");
        v.push_str("    c_req_write = head_merged | (req_write & ~partial);\n");
        let head_asid = zero_extended(&format!("head_request[{}:{kept}]", kept + sb - 1), sb, 16);
        v.push_str("    c_req_addr = head_merged ? head_address : req_addr;\n");
        let _ = writeln!(v, "    c_req_asid = head_merged ? {head_asid} : req_asid;");
        let _ = writeln!(v, "    c_req_encrypted = head_merged ? head_request[{}] : req_encrypted;", kept + sb);
        v.push_str("    c_req_wdata = head_merged ? merged_block[entry_head] : req_wdata;\n");
        v.push_str("    c_rsp_ready = core_ready_for_response;\n");
        v.push_str("    c_key_cmd_valid = key_cmd_valid & ~have_entry;\n");
        v.push_str("end\n");
        v
    }

    fn inputs(&self) -> Inputs {
        Inputs {
            reset: self.reset.val(),
            req_valid: self.req_valid.val(),
            req_write: self.req_write.val(),
            req_addr: self.req_addr.val().to_u64(),
            req_asid: self.req_asid.val().to_u64(),
            req_encrypted: self.req_encrypted.val(),
            req_wdata: self.req_wdata.val().to_u128(),
            req_wstrb: self.req_wstrb.val().to_u64() as u16,
            rsp_ready: self.rsp_ready.val(),
            key_cmd_valid: self.key_cmd_valid.val(),
            c_req_ready: self.c_req_ready.val(),
            c_rsp_valid: self.c_rsp_valid.val(),
            c_rsp_write: self.c_rsp_write.val(),
            c_rsp_rdata: self.c_rsp_rdata.val().to_u128(),
            c_rsp_status: self.c_rsp_status.val().to_u8(),
            c_key_cmd_ready: self.c_key_cmd_ready.val(),
        }
    }
}

/// What a registered flag says about a count (see [`count_flag_updates`]).
#[derive(Clone, Copy)]
enum CountFlag {
    /// The count is not zero.
    NonZero,
    /// The count is below this bound (which it never exceeds).
    Below(usize),
}

/// Verilog statements (inside the clocked block's non-reset branch) that count `count` (`width`
/// bits) up by `up` and down by `down` at the edge, and keep each flag of `flags` true of it
/// after the edge: each flag's compare runs on the count before the edge, and `up` and `down`
/// only choose the result.
fn count_flag_updates(count: &str, width: usize, up: &str, down: &str, flags: &[(&str, CountFlag)]) -> String {
    let mut v = format!("        {count} <= {count} + {} - {};\n", zero_extended(up, 1, width), zero_extended(down, 1, width));
    for (flag, kind) in flags {
        let (after_up, after_down) = match kind {
            CountFlag::NonZero => ("1'b1".to_string(), format!("{count} != {width}'d1")),
            CountFlag::Below(bound) if *bound <= 1 => ("1'b0".to_string(), "1'b1".to_string()),
            CountFlag::Below(bound) => (format!("{count} < {width}'d{}", bound - 1), "1'b1".to_string()),
        };
        let _ = writeln!(v, "        if ({up} & ~{down}) {flag} <= {after_up};\n        else if (~{up} & {down}) {flag} <= {after_down};");
    }
    v
}

fn wide(value: u128) -> Bits<128> {
    Bits::<128>::from(num_bigint::BigUint::from(value))
}

impl Logic for PartialWriteUnit {
    fn update(&mut self) {
        let i = self.inputs();
        if self.clock.pos_edge() {
            let d = self.model.0.decide(&i);
            self.model.0.edge(&i, &d);
        }
        let d = self.model.0.decide(&i);
        self.req_ready.next = d.req_ready;
        self.rsp_valid.next = d.rsp_valid;
        self.rsp_write.next = d.rsp_write;
        if self.rsp_rdata.val().to_u128() != d.rsp_rdata {
            self.rsp_rdata.next = wide(d.rsp_rdata);
        }
        self.rsp_status.next = Bits::<2>::from(LiteralType::from(d.rsp_status));
        self.rsp_answer.next = d.rsp_answer;
        self.rsp_follow.next = d.rsp_follow;
        self.key_cmd_ready.next = d.key_cmd_ready;
        self.c_req_valid.next = d.c_req_valid;
        self.c_req_write.next = d.c_req_write;
        self.c_req_addr.next = Bits::<64>::from(LiteralType::from(d.c_req_addr));
        self.c_req_asid.next = Bits::<16>::from(LiteralType::from(d.c_req_asid));
        self.c_req_encrypted.next = d.c_req_encrypted;
        if self.c_req_wdata.val().to_u128() != d.c_req_wdata {
            self.c_req_wdata.next = wide(d.c_req_wdata);
        }
        self.c_rsp_ready.next = d.c_rsp_ready;
        self.c_key_cmd_valid.next = d.c_key_cmd_valid;
    }

    fn connect(&mut self) {
        for s in [
            &mut self.req_ready, &mut self.rsp_valid, &mut self.rsp_write, &mut self.rsp_answer, &mut self.rsp_follow, &mut self.key_cmd_ready, &mut self.c_req_valid, &mut self.c_req_write,
            &mut self.c_req_encrypted, &mut self.c_rsp_ready, &mut self.c_key_cmd_valid,
        ] {
            s.connect();
        }
        self.rsp_rdata.connect();
        self.rsp_status.connect();
        self.c_req_addr.connect();
        self.c_req_asid.connect();
        self.c_req_wdata.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn strobed_bytes_come_from_the_write() {
        let read = u128::MAX;
        let data = 0x0f0e0d0c0b0a09080706050403020100u128;
        assert_eq!(merge(read, data, 0x0001), u128::MAX << 8, "byte 0 is the write's (0x00)");
        assert_eq!(merge(read, data, 0x8000), (u128::MAX >> 8) | (0x0fu128 << 120));
        assert_eq!(merge(read, data, 0xffff), data);
        assert_eq!(merge(read, data, 0), read);
    }
}
