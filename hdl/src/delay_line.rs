//! `ByteDelayLine`: a valid bit and `width` bytes delayed by `depth` clock cycles (registers
//! cleared by a synchronous `reset`). With `depth` 0 it is a wire.
//!
//! Ports: `valid_in`, `data_in[width]` (in); `valid_out`, `data_out[width]` (out), equal to the
//! inputs `depth` cycles earlier.

use rust_hdl::prelude::*;

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
    valid_stages: Vec<DFF<Bit>>,
    data_stages: Vec<DFF<Bits<8>>>,
}

impl ByteDelayLine {
    /// `width` bytes delayed by `depth` cycles.
    pub fn new(width: usize, depth: usize) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            data_in: (0..width).map(|_| Default::default()).collect(),
            valid_out: Default::default(),
            data_out: (0..width).map(|_| Default::default()).collect(),
            valid_stages: (0..depth).map(|_| Default::default()).collect(),
            data_stages: (0..depth * width).map(|_| Default::default()).collect(),
        }
    }

    fn width(&self) -> usize {
        self.data_in.len()
    }

    /// Index of the first byte of the last stage (meaningful for depth > 0).
    fn last_stage_start(&self) -> usize {
        self.data_stages.len().saturating_sub(self.width())
    }

    /// 1 when there is at least one stage, else 0 (the bound of one-iteration loops).
    fn has_stages(&self) -> usize {
        self.valid_stages.len().min(1)
    }
}

impl Logic for ByteDelayLine {
    // rust-hdl exports index expressions only in loop variables and literals, so the width
    // enters indices as the loop variable `w` of a one-iteration loop.
    #[hdl_gen]
    fn update(&mut self) {
        self.valid_out.next = self.valid_in.val();
        for k in 0..self.data_in.len() {
            self.data_out[k].next = self.data_in[k].val();
        }
        for s in 0..self.valid_stages.len() {
            self.valid_stages[s].clock.next = self.clock.val();
            self.valid_out.next = self.valid_stages[s].q.val();
        }
        for i in 0..self.data_stages.len() {
            self.data_stages[i].clock.next = self.clock.val();
        }
        for s in 0..self.has_stages() {
            self.valid_stages[s].d.next = self.valid_in.val() & !self.reset.val();
            for k in 0..self.data_in.len() {
                self.data_stages[k].d.next = self.data_in[k].val();
                if self.reset.val() {
                    self.data_stages[k].d.next = bits::<8>(0);
                }
            }
        }
        for s in 1..self.valid_stages.len() {
            self.valid_stages[s].d.next = self.valid_stages[s - 1].q.val() & !self.reset.val();
        }
        for w in self.width()..(self.width() + 1) {
            for i in self.width()..self.data_stages.len() {
                self.data_stages[i].d.next = self.data_stages[i - w].q.val();
                if self.reset.val() {
                    self.data_stages[i].d.next = bits::<8>(0);
                }
            }
        }
        for w in self.last_stage_start()..(self.last_stage_start() + self.has_stages()) {
            for k in 0..self.data_in.len() {
                self.data_out[k].next = self.data_stages[w + k].q.val();
            }
        }
    }
}
