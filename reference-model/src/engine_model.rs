//! The cycle-level model of the engine: from the config and each cycle's inputs, the value of
//! every output port in every cycle. Plain software; the cipher comes from [`crate::xts`].
//!
//! It describes the micro-architecture the hardware implements (documented in
//! `mee_hdl::engine::engine_core`) as queues and fixed-latency delays:
//!
//! - **stage A** holds one accepted request; its status is decided from the key table:
//!   misaligned (3) before ASID out of range (2) before no key for an encrypted access (1);
//! - it hands the request on when a ticket is free and: error → nothing more; read → its DRAM
//!   read is sent this cycle (a read has priority on the DRAM request channel unless a write
//!   was offered and refused in the previous cycle, never passes a pending write to the same
//!   address (or, with `write_hazard_bits` below the block address's width, to a block
//!   whose address agrees in those low bits), and at most `read_queue_depth` reads are outstanding); write → fewer than
//!   `write_queue_depth` writes are pending;
//! - accepted reads and writes spend `tweak_latency` cycles in the tweak unit; writes then
//!   `aes_latency` cycles in encryption, then wait in the write queue for the DRAM channel;
//!   reads wait in the read context queue (with bypass) for their DRAM data, which spends one
//!   cycle in the read register and `aes_latency` cycles in decryption before the read data
//!   queue (with bypass);
//! - with `round_registers = "iterative"` each AES unit takes a block every
//!   `aes_latency + 1` cycles: a read or write that passed its checks leaves stage A only
//!   when no block entered the tweak unit in the last `aes_latency` cycles, and DRAM data is
//!   accepted only when the decryption unit will be free in the next cycle (nothing in the
//!   read register, no block entered in the last `aes_latency - 1` cycles);
//! - with `round_registers = "shared"` one AES unit serves all three in a fixed frame of
//!   `3 (aes_latency + 1)` cycles counted from reset (`slot`): a read or write that passed its
//!   checks leaves stage A only in slot 0 (its tweak; a write's encryption follows in slot
//!   `aes_latency + 1`, just as its tweak is ready), and DRAM data is accepted only in slot
//!   `2 (aes_latency + 1) - 1`, so that its decryption starts in the next slot;
//! - with `tweak_pipeline = "shared"` the encryption pipeline computes the tweaks too, and the
//!   engine remembers the data unit and ASID of the last tweak it started (`tweak_tag`,
//!   forgotten at reset and when a key command is accepted). An encrypted read or write of
//!   another data unit or ASID *starts a tweak*: its tweak takes the encryption path's input
//!   in the cycle after it leaves stage A (`tweak_pass`), ahead of the writes. Writes leaving
//!   the tweak unit (which takes two cycles more) wait in the `slip` queue (with bypass) for
//!   a cycle without a tweak, and the encryption path has one more cycle (an input register). A request that starts a tweak leaves stage A only
//!   while the slip queue holds at most `tweak_slip_depth - 2` writes; a tweak that kept a
//!   waiting write out of the pipeline makes stage A hold back writes for one cycle
//!   (`owe_bubble`), which later lets the queue drain;
//! - with `read_request_queue` a read leaves stage A into the read request queue (two
//!   entries) when that queue is not full, instead of going to DRAM in the same cycle; the
//!   DRAM request channel offers the queue's oldest read unless a write was offered and
//!   refused in the previous cycle, else the oldest pending write. Reads count as outstanding
//!   from the cycle they leave stage A;
//! - responses leave in request order (tickets); a read's waits for its data;
//! - a key command is accepted only when nothing is in flight, and no request is accepted
//!   while one is offered or in progress; it answers 1 cycle after acceptance (errors and
//!   `clear_key`) or `key_expansion_latency` cycles after (`set_key`), and the slot changes at
//!   the end of the answer cycle.
//!
//! Every payload output is zero while its valid is low; every valid and ready is low during
//! reset.

