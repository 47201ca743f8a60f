//! The XTS datapath (tweak unit + data pipeline) in rust-hdl simulation, both directions,
//! against `xts-mode`: the IEEE 1619 vectors with power-of-two data units, and random data
//! units of every size from 16 to 4096 bytes with random 128-bit sequence numbers (so α^j
//! carries out of bit 127 in many blocks).

use mee_hdl::aes::pipeline::Direction;
use mee_reference::xts::KeyPair;
use mee_reference::{RoundRegisters, SboxStyle};
use mee_testbench::seed::test_seed;
use mee_testbench::vectors::ieee1619_vectors;
use mee_testbench::xts_bench::{run_xts, DataUnitJob, XtsVariant};
use rand::{Rng, SeedableRng};

fn variant(direction: Direction, key_bytes: usize, data_unit_bytes: usize) -> XtsVariant {
    XtsVariant { direction, key_bytes, data_unit_bytes, placement: RoundRegisters::PerRound, style: SboxStyle::Table }
}

#[test]
fn ieee1619_vectors_through_the_xts_datapath() {
    let vectors = ieee1619_vectors().expect("IEEE 1619 vectors");
    let mut run = 0;
    for v in &vectors {
        let du = v.plaintext.len();
        if !du.is_power_of_two() || du < 16 {
            continue;
        }
        let keys = KeyPair::new(&v.key1, &v.key2).expect("vector keys");
        let key_bytes = v.key1.len();
        let encrypt = DataUnitJob { keys: keys.clone(), dusn: v.dusn, input: v.plaintext.clone(), expected: v.ciphertext.clone() };
        let decrypt = DataUnitJob { keys, dusn: v.dusn, input: v.ciphertext.clone(), expected: v.plaintext.clone() };
        run_xts(variant(Direction::Encrypt, key_bytes, du), &[encrypt], 1, 0.2)
            .unwrap_or_else(|e| panic!("{} encrypt: {e}", v.name));
        run_xts(variant(Direction::Decrypt, key_bytes, du), &[decrypt], 2, 0.2)
            .unwrap_or_else(|e| panic!("{} decrypt: {e}", v.name));
        run += 1;
    }
    println!("IEEE 1619 vectors through the hardware datapath: {run} of {}", vectors.len());
    assert!(run >= 14, "expected the 14 power-of-two IEEE vectors, ran {run}");
}

#[test]
fn random_data_units_of_every_size_match_xts_mode() {
    let seed = test_seed("random_data_units_of_every_size_match_xts_mode");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut failures = Vec::new();
    let mut blocks = 0;
    for shift in 4..=12 {
        let du = 1usize << shift;
        for (direction, key_bytes) in [(Direction::Encrypt, 16), (Direction::Decrypt, 16), (Direction::Encrypt, 32), (Direction::Decrypt, 32)] {
            // At least 64 blocks per case: several small data units, or one large one (whose
            // last blocks exercise the high bits of j).
            let units = (64 / (du / 16)).max(1);
            let jobs: Vec<DataUnitJob> = (0..units)
                .map(|_| {
                    let key1: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
                    let key2: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
                    let data: Vec<u8> = (0..du).map(|_| rng.gen()).collect();
                    DataUnitJob::from_xts_mode(direction, KeyPair::new(&key1, &key2).expect("sizes"), rng.gen(), data)
                })
                .collect();
            match run_xts(variant(direction, key_bytes, du), &jobs, rng.gen(), 0.2) {
                Ok(n) => blocks += n,
                Err(e) => failures.push(format!("du {du} {direction:?} aes{}: {e}", key_bytes * 8)),
            }
        }
    }
    println!("random data units: {blocks} blocks checked");
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}
