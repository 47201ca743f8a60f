//! The hand-written Verilog of the leaf primitives and the exported Verilog of whole AES
//! pipelines, run under Icarus Verilog and checked against independent computations:
//! S-boxes against the FIPS-197 S-box (all 256 inputs, every style and direction),
//! MixColumns against GF(2^8) arithmetic, the α^j multiplier against the reference model, and
//! AES pipelines cycle by cycle against the `aes` crate; likewise the reversible S-box bank,
//! MixColumns and iterative unit with the direction changing from step to step.

use mee_hdl::aes::pipeline::{AesPipeline, Direction};
use mee_hdl::xts::alpha_power::AlphaPowerMultiplier;
use mee_hdl::aes::column_unit::ColumnAesUnit;
use mee_hdl::aes::iterative_unit::IterativeAesUnit;
use mee_hdl::aes::mix_columns::{MixColumns, ReversibleMixColumns};
use mee_hdl::aes::sbox::{PipelinedSboxBank, ReversibleSboxBank, SboxBank};
use mee_reference::key_schedule::{decryption_key_form, gf256_mul, inverse_sbox, sbox};
use mee_reference::xts::{aes_decrypt, aes_encrypt, mul_alpha_pow};
use mee_reference::{RoundRegisters, SboxStyle};
use mee_testbench::iverilog::{run_vectors, Port};
use mee_testbench::seed::test_seed;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::path::PathBuf;

