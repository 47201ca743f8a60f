//! Random traffic for the engine: key commands, reads and writes over a small address pool (so
//! that reads meet earlier writes and read-after-write hazards happen), errors of every kind,
//! and resets in the middle of traffic.

use crate::engine_bench::Op;
use mee_reference::EngineConfig;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Shape of a random stream.
#[derive(Clone, Debug)]
pub struct TrafficShape {
    /// Reads and writes in the stream.
    pub requests: usize,
    /// ASIDs used (keyed first): 0 to `asids - 1`, plus a few out of range.
    pub asids: u32,
    /// Probability that a request is a write.
    pub write_fraction: f64,
    /// One key command per this many requests on average (0: only the initial set_keys).
    pub requests_per_key_command: usize,
    /// Resets in the middle of the stream.
    pub resets: usize,
    /// Probability of a misaligned address, an out-of-range ASID, a plaintext access.
    pub misaligned: f64,
    /// See `misaligned`.
    pub bad_asid: f64,
    /// See `misaligned`.
    pub plaintext: f64,
    /// Distinct block addresses used.
    pub address_pool: usize,
    /// Probability that a request uses an ASID in range that is never keyed (when there is
    /// one).
    pub unkeyed: f64,
    /// Probability that a request goes to a random block of the previous request's data unit,
    /// with its ASID and C-bit (the locality a shared tweak pipeline reuses tweaks on).
    pub same_unit: f64,
    /// Probability that a write enables only some of its bytes (see [`random_strobes`]).
    pub partial_writes: f64,
    /// Probability that a partial write is followed by one to three more to the same block,
    /// ASID and C-bit (a core's stores filling a block, which the engine merges).
    pub store_runs: f64,
}

impl Default for TrafficShape {
    fn default() -> Self {
        Self {
            requests: 1000,
            asids: 8,
            write_fraction: 0.5,
            requests_per_key_command: 400,
            resets: 1,
            misaligned: 0.01,
            bad_asid: 0.01,
            plaintext: 0.1,
            address_pool: 64,
            unkeyed: 0.02,
            same_unit: 0.0,
            partial_writes: 0.25,
            store_runs: 0.3,
        }
    }
}

fn random_key(rng: &mut StdRng, bytes: usize) -> Vec<u8> {
    (0..bytes).map(|_| rng.gen()).collect()
}

/// A random `set_key` with distinct halves.
pub fn random_set_key(rng: &mut StdRng, asid: u32, key_bytes: usize) -> Op {
    let key1 = random_key(rng, key_bytes);
    let mut key2 = random_key(rng, key_bytes);
    if key2 == key1 {
        key2[0] ^= 1;
    }
    Op::SetKey { asid, key1, key2 }
}

