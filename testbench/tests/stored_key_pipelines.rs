//! The AES pipelines whose round keys are stored per slot (`StoredKeyPipeline`), against the
//! `aes` crate: every direction, key size, pipelined register placement and S-box style in
//! rust-hdl (simulated round by round and as the leaf), and a spread of them as exported
//! Verilog under Icarus. Each plays a script (`mee_testbench::stored_key_bench`): keys written
//! through the write port with out-of-range writes that must be ignored, random blocks and
//! slots with bubbles, a reset the keys must survive, one slot rewritten, more blocks; every
//! cycle's `valid_out` and `data_out` checked.

use mee_hdl::aes::pipeline::{AesPipeline, Direction};
use mee_hdl::aes::stored_key_pipeline::StoredKeyPipeline;
use mee_reference::{RoundRegisters, SboxStyle};
use mee_testbench::stored_key_bench::{run_script_in_rust_hdl, run_script_under_icarus, stored_key_script};
use mee_testbench::seed::test_seed;
use rust_hdl::prelude::*;
use std::path::PathBuf;

fn name(direction: Direction, key_bytes: usize, placement: RoundRegisters, style: SboxStyle, slots: usize) -> String {
    format!("{direction:?}-aes{}-{}-{}-{slots}slots", key_bytes * 8, placement.name(), style.name()).to_lowercase()
}

#[test]
fn every_stored_key_pipeline_variant_matches_the_aes_crate() {
    let seed = test_seed("every_stored_key_pipeline_variant_matches_the_aes_crate");
    let mut failures = Vec::new();
    let mut runs = 0;
    for direction in [Direction::Encrypt, Direction::Decrypt] {
        for key_bytes in [16, 32] {
            for placement in RoundRegisters::ALL.into_iter().filter(|p| p.is_pipelined()) {
                for style in SboxStyle::ALL.into_iter().filter(|&s| s != SboxStyle::BlockRam || placement == RoundRegisters::PerThirdRound) {
                    let slots = 3;
                    let latency = AesPipeline::latency(key_bytes, placement);
                    let script = stored_key_script(direction, key_bytes, latency, slots, 120, seed.wrapping_add(runs));
                    runs += 1;
                    let label = name(direction, key_bytes, placement, style, slots);
                    for rounds in [false, true] {
                        let mut pipeline = StoredKeyPipeline::new(direction, key_bytes, placement, style, slots);
                        assert_eq!(pipeline.latency(), latency, "{label}: latency");
                        if rounds {
                            pipeline = pipeline.with_round_simulation();
                        }
                        match run_script_in_rust_hdl(pipeline, &script) {
                            Ok(cycles) => println!("{label} ({}): {cycles} cycles", if rounds { "rounds" } else { "leaf" }),
                            Err(e) => failures.push(format!("{label} ({}): {e:#}", if rounds { "rounds" } else { "leaf" })),
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}

#[test]
fn stored_key_pipeline_verilog_matches_the_aes_crate_under_icarus() {
    let seed = test_seed("stored_key_pipeline_verilog_matches_the_aes_crate_under_icarus");
    let variants = [
        (Direction::Encrypt, 16, RoundRegisters::PerRound, SboxStyle::Table, 3),
        (Direction::Decrypt, 16, RoundRegisters::PerThirdRound, SboxStyle::BlockRam, 5),
        (Direction::Decrypt, 32, RoundRegisters::PerTwoRounds, SboxStyle::Composite, 1),
        (Direction::Encrypt, 32, RoundRegisters::PerHalfRound, SboxStyle::Composite, 16),
        (Direction::Decrypt, 16, RoundRegisters::PerRound, SboxStyle::Table, 2),
    ];
    let mut failures = Vec::new();
    for (i, (direction, key_bytes, placement, style, slots)) in variants.into_iter().enumerate() {
        let label = name(direction, key_bytes, placement, style, slots);
        let mut pipeline = StoredKeyPipeline::new(direction, key_bytes, placement, style, slots);
        pipeline.connect_all();
        let verilog = generate_verilog(&pipeline);
        let script = stored_key_script(direction, key_bytes, pipeline.latency(), slots, 150, seed.wrapping_add(i as u64));
        let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stored_key_icarus").join(&label);
        match run_script_under_icarus(&work, &verilog, key_bytes, &script) {
            Ok(cycles) => println!("{label}: {cycles} cycles under Icarus"),
            Err(e) => failures.push(format!("{label}: {e:#}")),
        }
    }
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}

/// The tweak pipeline's shape with `tweak_block_ram_rounds`: block-RAM S-boxes in the first
/// rounds and logic S-boxes after them, in rust-hdl (leaf and round by round) and as exported
/// Verilog under Icarus, against the `aes` crate.
#[test]
fn pipeline_with_block_ram_s_boxes_in_its_first_rounds_only_matches_the_aes_crate() {
    let seed = test_seed("pipeline_with_block_ram_s_boxes_in_its_first_rounds_only_matches_the_aes_crate");
    let mut failures = Vec::new();
    for (i, (key_bytes, style_rounds, slots)) in [(16, 6, 4), (32, 3, 2)].into_iter().enumerate() {
        let (direction, placement) = (Direction::Encrypt, RoundRegisters::PerThirdRound);
        let build = || StoredKeyPipeline::with_style_rounds(direction, key_bytes, placement, SboxStyle::BlockRam, slots, style_rounds);
        let label = format!("{}-block-ram-rounds-{style_rounds}", name(direction, key_bytes, placement, SboxStyle::BlockRam, slots));
        let script = stored_key_script(direction, key_bytes, AesPipeline::latency(key_bytes, placement), slots, 120, seed.wrapping_add(i as u64));
        for (kind, pipeline) in [("leaf", build()), ("rounds", build().with_round_simulation())] {
            if let Err(e) = run_script_in_rust_hdl(pipeline, &script) {
                failures.push(format!("{label} ({kind}): {e:#}"));
            }
        }
        let mut pipeline = build();
        pipeline.connect_all();
        let verilog = generate_verilog(&pipeline);
        // The first rounds' banks read block-RAM tables, the later ones do not.
        let memories = verilog.matches("rom_style = \"block\"").count();
        if memories == 0 || !verilog.contains("gf16_mul") {
            failures.push(format!("{label}: expected both block-RAM and logic S-box banks in the Verilog ({memories} block-RAM declarations)"));
        }
        let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stored_key_icarus").join(&label);
        match run_script_under_icarus(&work, &verilog, key_bytes, &script) {
            Ok(cycles) => println!("{label}: {cycles} cycles under Icarus"),
            Err(e) => failures.push(format!("{label}: {e:#}")),
        }
    }
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}
