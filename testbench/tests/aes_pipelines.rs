//! Every AES pipeline variant (direction x key size x register placement x S-box style) in
//! rust-hdl simulation against the `aes` crate, simulated round by round and as the one leaf
//! the engines use: 2,000 random (key, block) pairs each with random input bubbles, valid and
//! data checked in every cycle at the promised latency; and the
//! iterative unit for both directions with the direction drawn per block.

use mee_reference::SboxStyle;
use mee_hdl::aes::column_unit::ColumnAesUnit;
use mee_hdl::aes::iterative_unit::IterativeAesUnit;
use mee_testbench::aes_bench::{run_aes_pipeline, run_aes_pipeline_as_leaf, run_both_ways_aes_unit, AesVariant, BothWaysAesUnit};
use mee_testbench::seed::test_seed;

#[test]
fn every_aes_pipeline_variant_matches_the_aes_crate() {
    let seed = test_seed("every_aes_pipeline_variant_matches_the_aes_crate");
    let blocks: usize = std::env::var("MEE_AES_BLOCKS").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let mut failures = Vec::new();
    for (i, variant) in AesVariant::all().into_iter().enumerate() {
        // An iterative unit takes a block every Nr + 1 cycles: a tenth of the blocks keeps
        // the simulated cycles about equal.
        let n = if variant.placement.is_pipelined() { blocks } else { blocks.div_ceil(10) };
        for (mode, run) in [("rounds", run_aes_pipeline as fn(_, _, _, _) -> _), ("leaf", run_aes_pipeline_as_leaf)] {
            match run(variant, n, seed.wrapping_add(i as u64), 0.25) {
                Ok(report) => println!(
                    "{} ({mode}): {} blocks, latency {}, {} cycles, {:.0} cycles/s",
                    variant.name(), report.blocks, report.latency, report.cycles, report.cycles_per_second()
                ),
                Err(e) => failures.push(format!("{mode}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}

/// The iterative unit that runs both ciphers through one round, at both key sizes and in
/// both S-box styles, with the direction chosen at random per block.
#[test]
fn iterative_unit_encrypts_and_decrypts_like_the_aes_crate() {
    both_ways_unit_matches_the_aes_crate::<IterativeAesUnit>("iterative_unit_encrypts_and_decrypts_like_the_aes_crate", 10);
}

/// The column-per-cycle unit of the `shared_column` engine, at both key sizes and in both
/// S-box styles, with the direction chosen at random per block.
#[test]
fn column_unit_encrypts_and_decrypts_like_the_aes_crate() {
    both_ways_unit_matches_the_aes_crate::<ColumnAesUnit>("column_unit_encrypts_and_decrypts_like_the_aes_crate", 20);
}

/// Runs a unit for both directions at both key sizes and in the table and composite S-box
/// styles (`block_ram` builds these units' S-boxes composite: nothing new to run), with
/// `MEE_AES_BLOCKS` (2,000) divided by `fewer` blocks each, its test's seed plus the run's index.
fn both_ways_unit_matches_the_aes_crate<U: BothWaysAesUnit>(name: &str, fewer: usize) {
    let seed = test_seed(name);
    let blocks: usize = std::env::var("MEE_AES_BLOCKS").ok().and_then(|s| s.parse().ok()).unwrap_or(2000usize).div_ceil(fewer);
    let mut failures = Vec::new();
    let styles = [SboxStyle::Table, SboxStyle::Composite];
    for (i, (key_bytes, style)) in [16, 32].into_iter().flat_map(|k| styles.map(|s| (k, s))).enumerate() {
        match run_both_ways_aes_unit::<U>(key_bytes, style, blocks, seed.wrapping_add(i as u64)) {
            Ok(report) => println!("AES-{} {}: {} blocks, {} cycles", key_bytes * 8, style.name(), report.blocks, report.cycles),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}
