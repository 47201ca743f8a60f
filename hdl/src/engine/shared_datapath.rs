//! `SharedDatapath`: the AES work of the `shared` and `shared_column` engines, where one AES
//! unit computes the tweak, the write's encryption and the read's decryption in turn.
//!
//! A slot counter runs through a frame of `3 (L + 1)` cycles from reset, `L` being the unit's
//! latency (`Nr` for the [`IterativeAesUnit`] of `shared`, `5 Nr + 1` for the
//! [`ColumnAesUnit`] of `shared_column`; only the chosen one is built, the other is a stub):
//! - slot 0: a tweak may start (`tweak_go`): `tweak_valid` with `tweak_block` (the data-unit
//!   number) and `tweak_key` enter the unit; the result leaves in slot `L` (`tweak_done`);
//! - slot `L + 1`: a write's block (`write_valid`, `write_block`, `write_key`) enters, as its
//!   tweak leaves the tweak unit's output register; it leaves in slot `2 L + 1`
//!   (`encrypt_done`);
//! - slot `2 (L + 1)`: a read's block (`read_valid`, `read_block`, `read_key`) enters from the
//!   read register, decrypted; DRAM data may be accepted only in the cycle before
//!   (`decrypt_free`); it leaves in slot `3 L + 2` (`decrypt_done`).
//!
//! The unit's inputs are chosen by the slot counter, a register, so that the hand-over
//! decisions only enable the unit's registers. `result` is the unit's output in every cycle.
//! One request per frame. `reset` restarts the frame at slot 0.

use crate::aes::column_unit::ColumnAesUnit;
use crate::aes::iterative_unit::IterativeAesUnit;
use crate::{constant, defaults};
use crate::primitives::modelled_children::ModelledChildren;
use mee_reference::{EngineConfig, RoundRegisters};
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct SharedDatapath {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A tweak may start in this cycle (slot 0).
    pub tweak_go: Signal<Out, Bit>,
    /// A tweak starts.
    pub tweak_valid: Signal<In, Bit>,
    /// Its data-unit number.
    pub tweak_block: [Signal<In, Bits<8>>; 16],
    /// Its tweak key.
    pub tweak_key: Vec<Signal<In, Bits<8>>>,
    /// The tweak's `AES-Enc(key2, i)` is on `result`.
    pub tweak_done: Signal<Out, Bit>,
    /// A write's block enters (in its slot).
    pub write_valid: Signal<In, Bit>,
    /// The block XOR its tweak.
    pub write_block: [Signal<In, Bits<8>>; 16],
    /// The data key.
    pub write_key: Vec<Signal<In, Bits<8>>>,
    /// The write's encryption is on `result`.
    pub encrypt_done: Signal<Out, Bit>,
    /// DRAM data may be accepted in this cycle (the cycle before the read's slot).
    pub decrypt_free: Signal<Out, Bit>,
    /// A read's block enters (in its slot).
    pub read_valid: Signal<In, Bit>,
    /// The ciphertext XOR its tweak.
    pub read_block: [Signal<In, Bits<8>>; 16],
    /// The decryption key form of the data key.
    pub read_key: Vec<Signal<In, Bits<8>>>,
    /// The read's decryption is on `result`.
    pub decrypt_done: Signal<Out, Bit>,
    /// The unit's output.
    pub result: [Signal<Out, Bits<8>>; 16],
    iterative: ModelledChildren<IterativeAesUnit>,
    column: ModelledChildren<ColumnAesUnit>,
    column_chosen: Constant<Bit>,
    slot: DFF<Bits<8>>,
    frame_last: Constant<Bits<8>>,
    tweak_done_slot: Constant<Bits<8>>,
    encrypt_done_slot: Constant<Bits<8>>,
    decrypt_accept_slot: Constant<Bits<8>>,
    decrypt_slot: Constant<Bits<8>>,
    decrypt_done_slot: Constant<Bits<8>>,
    unit_valid: Signal<Local, Bit>,
    unit_decrypt: Signal<Local, Bit>,
    unit_block: [Signal<Local, Bits<8>>; 16],
    unit_key: Vec<Signal<Local, Bits<8>>>,
}

