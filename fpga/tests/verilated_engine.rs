//! Co-simulation: the exported engine compiled with Verilator runs beside the rust-hdl engine
//! on the stimulus of the lock-step bench. Every output port in every cycle must be equal in
//! the two, and equal to the cycle model; responses go to the functional scoreboard and the
//! DRAM image is checked against `xts-mode`. Three configs, at least 10,000 cycles each, with
//! stalls on every channel, key commands and resets in the middle of traffic; then the
//! smaller run of `mee regress` (50,000 requests, Verilator alone against the model).

use mee_reference::{EngineConfig, KeyTableStorage, RoundRegisters, SboxStyle};
use mee_testbench::engine_bench::{run_engine_on, BenchSettings, CrossCheck};
use mee_testbench::engine_dut::EngineDut;
use mee_testbench::seed::test_seed;
use mee_testbench::stimulus::{random_traffic, TrafficShape};
use mee_testbench::verilated::VerilatedModel;
use std::path::PathBuf;

/// Returns the config as built and the build folder, for reuse.
fn cosimulate(name: &str, mut config: EngineConfig) -> (EngineConfig, PathBuf, u64) {
    // Composite S-boxes where the config has table ones: Verilator turns 256-arm case tables
    // into far more C++ to compile.
    if config.pipeline.sbox_style() == SboxStyle::Table {
        config.pipeline.sbox = Some(SboxStyle::Composite);
    }
    config.validate().expect("test config");
    let seed = test_seed(name);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let verilog = mee_fpga::export::export_engine(&config).verilog;
    let start = std::time::Instant::now();
    let model = VerilatedModel::build(&config, &verilog, &work, false).unwrap_or_else(|e| panic!("{name}: {e:#}"));
    let built = start.elapsed().as_secs_f64();
    let shape = TrafficShape { requests: 5_000, asids: 10, resets: 2, requests_per_key_command: 300, ..Default::default() };
    let ops = random_traffic(&config, &shape, seed);
    let settings = BenchSettings::stalls_everywhere(seed, false);
    let mut verilated = model.start().unwrap_or_else(|e| panic!("{name}: {e:#}"));
    let mut rust_hdl = EngineDut::new(&config);
    let mut both = CrossCheck { first: &mut rust_hdl, second: &mut verilated, names: ("rust-hdl", "Verilator") };
    let report = run_engine_on(&mut both, &config, &ops, &settings, &mut ()).unwrap_or_else(|e| panic!("{name}: seed {seed}: {e}"));
    println!("{name}: Verilator build {built:.0} s; {} requests, {} cycles equal in rust-hdl, Verilator and the cycle model", report.requests, report.cycles);
    assert!(report.cycles >= 10_000, "{name}: only {} cycles", report.cycles);
    (config, work, seed)
}

#[test]
fn default_engine_under_verilator_equals_rust_hdl_then_a_50000_request_regression() {
    let name = "default_engine_under_verilator_equals_rust_hdl_then_a_50000_request_regression";
    let (config, work, seed) = cosimulate(name, EngineConfig::default());
    // The smaller run of `mee regress`, on the model just built.
    let (report, _) = mee_fpga::regress::regress(&config, 50_000, seed, &work, false).unwrap_or_else(|e| panic!("{name}: regression: {e:#}"));
    println!("{name}: regression of {} requests, {} cycles against the cycle model, {:.0} cycles/s", report.requests, report.cycles, report.cycles as f64 / report.seconds);
    assert!(report.requests >= 45_000, "{name}: only {} requests accepted", report.requests);
}

#[test]
fn aes256_block_ram_engine_under_verilator_equals_rust_hdl() {
    let mut config = EngineConfig { top_name: "mee_v256".into(), key_bits: 256, data_unit_bytes: 512, num_asids: 1024, asid_bits: 10, addr_bits: 40, ..Default::default() };
    config.pipeline.key_table = KeyTableStorage::BlockRam;
    // One stage per round; with 1,024 slots the keys are expanded beside the data.
    config.pipeline.round_registers = RoundRegisters::PerRound;
    cosimulate("aes256_block_ram_engine_under_verilator_equals_rust_hdl", config);
}

#[test]
fn half_round_engine_under_verilator_equals_rust_hdl() {
    let mut config = EngineConfig { top_name: "mee_vhalf".into(), data_unit_bytes: 4096, ..Default::default() };
    config.pipeline.round_registers = RoundRegisters::PerHalfRound;
    config.pipeline.read_queue_depth = 64;
    cosimulate("half_round_engine_under_verilator_equals_rust_hdl", config);
}

/// `mee regress` and `mee report engine-speed` as the README shows them: from the folder the
/// user is in, with the default `--work out/regress`, a relative path (Verilator's make runs in
/// another folder, so a relative path once named the wrong one).
#[test]
fn regress_and_engine_speed_build_in_their_default_relative_work_folder() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("relative_work_folder");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A small engine, so that the optimized Verilator build takes seconds, not minutes.
    std::fs::write(dir.join("small.toml"), "top_name = \"mee_relwork\"\nnum_asids = 4\n[pipeline]\nsbox = \"composite\"\nround_registers = \"iterative\"\n").unwrap();
    let mee = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mee")).args(args).current_dir(&dir).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "mee {args:?} in {}:\n{text}", dir.display());
        text
    };
    let regress = mee(&["regress", "--config", "small.toml", "--requests", "1000"]);
    assert!(regress.contains("regression passed") && regress.contains("in out/regress"), "{regress}");
    assert!(dir.join("out/regress/obj/engine_sim").is_file(), "no model in {}/out/regress", dir.display());
    let built = std::fs::metadata(dir.join("out/regress/obj/engine_sim")).unwrap().modified().unwrap();
    let speed = mee(&["report", "engine-speed", "--config", "small.toml", "--requests", "300"]);
    assert!(speed.contains("| rust-hdl") && speed.contains("inside eval()"), "{speed}");
    let reused = std::fs::metadata(dir.join("out/regress/obj/engine_sim")).unwrap().modified().unwrap();
    assert_eq!(built, reused, "engine-speed shares the model `mee regress` built in out/regress");
}
