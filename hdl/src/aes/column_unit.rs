//! `ColumnAesUnit`: AES-128/256 encryption *and* decryption with four S-boxes, one column of
//! the state per cycle: the smallest AES unit mee builds, for the `shared_column` engine.
//!
//! The four [`ReversibleSboxBank`] lanes serve the state and the key schedule in turn. Each
//! round takes five cycles (*phases*):
//! - phase 0: the [`KeyScheduleStep`] substitutes its word through the four S-boxes (forward
//!   S-box, RotWord when scheduled) and the key window moves one round key on (encryption) or
//!   back (decryption); the state goes through ShiftRows or InvShiftRows (wiring);
//! - phases 1 to 4: column 0 of the state goes through the S-boxes (S or S⁻¹), one
//!   [`ReversibleMixColumns`] column (skipped in the final round) and AddRoundKey with column
//!   `phase - 1` of the round key; the state moves one column down and the result enters as
//!   column 3, so after phase 4 the columns are back in order.
//!
//! A round-constant register stands in for a schedule table, as in the
//! [`crate::aes::iterative_unit::IterativeAesUnit`], whose ports and handshake this unit
//! shares.
//!
//! Timing: a block enters in a cycle where `valid_in` and `ready` are 1; in that cycle its
//! first AddRoundKey is applied and the block and key are loaded. The rounds run in the next
//! `5 Nr` cycles, and the result is on `valid_out`/`data_out` `5 Nr + 1` cycles after the
//! block entered (51 for AES-128, 71 for AES-256); the unit is `ready` again in the cycle
//! after that, so it takes a block every `5 Nr + 2` cycles.
//!
//! Ports (byte arrays in FIPS-197 byte order):
//! - in: `valid_in`, `decrypt_in` (1 = decrypt this block), `data_in[16]`, `key_in[16|32]`:
//!   the cipher key to encrypt, the *decryption key form* (the last `Nk` words of the expanded
//!   key) to decrypt; they are read only in the cycle the block enters;
//! - out: `valid_out`, `data_out[16]` (the state register: the result while `valid_out` is 1),
//!   `ready` (a block may enter this cycle), `ready_next` (a block may enter next cycle if none
//!   enters in this one). A block offered while `ready` is 0 is ignored.
//!
//! Every register clears on a synchronous `reset`.
//!
//! [`ReversibleSboxBank`]: crate::aes::sbox::ReversibleSboxBank
//! [`ReversibleMixColumns`]: crate::aes::mix_columns::ReversibleMixColumns

use crate::defaults;
use crate::aes::key_step::KeyScheduleStep;
use crate::aes::mix_columns::ReversibleMixColumns;
use crate::aes::sbox::{ReversibleSboxBank, SboxStyle};
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct ColumnAesUnit {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A block enters this cycle (when `ready`).
    pub valid_in: Signal<In, Bit>,
    /// 1: decrypt the entering block; 0: encrypt it.
    pub decrypt_in: Signal<In, Bit>,
    /// The input block.
    pub data_in: [Signal<In, Bits<8>>; 16],
    /// The key (encryption) or decryption key form (decryption), 16 or 32 bytes.
    pub key_in: Vec<Signal<In, Bits<8>>>,
    /// A result leaves this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The result while `valid_out` is 1.
    pub data_out: [Signal<Out, Bits<8>>; 16],
    /// A block may enter this cycle.
    pub ready: Signal<Out, Bit>,
    /// A block may enter next cycle if none enters this cycle.
    pub ready_next: Signal<Out, Bit>,
    sbox: ReversibleSboxBank,
    key_step: KeyScheduleStep,
    mix: ReversibleMixColumns,
    count: DFF<Bits<8>>,
    phase: DFF<Bits<3>>,
    round: DFF<Bits<4>>,
    decrypting: DFF<Bit>,
    rcon: DFF<Bits<8>>,
    state: [DFF<Bits<8>>; 16],
    window: Vec<DFF<Bits<8>>>,
    idle: Signal<Local, Bit>,
    done: Signal<Local, Bit>,
    key_phase: Signal<Local, Bit>,
    column_phase: Signal<Local, Bit>,
    rotate: Signal<Local, Bit>,
    column_key: [Signal<Local, Bits<8>>; 4],
    keyed: [Signal<Local, Bits<8>>; 4],
    column_out: [Signal<Local, Bits<8>>; 4],
    rounds: Constant<Bits<4>>,
    last_count: Constant<Bits<8>>,
    aes256: Constant<Bit>,
    first_backward_rcon: Constant<Bits<8>>,
}

