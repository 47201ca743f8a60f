//! `DecryptRound`: one round of the AES inverse cipher with the key schedule run backwards.
//!
//! Data: InvShiftRows, InvSubBytes (16 inverse S-boxes), AddRoundKey, InvMixColumns (skipped
//! in the last round). Key: the previous `Nk/2`.. words of the expanded key from the current
//! window, with 4 forward S-boxes of its own, so every block may carry a different key.
//!
//! Round r counts down from Nr to 1. Key window entering round r: AES-128 round key r;
//! AES-256 round keys r-1 and r. Leaving: AES-128 round key r-1; AES-256 round keys r-2 and
//! r-1. The state entering round r has had AddRoundKey with round key r.
//!
//! Latency: 0 to 3 cycles from `*_in` to `*_out`, one per register enabled at construction
//! ([`RoundRegisterSet`]: inside the S-boxes, after them, at the end). Registers clear to zero
//! on a synchronous `reset` (the S-boxes' inner register as [`PipelinedSboxBank`] says).

use crate::aes::encrypt_round::{RoundRegisterSet, RoundSchedule};
use crate::aes::mix_columns::MixColumns;
use crate::aes::sbox::{PipelinedSboxBank, SboxStyle};
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct DecryptRound {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A block is present on `state_in`/`key_in`.
    pub valid_in: Signal<In, Bit>,
    /// State entering the round (after the previous AddRoundKey).
    pub state_in: [Signal<In, Bits<8>>; 16],
    /// Key window entering the round (16 or 32 bytes).
    pub key_in: Vec<Signal<In, Bits<8>>>,
    /// `valid_in`, delayed by the round's latency.
    pub valid_out: Signal<Out, Bit>,
    /// State leaving the round.
    pub state_out: [Signal<Out, Bits<8>>; 16],
    /// Key window leaving the round.
    pub key_out: Vec<Signal<Out, Bits<8>>>,
    /// Round constant of this round's key step, for a round built by [`DecryptRound::scheduled`]
    /// (ignored otherwise: the constant comes from the round number).
    pub schedule_rcon: Signal<In, Bits<8>>,
    /// The key step applies RotWord and the round constant (AES-256 alternates), for a
    /// scheduled round.
    pub schedule_rotate: Signal<In, Bit>,
    /// This is the final round (no MixColumns), for a scheduled round.
    pub schedule_final: Signal<In, Bit>,
    data_sbox: PipelinedSboxBank,
    key_sbox: PipelinedSboxBank,
    early_valid: Vec<DFF<Bit>>,
    early_window: Vec<DFF<Bits<8>>>,
    sboxed_valid: Signal<Local, Bit>,
    sboxed_window: Vec<Signal<Local, Bits<8>>>,
    mix: MixColumns,
    mid_valid: Vec<DFF<Bit>>,
    mid_state: Vec<DFF<Bits<8>>>,
    mid_key_sub: Vec<DFF<Bits<8>>>,
    mid_window: Vec<DFF<Bits<8>>>,
    out_valid: Vec<DFF<Bit>>,
    out_state: Vec<DFF<Bits<8>>>,
    out_key: Vec<DFF<Bits<8>>>,
    sub_valid: Signal<Local, Bit>,
    sub_state: [Signal<Local, Bits<8>>; 16],
    key_sub: [Signal<Local, Bits<8>>; 4],
    window: Vec<Signal<Local, Bits<8>>>,
    new_words: [Signal<Local, Bits<8>>; 16],
    round_key: [Signal<Local, Bits<8>>; 16],
    next_state: [Signal<Local, Bits<8>>; 16],
    next_key: Vec<Signal<Local, Bits<8>>>,
    rcon: Constant<Bits<8>>,
    final_round: Constant<Bit>,
    rotate_word: Constant<Bit>,
    scheduled: Constant<Bit>,
    rcon_now: Signal<Local, Bits<8>>,
    final_now: Signal<Local, Bit>,
    rotate_now: Signal<Local, Bit>,
    aes256: Constant<Bit>,
}

