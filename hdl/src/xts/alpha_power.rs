//! `AlphaPowerMultiplier`: `y = t ⊗ α^j` in GF(2^128) with the IEEE 1619 polynomial
//! x^128 + x^7 + x^2 + x + 1, for `j` below 2^`index_bits`. Purely combinational: latency 0.
//!
//! A leaf primitive: Rust model on `u128`, Verilog written by
//! [`AlphaPowerMultiplier::verilog_text`] as a chain of conditional multiplications by
//! α^(2^b) (one per bit b of `j`; α^128 as two steps of α^64), each a shift and a fold of the
//! bits shifted out. The testbench checks the Verilog against the reference model.
//!
//! Ports: `t[16]` (in, block as a little-endian 128-bit integer, byte k = bits 8k+7..8k),
//! `j` (in, 8 bits; bits at or above `index_bits` are ignored), `y[16]` (out).

use crate::primitives::model_state::ModelState;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct AlphaPowerMultiplier {
    /// The tweak AES-Enc(key2, i), 16 bytes.
    pub t: [Signal<In, Bits<8>>; 16],
    /// The block index j.
    pub j: Signal<In, Bits<8>>,
    /// `t ⊗ α^j`, 16 bytes.
    pub y: [Signal<Out, Bits<8>>; 16],
    /// How many low bits of `j` are used (0 to 8; Rust model and Verilog writer only).
    index_bits: ModelState<usize>,
}

/// The conditional steps: (bit of j, shift), α^128 as two shifts by 64.
fn steps(index_bits: usize) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    for bit in 0..index_bits.min(8) {
        if bit < 7 {
            out.push((bit, 1u32 << bit));
        } else {
            out.push((bit, 64));
            out.push((bit, 64));
        }
    }
    out
}

/// `v ⊗ x^shift` for 1 <= shift <= 64.
fn shift_fold(v: u128, shift: u32) -> u128 {
    let high = v >> (128 - shift);
    (v << shift) ^ high ^ (high << 1) ^ (high << 2) ^ (high << 7)
}

impl AlphaPowerMultiplier {
    /// A multiplier for `j` of `index_bits` bits (0 for 16-byte data units, 8 for 4096).
    pub fn new(index_bits: usize) -> Self {
        Self {
            t: Default::default(),
            j: Default::default(),
            y: Default::default(),
            index_bits: ModelState(index_bits.min(8)),
        }
    }

    fn bits(&self) -> usize {
        self.index_bits.0
    }

    /// The body of the multiplier's Verilog module.
    pub fn verilog_text(&self) -> String {
        let steps = steps(self.bits());
        let mut v = String::new();
        for s in 0..=steps.len() {
            let _ = writeln!(v, "reg [127:0] step{s};");
        }
        v.push_str("always @(*) begin\n");
        let packed: Vec<String> = (0..16).rev().map(|k| format!("t${k}")).collect();
        let _ = writeln!(v, "    step0 = {{{}}};", packed.join(", "));
        for (s, (bit, shift)) in steps.iter().enumerate() {
            let src = format!("step{s}");
            let high = format!("({src} >> {})", 128 - shift);
            let _ = writeln!(
                v,
                "    step{} = j[{bit}] ? (({src} << {shift}) ^ {high} ^ ({high} << 1) ^ ({high} << 2) ^ ({high} << 7)) : {src};",
                s + 1
            );
        }
        let last = steps.len();
        for k in 0..16 {
            let _ = writeln!(v, "    y${k} = step{last}[{}:{}];", 8 * k + 7, 8 * k);
        }
        v.push_str("end\n");
        v
    }
}

impl Logic for AlphaPowerMultiplier {
    fn update(&mut self) {
        let mut bytes = [0u8; 16];
        for (b, t) in bytes.iter_mut().zip(&self.t) {
            *b = t.val().to_u8();
        }
        let j = self.j.val().to_u8();
        let mut v = u128::from_le_bytes(bytes);
        for (bit, shift) in steps(self.bits()) {
            if (j >> bit) & 1 == 1 {
                v = shift_fold(v, shift);
            }
        }
        for (y, b) in self.y.iter_mut().zip(v.to_le_bytes()) {
            y.next = Bits::<8>::from(LiteralType::from(b));
        }
    }

    fn connect(&mut self) {
        for y in &mut self.y {
            y.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
