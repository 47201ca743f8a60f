//! Lock-step check of an [`AesPipeline`] against the `aes` crate.
//!
//! Random (key, block) pairs enter with random bubbles; in every cycle `valid_out` must equal
//! whether a block entered exactly `latency` cycles earlier, and `data_out` must equal the
//! `aes` crate's result for that block. The first mismatch stops the run with its cycle.
//! An iterative unit gets a block only when its last one entered at least `latency + 1`
//! cycles earlier, and its `ready` and `ready_next` must say exactly that.

use crate::bytes::{drive, sample_block, hex};
use crate::driver::{Clocked, ClockedDriver};
use rust_hdl::prelude::*;
use mee_hdl::aes::column_unit::ColumnAesUnit;
use mee_hdl::aes::iterative_unit::IterativeAesUnit;
use mee_hdl::aes::pipeline::{AesPipeline, Direction};
use mee_reference::key_schedule::decryption_key_form;
use mee_reference::xts::{aes_decrypt, aes_encrypt};
use mee_reference::{RoundRegisters, SboxStyle};
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use std::time::Instant;

/// One pipeline variant.
#[derive(Clone, Copy, Debug)]
pub struct AesVariant {
    /// Encrypt or decrypt.
    pub direction: Direction,
    /// 16 or 32.
    pub key_bytes: usize,
    /// Register placement.
    pub placement: RoundRegisters,
    /// S-box style.
    pub style: SboxStyle,
}

impl AesVariant {
    /// A short name, e.g. `encrypt-aes128-per_round-table`.
    pub fn name(&self) -> String {
        format!(
            "{}-aes{}-{}-{}",
            match self.direction {
                Direction::Encrypt => "encrypt",
                Direction::Decrypt => "decrypt",
            },
            self.key_bytes * 8,
            self.placement.name(),
            self.style.name()
        )
    }

    /// Every combination of direction, key size, register placement and S-box style (`shared`
    /// is an engine arrangement of the iterative unit, not an AES pipeline of its own;
    /// `block_ram` S-boxes only with `per_third_round`, the one placement that takes them).
    pub fn all() -> Vec<AesVariant> {
        let mut out = Vec::new();
        for direction in [Direction::Encrypt, Direction::Decrypt] {
            for key_bytes in [16, 32] {
                for placement in RoundRegisters::ALL.into_iter().filter(|p| !p.is_shared()) {
                    for style in SboxStyle::ALL.into_iter().filter(|&s| s != SboxStyle::BlockRam || placement == RoundRegisters::PerThirdRound) {
                        out.push(AesVariant { direction, key_bytes, placement, style });
                    }
                }
            }
        }
        out
    }
}

/// What a run measured.
#[derive(Clone, Debug)]
pub struct AesRunReport {
    /// Blocks checked at the output.
    pub blocks: usize,
    /// Cycles simulated.
    pub cycles: u64,
    /// Wall-clock seconds of the simulation.
    pub seconds: f64,
    /// The promised latency in cycles.
    pub latency: usize,
}

impl AesRunReport {
    /// Simulated cycles per second.
    pub fn cycles_per_second(&self) -> f64 {
        self.cycles as f64 / self.seconds.max(1e-9)
    }
}

/// Turns a key into the form the decryption pipeline takes (or says why it cannot).
pub type KeyForm<'a> = dyn FnMut(&[u8]) -> Result<Vec<u8>, String> + 'a;

/// A block in flight through a pipeline: input, expected output, key.
type PipelineBlock = ([u8; 16], [u8; 16], Vec<u8>);

/// A block in flight through the iterative unit: decrypting, expected output, key.
type IterativeBlock = (bool, [u8; 16], Vec<u8>);

/// Runs `blocks` random blocks through the variant with input bubbles of probability
/// `bubble_probability`, checking every cycle. Returns the first mismatch as an error.
/// Decryption keys enter in the form of the reference model's `decryption_key_form`. The
/// pipeline is simulated round by round ([`AesPipeline::with_round_simulation`]).
pub fn run_aes_pipeline(variant: AesVariant, blocks: usize, seed: u64, bubble_probability: f64) -> Result<AesRunReport, String> {
    run_aes_pipeline_with_key_form(variant, blocks, seed, bubble_probability, true, &mut |key| Ok(decryption_key_form(key)))
}

/// As [`run_aes_pipeline`], with the pipeline simulated as the one leaf the engines use.
pub fn run_aes_pipeline_as_leaf(variant: AesVariant, blocks: usize, seed: u64, bubble_probability: f64) -> Result<AesRunReport, String> {
    run_aes_pipeline_with_key_form(variant, blocks, seed, bubble_probability, false, &mut |key| Ok(decryption_key_form(key)))
}

