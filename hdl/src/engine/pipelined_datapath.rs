//! `PipelinedDatapath`: the AES work of the engines with one unit per direction (pipelined
//! `round_registers`, and `iterative`): an encryption unit for the writes' blocks and a
//! decryption unit for the reads' blocks, side by side. (The tweak's AES is the tweak unit's,
//! [`crate::xts::tweak::XtsTweakUnit`]; with `tweak_pipeline = "shared"` the encryption unit
//! computes the tweaks too.) The engines of `shared` and `shared_column` use the
//! [`crate::engine::shared_datapath::SharedDatapath`] instead; each engine builds only its own.
//!
//! Timing: a block entering with `write_valid` (`write_block`, `write_key`, `write_slot`)
//! leaves on `encrypt_result` with `encrypt_valid`, and a block entering with `read_valid`
//! leaves on `decrypt_result` with `decrypt_valid`, [`EngineConfig::aes_latency`] cycles
//! later; the outputs come straight from the units, no register is added. Pipelined units
//! take a block every cycle; an iterative unit one every `Nr + 1` cycles, and
//! `decrypt_ready_next` says that the decryption unit will take one in the next cycle.
//!
//! With stored round keys (`round_keys = "stored"`) both units keep every ASID's round keys of
//! the data key, written through `key_write_*` by the key table (see
//! [`crate::engine::key_table::KeyTable`]); `write_slot` and `read_slot` choose them, and
//! `write_key`, `read_key` are unused. Otherwise each block carries its key.

use crate::aes::pipeline::{AesPipeline, Direction};
use crate::defaults;
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct PipelinedDatapath {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A block enters the encryption unit.
    pub write_valid: Signal<In, Bit>,
    /// The block (a write's block XOR its tweak, or a data-unit number to encrypt for a tweak).
    pub write_block: [Signal<In, Bits<8>>; 16],
    /// Its key (keys on the fly).
    pub write_key: Vec<Signal<In, Bits<8>>>,
    /// Its ASID (stored round keys).
    pub write_slot: Signal<In, Bits<16>>,
    /// An encrypted block leaves on `encrypt_result`.
    pub encrypt_valid: Signal<Out, Bit>,
    /// The encryption unit's output.
    pub encrypt_result: [Signal<Out, Bits<8>>; 16],
    /// A block enters the decryption unit.
    pub read_valid: Signal<In, Bit>,
    /// The block (a read's ciphertext XOR its tweak).
    pub read_block: [Signal<In, Bits<8>>; 16],
    /// Its key in decryption form (keys on the fly).
    pub read_key: Vec<Signal<In, Bits<8>>>,
    /// Its ASID (stored round keys).
    pub read_slot: Signal<In, Bits<16>>,
    /// The decryption unit takes a block in the next cycle.
    pub decrypt_ready_next: Signal<Out, Bit>,
    /// A decrypted block leaves on `decrypt_result`.
    pub decrypt_valid: Signal<Out, Bit>,
    /// The decryption unit's output.
    pub decrypt_result: [Signal<Out, Bits<8>>; 16],
    /// Stored round keys: write a round key (or, with `key_write_all`, zero the slot's).
    pub key_write_enable: Signal<In, Bit>,
    /// Stored round keys: the write zeroes every round key of the slot.
    pub key_write_all: Signal<In, Bit>,
    /// Stored round keys: the slot written.
    pub key_write_slot: Signal<In, Bits<16>>,
    /// Stored round keys: the round key's index, in FIPS-197 order.
    pub key_write_index: Signal<In, Bits<8>>,
    /// Stored round keys: the key bytes written, as [`AesPipeline`]'s `key_write_data`.
    pub key_write_data: Vec<Signal<In, Bits<8>>>,
    encrypt: AesPipeline,
    decrypt: AesPipeline,
}

