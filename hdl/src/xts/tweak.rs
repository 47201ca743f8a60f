//! `XtsTweakUnit`: `T = AES-Enc(key2, i) ⊗ α^j`, one tweak per clock.
//!
//! An encryption [`AesPipeline`] on the data-unit sequence number `i` (a 16-byte
//! little-endian block) with `key2`, the block index `j` delayed beside it, then an
//! [`AlphaPowerMultiplier`] and one output register.
//!
//! Latency: AES pipeline latency + 1 ([`XtsTweakUnit::latency`]; + 3 with a shared tweak
//! pipeline). No backpressure; `ready`
//! is the AES unit's (always 1 for a pipeline, low while an iterative unit is busy).
//!
//! With `round_registers = "shared"` the unit does not use an AES of its own (its pipeline
//! stays idle and synthesis removes it): the engine runs `AES-Enc(key2, i)` on its shared unit
//! and hands the result in on `external_valid` / `external_block` (its `valid_out`, in cycle
//! `Nr` after `valid_in`); `ready` is then 1.
//!
//! With `tweak_pipeline = "shared"` (pipelined placements) the unit has no AES either: the
//! engine's encryption pipeline computes `AES-Enc(key2, i)` for the requests that enter with
//! `compute` high, starting two cycles after they enter (through two registers of the
//! engine), and its output, `external_block`, is taken exactly AES-latency + 2 cycles after
//! such a request entered (`external_valid` is not used). The unit's latency is then two more
//! (`EngineConfig::tweak_latency`, which the engine builds its sideband from). The unit keeps the last
//! result in a register (`base`), and a request that enters with `compute` low takes its
//! tweak from it: the engine sets `compute` low only for a request of the same data unit and
//! ASID as the last one computed (or for a plaintext request, whose tweak is not used). A
//! request entering with `compute` low after one with `compute` high sees that one's result:
//! it reads `base` at least one cycle after the result was loaded. Every request still leaves
//! on `valid_out`, AES latency + 3 cycles after it entered, in order; `ready` is 1.
//!
//! Ports: `valid_in`, `dusn[16]`, `block_index` (8 bits), `key2[16 or 32]`, `compute`,
//! `external_valid`, `external_block[16]` (in; `compute` is ignored unless the tweak pipeline
//! is shared, `external_*` unless it or the AES unit is); `valid_out`, `tweak[16]`, `ready`
//! (out).

use crate::aes::column_unit::ColumnAesUnit;
use crate::aes::pipeline::{AesPipeline, Direction, RoundRegisters};
use mee_reference::TweakPipeline;
use crate::xts::alpha_power::AlphaPowerMultiplier;
use crate::primitives::delay_line::ByteDelayLine;
use crate::primitives::modelled_children::ModelledChildren;
use crate::aes::sbox::SboxStyle;
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct XtsTweakUnit {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A request enters this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Data-unit sequence number i, little-endian.
    pub dusn: [Signal<In, Bits<8>>; 16],
    /// Block index j inside the data unit.
    pub block_index: Signal<In, Bits<8>>,
    /// The tweak key (ignored with stored round keys).
    pub key2: Vec<Signal<In, Bits<8>>>,
    /// The request's ASID, the slot of its round keys (stored round keys only: see
    /// [`XtsTweakUnit::with_stored_round_keys`]).
    pub slot: Signal<In, Bits<16>>,
    /// The AES pipeline's round-key write port (stored round keys only; see
    /// [`crate::aes::stored_key_pipeline`]).
    pub key_write_enable: Signal<In, Bit>,
    /// Write the first round key of `key_write_data` into every round key of the slot instead.
    pub key_write_all: Signal<In, Bit>,
    /// The slot written.
    pub key_write_slot: Signal<In, Bits<16>>,
    /// The first round key's index.
    pub key_write_index: Signal<In, Bits<8>>,
    /// The tweak key's schedule window from that round key on.
    pub key_write_data: Vec<Signal<In, Bits<8>>>,
    /// A tweak leaves this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The tweak T.
    pub tweak: [Signal<Out, Bits<8>>; 16],
    /// A request may enter this cycle.
    pub ready: Signal<Out, Bit>,
    /// `shared` only: the shared AES unit's result for this unit is on `external_block`.
    pub external_valid: Signal<In, Bit>,
    /// `shared` only: the shared AES unit's output; with a shared tweak pipeline, the
    /// encryption pipeline's output.
    pub external_block: [Signal<In, Bits<8>>; 16],
    /// Shared tweak pipeline only: this request's `AES-Enc(key2, i)` enters the encryption
    /// pipeline in this cycle; when low it reuses the last one computed.
    pub compute: Signal<In, Bit>,
    /// Unused, and exported as a stub, with a shared AES unit or a shared tweak pipeline.
    aes: ModelledChildren<AesPipeline>,
    shared: Constant<Bit>,
    reuse: Constant<Bit>,
    computed: Signal<Local, Bit>,
    base: [DFF<Bits<8>>; 16],
    aes_valid: Signal<Local, Bit>,
    aes_block: [Signal<Local, Bits<8>>; 16],
    index_delay: ByteDelayLine,
    alpha: AlphaPowerMultiplier,
    out_valid: DFF<Bit>,
    out_tweak: [DFF<Bits<8>>; 16],
}

