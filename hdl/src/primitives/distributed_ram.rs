//! Memories read at one index at a time, kept in distributed RAM (LUTs used as memory) rather
//! than in registers: when a copy there is worth its cells. A copy narrowed to the bits a
//! config uses is read back at a port's full width with
//! [`verilog_text::zero_extended`](super::verilog_text::zero_extended).
//!
//! The pending-write tracker and the partial-write unit each keep such a copy beside registers
//! that feed their compares, so that reading one entry does not take a multiplexer over every
//! entry's registers. This module holds only the rules both follow; the memories themselves
//! are in each block's hand-written Verilog.

/// The fewest entries for which a block keeps a distributed-RAM copy: one ECP5 `DPR16X4` holds
/// 16 words. Below that the copy would cost more than it saves, and on iCE40, which has no
/// distributed RAM, it would become registers.
pub const MIN_COPIED_DEPTH: usize = 16;