impl PipelinedDatapath {
    /// The two units of a validated config whose `round_registers` is pipelined or
    /// `iterative`.
    pub fn new(config: &EngineConfig) -> Self {
        let key_bytes = config.key_bytes();
        let p = &config.pipeline;
        let unit = |direction| {
            if config.stores_round_keys() {
                AesPipeline::with_stored_round_keys(direction, key_bytes, p.round_registers, p.sbox_style(), config.num_asids as usize, usize::MAX)
            } else {
                AesPipeline::new(direction, key_bytes, p.round_registers, p.sbox_style())
            }
        };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            write_valid: Default::default(),
            write_block: Default::default(),
            write_key: defaults(key_bytes),
            write_slot: Default::default(),
            encrypt_valid: Default::default(),
            encrypt_result: Default::default(),
            read_valid: Default::default(),
            read_block: Default::default(),
            read_key: defaults(key_bytes),
            read_slot: Default::default(),
            decrypt_ready_next: Default::default(),
            decrypt_valid: Default::default(),
            decrypt_result: Default::default(),
            key_write_enable: Default::default(),
            key_write_all: Default::default(),
            key_write_slot: Default::default(),
            key_write_index: Default::default(),
            key_write_data: defaults(key_bytes),
            encrypt: unit(Direction::Encrypt),
            decrypt: unit(Direction::Decrypt),
        }
    }

    /// With stored round keys, slot `slot`'s round keys in FIPS-197 order as the encryption and
    /// the decryption unit hold them; `None` without stored round keys or beyond the table.
    /// For tests: the hardware can only use them, never read them out.
    pub fn stored_round_keys(&self, slot: usize) -> Option<[Vec<[u8; 16]>; 2]> {
        Some([self.encrypt.stored_round_keys(slot)?, self.decrypt.stored_round_keys(slot)?])
    }
}

impl Logic for PipelinedDatapath {
    #[hdl_gen]
    fn update(&mut self) {
        self.encrypt.clock.next = self.clock.val();
        self.encrypt.reset.next = self.reset.val();
        self.decrypt.clock.next = self.clock.val();
        self.decrypt.reset.next = self.reset.val();

        self.encrypt.valid_in.next = self.write_valid.val();
        self.encrypt.slot_in.next = self.write_slot.val();
        for k in 0..16 {
            self.encrypt.data_in[k].next = self.write_block[k].val();
        }
        for k in 0..self.write_key.len() {
            self.encrypt.key_in[k].next = self.write_key[k].val();
        }
        self.encrypt_valid.next = self.encrypt.valid_out.val();
        for k in 0..16 {
            self.encrypt_result[k].next = self.encrypt.data_out[k].val();
        }

        self.decrypt.valid_in.next = self.read_valid.val();
        self.decrypt.slot_in.next = self.read_slot.val();
        for k in 0..16 {
            self.decrypt.data_in[k].next = self.read_block[k].val();
        }
        for k in 0..self.read_key.len() {
            self.decrypt.key_in[k].next = self.read_key[k].val();
        }
        self.decrypt_ready_next.next = self.decrypt.ready_next.val();
        self.decrypt_valid.next = self.decrypt.valid_out.val();
        for k in 0..16 {
            self.decrypt_result[k].next = self.decrypt.data_out[k].val();
        }

        // Both units hold the data key's round keys.
        self.encrypt.key_write_enable.next = self.key_write_enable.val();
        self.encrypt.key_write_all.next = self.key_write_all.val();
        self.encrypt.key_write_slot.next = self.key_write_slot.val();
        self.encrypt.key_write_index.next = self.key_write_index.val();
        self.decrypt.key_write_enable.next = self.key_write_enable.val();
        self.decrypt.key_write_all.next = self.key_write_all.val();
        self.decrypt.key_write_slot.next = self.key_write_slot.val();
        self.decrypt.key_write_index.next = self.key_write_index.val();
        for k in 0..self.key_write_data.len() {
            self.encrypt.key_write_data[k].next = self.key_write_data[k].val();
            self.decrypt.key_write_data[k].next = self.key_write_data[k].val();
        }
    }
}
