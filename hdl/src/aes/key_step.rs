//! `KeyScheduleStep`: one step of the AES key schedule, forward (encryption) or backward
//! (decryption) as its `decrypt` port says, on the key window of the round units that run
//! both ciphers ([`AesRound`], [`ColumnAesUnit`]).
//!
//! The step's one S-box word is substituted outside, so that its user can take the four
//! S-boxes from wherever it has them (its own, or the state's in a free cycle): the step shows
//! the word on `word`, the user applies RotWord when scheduled and SubWord, and hands the
//! result back on `substituted`, with the round constant on `rcon` (0 when the step has none).
//!
//! The window (16 or 32 bytes) is the direction's, as in [`crate::aes::encrypt_round`] and
//! [`crate::aes::decrypt_round`]:
//! - forward: `key_out` is the window moved one round key on; `round_key` is the round key
//!   of this round (AES-128: the new words; AES-256: the window's second half);
//! - backward: `key_out` is the window moved one round key back; `round_key` is the round key
//!   of this round (AES-128: the new words; AES-256: the window's first half).
//!
//! Purely combinational: latency 0.
//!
//! [`AesRound`]: crate::aes::round::AesRound
//! [`ColumnAesUnit`]: crate::aes::column_unit::ColumnAesUnit

use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct KeyScheduleStep {
    /// 1: the backward step (decryption); 0: the forward step.
    pub decrypt: Signal<In, Bit>,
    /// The key window entering the step, 16 or 32 bytes.
    pub key_in: Vec<Signal<In, Bits<8>>>,
    /// The word the step substitutes, before RotWord: forward, the window's last word;
    /// backward, AES-128 `w[4r+3] ^ w[4r+2]` (bytes 12.. and 8..), AES-256 `w[4r-1]`
    /// (bytes 12..).
    pub word: [Signal<Out, Bits<8>>; 4],
    /// SubWord of `word`, after RotWord when the step has it: computed by the user.
    pub substituted: [Signal<In, Bits<8>>; 4],
    /// The step's round constant, 0 when it has none.
    pub rcon: Signal<In, Bits<8>>,
    /// The key window leaving the step.
    pub key_out: Vec<Signal<Out, Bits<8>>>,
    /// The round key of the round this step serves.
    pub round_key: [Signal<Out, Bits<8>>; 16],
    forward_words: [Signal<Local, Bits<8>>; 16],
    backward_words: [Signal<Local, Bits<8>>; 16],
    aes256: Constant<Bit>,
}

impl KeyScheduleStep {
    /// A step for `key_bytes` (16 or 32) keys.
    pub fn new(key_bytes: usize) -> Self {
        Self {
            decrypt: Default::default(),
            key_in: defaults(key_bytes),
            word: Default::default(),
            substituted: Default::default(),
            rcon: Default::default(),
            key_out: defaults(key_bytes),
            round_key: Default::default(),
            forward_words: Default::default(),
            backward_words: Default::default(),
            aes256: Constant::new(key_bytes == 32),
        }
    }
}

impl Logic for KeyScheduleStep {
    #[hdl_gen]
    fn update(&mut self) {
        // The word to substitute.
        for w in (self.key_in.len() - 4)..(self.key_in.len() - 3) {
            for i in 0..4 {
                if !self.decrypt.val() {
                    self.word[i].next = self.key_in[w + i].val();
                } else if self.aes256.val() {
                    self.word[i].next = self.key_in[12 + i].val();
                } else {
                    self.word[i].next = self.key_in[12 + i].val() ^ self.key_in[8 + i].val();
                }
            }
        }
        // Forward: the next words, the window's first words XOR-chained with the substituted
        // word (and the round constant in byte 0).
        for b in 0..4 {
            self.forward_words[b].next = self.key_in[b].val() ^ self.substituted[b].val();
            self.forward_words[4 + b].next = self.key_in[b].val() ^ self.key_in[4 + b].val() ^ self.substituted[b].val();
            self.forward_words[8 + b].next =
                self.key_in[b].val() ^ self.key_in[4 + b].val() ^ self.key_in[8 + b].val() ^ self.substituted[b].val();
            self.forward_words[12 + b].next = self.key_in[b].val()
                ^ self.key_in[4 + b].val()
                ^ self.key_in[8 + b].val()
                ^ self.key_in[12 + b].val()
                ^ self.substituted[b].val();
        }
        self.forward_words[0].next = self.key_in[0].val() ^ self.substituted[0].val() ^ self.rcon.val();
        self.forward_words[4].next = self.key_in[0].val() ^ self.key_in[4].val() ^ self.substituted[0].val() ^ self.rcon.val();
        self.forward_words[8].next = self.key_in[0].val()
            ^ self.key_in[4].val()
            ^ self.key_in[8].val()
            ^ self.substituted[0].val()
            ^ self.rcon.val();
        self.forward_words[12].next = self.key_in[0].val()
            ^ self.key_in[4].val()
            ^ self.key_in[8].val()
            ^ self.key_in[12].val()
            ^ self.substituted[0].val()
            ^ self.rcon.val();
        // Backward: the previous words. AES-128 from the window itself; AES-256 from its
        // second half (see DecryptRound).
        for b in 0..4 {
            self.backward_words[b].next = self.key_in[b].val() ^ self.substituted[b].val();
            self.backward_words[4 + b].next = self.key_in[4 + b].val() ^ self.key_in[b].val();
            self.backward_words[8 + b].next = self.key_in[8 + b].val() ^ self.key_in[4 + b].val();
            self.backward_words[12 + b].next = self.key_in[12 + b].val() ^ self.key_in[8 + b].val();
        }
        self.backward_words[0].next = self.key_in[0].val() ^ self.substituted[0].val() ^ self.rcon.val();
        for k in 16..(self.key_in.len() - 12) {
            self.backward_words[k - 16].next = self.key_in[k].val() ^ self.substituted[k - 16].val();
        }
        for k in 16..(self.key_in.len() - 15) {
            self.backward_words[k - 16].next = self.key_in[k].val() ^ self.substituted[k - 16].val() ^ self.rcon.val();
        }
        for k in 20..self.key_in.len() {
            self.backward_words[k - 16].next = self.key_in[k].val() ^ self.key_in[k - 4].val();
        }
        // Round key and next window. Forward: AES-128 the new words; AES-256 the window's
        // second half, then the window moves on by the new words. Backward: AES-128 the new
        // words; AES-256 the window's first half, and the new words come in front of it.
        // (Each output is assigned once, in exclusive branches.)
        // `o` runs once: 0 for AES-128, 16 for AES-256.
        for o in (self.key_in.len() - 16)..(self.key_in.len() - 15) {
            for k in 0..16 {
                if self.aes256.val() {
                    if self.decrypt.val() {
                        self.round_key[k].next = self.key_in[k].val();
                    } else {
                        self.round_key[k].next = self.key_in[o + k].val();
                    }
                } else if self.decrypt.val() {
                    self.round_key[k].next = self.backward_words[k].val();
                } else {
                    self.round_key[k].next = self.forward_words[k].val();
                }
            }
        }
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
    }
}
