//! The hardware decryption-key expander: against the reference model's FIPS-197 key
//! expansion (itself checked against FIPS-197 A.1 and A.3), with its handshake checked every
//! cycle; restarted and reset in the middle of an expansion; feeding the decryption pipelines;
//! and its exported Verilog under Icarus Verilog.

use mee_hdl::aes::pipeline::Direction;
use mee_hdl::aes::key_expansion::DecryptionKeyExpander;
use mee_reference::key_schedule::decryption_key_form;
use mee_reference::{RoundRegisters, SboxStyle};
use mee_testbench::aes_bench::{run_aes_pipeline_with_key_form, AesVariant};
use mee_testbench::bytes::{hex, sample};
use mee_testbench::iverilog::{run_vectors, Port};
use mee_testbench::key_expansion_bench::HardwareKeyExpander;
use mee_testbench::seed::test_seed;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::path::PathBuf;

const FIPS197_A1_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";
const FIPS197_A3_KEY: &str = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";

#[test]
fn expander_computes_the_decryption_key_form_for_every_size_and_style() {
    let seed = test_seed("expander_computes_the_decryption_key_form_for_every_size_and_style");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for (key_bytes, fips_key) in [(16, FIPS197_A1_KEY), (32, FIPS197_A3_KEY)] {
        for style in SboxStyle::ALL {
            let mut expander = HardwareKeyExpander::new(key_bytes, style);
            let mut keys = vec![hex::decode(fips_key).unwrap(), vec![0u8; key_bytes], vec![0xffu8; key_bytes]];
            keys.extend((0..300).map(|_| (0..key_bytes).map(|_| rng.gen()).collect::<Vec<u8>>()));
            for key in keys {
                let got = expander.expand(&key).unwrap_or_else(|e| panic!("seed {seed}: AES-{} {}: key {}: {e}", key_bytes * 8, style.name(), hex(&key)));
                assert_eq!(hex(&got), hex(&decryption_key_form(&key)), "seed {seed}: AES-{} {}: key {}", key_bytes * 8, style.name(), hex(&key));
            }
        }
    }
}

#[test]
fn a_new_start_abandons_the_expansion_in_progress_and_reset_clears_the_window() {
    let seed = test_seed("a_new_start_abandons_the_expansion_in_progress_and_reset_clears_the_window");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for key_bytes in [16, 32] {
        let latency = DecryptionKeyExpander::latency(key_bytes);
        let mut expander = HardwareKeyExpander::new(key_bytes, SboxStyle::Composite);
        for _ in 0..20 {
            // Start with one key, restart with another part-way through.
            let first: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
            let second: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
            expander.start(&first);
            let sim = expander.driver();
            for _ in 0..rng.gen_range(0..latency - 1) {
                sim.evaluate();
                assert!(!sim.uut.done.val(), "seed {seed}: done before the expansion finished");
                sim.rising_edge();
            }
            let got = expander.expand(&second).unwrap_or_else(|e| panic!("seed {seed}: after a restart: {e}"));
            assert_eq!(hex(&got), hex(&decryption_key_form(&second)), "seed {seed}: restart with key {}", hex(&second));
            // Reset part-way through: idle, no done, window all zero.
            expander.start(&first);
            let sim = expander.driver();
            for _ in 0..rng.gen_range(0..latency - 1) {
                sim.evaluate();
                sim.rising_edge();
            }
            sim.uut.reset.next = true;
            sim.evaluate();
            sim.rising_edge();
            sim.uut.reset.next = false;
            for _ in 0..latency + 2 {
                sim.evaluate();
                assert!(!sim.uut.busy.val() && !sim.uut.done.val(), "seed {seed}: busy or done after reset");
                assert!(sample(&sim.uut.key_out).iter().all(|&b| b == 0), "seed {seed}: key window not cleared by reset");
                sim.rising_edge();
            }
        }
    }
}

#[test]
fn decryption_pipelines_decrypt_with_key_forms_from_the_hardware_expander() {
    let seed = test_seed("decryption_pipelines_decrypt_with_key_forms_from_the_hardware_expander");
    for (i, key_bytes) in [16usize, 32].into_iter().enumerate() {
        let style = SboxStyle::Composite;
        let variant = AesVariant { direction: Direction::Decrypt, key_bytes, placement: RoundRegisters::PerRound, style };
        let mut expander = HardwareKeyExpander::new(key_bytes, style);
        let report = run_aes_pipeline_with_key_form(variant, 500, seed.wrapping_add(i as u64), 0.25, false, &mut |key| expander.expand(key))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        println!("{} with hardware key forms: {} blocks", variant.name(), report.blocks);
    }
}

#[test]
fn exported_expander_verilog_matches_the_reference_key_schedule() {
    let seed = test_seed("exported_expander_verilog_matches_the_reference_key_schedule");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for (key_bytes, style) in [(16, SboxStyle::Table), (32, SboxStyle::Composite)] {
        let latency = DecryptionKeyExpander::latency(key_bytes);
        let mut block = DecryptionKeyExpander::new(key_bytes, style);
        block.connect_all();
        let verilog = generate_verilog(&block);
        let mut inputs = vec![Port::new("reset", 1), Port::new("start", 1)];
        inputs.extend((0..key_bytes).map(|k| Port::new(format!("key_in${k}"), 8)));
        let mut outputs = vec![Port::new("busy", 1), Port::new("done", 1)];
        outputs.extend((0..key_bytes).map(|k| Port::new(format!("key_out${k}"), 8)));
        let mut steps = Vec::new();
        let mut keys = Vec::new();
        steps.push([vec![1u64, 0], vec![0; key_bytes]].concat());
        for _ in 0..4 {
            let key: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
            steps.push([vec![0u64, 1], key.iter().map(|&b| b as u64).collect()].concat());
            for _ in 0..latency {
                steps.push([vec![0u64, 0], (0..key_bytes).map(|_| rng.gen::<u8>() as u64).collect()].concat());
            }
            keys.push(key);
        }
        let name = format!("expander_{key_bytes}_{}", style.name());
        let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(&name);
        let out = run_vectors(&work, &verilog, "top", &inputs, &outputs, Some("clock"), &steps).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        for (n, key) in keys.iter().enumerate() {
            let start_step = 1 + n * (latency + 1);
            for cycle in 1..=latency {
                let row = &out[start_step + cycle];
                assert_eq!((row[0], row[1]), ((cycle < latency) as u64, (cycle == latency) as u64), "seed {seed}: {name}: busy/done {cycle} cycles after start");
            }
            let row = &out[start_step + latency];
            let got: Vec<u8> = row[2..].iter().map(|&b| b as u8).collect();
            assert_eq!(hex(&got), hex(&decryption_key_form(key)), "seed {seed}: {name}: key {}", hex(key));
        }
    }
}
