//! `AesRound`: one AES round that encrypts or decrypts, as its `decrypt` port says, with the
//! key-schedule step of that direction, for the [`IterativeAesUnit`] that runs every round of
//! both ciphers through it.
//!
//! The two directions share the round's costly parts:
//! - 16 [`ReversibleSboxBank`] lanes: in the composite style one tower-field inversion serves
//!   S and S⁻¹. (Row shifting commutes with the S-boxes, so the lanes read the state through
//!   ShiftRows or InvShiftRows.)
//! - one [`ReversibleMixColumns`];
//! - the key step's 4 forward S-boxes (the backward key schedule uses the forward S-box too).
//!
//! Encryption (as [`crate::aes_encrypt_round::EncryptRound`]): SubBytes, ShiftRows,
//! MixColumns unless final, AddRoundKey; the key window moves one round key forward.
//! Decryption (as [`crate::aes_decrypt_round::DecryptRound`]): InvShiftRows, InvSubBytes,
//! AddRoundKey, InvMixColumns unless final; the key window moves one round key back.
//!
//! Purely combinational: latency 0, `state_out` and `key_out` follow the inputs in the same
//! cycle. The round constant, the RotWord step and the final-round choice come from the
//! `schedule_*` ports (see [`crate::aes_encrypt_round::RoundSchedule`]).
//!
//! [`IterativeAesUnit`]: crate::aes_iterative_unit::IterativeAesUnit
//! [`ReversibleSboxBank`]: crate::sbox::ReversibleSboxBank
//! [`ReversibleMixColumns`]: crate::mix_columns::ReversibleMixColumns

