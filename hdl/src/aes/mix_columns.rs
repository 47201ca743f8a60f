//! `MixColumns`: the AES MixColumns (or InvMixColumns) transform of a 16-byte state.
//! Purely combinational: latency 0, `y` follows `x` in the same cycle.
//!
//! A leaf primitive: its simulation model is byte arithmetic in Rust and its Verilog is XORs of
//! `xtime` (a shift and a conditional 0x1b), written by [`MixColumns::verilog_text`]. The
//! testbench checks the Verilog against the Rust model with Icarus Verilog.
//!
//! Ports: `x[k]` (in) and `y[k]` (out), byte k of the state in FIPS-197 order (column
//! `k / 4`, row `k % 4`).

use crate::aes::gf;
use crate::primitives::model_state::ModelState;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct MixColumns {
    /// The state, 16 bytes.
    pub x: [Signal<In, Bits<8>>; 16],
    /// MixColumns(x), or InvMixColumns(x) for an inverse unit.
    pub y: [Signal<Out, Bits<8>>; 16],
    /// True for InvMixColumns (Rust model and Verilog writer only).
    inverse_mix: ModelState<bool>,
}

impl MixColumns {
    /// A forward (`inverse = false`) or inverse MixColumns unit.
    pub fn new(inverse: bool) -> Self {
        Self {
            x: Default::default(),
            y: Default::default(),
            inverse_mix: ModelState(inverse),
        }
    }

    fn coefficients(&self) -> [u8; 4] {
        coefficients(self.inverse_mix.0)
    }

    /// The body of the unit's Verilog module.
    pub fn verilog_text(&self) -> String {
        let mut v = String::from(
            "function [7:0] xtime(input [7:0] a);\n    xtime = {a[6:0], 1'b0} ^ (8'h1b & {8{a[7]}});\nendfunction\n",
        );
        // Multiples 1, 2, 4, 8 of every input byte.
        for k in 0..16 {
            let _ = writeln!(v, "wire [7:0] times2${k} = xtime(x${k});");
            // The forward coefficients {02, 03, 01, 01} need no 4x or 8x multiples.
            if self.inverse_mix.0 {
                let _ = writeln!(v, "wire [7:0] times4${k} = xtime(times2${k});");
                let _ = writeln!(v, "wire [7:0] times8${k} = xtime(times4${k});");
            }
        }
        let term = |coefficient: u8, k: usize| -> Vec<String> {
            let names = [format!("x${k}"), format!("times2${k}"), format!("times4${k}"), format!("times8${k}")];
            (0..4).filter(|b| (coefficient >> b) & 1 == 1).map(|b| names[b].clone()).collect()
        };
        let c = self.coefficients();
        v.push_str("always @(*) begin\n");
        for column in 0..4 {
            for row in 0..4 {
                let mut terms = Vec::new();
                for i in 0..4 {
                    terms.extend(term(c[(4 + i - row) % 4], 4 * column + i));
                }
                let _ = writeln!(v, "    y${} = {};", 4 * column + row, terms.join(" ^ "));
            }
        }
        v.push_str("end\n");
        v
    }
}

/// The coefficients of output row 0: {02,03,01,01} (MixColumns) or {0e,0b,0d,09} (inverse).
fn coefficients(inverse: bool) -> [u8; 4] {
    if inverse {
        [0x0e, 0x0b, 0x0d, 0x09]
    } else {
        [0x02, 0x03, 0x01, 0x01]
    }
}

/// (Inv)MixColumns of a 16-byte state (FIPS-197 byte order) by GF(2^8) arithmetic.
pub fn mix_columns_bytes(a: &[u8; 16], inverse: bool) -> [u8; 16] {
    let c = coefficients(inverse);
    core::array::from_fn(|k| {
        let (column, row) = (k / 4, k % 4);
        (0..4).fold(0u8, |acc, i| acc ^ gf::mul_table(c[(4 + i - row) % 4])[a[4 * column + i] as usize])
    })
}

/// The Rust model of both units: `y` = (Inv)MixColumns(`x`).
fn mix_model(x: &[Signal<In, Bits<8>>; 16], y: &mut [Signal<Out, Bits<8>>; 16], inverse: bool) {
    let a: [u8; 16] = core::array::from_fn(|k| x[k].val().to_u8());
    for (dst, out) in y.iter_mut().zip(mix_columns_bytes(&a, inverse)) {
        dst.next = Bits::<8>::from(LiteralType::from(out));
    }
}

impl Logic for MixColumns {
    fn update(&mut self) {
        mix_model(&self.x, &mut self.y, self.inverse_mix.0);
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

/// MixColumns or InvMixColumns, chosen every cycle by the `inverse` port, for a round unit
/// that both encrypts and decrypts. Purely combinational: latency 0.
///
/// InvMixColumns is MixColumns after a cheap linear step (FIPS-197's inverse matrix factors as
/// the forward matrix times `[05 00 04 00]` circulant): row `i` of a column becomes
/// `a_i ^ 04·(a_i ^ a_{i+2})`. So one MixColumns does both, behind that step and a multiplexer.
///
/// Ports: `inverse` (in, 1 = InvMixColumns), `x[k]` (in), `y[k]` (out), state byte order as in
/// [`MixColumns`].
#[derive(LogicBlock)]
pub struct ReversibleMixColumns {
    /// 1: InvMixColumns; 0: MixColumns.
    pub inverse: Signal<In, Bit>,
    /// The state, 16 bytes.
    pub x: [Signal<In, Bits<8>>; 16],
    /// MixColumns(x) or InvMixColumns(x).
    pub y: [Signal<Out, Bits<8>>; 16],
}

impl ReversibleMixColumns {
    /// A reversible MixColumns unit.
    pub fn new() -> Self {
        Self { inverse: Default::default(), x: Default::default(), y: Default::default() }
    }

    /// The body of the unit's Verilog module.
    pub fn verilog_text(&self) -> String {
        let mut v = String::from(
            "function [7:0] xtime(input [7:0] a);\n    xtime = {a[6:0], 1'b0} ^ (8'h1b & {8{a[7]}});\nendfunction\n",
        );
        for k in 0..16 {
            let _ = writeln!(v, "wire [7:0] prepared${k} = inverse ? (x${k} ^ xtime(xtime(x${k} ^ x${}))) : x${k};", 4 * (k / 4) + (k % 4 + 2) % 4);
        }
        for k in 0..16 {
            let _ = writeln!(v, "wire [7:0] times2${k} = xtime(prepared${k});");
        }
        v.push_str("always @(*) begin\n");
        for column in 0..4 {
            for row in 0..4 {
                // Row r of MixColumns: 02·a_r ^ 03·a_{r+1} ^ a_{r+2} ^ a_{r+3}.
                let at = |offset: usize| 4 * column + (row + offset) % 4;
                let _ = writeln!(
                    v,
                    "    y${} = times2${} ^ times2${} ^ prepared${} ^ prepared${} ^ prepared${};",
                    4 * column + row,
                    at(0),
                    at(1),
                    at(1),
                    at(2),
                    at(3)
                );
            }
        }
        v.push_str("end\n");
        v
    }
}

impl Default for ReversibleMixColumns {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for ReversibleMixColumns {
    fn update(&mut self) {
        mix_model(&self.x, &mut self.y, self.inverse.val());
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
