//! Throughput and latency of the engine, measured in lock-step simulation (not computed from
//! the config): the figures behind `mee report engine` and the microarchitecture tests.

use crate::dram_bfm::DramTiming;
use crate::engine_bench::{run_engine, BenchFailure, BenchReport, BenchSettings, Op};
use crate::stimulus::random_set_key;
use mee_reference::partial_writes::hazard_buckets;
use mee_reference::EngineConfig;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Figures of one config.
#[derive(Clone, Debug)]
pub struct EngineMetrics {
    /// Requests per cycle, reads only, no stalls.
    pub reads_only: f64,
    /// Requests per cycle, writes only, no stalls.
    pub writes_only: f64,
    /// Requests per cycle, random mix of reads and writes on one ASID.
    pub mixed: f64,
    /// Requests per cycle, random mix with every request on a different key than the last.
    pub mixed_key_changes: f64,
    /// Cycles a read takes beyond a direct connection (response cycle − accept cycle − DRAM
    /// latency): smallest and largest over the reads-only run.
    pub read_added_latency: (u64, u64),
    /// Cycles from accepting a write to the DRAM accepting it: smallest and largest over the
    /// writes-only run.
    pub write_latency: (u64, u64),
    /// The DRAM latency used.
    pub dram_latency: u64,
    /// Cycles per second of the rust-hdl simulation over all runs.
    pub simulated_cycles_per_second: f64,
}

/// Accepted requests per cycle, from the first to the last acceptance.
pub fn throughput(report: &BenchReport) -> f64 {
    let mut issues: Vec<u64> = report.responses.iter().map(|r| r.issue_cycle).collect();
    issues.sort_unstable();
    match (issues.first(), issues.last()) {
        (Some(first), Some(last)) if last > first => (issues.len() - 1) as f64 / (last - first) as f64,
        _ => 0.0,
    }
}

/// Accepted requests per cycle in the steady state: over the middle half of the acceptances
/// (from the one a quarter of the way through to the one three quarters through). A run starts
/// with a burst, as the engine's queues and entries fill at up to one request per cycle, and
/// ends with their drain; the middle half leaves both out. What is left is the rate of whole
/// round trips with a burst's worth of error at the window's ends, so use a run long enough
/// that its middle half spans many round trips: at 2,000 partial writes the rates stay within
/// their ceilings, where [`throughput`] over the whole run overshoots them (0.503 partial
/// writes per cycle against 0.5). Runs shorter than 8 requests give 0.
pub fn steady_throughput(report: &BenchReport) -> f64 {
    let mut issues: Vec<u64> = report.responses.iter().map(|r| r.issue_cycle).collect();
    issues.sort_unstable();
    let (first, last) = (issues.len() / 4, issues.len() * 3 / 4);
    match (issues.get(first), issues.get(last)) {
        (Some(a), Some(b)) if issues.len() >= 8 && b > a => (last - first) as f64 / (b - a) as f64,
        _ => 0.0,
    }
}

fn keyed(config: &EngineConfig, asids: u32, rng: &mut StdRng) -> Vec<Op> {
    (0..asids.min(config.num_asids)).map(|a| random_set_key(rng, a, config.key_bytes())).collect()
}

/// Runs the four traffic patterns of `requests` requests each (distinct addresses, so no
/// read-after-write waits) with DRAM latency `dram_latency` and no stalls anywhere.
pub fn measure(config: &EngineConfig, requests: usize, dram_latency: u64, seed: u64) -> Result<EngineMetrics, BenchFailure> {
    let mut rng = StdRng::seed_from_u64(seed);
    let settings = BenchSettings { dram: DramTiming { latency: dram_latency, ..Default::default() }, seed, ..Default::default() };
    let addr_mask = if config.addr_bits >= 64 { u64::MAX } else { (1u64 << config.addr_bits) - 1 };
    let base = rng.gen::<u64>() & addr_mask & !0xf_ffff;
    let address = |n: usize| (base + 16 * n as u64) & addr_mask;
    let asids = 8u32.min(config.num_asids);
    let pattern = |kind: u8, rng: &mut StdRng| -> Vec<Op> {
        let mut ops = keyed(config, asids, rng);
        for n in 0..requests {
            let asid = if kind == 3 { n as u32 % asids } else { 0 };
            let write = match kind {
                0 => false,
                1 => true,
                _ => rng.gen_bool(0.5),
            };
            ops.push(if write {
                Op::Write { asid, addr: address(n), data: rng.gen(), encrypted: true, strobes: 0xffff }
            } else {
                Op::Read { asid, addr: address(n), encrypted: true, expect: None }
            });
        }
        ops
    };
    let mut cycles = 0u64;
    let mut seconds = 0.0;
    let mut run = |ops: Vec<Op>| -> Result<BenchReport, BenchFailure> {
        let r = run_engine(config, &ops, &settings, &mut ())?;
        cycles += r.cycles;
        seconds += r.seconds;
        Ok(r)
    };
    let reads = run(pattern(0, &mut rng))?;
    let writes = run(pattern(1, &mut rng))?;
    let mixed = run(pattern(2, &mut rng))?;
    let switching = run(pattern(3, &mut rng))?;
    let added: Vec<u64> = reads.responses.iter().map(|r| r.response_cycle.saturating_sub(r.issue_cycle + dram_latency)).collect();
    let write_issues: Vec<u64> = writes.responses.iter().map(|r| r.issue_cycle).collect();
    let write_latency: Vec<u64> = write_issues.iter().zip(&writes.dram_write_cycles).map(|(i, d)| d - i).collect();
    let span = |v: &[u64]| (v.iter().copied().min().unwrap_or(0), v.iter().copied().max().unwrap_or(0));
    Ok(EngineMetrics {
        reads_only: throughput(&reads),
        writes_only: throughput(&writes),
        mixed: throughput(&mixed),
        mixed_key_changes: throughput(&switching),
        read_added_latency: span(&added),
        write_latency: span(&write_latency),
        dram_latency,
        simulated_cycles_per_second: cycles as f64 / seconds.max(1e-9),
    })
}

