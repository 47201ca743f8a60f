//! `BurstBeats`: turns one AXI4 burst (start address, length, size, type) into its beats: for
//! each beat, the 16-byte block it falls in and the byte lanes it covers on a 128-bit bus.
//!
//! Addresses follow the AXI4 rules: INCR bursts step from the start address aligned to the
//! beat size, FIXED bursts repeat the start address, WRAP bursts (2, 4, 8 or 16 beats) wrap at
//! the boundary of `size x beats` bytes. The first beat of an unaligned burst covers the lanes
//! from the start address to the end of its size-aligned window; later beats cover whole
//! windows. Sizes above 16 bytes (not allowed on a 128-bit bus) are taken as 16; a WRAP burst
//! of another length (not allowed) runs as INCR. Addresses step within their 4 KiB page, as
//! AXI4 bursts never cross one.
//!
//! Timing: `start_ready` is high while no burst is running, or in the cycle the running burst's
//! last beat leaves (`beat_ready` with `beat_last`), so bursts follow each other without a gap.
//! A burst taken at an edge shows its first beat (`beat_valid`) from the next cycle; each edge
//! with `beat_ready` moves to the next beat. `beat_*` come from registers and a few gates.
//! A synchronous `reset` drops the running burst.

use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock, Default)]
pub struct BurstBeats {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A burst is offered.
    pub start_valid: Signal<In, Bit>,
    /// The burst is taken at this edge (when `start_valid`).
    pub start_ready: Signal<Out, Bit>,
    /// Byte address of the first beat.
    pub start_addr: Signal<In, Bits<64>>,
    /// Beats minus one (AXI4 `len`).
    pub start_len: Signal<In, Bits<8>>,
    /// log2 of the bytes per beat (AXI4 `size`).
    pub start_size: Signal<In, Bits<3>>,
    /// 0 FIXED, 1 INCR, 2 WRAP (AXI4 `burst`).
    pub start_burst: Signal<In, Bits<2>>,
    /// A beat is offered.
    pub beat_valid: Signal<Out, Bit>,
    /// The beat's 16-byte block (its address with the low four bits clear).
    pub beat_block: Signal<Out, Bits<64>>,
    /// The byte lanes of the beat: bit k for byte k of the block.
    pub beat_lanes: Signal<Out, Bits<16>>,
    /// The beat is the burst's last.
    pub beat_last: Signal<Out, Bit>,
    /// The beat leaves at this edge.
    pub beat_ready: Signal<In, Bit>,
    active: DFF<Bit>,
    addr: DFF<Bits<64>>,
    remaining: DFF<Bits<8>>,
    bytes: DFF<Bits<12>>,
    wrapping: DFF<Bit>,
    fixed: DFF<Bit>,
    wrap_mask: DFF<Bits<12>>,
    start_bytes: Signal<Local, Bits<12>>,
    start_shift: Signal<Local, Bits<3>>,
    start_wrap_legal: Signal<Local, Bit>,
    low: Signal<Local, Bits<12>>,
    aligned_low: Signal<Local, Bits<12>>,
    stepped_low: Signal<Local, Bits<12>>,
    first_lane: Signal<Local, Bits<16>>,
    last_lane: Signal<Local, Bits<16>>,
    leaving_last: Signal<Local, Bit>,
    taking: Signal<Local, Bit>,
}

