//! `StoredKeyPipeline`: a fully pipelined AES-128/256 encryption or decryption unit, one block
//! per clock, whose round keys are stored per key slot (ASID) beside the rounds that use them.
//! A block carries only its slot; no key schedule runs beside the data (compare
//! [`crate::aes::pipeline::AesPipeline`], which carries the key and expands it per block).
//!
//! Structure, built from config at construction time: `Nr` [`StoredKeyRound`]s with pipeline
//! registers placed per [`RoundRegisters`] (pipelined placements only), and `Nr + 1`
//! round-key memories, one per place where a round key is added: place 0 is the initial
//! AddRoundKey at the input, place `p` the AddRoundKey of the `p`-th round. Place `p` holds
//! round key `p` (encryption) or `Nr - p` (decryption) of every slot, so one write of the
//! expanded key in FIPS-197 order programs either direction. Each memory has `slots` words of
//! 128 bits (rounded up to a power of two), one write port and one asynchronous read port,
//! which Yosys maps to distributed RAM or flip-flops. A round with a register before its
//! AddRoundKey (`per_third_round`, `per_half_round`) reads a cycle ahead into a register of
//! its own, so the read is off the data path ([`StoredKeyRound`]).
//!
//! Latency: as [`AesPipeline::latency`] for the same placement and key size (30 / 42 cycles at
//! `per_third_round`, 10 / 14 at `per_round`); no backpressure, `ready` and `ready_next` are
//! always 1.
//!
//! Ports (byte arrays in FIPS-197 byte order):
//! - `valid_in`, `data_in[16]`, `slot_in`: a block enters in a cycle where `valid_in` is 1 and
//!   uses the round keys of slot `slot_in`, which must be below `slots` (higher slots read
//!   unwritten words);
//! - `valid_out`, `data_out[16]`: the block leaves exactly the latency later;
//! - `key_write_enable`, `key_write_slot`, `key_write_index`, `key_write_data[Nk*4]`: at an
//!   edge where `key_write_enable` is 1, slot `key_write_slot` takes the expanded key's words
//!   from round key `key_write_index` (FIPS-197 order) on: AES-128 one round key, AES-256 two
//!   (`i` and `i + 1`, the window of the key schedule). Round keys beyond `Nr` and slots at or
//!   above `slots` are ignored. With `key_write_all` high, the first 16 bytes of
//!   `key_write_data` go into every round key of the slot instead (the key table clears a slot
//!   this way, with zeros: one data path into each memory, no second one for the clear). Each round reads its memory in the
//!   cycle a block reaches its AddRoundKey, so a block sees a write made before that edge: the
//!   owner writes a slot only while none of its blocks is inside (the key table does so
//!   only while the engine is idle).
//!
//! Reset clears the pipeline registers, not the memories (which start at zero): a slot's round
//! keys stay until they are rewritten, as a key table's slot does until `clear_key`.
//!
//! The Rust model is one leaf (the memories as words, each block computed whole as it enters
//! from the round keys its slot holds then) or, with [`StoredKeyPipeline::with_round_simulation`],
//! the rounds' own models with the memories read as the Verilog reads them.

use crate::aes::gf;
use crate::aes::mix_columns::mix_columns_bytes;
use crate::aes::pipeline::{round_registers, AesPipeline, Direction};
use crate::aes::sbox::SboxStyle;
use crate::aes::stored_key_round::StoredKeyRound;
use crate::primitives::model_state::ModelState;
use crate::primitives::modelled_children::ModelledChildren;
pub use mee_reference::RoundRegisters;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct StoredKeyPipeline {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset: clears every pipeline register (not the round keys).
    pub reset: Signal<In, Bit>,
    /// A block enters this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The input block.
    pub data_in: [Signal<In, Bits<8>>; 16],
    /// The slot whose round keys the entering block uses.
    pub slot_in: Signal<In, Bits<16>>,
    /// A block leaves this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The output block.
    pub data_out: [Signal<Out, Bits<8>>; 16],
    /// A block may enter this cycle (always 1).
    pub ready: Signal<Out, Bit>,
    /// A block may enter next cycle (always 1).
    pub ready_next: Signal<Out, Bit>,
    /// Write a round key at this edge.
    pub key_write_enable: Signal<In, Bit>,
    /// The slot written.
    pub key_write_slot: Signal<In, Bits<16>>,
    /// The index of the first round key written, 0 to `Nr`.
    pub key_write_index: Signal<In, Bits<8>>,
    /// Round key `key_write_index` (and, for AES-256, the next one).
    pub key_write_data: Vec<Signal<In, Bits<8>>>,
    /// Write the first round key of `key_write_data` into every round key of the slot instead.
    pub key_write_all: Signal<In, Bit>,
    rounds: ModelledChildren<Vec<StoredKeyRound>>,
    memory: ModelState<RoundKeyMemories>,
    blocks: ModelState<VecDeque<Option<[u8; 16]>>>,
}