/// A random stream for `config`.
pub fn random_traffic(config: &EngineConfig, shape: &TrafficShape, seed: u64) -> Vec<Op> {
    let mut rng = StdRng::seed_from_u64(seed);
    let kb = config.key_bytes();
    let asids = shape.asids.min(config.num_asids).max(1);
    let asid_limit = 1u64 << config.asid_bits;
    let addr_mask = if config.addr_bits >= 64 { u64::MAX } else { (1u64 << config.addr_bits) - 1 };
    let pool: Vec<u64> = (0..shape.address_pool.max(1)).map(|_| rng.gen::<u64>() & addr_mask & !15).collect();
    let mut ops: Vec<Op> = (0..asids).map(|a| random_set_key(&mut rng, a, kb)).collect();
    let reset_points: Vec<usize> = (0..shape.resets).map(|_| rng.gen_range(shape.requests / 4..shape.requests.max(2))).collect();
    // A cleared ASID is keyed again a little later, so that most traffic stays encrypted.
    let mut rekey_at: Vec<(usize, u32)> = Vec::new();
    let mut previous: Option<(u32, u64, bool)> = None;
    for n in 0..shape.requests {
        while let Some(i) = rekey_at.iter().position(|&(at, _)| at <= n) {
            let (_, asid) = rekey_at.swap_remove(i);
            ops.push(random_set_key(&mut rng, asid, kb));
        }
        if reset_points.contains(&n) {
            ops.push(Op::Reset { cycles: rng.gen_range(1..4) });
            // The table is empty after a reset: key the ASIDs again.
            ops.extend((0..asids).map(|a| random_set_key(&mut rng, a, kb)));
        }
        if shape.requests_per_key_command > 0 && rng.gen_range(0..shape.requests_per_key_command) == 0 {
            let asid = rng.gen_range(0..asids);
            ops.push(match rng.gen_range(0..10) {
                0 => {
                    rekey_at.push((n + rng.gen_range(20..100), asid));
                    Op::ClearKey { asid }
                }
                1 => {
                    let key = random_key(&mut rng, kb);
                    Op::SetKey { asid, key1: key.clone(), key2: key }
                }
                // An ASID out of range, when the ASID field can hold one.
                2 if u64::from(config.num_asids) < asid_limit => {
                    let out_of_range = rng.gen_range(u64::from(config.num_asids)..asid_limit) as u32;
                    random_set_key(&mut rng, out_of_range, kb)
                }
                _ => random_set_key(&mut rng, asid, kb),
            });
        }
        // (No draw when `same_unit` is 0, so that such streams do not depend on the field.)
        let same_unit = shape.same_unit > 0.0 && rng.gen_bool(shape.same_unit);
        let (asid, addr, encrypted) = match previous.filter(|_| same_unit) {
            Some((asid, addr, encrypted)) => {
                let unit = u64::from(config.data_unit_bytes);
                (asid, (addr & !(unit - 1)) | (16 * rng.gen_range(0..unit / 16)), encrypted)
            }
            None => random_access(config, shape, &pool, asids, &mut rng),
        };
        previous = Some((asid, addr, encrypted));
        if rng.gen_bool(shape.write_fraction) {
            // (No draw when `partial_writes` is 0, so that such streams do not depend on it.)
            let strobes = if shape.partial_writes > 0.0 && rng.gen_bool(shape.partial_writes) { random_strobes(&mut rng) } else { 0xffff };
            ops.push(Op::Write { asid, addr, data: rng.gen(), encrypted, strobes });
            // A run of stores to the same block after a partial write.
            if strobes != 0xffff && shape.store_runs > 0.0 && rng.gen_bool(shape.store_runs) {
                for _ in 0..rng.gen_range(1..4) {
                    ops.push(Op::Write { asid, addr, data: rng.gen(), encrypted, strobes: random_strobes(&mut rng) });
                }
            }
        } else {
            ops.push(Op::Read { asid, addr, encrypted, expect: None });
        }
    }
    ops
}

/// A request's ASID, address and C-bit drawn from the pool and the shape's error rates.
fn random_access(config: &EngineConfig, shape: &TrafficShape, pool: &[u64], asids: u32, rng: &mut StdRng) -> (u32, u64, bool) {
    let asid_limit = 1u64 << config.asid_bits;
    let addr_mask = if config.addr_bits >= 64 { u64::MAX } else { (1u64 << config.addr_bits) - 1 };
    let mut addr = pool[rng.gen_range(0..pool.len())];
    if rng.gen_bool(shape.misaligned) {
        addr = (addr | rng.gen_range(1..16)) & addr_mask;
    }
    let mut asid = rng.gen_range(0..asids);
    if asids < config.num_asids && rng.gen_bool(shape.unkeyed) {
        asid = rng.gen_range(asids..config.num_asids);
    }
    if rng.gen_bool(shape.bad_asid) && u64::from(config.num_asids) < asid_limit {
        asid = rng.gen_range(u64::from(config.num_asids)..asid_limit) as u32;
    }
    (asid, addr, !rng.gen_bool(shape.plaintext))
}

/// Strobes of a partial write as cores make them: a byte, a halfword or a word on its natural
/// lanes, none at all, or any pattern.
pub fn random_strobes(rng: &mut StdRng) -> u16 {
    match rng.gen_range(0..10) {
        0 => 0,
        1 => 1 << rng.gen_range(0..16),
        2 => 0x3 << (2 * rng.gen_range(0..8)),
        3..=5 => 0xf << (4 * rng.gen_range(0..4)),
        _ => rng.gen(),
    }
}