use crate::config::{EngineConfig, KeyTableStorage};
use crate::ports::{port_value, top_ports, PortDirection};
use crate::partial_writes::PartialWriteUnit;
use crate::port_registers::PortRegisters;
use crate::request_buffer::RequestBuffer;
use crate::xts::{decrypt_block, encrypt_block, KeyPair};
use std::collections::VecDeque;

/// Inputs of the engine in one cycle (the widths of DESIGN.md's top level; keys as bytes).
/// The default is an idle cycle: nothing valid, every strobe set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineInputs {
    /// Synchronous reset.
    pub reset: bool,
    /// Core request.
    pub core_req_valid: bool,
    /// 1 = write.
    pub core_req_write: bool,
    /// Byte address.
    pub core_req_addr: u64,
    /// ASID.
    pub core_req_asid: u32,
    /// The C-bit.
    pub core_req_encrypted: bool,
    /// Plaintext.
    pub core_req_wdata: [u8; 16],
    /// Byte enables of a write: bit k writes byte k (all ones: the whole block).
    pub core_req_wstrb: u16,
    /// Core response ready.
    pub core_rsp_ready: bool,
    /// DRAM request ready.
    pub dram_req_ready: bool,
    /// DRAM read data valid.
    pub dram_rsp_valid: bool,
    /// DRAM read data.
    pub dram_rsp_rdata: [u8; 16],
    /// Key command valid.
    pub key_cmd_valid: bool,
    /// false `set_key`, true `clear_key`.
    pub key_cmd_clear: bool,
    /// Slot.
    pub key_cmd_asid: u32,
    /// Data key (`key_bits / 8` bytes).
    pub key_cmd_key1: Vec<u8>,
    /// Tweak key.
    pub key_cmd_key2: Vec<u8>,
}

impl Default for EngineInputs {
    fn default() -> Self {
        Self {
            reset: false,
            core_req_valid: false,
            core_req_write: false,
            core_req_addr: 0,
            core_req_asid: 0,
            core_req_encrypted: false,
            core_req_wdata: [0; 16],
            core_req_wstrb: 0xffff,
            core_rsp_ready: false,
            dram_req_ready: false,
            dram_rsp_valid: false,
            dram_rsp_rdata: [0; 16],
            key_cmd_valid: false,
            key_cmd_clear: false,
            key_cmd_asid: 0,
            key_cmd_key1: Vec::new(),
            key_cmd_key2: Vec::new(),
        }
    }
}

/// Outputs of the engine in one cycle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineOutputs {
    /// Core request ready.
    pub core_req_ready: bool,
    /// Core response valid.
    pub core_rsp_valid: bool,
    /// Echo of `write`.
    pub core_rsp_write: bool,
    /// Plaintext.
    pub core_rsp_rdata: [u8; 16],
    /// 0 ok, 1 no key, 2 bad ASID, 3 misaligned.
    pub core_rsp_status: u8,
    /// DRAM request valid.
    pub dram_req_valid: bool,
    /// 1 = write.
    pub dram_req_write: bool,
    /// Byte address.
    pub dram_req_addr: u64,
    /// Ciphertext.
    pub dram_req_wdata: [u8; 16],
    /// DRAM read data ready.
    pub dram_rsp_ready: bool,
    /// Key command ready.
    pub key_cmd_ready: bool,
    /// Key response valid.
    pub key_rsp_valid: bool,
    /// 0 ok, 1 bad ASID, 2 weak key.
    pub key_rsp_status: u8,
}

impl EngineOutputs {
    /// `(port name, value as hex)` for every output port, in DESIGN.md order, for mismatch
    /// reports.
    pub fn ports(&self) -> Vec<(&'static str, String)> {
        let inputs = EngineInputs::default();
        top_ports(&EngineConfig::default())
            .iter()
            .filter(|p| p.direction == PortDirection::Output)
            .map(|p| (p.name, port_value(p, &inputs, self)))
            .collect()
    }