impl Logic for BurstBeats {
    #[hdl_gen]
    fn update(&mut self) {
        self.active.clock.next = self.clock.val();
        self.addr.clock.next = self.clock.val();
        self.remaining.clock.next = self.clock.val();
        self.bytes.clock.next = self.clock.val();
        self.wrapping.clock.next = self.clock.val();
        self.fixed.clock.next = self.clock.val();
        self.wrap_mask.clock.next = self.clock.val();
        // Bytes per beat of the offered burst, and whether it may wrap.
        self.start_bytes.next = bits::<12>(16);
        self.start_shift.next = bits::<3>(4);
        if self.start_size.val() < 4 {
            self.start_shift.next = self.start_size.val();
        }
        if self.start_size.val() == 0 {
            self.start_bytes.next = bits::<12>(1);
        }
        if self.start_size.val() == 1 {
            self.start_bytes.next = bits::<12>(2);
        }
        if self.start_size.val() == 2 {
            self.start_bytes.next = bits::<12>(4);
        }
        if self.start_size.val() == 3 {
            self.start_bytes.next = bits::<12>(8);
        }
        self.start_wrap_legal.next = (self.start_burst.val() == 2)
            & ((self.start_len.val() == 1) | (self.start_len.val() == 3) | (self.start_len.val() == 7) | (self.start_len.val() == 15));
        // The running beat.
        self.low.next = self.addr.q.val().get_bits::<12>(0);
        self.aligned_low.next = self.low.val() & !(self.bytes.q.val() - 1);
        self.stepped_low.next = self.aligned_low.val() + self.bytes.q.val();
        self.first_lane.next = bit_cast::<16, 4>(self.low.val().get_bits::<4>(0));
        self.last_lane.next = bit_cast::<16, 4>(self.aligned_low.val().get_bits::<4>(0)) + bit_cast::<16, 12>(self.bytes.q.val()) - 1;
        self.beat_valid.next = self.active.q.val();
        self.beat_block.next = self.addr.q.val() & !bits::<64>(15);
        self.beat_lanes.next = (bits::<16>(0xffff) << self.first_lane.val()) & (bits::<16>(0xffff) >> (bits::<16>(15) - self.last_lane.val()));
        self.beat_last.next = self.remaining.q.val() == 0;
        self.leaving_last.next = self.active.q.val() & self.beat_ready.val() & (self.remaining.q.val() == 0);
        self.start_ready.next = !self.active.q.val() | self.leaving_last.val();
        self.taking.next = self.start_valid.val() & self.start_ready.val();
        // Registers: hold, step on a beat, load on a new burst.
        self.active.d.next = self.active.q.val();
        self.addr.d.next = self.addr.q.val();
        self.remaining.d.next = self.remaining.q.val();
        self.bytes.d.next = self.bytes.q.val();
        self.wrapping.d.next = self.wrapping.q.val();
        self.fixed.d.next = self.fixed.q.val();
        self.wrap_mask.d.next = self.wrap_mask.q.val();
        if self.active.q.val() & self.beat_ready.val() {
            self.remaining.d.next = self.remaining.q.val() - 1;
            if self.leaving_last.val() {
                self.active.d.next = false;
            }
            if !self.fixed.q.val() {
                if self.wrapping.q.val() {
                    self.addr.d.next = (self.addr.q.val() & !bit_cast::<64, 12>(self.wrap_mask.q.val()))
                        | bit_cast::<64, 12>(self.stepped_low.val() & self.wrap_mask.q.val());
                } else {
                    self.addr.d.next = (self.addr.q.val() & !bits::<64>(0xfff)) | bit_cast::<64, 12>(self.stepped_low.val());
                }
            }
        }
        if self.taking.val() {
            self.active.d.next = true;
            self.addr.d.next = self.start_addr.val();
            self.remaining.d.next = self.start_len.val();
            self.bytes.d.next = self.start_bytes.val();
            self.wrapping.d.next = self.start_wrap_legal.val();
            self.fixed.d.next = self.start_burst.val() == 0;
            // size x beats - 1 (only used for the wrap lengths, at most 16 x 16 - 1).
            self.wrap_mask.d.next = (bit_cast::<12, 8>(self.start_len.val() + 1) << self.start_shift.val()) - 1;
        }
        if self.reset.val() {
            self.active.d.next = false;
            self.addr.d.next = bits::<64>(0);
            self.remaining.d.next = bits::<8>(0);
            self.bytes.d.next = bits::<12>(0);
            self.wrapping.d.next = false;
            self.fixed.d.next = false;
            self.wrap_mask.d.next = bits::<12>(0);
        }
    }
}
