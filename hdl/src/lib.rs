//! # mee-hdl: the hardware of the mee memory encryption engine, in rust-hdl
//!
//! The folders follow the block diagram:
//! - [`aes`]: S-box, MixColumns, rounds, pipelines, iterative and column units, key schedule;
//! - [`xts`]: the tweak unit and the XTS datapath;
//! - [`engine`]: the engine top, its partial-write unit, core (front end, DRAM scheduling,
//!   datapaths, responses), key table and write-address tracker;
//! - [`dram`]: the DRAM side of a board: the engine's block port on an SDRAM controller;
//! - [`bus`]: the AXI4 top around the engine;
//! - [`soc`]: the SoC of two PicoRV32 cores around the engine;
//! - [`selftest`]: the built-in self-test a board runs (vector ROM, sequencer, on-chip DRAM, UART);
//! - [`primitives`]: queues, delay lines and the Rust state of leaf primitives.
//!
//! Leaf primitives (Rust simulation model + hand-written Verilog, checked against each other
//! by the testbench) are the S-box banks, MixColumns, the alpha-power multiplier, the queue,
//! the delay line, the address tracker, the key store and the partial-write unit; everything
//! else is built from them with `#[hdl_gen]`.
//!
//! Byte order on every byte-array port: element k is byte k of the block or key as in FIPS-197
//! and IEEE 1619.

pub mod aes;
pub mod bus;
pub mod dram;
pub mod engine;
pub mod primitives;
pub mod selftest;
pub mod soc;
pub mod xts;

/// `n` default-valued items: the signals of a byte-array port, the registers of a stage.
/// Shared by every module that sizes its ports and registers at construction time.
pub(crate) fn defaults<T: Default>(n: usize) -> Vec<T> {
    (0..n).map(|_| T::default()).collect()
}

/// An `N`-bit constant holding `value`: the limits, counts and slot numbers a block derives
/// from its config at construction time and compares against.
pub(crate) fn constant<const N: usize>(value: u64) -> rust_hdl::prelude::Constant<rust_hdl::prelude::Bits<N>> {
    rust_hdl::prelude::Constant::new(rust_hdl::prelude::Bits::<N>::from(value))
}