    /// The first port whose value differs from `other`'s: `(name, mine, theirs)`.
    pub fn first_difference(&self, other: &EngineOutputs) -> Option<(&'static str, String, String)> {
        if self == other {
            return None;
        }
        self.ports().into_iter().zip(other.ports()).find(|(a, b)| a.1 != b.1).map(|(a, b)| (a.0, a.1, b.1))
    }
}

/// Status codes of core responses.
pub mod status {
    /// Access done.
    pub const OK: u8 = 0;
    /// Encrypted access by an ASID without a key.
    pub const NO_KEY: u8 = 1;
    /// ASID at or above `num_asids`.
    pub const BAD_ASID: u8 = 2;
    /// Address not 16-byte aligned.
    pub const MISALIGNED: u8 = 3;
    /// Key command: ASID out of range.
    pub const KEY_BAD_ASID: u8 = 1;
    /// Key command: key1 equal to key2.
    pub const KEY_WEAK: u8 = 2;
}

/// One key-table slot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slot {
    /// A key is installed.
    pub valid: bool,
    /// Data key (all zero when cleared).
    pub key1: Vec<u8>,
    /// Tweak key (all zero when cleared).
    pub key2: Vec<u8>,
}

/// A whole-block request as the core's request port carries it (also what the request
/// buffer holds).
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) write: bool,
    pub(crate) addr: u64,
    pub(crate) asid: u32,
    pub(crate) encrypted: bool,
    pub(crate) wdata: [u8; 16],
}

/// A request that passed its checks, as it travels through the tweak unit.
#[derive(Clone, Debug)]
struct Accepted {
    write: bool,
    encrypted: bool,
    addr: u64,
    asid: u32,
    /// The ciphertext of a write (computed on entry; the pipeline only delays it).
    ciphertext: [u8; 16],
}

#[derive(Clone, Debug)]
struct ReadContext {
    encrypted: bool,
    addr: u64,
    asid: u32,
}

#[derive(Clone, Copy, Debug)]
struct Ticket {
    write: bool,
    status: u8,
    has_data: bool,
}

#[derive(Clone, Debug)]
struct KeyCommand {
    clear: bool,
    slot: u32,
    status: u8,
    key1: Vec<u8>,
    key2: Vec<u8>,
    cycles_to_done: usize,
}

/// A fixed-latency delay of optional items: the item entered `latency` edges ago leaves.
#[derive(Clone, Debug)]
struct Delay<T> {
    stages: VecDeque<Option<T>>,
}

impl<T> Delay<T> {
    fn new(latency: usize) -> Self {
        Self { stages: (0..latency).map(|_| None).collect() }
    }
    fn output(&self) -> Option<&T> {
        self.stages.front().and_then(|s| s.as_ref())
    }
    fn shift(&mut self, input: Option<T>) -> Option<T> {
        self.stages.push_back(input);
        self.stages.pop_front().flatten()
    }
    fn clear(&mut self) {
        self.stages.iter_mut().for_each(|s| *s = None);
    }
    /// An item entered in one of the last `cycles` cycles (it is among the newest stages).
    fn entered_within(&self, cycles: usize) -> bool {
        self.stages.iter().rev().take(cycles).any(|s| s.is_some())
    }
}

/// Everything the outputs of one cycle depend on, computed once per cycle.
#[derive(Clone, Debug, Default)]
struct Decisions {
    a_status: u8,
    passes_checks: bool,
    read_issue: bool,
    read_to_dram: bool,
    read_leaves: bool,
    write_chosen: bool,
    read_sent: bool,
    write_sent: bool,
    a_fire: bool,
    accept: bool,
    key_accept: bool,
    key_complete: bool,
    context_valid: bool,
    rsp_fire: bool,
    read_data_valid: bool,
    response_valid: bool,
    response_has_data: bool,
    response_done: bool,
    outputs: EngineOutputs,
}