impl XtsTweakUnit {
    /// A tweak unit for `key_bytes` keys and `index_bits`-bit block indices. With
    /// `TweakPipeline::Shared` and a pipelined `placement` its AES results come from outside
    /// (see the module documentation) and it builds no AES pipeline of its own.
    pub fn new(key_bytes: usize, index_bits: usize, placement: RoundRegisters, style: SboxStyle, tweak_pipeline: TweakPipeline) -> Self {
        let aes_latency = Self::aes_latency(key_bytes, placement);
        let reuse = tweak_pipeline == TweakPipeline::Shared && placement.is_pipelined();
        // With a shared tweak pipeline the unit's own AES is unused and exported as a stub;
        // the smallest one is built.
        let own_placement = if reuse { RoundRegisters::Iterative } else { placement };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            dusn: Default::default(),
            block_index: Default::default(),
            key2: defaults(key_bytes),
            slot: Default::default(),
            key_write_enable: Default::default(),
            key_write_all: Default::default(),
            key_write_slot: Default::default(),
            key_write_index: Default::default(),
            key_write_data: defaults(key_bytes),
            valid_out: Default::default(),
            tweak: Default::default(),
            ready: Default::default(),
            external_valid: Default::default(),
            external_block: Default::default(),
            compute: Default::default(),
            aes: ModelledChildren::chosen(AesPipeline::new(Direction::Encrypt, key_bytes, own_placement, style), !reuse && !placement.is_shared()),
            shared: Constant::new(placement.is_shared()),
            reuse: Constant::new(reuse),
            computed: Default::default(),
            base: Default::default(),
            aes_valid: Default::default(),
            aes_block: Default::default(),
            index_delay: if reuse {
                ByteDelayLine::new(2, aes_latency + 2)
            } else if placement.is_pipelined() {
                ByteDelayLine::new(2, aes_latency)
            } else {
                ByteDelayLine::holding(2, aes_latency)
            },
            alpha: AlphaPowerMultiplier::new(index_bits),
            out_valid: Default::default(),
            out_tweak: Default::default(),
        }
    }

    /// The same unit with its AES pipeline's round keys stored for `slots` slots (a pipelined
    /// `placement` and a dedicated tweak pipeline): each request's `slot` selects them, and
    /// `key_write_*` programs them. The first `style_rounds` rounds have S-boxes of `style`,
    /// the others logic S-boxes (see [`AesPipeline::with_stored_round_keys`]). Same latency.
    pub fn with_stored_round_keys(mut self, key_bytes: usize, placement: RoundRegisters, style: SboxStyle, slots: usize, style_rounds: usize) -> Self {
        self.aes = ModelledChildren::chosen(AesPipeline::with_stored_round_keys(Direction::Encrypt, key_bytes, placement, style, slots, style_rounds), true);
        self
    }

    /// With stored round keys, slot `slot`'s tweak-key round keys (see
    /// [`AesPipeline::stored_round_keys`]). For tests.
    pub fn stored_round_keys(&self, slot: usize) -> Option<Vec<[u8; 16]>> {
        self.aes.stored_round_keys(slot)
    }

    /// Cycles from `valid_in` to `valid_out`.
    pub fn latency(key_bytes: usize, placement: RoundRegisters) -> usize {
        Self::aes_latency(key_bytes, placement) + 1
    }

    /// Cycles of the AES work the unit waits for: its own pipeline's, or with
    /// `shared_column` the engine's column unit's (its result comes in on `external_*`).
    fn aes_latency(key_bytes: usize, placement: RoundRegisters) -> usize {
        if placement == RoundRegisters::SharedColumn {
            ColumnAesUnit::latency(key_bytes)
        } else {
            AesPipeline::latency(key_bytes, placement)
        }
    }

}

