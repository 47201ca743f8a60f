//! `mee regress`: the long regression. Random traffic (every request kind, errors, key
//! commands and resets in the middle, stalls on every channel) through the exported engine
//! compiled with Verilator, checked in every cycle against the cycle-level model, every
//! response against the functional scoreboard and the DRAM image against `xts-mode`.

use anyhow::{anyhow, Result};
use mee_reference::EngineConfig;
use mee_testbench::dram_bfm::DramTiming;
use mee_testbench::engine_bench::{run_engine_on, BenchReport, BenchSettings};
use mee_testbench::stimulus::{random_traffic, TrafficShape};
use mee_testbench::verilated::VerilatedModel;
use std::path::Path;
use std::time::Instant;

/// Stalls and latencies of the regression's traffic.
pub fn regression_settings(seed: u64) -> BenchSettings {
    BenchSettings {
        dram: DramTiming { latency: 24, stall: 0.1, burst: 0.002, response_gap: 0.05 },
        response_stall: 0.1,
        request_gap: 0.05,
        serialize_key_commands: false,
        seed,
        max_cycles: u64::MAX,
    }
}

/// Runs `requests` random requests through the Verilated engine of `config` (built in
/// `work`; `optimize` as in [`VerilatedModel::build`]). Returns the report and the seconds the
/// build took.
pub fn regress(config: &EngineConfig, requests: usize, seed: u64, work: &Path, optimize: bool) -> Result<(BenchReport, f64)> {
    let start = Instant::now();
    let native = crate::export::native_engine(config);
    let config = &native;
    let verilog = crate::export::export_engine(config).verilog;
    let model = VerilatedModel::build(config, &verilog, work, optimize)?;
    let built = start.elapsed().as_secs_f64();
    let shape = TrafficShape { requests, asids: 10, resets: (requests / 100_000).max(2), requests_per_key_command: 500, ..Default::default() };
    let ops = random_traffic(config, &shape, seed);
    let mut engine = model.start()?;
    let report = run_engine_on(&mut engine, config, &ops, &regression_settings(seed), &mut ()).map_err(|e| anyhow!("seed {seed}: {e}"))?;
    Ok((report, built))
}

/// The command: prints what ran and what it checked.
pub fn run(config: &EngineConfig, requests: usize, seed: u64, work: &Path) -> Result<()> {
    println!("building the Verilator model of `{}` in {} (optimized; the first build takes minutes)", config.top_name, work.display());
    let (report, built) = regress(config, requests, seed, work, true)?;
    let by_status: Vec<usize> = (0..4).map(|s| report.responses.iter().filter(|r| r.status == s).count()).collect();
    println!(
        "regression passed: seed {seed}, {} requests accepted, {} responses (ok {}, no_key {}, bad_asid {}, misaligned {}), {} key commands, \
         {} DRAM reads and {} writes, {} cycles compared port by port with the cycle model in {:.1} s ({:.0} cycles/s in lock step); build {:.0} s",
        report.requests,
        report.responses.len(),
        by_status[0],
        by_status[1],
        by_status[2],
        by_status[3],
        report.key_responses.len(),
        report.dram_reads,
        report.dram_writes,
        report.cycles,
        report.seconds,
        report.cycles as f64 / report.seconds.max(1e-9),
        built
    );
    Ok(())
}