/// Rates of partial writes, measured in lock-step simulation with no stalls: each the steady
/// rate of [`steady_throughput`].
#[derive(Clone, Debug)]
pub struct PartialWriteMetrics {
    /// Partial writes per cycle, each to a block of its own (a 4-byte word at a random lane):
    /// every one is a DRAM read and a DRAM write, so 0.5 is the ceiling.
    pub distinct_blocks: f64,
    /// Word stores per cycle filling one block after another (four stores per block, lanes 0
    /// to 3): what a 32-bit core's sequential stores make.
    pub word_stores: f64,
    /// Whole-block writes per cycle, for comparison (the rate without strobes).
    pub whole_blocks: f64,
    /// Partial writes per cycle to blocks `16 * hazard_buckets(depth)` bytes apart (1 KiB at
    /// the default depth), so all in one hazard bucket: each waits until the one before has
    /// left, a read's round trip later. The buckets' worst case (a quarter as many writes).
    pub one_bucket: f64,
    /// The DRAM latency used.
    pub dram_latency: u64,
}

/// Runs four write patterns of `requests` writes each (a quarter as many in one bucket) on one ASID (distinct addresses but for
/// the word stores' four per block) with DRAM latency `dram_latency` and no stalls.
pub fn measure_partial_writes(config: &EngineConfig, requests: usize, dram_latency: u64, seed: u64) -> Result<PartialWriteMetrics, BenchFailure> {
    let mut rng = StdRng::seed_from_u64(seed);
    let settings = BenchSettings { dram: DramTiming { latency: dram_latency, ..Default::default() }, seed, ..Default::default() };
    let addr_mask = if config.addr_bits >= 64 { u64::MAX } else { (1u64 << config.addr_bits) - 1 };
    let base = rng.gen::<u64>() & addr_mask & !0xf_ffff;
    let pattern = |count: usize, block_of: &dyn Fn(usize) -> (usize, u16), rng: &mut StdRng| -> Vec<Op> {
        let mut ops = keyed(config, 1, rng);
        for n in 0..count {
            let (block, strobes) = block_of(n);
            ops.push(Op::Write { asid: 0, addr: (base + 16 * block as u64) & addr_mask, data: rng.gen(), encrypted: true, strobes });
        }
        ops
    };
    let lanes: Vec<u16> = (0..requests).map(|_| 0xf << (4 * rng.gen_range(0..4))).collect();
    let distinct = run_engine(config, &pattern(requests, &|n| (n, lanes[n]), &mut rng), &settings, &mut ())?;
    let words = run_engine(config, &pattern(requests, &|n| (n / 4, 0xf << (4 * (n % 4))), &mut rng), &settings, &mut ())?;
    let whole = run_engine(config, &pattern(requests, &|n| (n, 0xffff), &mut rng), &settings, &mut ())?;
    let buckets = hazard_buckets(config.partial_write_depth());
    let one_bucket = run_engine(config, &pattern(requests.div_ceil(4), &|n| (n * buckets, lanes[n]), &mut rng), &settings, &mut ())?;
    Ok(PartialWriteMetrics {
        distinct_blocks: steady_throughput(&distinct),
        word_stores: steady_throughput(&words),
        whole_blocks: steady_throughput(&whole),
        one_bucket: steady_throughput(&one_bucket),
        dram_latency,
    })
}

/// Requests per cycle in the steady state ([`steady_throughput`]) of `pairs` pairs of a
/// whole-block write and then a read, on one ASID, with DRAM latency `dram_latency` and no
/// stalls. The writes go to consecutive blocks; each read goes `distance` bytes past its
/// write. At distance 0 each read waits in stage A until its write has gone to DRAM (a
/// read-after-write); at 2^(n + 4) with a tracker that compares n block-address bits
/// ([`EngineConfig::write_hazard_bits`]) it waits the same way for a write to another block
/// (a false hazard); a tracker that compares the whole address lets it go at once.
pub fn measure_write_read_pairs(config: &EngineConfig, pairs: usize, distance: u64, dram_latency: u64, seed: u64) -> Result<f64, BenchFailure> {
    let mut rng = StdRng::seed_from_u64(seed);
    let settings = BenchSettings { dram: DramTiming { latency: dram_latency, ..Default::default() }, seed, ..Default::default() };
    let addr_mask = if config.addr_bits >= 64 { u64::MAX } else { (1u64 << config.addr_bits) - 1 };
    let base = rng.gen::<u64>() & addr_mask & !0xf_ffff;
    let mut ops = keyed(config, 1, &mut rng);
    for n in 0..pairs {
        let addr = (base + 16 * n as u64) & addr_mask;
        ops.push(Op::Write { asid: 0, addr, data: rng.gen(), encrypted: true, strobes: 0xffff });
        ops.push(Op::Read { asid: 0, addr: (addr + distance) & addr_mask, encrypted: true, expect: None });
    }
    Ok(steady_throughput(&run_engine(config, &ops, &settings, &mut ())?))
}
