//! # mee-fpga: the `mee` command's library
//!
//! - [`export`]: Verilog export of the hardware built so far for a config;
//! - [`reports`]: measurement reports (simulation speed, Yosys area).

pub mod export;
pub mod reports;
