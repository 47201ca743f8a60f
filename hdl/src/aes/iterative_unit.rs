//! `IterativeAesUnit`: AES-128/256 encryption *and* decryption through one [`AesRound`], a
//! block at a time, the direction chosen per block by `decrypt_in`.
//!
//! The smallest AES unit mee builds: one round's logic for both ciphers, the state and key
//! window in registers, a round counter and a round-constant register (doubled after each
//! forward RotWord step, halved after each backward one, so no schedule table is needed).
//!
//! Timing, as the encryption-only iterative [`crate::aes::pipeline::AesPipeline`]: a block
//! enters in a cycle where `valid_in` and `ready` are 1; its first round runs in that cycle
//! (while idle the round works on the input ports, so `valid_in` only enables the registers);
//! it leaves on `valid_out`/`data_out` `Nr` cycles later (10 or 14); the unit is `ready` again
//! in the cycle after that, so it takes a block every `Nr + 1` cycles.
//!
//! Ports (byte arrays in FIPS-197 byte order):
//! - in: `valid_in`, `decrypt_in` (1 = decrypt this block), `data_in[16]`, `key_in[16|32]`:
//!   the cipher key to encrypt, the *decryption key form* (the last `Nk` words of the expanded
//!   key) to decrypt;
//! - out: `valid_out`, `data_out[16]` (the state register: the result while `valid_out` is 1),
//!   `ready` (a block may enter this cycle), `ready_next` (a block may enter next cycle if none
//!   enters in this one). A block offered while `ready` is 0 is ignored.
//!
//! Every register clears on a synchronous `reset`.

use crate::aes::round::AesRound;
use crate::aes::sbox::SboxStyle;
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct IterativeAesUnit {
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
    round: AesRound,
    count: DFF<Bits<8>>,
    decrypting: DFF<Bit>,
    rcon: DFF<Bits<8>>,
    state: [DFF<Bits<8>>; 16],
    window: Vec<DFF<Bits<8>>>,
    idle: Signal<Local, Bit>,
    advance: Signal<Local, Bit>,
    step: Signal<Local, Bits<8>>,
    direction: Signal<Local, Bit>,
    rotate: Signal<Local, Bit>,
    rcon_now: Signal<Local, Bits<8>>,
    rounds: Constant<Bits<8>>,
    aes256: Constant<Bit>,
    first_backward_rcon: Constant<Bits<8>>,
}

impl IterativeAesUnit {
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
            round: AesRound::new(key_bytes, style),
            count: Default::default(),
            decrypting: Default::default(),
            rcon: Default::default(),
            state: Default::default(),
            window: defaults(key_bytes),
            idle: Default::default(),
            advance: Default::default(),
            step: Default::default(),
            direction: Default::default(),
            rotate: Default::default(),
            rcon_now: Default::default(),
            rounds: Constant::new(Bits::<8>::from(LiteralType::from(rounds as u64))),
            aes256: Constant::new(key_bytes == 32),
            first_backward_rcon: Constant::new(Bits::<8>::from(LiteralType::from(u64::from(first_backward_rcon)))),
        }
    }

    /// Cycles from a block's `valid_in` to its `valid_out`: `Nr`.
    pub fn latency(key_bytes: usize) -> usize {
        key_bytes / 4 + 6
    }
}