impl Logic for XtsTweakUnit {
    #[hdl_gen]
    fn update(&mut self) {
        self.aes.clock.next = self.clock.val();
        self.aes.reset.next = self.reset.val();
        self.aes.valid_in.next = self.valid_in.val() & !self.shared.val() & !self.reuse.val();
        for k in 0..16 {
            self.aes.data_in[k].next = self.dusn[k].val();
        }
        for k in 0..self.key2.len() {
            self.aes.key_in[k].next = self.key2[k].val();
        }
        self.aes.slot_in.next = self.slot.val();
        self.aes.key_write_enable.next = self.key_write_enable.val();
        self.aes.key_write_all.next = self.key_write_all.val();
        self.aes.key_write_slot.next = self.key_write_slot.val();
        self.aes.key_write_index.next = self.key_write_index.val();
        for k in 0..self.key_write_data.len() {
            self.aes.key_write_data[k].next = self.key_write_data[k].val();
        }
        if self.shared.val() {
            self.ready.next = true;
            self.aes_valid.next = self.external_valid.val();
            for k in 0..16 {
                self.aes_block[k].next = self.external_block[k].val();
            }
        } else if self.reuse.val() {
            self.ready.next = true;
            self.aes_valid.next = self.index_delay.valid_out.val();
            for k in 0..16 {
                self.aes_block[k].next = self.base[k].q.val();
                if self.computed.val() {
                    self.aes_block[k].next = self.external_block[k].val();
                }
            }
        } else {
            self.ready.next = self.aes.ready.val();
            self.aes_valid.next = self.aes.valid_out.val();
            for k in 0..16 {
                self.aes_block[k].next = self.aes.data_out[k].val();
            }
        }
        self.index_delay.clock.next = self.clock.val();
        self.index_delay.reset.next = self.reset.val();
        self.index_delay.valid_in.next = self.valid_in.val();
        self.index_delay.data_in[0].next = self.block_index.val();
        self.index_delay.data_in[1].next = bits::<8>(0);
        if self.compute.val() {
            self.index_delay.data_in[1].next = bits::<8>(1);
        }
        self.computed.next = self.index_delay.data_out[1].val().get_bit(0);
        // The last tweak computed, for the requests that reuse it.
        for k in 0..16 {
            self.base[k].clock.next = self.clock.val();
            self.base[k].d.next = self.base[k].q.val();
            if self.reuse.val() & self.index_delay.valid_out.val() & self.computed.val() {
                self.base[k].d.next = self.external_block[k].val();
            }
            if self.reset.val() {
                self.base[k].d.next = bits::<8>(0);
            }
        }
        for k in 0..16 {
            self.alpha.t[k].next = self.aes_block[k].val();
        }
        self.alpha.j.next = self.index_delay.data_out[0].val();
        self.out_valid.clock.next = self.clock.val();
        self.out_valid.d.next = self.aes_valid.val() & !self.reset.val();
        self.valid_out.next = self.out_valid.q.val();
        for k in 0..16 {
            self.out_tweak[k].clock.next = self.clock.val();
            self.out_tweak[k].d.next = self.alpha.y[k].val();
            if self.reset.val() {
                self.out_tweak[k].d.next = bits::<8>(0);
            }
            self.tweak[k].next = self.out_tweak[k].q.val();
        }
    }
}
