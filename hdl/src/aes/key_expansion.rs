//! `DecryptionKeyExpander`: turns a cipher key into the key form the decryption pipeline starts
//! from, the last `Nk` words of the FIPS-197 expanded key (AES-128: round key 10; AES-256: round
//! keys 13 and 14). The key table runs it once per `set_key` and stores the result.
//!
//! Iterative: a window of `Nk` words and four S-boxes; every cycle it computes the next four
//! words of the forward key schedule (RotWord + SubWord + Rcon, or SubWord alone on the odd
//! AES-256 steps) and slides the window. AES-128 needs 10 steps, AES-256 13.
//!
//! Timing: `start` high at a rising edge loads `key_in` (and abandons any expansion in
//! progress). The following [`DecryptionKeyExpander::steps`] edges each perform one step while
//! `busy` is high; `done` is then high for exactly one cycle, [`DecryptionKeyExpander::latency`]
//! cycles after the cycle `start` was high, and `key_out` holds the decryption key form from
//! that cycle until the next `start`. A synchronous `reset` clears every register (the window
//! too, so no key survives a reset).

use crate::aes::sbox::{SboxBank, SboxStyle};
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct DecryptionKeyExpander {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Load `key_in` and start an expansion.
    pub start: Signal<In, Bit>,
    /// The cipher key (16 or 32 bytes), read in the cycle `start` is high.
    pub key_in: Vec<Signal<In, Bits<8>>>,
    /// An expansion is in progress.
    pub busy: Signal<Out, Bit>,
    /// One-cycle pulse: `key_out` now holds the decryption key form.
    pub done: Signal<Out, Bit>,
    /// The key window; the decryption key form once `done` has pulsed.
    pub key_out: Vec<Signal<Out, Bits<8>>>,
    sbox: SboxBank,
    window: Vec<DFF<Bits<8>>>,
    round_constant: DFF<Bits<8>>,
    odd_step: DFF<Bit>,
    step: DFF<Bits<4>>,
    running: DFF<Bit>,
    finished: DFF<Bit>,
    rotate: Signal<Local, Bit>,
    applied_constant: Signal<Local, Bits<8>>,
    sub_word: [Signal<Local, Bits<8>>; 4],
    new_words: [Signal<Local, Bits<8>>; 16],
    aes256: Constant<Bit>,
    last_step: Constant<Bits<4>>,
}

impl DecryptionKeyExpander {
    /// An expander for `key_bytes`-byte keys (16 or 32) with S-boxes of the given style.
    pub fn new(key_bytes: usize, style: SboxStyle) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            key_in: defaults(key_bytes),
            busy: Default::default(),
            done: Default::default(),
            key_out: defaults(key_bytes),
            sbox: SboxBank::new(4, style, false),
            window: defaults(key_bytes),
            round_constant: Default::default(),
            odd_step: Default::default(),
            step: Default::default(),
            running: Default::default(),
            finished: Default::default(),
            rotate: Default::default(),
            applied_constant: Default::default(),
            sub_word: Default::default(),
            new_words: Default::default(),
            aes256: Constant::new(key_bytes == 32),
            last_step: Constant::new(Bits::<4>::from(LiteralType::from(Self::steps(key_bytes) as u64 - 1))),
        }
    }

    /// Schedule steps of four words each: 10 for AES-128, 13 for AES-256.
    pub fn steps(key_bytes: usize) -> usize {
        if key_bytes == 32 {
            13
        } else {
            10
        }
    }

    /// Cycles from the cycle `start` is high to the cycle `done` is high.
    pub fn latency(key_bytes: usize) -> usize {
        Self::steps(key_bytes) + 1
    }
}