fn work(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

fn verilog_of<B: Block>(mut block: B) -> String {
    block.connect_all();
    generate_verilog(&block)
}

fn bytes(prefix: &str, n: usize) -> Vec<Port> {
    (0..n).map(|k| Port::new(format!("{prefix}${k}"), 8)).collect()
}

#[test]
fn sbox_verilog_of_every_style_and_direction_is_the_fips197_sbox() {
    let lanes = 4;
    for style in SboxStyle::ALL {
        for inverse in [false, true] {
            let verilog = verilog_of(SboxBank::new(lanes, style, inverse));
            let steps: Vec<Vec<u64>> = (0..256u64).map(|v| (0..lanes as u64).map(|k| (v + 37 * k) % 256).collect()).collect();
            let name = format!("sbox_{}_{}", style.name(), inverse);
            let out = run_vectors(&work(&name), &verilog, "top", &bytes("x", lanes), &bytes("y", lanes), None, &steps)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            for (step, row) in steps.iter().zip(&out) {
                for (x, y) in step.iter().zip(row) {
                    let want = if inverse { inverse_sbox(*x as u8) } else { sbox(*x as u8) };
                    assert_eq!(*y as u8, want, "{name}: S-box of {x:#04x}");
                }
            }
        }
    }
}

#[test]
fn pipelined_sbox_verilog_is_the_fips197_sbox_now_or_one_cycle_later() {
    let lanes = 3;
    for style in SboxStyle::ALL {
        for inverse in [false, true] {
            let want = |x: u64| if inverse { inverse_sbox(x as u8) } else { sbox(x as u8) };
            // After a reset the register reads as the S-box of the input whose tower-field
            // image is zero: 00 forward, 63 = S(00) inverse; a block RAM's read register
            // clears to 00.
            let cleared = match style {
                SboxStyle::BlockRam => 0x00,
                _ => want(if inverse { u64::from(sbox(0)) } else { 0 }),
            };
            for registered in [false, true] {
                let verilog = verilog_of(PipelinedSboxBank::new(lanes, style, inverse, registered));
                let mut inputs = vec![Port::new("reset", 1)];
                inputs.extend(bytes("x", lanes));
                // Two reset cycles with a non-zero input, then all 256 inputs, then a reset.
                let mut steps: Vec<Vec<u64>> = (0..2).map(|_| vec![1, 0x5a, 0xa5, 0x3c]).collect();
                steps.extend((0..256u64).map(|v| std::iter::once(0).chain((0..lanes as u64).map(|k| (v + 91 * k) % 256)).collect()));
                steps.push(vec![1, 7, 8, 9]);
                steps.push(vec![0, 7, 8, 9]);
                let name = format!("pipelined_sbox_{}_{}_{}", style.name(), inverse, registered);
                let out = run_vectors(&work(&name), &verilog, "top", &inputs, &bytes("y", lanes), Some("clock"), &steps)
                    .unwrap_or_else(|e| panic!("{name}: {e:#}"));
                for (n, row) in out.iter().enumerate().skip(1) {
                    for (lane, y) in row.iter().enumerate() {
                        let expected = match registered {
                            false => want(steps[n][1 + lane]),
                            true if steps[n - 1][0] == 1 => cleared,
                            true => want(steps[n - 1][1 + lane]),
                        };
                        assert_eq!(*y as u8, expected, "{name}: step {n}, lane {lane}");
                    }
                }
            }
        }
    }
}

#[test]
fn reversible_sbox_verilog_is_the_fips197_sbox_in_either_direction() {
    let lanes = 4;
    for style in SboxStyle::ALL {
        let verilog = verilog_of(ReversibleSboxBank::new(lanes, style));
        let mut inputs = vec![Port::new("inverse", 1)];
        inputs.extend(bytes("x", lanes));
        // Every input in both directions, the direction alternating from step to step.
        let steps: Vec<Vec<u64>> = (0..512u64)
            .map(|n| std::iter::once(n % 2).chain((0..lanes as u64).map(|k| (n / 2 + 37 * k) % 256)).collect())
            .collect();
        let name = format!("reversible_sbox_{}", style.name());
        let out = run_vectors(&work(&name), &verilog, "top", &inputs, &bytes("y", lanes), None, &steps)
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        for (step, row) in steps.iter().zip(&out) {
            for (x, y) in step[1..].iter().zip(row) {
                let want = if step[0] == 1 { inverse_sbox(*x as u8) } else { sbox(*x as u8) };
                assert_eq!(*y as u8, want, "{name}: inverse={} S-box of {x:#04x}", step[0]);
            }
        }
    }
}

#[test]
fn reversible_mix_columns_verilog_matches_gf256_arithmetic() {
    let seed = test_seed("reversible_mix_columns_verilog_matches_gf256_arithmetic");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let verilog = verilog_of(ReversibleMixColumns::new());
    let mut inputs = vec![Port::new("inverse", 1)];
    inputs.extend(bytes("x", 16));
    let steps: Vec<Vec<u64>> = (0..400).map(|_| std::iter::once(rng.gen_range(0..2u64)).chain((0..16).map(|_| rng.gen::<u8>() as u64)).collect()).collect();
    let out = run_vectors(&work("reversible_mix"), &verilog, "top", &inputs, &bytes("y", 16), None, &steps).unwrap_or_else(|e| panic!("{e:#}"));
    for (step, row) in steps.iter().zip(&out) {
        let inverse = step[0] == 1;
        let coefficients: [u8; 4] = if inverse { [14, 11, 13, 9] } else { [2, 3, 1, 1] };
        for c in 0..4 {
            for r in 0..4 {
                let want = (0..4).fold(0u8, |acc, i| acc ^ gf256_mul(step[1 + 4 * c + i] as u8, coefficients[(4 + i - r) % 4]));
                assert_eq!(row[4 * c + r] as u8, want, "seed {seed}: inverse={inverse} column {c} row {r}");
            }
        }
    }
}

#[test]
fn mix_columns_verilog_matches_gf256_arithmetic() {
    let seed = test_seed("mix_columns_verilog_matches_gf256_arithmetic");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for inverse in [false, true] {
        let verilog = verilog_of(MixColumns::new(inverse));
        let steps: Vec<Vec<u64>> = (0..200).map(|_| (0..16).map(|_| rng.gen::<u8>() as u64).collect()).collect();
        let out = run_vectors(&work(&format!("mix_{inverse}")), &verilog, "top", &bytes("x", 16), &bytes("y", 16), None, &steps)
            .unwrap_or_else(|e| panic!("{e:#}"));
        let coefficients: [u8; 4] = if inverse { [14, 11, 13, 9] } else { [2, 3, 1, 1] };
        for (step, row) in steps.iter().zip(&out) {
            for c in 0..4 {
                for r in 0..4 {
                    let want = (0..4).fold(0u8, |acc, i| acc ^ gf256_mul(step[4 * c + i] as u8, coefficients[(4 + i - r) % 4]));
                    assert_eq!(row[4 * c + r] as u8, want, "seed {seed}: inverse={inverse} column {c} row {r}");
                }
            }
        }
    }
}

#[test]
fn alpha_power_verilog_matches_the_reference_model() {
    let seed = test_seed("alpha_power_verilog_matches_the_reference_model");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for index_bits in [0usize, 1, 5, 8] {
        let verilog = verilog_of(AlphaPowerMultiplier::new(index_bits));
        let mut inputs = bytes("t", 16);
        inputs.push(Port::new("j", 8));
        let steps: Vec<Vec<u64>> = (0..150)
            .map(|n| {
                let mut v: Vec<u64> = (0..16).map(|_| rng.gen::<u8>() as u64).collect();
                v.push(if n < 2 { 255 } else { rng.gen::<u8>() as u64 });
                v
            })
            .collect();
        let out = run_vectors(&work(&format!("alpha_{index_bits}")), &verilog, "top", &inputs, &bytes("y", 16), None, &steps)
            .unwrap_or_else(|e| panic!("{e:#}"));
        for (step, row) in steps.iter().zip(&out) {
            let t: [u8; 16] = core::array::from_fn(|k| step[k] as u8);
            let j = step[16] & ((1u64 << index_bits) - 1);
            let want = mul_alpha_pow(t, j);
            let got: Vec<u8> = row.iter().map(|&b| b as u8).collect();
            assert_eq!(got, want.to_vec(), "seed {seed}: index_bits {index_bits}, j {j}");
        }
    }
}

#[test]
fn exported_aes_pipelines_match_the_aes_crate_cycle_by_cycle() {
    let seed = test_seed("exported_aes_pipelines_match_the_aes_crate_cycle_by_cycle");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let variants = [
        (Direction::Encrypt, 16, RoundRegisters::PerRound, SboxStyle::Composite),
        (Direction::Decrypt, 16, RoundRegisters::PerHalfRound, SboxStyle::Table),
        (Direction::Encrypt, 16, RoundRegisters::PerThirdRound, SboxStyle::Composite),
        (Direction::Decrypt, 32, RoundRegisters::PerThirdRound, SboxStyle::Composite),
        (Direction::Decrypt, 16, RoundRegisters::PerThirdRound, SboxStyle::Table),
        (Direction::Encrypt, 16, RoundRegisters::PerThirdRound, SboxStyle::BlockRam),
        (Direction::Decrypt, 32, RoundRegisters::PerThirdRound, SboxStyle::BlockRam),
        (Direction::Encrypt, 32, RoundRegisters::PerTwoRounds, SboxStyle::Table),
        (Direction::Decrypt, 32, RoundRegisters::PerTwoRounds, SboxStyle::Composite),
        (Direction::Encrypt, 32, RoundRegisters::Iterative, SboxStyle::Composite),
        (Direction::Decrypt, 16, RoundRegisters::Iterative, SboxStyle::Table),
    ];
    for (direction, key_bytes, placement, style) in variants {
        let latency = AesPipeline::latency(key_bytes, placement);
        let verilog = verilog_of(AesPipeline::new(direction, key_bytes, placement, style));
        let mut inputs = vec![Port::new("reset", 1), Port::new("valid_in", 1)];
        inputs.extend(bytes("data_in", 16));
        inputs.extend(bytes("key_in", key_bytes));
        let mut outputs = vec![Port::new("valid_out", 1)];
        outputs.extend(bytes("data_out", 16));
        let mut steps = Vec::new();
        let mut expected: Vec<Option<[u8; 16]>> = Vec::new();
        // The iterative unit takes a block every latency + 1 cycles.
        let interval = if placement.is_pipelined() { 1 } else { latency + 1 };
        let mut since_last_entry = interval;
        for n in 0..160 {
            let reset = n < 2;
            let valid = !reset && since_last_entry >= interval && rng.gen_bool(0.8);
            since_last_entry = if valid { 1 } else { since_last_entry + 1 };
            let key: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
            let block: [u8; 16] = rng.gen();
            let (key_port, out) = match direction {
                Direction::Encrypt => (key.clone(), aes_encrypt(&key, block)),
                Direction::Decrypt => (decryption_key_form(&key), aes_decrypt(&key, block)),
            };
            let mut step = vec![reset as u64, valid as u64];
            step.extend(block.iter().map(|&b| b as u64));
            step.extend(key_port.iter().map(|&b| b as u64));
            steps.push(step);
            expected.push(valid.then_some(out));
        }
        let name = format!("aes_{direction:?}_{key_bytes}_{}_{}", placement.name(), style.name());
        let out = run_vectors(&work(&name), &verilog, "top", &inputs, &outputs, Some("clock"), &steps)
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        for (cycle, row) in out.iter().enumerate().skip(2) {
            let due = if cycle >= latency { expected[cycle - latency] } else { None };
            assert_eq!(row[0] == 1, due.is_some(), "seed {seed}: {name}: valid_out in cycle {cycle}");
            if let Some(want) = due {
                let got: Vec<u8> = row[1..].iter().map(|&b| b as u8).collect();
                assert_eq!(got, want.to_vec(), "seed {seed}: {name}: data_out in cycle {cycle}");
            }
        }
    }
}

#[test]
fn exported_iterative_unit_encrypts_and_decrypts_like_the_aes_crate() {
    let seed = test_seed("exported_iterative_unit_encrypts_and_decrypts_like_the_aes_crate");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for (key_bytes, style) in [(16, SboxStyle::Composite), (32, SboxStyle::Table)] {
        let verilog = verilog_of(IterativeAesUnit::new(key_bytes, style));
        check_exported_both_ways_unit(&mut rng, seed, "iterative_unit", key_bytes, style, IterativeAesUnit::latency(key_bytes), &verilog, 200);
    }
}

/// The column-per-cycle unit, exported, under Icarus against the `aes` crate.
#[test]
fn exported_column_unit_encrypts_and_decrypts_like_the_aes_crate() {
    let seed = test_seed("exported_column_unit_encrypts_and_decrypts_like_the_aes_crate");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for (key_bytes, style) in [(16, SboxStyle::Composite), (32, SboxStyle::Table)] {
        let verilog = verilog_of(ColumnAesUnit::new(key_bytes, style));
        check_exported_both_ways_unit(&mut rng, seed, "column_unit", key_bytes, style, ColumnAesUnit::latency(key_bytes), &verilog, 700);
    }
}

/// Runs `cycles` cycles of random blocks, offered whether the unit is ready or not, through
/// the exported Verilog of a unit that encrypts and decrypts, and checks `valid_out`, `ready`
/// and `data_out` in every cycle against the `aes` crate.
#[allow(clippy::too_many_arguments)]
fn check_exported_both_ways_unit(rng: &mut impl Rng, seed: u64, label: &str, key_bytes: usize, style: SboxStyle, latency: usize, verilog: &str, cycles: usize) {
    let mut inputs = vec![Port::new("reset", 1), Port::new("valid_in", 1), Port::new("decrypt_in", 1)];
    inputs.extend(bytes("data_in", 16));
    inputs.extend(bytes("key_in", key_bytes));
    let mut outputs = vec![Port::new("valid_out", 1), Port::new("ready", 1)];
    outputs.extend(bytes("data_out", 16));
    let mut steps = Vec::new();
    let mut expected: Vec<Option<[u8; 16]>> = Vec::new();
    let mut ready_expected = Vec::new();
    let mut since_last_entry = latency + 1;
    for n in 0..cycles {
        let reset = n < 2;
        // Blocks are offered while the unit is busy too; it must ignore them.
        let offered = !reset && rng.gen_bool(0.6);
        let ready = !reset && since_last_entry > latency;
        let entered = offered && ready;
        since_last_entry = if entered { 1 } else { since_last_entry + 1 };
        let decrypt = rng.gen_bool(0.5);
        let key: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
        let block: [u8; 16] = rng.gen();
        let (key_port, out) = if decrypt { (decryption_key_form(&key), aes_decrypt(&key, block)) } else { (key.clone(), aes_encrypt(&key, block)) };
        let mut step = vec![reset as u64, offered as u64, decrypt as u64];
        step.extend(block.iter().map(|&b| b as u64));
        step.extend(key_port.iter().map(|&b| b as u64));
        steps.push(step);
        expected.push(entered.then_some(out));
        ready_expected.push(ready);
    }
    let name = format!("{label}_{key_bytes}_{}", style.name());
    let out = run_vectors(&work(&name), verilog, "top", &inputs, &outputs, Some("clock"), &steps)
        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
    for (cycle, row) in out.iter().enumerate().skip(2) {
        let due = if cycle >= latency { expected[cycle - latency] } else { None };
        assert_eq!(row[0] == 1, due.is_some(), "seed {seed}: {name}: valid_out in cycle {cycle}");
        assert_eq!(row[1] == 1, ready_expected[cycle], "seed {seed}: {name}: ready in cycle {cycle}");
        if let Some(want) = due {
            let got: Vec<u8> = row[2..].iter().map(|&b| b as u8).collect();
            assert_eq!(got, want.to_vec(), "seed {seed}: {name}: data_out in cycle {cycle}");
        }
    }
}

/// The module paths of an engine's Verilog (`top$core$pipelines$encrypt`, ...), and which of them are
/// stubs of units the config does not use.
fn engine_modules(config: &mee_reference::EngineConfig) -> (Vec<String>, Vec<String>) {
    let verilog = verilog_of(mee_hdl::engine::engine_top::Engine::new(config));
    let mut modules = Vec::new();
    let mut stubs = Vec::new();
    for part in verilog.split("\nmodule ").skip(1) {
        let name = part.split('(').next().unwrap_or_default().trim().to_string();
        if part.split("endmodule").next().unwrap_or_default().contains("Not used by this config") {
            stubs.push(name.clone());
        }
        modules.push(name);
    }
    (modules, stubs)
}

/// Each engine kind exports only the AES units it uses: the others are stubs, and nothing
/// inside them (no round, no S-box) reaches the Verilog. The feed of a shared tweak pipeline
/// is built only where the tweak pipeline is shared.
#[test]
fn each_engine_exports_only_the_aes_units_of_its_kind() {
    use mee_reference::EngineConfig;
    let inside = |modules: &[String], unit: &str| modules.iter().filter(|m| m.starts_with(&format!("{unit}$"))).count();
    // The default (pipelined) engine: the one-way pipelines, no shared datapath.
    let (modules, stubs) = engine_modules(&EngineConfig::default());
    // (and no shared tweak pipeline: the feed of tweaks and writes into it is a stub too).
    assert_eq!(stubs, ["top$core$feed", "top$core$shared_unit"], "the default engine's stubs");
    assert_eq!(inside(&modules, "top$core$shared_unit"), 0);
    assert!(inside(&modules, "top$core$pipelines$encrypt") > 10 && inside(&modules, "top$core$pipelines$decrypt") > 10);
    // A shared tweak pipeline: the feed with its slip queue, and no AES unit in the tweak unit.
    let mut config = EngineConfig::default();
    config.pipeline.tweak_pipeline = mee_reference::TweakPipeline::Shared;
    config.pipeline.round_keys = Some(mee_reference::RoundKeys::OnTheFly);
    let (modules, mut stubs) = engine_modules(&config);
    stubs.sort();
    assert_eq!(stubs, ["top$core$keys$key2_expander", "top$core$shared_unit", "top$core$tweak$aes"], "shared tweak pipeline: stubs");
    assert!(inside(&modules, "top$core$feed") > 0, "shared tweak pipeline: the feed is built");
    // The shared engine: its iterative unit only, and a stub of every other AES unit.
    for (placement, used, unused) in [(RoundRegisters::Shared, "iterative", "column"), (RoundRegisters::SharedColumn, "column", "iterative")] {
        let mut config = EngineConfig::default();
        config.pipeline.round_registers = placement;
        config.pipeline.sbox = Some(SboxStyle::Composite);
        let (modules, mut stubs) = engine_modules(&config);
        stubs.sort();
        let mut expected = vec![
            // The pipelined datapath with both one-way units, and the shared tweak's feed.
            "top$core$pipelines".to_string(),
            "top$core$feed".to_string(),
            // Keys on the fly: no tweak-key round keys to expand.
            "top$core$keys$key2_expander".to_string(),
            format!("top$core$shared_unit${unused}"),
            "top$core$tweak$aes".to_string(),
        ];
        expected.sort();
        assert_eq!(stubs, expected, "{placement:?}: stubs");
        assert!(inside(&modules, &format!("top$core$shared_unit${used}")) > 0, "{placement:?}: the {used} unit is built");
        for stub in &expected {
            assert_eq!(inside(&modules, stub), 0, "{placement:?}: nothing inside {stub}");
        }
    }
}
