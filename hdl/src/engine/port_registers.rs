//! `PortRegisters`: the registered top boundary (`[pipeline] registered_ports`), between the
//! top's ports (the fields named as in DESIGN.md) and the engine (the `e_*` fields, with the
//! opposite directions).
//!
//! Every valid/ready channel of the top has a two-entry buffer: the core request, the DRAM
//! read data and the key command on the way in; the core response, the DRAM request on the
//! way out. The key response, which has no ready, has a register. Each buffer:
//!
//! - takes its sender's entry at an edge where the sender's valid is high and it holds fewer
//!   than two (that is the ready it shows: a register compare, low during `reset`);
//! - offers its oldest entry to its receiver, valid while it holds one (low during `reset`),
//!   the payload zero while the valid is low; the entry leaves at an edge where the receiver's
//!   ready is high.
//!
//! So every output of the top comes from registers and `reset`: no path runs from an input
//! port to an output port. Latency: one cycle through each buffer and through the key
//! response register. Throughput: one entry per cycle through each buffer (one entry leaving
//! while the next arrives). A synchronous `reset` empties every buffer.
//!
//! A leaf primitive: its Rust model keeps the buffers as queues (see
//! `mee_reference::port_registers`, which it implements) and its Verilog, two registers and a
//! count per buffer, is written by [`PortRegisters::verilog_text`].

use crate::primitives::model_state::ModelState;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write;

/// Entries of each buffer.
pub const BUFFER_ENTRIES: usize = 2;

/// A core request: write, address, ASID, C-bit, data, strobes.
type CoreRequest = (bool, Bits<64>, Bits<16>, bool, Bits<128>, Bits<16>);
/// A core response: write, data, status, answer, follow.
type CoreResponse = (bool, Bits<128>, Bits<2>, bool, bool);
/// A DRAM request: write, address, data.
type DramRequest = (bool, Bits<64>, Bits<128>);
/// A key command: op, ASID, key1, key2.
type KeyCommand = (bool, Bits<16>, Bits<256>, Bits<256>);

/// The buffers' contents, for the Rust model.
#[derive(Clone, Debug, Default)]
pub struct BufferModel {
    core_req: VecDeque<CoreRequest>,
    core_rsp: VecDeque<CoreResponse>,
    dram_req: VecDeque<DramRequest>,
    dram_rsp: VecDeque<Bits<128>>,
    key_cmd: VecDeque<KeyCommand>,
    key_rsp: (bool, Bits<2>),
    /// A key command has entered the engine and not been answered.
    key_busy: bool,
}

impl BufferModel {
    /// The ready shown to the core request's sender.
    fn request_room(&self) -> bool {
        self.core_req.len() < BUFFER_ENTRIES && self.key_cmd.is_empty() && !self.key_busy
    }

    /// The key command is offered to the engine (no request is waiting before it).
    fn key_offered(&self) -> bool {
        !self.key_cmd.is_empty() && self.core_req.is_empty()
    }
}

/// One channel of the Verilog: its buffer's name, the sender's valid, the ready shown to the
/// sender, the valid shown to the receiver, the receiver's ready, and the payload fields
/// `(from sender, to receiver, width)`.
struct Channel {
    name: &'static str,
    sender_valid: &'static str,
    sender_ready: &'static str,
    receiver_valid: &'static str,
    receiver_ready: &'static str,
    fields: Vec<(&'static str, &'static str, usize)>,
    /// A further condition of the sender's ready (registers only).
    sender_ready_also: &'static str,
    /// A further condition of the receiver's valid (registers only).
    receiver_valid_also: &'static str,
}

