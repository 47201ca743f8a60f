//! `XtsCipher`: the XTS-AES datapath for one direction, one block per clock:
//! `C = AES-Enc(key1, P ⊕ T) ⊕ T` (encrypt) or `P = AES-Dec(key1, C ⊕ T) ⊕ T` (decrypt) with
//! `T` from an [`XtsTweakUnit`].
//!
//! The block and `key1` wait in a delay line while the tweak is computed; `T` then waits
//! beside the data pipeline for the final XOR.
//!
//! Latency: tweak latency + AES latency ([`XtsCipher::latency`]). No backpressure.
//!
//! Ports: `valid_in`, `block_in[16]`, `dusn[16]`, `block_index`, `key1[16|32]` (the cipher key
//! for encryption, the decryption key form for decryption), `key2[16|32]` (in);
//! `valid_out`, `block_out[16]` (out).

use crate::aes::pipeline::{AesPipeline, Direction, RoundRegisters};
use crate::primitives::delay_line::ByteDelayLine;
use crate::aes::sbox::SboxStyle;
use crate::xts::tweak::XtsTweakUnit;
use mee_reference::TweakPipeline;
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct XtsCipher {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A block enters this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The input block.
    pub block_in: [Signal<In, Bits<8>>; 16],
    /// Data-unit sequence number i, little-endian.
    pub dusn: [Signal<In, Bits<8>>; 16],
    /// Block index j inside the data unit.
    pub block_index: Signal<In, Bits<8>>,
    /// The data key (encryption) or its decryption key form (decryption).
    pub key1: Vec<Signal<In, Bits<8>>>,
    /// The tweak key.
    pub key2: Vec<Signal<In, Bits<8>>>,
    /// A block leaves this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The output block.
    pub block_out: [Signal<Out, Bits<8>>; 16],
    tweak_unit: XtsTweakUnit,
    wait_for_tweak: ByteDelayLine,
    tweak_beside_data: ByteDelayLine,
    aes: AesPipeline,
}

impl XtsCipher {
    /// A datapath of the given direction.
    pub fn new(direction: Direction, key_bytes: usize, index_bits: usize, placement: RoundRegisters, style: SboxStyle) -> Self {
        // Sharing one AES unit is an engine arrangement; this datapath has its own units, so
        // `shared` builds the iterative ones.
        let placement = if placement.is_shared() { RoundRegisters::Iterative } else { placement };
        let tweak_latency = XtsTweakUnit::latency(key_bytes, placement);
        let aes_latency = AesPipeline::latency(key_bytes, placement);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            block_in: Default::default(),
            dusn: Default::default(),
            block_index: Default::default(),
            key1: defaults(key_bytes),
            key2: defaults(key_bytes),
            valid_out: Default::default(),
            block_out: Default::default(),
            tweak_unit: XtsTweakUnit::new(key_bytes, index_bits, placement, style, TweakPipeline::Dedicated),
            wait_for_tweak: ByteDelayLine::new(16 + key_bytes, tweak_latency),
            tweak_beside_data: ByteDelayLine::new(16, aes_latency),
            aes: AesPipeline::new(direction, key_bytes, placement, style),
        }
    }

    /// Cycles from `valid_in` to `valid_out`.
    pub fn latency(key_bytes: usize, placement: RoundRegisters) -> usize {
        XtsTweakUnit::latency(key_bytes, placement) + AesPipeline::latency(key_bytes, placement)
    }
}

impl Logic for XtsCipher {
    #[hdl_gen]
    fn update(&mut self) {
        self.tweak_unit.clock.next = self.clock.val();
        self.tweak_unit.reset.next = self.reset.val();
        self.tweak_unit.valid_in.next = self.valid_in.val();
        self.tweak_unit.block_index.next = self.block_index.val();
        // The tweak unit has its own AES here (the datapath is never built `shared`).
        self.tweak_unit.external_valid.next = false;
        self.tweak_unit.compute.next = true;
        for k in 0..16 {
            self.tweak_unit.dusn[k].next = self.dusn[k].val();
            self.tweak_unit.external_block[k].next = bits::<8>(0);
        }
        for k in 0..self.key2.len() {
            self.tweak_unit.key2[k].next = self.key2[k].val();
        }
        self.wait_for_tweak.clock.next = self.clock.val();
        self.wait_for_tweak.reset.next = self.reset.val();
        self.wait_for_tweak.valid_in.next = self.valid_in.val();
        for k in 0..16 {
            self.wait_for_tweak.data_in[k].next = self.block_in[k].val();
        }
        for k in 0..self.key1.len() {
            self.wait_for_tweak.data_in[16 + k].next = self.key1[k].val();
        }
        self.aes.clock.next = self.clock.val();
        self.aes.reset.next = self.reset.val();
        self.aes.valid_in.next = self.tweak_unit.valid_out.val();
        for k in 0..16 {
            self.aes.data_in[k].next = self.wait_for_tweak.data_out[k].val() ^ self.tweak_unit.tweak[k].val();
        }
        for k in 0..self.key1.len() {
            self.aes.key_in[k].next = self.wait_for_tweak.data_out[16 + k].val();
        }
        // Keys travel with the data here: the stored-round-key ports stay idle.
        self.aes.slot_in.next = bits::<16>(0);
        self.aes.key_write_enable.next = false;
        self.aes.key_write_all.next = false;
        self.aes.key_write_slot.next = bits::<16>(0);
        self.aes.key_write_index.next = bits::<8>(0);
        self.tweak_unit.slot.next = bits::<16>(0);
        self.tweak_unit.key_write_enable.next = false;
        self.tweak_unit.key_write_all.next = false;
        self.tweak_unit.key_write_slot.next = bits::<16>(0);
        self.tweak_unit.key_write_index.next = bits::<8>(0);
        for k in 0..self.key1.len() {
            self.aes.key_write_data[k].next = bits::<8>(0);
            self.tweak_unit.key_write_data[k].next = bits::<8>(0);
        }
        self.tweak_beside_data.clock.next = self.clock.val();
        self.tweak_beside_data.reset.next = self.reset.val();
        self.tweak_beside_data.valid_in.next = self.tweak_unit.valid_out.val();
        for k in 0..16 {
            self.tweak_beside_data.data_in[k].next = self.tweak_unit.tweak[k].val();
        }
        self.valid_out.next = self.aes.valid_out.val();
        for k in 0..16 {
            self.block_out[k].next = self.aes.data_out[k].val() ^ self.tweak_beside_data.data_out[k].val();
        }
    }
}