/// The cycle-level model of the engine behind the partial-write unit (every request it sees
/// has all strobes set); see the module documentation.
#[derive(Clone, Debug)]
pub struct CoreModel {
    config: EngineConfig,
    slots: Vec<Slot>,
    key_command: Option<KeyCommand>,
    stage_a: Option<Request>,
    pending_writes: VecDeque<u64>,
    reads_outstanding: usize,
    dram_write_waiting: bool,
    /// `read_request_queue`: addresses of reads handed on by stage A, not yet sent to DRAM.
    read_requests: VecDeque<u64>,
    tweak_unit: Delay<Accepted>,
    encryption: Delay<[u8; 16]>,
    write_queue: VecDeque<[u8; 16]>,
    read_context: VecDeque<ReadContext>,
    read_register: Delay<([u8; 16], ReadContext)>,
    decryption: Delay<[u8; 16]>,
    read_data: VecDeque<[u8; 16]>,
    tickets: VecDeque<Ticket>,
    /// Cycle within the shared unit's frame (`round_registers = "shared"`; 0 after reset).
    slot: usize,
    /// `tweak_pipeline = "shared"`: the ASID and data unit of the last tweak started.
    tweak_tag: Option<(u32, u64)>,
    /// A tweak enters the encryption pipeline in this cycle (started in the last one).
    tweak_pass: bool,
    /// Writes waiting for the encryption pipeline's input (ciphertexts).
    slip: VecDeque<[u8; 16]>,
    /// Stage A holds back writes in this cycle.
    owe_bubble: bool,
}

/// Cycles from accepting a `set_key` to its response: the iterative key expansion (10 or 13
/// steps) plus one.
pub fn key_expansion_latency(config: &EngineConfig) -> usize {
    if config.key_bits == 256 {
        14
    } else {
        11
    }
}

impl CoreModel {
    /// A model in its reset state.
    pub fn new(config: &EngineConfig) -> Self {
        let kb = config.key_bytes();
        let empty = Slot { valid: false, key1: vec![0; kb], key2: vec![0; kb] };
        Self {
            config: config.clone(),
            slots: vec![empty; config.num_asids as usize],
            key_command: None,
            stage_a: None,
            pending_writes: VecDeque::new(),
            reads_outstanding: 0,
            dram_write_waiting: false,
            read_requests: VecDeque::new(),
            tweak_unit: Delay::new(config.tweak_latency()),
            encryption: Delay::new(config.encrypt_latency()),
            write_queue: VecDeque::new(),
            read_context: VecDeque::new(),
            read_register: Delay::new(1),
            decryption: Delay::new(config.aes_latency()),
            read_data: VecDeque::new(),
            tickets: VecDeque::new(),
            slot: 0,
            tweak_tag: None,
            tweak_pass: false,
            slip: VecDeque::new(),
            owe_bubble: false,
        }
    }

    /// The key-table slot `asid`, as the hardware holds it.
    pub fn slot(&self, asid: u32) -> Option<&Slot> {
        self.slots.get(asid as usize)
    }

    /// The outputs in a cycle with these inputs.
    pub fn outputs(&self, inputs: &EngineInputs) -> EngineOutputs {
        self.decide(inputs).outputs
    }

    /// Outputs of this cycle, then the rising edge that ends it.
    pub fn step(&mut self, inputs: &EngineInputs) -> EngineOutputs {
        let d = self.decide(inputs);
        self.edge(inputs, &d);
        d.outputs
    }

    fn key_pair(&self, asid: u32) -> Option<KeyPair> {
        let slot = self.slots.get(asid as usize)?;
        KeyPair::new(&slot.key1, &slot.key2).ok()
    }

    /// With `tweak_pipeline = "shared"`: the request needs a tweak of its own from the
    /// encryption pipeline (encrypted, and not in the data unit and ASID of the last one).
    fn starts_tweak(&self, a: &Request) -> bool {
        self.config.shares_tweak_pipeline() && a.encrypted && self.tweak_tag != Some(self.tag_of(a))
    }

