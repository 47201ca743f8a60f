//! Checks of a [`StoredKeyPipeline`] against the `aes` crate, in rust-hdl and under Icarus.
//!
//! [`stored_key_script`] writes one cycle-by-cycle script: a reset, every slot's expanded keys
//! written through the write port as the key table writes them (with writes to slots and
//! indices out of range mixed in, which must change nothing), random blocks with random slots and bubbles, a drain with a
//! reset inside it (the round keys must survive it), one slot rewritten with a new key and
//! another cleared, more blocks, and a final drain. Every cycle says which block must leave,
//! computed by the `aes` crate from the key its slot holds when the block enters (or, for a
//! cleared slot, AES with all-zero round keys from the reference model's S-box and field
//! multiplication). [`run_script_in_rust_hdl`] and
//! [`run_script_under_icarus`] play a script and report the first cycle that differs.

use crate::bytes::{drive, hex, sample_block};
use crate::driver::ClockedDriver;
use crate::iverilog::{run_vectors_hex, Port};
use anyhow::{bail, Result};
use mee_hdl::aes::pipeline::Direction;
use mee_hdl::aes::stored_key_pipeline::StoredKeyPipeline;
use mee_reference::key_schedule::{expand_key_words, gf256_mul, inverse_sbox, round_key, sbox};
use mee_reference::xts::{aes_decrypt, aes_encrypt};
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::path::Path;

/// A write on a pipeline's round-key write port.
#[derive(Clone, Debug, Default)]
pub struct KeyWrite {
    /// `key_write_slot`.
    pub slot: u16,
    /// `key_write_index`.
    pub index: u8,
    /// `key_write_data`: 16 or 32 bytes.
    pub data: Vec<u8>,
    /// `key_write_all` (with zero data: a clear).
    pub clear: bool,
}

/// One cycle of a script: the inputs, and the block that must leave in it.
#[derive(Clone, Debug, Default)]
pub struct ScriptCycle {
    /// `reset`.
    pub reset: bool,
    /// A block enters: its slot and data.
    pub block: Option<(u16, [u8; 16])>,
    /// A write on the write port.
    pub write: Option<KeyWrite>,
    /// The block that must be on `data_out` with `valid_out` (None: `valid_out` must be 0).
    pub expect: Option<[u8; 16]>,
}

/// What a slot holds in the script: a key, or all-zero round keys after a clear.
#[derive(Clone, Debug)]
enum SlotKeys {
    Key(Vec<u8>),
    Cleared,
}

/// The writes that program `key` into `slot` as the key table does: the key schedule's window
/// from round key 0 to Nr (AES-256: round keys i and i+1; the last write's second half lies
/// beyond Nr and is junk the pipeline must ignore), in random order.
fn key_writes(key: &[u8], slot: u16, rng: &mut impl Rng) -> Vec<KeyWrite> {
    let words = expand_key_words(key);
    let rounds = words.len() / 4 - 1;
    let mut writes: Vec<KeyWrite> = (0..=rounds)
        .map(|i| {
            let mut data = round_key(&words, i).to_vec();
            if key.len() == 32 {
                data.extend(if i < rounds { round_key(&words, i + 1) } else { rng.gen() });
            }
            KeyWrite { slot, index: i as u8, data, clear: false }
        })
        .collect();
    for i in (1..writes.len()).rev() {
        writes.swap(i, rng.gen_range(0..=i));
    }
    writes
}

/// AES with every round key zero, computed from the reference model's S-box and field
/// multiplication (FIPS-197 round by round): what a cleared slot computes.
fn cipher_with_zero_round_keys(decrypt: bool, rounds: usize, block: [u8; 16]) -> [u8; 16] {
    let mix = |s: [u8; 16], c: [u8; 4]| -> [u8; 16] {
        std::array::from_fn(|k| (0..4).fold(0, |acc, i| acc ^ gf256_mul(c[(4 + i - k % 4) % 4], s[4 * (k / 4) + i])))
    };
    let mut s = block;
    for round in 1..=rounds {
        if decrypt {
            s = std::array::from_fn(|k| inverse_sbox(s[4 * ((k / 4 + 4 - k % 4) % 4) + k % 4]));
            if round != rounds {
                s = mix(s, [0x0e, 0x0b, 0x0d, 0x09]);
            }
        } else {
            s = std::array::from_fn(|k| sbox(s[4 * ((k / 4 + k % 4) % 4) + k % 4]));
            if round != rounds {
                s = mix(s, [0x02, 0x03, 0x01, 0x01]);
            }
        }
    }
    s
}