fn channels() -> Vec<Channel> {
    vec![
        Channel {
            name: "req_buffer",
            sender_valid: "core_req_valid",
            sender_ready: "core_req_ready",
            sender_ready_also: " & (key_buffer_count == 2'd0) & ~key_busy",
            receiver_valid_also: "",
            receiver_valid: "e_core_req_valid",
            receiver_ready: "e_core_req_ready",
            fields: vec![
                ("core_req_write", "e_core_req_write", 1),
                ("core_req_addr", "e_core_req_addr", 64),
                ("core_req_asid", "e_core_req_asid", 16),
                ("core_req_encrypted", "e_core_req_encrypted", 1),
                ("core_req_wdata", "e_core_req_wdata", 128),
                ("core_req_wstrb", "e_core_req_wstrb", 16),
            ],
        },
        Channel {
            name: "rsp_buffer",
            sender_ready_also: "",
            receiver_valid_also: "",
            sender_valid: "e_core_rsp_valid",
            sender_ready: "e_core_rsp_ready",
            receiver_valid: "core_rsp_valid",
            receiver_ready: "core_rsp_ready",
            fields: vec![
                ("e_core_rsp_write", "core_rsp_write", 1),
                ("e_core_rsp_rdata", "core_rsp_rdata", 128),
                ("e_core_rsp_status", "core_rsp_status", 2),
                ("e_core_rsp_answer", "core_rsp_answer", 1),
                ("e_core_rsp_follow", "core_rsp_follow", 1),
            ],
        },
        Channel {
            name: "dram_req_buffer",
            sender_ready_also: "",
            receiver_valid_also: "",
            sender_valid: "e_dram_req_valid",
            sender_ready: "e_dram_req_ready",
            receiver_valid: "dram_req_valid",
            receiver_ready: "dram_req_ready",
            fields: vec![("e_dram_req_write", "dram_req_write", 1), ("e_dram_req_addr", "dram_req_addr", 64), ("e_dram_req_wdata", "dram_req_wdata", 128)],
        },
        Channel {
            name: "dram_rsp_buffer",
            sender_ready_also: "",
            receiver_valid_also: "",
            sender_valid: "dram_rsp_valid",
            sender_ready: "dram_rsp_ready",
            receiver_valid: "e_dram_rsp_valid",
            receiver_ready: "e_dram_rsp_ready",
            fields: vec![("dram_rsp_rdata", "e_dram_rsp_rdata", 128)],
        },
        Channel {
            name: "key_buffer",
            sender_ready_also: "",
            receiver_valid_also: " & (req_buffer_count == 2'd0)",
            sender_valid: "key_cmd_valid",
            sender_ready: "key_cmd_ready",
            receiver_valid: "e_key_cmd_valid",
            receiver_ready: "e_key_cmd_ready",
            fields: vec![
                ("key_cmd_op", "e_key_cmd_op", 1),
                ("key_cmd_asid", "e_key_cmd_asid", 16),
                ("key_cmd_key1", "e_key_cmd_key1", 256),
                ("key_cmd_key2", "e_key_cmd_key2", 256),
            ],
        },
    ]
}

