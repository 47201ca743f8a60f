//! A DRAM bus functional model: a sparse 16-byte-block memory behind the engine's DRAM
//! channels, with a fixed read latency and random or bursty backpressure.
//!
//! Requests are handled in order when accepted: a write updates the memory at once (posted),
//! a read captures the memory's data and becomes due `latency` cycles later. Read data leaves
//! in request order on the response channel, held until the engine takes it. A reset of the
//! system drops the reads in flight; the memory keeps its contents.

use rand::rngs::StdRng;
use rand::Rng;
use std::collections::{BTreeMap, VecDeque};

/// How the DRAM model behaves.
#[derive(Clone, Debug)]
pub struct DramTiming {
    /// Cycles from an accepted read to its data.
    pub latency: u64,
    /// Probability that `dram_req_ready` is low in a cycle.
    pub stall: f64,
    /// Probability per cycle that a stall burst (ready low for 5 to 40 cycles) starts.
    pub burst: f64,
    /// Probability that due read data is held back one more cycle.
    pub response_gap: f64,
}

impl Default for DramTiming {
    fn default() -> Self {
        Self { latency: 20, stall: 0.0, burst: 0.0, response_gap: 0.0 }
    }
}

/// The DRAM model.
pub struct DramModel {
    timing: DramTiming,
    /// Memory contents by byte address (blocks never written read as zero).
    pub memory: BTreeMap<u64, [u8; 16]>,
    reads: VecDeque<(u64, [u8; 16])>,
    burst_left: u32,
    ready_now: bool,
    offer_now: bool,
}

impl DramModel {
    /// An empty memory.
    pub fn new(timing: DramTiming) -> Self {
        Self { timing, memory: BTreeMap::new(), reads: VecDeque::new(), burst_left: 0, ready_now: true, offer_now: false }
    }

    /// Decides this cycle's `dram_req_ready`, `dram_rsp_valid` and `dram_rsp_rdata`.
    pub fn drive(&mut self, cycle: u64, rng: &mut StdRng) -> (bool, bool, [u8; 16]) {
        if self.burst_left > 0 {
            self.burst_left -= 1;
        } else if self.timing.burst > 0.0 && rng.gen_bool(self.timing.burst) {
            self.burst_left = rng.gen_range(5..40);
        }
        self.ready_now = self.burst_left == 0 && !(self.timing.stall > 0.0 && rng.gen_bool(self.timing.stall));
        // Once offered, data stays offered until taken.
        if !self.offer_now {
            self.offer_now = self.reads.front().is_some_and(|(due, _)| *due <= cycle)
                && !(self.timing.response_gap > 0.0 && rng.gen_bool(self.timing.response_gap));
        }
        let data = if self.offer_now { self.reads.front().map(|r| r.1).unwrap_or_default() } else { [0; 16] };
        (self.ready_now, self.offer_now, data)
    }

    /// Applies this cycle's handshakes at the rising edge.
    pub fn edge(&mut self, cycle: u64, request: Option<(bool, u64, [u8; 16])>, response_taken: bool) {
        if response_taken && self.offer_now {
            self.reads.pop_front();
            self.offer_now = false;
        }
        if let Some((write, addr, data)) = request {
            if write {
                self.memory.insert(addr, data);
            } else {
                let value = self.memory.get(&addr).copied().unwrap_or([0; 16]);
                self.reads.push_back((cycle + self.timing.latency, value));
            }
        }
    }

    /// A system reset: reads in flight are dropped.
    pub fn reset(&mut self) {
        self.reads.clear();
        self.offer_now = false;
    }

    /// Reads accepted and not yet answered.
    pub fn reads_in_flight(&self) -> usize {
        self.reads.len()
    }
}
