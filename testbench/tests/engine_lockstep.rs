//! The engine in lock step with the cycle model: every output port in every cycle, responses
//! against an in-order functional scoreboard, the DRAM image against `xts-mode`.

use mee_reference::EngineConfig;
use mee_testbench::dram_bfm::DramTiming;
use mee_testbench::engine_bench::{run_engine, BenchSettings};
use mee_testbench::seed::test_seed;
use mee_testbench::stimulus::{random_traffic, TrafficShape};

fn stalls(seed: u64) -> BenchSettings {
    BenchSettings {
        dram: DramTiming { latency: 20, stall: 0.1, burst: 0.005, response_gap: 0.1 },
        response_stall: 0.1,
        request_gap: 0.1,
        serialize_key_commands: false,
        seed,
        ..Default::default()
    }
}

#[test]
fn small_random_run_default_config() {
    let seed = test_seed("small_random_run_default_config");
    let config = EngineConfig::default();
    let shape = TrafficShape { requests: 500, ..Default::default() };
    let ops = random_traffic(&config, &shape, seed);
    let report = run_engine(&config, &ops, &stalls(seed), &mut ()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    println!("{} requests, {} cycles, {:.0} cycles/s", report.requests, report.cycles, report.cycles as f64 / report.seconds);
    let by_status: Vec<usize> = (0..4).map(|s| report.responses.iter().filter(|r| r.status == s).count()).collect();
    let reads_with_data = report.responses.iter().filter(|r| r.data != [0; 16]).count();
    println!("responses by status {by_status:?}, reads with data {reads_with_data}, key responses {:?}", report.key_responses.iter().map(|k| k.status).collect::<Vec<_>>());
}
