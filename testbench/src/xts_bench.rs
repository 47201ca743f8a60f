//! Lock-step checks of the XTS datapath ([`XtsCipher`]) against `xts-mode`.
//!
//! Jobs are whole data units: the expected blocks come from `xts-mode` on the data unit
//! (the authority), never from the block-level model. Blocks enter with random bubbles; every
//! cycle's `valid_out` and (when valid) `block_out` are checked at the promised latency.

use crate::bytes::{drive, hex, sample_block};
use crate::driver::ClockedDriver;
use mee_hdl::aes::pipeline::Direction;
use mee_hdl::xts::cipher::XtsCipher;
use mee_reference::key_schedule::decryption_key_form;
use mee_reference::xts::{decrypt_data_unit, encrypt_data_unit, KeyPair};
use mee_reference::{RoundRegisters, SboxStyle};
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// One data unit to push through the datapath.
#[derive(Clone, Debug)]
pub struct DataUnitJob {
    /// The key pair.
    pub keys: KeyPair,
    /// Data-unit sequence number.
    pub dusn: u128,
    /// Input: plaintext (encrypt) or ciphertext (decrypt), a multiple of 16 bytes.
    pub input: Vec<u8>,
    /// Expected output, from `xts-mode` or a standard vector.
    pub expected: Vec<u8>,
}

impl DataUnitJob {
    /// A job whose expectation is computed by `xts-mode`.
    pub fn from_xts_mode(direction: Direction, keys: KeyPair, dusn: u128, input: Vec<u8>) -> Self {
        let mut expected = input.clone();
        let result = match direction {
            Direction::Encrypt => encrypt_data_unit(&keys, dusn, &mut expected),
            Direction::Decrypt => decrypt_data_unit(&keys, dusn, &mut expected),
        };
        result.expect("data unit of at least one block");
        Self { keys, dusn, input, expected }
    }
}

/// A datapath configuration.
#[derive(Clone, Copy, Debug)]
pub struct XtsVariant {
    /// Encrypt or decrypt.
    pub direction: Direction,
    /// 16 or 32.
    pub key_bytes: usize,
    /// Data-unit size in bytes (power of two, 16..=4096).
    pub data_unit_bytes: usize,
    /// Register placement.
    pub placement: RoundRegisters,
    /// S-box style.
    pub style: SboxStyle,
}

/// Runs the jobs (every block of every data unit, in order, with bubbles) and checks every
/// cycle. Returns the number of blocks checked.
pub fn run_xts(variant: XtsVariant, jobs: &[DataUnitJob], seed: u64, bubble_probability: f64) -> Result<usize, String> {
    let index_bits = (variant.data_unit_bytes / 16).trailing_zeros() as usize;
    let latency = XtsCipher::latency(variant.key_bytes, variant.placement);
    let mut sim = ClockedDriver::new(XtsCipher::new(variant.direction, variant.key_bytes, index_bits, variant.placement, variant.style));
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    sim.uut.reset.next = true;
    sim.evaluate();
    sim.rising_edge();
    sim.uut.reset.next = false;
    let mut queue: VecDeque<(usize, usize)> = jobs
        .iter()
        .enumerate()
        .flat_map(|(n, job)| (0..job.input.len() / 16).map(move |b| (n, b)))
        .collect();
    let total = queue.len();
    let mut in_flight: VecDeque<Option<(usize, usize)>> = VecDeque::from(vec![None; latency]);
    let mut checked = 0;
    while checked < total {
        let next = match queue.front() {
            Some(_) if !rng.gen_bool(bubble_probability) => queue.pop_front(),
            _ => None,
        };
        let entering = if let Some((n, b)) = next {
            let job = &jobs[n];
            let key1 = match variant.direction {
                Direction::Encrypt => job.keys.key1.clone(),
                Direction::Decrypt => decryption_key_form(&job.keys.key1),
            };
            sim.uut.valid_in.next = true;
            drive(&mut sim.uut.block_in, &job.input[16 * b..16 * b + 16]);
            drive(&mut sim.uut.dusn, &job.dusn.to_le_bytes());
            sim.uut.block_index.next = Bits::<8>::from(b as LiteralType);
            drive(&mut sim.uut.key1, &key1);
            drive(&mut sim.uut.key2, &job.keys.key2);
            Some((n, b))
        } else {
            sim.uut.valid_in.next = false;
            None
        };
        in_flight.push_back(entering);
        sim.evaluate();
        let due = in_flight.pop_front().flatten();
        let cycle = sim.cycle();
        match (due, sim.uut.valid_out.val()) {
            (None, true) => return Err(format!("cycle {cycle}: valid_out is 1 but no block is due")),
            (Some((n, b)), false) => return Err(format!("cycle {cycle}: valid_out is 0 but block {b} of job {n} is due")),
            (Some((n, b)), true) => {
                let got = sample_block(&sim.uut.block_out);
                let want = &jobs[n].expected[16 * b..16 * b + 16];
                if got != want {
                    return Err(format!(
                        "cycle {cycle}: job {n} (dusn {:#x}) block {b}: block_out {} but xts-mode gives {}",
                        jobs[n].dusn, hex(&got), hex(want)
                    ));
                }
                checked += 1;
            }
            (None, false) => {}
        }
        sim.rising_edge();
    }
    Ok(checked)
}