/// See the module documentation. Port meanings as in DESIGN.md's "Verilog top level" (the
/// top's side) and as the same ports of [`crate::engine::engine_top::Engine`]'s engine (the
/// `e_*` side).
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct PortRegisters {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub core_req_valid: Signal<In, Bit>,
    pub core_req_ready: Signal<Out, Bit>,
    pub core_req_write: Signal<In, Bit>,
    pub core_req_addr: Signal<In, Bits<64>>,
    pub core_req_asid: Signal<In, Bits<16>>,
    pub core_req_encrypted: Signal<In, Bit>,
    pub core_req_wdata: Signal<In, Bits<128>>,
    pub core_req_wstrb: Signal<In, Bits<16>>,
    pub core_rsp_valid: Signal<Out, Bit>,
    pub core_rsp_ready: Signal<In, Bit>,
    pub core_rsp_write: Signal<Out, Bit>,
    pub core_rsp_rdata: Signal<Out, Bits<128>>,
    pub core_rsp_status: Signal<Out, Bits<2>>,
    pub core_rsp_answer: Signal<Out, Bit>,
    pub core_rsp_follow: Signal<Out, Bit>,
    pub dram_req_valid: Signal<Out, Bit>,
    pub dram_req_ready: Signal<In, Bit>,
    pub dram_req_write: Signal<Out, Bit>,
    pub dram_req_addr: Signal<Out, Bits<64>>,
    pub dram_req_wdata: Signal<Out, Bits<128>>,
    pub dram_rsp_valid: Signal<In, Bit>,
    pub dram_rsp_ready: Signal<Out, Bit>,
    pub dram_rsp_rdata: Signal<In, Bits<128>>,
    pub key_cmd_valid: Signal<In, Bit>,
    pub key_cmd_ready: Signal<Out, Bit>,
    pub key_cmd_op: Signal<In, Bit>,
    pub key_cmd_asid: Signal<In, Bits<16>>,
    pub key_cmd_key1: Signal<In, Bits<256>>,
    pub key_cmd_key2: Signal<In, Bits<256>>,
    pub key_rsp_valid: Signal<Out, Bit>,
    pub key_rsp_status: Signal<Out, Bits<2>>,
    pub e_core_req_valid: Signal<Out, Bit>,
    pub e_core_req_ready: Signal<In, Bit>,
    pub e_core_req_write: Signal<Out, Bit>,
    pub e_core_req_addr: Signal<Out, Bits<64>>,
    pub e_core_req_asid: Signal<Out, Bits<16>>,
    pub e_core_req_encrypted: Signal<Out, Bit>,
    pub e_core_req_wdata: Signal<Out, Bits<128>>,
    pub e_core_req_wstrb: Signal<Out, Bits<16>>,
    pub e_core_rsp_valid: Signal<In, Bit>,
    pub e_core_rsp_ready: Signal<Out, Bit>,
    pub e_core_rsp_write: Signal<In, Bit>,
    pub e_core_rsp_rdata: Signal<In, Bits<128>>,
    pub e_core_rsp_status: Signal<In, Bits<2>>,
    pub e_core_rsp_answer: Signal<In, Bit>,
    pub e_core_rsp_follow: Signal<In, Bit>,
    pub e_dram_req_valid: Signal<In, Bit>,
    pub e_dram_req_ready: Signal<Out, Bit>,
    pub e_dram_req_write: Signal<In, Bit>,
    pub e_dram_req_addr: Signal<In, Bits<64>>,
    pub e_dram_req_wdata: Signal<In, Bits<128>>,
    pub e_dram_rsp_valid: Signal<Out, Bit>,
    pub e_dram_rsp_ready: Signal<In, Bit>,
    pub e_dram_rsp_rdata: Signal<Out, Bits<128>>,
    pub e_key_cmd_valid: Signal<Out, Bit>,
    pub e_key_cmd_ready: Signal<In, Bit>,
    pub e_key_cmd_op: Signal<Out, Bit>,
    pub e_key_cmd_asid: Signal<Out, Bits<16>>,
    pub e_key_cmd_key1: Signal<Out, Bits<256>>,
    pub e_key_cmd_key2: Signal<Out, Bits<256>>,
    pub e_key_rsp_valid: Signal<In, Bit>,
    pub e_key_rsp_status: Signal<In, Bits<2>>,
    model: ModelState<BufferModel>,
}

impl Default for PortRegisters {
    fn default() -> Self {
        Self::new()
    }
}