    /// The ASID and data unit of a request, as the shared tweak pipeline's tag holds them.
    fn tag_of(&self, a: &Request) -> (u32, u64) {
        (a.asid, a.addr >> self.config.data_unit_bytes.trailing_zeros())
    }

    fn decide(&self, inputs: &EngineInputs) -> Decisions {
        let p = &self.config.pipeline;
        let run = !inputs.reset;
        let mut d = Decisions::default();
        let tickets_full = self.tickets.len() >= p.response_queue_depth as usize;
        // AES units take a block every `interval` cycles (1 for pipelines).
        let interval = self.config.aes_initiation_interval();
        let shared = p.round_registers.is_shared();
        let mut tweak_ready = if shared { self.slot == 0 } else { !self.tweak_unit.entered_within(interval - 1) };
        // A shared tweak pipeline: room in the slip queue for the writes its tweak may hold up.
        if let Some(a) = &self.stage_a {
            if self.starts_tweak(a) && self.slip.len() + 2 > self.config.tweak_slip_depth() {
                tweak_ready = false;
            }
        }
        // Stage A.
        if let Some(a) = &self.stage_a {
            d.a_status = if a.addr & 15 != 0 {
                status::MISALIGNED
            } else if a.asid >= self.config.num_asids {
                status::BAD_ASID
            } else if a.encrypted && !self.slots[a.asid as usize].valid {
                status::NO_KEY
            } else {
                status::OK
            };
            d.passes_checks = d.a_status == status::OK;
            // Without the read request queue the read goes to DRAM now, behind a write that
            // is being offered; with it the read needs room in the queue.
            let path_free = if p.read_request_queue {
                self.read_requests.len() < EngineConfig::READ_REQUEST_QUEUE_DEPTH
            } else {
                !self.dram_write_waiting
            };
            d.read_issue = d.passes_checks
                && !a.write
                && !self.pending_writes.iter().any(|&w| self.config.write_hazard(w, a.addr))
                && tweak_ready
                && self.reads_outstanding < p.read_queue_depth as usize
                && path_free
                && !tickets_full
                && run;
        }
        d.read_to_dram = if p.read_request_queue { !self.read_requests.is_empty() && !self.dram_write_waiting && run } else { d.read_issue };
        d.write_chosen = !d.read_to_dram && !self.write_queue.is_empty() && run;
        d.read_sent = d.read_to_dram && inputs.dram_req_ready;
        d.write_sent = d.write_chosen && inputs.dram_req_ready;
        d.read_leaves = if p.read_request_queue { d.read_issue } else { d.read_sent };
        if let Some(a) = &self.stage_a {
            let write_room = self.pending_writes.len() < p.write_queue_depth as usize;
            d.a_fire = !tickets_full && run && (!d.passes_checks || (a.write && write_room && tweak_ready && !self.owe_bubble) || d.read_leaves);
        }
        let key_busy = self.key_command.is_some();
        let req_ready = (self.stage_a.is_none() || d.a_fire) && !key_busy && !inputs.key_cmd_valid && run;
        d.accept = req_ready && inputs.core_req_valid;
        // Key commands.
        let idle = self.stage_a.is_none() && self.tickets.is_empty() && self.pending_writes.is_empty();
        let key_ready = !key_busy && idle && run;
        d.key_accept = key_ready && inputs.key_cmd_valid;
        d.key_complete = self.key_command.as_ref().is_some_and(|c| c.status != 0 || c.clear || c.cycles_to_done == 0);
        // Read side.
        let tweak_read = self.tweak_unit.output().filter(|t| !t.write);
        d.context_valid = !self.read_context.is_empty() || tweak_read.is_some();
        // The decryption unit must be free next cycle, when the read register hands it the block.
        let read_register_busy = interval > 1 && self.read_register.output().is_some();
        let decrypt_free = if shared {
            self.slot == 2 * interval - 1
        } else {
            !read_register_busy && !self.decryption.entered_within(interval.saturating_sub(2))
        };
        d.rsp_fire = inputs.dram_rsp_valid && d.context_valid && decrypt_free && run;
        d.read_data_valid = !self.read_data.is_empty() || self.decryption.output().is_some();
        let head = self.tickets.front();
        d.response_has_data = head.is_some_and(|t| t.has_data);
        d.response_valid = head.is_some() && (!d.response_has_data || d.read_data_valid) && run;
        d.response_done = d.response_valid && inputs.core_rsp_ready;
        // Outputs.
        let o = &mut d.outputs;
        o.core_req_ready = req_ready;
        o.core_rsp_valid = d.response_valid;
        if d.response_valid {
            let t = head.copied().unwrap_or(Ticket { write: false, status: 0, has_data: false });
            o.core_rsp_write = t.write;
            o.core_rsp_status = t.status;
            if t.has_data {
                o.core_rsp_rdata = self.read_data.front().copied().or_else(|| self.decryption.output().copied()).unwrap_or_default();
            }
        }
        o.dram_req_valid = d.read_to_dram || d.write_chosen;
        o.dram_req_write = d.write_chosen;
        if d.read_to_dram {
            o.dram_req_addr = if p.read_request_queue {
                self.read_requests.front().copied().unwrap_or(0)
            } else {
                self.stage_a.as_ref().map_or(0, |a| a.addr)
            };
        }
        if d.write_chosen {
            o.dram_req_addr = self.pending_writes.front().copied().unwrap_or(0);
            o.dram_req_wdata = self.write_queue.front().copied().unwrap_or_default();
        }
        o.dram_rsp_ready = d.context_valid && decrypt_free && run;
        o.key_cmd_ready = key_ready;
        o.key_rsp_valid = d.key_complete && run;
        if o.key_rsp_valid {
            o.key_rsp_status = self.key_command.as_ref().map_or(0, |c| c.status);
        }
        d
    }

