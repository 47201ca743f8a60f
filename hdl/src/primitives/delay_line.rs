//! `ByteDelayLine`: a valid bit and `width` bytes delayed by `depth` clock cycles (registers
//! cleared by a synchronous `reset`). With `depth` 0 it is a wire.
//!
//! A leaf primitive: its simulation model is a Rust queue of `depth` stages (one block however
//! many bytes it carries, which keeps wide sidebands cheap to simulate) and its Verilog, one
//! register per stage, is written by [`ByteDelayLine::verilog_text`]; the testbench checks one
//! against the other under Icarus Verilog.
//!
//! Ports: `valid_in`, `data_in[width]` (in); `valid_out`, `data_out[width]` (out), equal to the
//! inputs `depth` cycles earlier (zero in the `depth` cycles after a reset).
//!
//! [`ByteDelayLine::holding`] builds the cheap form for a stream with at most one item in
//! flight (items at least `depth` cycles apart, as beside an iterative AES unit): the valid
//! bit still runs through `depth` registers, but the bytes sit in one register loaded when
//! `valid_in` is high. `data_out` then equals the delayed input whenever `valid_out` is high.

use crate::primitives::model_state::ModelState;
use crate::defaults;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write;

/// The stages, for the Rust model: oldest first, each the valid bit and the bytes.
#[derive(Clone, Debug, Default)]
pub struct DelayModel {
    stages: VecDeque<(bool, Vec<u8>)>,
    /// The holding form: the bytes of the last valid input (the stages carry no bytes).
    held: Option<Vec<u8>>,
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct ByteDelayLine {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Valid bit in.
    pub valid_in: Signal<In, Bit>,
    /// Bytes in.
    pub data_in: Vec<Signal<In, Bits<8>>>,
    /// Valid bit, `depth` cycles later.
    pub valid_out: Signal<Out, Bit>,
    /// Bytes, `depth` cycles later.
    pub data_out: Vec<Signal<Out, Bits<8>>>,
    model: ModelState<DelayModel>,
}

impl ByteDelayLine {
    /// `width` bytes delayed by `depth` cycles.
    pub fn new(width: usize, depth: usize) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            data_in: defaults(width),
            valid_out: Default::default(),
            data_out: defaults(width),
            model: ModelState(DelayModel { stages: (0..depth).map(|_| (false, vec![0; width])).collect(), held: None }),
        }
    }

    /// `width` bytes delayed by `depth` (at least 1) cycles, for items at least `depth`
    /// cycles apart: one data register instead of `depth`.
    pub fn holding(width: usize, depth: usize) -> Self {
        let mut line = Self::new(width, depth.max(1));
        line.model.0.stages.iter_mut().for_each(|s| s.1.clear());
        line.model.0.held = Some(vec![0; width]);
        line
    }

    /// Cycles of delay.
    pub fn depth(&self) -> usize {
        self.model.0.stages.len()
    }

    /// The body of the holding form's Verilog module.
    fn holding_verilog_text(&self) -> String {
        let width = self.data_in.len();
        let depth = self.depth();
        let packed: Vec<String> = (0..width).rev().map(|k| format!("data_in${k}")).collect();
        let mut v = format!("wire [{}:0] bytes_in = {{{}}};\n", 8 * width - 1, packed.join(", "));
        let _ = writeln!(v, "reg [{}:0] valid_stages;\nreg [{}:0] held;\ninitial valid_stages = 0;\ninitial held = 0;", depth - 1, 8 * width - 1);
        let shift = if depth == 1 { "valid_in".to_string() } else { format!("{{valid_stages[{}:0], valid_in}}", depth - 2) };
        let _ = writeln!(
            v,
            "always @(posedge clock) begin\n    if (reset) begin\n        valid_stages <= 0;\n        held <= 0;\n    end else begin\n        valid_stages <= {shift};\n        if (valid_in)\n            held <= bytes_in;\n    end\nend"
        );
        let _ = writeln!(v, "always @(*) begin\n    valid_out = valid_stages[{}];", depth - 1);
        for k in 0..width {
            let _ = writeln!(v, "    data_out${k} = held[{}:{}];", 8 * k + 7, 8 * k);
        }
        v.push_str("end\n");
        v
    }

    /// The body of the delay line's Verilog module.
    pub fn verilog_text(&self) -> String {
        if self.model.0.held.is_some() {
            return self.holding_verilog_text();
        }
        let width = self.data_in.len();
        let bits = 8 * width + 1;
        let depth = self.depth();
        let mut packed: Vec<String> = (0..width).rev().map(|k| format!("data_in${k}")).collect();
        packed.push("valid_in".to_string());
        let mut v = format!("wire [{}:0] stage_in = {{{}}};\n", bits - 1, packed.join(", "));
        let last = if depth == 0 {
            "stage_in".to_string()
        } else {
            for s in 0..depth {
                let _ = writeln!(v, "reg [{}:0] stage${s};\ninitial stage${s} = 0;", bits - 1);
            }
            v.push_str("always @(posedge clock) begin\n    if (reset) begin\n");
            for s in 0..depth {
                let _ = writeln!(v, "        stage${s} <= 0;");
            }
            v.push_str("    end else begin\n        stage$0 <= stage_in;\n");
            for s in 1..depth {
                let _ = writeln!(v, "        stage${s} <= stage${};", s - 1);
            }
            v.push_str("    end\nend\n");
            format!("stage${}", depth - 1)
        };
        let _ = writeln!(v, "always @(*) begin\n    valid_out = {last}[0];");
        for k in 0..width {
            let _ = writeln!(v, "    data_out${k} = {last}[{}:{}];", 8 * k + 8, 8 * k + 1);
        }
        v.push_str("end\n");
        v
    }
}

impl Logic for ByteDelayLine {
    fn update(&mut self) {
        let stages = &mut self.model.0.stages;
        if stages.is_empty() {
            self.valid_out.next = self.valid_in.val();
            for (out, input) in self.data_out.iter_mut().zip(&self.data_in) {
                out.next = input.val();
            }
            return;
        }
        if !self.clock.pos_edge() {
            return;
        }
        if let Some(held) = &mut self.model.0.held {
            if self.reset.val() {
                stages.iter_mut().for_each(|s| s.0 = false);
                held.fill(0);
            } else {
                stages.pop_front();
                stages.push_back((self.valid_in.val(), Vec::new()));
                if self.valid_in.val() {
                    held.clear();
                    held.extend(self.data_in.iter().map(|b| b.val().to_u8()));
                }
            }
            self.valid_out.next = stages.front().is_some_and(|s| s.0);
            for (out, byte) in self.data_out.iter_mut().zip(held.iter()) {
                out.next = Bits::<8>::from(LiteralType::from(*byte));
            }
            return;
        }
        if self.reset.val() {
            for (valid, bytes) in stages.iter_mut() {
                *valid = false;
                bytes.fill(0);
            }
        } else {
            let mut recycled = stages.pop_front().map(|(_, b)| b).unwrap_or_default();
            recycled.clear();
            recycled.extend(self.data_in.iter().map(|b| b.val().to_u8()));
            stages.push_back((self.valid_in.val(), recycled));
        }
        if let Some((valid, bytes)) = stages.front() {
            self.valid_out.next = *valid;
            for (out, byte) in self.data_out.iter_mut().zip(bytes) {
                out.next = Bits::<8>::from(LiteralType::from(*byte));
            }
        }
    }

    fn connect(&mut self) {
        self.valid_out.connect();
        for d in &mut self.data_out {
            d.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
