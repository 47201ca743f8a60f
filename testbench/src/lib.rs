//! # mee-testbench: drivers, stimulus, vectors and checks for mee's hardware
//!
//! - [`driver`]: a clocked simulation driver for rust-hdl blocks that steps the clock directly
//!   (no testbench threads), so simulations run at the speed of the model;
//! - [`seed`]: reproducible random seeds (printed by every random test, replayed with
//!   `MEE_SEED`);
//! - [`vectors`]: the standard vectors of `../shared/testvectors`;
//! - [`aes_bench`]: lock-step checks of the AES pipelines against the `aes` crate;
//! - [`stored_key_bench`]: the pipelines with round keys stored per slot, in rust-hdl and
//!   under Icarus, against the `aes` crate;
//! - [`key_expansion_bench`]: the hardware decryption-key expander and its handshake;
//! - [`xts_bench`]: lock-step checks of the XTS tweak unit and datapath against `xts-mode`;
//! - [`engine_dut`], [`dram_bfm`], [`stimulus`], [`engine_bench`]: the engine in lock step
//!   with the cycle model, behind a soft-core model, a DRAM model and a key driver;
//! - [`self_test_program`]: the board self-test's program from the IEEE 1619 vectors;
//! - [`sdram_path_bench`]: the engine on the SDRAM path (bridge, controller, chip model);
//! - [`iverilog`]: running exported Verilog under Icarus Verilog.

pub mod aes_bench;
pub mod dram_bfm;
pub mod engine_bench;
pub mod engine_cosim;
pub mod engine_dut;
pub mod engine_metrics;
pub mod bytes;
pub mod driver;
pub mod iverilog;
pub mod key_expansion_bench;
pub mod scenario;
pub mod sdram_path_bench;
pub mod seed;
pub mod self_test_bench;
pub mod self_test_program;
pub mod stimulus;
pub mod stored_key_bench;
pub mod verilated;
pub mod vectors;
pub mod xts_bench;