    fn edge(&mut self, inputs: &EngineInputs, d: &Decisions) {
        if inputs.reset {
            self.reset();
            return;
        }
        let kb = self.config.key_bytes();
        self.slot = (self.slot + 1) % self.config.shared_frame_cycles();
        // Key table.
        if d.key_complete {
            if let Some(c) = self.key_command.take() {
                if c.status == 0 {
                    let slot = &mut self.slots[c.slot as usize];
                    *slot = if c.clear {
                        Slot { valid: false, key1: vec![0; kb], key2: vec![0; kb] }
                    } else {
                        Slot { valid: true, key1: c.key1, key2: c.key2 }
                    };
                }
            }
        } else if let Some(c) = &mut self.key_command {
            c.cycles_to_done = c.cycles_to_done.saturating_sub(1);
        }
        if d.key_accept {
            self.tweak_tag = None;
            let status = if inputs.key_cmd_asid >= self.config.num_asids {
                status::KEY_BAD_ASID
            } else if !inputs.key_cmd_clear && inputs.key_cmd_key1 == inputs.key_cmd_key2 {
                status::KEY_WEAK
            } else {
                0
            };
            self.key_command = Some(KeyCommand {
                clear: inputs.key_cmd_clear,
                slot: inputs.key_cmd_asid,
                status,
                key1: inputs.key_cmd_key1.clone(),
                key2: inputs.key_cmd_key2.clone(),
                cycles_to_done: key_expansion_latency(&self.config) - 1,
            });
        }
        // Responses leave.
        if d.response_done {
            self.tickets.pop_front();
        }
        let read_delivered = d.response_done && d.response_has_data;
        // Read data queue: the decryption output enters unless it went straight out.
        let decrypted = self.decryption.output().copied();
        if read_delivered && self.read_data.pop_front().is_none() {
            // The bypassed block was the one delivered.
        } else if let Some(block) = decrypted {
            self.read_data.push_back(block);
        }
        // Decryption: the read register's block enters.
        let registered = self.read_register.output().cloned();
        let plaintext = registered.map(|(ciphertext, context)| {
            if context.encrypted {
                self.key_pair(context.asid)
                    .map(|keys| decrypt_block(&keys, context.addr, u64::from(self.config.data_unit_bytes), ciphertext))
                    .unwrap_or_default()
            } else {
                ciphertext
            }
        });
        self.decryption.shift(plaintext);
        // DRAM response: pairs with the oldest read context (or the one passing through).
        let tweak_out = self.tweak_unit.output().cloned();
        let tweak_read = tweak_out.as_ref().filter(|t| !t.write).map(|t| ReadContext { encrypted: t.encrypted, addr: t.addr, asid: t.asid });
        let mut register_in = None;
        if d.rsp_fire {
            let context = match self.read_context.pop_front() {
                Some(c) => {
                    if let Some(t) = tweak_read.clone() {
                        self.read_context.push_back(t);
                    }
                    c
                }
                None => tweak_read.clone().unwrap_or(ReadContext { encrypted: false, addr: 0, asid: 0 }),
            };
            register_in = Some((inputs.dram_rsp_rdata, context));
        } else if let Some(t) = tweak_read {
            self.read_context.push_back(t);
        }
        self.read_register.shift(register_in);
        // Writes: encryption output to the write queue; the DRAM channel takes the oldest.
        if d.write_sent {
            self.write_queue.pop_front();
            self.pending_writes.pop_front();
        }
        if d.read_sent && self.config.pipeline.read_request_queue {
            self.read_requests.pop_front();
        }
        if let Some(block) = self.encryption.output().copied() {
            self.write_queue.push_back(block);
        }
        let write_leaving = tweak_out.filter(|t| t.write).map(|t| t.ciphertext);
        let encrypt_in = if self.config.shares_tweak_pipeline() {
            // Writes queue behind the tweaks (the queue's bypass passes one straight through).
            let waiting = !self.slip.is_empty() || write_leaving.is_some();
            self.slip.extend(write_leaving);
            self.owe_bubble = self.tweak_pass && waiting;
            if self.tweak_pass {
                None
            } else {
                self.slip.pop_front()
            }
        } else {
            write_leaving
        };
        self.encryption.shift(encrypt_in);
        self.dram_write_waiting = d.write_chosen && !inputs.dram_req_ready;
        // Stage A hands on its request.
        let mut tweak_in = None;
        let mut tweak_pass = false;
        if d.a_fire {
            if let Some(a) = self.stage_a.take() {
                let ok = d.passes_checks;
                self.tickets.push_back(Ticket { write: a.write, status: d.a_status, has_data: ok && !a.write });
                if ok {
                    if self.starts_tweak(&a) {
                        self.tweak_tag = Some(self.tag_of(&a));
                        tweak_pass = true;
                    }
                    if a.write {
                        self.pending_writes.push_back(a.addr);
                    } else if self.config.pipeline.read_request_queue {
                        self.read_requests.push_back(a.addr);
                    }
                    let ciphertext = if a.write && a.encrypted {
                        self.key_pair(a.asid)
                            .map(|keys| encrypt_block(&keys, a.addr, u64::from(self.config.data_unit_bytes), a.wdata))
                            .unwrap_or_default()
                    } else {
                        a.wdata
                    };
                    tweak_in = Some(Accepted { write: a.write, encrypted: a.encrypted, addr: a.addr, asid: a.asid, ciphertext });
                }
            }
        }
        self.tweak_unit.shift(tweak_in);
        self.tweak_pass = tweak_pass;
        if d.read_leaves {
            self.reads_outstanding += 1;
        }
        if read_delivered {
            self.reads_outstanding -= 1;
        }
        if d.accept {
            self.stage_a = Some(Request {
                write: inputs.core_req_write,
                addr: inputs.core_req_addr,
                asid: inputs.core_req_asid,
                encrypted: inputs.core_req_encrypted,
                wdata: inputs.core_req_wdata,
            });
        }
    }