/// The round-key memories of the Rust model: `words[place][slot]`.
#[derive(Clone, Debug, Default)]
struct RoundKeyMemories {
    decrypt: bool,
    slots: usize,
    words: Vec<Vec<[u8; 16]>>,
}

impl RoundKeyMemories {
    /// Words per memory: `slots` rounded up to a power of two (at least 2).
    fn depth(&self) -> usize {
        self.slots.next_power_of_two().max(2)
    }

    /// Address bits of a memory.
    fn address_bits(&self) -> usize {
        self.depth().trailing_zeros() as usize
    }

    /// The place that adds round key `index`.
    fn place_of(&self, index: usize) -> usize {
        let rounds = self.words.len() - 1;
        if self.decrypt {
            rounds - index
        } else {
            index
        }
    }

    /// The word a read of `slot` at `place` returns (the slot's low address bits).
    fn read(&self, place: usize, slot: u64) -> [u8; 16] {
        self.words[place][(slot as usize) & (self.depth() - 1)]
    }
}

impl StoredKeyPipeline {
    /// A pipeline for `key_bytes` (16 or 32) keys whose memories hold `slots` (1 to 65,536)
    /// slots; `placement` must be pipelined (see [`RoundRegisters::is_pipelined`]), others are
    /// built as `per_round`.
    pub fn new(direction: Direction, key_bytes: usize, placement: RoundRegisters, style: SboxStyle, slots: usize) -> Self {
        Self::with_style_rounds(direction, key_bytes, placement, style, slots, usize::MAX)
    }

