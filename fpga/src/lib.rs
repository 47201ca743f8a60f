//! # mee-fpga: the `mee` command's library
//!
//! - [`dedupe`]: one module per distinct text in rust-hdl's Verilog;
//! - [`export`]: Verilog export of the engine for a config, with a summary;
//! - [`simulate`]: `mee simulate`, scenarios through the engine with a JSON report and VCD;
//! - [`regress`]: `mee regress`, the long regression through the Verilated engine;
//! - [`synth`]: the engine through Yosys per FPGA target;
//! - [`reports`]: measurement reports (simulation speed, Yosys area, engine throughput and
//!   latency).

pub mod dedupe;
pub mod export;
pub mod regress;
pub mod reports;
pub mod simulate;
pub mod synth;