impl SharedDatapath {
    /// The datapath of a validated `shared` or `shared_column` config: its unit, and the frame's
    /// slots from the config's AES latency and frame length (the cycle model's).
    pub fn new(config: &EngineConfig) -> Self {
        let key_bytes = config.key_bytes();
        let style = config.pipeline.sbox_style();
        let column = config.pipeline.round_registers == RoundRegisters::SharedColumn;
        let aes_latency = config.aes_latency() as u64;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            tweak_go: Default::default(),
            tweak_valid: Default::default(),
            tweak_block: Default::default(),
            tweak_key: defaults(key_bytes),
            tweak_done: Default::default(),
            write_valid: Default::default(),
            write_block: Default::default(),
            write_key: defaults(key_bytes),
            encrypt_done: Default::default(),
            decrypt_free: Default::default(),
            read_valid: Default::default(),
            read_block: Default::default(),
            read_key: defaults(key_bytes),
            decrypt_done: Default::default(),
            result: Default::default(),
            iterative: ModelledChildren::chosen(IterativeAesUnit::new(key_bytes, style), !column),
            column: ModelledChildren::chosen(ColumnAesUnit::new(key_bytes, style), column),
            column_chosen: Constant::new(column),
            slot: Default::default(),
            frame_last: constant(config.shared_frame_cycles() as u64 - 1),
            tweak_done_slot: constant(aes_latency),
            encrypt_done_slot: constant(2 * aes_latency + 1),
            decrypt_accept_slot: constant(2 * aes_latency + 1),
            decrypt_slot: constant(2 * aes_latency + 2),
            decrypt_done_slot: constant(3 * aes_latency + 2),
            unit_valid: Default::default(),
            unit_decrypt: Default::default(),
            unit_block: Default::default(),
            unit_key: (0..key_bytes).map(|_| Default::default()).collect(),
        }
    }
}

impl Logic for SharedDatapath {
    #[hdl_gen]
    fn update(&mut self) {
        self.iterative.clock.next = self.clock.val();
        self.iterative.reset.next = self.reset.val();
        self.column.clock.next = self.clock.val();
        self.column.reset.next = self.reset.val();
        self.slot.clock.next = self.clock.val();

        self.tweak_go.next = self.slot.q.val() == 0;
        self.decrypt_free.next = self.slot.q.val() == self.decrypt_accept_slot.val();

        // At most one block enters; the inputs are chosen by the slot.
        self.unit_valid.next = self.tweak_valid.val() | self.write_valid.val() | self.read_valid.val();
        self.iterative.valid_in.next = self.unit_valid.val() & !self.column_chosen.val();
        self.column.valid_in.next = self.unit_valid.val() & self.column_chosen.val();
        if self.slot.q.val() == 0 {
            self.unit_decrypt.next = false;
            for k in 0..16 {
                self.unit_block[k].next = self.tweak_block[k].val();
            }
            for k in 0..self.tweak_key.len() {
                self.unit_key[k].next = self.tweak_key[k].val();
            }
        } else if self.slot.q.val() == self.decrypt_slot.val() {
            self.unit_decrypt.next = true;
            for k in 0..16 {
                self.unit_block[k].next = self.read_block[k].val();
            }
            for k in 0..self.tweak_key.len() {
                self.unit_key[k].next = self.read_key[k].val();
            }
        } else {
            self.unit_decrypt.next = false;
            for k in 0..16 {
                self.unit_block[k].next = self.write_block[k].val();
            }
            for k in 0..self.tweak_key.len() {
                self.unit_key[k].next = self.write_key[k].val();
            }
        }
        self.iterative.decrypt_in.next = self.unit_decrypt.val();
        self.column.decrypt_in.next = self.unit_decrypt.val();
        for k in 0..16 {
            self.iterative.data_in[k].next = self.unit_block[k].val();
            self.column.data_in[k].next = self.unit_block[k].val();
        }
        for k in 0..self.tweak_key.len() {
            self.iterative.key_in[k].next = self.unit_key[k].val();
            self.column.key_in[k].next = self.unit_key[k].val();
        }

        // Results, by the slot in which they leave.
        for k in 0..16 {
            if self.column_chosen.val() {
                self.result[k].next = self.column.data_out[k].val();
            } else {
                self.result[k].next = self.iterative.data_out[k].val();
            }
        }
        if self.column_chosen.val() {
            self.tweak_done.next = self.column.valid_out.val() & (self.slot.q.val() == self.tweak_done_slot.val());
            self.encrypt_done.next = self.column.valid_out.val() & (self.slot.q.val() == self.encrypt_done_slot.val());
            self.decrypt_done.next = self.column.valid_out.val() & (self.slot.q.val() == self.decrypt_done_slot.val());
        } else {
            self.tweak_done.next = self.iterative.valid_out.val() & (self.slot.q.val() == self.tweak_done_slot.val());
            self.encrypt_done.next = self.iterative.valid_out.val() & (self.slot.q.val() == self.encrypt_done_slot.val());
            self.decrypt_done.next = self.iterative.valid_out.val() & (self.slot.q.val() == self.decrypt_done_slot.val());
        }

        self.slot.d.next = self.slot.q.val() + 1;
        if (self.slot.q.val() == self.frame_last.val()) | self.reset.val() {
            self.slot.d.next = bits::<8>(0);
        }
    }
}