/// As [`run_aes_pipeline`], with decryption key forms from `key_form` (e.g. the hardware
/// expander); an error from it stops the run. With `simulate_rounds` the pipeline is simulated
/// round by round, else as one leaf.
pub fn run_aes_pipeline_with_key_form(
    variant: AesVariant,
    blocks: usize,
    seed: u64,
    bubble_probability: f64,
    simulate_rounds: bool,
    key_form: &mut KeyForm<'_>,
) -> Result<AesRunReport, String> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let latency = AesPipeline::latency(variant.key_bytes, variant.placement);
    let mut pipeline = AesPipeline::new(variant.direction, variant.key_bytes, variant.placement, variant.style);
    if simulate_rounds {
        pipeline = pipeline.with_round_simulation();
    }
    let mut sim = ClockedDriver::new(pipeline);
    // Reset for two cycles.
    for _ in 0..2 {
        sim.uut.reset.next = true;
        sim.uut.valid_in.next = false;
        sim.evaluate();
        sim.rising_edge();
    }
    sim.uut.reset.next = false;
    // expected[t] = what must leave in cycle t (None: nothing).
    let mut in_flight: VecDeque<Option<PipelineBlock>> = VecDeque::from(vec![None; latency]);
    let mut sent = 0usize;
    let mut checked = 0usize;
    // Cycles between two blocks entering, as documented for each placement.
    let interval = if variant.placement.is_pipelined() { 1 } else { latency + 1 };
    let mut since_last_entry = usize::MAX / 2;
    let start = Instant::now();
    while checked < blocks {
        let may_enter = since_last_entry >= interval;
        let entering = if sent < blocks && may_enter && !rng.gen_bool(bubble_probability) {
            let key: Vec<u8> = (0..variant.key_bytes).map(|_| rng.gen()).collect();
            let block: [u8; 16] = rng.gen();
            let (key_port, expected) = match variant.direction {
                Direction::Encrypt => (key.clone(), aes_encrypt(&key, block)),
                Direction::Decrypt => (key_form(&key).map_err(|e| format!("{}: key form of {}: {e}", variant.name(), hex(&key)))?, aes_decrypt(&key, block)),
            };
            drive(&mut sim.uut.data_in, &block);
            drive(&mut sim.uut.key_in, &key_port);
            sim.uut.valid_in.next = true;
            sent += 1;
            Some((block, expected, key))
        } else {
            sim.uut.valid_in.next = false;
            let junk: [u8; 16] = rng.gen();
            drive(&mut sim.uut.data_in, &junk);
            None
        };
        let entered = entering.is_some();
        in_flight.push_back(entering);
        sim.evaluate();
        let expected = in_flight.pop_front().flatten();
        let cycle = sim.cycle();
        if sim.uut.ready.val() != may_enter {
            return Err(format!("{}: cycle {cycle}: ready is {} but the last block entered {since_last_entry} cycles ago (interval {interval})", variant.name(), sim.uut.ready.val()));
        }
        if !entered && sim.uut.ready_next.val() != (since_last_entry + 1 >= interval) {
            return Err(format!("{}: cycle {cycle}: ready_next is {} but the last block entered {since_last_entry} cycles ago (interval {interval})", variant.name(), sim.uut.ready_next.val()));
        }
        since_last_entry = if entered { 1 } else { since_last_entry + 1 };
        let valid = sim.uut.valid_out.val();
        match (&expected, valid) {
            (None, true) => return Err(format!("{}: cycle {cycle}: valid_out is 1 but no block is due (latency {latency})", variant.name())),
            (Some((block, _, key)), false) => {
                return Err(format!("{}: cycle {cycle}: valid_out is 0 but block {} (key {}) is due (latency {latency})", variant.name(), hex(block), hex(key)))
            }
            (Some((block, want, key)), true) => {
                let got = sample_block(&sim.uut.data_out);
                if &got != want {
                    return Err(format!(
                        "{}: cycle {cycle}: data_out {} differs from the aes crate's {} (input {}, key {})",
                        variant.name(), hex(&got), hex(want), hex(block), hex(key)
                    ));
                }
                checked += 1;
            }
            (None, false) => {}
        }
        sim.rising_edge();
    }
    Ok(AesRunReport { blocks: checked, cycles: sim.cycle(), seconds: start.elapsed().as_secs_f64(), latency })
}

/// The AES units that run both ciphers, the direction chosen per block: the one-round
/// [`IterativeAesUnit`] and the column-per-cycle [`ColumnAesUnit`]. They share their ports and
/// handshake and differ in latency.
pub trait BothWaysAesUnit: Clocked + Sized {
    /// The unit's name in messages.
    const NAME: &'static str;
    /// A unit for `key_bytes` keys with S-boxes of `style`.
    fn build(key_bytes: usize, style: SboxStyle) -> Self;
    /// Cycles from a block's `valid_in` to its `valid_out`.
    fn unit_latency(key_bytes: usize) -> usize;
    /// The synchronous reset.
    fn reset_input(&mut self) -> &mut Signal<In, Bit>;
    /// The inputs: `valid_in`, `decrypt_in`, `data_in`, `key_in`.
    #[allow(clippy::type_complexity)]
    fn inputs(&mut self) -> (&mut Signal<In, Bit>, &mut Signal<In, Bit>, &mut [Signal<In, Bits<8>>], &mut [Signal<In, Bits<8>>]);
    /// The outputs: `valid_out`, `data_out`, `ready`, `ready_next`.
    fn outputs(&self) -> (bool, [u8; 16], bool, bool);
}