impl PortRegisters {
    /// Empty buffers.
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            core_req_valid: Default::default(),
            core_req_ready: Default::default(),
            core_req_write: Default::default(),
            core_req_addr: Default::default(),
            core_req_asid: Default::default(),
            core_req_encrypted: Default::default(),
            core_req_wdata: Default::default(),
            core_req_wstrb: Default::default(),
            core_rsp_valid: Default::default(),
            core_rsp_ready: Default::default(),
            core_rsp_write: Default::default(),
            core_rsp_rdata: Default::default(),
            core_rsp_status: Default::default(),
            core_rsp_answer: Default::default(),
            core_rsp_follow: Default::default(),
            dram_req_valid: Default::default(),
            dram_req_ready: Default::default(),
            dram_req_write: Default::default(),
            dram_req_addr: Default::default(),
            dram_req_wdata: Default::default(),
            dram_rsp_valid: Default::default(),
            dram_rsp_ready: Default::default(),
            dram_rsp_rdata: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            key_cmd_op: Default::default(),
            key_cmd_asid: Default::default(),
            key_cmd_key1: Default::default(),
            key_cmd_key2: Default::default(),
            key_rsp_valid: Default::default(),
            key_rsp_status: Default::default(),
            e_core_req_valid: Default::default(),
            e_core_req_ready: Default::default(),
            e_core_req_write: Default::default(),
            e_core_req_addr: Default::default(),
            e_core_req_asid: Default::default(),
            e_core_req_encrypted: Default::default(),
            e_core_req_wdata: Default::default(),
            e_core_req_wstrb: Default::default(),
            e_core_rsp_valid: Default::default(),
            e_core_rsp_ready: Default::default(),
            e_core_rsp_write: Default::default(),
            e_core_rsp_rdata: Default::default(),
            e_core_rsp_status: Default::default(),
            e_core_rsp_answer: Default::default(),
            e_core_rsp_follow: Default::default(),
            e_dram_req_valid: Default::default(),
            e_dram_req_ready: Default::default(),
            e_dram_req_write: Default::default(),
            e_dram_req_addr: Default::default(),
            e_dram_req_wdata: Default::default(),
            e_dram_rsp_valid: Default::default(),
            e_dram_rsp_ready: Default::default(),
            e_dram_rsp_rdata: Default::default(),
            e_key_cmd_valid: Default::default(),
            e_key_cmd_ready: Default::default(),
            e_key_cmd_op: Default::default(),
            e_key_cmd_asid: Default::default(),
            e_key_cmd_key1: Default::default(),
            e_key_cmd_key2: Default::default(),
            e_key_rsp_valid: Default::default(),
            e_key_rsp_status: Default::default(),
            model: Default::default(),
        }
    }

    /// The top-side inputs (the top's input ports but `clock` and `reset`).
    pub fn outer_input_names(&self) -> &'static [&'static str] {
        &[
            "core_req_valid", "core_req_write", "core_req_addr", "core_req_asid", "core_req_encrypted", "core_req_wdata", "core_req_wstrb", "core_rsp_ready", "dram_req_ready",
            "dram_rsp_valid", "dram_rsp_rdata", "key_cmd_valid", "key_cmd_op", "key_cmd_asid", "key_cmd_key1", "key_cmd_key2",
        ]
    }

    /// The top-side outputs.
    pub fn outer_output_names(&self) -> &'static [&'static str] {
        &[
            "core_req_ready", "core_rsp_valid", "core_rsp_write", "core_rsp_rdata", "core_rsp_status", "core_rsp_answer", "core_rsp_follow", "dram_req_valid", "dram_req_write",
            "dram_req_addr", "dram_req_wdata", "dram_rsp_ready", "key_cmd_ready", "key_rsp_valid", "key_rsp_status",
        ]
    }

    /// The body of the block's Verilog module.
    pub fn verilog_text(&self) -> String {
        let mut v = String::new();
        for c in channels() {
            let _ = writeln!(v, "reg [1:0] {}_count;", c.name);
        }
        v.push_str("reg key_busy;\n");
        let mut outputs = String::from("always @(*) begin\n");
        for c in channels() {
            let n = c.name;
            let width: usize = c.fields.iter().map(|f| f.2).sum();
            let packed: Vec<&str> = c.fields.iter().rev().map(|f| f.0).collect();
            let _ = writeln!(v, "reg [{w}:0] {n}_head;\nreg [{w}:0] {n}_next;", w = width - 1);
            let _ = writeln!(v, "wire [{}:0] {n}_in = {{{}}};", width - 1, packed.join(", "));
            let _ = writeln!(v, "wire {n}_take = {} & ({n}_count != 2'd2){};", c.sender_valid, c.sender_ready_also);
            let _ = writeln!(v, "wire {n}_give = {} & ({n}_count != 2'd0){};", c.receiver_ready, c.receiver_valid_also);
            let _ = writeln!(
                v,
                "initial begin\n    {n}_count = 2'd0;\n    {n}_head = {width}'d0;\n    {n}_next = {width}'d0;\nend\n\
                 always @(posedge clock) begin\n    if (reset) begin\n        {n}_count <= 2'd0;\n        {n}_head <= {width}'d0;\n        {n}_next <= {width}'d0;\n    end else begin\n\
                 \x20       {n}_count <= {n}_count + {{1'b0, {n}_take}} - {{1'b0, {n}_give}};\n\
                 \x20       if ({n}_give & ({n}_count == 2'd2))\n            {n}_head <= {n}_next;\n\
                 \x20       else if ({n}_take & ({n}_give | ({n}_count == 2'd0)))\n            {n}_head <= {n}_in;\n\
                 \x20       if ({n}_take & ~{n}_give & ({n}_count == 2'd1))\n            {n}_next <= {n}_in;\n    end\nend"
            );
            let _ = writeln!(outputs, "    {} = ~reset & ({n}_count != 2'd2){};", c.sender_ready, c.sender_ready_also);
            let _ = writeln!(outputs, "    {} = ~reset & ({n}_count != 2'd0){};", c.receiver_valid, c.receiver_valid_also);
            let mut low = 0;
            for (_, to, w) in &c.fields {
                let _ = writeln!(outputs, "    {to} = {} ? {n}_head[{}:{low}] : {w}'d0;", c.receiver_valid, low + w - 1);
                low += w;
            }
        }
        let _ = writeln!(
            v,
            "initial key_busy = 1'b0;\nalways @(posedge clock) begin\n    if (reset)\n        key_busy <= 1'b0;\n    else\n        key_busy <= (key_busy & ~e_key_rsp_valid) | key_buffer_give;\nend"
        );
        let _ = writeln!(
            v,
            "reg key_rsp_held;\nreg [1:0] key_rsp_status_held;\ninitial begin\n    key_rsp_held = 1'b0;\n    key_rsp_status_held = 2'd0;\nend\n\
             always @(posedge clock) begin\n    if (reset) begin\n        key_rsp_held <= 1'b0;\n        key_rsp_status_held <= 2'd0;\n    end else begin\n\
             \x20       key_rsp_held <= e_key_rsp_valid;\n        key_rsp_status_held <= e_key_rsp_valid ? e_key_rsp_status : 2'd0;\n    end\nend"
        );
        outputs.push_str("    key_rsp_valid = ~reset & key_rsp_held;\n    key_rsp_status = reset ? 2'd0 : key_rsp_status_held;\nend\n");
        v.push_str(&outputs);
        v
    }

    fn edge(&mut self) {
        let m = &mut self.model.0;
        if self.reset.val() {
            *m = BufferModel::default();
            return;
        }
        let room = |len: usize| len < BUFFER_ENTRIES;
        let take_request = self.core_req_valid.val() && m.request_room();
        let give_request = self.e_core_req_ready.val() && !m.core_req.is_empty();
        let take_response = self.e_core_rsp_valid.val() && room(m.core_rsp.len());
        let give_response = self.core_rsp_ready.val() && !m.core_rsp.is_empty();
        let take_dram_request = self.e_dram_req_valid.val() && room(m.dram_req.len());
        let give_dram_request = self.dram_req_ready.val() && !m.dram_req.is_empty();
        let take_dram_data = self.dram_rsp_valid.val() && room(m.dram_rsp.len());
        let give_dram_data = self.e_dram_rsp_ready.val() && !m.dram_rsp.is_empty();
        let take_key = self.key_cmd_valid.val() && room(m.key_cmd.len());
        let give_key = self.e_key_cmd_ready.val() && m.key_offered();
        if give_request {
            m.core_req.pop_front();
        }
        if take_request {
            m.core_req.push_back((
                self.core_req_write.val(),
                self.core_req_addr.val(),
                self.core_req_asid.val(),
                self.core_req_encrypted.val(),
                self.core_req_wdata.val(),
                self.core_req_wstrb.val(),
            ));
        }
        if give_response {
            m.core_rsp.pop_front();
        }
        if take_response {
            m.core_rsp.push_back((
                self.e_core_rsp_write.val(),
                self.e_core_rsp_rdata.val(),
                self.e_core_rsp_status.val(),
                self.e_core_rsp_answer.val(),
                self.e_core_rsp_follow.val(),
            ));
        }
        if give_dram_request {
            m.dram_req.pop_front();
        }
        if take_dram_request {
            m.dram_req.push_back((self.e_dram_req_write.val(), self.e_dram_req_addr.val(), self.e_dram_req_wdata.val()));
        }
        if give_dram_data {
            m.dram_rsp.pop_front();
        }
        if take_dram_data {
            m.dram_rsp.push_back(self.dram_rsp_rdata.val());
        }
        if give_key {
            m.key_cmd.pop_front();
        }
        if take_key {
            m.key_cmd.push_back((self.key_cmd_op.val(), self.key_cmd_asid.val(), self.key_cmd_key1.val(), self.key_cmd_key2.val()));
        }
        let key_rsp = self.e_key_rsp_valid.val();
        m.key_busy = (m.key_busy && !key_rsp) || give_key;
        m.key_rsp = (key_rsp, if key_rsp { self.e_key_rsp_status.val() } else { Bits::<2>::default() });
    }
}

