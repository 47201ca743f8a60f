//! The cycle-level model of the registered top boundary (`[pipeline] registered_ports`): a
//! two-entry buffer on each valid/ready channel of the top and a register on the key response,
//! between the top's ports and the engine ([`crate::engine_model::EngineModel`]'s inner part).
//!
//! Each buffer takes an entry at an edge where its sender's valid is high and it holds fewer
//! than two, and offers its oldest entry to its receiver from its registers. So:
//!
//! - every output port comes from registers (and `reset`, which forces every valid and ready
//!   low in its cycle): no path runs from an input port to an output port;
//! - each buffer adds one cycle (a request reaches the engine one cycle after the top accepts
//!   it, a response leaves the top one cycle after the engine gives it), and a stream keeps one
//!   entry per cycle, since the ready a buffer shows counts the entry it may hand on at the
//!   same edge as taken (two entries: one being handed on, one arriving);
//! - every payload output is zero while its valid is low.
//!
//! Key commands keep their order with the requests: a request taken in the same cycle as a key
//! command goes first (the command is offered to the engine only once the request buffer is
//! empty), and no request is taken from the cycle after a key command is taken until the
//! cycle its response leaves the top (the key buffer holds a command, or one is in the engine:
//! `key_busy`, cleared by the engine's response). Reset empties every buffer.

use crate::engine_model::{EngineInputs, EngineOutputs};
use std::collections::VecDeque;

/// Entries of each buffer.
pub const BUFFER_ENTRIES: usize = 2;

/// A request as the core request channel carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CoreRequest {
    write: bool,
    addr: u64,
    asid: u32,
    encrypted: bool,
    wdata: [u8; 16],
    wstrb: u16,
}

/// A response as the core response channel carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CoreResponse {
    write: bool,
    rdata: [u8; 16],
    status: u8,
}

/// A DRAM request.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DramRequest {
    write: bool,
    addr: u64,
    wdata: [u8; 16],
}

/// A key command.
#[derive(Clone, Debug, PartialEq, Eq)]
struct KeyCommand {
    clear: bool,
    asid: u32,
    key1: Vec<u8>,
    key2: Vec<u8>,
}

/// The buffers' contents; see the module documentation.
#[derive(Clone, Debug)]
pub struct PortRegisters {
    key_bytes: usize,
    core_req: VecDeque<CoreRequest>,
    core_rsp: VecDeque<CoreResponse>,
    dram_req: VecDeque<DramRequest>,
    dram_rsp: VecDeque<[u8; 16]>,
    key_cmd: VecDeque<KeyCommand>,
    /// The key response registered: `(valid, status)`.
    key_rsp: (bool, u8),
    /// A key command has entered the engine and not been answered.
    key_busy: bool,
}

fn has_room<T>(queue: &VecDeque<T>) -> bool {
    queue.len() < BUFFER_ENTRIES
}

impl PortRegisters {
    /// Empty buffers for keys of `key_bytes` bytes.
    pub fn new(key_bytes: usize) -> Self {
        Self {
            key_bytes,
            core_req: VecDeque::new(),
            core_rsp: VecDeque::new(),
            dram_req: VecDeque::new(),
            dram_rsp: VecDeque::new(),
            key_cmd: VecDeque::new(),
            key_rsp: (false, 0),
            key_busy: false,
        }
    }

    /// The ready shown to the core: room, and no key command waiting or in the engine.
    fn request_room(&self) -> bool {
        has_room(&self.core_req) && self.key_cmd.is_empty() && !self.key_busy
    }

    /// The key command at the head is offered to the engine: no request is waiting before it.
    fn key_offered(&self) -> bool {
        !self.key_cmd.is_empty() && self.core_req.is_empty()
    }

    /// The engine's inputs in a cycle where the top's inputs are `outer`: the buffers' heads
    /// and room, and `reset` as it is.
    pub fn inner_inputs(&self, outer: &EngineInputs) -> EngineInputs {
        let mut inner = EngineInputs { reset: outer.reset, ..EngineInputs::default() };
        if let Some(r) = self.core_req.front() {
            inner.core_req_valid = true;
            inner.core_req_write = r.write;
            inner.core_req_addr = r.addr;
            inner.core_req_asid = r.asid;
            inner.core_req_encrypted = r.encrypted;
            inner.core_req_wdata = r.wdata;
            inner.core_req_wstrb = r.wstrb;
        } else {
            inner.core_req_wstrb = 0;
        }
        inner.core_rsp_ready = has_room(&self.core_rsp);
        inner.dram_req_ready = has_room(&self.dram_req);
        if let Some(data) = self.dram_rsp.front() {
            inner.dram_rsp_valid = true;
            inner.dram_rsp_rdata = *data;
        }
        match self.key_cmd.front().filter(|_| self.key_offered()) {
            Some(k) => {
                inner.key_cmd_valid = true;
                inner.key_cmd_clear = k.clear;
                inner.key_cmd_asid = k.asid;
                inner.key_cmd_key1 = k.key1.clone();
                inner.key_cmd_key2 = k.key2.clone();
            }
            None => {
                inner.key_cmd_key1 = vec![0; self.key_bytes];
                inner.key_cmd_key2 = vec![0; self.key_bytes];
            }
        }
        inner
    }