impl DecryptRound {
    /// Round `round` (Nr down to 1) of the inverse cipher with `key_bytes` (16 or 32) keys.
    pub fn new(key_bytes: usize, round: usize, style: SboxStyle, registers: RoundRegisterSet) -> Self {
        let aes256 = key_bytes == 32;
        let schedule = Self::schedule(key_bytes, round);
        let e = usize::from(registers.in_sbox);
        let m = usize::from(registers.after_sbox);
        let o = usize::from(registers.after_round);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            state_in: Default::default(),
            key_in: defaults(key_bytes),
            valid_out: Default::default(),
            state_out: Default::default(),
            key_out: defaults(key_bytes),
            schedule_rcon: Default::default(),
            schedule_rotate: Default::default(),
            schedule_final: Default::default(),
            data_sbox: PipelinedSboxBank::new(16, style, true, registers.in_sbox),
            key_sbox: PipelinedSboxBank::new(4, style.logic_style(), false, registers.in_sbox),
            early_valid: defaults(e),
            early_window: defaults(key_bytes * e),
            sboxed_valid: Default::default(),
            sboxed_window: defaults(key_bytes),
            mix: MixColumns::new(true),
            mid_valid: defaults(m),
            mid_state: defaults(16 * m),
            mid_key_sub: defaults(4 * m),
            mid_window: defaults(key_bytes * m),
            out_valid: defaults(o),
            out_state: defaults(16 * o),
            out_key: defaults(key_bytes * o),
            sub_valid: Default::default(),
            sub_state: Default::default(),
            key_sub: Default::default(),
            window: defaults(key_bytes),
            new_words: Default::default(),
            round_key: Default::default(),
            next_state: Default::default(),
            next_key: defaults(key_bytes),
            rcon: Constant::new(Bits::<8>::from(LiteralType::from(schedule.rcon))),
            final_round: Constant::new(schedule.final_round),
            rotate_word: Constant::new(schedule.rotate),
            scheduled: Constant::new(false),
            rcon_now: Default::default(),
            final_now: Default::default(),
            rotate_now: Default::default(),
            aes256: Constant::new(aes256),
        }
    }
}

impl DecryptRound {
    /// The key step and kind of round `round` (Nr down to 1) of the inverse cipher.
    pub fn schedule(key_bytes: usize, round: usize) -> RoundSchedule {
        // The word recovered first in this round is w[4r-4] (AES-128) or w[4r-8] (AES-256),
        // from the relation that produced w[4r] (AES-128) or w[4r] (AES-256).
        let (rotate, rcon_index) = if key_bytes == 32 { (round.is_multiple_of(2), round / 2) } else { (true, round) };
        RoundSchedule { rcon: if rotate { crate::aes::gf::rcon(rcon_index) } else { 0 }, rotate, final_round: round == 1 }
    }

    /// A round with no registers whose round constant, RotWord step and final-round choice
    /// come from the `schedule_*` ports, for a unit that runs every round through it.
    pub fn scheduled(key_bytes: usize, style: SboxStyle) -> Self {
        let mut round = Self::new(key_bytes, 1, style, RoundRegisterSet::default());
        round.scheduled = Constant::new(true);
        round
    }
}

