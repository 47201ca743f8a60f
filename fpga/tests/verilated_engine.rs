//! The exported engine compiled with Verilator and driven by the lock-step bench in place of
//! the rust-hdl simulation: every output port in every cycle against the cycle model, the
//! responses against the functional scoreboard, the DRAM image against `xts-mode`, with
//! stalls on every channel, key commands and resets in the middle of traffic. A smaller run of
//! the long regression (`mee regress`).

use mee_reference::{EngineConfig, KeyTableStorage, RoundRegisters, SboxStyle};
use mee_testbench::dram_bfm::DramTiming;
use mee_testbench::engine_bench::{run_engine_on, BenchSettings};
use mee_testbench::seed::test_seed;
use mee_testbench::stimulus::{random_traffic, TrafficShape};
use mee_testbench::verilated::VerilatedModel;
use std::path::PathBuf;

fn run(name: &str, config: EngineConfig, requests: usize) {
    let seed = test_seed(name);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let verilog = mee_fpga::export::export_engine(&config).verilog;
    let start = std::time::Instant::now();
    let model = VerilatedModel::build(&config, &verilog, &work).unwrap_or_else(|e| panic!("{name}: {e:#}"));
    let built = start.elapsed().as_secs_f64();
    let shape = TrafficShape { requests, asids: 10, resets: 2, requests_per_key_command: 300, ..Default::default() };
    let ops = random_traffic(&config, &shape, seed);
    let settings = BenchSettings {
        dram: DramTiming { latency: 18, stall: 0.15, burst: 0.003, response_gap: 0.1 },
        response_stall: 0.15,
        request_gap: 0.1,
        serialize_key_commands: false,
        seed,
        ..Default::default()
    };
    let mut engine = model.start().unwrap_or_else(|e| panic!("{name}: {e:#}"));
    let report = run_engine_on(&mut engine, &config, &ops, &settings, &mut ()).unwrap_or_else(|e| panic!("{name}: seed {seed}: {e}"));
    println!(
        "{name}: Verilator build {built:.0} s; {} requests, {} cycles in lock step, {:.0} cycles/s",
        report.requests,
        report.cycles,
        report.cycles as f64 / report.seconds
    );
    assert!(report.cycles >= 10_000, "{name}: only {} cycles", report.cycles);
}

#[test]
fn verilated_default_engine_in_lock_step() {
    run("verilated_default_engine_in_lock_step", EngineConfig::default(), 6_000);
}

#[test]
fn verilated_aes256_block_ram_engine_in_lock_step() {
    let mut config = EngineConfig { top_name: "mee_v256".into(), key_bits: 256, data_unit_bytes: 512, num_asids: 1024, asid_bits: 10, addr_bits: 40, ..Default::default() };
    config.pipeline.key_table = KeyTableStorage::BlockRam;
    config.pipeline.sbox = SboxStyle::Composite;
    run("verilated_aes256_block_ram_engine_in_lock_step", config, 6_000);
}

#[test]
fn verilated_half_round_engine_in_lock_step() {
    let mut config = EngineConfig { top_name: "mee_vhalf".into(), data_unit_bytes: 4096, ..Default::default() };
    config.pipeline.round_registers = RoundRegisters::PerHalfRound;
    config.pipeline.read_queue_depth = 64;
    run("verilated_half_round_engine_in_lock_step", config, 6_000);
}