    fn reset(&mut self) {
        let kb = self.config.key_bytes();
        let registers = self.config.pipeline.key_table == KeyTableStorage::Registers;
        for slot in &mut self.slots {
            slot.valid = false;
            if registers {
                slot.key1 = vec![0; kb];
                slot.key2 = vec![0; kb];
            }
        }
        self.key_command = None;
        self.stage_a = None;
        self.pending_writes.clear();
        self.reads_outstanding = 0;
        self.dram_write_waiting = false;
        self.read_requests.clear();
        self.tweak_unit.clear();
        self.encryption.clear();
        self.write_queue.clear();
        self.read_context.clear();
        self.read_register.clear();
        self.decryption.clear();
        self.read_data.clear();
        self.tickets.clear();
        self.slot = 0;
        self.tweak_tag = None;
        self.tweak_pass = false;
        self.slip.clear();
        self.owe_bubble = false;
    }
}

/// The cycle-level model of the whole engine: the partial-write unit
/// ([`crate::partial_writes::PartialWriteUnit`]) in front of the [`CoreModel`], with
/// `request_buffer` the [`RequestBuffer`] between them, and with `registered_ports` the top's
/// buffers ([`crate::port_registers::PortRegisters`]) around all. Without partial writes the
/// unit is transparent, cycle for cycle.
#[derive(Clone, Debug)]
pub struct EngineModel {
    front: PartialWriteUnit,
    buffer: Option<RequestBuffer>,
    core: CoreModel,
    ports: Option<PortRegisters>,
}

