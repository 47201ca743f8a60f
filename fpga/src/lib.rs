//! # mee-fpga: the `mee` command's library
//!
//! - [`dedupe`]: one module per distinct text in rust-hdl's Verilog;
//! - [`export`]: Verilog export of the engine for a config, with a summary;
//! - [`simulate`]: `mee simulate`, scenarios through the engine with a JSON report and VCD;
//! - [`regress`]: `mee regress`, the long regression through the Verilated engine;
//! - [`explore`]: `mee explore`, sweeps of configs measured in simulation, Yosys and nextpnr;
//! - [`flow`]: running Yosys and nextpnr with time limits and logs;
//! - [`place_route`]: nextpnr place and route for Fmax;
//! - [`pin_harness`]: the top module that puts the engine on an iCE40 package's pins;
//! - [`synth`]: the engine through Yosys per FPGA target;
//! - [`boards`]: `mee board`, board tops with generated constraints, built to bitstreams;
//! - [`reports`]: measurement reports (simulation speed, Yosys area, engine throughput and
//!   latency).

pub mod boards;
pub mod dedupe;
pub mod explore;
pub mod pin_harness;
pub mod export;
pub mod flow;
pub mod logic_levels;
pub mod place_route;
pub mod regress;
pub mod reports;
pub mod simulate;
pub mod soc;
pub mod synth;