use crate::mix_columns::ReversibleMixColumns;
use crate::sbox::{ReversibleSboxBank, SboxBank, SboxStyle};
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
    mix: ReversibleMixColumns,
    key_word: [Signal<Local, Bits<8>>; 4],
    forward_words: [Signal<Local, Bits<8>>; 16],
    backward_words: [Signal<Local, Bits<8>>; 16],
    round_key: [Signal<Local, Bits<8>>; 16],
    keyed: [Signal<Local, Bits<8>>; 16],
    aes256: Constant<Bit>,
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
            mix: ReversibleMixColumns::new(),
            key_word: Default::default(),
            forward_words: Default::default(),
            backward_words: Default::default(),
            round_key: Default::default(),
            keyed: Default::default(),
            aes256: Constant::new(key_bytes == 32),
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
        // Key S-boxes. The word: forward, the window's last; backward, AES-128 w[4r+3] ^
        // w[4r+2] (bytes 12.. and 8..), AES-256 w[4r-1] (bytes 12..). RotWord when scheduled.
        for w in (self.key_in.len() - 4)..(self.key_in.len() - 3) {
            for i in 0..4 {
                self.key_word[i].next = self.key_in[w + i].val();
                if self.decrypt.val() {
                    self.key_word[i].next = self.key_in[12 + i].val();
                    if !self.aes256.val() {
                        self.key_word[i].next = self.key_in[12 + i].val() ^ self.key_in[8 + i].val();
                    }
                }
            }
        }
        for i in 0..4 {
            if self.schedule_rotate.val() {
                self.key_sbox.x[i].next = self.key_word[(i + 1) % 4].val();
            } else {
                self.key_sbox.x[i].next = self.key_word[i].val();
            }
        }
        // Forward key step: the next words, the window's first words XOR-chained with the
        // S-box word (and the round constant in byte 0).
        for b in 0..4 {
            self.forward_words[b].next = self.key_in[b].val() ^ self.key_sbox.y[b].val();
            self.forward_words[4 + b].next = self.key_in[b].val() ^ self.key_in[4 + b].val() ^ self.key_sbox.y[b].val();
            self.forward_words[8 + b].next =
                self.key_in[b].val() ^ self.key_in[4 + b].val() ^ self.key_in[8 + b].val() ^ self.key_sbox.y[b].val();
            self.forward_words[12 + b].next = self.key_in[b].val()
                ^ self.key_in[4 + b].val()
                ^ self.key_in[8 + b].val()
                ^ self.key_in[12 + b].val()
                ^ self.key_sbox.y[b].val();
        }
        self.forward_words[0].next = self.key_in[0].val() ^ self.key_sbox.y[0].val() ^ self.schedule_rcon.val();
        self.forward_words[4].next = self.key_in[0].val() ^ self.key_in[4].val() ^ self.key_sbox.y[0].val() ^ self.schedule_rcon.val();
        self.forward_words[8].next = self.key_in[0].val()
            ^ self.key_in[4].val()
            ^ self.key_in[8].val()
            ^ self.key_sbox.y[0].val()
            ^ self.schedule_rcon.val();
        self.forward_words[12].next = self.key_in[0].val()
            ^ self.key_in[4].val()
            ^ self.key_in[8].val()
            ^ self.key_in[12].val()
            ^ self.key_sbox.y[0].val()
            ^ self.schedule_rcon.val();
        // Backward key step: the previous words. AES-128 from the window itself; AES-256 from
        // its second half (see DecryptRound).
        for b in 0..4 {
            self.backward_words[b].next = self.key_in[b].val() ^ self.key_sbox.y[b].val();
            self.backward_words[4 + b].next = self.key_in[4 + b].val() ^ self.key_in[b].val();
            self.backward_words[8 + b].next = self.key_in[8 + b].val() ^ self.key_in[4 + b].val();
            self.backward_words[12 + b].next = self.key_in[12 + b].val() ^ self.key_in[8 + b].val();
        }
        self.backward_words[0].next = self.key_in[0].val() ^ self.key_sbox.y[0].val() ^ self.schedule_rcon.val();
        for k in 16..(self.key_in.len() - 12) {
            self.backward_words[k - 16].next = self.key_in[k].val() ^ self.key_sbox.y[k - 16].val();
        }
        for k in 16..(self.key_in.len() - 15) {
            self.backward_words[k - 16].next = self.key_in[k].val() ^ self.key_sbox.y[k - 16].val() ^ self.schedule_rcon.val();
        }
        for k in 20..self.key_in.len() {
            self.backward_words[k - 16].next = self.key_in[k].val() ^ self.key_in[k - 4].val();
        }
        // Round key and next window. Forward: AES-128 the new words; AES-256 the window's
        // second half, then the window moves on by the new words. Backward: AES-128 the new
        // words; AES-256 the window's first half, and the new words come in front of it.
        for k in 0..16 {
            if self.decrypt.val() {
                self.round_key[k].next = self.backward_words[k].val();
            } else {
                self.round_key[k].next = self.forward_words[k].val();
            }
        }
        for k in 16..self.key_in.len() {
            if self.decrypt.val() {
                self.round_key[k - 16].next = self.key_in[k - 16].val();
            } else {
                self.round_key[k - 16].next = self.key_in[k].val();
            }
        }
        // (Every port and child input below is assigned once per evaluation, in exclusive
        // branches: a default overridden later would glitch, and in a zero-delay simulator a
        // glitch on a child's input re-runs the parent through the child's outputs forever.)
        // `h` runs once: 0 for AES-128, 16 for AES-256 (the forward window's second half).
        for h in (self.key_in.len() - 16)..(self.key_in.len() - 15) {
            for k in 0..16 {
                if self.decrypt.val() {
                    self.key_out[k].next = self.backward_words[k].val();
                } else if self.aes256.val() {
                    self.key_out[k].next = self.key_in[h + k].val();
                } else {
                    self.key_out[k].next = self.forward_words[k].val();
                }
            }
        }
        for k in 16..self.key_in.len() {
            if self.decrypt.val() {
                self.key_out[k].next = self.key_in[k - 16].val();
            } else {
                self.key_out[k].next = self.forward_words[k - 16].val();
            }
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