impl EngineModel {
    /// A model in its reset state.
    pub fn new(config: &EngineConfig) -> Self {
        let ports = config.pipeline.registered_ports.then(|| PortRegisters::new(config.key_bytes()));
        let buffer = config.buffers_requests().then(RequestBuffer::new);
        Self { front: PartialWriteUnit::new(config), buffer, core: CoreModel::new(config), ports }
    }

    /// The key-table slot `asid`, as the hardware holds it.
    pub fn slot(&self, asid: u32) -> Option<&Slot> {
        self.core.slot(asid)
    }

    /// The outputs in a cycle with these inputs.
    pub fn outputs(&self, inputs: &EngineInputs) -> EngineOutputs {
        match &self.ports {
            Some(ports) => ports.outer_outputs(inputs.reset),
            None => {
                let plan = self.front.plan(inputs);
                let seen = match &self.buffer {
                    Some(buffer) => buffer.unit_view(inputs.reset, &self.core.outputs(&buffer.core_inputs(&plan.core_inputs))),
                    None => self.core.outputs(&plan.core_inputs),
                };
                self.front.outputs(inputs, &plan, &seen)
            }
        }
    }

    /// Outputs of this cycle, then the rising edge that ends it.
    pub fn step(&mut self, inputs: &EngineInputs) -> EngineOutputs {
        match self.ports.take() {
            Some(mut ports) => {
                let outputs = ports.outer_outputs(inputs.reset);
                let inner = ports.inner_inputs(inputs);
                let engine = self.step_engine(&inner);
                ports.edge(inputs, &inner, &engine);
                self.ports = Some(ports);
                outputs
            }
            None => self.step_engine(inputs),
        }
    }

    /// The partial-write unit, the request buffer and the core: this cycle's outputs, then
    /// the edge.
    fn step_engine(&mut self, inputs: &EngineInputs) -> EngineOutputs {
        let plan = self.front.plan(inputs);
        let seen = match &mut self.buffer {
            Some(buffer) => {
                let core_inputs = buffer.core_inputs(&plan.core_inputs);
                let core_outputs = self.core.step(&core_inputs);
                let seen = buffer.unit_view(inputs.reset, &core_outputs);
                buffer.edge(&plan.core_inputs, &core_inputs, &core_outputs);
                seen
            }
            None => self.core.step(&plan.core_inputs),
        };
        let outputs = self.front.outputs(inputs, &plan, &seen);
        self.front.edge(inputs, &plan, &seen, &outputs);
        outputs
    }
}