    /// The top's outputs in a cycle with `reset` as given: from the buffers alone.
    pub fn outer_outputs(&self, reset: bool) -> EngineOutputs {
        let mut o = EngineOutputs::default();
        if reset {
            return o;
        }
        o.core_req_ready = self.request_room();
        o.dram_rsp_ready = has_room(&self.dram_rsp);
        o.key_cmd_ready = has_room(&self.key_cmd);
        if let Some(r) = self.core_rsp.front() {
            o.core_rsp_valid = true;
            o.core_rsp_write = r.write;
            o.core_rsp_rdata = r.rdata;
            o.core_rsp_status = r.status;
        }
        if let Some(r) = self.dram_req.front() {
            o.dram_req_valid = true;
            o.dram_req_write = r.write;
            o.dram_req_addr = r.addr;
            o.dram_req_wdata = r.wdata;
        }
        if self.key_rsp.0 {
            o.key_rsp_valid = true;
            o.key_rsp_status = self.key_rsp.1;
        }
        o
    }

    /// The rising edge that ends a cycle with top inputs `outer`, engine inputs `inner` (from
    /// [`PortRegisters::inner_inputs`]) and engine outputs `engine`.
    pub fn edge(&mut self, outer: &EngineInputs, inner: &EngineInputs, engine: &EngineOutputs) {
        if outer.reset {
            *self = Self::new(self.key_bytes);
            return;
        }
        // Decisions from the state before the edge.
        let take_request = outer.core_req_valid && self.request_room();
        let give_request = inner.core_req_valid && engine.core_req_ready;
        let take_response = engine.core_rsp_valid && inner.core_rsp_ready;
        let give_response = outer.core_rsp_ready && !self.core_rsp.is_empty();
        let take_dram_request = engine.dram_req_valid && inner.dram_req_ready;
        let give_dram_request = outer.dram_req_ready && !self.dram_req.is_empty();
        let take_dram_data = outer.dram_rsp_valid && has_room(&self.dram_rsp);
        let give_dram_data = inner.dram_rsp_valid && engine.dram_rsp_ready;
        let take_key = outer.key_cmd_valid && has_room(&self.key_cmd);
        let give_key = inner.key_cmd_valid && engine.key_cmd_ready;
        if give_request {
            self.core_req.pop_front();
        }
        if take_request {
            self.core_req.push_back(CoreRequest {
                write: outer.core_req_write,
                addr: outer.core_req_addr,
                asid: outer.core_req_asid,
                encrypted: outer.core_req_encrypted,
                wdata: outer.core_req_wdata,
                wstrb: outer.core_req_wstrb,
            });
        }
        if give_response {
            self.core_rsp.pop_front();
        }
        if take_response {
            self.core_rsp.push_back(CoreResponse { write: engine.core_rsp_write, rdata: engine.core_rsp_rdata, status: engine.core_rsp_status });
        }
        if give_dram_request {
            self.dram_req.pop_front();
        }
        if take_dram_request {
            self.dram_req.push_back(DramRequest { write: engine.dram_req_write, addr: engine.dram_req_addr, wdata: engine.dram_req_wdata });
        }
        if give_dram_data {
            self.dram_rsp.pop_front();
        }
        if take_dram_data {
            self.dram_rsp.push_back(outer.dram_rsp_rdata);
        }
        if give_key {
            self.key_cmd.pop_front();
        }
        if take_key {
            let mut key1 = outer.key_cmd_key1.clone();
            let mut key2 = outer.key_cmd_key2.clone();
            key1.resize(self.key_bytes, 0);
            key2.resize(self.key_bytes, 0);
            self.key_cmd.push_back(KeyCommand { clear: outer.key_cmd_clear, asid: outer.key_cmd_asid, key1, key2 });
        }
        self.key_busy = (self.key_busy && !engine.key_rsp_valid) || give_key;
        self.key_rsp = (engine.key_rsp_valid, if engine.key_rsp_valid { engine.key_rsp_status } else { 0 });
    }
}