impl ColumnAesUnit {
    /// A unit for `key_bytes` (16 or 32) keys with S-boxes of `style`.
    pub fn new(key_bytes: usize, style: SboxStyle) -> Self {
        let rounds = key_bytes / 4 + 6;
        // The first backward step uses rcon(10) (AES-128) or rcon(7) (AES-256).
        let first_backward_rcon = crate::aes::gf::rcon(if key_bytes == 32 { 7 } else { 10 });
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            decrypt_in: Default::default(),
            data_in: Default::default(),
            key_in: defaults(key_bytes),
            valid_out: Default::default(),
            data_out: Default::default(),
            ready: Default::default(),
            ready_next: Default::default(),
            sbox: ReversibleSboxBank::new(4, style),
            key_step: KeyScheduleStep::new(key_bytes),
            mix: ReversibleMixColumns::new(),
            count: Default::default(),
            phase: Default::default(),
            round: Default::default(),
            decrypting: Default::default(),
            rcon: Default::default(),
            state: Default::default(),
            window: defaults(key_bytes),
            idle: Default::default(),
            done: Default::default(),
            key_phase: Default::default(),
            column_phase: Default::default(),
            rotate: Default::default(),
            column_key: Default::default(),
            keyed: Default::default(),
            column_out: Default::default(),
            rounds: Constant::new(Bits::<4>::from(LiteralType::from(rounds as u64))),
            last_count: Constant::new(Bits::<8>::from(LiteralType::from(Self::latency(key_bytes) as u64))),
            aes256: Constant::new(key_bytes == 32),
            first_backward_rcon: Constant::new(Bits::<8>::from(LiteralType::from(u64::from(first_backward_rcon)))),
        }
    }

    /// Cycles from a block's `valid_in` to its `valid_out`: `5 Nr + 1`.
    pub fn latency(key_bytes: usize) -> usize {
        5 * (key_bytes / 4 + 6) + 1
    }
}