impl Logic for DecryptRound {
    #[hdl_gen]
    fn update(&mut self) {
        // The round's schedule: construction-time constants, or ports for a scheduled round.
        self.rcon_now.next = self.rcon.val();
        self.final_now.next = self.final_round.val();
        self.rotate_now.next = self.rotate_word.val();
        if self.scheduled.val() {
            self.rcon_now.next = self.schedule_rcon.val();
            self.final_now.next = self.schedule_final.val();
            self.rotate_now.next = self.schedule_rotate.val();
        }
        // First half: InvShiftRows + inverse S-boxes on the state; forward S-boxes on the key
        // word that the backward step needs (AES-128: w[4r+3] ^ w[4r+2]; AES-256: w[4r-1]).
        for c in 0..4 {
            for r in 0..4 {
                self.data_sbox.x[4 * c + r].next = self.state_in[4 * ((c + 4 - r) % 4) + r].val();
            }
        }
        for i in 0..4 {
            if self.aes256.val() {
                if self.rotate_now.val() {
                    self.key_sbox.x[i].next = self.key_in[12 + (i + 1) % 4].val();
                } else {
                    self.key_sbox.x[i].next = self.key_in[12 + i].val();
                }
            } else {
                self.key_sbox.x[i].next = self.key_in[12 + (i + 1) % 4].val() ^ self.key_in[8 + (i + 1) % 4].val();
            }
        }
        // Optional register inside the S-boxes; the valid bit and the key window wait beside it.
        self.data_sbox.clock.next = self.clock.val();
        self.data_sbox.reset.next = self.reset.val();
        self.key_sbox.clock.next = self.clock.val();
        self.key_sbox.reset.next = self.reset.val();
        self.sboxed_valid.next = self.valid_in.val();
        for i in 0..self.sboxed_window.len() {
            self.sboxed_window[i].next = self.key_in[i].val();
        }
        for i in 0..self.early_valid.len() {
            self.early_valid[i].clock.next = self.clock.val();
            self.early_valid[i].d.next = self.valid_in.val() & !self.reset.val();
            self.sboxed_valid.next = self.early_valid[i].q.val();
        }
        for i in 0..self.early_window.len() {
            self.early_window[i].clock.next = self.clock.val();
            self.early_window[i].d.next = self.key_in[i].val();
            if self.reset.val() {
                self.early_window[i].d.next = bits::<8>(0);
            }
            self.sboxed_window[i].next = self.early_window[i].q.val();
        }
        // Optional register between the halves.
        self.sub_valid.next = self.sboxed_valid.val();
        for i in 0..16 {
            self.sub_state[i].next = self.data_sbox.y[i].val();
        }
        for i in 0..4 {
            self.key_sub[i].next = self.key_sbox.y[i].val();
        }
        for i in 0..self.window.len() {
            self.window[i].next = self.sboxed_window[i].val();
        }
        for i in 0..self.mid_valid.len() {
            self.mid_valid[i].clock.next = self.clock.val();
            self.mid_valid[i].d.next = self.sboxed_valid.val() & !self.reset.val();
            self.sub_valid.next = self.mid_valid[i].q.val();
        }
        for i in 0..self.mid_state.len() {
            self.mid_state[i].clock.next = self.clock.val();
            self.mid_state[i].d.next = self.data_sbox.y[i].val();
            if self.reset.val() {
                self.mid_state[i].d.next = bits::<8>(0);
            }
            self.sub_state[i].next = self.mid_state[i].q.val();
        }
        for i in 0..self.mid_key_sub.len() {
            self.mid_key_sub[i].clock.next = self.clock.val();
            self.mid_key_sub[i].d.next = self.key_sbox.y[i].val();
            if self.reset.val() {
                self.mid_key_sub[i].d.next = bits::<8>(0);
            }
            self.key_sub[i].next = self.mid_key_sub[i].q.val();
        }
        for i in 0..self.mid_window.len() {
            self.mid_window[i].clock.next = self.clock.val();
            self.mid_window[i].d.next = self.sboxed_window[i].val();
            if self.reset.val() {
                self.mid_window[i].d.next = bits::<8>(0);
            }
            self.window[i].next = self.mid_window[i].q.val();
        }
        // Second half, key. AES-128: w[4r-4+k] = w[4r+k] ^ w[4r+k-1] (k > 0), and
        // w[4r-4] = w[4r] ^ S-box word ^ rcon. AES-256, window W = w[4r-4..4r+4):
        // w[4r-8+k] = W[4+k] ^ W[3+k] (k > 0), and w[4r-8] = W[4] ^ S-box word (^ rcon).
        for b in 0..4 {
            self.new_words[b].next = self.window[b].val() ^ self.key_sub[b].val();
            self.new_words[4 + b].next = self.window[4 + b].val() ^ self.window[b].val();
            self.new_words[8 + b].next = self.window[8 + b].val() ^ self.window[4 + b].val();
            self.new_words[12 + b].next = self.window[12 + b].val() ^ self.window[8 + b].val();
        }
        self.new_words[0].next = self.window[0].val() ^ self.key_sub[0].val() ^ self.rcon_now.val();
        for k in 16..(self.window.len() - 12) {
            self.new_words[k - 16].next = self.window[k].val() ^ self.key_sub[k - 16].val();
        }
        for k in 16..(self.window.len() - 15) {
            self.new_words[k - 16].next = self.window[k].val() ^ self.key_sub[k - 16].val() ^ self.rcon_now.val();
        }
        for k in 20..self.window.len() {
            self.new_words[k - 16].next = self.window[k].val() ^ self.window[k - 4].val();
        }
        // Round key r-1: AES-128 the new words, AES-256 the window's first half.
        // Next window: AES-128 the new words; AES-256 the new words then the first half.
        for k in 0..16 {
            self.round_key[k].next = self.new_words[k].val();
            self.next_key[k].next = self.new_words[k].val();
        }
        for k in 16..self.window.len() {
            self.round_key[k - 16].next = self.window[k - 16].val();
            self.next_key[k].next = self.window[k - 16].val();
        }
        // Second half, data: AddRoundKey, then InvMixColumns unless this is round 1.
        for k in 0..16 {
            self.mix.x[k].next = self.sub_state[k].val() ^ self.round_key[k].val();
            if self.final_now.val() {
                self.next_state[k].next = self.sub_state[k].val() ^ self.round_key[k].val();
            } else {
                self.next_state[k].next = self.mix.y[k].val();
            }
        }
        // Outputs, through the optional end register.
        self.valid_out.next = self.sub_valid.val();
        for i in 0..16 {
            self.state_out[i].next = self.next_state[i].val();
        }
        for i in 0..self.key_out.len() {
            self.key_out[i].next = self.next_key[i].val();
        }
        for i in 0..self.out_valid.len() {
            self.out_valid[i].clock.next = self.clock.val();
            self.out_valid[i].d.next = self.sub_valid.val() & !self.reset.val();
            self.valid_out.next = self.out_valid[i].q.val();
        }
        for i in 0..self.out_state.len() {
            self.out_state[i].clock.next = self.clock.val();
            self.out_state[i].d.next = self.next_state[i].val();
            if self.reset.val() {
                self.out_state[i].d.next = bits::<8>(0);
            }
            self.state_out[i].next = self.out_state[i].q.val();
        }
        for i in 0..self.out_key.len() {
            self.out_key[i].clock.next = self.clock.val();
            self.out_key[i].d.next = self.next_key[i].val();
            if self.reset.val() {
                self.out_key[i].d.next = bits::<8>(0);
            }
            self.key_out[i].next = self.out_key[i].q.val();
        }
    }
}
