//! The built-in self-test's program from the IEEE 1619 vectors: every vector the engine of a
//! config can run whole (its key size, its data-unit size, an address inside `addr_bits`, a
//! place in the self-test's on-chip DRAM) becomes four steps: `set_key` on an ASID slot (the
//! slots taken in turn), a write of the data unit's plaintext, a read with the C-bit clear that
//! must return the vector's ciphertext as DRAM holds it, and a read with the C-bit set that
//! must return the plaintext. Around them: `set_key` with equal keys (refused, `weak_key`) and
//! on an ASID out of range (refused, `bad_asid`) first; at the end `clear_key` on the last slot
//! used, a read on it (refused, `no_key`, no data) and, with two slots or more, a read on the
//! slot before it (still keyed, its plaintext).
//!
//! The expected data comes from the vector file alone.

use crate::vectors::XtsVector;
use anyhow::{bail, Result};
use mee_hdl::selftest::program::{SelfTestProgram, Step, StepOp, DRAM_BLOCKS, ROM_BLOCKS};
use mee_reference::EngineConfig;

/// Key status `ok`, `bad_asid`, `weak_key` and core status `ok`, `no_key` (DESIGN.md).
const KEY_OK: u8 = 0;
const KEY_BAD_ASID: u8 = 1;
const KEY_WEAK: u8 = 2;
const CORE_OK: u8 = 0;
const CORE_NO_KEY: u8 = 1;

/// A 32-byte key bus holding `key` in its low bytes.
fn key_bus(key: &[u8]) -> [u8; 32] {
    let mut bus = [0u8; 32];
    bus[..key.len()].copy_from_slice(key);
    bus
}

/// The program for the engine of `config` from `vectors`, and the names of the vectors it runs.
/// Fails when no vector fits the config.
pub fn ieee1619_program(config: &EngineConfig, vectors: &[XtsVector]) -> Result<(SelfTestProgram, Vec<String>)> {
    let du = config.data_unit_bytes as usize;
    let blocks = (du / 16) as u32;
    let mut program = SelfTestProgram::default();
    let mut names = Vec::new();
    let mut pages: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut used_slots = std::collections::BTreeSet::new();
    let mut page_of = |data: &[u8], rom: &mut Vec<[u8; 16]>| -> Option<usize> {
        if let Some((_, base)) = pages.iter().find(|(d, _)| d == data) {
            return Some(*base);
        }
        if rom.len() + data.len() / 16 > ROM_BLOCKS {
            return None;
        }
        let base = rom.len();
        rom.extend(data.chunks(16).map(|c| <[u8; 16]>::try_from(c).expect("16-byte chunks")));
        pages.push((data.to_vec(), base));
        Some(base)
    };
    let right_size = |v: &&XtsVector| v.aes_bits == config.key_bits;
    if let Some(weak) = vectors.iter().filter(right_size).find(|v| v.has_equal_keys()) {
        program.keys.push((key_bus(&weak.key1), key_bus(&weak.key2)));
        program.steps.push(key_step(StepOp::SetKey, 0, 0, KEY_WEAK, format!("{}: key1 = key2 refused", weak.name)));
    }
    let mut units: Vec<(u16, u64, usize)> = Vec::new();
    for v in vectors.iter().filter(right_size).filter(|v| !v.has_equal_keys()) {
        let address = v.dusn.checked_mul(du as u128).filter(|a| config.addr_bits >= 64 || a + du as u128 <= 1u128 << config.addr_bits);
        let (Some(address), Some(len)) = (address, v.data_unit_bytes()) else { continue };
        let address = address as u64;
        let slots: Vec<usize> = (0..u64::from(blocks)).map(|j| (((address >> 4) + j) as usize) % DRAM_BLOCKS).collect();
        if len != du || slots.iter().any(|s| used_slots.contains(s)) {
            continue;
        }
        let rom_before = program.rom.len();
        let (Some(plain), Some(cipher)) = (page_of(&v.plaintext, &mut program.rom), page_of(&v.ciphertext, &mut program.rom)) else {
            program.rom.truncate(rom_before);
            break;
        };
        used_slots.extend(slots);
        let asid = (units.len() % config.num_asids as usize) as u16;
        let keys = (key_bus(&v.key1), key_bus(&v.key2));
        let key = program.keys.iter().position(|k| *k == keys).unwrap_or_else(|| {
            program.keys.push(keys);
            program.keys.len() - 1
        });
        let mut set = key_step(StepOp::SetKey, asid, key, KEY_OK, format!("{}: set_key on ASID {asid}", v.name));
        set.key = key;
        program.steps.push(set);
        program.steps.push(data_step(StepOp::Write, asid, address, true, plain, blocks, CORE_OK, format!("{}: write the plaintext", v.name)));
        program.steps.push(data_step(StepOp::Read, asid, address, false, cipher, blocks, CORE_OK, format!("{}: DRAM holds the ciphertext", v.name)));
        program.steps.push(data_step(StepOp::Read, asid, address, true, plain, blocks, CORE_OK, format!("{}: read back the plaintext", v.name)));
        units.push((asid, address, plain));
        names.push(v.name.clone());
    }
    if units.is_empty() {
        bail!(
            "no IEEE 1619 vector fits the engine `{}` (key_bits = {}, data_unit_bytes = {}, addr_bits = {}): the self-test runs AES-128 or AES-256 vectors whose data unit is data_unit_bytes long",
            config.top_name,
            config.key_bits,
            config.data_unit_bytes,
            config.addr_bits
        );
    }
    if u64::from(config.num_asids) < 1u64 << config.asid_bits {
        let asid = config.num_asids as u16;
        let key = program.keys.len() - 1;
        program.steps.insert(0, key_step(StepOp::SetKey, asid, key, KEY_BAD_ASID, format!("set_key on ASID {asid} (out of range) refused")));
    }
    let &(last_asid, last_address, _) = units.last().expect("at least one unit");
    program.steps.push(key_step(StepOp::ClearKey, last_asid, 0, KEY_OK, format!("clear_key on ASID {last_asid}")));
    program.steps.push(data_step(StepOp::Read, last_asid, last_address, true, 0, 1, CORE_NO_KEY, format!("a read on cleared ASID {last_asid} refused")));
    if units.len() >= 2 && config.num_asids >= 2 {
        let &(asid, address, plain) = &units[units.len() - 2];
        program.steps.push(data_step(StepOp::Read, asid, address, true, plain, 1, CORE_OK, format!("ASID {asid} still keyed after clearing ASID {last_asid}")));
    }
    if let Err(e) = program.check() {
        bail!("the self-test program does not fit its hardware: {e}");
    }
    Ok((program, names))
}

fn key_step(op: StepOp, asid: u16, key: usize, status: u8, label: String) -> Step {
    Step { op, asid, key, address: 0, encrypted: false, page: 0, blocks: 1, status, label }
}

#[allow(clippy::too_many_arguments)]
fn data_step(op: StepOp, asid: u16, address: u64, encrypted: bool, page: usize, blocks: u32, status: u8, label: String) -> Step {
    Step { op, asid, key: 0, address, encrypted, page, blocks, status, label }
}
