//! `AesPipeline`: a fully pipelined AES-128/256 encryption or decryption unit, one block per
//! clock, with the key travelling beside the data so that every block may use a different key.
//!
//! Built from config at construction time: `Nr` rounds ([`EncryptRound`] or [`DecryptRound`])
//! with pipeline registers placed per [`RoundRegisters`]:
//!
//! | `round_registers` | latency (AES-128 / AES-256) |
//! | --- | --- |
//! | `per_half_round` | 20 / 28 |
//! | `per_round` | 10 / 14 |
//! | `per_two_rounds` | 5 / 7 |
//!
//! Ports (all byte arrays in FIPS-197 byte order):
//! - `valid_in`, `data_in[16]`, `key_in[Nk*4]`: a block enters in a cycle where `valid_in` is 1.
//!   Encryption takes the cipher key; decryption takes the *decryption key form* (the last
//!   `Nk` words of the expanded key, see [`crate::key_schedule`]).
//! - `valid_out`, `data_out[16]`: the block leaves exactly [`AesPipeline::latency`] cycles later.
//!   There is no backpressure: the pipeline always advances.
//!
//! The pipeline itself is wiring (round to round, and the initial AddRoundKey); it is written
//! as a custom-Verilog module because rust-hdl's `#[hdl_gen]` cannot export two-level indexing
//! (`rounds[r].x[k]`). Its Rust model and its Verilog are generated from the same loops.

use crate::aes_decrypt_round::DecryptRound;
use crate::aes_encrypt_round::EncryptRound;
use crate::sbox::SboxStyle;
pub use mee_reference::RoundRegisters;
use crate::defaults;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// Direction of an AES pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The forward cipher.
    Encrypt,
    /// The inverse cipher.
    Decrypt,
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct AesPipeline {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset: clears every pipeline register.
    pub reset: Signal<In, Bit>,
    /// A block enters this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The input block.
    pub data_in: [Signal<In, Bits<8>>; 16],
    /// The key (encryption) or decryption key form (decryption), 16 or 32 bytes.
    pub key_in: Vec<Signal<In, Bits<8>>>,
    /// A block leaves this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The output block.
    pub data_out: [Signal<Out, Bits<8>>; 16],
    encrypt_rounds: Vec<EncryptRound>,
    decrypt_rounds: Vec<DecryptRound>,
}

/// The ports a round shares with its neighbours.
trait RoundPorts {
    fn clock(&mut self) -> &mut Signal<In, Clock>;
    fn reset(&mut self) -> &mut Signal<In, Bit>;
    fn valid_in(&mut self) -> &mut Signal<In, Bit>;
    fn state_in(&mut self) -> &mut [Signal<In, Bits<8>>];
    fn key_in(&mut self) -> &mut [Signal<In, Bits<8>>];
    fn valid_out(&self) -> &Signal<Out, Bit>;
    fn state_out(&self) -> &[Signal<Out, Bits<8>>];
    fn key_out(&self) -> &[Signal<Out, Bits<8>>];
}

macro_rules! round_ports {
    ($t:ty) => {
        impl RoundPorts for $t {
            fn clock(&mut self) -> &mut Signal<In, Clock> {
                &mut self.clock
            }
            fn reset(&mut self) -> &mut Signal<In, Bit> {
                &mut self.reset
            }
            fn valid_in(&mut self) -> &mut Signal<In, Bit> {
                &mut self.valid_in
            }
            fn state_in(&mut self) -> &mut [Signal<In, Bits<8>>] {
                &mut self.state_in
            }
            fn key_in(&mut self) -> &mut [Signal<In, Bits<8>>] {
                &mut self.key_in
            }
            fn valid_out(&self) -> &Signal<Out, Bit> {
                &self.valid_out
            }
            fn state_out(&self) -> &[Signal<Out, Bits<8>>] {
                &self.state_out
            }
            fn key_out(&self) -> &[Signal<Out, Bits<8>>] {
                &self.key_out
            }
        }
    };
}
round_ports!(EncryptRound);
round_ports!(DecryptRound);

/// Which registers round `index` (0-based position in the pipeline) gets.
fn round_registers(placement: RoundRegisters, index: usize) -> (bool, bool) {
    match placement {
        RoundRegisters::PerHalfRound => (true, true),
        RoundRegisters::PerRound => (false, true),
        RoundRegisters::PerTwoRounds => (false, index % 2 == 1),
    }
}

