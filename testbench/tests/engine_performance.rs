//! The microarchitecture goals, measured in lock-step simulation (cycle counts, not wall time):
//! one request per cycle for reads only, writes only, mixed traffic and mixed traffic that
//! changes key on every request, with no stalls; a read costs at most the decryption pipeline
//! depth + 2 cycles over a direct connection when the DRAM latency is at least the tweak
//! latency. `mee report engine` prints the same figures for longer runs.

use mee_reference::{EngineConfig, RoundRegisters};
use mee_testbench::engine_metrics::measure;
use mee_testbench::seed::test_seed;

fn check(config: EngineConfig, name: &str) {
    let seed = test_seed(name);
    let dram_latency = config.tweak_latency() as u64;
    let m = measure(&config, 400, dram_latency, seed).unwrap_or_else(|e| panic!("{name}: seed {seed}: {e}"));
    println!("{name}: {m:?}");
    for (pattern, value) in [("reads only", m.reads_only), ("writes only", m.writes_only), ("mixed", m.mixed), ("mixed, key change every request", m.mixed_key_changes)] {
        // 400 requests in 399 cycles give exactly 1.0.
        assert!(value >= 0.999, "{name}: seed {seed}: {pattern}: {value:.4} requests per cycle");
    }
    let budget = config.aes_latency() as u64 + 2;
    assert!(m.read_added_latency.1 <= budget, "{name}: seed {seed}: a read took {} cycles more than a direct connection (budget {budget})", m.read_added_latency.1);
}

#[test]
fn default_config_runs_one_request_per_cycle() {
    check(EngineConfig::default(), "default_config_runs_one_request_per_cycle");
}

#[test]
fn aes256_half_round_config_runs_one_request_per_cycle() {
    let mut config = EngineConfig { key_bits: 256, ..Default::default() };
    config.pipeline.round_registers = RoundRegisters::PerHalfRound;
    config.pipeline.read_queue_depth = 96;
    config.pipeline.write_queue_depth = 160;
    config.pipeline.response_queue_depth = 128;
    check(config, "aes256_half_round_config_runs_one_request_per_cycle");
}