impl Logic for PortRegisters {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.edge();
        }
        let m = &self.model.0;
        let live = !self.reset.val();
        self.core_req_ready.next = live && m.request_room();
        self.e_core_rsp_ready.next = live && m.core_rsp.len() < BUFFER_ENTRIES;
        self.e_dram_req_ready.next = live && m.dram_req.len() < BUFFER_ENTRIES;
        self.dram_rsp_ready.next = live && m.dram_rsp.len() < BUFFER_ENTRIES;
        self.key_cmd_ready.next = live && m.key_cmd.len() < BUFFER_ENTRIES;
        let request = m.core_req.front().filter(|_| live).copied().unwrap_or_default();
        self.e_core_req_valid.next = live && !m.core_req.is_empty();
        self.e_core_req_write.next = request.0;
        self.e_core_req_addr.next = request.1;
        self.e_core_req_asid.next = request.2;
        self.e_core_req_encrypted.next = request.3;
        self.e_core_req_wdata.next = request.4;
        self.e_core_req_wstrb.next = request.5;
        let response = m.core_rsp.front().filter(|_| live).copied().unwrap_or_default();
        self.core_rsp_valid.next = live && !m.core_rsp.is_empty();
        self.core_rsp_write.next = response.0;
        self.core_rsp_rdata.next = response.1;
        self.core_rsp_status.next = response.2;
        self.core_rsp_answer.next = response.3;
        self.core_rsp_follow.next = response.4;
        let dram_request = m.dram_req.front().filter(|_| live).copied().unwrap_or_default();
        self.dram_req_valid.next = live && !m.dram_req.is_empty();
        self.dram_req_write.next = dram_request.0;
        self.dram_req_addr.next = dram_request.1;
        self.dram_req_wdata.next = dram_request.2;
        self.e_dram_rsp_valid.next = live && !m.dram_rsp.is_empty();
        self.e_dram_rsp_rdata.next = m.dram_rsp.front().filter(|_| live).copied().unwrap_or_default();
        let key_offered = live && m.key_offered();
        let key = m.key_cmd.front().filter(|_| key_offered).copied().unwrap_or_default();
        self.e_key_cmd_valid.next = key_offered;
        self.e_key_cmd_op.next = key.0;
        self.e_key_cmd_asid.next = key.1;
        self.e_key_cmd_key1.next = key.2;
        self.e_key_cmd_key2.next = key.3;
        self.key_rsp_valid.next = live && m.key_rsp.0;
        self.key_rsp_status.next = if live { m.key_rsp.1 } else { Bits::<2>::default() };
    }

    fn connect(&mut self) {
        for s in [
            &mut self.core_req_ready, &mut self.core_rsp_valid, &mut self.core_rsp_write, &mut self.core_rsp_answer, &mut self.core_rsp_follow, &mut self.dram_req_valid,
            &mut self.dram_req_write, &mut self.dram_rsp_ready, &mut self.key_cmd_ready, &mut self.key_rsp_valid, &mut self.e_core_req_valid, &mut self.e_core_req_write,
            &mut self.e_core_req_encrypted, &mut self.e_core_rsp_ready, &mut self.e_dram_req_ready, &mut self.e_dram_rsp_valid, &mut self.e_key_cmd_valid, &mut self.e_key_cmd_op,
        ] {
            s.connect();
        }
        self.core_rsp_rdata.connect();
        self.core_rsp_status.connect();
        self.dram_req_addr.connect();
        self.dram_req_wdata.connect();
        self.key_rsp_status.connect();
        self.e_core_req_addr.connect();
        self.e_core_req_asid.connect();
        self.e_core_req_wdata.connect();
        self.e_core_req_wstrb.connect();
        self.e_dram_rsp_rdata.connect();
        self.e_key_cmd_asid.connect();
        self.e_key_cmd_key1.connect();
        self.e_key_cmd_key2.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