impl AesPipeline {
    /// A pipeline for `key_bytes` (16 or 32) keys.
    pub fn new(direction: Direction, key_bytes: usize, placement: RoundRegisters, style: SboxStyle) -> Self {
        let rounds = key_bytes / 4 + 6;
        let mut encrypt_rounds = Vec::new();
        let mut decrypt_rounds = Vec::new();
        for index in 0..rounds {
            let (mid, out) = round_registers(placement, index);
            match direction {
                Direction::Encrypt => encrypt_rounds.push(EncryptRound::new(key_bytes, index + 1, style, mid, out)),
                Direction::Decrypt => {
                    decrypt_rounds.push(DecryptRound::new(key_bytes, rounds - index, style, mid, out))
                }
            }
        }
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            data_in: Default::default(),
            key_in: defaults(key_bytes),
            valid_out: Default::default(),
            data_out: Default::default(),
            encrypt_rounds,
            decrypt_rounds,
        }
    }

    /// Cycles from a block's `valid_in` to its `valid_out`.
    pub fn latency(key_bytes: usize, placement: RoundRegisters) -> usize {
        let rounds = key_bytes / 4 + 6;
        (0..rounds)
            .map(|i| {
                let (mid, out) = round_registers(placement, i);
                usize::from(mid) + usize::from(out)
            })
            .sum()
    }

    fn is_decrypt(&self) -> bool {
        !self.decrypt_rounds.is_empty()
    }

    /// Offset in `key_in` of the first round key used before round 1.
    fn initial_key_offset(&self) -> usize {
        if self.is_decrypt() {
            self.key_in.len() - 16
        } else {
            0
        }
    }

    fn rounds_name(&self) -> &'static str {
        if self.is_decrypt() {
            "decrypt_rounds"
        } else {
            "encrypt_rounds"
        }
    }

    /// The body of the pipeline's Verilog module: the same wiring as the Rust model.
    pub fn verilog_text(&self) -> String {
        let n = self.encrypt_rounds.len() + self.decrypt_rounds.len();
        let name = self.rounds_name();
        let offset = self.initial_key_offset();
        let mut v = String::from("always @(*) begin\n");
        for r in 0..n {
            let _ = writeln!(v, "    {name}${r}$clock = clock;\n    {name}${r}$reset = reset;");
            if r == 0 {
                let _ = writeln!(v, "    {name}$0$valid_in = valid_in;");
                for k in 0..16 {
                    let _ = writeln!(v, "    {name}$0$state_in${k} = data_in${k} ^ key_in${};", k + offset);
                }
                for k in 0..self.key_in.len() {
                    let _ = writeln!(v, "    {name}$0$key_in${k} = key_in${k};");
                }
            } else {
                let p = r - 1;
                let _ = writeln!(v, "    {name}${r}$valid_in = {name}${p}$valid_out;");
                for k in 0..16 {
                    let _ = writeln!(v, "    {name}${r}$state_in${k} = {name}${p}$state_out${k};");
                }
                for k in 0..self.key_in.len() {
                    let _ = writeln!(v, "    {name}${r}$key_in${k} = {name}${p}$key_out${k};");
                }
            }
        }
        let last = n - 1;
        let _ = writeln!(v, "    valid_out = {name}${last}$valid_out;");
        for k in 0..16 {
            let _ = writeln!(v, "    data_out${k} = {name}${last}$state_out${k};");
        }
        v.push_str("end\n");
        v
    }

    fn wire<R: RoundPorts>(
        rounds: &mut [R],
        clock: Clock,
        reset: bool,
        valid_in: bool,
        data_in: &[Signal<In, Bits<8>>; 16],
        key_in: &[Signal<In, Bits<8>>],
        offset: usize,
        valid_out: &mut Signal<Out, Bit>,
        data_out: &mut [Signal<Out, Bits<8>>; 16],
    ) {
        for r in 0..rounds.len() {
            let (before, rest) = rounds.split_at_mut(r);
            let round = &mut rest[0];
            round.clock().next = clock;
            round.reset().next = reset;
            if let Some(previous) = before.last() {
                round.valid_in().next = previous.valid_out().val();
                for (dst, src) in round.state_in().iter_mut().zip(previous.state_out()) {
                    dst.next = src.val();
                }
                for (dst, src) in round.key_in().iter_mut().zip(previous.key_out()) {
                    dst.next = src.val();
                }
            } else {
                round.valid_in().next = valid_in;
                for (k, dst) in round.state_in().iter_mut().enumerate() {
                    dst.next = data_in[k].val() ^ key_in[k + offset].val();
                }
                for (dst, src) in round.key_in().iter_mut().zip(key_in) {
                    dst.next = src.val();
                }
            }
        }
        if let Some(last) = rounds.last() {
            valid_out.next = last.valid_out().val();
            for (dst, src) in data_out.iter_mut().zip(last.state_out()) {
                dst.next = src.val();
            }
        }
    }
}

impl Logic for AesPipeline {
    fn update(&mut self) {
        let offset = self.initial_key_offset();
        let (clock, reset, valid) = (self.clock.val(), self.reset.val(), self.valid_in.val());
        if self.is_decrypt() {
            Self::wire(&mut self.decrypt_rounds, clock, reset, valid, &self.data_in, &self.key_in, offset, &mut self.valid_out, &mut self.data_out);
        } else {
            Self::wire(&mut self.encrypt_rounds, clock, reset, valid, &self.data_in, &self.key_in, offset, &mut self.valid_out, &mut self.data_out);
        }
    }

    fn connect(&mut self) {
        self.valid_out.connect();
        for d in &mut self.data_out {
            d.connect();
        }
        for r in &mut self.encrypt_rounds {
            r.clock.connect();
            r.reset.connect();
            r.valid_in.connect();
            r.state_in.iter_mut().for_each(|s| s.connect());
            r.key_in.iter_mut().for_each(|s| s.connect());
        }
        for r in &mut self.decrypt_rounds {
            r.clock.connect();
            r.reset.connect();
            r.valid_in.connect();
            r.state_in.iter_mut().for_each(|s| s.connect());
            r.key_in.iter_mut().for_each(|s| s.connect());
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
