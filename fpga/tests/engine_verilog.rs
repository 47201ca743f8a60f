//! The exported engine Verilog (exact-width top module around the rust-hdl engine) replayed
//! under Icarus Verilog on the inputs of a lock-step run: every output port in every cycle
//! must equal the rust-hdl engine's (which the run checked against the cycle model). Configs:
//! the default, AES-256 with a block-RAM key table, three stages per round with block-RAM
//! S-boxes, the iterative engine, the engine with one shared AES unit, a shared tweak
//! pipeline (on traffic that keeps to one data unit half the time) and the read request
//! queue (with small read and write queues), and registered ports on the iterative engine.

use mee_reference::EngineConfig;
use mee_testbench::dram_bfm::DramTiming;
use mee_testbench::engine_bench::{run_engine, BenchSettings};
use mee_testbench::engine_cosim::{replay_on_verilog, Recorder};
use mee_testbench::seed::test_seed;
use mee_testbench::stimulus::{random_traffic, TrafficShape};
use std::path::PathBuf;

fn cosim(name: &str, config: EngineConfig) {
    cosim_shape(name, config, 0.0);
}

/// As [`cosim`], with a fraction `same_unit` of the requests in the previous one's data unit.
fn cosim_shape(name: &str, config: EngineConfig, same_unit: f64) {
    let seed = test_seed(name);
    let shape = TrafficShape { requests: 150, asids: 4, resets: 1, requests_per_key_command: 60, same_unit, ..Default::default() };
    let ops = random_traffic(&config, &shape, seed);
    let settings = BenchSettings {
        dram: DramTiming { latency: 14, stall: 0.2, burst: 0.01, response_gap: 0.1 },
        response_stall: 0.2,
        request_gap: 0.1,
        serialize_key_commands: false,
        seed,
        ..Default::default()
    };
    let mut recorder = Recorder::default();
    run_engine(&config, &ops, &settings, &mut recorder).unwrap_or_else(|e| panic!("{name}: seed {seed}: {e}"));
    let design = mee_fpga::export::export_engine(&config);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let cycles = replay_on_verilog(&config, &design.verilog, &config.top_name, &recorder.cycles, &work)
        .unwrap_or_else(|e| panic!("{name}: seed {seed}: {e:#}"));
    println!("{name}: {cycles} cycles of exported Verilog match the rust-hdl engine");
}

#[test]
fn exported_default_engine_matches_rust_hdl_under_icarus() {
    cosim("exported_default_engine_matches_rust_hdl_under_icarus", EngineConfig::default());
}

#[test]
fn exported_aes256_block_ram_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_wide_keys".into(), key_bits: 256, data_unit_bytes: 4096, num_asids: 40, asid_bits: 10, addr_bits: 40, ..Default::default() };
    config.pipeline.key_table = mee_reference::KeyTableStorage::BlockRam;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.round_registers = mee_reference::RoundRegisters::PerTwoRounds;
    config.validate().expect("test config");
    cosim("exported_aes256_block_ram_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_block_ram_sbox_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_bram_sbox".into(), data_unit_bytes: 32, num_asids: 8, asid_bits: 3, addr_bits: 28, ..Default::default() };
    config.pipeline.round_registers = mee_reference::RoundRegisters::PerThirdRound;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::BlockRam);
    config.pipeline.read_queue_depth = 64;
    config.validate().expect("test config");
    cosim("exported_block_ram_sbox_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_iterative_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_iterative".into(), data_unit_bytes: 64, num_asids: 16, asid_bits: 4, addr_bits: 24, ..Default::default() };
    config.pipeline.round_registers = mee_reference::RoundRegisters::Iterative;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.key_table = mee_reference::KeyTableStorage::BlockRam;
    config.pipeline.read_queue_depth = 4;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 4;
    config.validate().expect("test config");
    cosim("exported_iterative_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_shared_unit_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_shared".into(), key_bits: 256, data_unit_bytes: 32, num_asids: 16, asid_bits: 4, addr_bits: 24, ..Default::default() };
    config.pipeline.round_registers = mee_reference::RoundRegisters::Shared;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.read_queue_depth = 4;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 4;
    config.validate().expect("test config");
    cosim("exported_shared_unit_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_shared_column_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_shared_column".into(), data_unit_bytes: 32, num_asids: 16, asid_bits: 4, addr_bits: 24, ..Default::default() };
    config.pipeline.round_registers = mee_reference::RoundRegisters::SharedColumn;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.key_table = mee_reference::KeyTableStorage::BlockRam;
    config.pipeline.read_queue_depth = 2;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 2;
    config.validate().expect("test config");
    cosim("exported_shared_column_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_shared_tweak_pipeline_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_tweak_shared".into(), data_unit_bytes: 64, num_asids: 8, asid_bits: 3, addr_bits: 24, ..Default::default() };
    config.pipeline.round_registers = mee_reference::RoundRegisters::PerHalfRound;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.tweak_pipeline = mee_reference::TweakPipeline::Shared;
    config.pipeline.read_queue_depth = 64;
    config.validate().expect("test config");
    cosim_shape("exported_shared_tweak_pipeline_engine_matches_rust_hdl_under_icarus", config, 0.5);
}

#[test]
fn exported_read_request_queue_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_read_queue".into(), num_asids: 8, asid_bits: 3, addr_bits: 24, ..Default::default() };
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.read_request_queue = true;
    config.pipeline.read_queue_depth = 4;
    config.pipeline.write_queue_depth = 4;
    config.validate().expect("test config");
    cosim("exported_read_request_queue_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_direct_request_port_engine_matches_rust_hdl_under_icarus() {
    // Block-RAM S-boxes at three stages per round with stored round keys (the default
    // engine's kind) without the request buffer (the partial-write unit hands requests
    // straight to the core), small queues and a partial-write unit of four entries.
    let mut config = EngineConfig { top_name: "mee_direct_request_port".into(), data_unit_bytes: 32, num_asids: 8, asid_bits: 3, addr_bits: 24, ..Default::default() };
    config.pipeline.request_buffer = Some(false);
    config.pipeline.read_queue_depth = 8;
    config.pipeline.write_queue_depth = 4;
    config.pipeline.response_queue_depth = 8;
    config.pipeline.partial_write_depth = Some(4);
    config.validate().expect("test config");
    cosim("exported_direct_request_port_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_registered_ports_engine_matches_rust_hdl_under_icarus() {
    let mut config = EngineConfig { top_name: "mee_registered".into(), data_unit_bytes: 32, num_asids: 8, asid_bits: 3, addr_bits: 24, ..Default::default() };
    config.pipeline.round_registers = mee_reference::RoundRegisters::Iterative;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.registered_ports = true;
    config.pipeline.read_queue_depth = 4;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 4;
    config.validate().expect("test config");
    cosim("exported_registered_ports_engine_matches_rust_hdl_under_icarus", config);
}

#[test]
fn exported_stored_round_key_engine_matches_rust_hdl_under_icarus() {
    // Round-key memories (5 slots: not a power of two) written by set_key and zeroed by
    // clear_key, read by ASID a cycle ahead in every round; composite S-boxes, two stages a
    // round.
    let mut config = EngineConfig { top_name: "mee_stored_keys".into(), data_unit_bytes: 32, num_asids: 5, asid_bits: 3, addr_bits: 24, ..Default::default() };
    config.pipeline.round_keys = Some(mee_reference::RoundKeys::Stored);
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.round_registers = mee_reference::RoundRegisters::PerHalfRound;
    config.validate().expect("test config");
    cosim("exported_stored_round_key_engine_matches_rust_hdl_under_icarus", config);
}