macro_rules! both_ways_unit {
    ($unit:ty, $name:expr) => {
        impl BothWaysAesUnit for $unit {
            const NAME: &'static str = $name;
            fn build(key_bytes: usize, style: SboxStyle) -> Self {
                <$unit>::new(key_bytes, style)
            }
            fn unit_latency(key_bytes: usize) -> usize {
                <$unit>::latency(key_bytes)
            }
            fn reset_input(&mut self) -> &mut Signal<In, Bit> {
                &mut self.reset
            }
            fn inputs(&mut self) -> (&mut Signal<In, Bit>, &mut Signal<In, Bit>, &mut [Signal<In, Bits<8>>], &mut [Signal<In, Bits<8>>]) {
                (&mut self.valid_in, &mut self.decrypt_in, &mut self.data_in, &mut self.key_in)
            }
            fn outputs(&self) -> (bool, [u8; 16], bool, bool) {
                (self.valid_out.val(), sample_block(&self.data_out), self.ready.val(), self.ready_next.val())
            }
        }
    };
}

both_ways_unit!(IterativeAesUnit, "iterative unit");
both_ways_unit!(ColumnAesUnit, "column unit");

/// Runs `blocks` random blocks through a [`BothWaysAesUnit`], each encrypted or decrypted
/// at random, checking every cycle against the `aes` crate: `valid_out` exactly the unit's
/// latency after a block entered, `data_out` the expected result, `ready` and `ready_next`
/// exactly when the last block entered at least latency + 1 (or latency) cycles earlier.
/// Blocks are also offered while the unit is not ready; it must ignore them. Returns the first
/// mismatch as an error.
pub fn run_both_ways_aes_unit<U: BothWaysAesUnit>(key_bytes: usize, style: SboxStyle, blocks: usize, seed: u64) -> Result<AesRunReport, String> {
    let name = format!("{}, AES-{}, {}", U::NAME, key_bytes * 8, style.name());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let latency = U::unit_latency(key_bytes);
    let interval = latency + 1;
    let mut sim = ClockedDriver::new(U::build(key_bytes, style));
    for _ in 0..2 {
        sim.uut.reset_input().next = true;
        sim.uut.inputs().0.next = false;
        sim.evaluate();
        sim.rising_edge();
    }
    sim.uut.reset_input().next = false;
    let mut in_flight: VecDeque<Option<IterativeBlock>> = VecDeque::from(vec![None; latency]);
    let mut since_last_entry = usize::MAX / 2;
    let (mut checked, mut sent) = (0usize, 0usize);
    let start = Instant::now();
    while checked < blocks {
        let may_enter = since_last_entry >= interval;
        // Offer a block most cycles, ready or not.
        let offered = sent < blocks && rng.gen_bool(0.7);
        let decrypt = rng.gen_bool(0.5);
        let key: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
        let block: [u8; 16] = rng.gen();
        let (key_port, want) = if decrypt { (decryption_key_form(&key), aes_decrypt(&key, block)) } else { (key.clone(), aes_encrypt(&key, block)) };
        let (valid_in, decrypt_in, data_in, key_in) = sim.uut.inputs();
        drive(data_in, &block);
        drive(key_in, &key_port);
        valid_in.next = offered;
        decrypt_in.next = decrypt;
        let entered = offered && may_enter;
        sent += usize::from(entered);
        in_flight.push_back(entered.then_some((decrypt, want, key)));
        sim.evaluate();
        let cycle = sim.cycle();
        let (valid_out, data_out, ready, ready_next) = sim.uut.outputs();
        if ready != may_enter {
            return Err(format!("{name}: cycle {cycle}: ready is {ready} but the last block entered {since_last_entry} cycles ago"));
        }
        if !entered && ready_next != (since_last_entry + 1 >= interval) {
            return Err(format!("{name}: cycle {cycle}: ready_next is {ready_next} but the last block entered {since_last_entry} cycles ago"));
        }
        since_last_entry = if entered { 1 } else { since_last_entry + 1 };
        match (in_flight.pop_front().flatten(), valid_out) {
            (None, true) => return Err(format!("{name}: cycle {cycle}: valid_out is 1 but no block is due")),
            (Some((_, _, key)), false) => return Err(format!("{name}: cycle {cycle}: valid_out is 0 but a block (key {}) is due", hex(&key))),
            (Some((decrypt, want, key)), true) => {
                if data_out != want {
                    let what = if decrypt { "decryption" } else { "encryption" };
                    return Err(format!("{name}: cycle {cycle}: data_out {} differs from the aes crate's {what} {} (key {})", hex(&data_out), hex(&want), hex(&key)));
                }
                checked += 1;
            }
            (None, false) => {}
        }
        sim.rising_edge();
    }
    Ok(AesRunReport { blocks: checked, cycles: sim.cycle(), seconds: start.elapsed().as_secs_f64(), latency })
}
