//! `AesRound`: one AES round that encrypts or decrypts, as its `decrypt` port says, with the
//! key-schedule step of that direction, for the [`IterativeAesUnit`] that runs every round of
//! both ciphers through it.
//!
//! The two directions share the round's costly parts:
//! - 16 [`ReversibleSboxBank`] lanes: in the composite style one tower-field inversion serves
//!   S and S⁻¹. (Row shifting commutes with the S-boxes, so the lanes read the state through
//!   ShiftRows or InvShiftRows.)
//! - one [`ReversibleMixColumns`];
//! - the key step ([`KeyScheduleStep`]) and its 4 forward S-boxes (the backward key schedule
//!   uses the forward S-box too).
//!
//! Encryption (as [`crate::aes::encrypt_round::EncryptRound`]): SubBytes, ShiftRows,
//! MixColumns unless final, AddRoundKey; the key window moves one round key forward.
//! Decryption (as [`crate::aes::decrypt_round::DecryptRound`]): InvShiftRows, InvSubBytes,
//! AddRoundKey, InvMixColumns unless final; the key window moves one round key back.
//!
//! Purely combinational: latency 0, `state_out` and `key_out` follow the inputs in the same
//! cycle. The round constant, the RotWord step and the final-round choice come from the
//! `schedule_*` ports (see [`crate::aes::encrypt_round::RoundSchedule`]).
//!
//! [`IterativeAesUnit`]: crate::aes::iterative_unit::IterativeAesUnit
//! [`ReversibleSboxBank`]: crate::aes::sbox::ReversibleSboxBank
//! [`ReversibleMixColumns`]: crate::aes::mix_columns::ReversibleMixColumns

use crate::aes::key_step::KeyScheduleStep;
use crate::aes::mix_columns::ReversibleMixColumns;
use crate::aes::sbox::{ReversibleSboxBank, SboxBank, SboxStyle};
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct AesRound {
    /// 1: a round of the inverse cipher; 0: of the forward cipher.
    pub decrypt: Signal<In, Bit>,
    /// State entering the round (after the previous AddRoundKey).
    pub state_in: [Signal<In, Bits<8>>; 16],
    /// Key window entering the round (16 or 32 bytes), as the direction's round expects.
    pub key_in: Vec<Signal<In, Bits<8>>>,
    /// State leaving the round.
    pub state_out: [Signal<Out, Bits<8>>; 16],
    /// Key window leaving the round.
    pub key_out: Vec<Signal<Out, Bits<8>>>,
    /// Round constant of this round's key step (0 when the step has none).
    pub schedule_rcon: Signal<In, Bits<8>>,
    /// The key step applies RotWord.
    pub schedule_rotate: Signal<In, Bit>,
    /// The final round (no MixColumns).
    pub schedule_final: Signal<In, Bit>,
    data_sbox: ReversibleSboxBank,
    key_sbox: SboxBank,
    key_step: KeyScheduleStep,
    mix: ReversibleMixColumns,
    round_key: [Signal<Local, Bits<8>>; 16],
    keyed: [Signal<Local, Bits<8>>; 16],
}

impl AesRound {
    /// A round for `key_bytes` (16 or 32) keys with S-boxes of `style`.
    pub fn new(key_bytes: usize, style: SboxStyle) -> Self {
        Self {
            decrypt: Default::default(),
            state_in: Default::default(),
            key_in: defaults(key_bytes),
            state_out: Default::default(),
            key_out: defaults(key_bytes),
            schedule_rcon: Default::default(),
            schedule_rotate: Default::default(),
            schedule_final: Default::default(),
            data_sbox: ReversibleSboxBank::new(16, style),
            key_sbox: SboxBank::new(4, style, false),
            key_step: KeyScheduleStep::new(key_bytes),
            mix: ReversibleMixColumns::new(),
            round_key: Default::default(),
            keyed: Default::default(),
        }
    }
}

impl Logic for AesRound {
    #[hdl_gen]
    fn update(&mut self) {
        // State S-boxes, read through ShiftRows (encrypt) or InvShiftRows (decrypt).
        self.data_sbox.inverse.next = self.decrypt.val();
        for c in 0..4 {
            for r in 0..4 {
                if self.decrypt.val() {
                    self.data_sbox.x[4 * c + r].next = self.state_in[4 * ((c + 4 - r) % 4) + r].val();
                } else {
                    self.data_sbox.x[4 * c + r].next = self.state_in[4 * ((c + r) % 4) + r].val();
                }
            }
        }
        // The key step, its word substituted by the key S-boxes (after RotWord when
        // scheduled).
        self.key_step.decrypt.next = self.decrypt.val();
        self.key_step.rcon.next = self.schedule_rcon.val();
        for k in 0..self.key_in.len() {
            self.key_step.key_in[k].next = self.key_in[k].val();
            self.key_out[k].next = self.key_step.key_out[k].val();
        }
        for i in 0..4 {
            if self.schedule_rotate.val() {
                self.key_sbox.x[i].next = self.key_step.word[(i + 1) % 4].val();
            } else {
                self.key_sbox.x[i].next = self.key_step.word[i].val();
            }
            self.key_step.substituted[i].next = self.key_sbox.y[i].val();
        }
        for k in 0..16 {
            self.round_key[k].next = self.key_step.round_key[k].val();
        }
        // Data. Encrypt: MixColumns(S) ^ key (S ^ key in the final round). Decrypt:
        // InvMixColumns(S ^ key) (S ^ key in the final round).
        self.mix.inverse.next = self.decrypt.val();
        for k in 0..16 {
            self.keyed[k].next = self.data_sbox.y[k].val() ^ self.round_key[k].val();
            if self.decrypt.val() {
                self.mix.x[k].next = self.keyed[k].val();
            } else {
                self.mix.x[k].next = self.data_sbox.y[k].val();
            }
            if self.schedule_final.val() {
                self.state_out[k].next = self.keyed[k].val();
            } else if self.decrypt.val() {
                self.state_out[k].next = self.mix.y[k].val();
            } else {
                self.state_out[k].next = self.mix.y[k].val() ^ self.round_key[k].val();
            }
        }
    }
}