    /// As [`StoredKeyPipeline::new`], with S-boxes of `style` in the first `style_rounds`
    /// rounds (in the order blocks pass them) and of `style.logic_style()` in the others: the
    /// tweak pipeline's block-RAM S-boxes where the device has block RAM left. Same latency.
    pub fn with_style_rounds(direction: Direction, key_bytes: usize, placement: RoundRegisters, style: SboxStyle, slots: usize, style_rounds: usize) -> Self {
        let rounds = key_bytes / 4 + 6;
        let placement = if placement.is_pipelined() { placement } else { RoundRegisters::PerRound };
        let decrypt = direction == Direction::Decrypt;
        let round_units = (0..rounds)
            .map(|index| {
                let round = if decrypt { rounds - index } else { index + 1 };
                let style = if index < style_rounds { style } else { style.logic_style() };
                StoredKeyRound::new(decrypt, round, rounds, style, round_registers(placement, index))
            })
            .collect();
        let mut memory = RoundKeyMemories { decrypt, slots: slots.clamp(1, 1 << 16), words: Vec::new() };
        memory.words = vec![vec![[0; 16]; memory.depth()]; rounds + 1];
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            data_in: Default::default(),
            slot_in: Default::default(),
            valid_out: Default::default(),
            data_out: Default::default(),
            ready: Default::default(),
            ready_next: Default::default(),
            key_write_enable: Default::default(),
            key_write_slot: Default::default(),
            key_write_index: Default::default(),
            key_write_data: crate::defaults(key_bytes),
            key_write_all: Default::default(),
            rounds: ModelledChildren::new(round_units, false),
            memory: ModelState(memory),
            blocks: ModelState(VecDeque::from(vec![None; AesPipeline::latency(key_bytes, placement)])),
        }
    }

    /// The same pipeline simulated round by round in Rust (every round's registers and
    /// S-boxes, the memories read when each block reaches each AddRoundKey, as the Verilog
    /// does) instead of as one leaf. Tests use this to check the rounds' Rust models.
    pub fn with_round_simulation(mut self) -> Self {
        self.rounds.simulate = true;
        self
    }

    /// Cycles from a block's `valid_in` to its `valid_out`.
    pub fn latency(&self) -> usize {
        self.blocks.0.len()
    }

    /// Slot `slot`'s round keys 0 to `Nr` in FIPS-197 order as the memories hold them (the
    /// model's words), or `None` for a slot beyond the table. For tests: the hardware has no
    /// read port but the rounds'.
    pub fn round_keys(&self, slot: usize) -> Option<Vec<[u8; 16]>> {
        let m = &self.memory.0;
        (slot < m.slots).then(|| (0..m.words.len()).map(|index| m.words[m.place_of(index)][slot]).collect())
    }

    /// Applies a write from the write port at a clock edge (both models).
    fn write_on_edge(&mut self) {
        if !(self.clock.pos_edge() && self.key_write_enable.val()) {
            return;
        }
        let m = &mut self.memory.0;
        let slot = self.key_write_slot.val().index();
        let first = self.key_write_index.val().index();
        if slot >= m.slots {
            return;
        }
        if self.key_write_all.val() {
            let word: [u8; 16] = std::array::from_fn(|k| self.key_write_data[k].val().to_u8());
            m.words.iter_mut().for_each(|memory| memory[slot] = word);
            return;
        }
        for (offset, chunk) in self.key_write_data.chunks(16).enumerate() {
            if first + offset < m.words.len() {
                let place = m.place_of(first + offset);
                m.words[place][slot] = std::array::from_fn(|k| chunk[k].val().to_u8());
            }
        }
    }

    /// The leaf model: every block moves one stage on at an edge, and the block entering is
    /// computed whole with the round keys its slot holds.
    fn update_as_leaf(&mut self) {
        if self.clock.pos_edge() {
            let stages = &mut self.blocks.0;
            if self.reset.val() {
                stages.iter_mut().for_each(|stage| *stage = None);
            } else {
                let entering = self.valid_in.val().then(|| {
                    let m = &self.memory.0;
                    let slot = self.slot_in.val().index() as u64;
                    let keys: Vec<[u8; 16]> = (0..m.words.len()).map(|place| m.read(place, slot)).collect();
                    let block = std::array::from_fn(|k| self.data_in[k].val().to_u8());
                    cipher_with_round_keys(m.decrypt, &keys, block)
                });
                stages.pop_back();
                stages.push_front(entering);
            }
        }
        let out = self.blocks.0.back().copied().flatten();
        self.valid_out.next = out.is_some();
        for (dst, byte) in self.data_out.iter_mut().zip(out.unwrap_or([0; 16])) {
            dst.next = Bits::<8>::from(LiteralType::from(byte));
        }
    }

    /// The round-by-round model: the rounds chained, each fed its memory's word for its
    /// `key_slot`, the first one the input XOR place 0's word for `slot_in`.
    fn update_rounds(&mut self) {
        let m = &self.memory.0;
        let byte = |x: u8| Bits::<8>::from(LiteralType::from(x));
        let initial = m.read(0, self.slot_in.val().index() as u64);
        for r in 0..self.rounds.len() {
            let (before, rest) = self.rounds.split_at_mut(r);
            let round = &mut rest[0];
            round.clock.next = self.clock.val();
            round.reset.next = self.reset.val();
            if let Some(previous) = before.last() {
                round.valid_in.next = previous.valid_out.val();
                round.slot_in.next = previous.slot_out.val();
                for k in 0..16 {
                    round.state_in[k].next = previous.state_out[k].val();
                }
            } else {
                round.valid_in.next = self.valid_in.val();
                round.slot_in.next = self.slot_in.val();
                for (k, dst) in round.state_in.iter_mut().enumerate() {
                    dst.next = self.data_in[k].val() ^ byte(initial[k]);
                }
            }
            let key = m.read(r + 1, round.key_slot.val().index() as u64);
            for (dst, b) in round.round_key.iter_mut().zip(key) {
                dst.next = byte(b);
            }
        }
        if let Some(last) = self.rounds.last() {
            self.valid_out.next = last.valid_out.val();
            for k in 0..16 {
                self.data_out[k].next = last.state_out[k].val();
            }
        }
    }

    /// The body of the pipeline's Verilog module: the memories, their write port, and the
    /// rounds chained with their asynchronous reads (the same wiring as the Rust model).
    pub fn verilog_text(&self) -> String {
        let m = &self.memory.0;
        let places = m.words.len();
        let (depth, bits) = (m.depth(), m.address_bits());
        let mut v = String::new();
        for p in 0..places {
            let _ = writeln!(v, "reg [127:0] round_keys_{p} [0:{}];\nreg [127:0] key_word_{p};", depth - 1);
        }
        v.push_str("integer word;\ninitial begin\n    for (word = 0; word < ");
        let _ = writeln!(v, "{depth}; word = word + 1) begin");
        for p in 0..places {
            let _ = writeln!(v, "        round_keys_{p}[word] = 128'd0;");
        }
        v.push_str("    end\nend\n");
        let word = |offset: usize| -> String { (0..16).rev().map(|k| format!("key_write_data${}", 16 * offset + k)).collect::<Vec<_>>().join(", ") };
        let address = format!("key_write_slot[{}:0]", bits - 1);
        let _ = writeln!(v, "always @(posedge clock) begin\n    if (key_write_enable & (key_write_slot < 16'd{})) begin", m.slots);
        v.push_str("        if (key_write_all) begin\n");
        for p in 0..places {
            let _ = writeln!(v, "            round_keys_{p}[{address}] <= {{{}}};", word(0));
        }
        v.push_str("        end else begin\n");
        for index in 0..places {
            for offset in 0..self.key_write_data.len() / 16 {
                if offset <= index {
                    let _ = writeln!(
                        v,
                        "            if (key_write_index == 8'd{}) round_keys_{}[{address}] <= {{{}}};",
                        index - offset,
                        m.place_of(index),
                        word(offset)
                    );
                }
            }
        }
        v.push_str("        end\n");
        v.push_str("    end\nend\n");
        v.push_str("always @(*) begin\n    ready = 1'b1;\n    ready_next = 1'b1;\n");
        let _ = writeln!(v, "    key_word_0 = round_keys_0[slot_in[{}:0]];", bits - 1);
        let n = self.rounds.len();
        for r in 0..n {
            let name = format!("rounds${r}");
            let _ = writeln!(v, "    {name}$clock = clock;\n    {name}$reset = reset;");
            if r == 0 {
                let _ = writeln!(v, "    {name}$valid_in = valid_in;\n    {name}$slot_in = slot_in;");
                for k in 0..16 {
                    let _ = writeln!(v, "    {name}$state_in${k} = data_in${k} ^ key_word_0[{}:{}];", 8 * k + 7, 8 * k);
                }
            } else {
                let p = format!("rounds${}", r - 1);
                let _ = writeln!(v, "    {name}$valid_in = {p}$valid_out;\n    {name}$slot_in = {p}$slot_out;");
                for k in 0..16 {
                    let _ = writeln!(v, "    {name}$state_in${k} = {p}$state_out${k};");
                }
            }
            let _ = writeln!(v, "    key_word_{0} = round_keys_{0}[{name}$key_slot[{1}:0]];", r + 1, bits - 1);
            for k in 0..16 {
                let _ = writeln!(v, "    {name}$round_key${k} = key_word_{}[{}:{}];", r + 1, 8 * k + 7, 8 * k);
            }
        }
        let _ = writeln!(v, "    valid_out = rounds${}$valid_out;", n - 1);
        for k in 0..16 {
            let _ = writeln!(v, "    data_out${k} = rounds${}$state_out${k};", n - 1);
        }
        v.push_str("end\n");
        v
    }
}