/// A script for a pipeline of `latency` cycles with `slots` slots (see the module
/// documentation), about `blocks` blocks long.
pub fn stored_key_script(direction: Direction, key_bytes: usize, latency: usize, slots: usize, blocks: usize, seed: u64) -> Vec<ScriptCycle> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let rounds = key_bytes / 4 + 6;
    let random_key = |rng: &mut rand::rngs::StdRng| -> Vec<u8> { (0..key_bytes).map(|_| rng.gen()).collect() };
    let mut keys: Vec<SlotKeys> = (0..slots).map(|_| SlotKeys::Key(random_key(&mut rng))).collect();
    let mut cycles: Vec<ScriptCycle> = (0..2).map(|_| ScriptCycle { reset: true, ..Default::default() }).collect();
    // Programming, with writes that must change nothing: to a slot beyond the table (one
    // aliasing slot 0 in the memory's address bits, one clearing it, one just past the end)
    // and to indices beyond Nr.
    let mut writes: Vec<KeyWrite> = Vec::new();
    for (slot, key) in keys.iter().enumerate() {
        if let SlotKeys::Key(key) = key {
            writes.extend(key_writes(key, slot as u16, &mut rng));
        }
    }
    let aliasing = slots.next_power_of_two().max(2) as u16;
    let junk = |rng: &mut rand::rngs::StdRng| -> Vec<u8> { (0..key_bytes).map(|_| rng.gen()).collect() };
    for write in [
        KeyWrite { slot: aliasing, index: 0, data: junk(&mut rng), clear: false },
        KeyWrite { slot: aliasing, index: 0, data: junk(&mut rng), clear: true },
        KeyWrite { slot: slots as u16, index: rounds as u8, data: junk(&mut rng), clear: false },
        KeyWrite { slot: 0, index: rounds as u8 + 1, data: junk(&mut rng), clear: false },
    ] {
        let at = rng.gen_range(1..writes.len());
        writes.insert(at, write);
    }
    cycles.extend(writes.into_iter().map(|w| ScriptCycle { write: Some(w), ..Default::default() }));
    let traffic = |cycles: &mut Vec<ScriptCycle>, n: usize, rng: &mut rand::rngs::StdRng| {
        let mut sent = 0;
        while sent < n {
            if rng.gen_bool(0.25) {
                cycles.push(ScriptCycle::default());
                continue;
            }
            let slot = rng.gen_range(0..slots) as u16;
            cycles.push(ScriptCycle { block: Some((slot, rng.gen())), ..Default::default() });
            sent += 1;
        }
    };
    let expect_from = |cycles: &mut Vec<ScriptCycle>, from: usize, keys: &[SlotKeys]| {
        for t in from..cycles.len() {
            if let Some((slot, data)) = cycles[t].block {
                let decrypt = direction == Direction::Decrypt;
                let out = match (&keys[slot as usize], decrypt) {
                    (SlotKeys::Key(key), false) => aes_encrypt(key, data),
                    (SlotKeys::Key(key), true) => aes_decrypt(key, data),
                    (SlotKeys::Cleared, _) => cipher_with_zero_round_keys(decrypt, rounds, data),
                };
                cycles[t + latency].expect = Some(out);
            }
        }
    };
    let drain = |cycles: &mut Vec<ScriptCycle>, reset_at: Option<usize>| {
        for i in 0..latency + 1 {
            cycles.push(ScriptCycle { reset: reset_at == Some(i), ..Default::default() });
        }
    };
    let start = cycles.len();
    traffic(&mut cycles, blocks / 2, &mut rng);
    drain(&mut cycles, None);
    expect_from(&mut cycles, start, &keys);
    // A reset while empty; then slot 0 rewritten and the last slot cleared (when there are two).
    drain(&mut cycles, Some(1));
    let new_key = random_key(&mut rng);
    let mut writes = key_writes(&new_key, 0, &mut rng);
    keys[0] = SlotKeys::Key(new_key);
    if slots > 1 {
        // A clear as the key table makes it: zeros into every round key.
        writes.push(KeyWrite { slot: slots as u16 - 1, index: rng.gen(), data: vec![0; key_bytes], clear: true });
        keys[slots - 1] = SlotKeys::Cleared;
    }
    cycles.extend(writes.into_iter().map(|w| ScriptCycle { write: Some(w), ..Default::default() }));
    let start = cycles.len();
    traffic(&mut cycles, blocks - blocks / 2, &mut rng);
    drain(&mut cycles, None);
    expect_from(&mut cycles, start, &keys);
    cycles
}