impl Logic for ColumnAesUnit {
    #[hdl_gen]
    fn update(&mut self) {
        self.count.clock.next = self.clock.val();
        self.phase.clock.next = self.clock.val();
        self.round.clock.next = self.clock.val();
        self.decrypting.clock.next = self.clock.val();
        self.rcon.clock.next = self.clock.val();
        for k in 0..16 {
            self.state[k].clock.next = self.clock.val();
        }
        for k in 0..self.window.len() {
            self.window[k].clock.next = self.clock.val();
        }
        // Cycle counter: 0 idle, 1 to 5 Nr the rounds' phases, then the result is on data_out.
        self.idle.next = self.count.q.val() == 0;
        self.done.next = self.count.q.val() == self.last_count.val();
        self.key_phase.next = !self.idle.val() & !self.done.val() & (self.phase.q.val() == 0);
        self.column_phase.next = !self.idle.val() & !self.done.val() & (self.phase.q.val() != 0);
        // RotWord on every AES-128 step and on odd AES-256 steps (the round number is the
        // step's); the round constant only with RotWord.
        self.rotate.next = !self.aes256.val() | self.round.q.val().get_bit(0);
        // The key step works on the window; the S-boxes take its word in phase 0 (forward),
        // the state's column 0 in the other phases (forward or inverse).
        self.key_step.decrypt.next = self.decrypting.q.val();
        for k in 0..self.window.len() {
            self.key_step.key_in[k].next = self.window[k].q.val();
        }
        if self.rotate.val() {
            self.key_step.rcon.next = self.rcon.q.val();
        } else {
            self.key_step.rcon.next = bits::<8>(0);
        }
        self.sbox.inverse.next = self.decrypting.q.val() & !self.key_phase.val();
        for i in 0..4 {
            if !self.key_phase.val() {
                self.sbox.x[i].next = self.state[i].q.val();
            } else if self.rotate.val() {
                self.sbox.x[i].next = self.key_step.word[(i + 1) % 4].val();
            } else {
                self.sbox.x[i].next = self.key_step.word[i].val();
            }
            self.key_step.substituted[i].next = self.sbox.y[i].val();
        }
        // The column's round key: column `phase - 1` of the round key, which the window holds
        // after phase 0 (its first half; AES-256 decryption its second half, offset `o`).
        for o in (self.window.len() - 16)..(self.window.len() - 15) {
            for r in 0..4 {
                if self.phase.q.val() == 1 {
                    if self.decrypting.q.val() {
                        self.column_key[r].next = self.window[o + r].q.val();
                    } else {
                        self.column_key[r].next = self.window[r].q.val();
                    }
                } else if self.phase.q.val() == 2 {
                    if self.decrypting.q.val() {
                        self.column_key[r].next = self.window[o + 4 + r].q.val();
                    } else {
                        self.column_key[r].next = self.window[4 + r].q.val();
                    }
                } else if self.phase.q.val() == 3 {
                    if self.decrypting.q.val() {
                        self.column_key[r].next = self.window[o + 8 + r].q.val();
                    } else {
                        self.column_key[r].next = self.window[8 + r].q.val();
                    }
                } else if self.decrypting.q.val() {
                    self.column_key[r].next = self.window[o + 12 + r].q.val();
                } else {
                    self.column_key[r].next = self.window[12 + r].q.val();
                }
            }
        }
        // The column. Encrypt: MixColumns(S) ^ key (S ^ key in the final round). Decrypt:
        // InvMixColumns(S ^ key) (S ^ key in the final round). The mixer's other three columns
        // are tied to zero; synthesis removes them.
        self.mix.inverse.next = self.decrypting.q.val();
        for r in 0..4 {
            self.keyed[r].next = self.sbox.y[r].val() ^ self.column_key[r].val();
            if self.decrypting.q.val() {
                self.mix.x[r].next = self.keyed[r].val();
            } else {
                self.mix.x[r].next = self.sbox.y[r].val();
            }
        }
        for k in 4..16 {
            self.mix.x[k].next = bits::<8>(0);
        }
        for r in 0..4 {
            if self.round.q.val() == self.rounds.val() {
                self.column_out[r].next = self.keyed[r].val();
            } else if self.decrypting.q.val() {
                self.column_out[r].next = self.mix.y[r].val();
            } else {
                self.column_out[r].next = self.mix.y[r].val() ^ self.column_key[r].val();
            }
        }
        // Registers: hold unless a block enters or a phase runs.
        self.count.d.next = self.count.q.val();
        self.phase.d.next = self.phase.q.val();
        self.round.d.next = self.round.q.val();
        self.decrypting.d.next = self.decrypting.q.val();
        self.rcon.d.next = self.rcon.q.val();
        for k in 0..16 {
            self.state[k].d.next = self.state[k].q.val();
        }
        for k in 0..self.window.len() {
            self.window[k].d.next = self.window[k].q.val();
        }
        if self.idle.val() & self.valid_in.val() {
            // Load: the first AddRoundKey with the direction's first round key (at offset
            // `o` in the decryption key form), the key, the direction, the first constant.
            self.count.d.next = bits::<8>(1);
            self.phase.d.next = bits::<3>(0);
            self.round.d.next = bits::<4>(1);
            self.decrypting.d.next = self.decrypt_in.val();
            if self.decrypt_in.val() {
                self.rcon.d.next = self.first_backward_rcon.val();
            } else {
                self.rcon.d.next = bits::<8>(1);
            }
            for o in (self.key_in.len() - 16)..(self.key_in.len() - 15) {
                for k in 0..16 {
                    if self.decrypt_in.val() {
                        self.state[k].d.next = self.data_in[k].val() ^ self.key_in[o + k].val();
                    } else {
                        self.state[k].d.next = self.data_in[k].val() ^ self.key_in[k].val();
                    }
                }
            }
            for k in 0..self.window.len() {
                self.window[k].d.next = self.key_in[k].val();
            }
        }
        if self.key_phase.val() {
            self.count.d.next = self.count.q.val() + 1;
            self.phase.d.next = bits::<3>(1);
            for k in 0..self.window.len() {
                self.window[k].d.next = self.key_step.key_out[k].val();
            }
            if self.rotate.val() & !self.decrypting.q.val() {
                // xtime
                self.rcon.d.next = self.rcon.q.val() << 1;
                if self.rcon.q.val().get_bit(7) {
                    self.rcon.d.next = (self.rcon.q.val() << 1) ^ bits::<8>(0x1b);
                }
            }
            if self.rotate.val() & self.decrypting.q.val() {
                // the inverse of xtime
                self.rcon.d.next = self.rcon.q.val() >> 1;
                if self.rcon.q.val().get_bit(0) {
                    self.rcon.d.next = (self.rcon.q.val() >> 1) ^ bits::<8>(0x8d);
                }
            }
            for c in 0..4 {
                for r in 0..4 {
                    if self.decrypting.q.val() {
                        self.state[4 * c + r].d.next = self.state[4 * ((c + 4 - r) % 4) + r].q.val();
                    } else {
                        self.state[4 * c + r].d.next = self.state[4 * ((c + r) % 4) + r].q.val();
                    }
                }
            }
        }
        if self.column_phase.val() {
            self.count.d.next = self.count.q.val() + 1;
            self.phase.d.next = self.phase.q.val() + 1;
            if self.phase.q.val() == 4 {
                self.phase.d.next = bits::<3>(0);
                self.round.d.next = self.round.q.val() + 1;
            }
            for k in 0..12 {
                self.state[k].d.next = self.state[k + 4].q.val();
            }
            for r in 0..4 {
                self.state[12 + r].d.next = self.column_out[r].val();
            }
        }
        if self.done.val() {
            self.count.d.next = bits::<8>(0);
        }
        if self.reset.val() {
            self.count.d.next = bits::<8>(0);
            self.phase.d.next = bits::<3>(0);
            self.round.d.next = bits::<4>(0);
            self.decrypting.d.next = false;
            self.rcon.d.next = bits::<8>(0);
            for k in 0..16 {
                self.state[k].d.next = bits::<8>(0);
            }
            for k in 0..self.window.len() {
                self.window[k].d.next = bits::<8>(0);
            }
        }
        // Outputs.
        self.ready.next = self.idle.val();
        self.ready_next.next = self.idle.val() | self.done.val();
        self.valid_out.next = self.done.val();
        for k in 0..16 {
            self.data_out[k].next = self.state[k].q.val();
        }
    }
}