impl Logic for IterativeAesUnit {
    #[hdl_gen]
    fn update(&mut self) {
        self.count.clock.next = self.clock.val();
        self.decrypting.clock.next = self.clock.val();
        self.rcon.clock.next = self.clock.val();
        for k in 0..16 {
            self.state[k].clock.next = self.clock.val();
        }
        for k in 0..self.window.len() {
            self.window[k].clock.next = self.clock.val();
        }
        // Round counter: 0 idle, 1..Nr-1 working, Nr the result is on data_out.
        self.idle.next = self.count.q.val() == 0;
        self.advance.next = (self.valid_in.val() & self.idle.val())
            | (!self.idle.val() & (self.count.q.val() != self.rounds.val()));
        self.step.next = bits::<8>(1);
        if !self.idle.val() & (self.count.q.val() != self.rounds.val()) {
            self.step.next = self.count.q.val() + 1;
        }
        // Schedule: RotWord on every AES-128 step and on odd AES-256 steps, both ways; the
        // round constant only with RotWord.
        self.direction.next = self.decrypting.q.val();
        self.rcon_now.next = self.rcon.q.val();
        if self.idle.val() {
            self.direction.next = self.decrypt_in.val();
            self.rcon_now.next = bits::<8>(1);
            if self.decrypt_in.val() {
                self.rcon_now.next = self.first_backward_rcon.val();
            }
        }
        self.rotate.next = !self.aes256.val() | self.step.val().get_bit(0);
        self.round.decrypt.next = self.direction.val();
        self.round.schedule_rotate.next = self.rotate.val();
        self.round.schedule_final.next = self.step.val() == self.rounds.val();
        if self.rotate.val() {
            self.round.schedule_rcon.next = self.rcon_now.val();
        } else {
            self.round.schedule_rcon.next = bits::<8>(0);
        }
        // The round's inputs: the ports (with the first AddRoundKey: the first round key of
        // the direction, at offset `o` for decryption) while idle, else the registers. Each is
        // assigned once, in exclusive branches (see AesRound).
        for o in (self.key_in.len() - 16)..(self.key_in.len() - 15) {
            for k in 0..16 {
                if !self.idle.val() {
                    self.round.state_in[k].next = self.state[k].q.val();
                } else if self.decrypt_in.val() {
                    self.round.state_in[k].next = self.data_in[k].val() ^ self.key_in[o + k].val();
                } else {
                    self.round.state_in[k].next = self.data_in[k].val() ^ self.key_in[k].val();
                }
            }
        }
        for k in 0..self.key_in.len() {
            if self.idle.val() {
                self.round.key_in[k].next = self.key_in[k].val();
            } else {
                self.round.key_in[k].next = self.window[k].q.val();
            }
        }
        // Registers.
        self.count.d.next = bits::<8>(0);
        self.decrypting.d.next = self.decrypting.q.val();
        self.rcon.d.next = self.rcon.q.val();
        for k in 0..16 {
            self.state[k].d.next = self.state[k].q.val();
        }
        for k in 0..self.window.len() {
            self.window[k].d.next = self.window[k].q.val();
        }
        if self.advance.val() {
            self.count.d.next = self.count.q.val() + 1;
            self.decrypting.d.next = self.direction.val();
            self.rcon.d.next = self.rcon_now.val();
            if self.rotate.val() & !self.direction.val() {
                // xtime
                self.rcon.d.next = self.rcon_now.val() << 1;
                if self.rcon_now.val().get_bit(7) {
                    self.rcon.d.next = (self.rcon_now.val() << 1) ^ bits::<8>(0x1b);
                }
            }
            if self.rotate.val() & self.direction.val() {
                // the inverse of xtime
                self.rcon.d.next = self.rcon_now.val() >> 1;
                if self.rcon_now.val().get_bit(0) {
                    self.rcon.d.next = (self.rcon_now.val() >> 1) ^ bits::<8>(0x8d);
                }
            }
            for k in 0..16 {
                self.state[k].d.next = self.round.state_out[k].val();
            }
            for k in 0..self.window.len() {
                self.window[k].d.next = self.round.key_out[k].val();
            }
        }
        if self.reset.val() {
            self.count.d.next = bits::<8>(0);
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
        self.ready_next.next = self.idle.val() | (self.count.q.val() == self.rounds.val());
        self.valid_out.next = self.count.q.val() == self.rounds.val();
        for k in 0..16 {
            self.data_out[k].next = self.state[k].q.val();
        }
    }
}