fn mismatch(cycle: usize, want: &Option<[u8; 16]>, valid: bool, got: [u8; 16]) -> Option<String> {
    match (want, valid) {
        (None, false) => None,
        (Some(w), true) if *w == got => None,
        (None, true) => Some(format!("cycle {cycle}: valid_out is 1 but no block is due")),
        (Some(w), false) => Some(format!("cycle {cycle}: valid_out is 0 but {} is due", hex(w))),
        (Some(w), true) => Some(format!("cycle {cycle}: data_out {} differs from the aes crate's {}", hex(&got), hex(w))),
    }
}

/// Plays `script` on `pipeline` in rust-hdl; returns the cycles checked.
pub fn run_script_in_rust_hdl(pipeline: StoredKeyPipeline, script: &[ScriptCycle]) -> Result<usize> {
    let mut sim = ClockedDriver::new(pipeline);
    for (t, step) in script.iter().enumerate() {
        let u = &mut sim.uut;
        u.reset.next = step.reset;
        u.valid_in.next = step.block.is_some();
        let (slot, data) = step.block.unwrap_or((0, [0; 16]));
        u.slot_in.next = Bits::<16>::from(slot as u64);
        drive(&mut u.data_in, &data);
        let write = step.write.clone().unwrap_or_else(|| KeyWrite { data: vec![0; u.key_write_data.len()], ..Default::default() });
        u.key_write_enable.next = step.write.is_some();
        u.key_write_all.next = write.clear;
        u.key_write_slot.next = Bits::<16>::from(write.slot as u64);
        u.key_write_index.next = Bits::<8>::from(write.index as u64);
        drive(&mut u.key_write_data, &write.data);
        sim.evaluate();
        if !sim.uut.ready.val() || !sim.uut.ready_next.val() {
            bail!("cycle {t}: ready or ready_next is 0");
        }
        if let Some(m) = mismatch(t, &step.expect, sim.uut.valid_out.val(), sample_block(&sim.uut.data_out)) {
            bail!("{m}");
        }
        sim.rising_edge();
    }
    Ok(script.len())
}

/// Plays `script` on the Verilog of a pipeline for `key_bytes` keys (top module `top`) under
/// Icarus in `work`; returns the cycles checked.
pub fn run_script_under_icarus(work: &Path, verilog: &str, key_bytes: usize, script: &[ScriptCycle]) -> Result<usize> {
    let byte_ports = |prefix: &'static str| (0..16).map(move |k| Port::new(format!("{prefix}${k}"), 8));
    let mut inputs = vec![Port::new("reset", 1), Port::new("valid_in", 1), Port::new("slot_in", 16)];
    inputs.extend(byte_ports("data_in"));
    inputs.extend([Port::new("key_write_enable", 1), Port::new("key_write_all", 1), Port::new("key_write_slot", 16), Port::new("key_write_index", 8)]);
    inputs.extend((0..key_bytes).map(|k| Port::new(format!("key_write_data${k}"), 8)));
    let mut outputs = vec![Port::new("valid_out", 1)];
    outputs.extend(byte_ports("data_out"));
    let steps: Vec<Vec<String>> = script
        .iter()
        .map(|step| {
            let (slot, data) = step.block.unwrap_or((0, [0; 16]));
            let write = step.write.clone().unwrap_or_else(|| KeyWrite { data: vec![0; key_bytes], ..Default::default() });
            let mut row = vec![u8::from(step.reset).to_string(), u8::from(step.block.is_some()).to_string(), format!("{slot:x}")];
            row.extend(data.iter().map(|b| format!("{b:x}")));
            row.extend([u8::from(step.write.is_some()).to_string(), u8::from(write.clear).to_string(), format!("{:x}", write.slot), format!("{:x}", write.index)]);
            row.extend(write.data.iter().map(|b| format!("{b:x}")));
            row
        })
        .collect();
    let rows = run_vectors_hex(work, verilog, "top", &inputs, &outputs, Some("clock"), &steps)?;
    for (t, (step, row)) in script.iter().zip(&rows).enumerate() {
        let valid = row[0] == "1";
        let got: [u8; 16] = std::array::from_fn(|k| u8::from_str_radix(&row[1 + k], 16).unwrap_or(0));
        if let Some(m) = mismatch(t, &step.expect, valid, got) {
            bail!("{m}");
        }
    }
    Ok(rows.len())
}