impl Logic for DecryptionKeyExpander {
    #[hdl_gen]
    fn update(&mut self) {
        self.round_constant.clock.next = self.clock.val();
        self.odd_step.clock.next = self.clock.val();
        self.step.clock.next = self.clock.val();
        self.running.clock.next = self.clock.val();
        self.finished.clock.next = self.clock.val();
        // Hold by default.
        self.round_constant.d.next = self.round_constant.q.val();
        self.odd_step.d.next = self.odd_step.q.val();
        self.step.d.next = self.step.q.val();
        self.running.d.next = self.running.q.val();
        self.finished.d.next = false;
        for k in 0..self.window.len() {
            self.window[k].clock.next = self.clock.val();
            self.window[k].d.next = self.window[k].q.val();
        }
        // S-boxes on the window's last word, rotated on RotWord steps (every AES-128 step,
        // the even AES-256 steps).
        self.rotate.next = !self.aes256.val() | !self.odd_step.q.val();
        for w in (self.window.len() - 4)..(self.window.len() - 3) {
            for i in 0..4 {
                if self.rotate.val() {
                    self.sbox.x[i].next = self.window[w + (i + 1) % 4].q.val();
                } else {
                    self.sbox.x[i].next = self.window[w + i].q.val();
                }
            }
        }
        self.applied_constant.next = bits::<8>(0);
        if self.rotate.val() {
            self.applied_constant.next = self.round_constant.q.val();
        }
        // The S-box word with Rcon applied to its first byte.
        for b in 0..4 {
            self.sub_word[b].next = self.sbox.y[b].val();
        }
        self.sub_word[0].next = self.sbox.y[0].val() ^ self.applied_constant.val();
        // The next four words: w[i] = w[i - Nk] ^ w[i - 1], starting from the S-box word.
        for b in 0..4 {
            self.new_words[b].next = self.window[b].q.val() ^ self.sub_word[b].val();
            self.new_words[4 + b].next = self.window[b].q.val() ^ self.window[4 + b].q.val() ^ self.sub_word[b].val();
            self.new_words[8 + b].next = self.window[b].q.val()
                ^ self.window[4 + b].q.val()
                ^ self.window[8 + b].q.val()
                ^ self.sub_word[b].val();
            self.new_words[12 + b].next = self.window[b].q.val()
                ^ self.window[4 + b].q.val()
                ^ self.window[8 + b].q.val()
                ^ self.window[12 + b].q.val()
                ^ self.sub_word[b].val();
        }
        if self.running.q.val() {
            // Slide the window by four words: AES-128 takes the new words, AES-256 keeps its
            // second half as the first.
            for k in 0..16 {
                self.window[k].d.next = self.new_words[k].val();
            }
            for k in 16..self.window.len() {
                self.window[k - 16].d.next = self.window[k].q.val();
                self.window[k].d.next = self.new_words[k - 16].val();
            }
            self.step.d.next = self.step.q.val() + 1;
            self.odd_step.d.next = !self.odd_step.q.val();
            if self.rotate.val() {
                if self.round_constant.q.val().get_bit(7) {
                    self.round_constant.d.next = (self.round_constant.q.val() << 1) ^ bits::<8>(27);
                } else {
                    self.round_constant.d.next = self.round_constant.q.val() << 1;
                }
            }
            if self.step.q.val() == self.last_step.val() {
                self.running.d.next = false;
                self.finished.d.next = true;
            }
        }
        if self.start.val() {
            for k in 0..self.window.len() {
                self.window[k].d.next = self.key_in[k].val();
            }
            self.round_constant.d.next = bits::<8>(1);
            self.odd_step.d.next = false;
            self.step.d.next = bits::<4>(0);
            self.running.d.next = true;
            self.finished.d.next = false;
        }
        if self.reset.val() {
            for k in 0..self.window.len() {
                self.window[k].d.next = bits::<8>(0);
            }
            self.round_constant.d.next = bits::<8>(0);
            self.odd_step.d.next = false;
            self.step.d.next = bits::<4>(0);
            self.running.d.next = false;
            self.finished.d.next = false;
        }
        self.busy.next = self.running.q.val();
        self.done.next = self.finished.q.val();
        for k in 0..self.key_out.len() {
            self.key_out[k].next = self.window[k].q.val();
        }
    }
}