/// AES with explicit round keys by place (see the module documentation): the forward cipher
/// adds `keys[p]` after round `p`; the inverse cipher runs InvShiftRows, InvSubBytes,
/// AddRoundKey `keys[p]` and InvMixColumns (not in the last place) in place `p`.
fn cipher_with_round_keys(decrypt: bool, keys: &[[u8; 16]], block: [u8; 16]) -> [u8; 16] {
    let tables = gf::sbox_tables();
    let rounds = keys.len() - 1;
    let xor = |a: [u8; 16], b: &[u8; 16]| -> [u8; 16] { std::array::from_fn(|k| a[k] ^ b[k]) };
    let mut s = xor(block, &keys[0]);
    for (place, key) in keys.iter().enumerate().skip(1) {
        let last = place == rounds;
        if decrypt {
            let shifted: [u8; 16] = std::array::from_fn(|k| s[4 * ((k / 4 + 4 - k % 4) % 4) + k % 4]);
            s = xor(shifted.map(|x| tables.inverse[x as usize]), key);
            if !last {
                s = mix_columns_bytes(&s, true);
            }
        } else {
            let sub = s.map(|x| tables.forward[x as usize]);
            let shifted: [u8; 16] = std::array::from_fn(|k| sub[4 * ((k / 4 + k % 4) % 4) + k % 4]);
            s = xor(if last { shifted } else { mix_columns_bytes(&shifted, false) }, key);
        }
    }
    s
}

impl Logic for StoredKeyPipeline {
    fn update(&mut self) {
        self.ready.next = true;
        self.ready_next.next = true;
        if self.rounds.simulate {
            self.update_rounds();
        } else {
            self.update_as_leaf();
        }
        self.write_on_edge();
    }

    fn connect(&mut self) {
        self.valid_out.connect();
        self.ready.connect();
        self.ready_next.connect();
        for d in &mut self.data_out {
            d.connect();
        }
        for r in self.rounds.iter_mut() {
            r.clock.connect();
            r.reset.connect();
            r.valid_in.connect();
            r.slot_in.connect();
            r.state_in.iter_mut().for_each(|s| s.connect());
            r.round_key.iter_mut().for_each(|s| s.connect());
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
