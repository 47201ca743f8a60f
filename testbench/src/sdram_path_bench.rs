//! The engine's memory path as a board runs it, in one rust-hdl simulation: the engine, the
//! [`SdramPort`] (bridge and rust-hdl's SDRAM burst controller) and rust-hdl's SDRAM chip
//! model (`SDRAMSimulator`, 13 row and 9 column bits: the ULX3S's 32 MB chip).
//!
//! Three checks, every request: the engine's outputs against the cycle model in every cycle
//! (the model sees the DRAM inputs the SDRAM path gives the engine); every response against a
//! functional model of the memory (XTS from `mee_reference::xts` over what the requests
//! wrote); and at the end the SDRAM's contents, as seen on the chip's pins (every WRITE command
//! with its row, column and data), against that model's ciphertext. The chip model's own
//! protocol checker (`test_error`) must stay low.

use crate::driver::ClockedDriver;
use crate::engine_bench::Op;
use crate::engine_dut::{apply_core_and_key_inputs, dram_inputs, outputs};
use mee_hdl::dram::sdram_port::SdramPort;
use mee_hdl::engine::engine_top::Engine;
use mee_reference::engine_model::{EngineInputs, EngineModel};
use mee_reference::xts::{decrypt_block, encrypt_block, KeyPair};
use mee_reference::EngineConfig;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use rust_hdl::sim::sdr_sdram::chip::SDRAMSimulator;
use rust_hdl::widgets::sdram::timings::MemoryTimings;
use rust_hdl::widgets::sdram::{OutputBuffer, SDRAMDriver};
use std::collections::BTreeMap;

/// Row and column address bits of the simulated chip.
pub const ROW_BITS: usize = 13;
/// See [`ROW_BITS`].
pub const COLUMN_BITS: usize = 9;

/// The engine, its SDRAM port and the chip, on one clock.
#[derive(LogicBlock)]
pub struct SdramEngineFixture {
    /// The clock of all three.
    pub clock: Signal<In, Clock>,
    /// The engine; the test drives its core and key ports and its reset.
    pub engine: Engine,
    /// The SDRAM port.
    pub port: SdramPort<ROW_BITS, COLUMN_BITS>,
    /// The chip model.
    pub chip: SDRAMSimulator<ROW_BITS, COLUMN_BITS, { ROW_BITS + COLUMN_BITS }, 16>,
}

impl Logic for SdramEngineFixture {
    #[hdl_gen]
    fn update(&mut self) {
        self.engine.clock.next = self.clock.val();
        self.port.clock.next = self.clock.val();
        self.port.reset.next = self.engine.reset.val();
        SDRAMDriver::<16>::join(&mut self.port.sdram, &mut self.chip.sdram);
        self.port.req_valid.next = self.engine.dram_req_valid.val();
        self.port.req_write.next = self.engine.dram_req_write.val();
        self.port.req_addr.next = self.engine.dram_req_addr.val();
        self.port.req_wdata.next = self.engine.dram_req_wdata.val();
        self.engine.dram_req_ready.next = self.port.req_ready.val();
        self.engine.dram_rsp_valid.next = self.port.rsp_valid.val();
        self.engine.dram_rsp_rdata.next = self.port.rsp_rdata.val();
        self.port.rsp_ready.next = self.engine.dram_rsp_ready.val();
    }
}

impl crate::driver::Clocked for SdramEngineFixture {
    fn clock_input(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

/// What a run checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SdramPathReport {
    /// Requests answered (and checked against the functional model).
    pub requests: u64,
    /// Key commands answered.
    pub key_commands: u64,
    /// Blocks whose SDRAM contents were checked against XTS.
    pub blocks_checked: u64,
    /// SDRAM WRITE commands seen on the chip's pins.
    pub sdram_writes: u64,
    /// Cycles simulated.
    pub cycles: u64,
}

/// Random traffic for the path: keys on ASIDs 0 and 1, then `requests` reads and writes
/// (whole and partial, with the C-bit set or clear, on keyed and unkeyed ASIDs) over 16 blocks
/// in two data units, a `clear_key` and a re-key in the middle.
pub fn sdram_traffic(config: &EngineConfig, requests: usize, seed: u64) -> Vec<Op> {
    let mut rng = StdRng::seed_from_u64(seed);
    let kb = config.key_bytes();
    let du = u64::from(config.data_unit_bytes);
    let key = |rng: &mut StdRng, asid: u32| crate::stimulus::random_set_key(rng, asid, kb);
    let mut ops = vec![key(&mut rng, 0), key(&mut rng, 1)];
    for n in 0..requests {
        if n == requests / 2 {
            ops.push(Op::ClearKey { asid: 1 });
        }
        if n == 3 * requests / 4 {
            ops.push(key(&mut rng, 1));
        }
        let block = rng.gen_range(0..16u64);
        let addr = (block / 8) * du.max(128) + (block % 8) * 16;
        let asid = *[0u32, 0, 1, 2].get(rng.gen_range(0..4)).expect("in range") % config.num_asids;
        let encrypted = rng.gen_bool(0.85);
        if rng.gen_bool(0.55) {
            let strobes = if rng.gen_bool(0.8) { 0xffff } else { rng.gen() };
            ops.push(Op::Write { asid, addr, data: rng.gen(), encrypted, strobes });
        } else {
            ops.push(Op::Read { asid, addr, encrypted, expect: None });
        }
    }
    ops
}

/// The functional model of memory behind the engine: block contents as DRAM holds them.
struct Memory {
    du: u64,
    keys: BTreeMap<u32, KeyPair>,
    dram: BTreeMap<u64, [u8; 16]>,
}

impl Memory {
    fn stored(&self, addr: u64) -> [u8; 16] {
        self.dram.get(&addr).copied().unwrap_or([0; 16])
    }

    /// The plaintext a request sees, or `None` when it is refused (no key).
    fn plaintext(&self, asid: u32, addr: u64, encrypted: bool) -> Option<[u8; 16]> {
        match encrypted {
            false => Some(self.stored(addr)),
            true => self.keys.get(&asid).map(|k| decrypt_block(k, addr, self.du, self.stored(addr))),
        }
    }

    /// Applies an op; returns the response (status, read data) it must get.
    fn apply(&mut self, op: &Op) -> Option<(u8, [u8; 16])> {
        match op {
            Op::SetKey { asid, key1, key2 } => {
                self.keys.insert(*asid, KeyPair::new(key1, key2).expect("distinct keys"));
                None
            }
            Op::ClearKey { asid } => {
                self.keys.remove(asid);
                None
            }
            Op::Read { asid, addr, encrypted, .. } => Some(match self.plaintext(*asid, *addr, *encrypted) {
                Some(p) => (0, p),
                None => (1, [0; 16]),
            }),
            Op::Write { asid, addr, data, encrypted, strobes } => {
                let Some(old) = self.plaintext(*asid, *addr, *encrypted) else { return Some((1, [0; 16])) };
                if *strobes != 0 {
                    let merged: [u8; 16] = core::array::from_fn(|k| if strobes >> k & 1 == 1 { data[k] } else { old[k] });
                    let stored = match encrypted {
                        true => encrypt_block(&self.keys[asid], *addr, self.du, merged),
                        false => merged,
                    };
                    self.dram.insert(*addr, stored);
                }
                Some((0, [0; 16]))
            }
            Op::Reset { .. } => None,
        }
    }
}

/// The SDRAM as the chip's pins wrote it: 16-bit words by word address (bank, row, column as
/// the controller maps them).
#[derive(Default)]
struct PinSnoop {
    open_rows: [u64; 4],
    words: BTreeMap<u64, u16>,
    writes: u64,
}

impl PinSnoop {
    fn sample(&mut self, pins: &SDRAMDriver<16>) {
        let command = (pins.cs_not.val(), pins.ras_not.val(), pins.cas_not.val(), pins.we_not.val());
        let bank = pins.bank.val().index();
        let address = pins.address.val().index() as u64;
        match command {
            (false, false, true, true) => self.open_rows[bank] = address,
            (false, true, false, false) => {
                let column = address & ((1 << COLUMN_BITS) - 1);
                let word = ((bank as u64) << (ROW_BITS + COLUMN_BITS)) | (self.open_rows[bank] << COLUMN_BITS) | column;
                self.words.insert(word, pins.write_data.val().index() as u16);
                self.writes += 1;
            }
            _ => {}
        }
    }

    fn block(&self, addr: u64) -> [u8; 16] {
        let first = addr / 2;
        let mut bytes = [0u8; 16];
        for w in 0..8 {
            let word = self.words.get(&(first + w)).copied().unwrap_or(0);
            bytes[2 * w as usize] = word as u8;
            bytes[2 * w as usize + 1] = (word >> 8) as u8;
        }
        bytes
    }
}

/// Runs `ops` (key commands and requests, one at a time) through the engine of `config` on
/// the SDRAM path with chip `timings`, with the three checks of the module documentation.
pub fn run_sdram_path(config: &EngineConfig, ops: &[Op], timings: MemoryTimings, max_cycles: u64) -> Result<SdramPathReport, String> {
    let fixture = SdramEngineFixture {
        clock: Default::default(),
        engine: Engine::new(config),
        port: SdramPort::new(2, timings, OutputBuffer::Wired),
        chip: SDRAMSimulator::new(timings),
    };
    let mut sim = ClockedDriver::new(fixture);
    let mut model = EngineModel::new(config);
    let mut memory = Memory { du: u64::from(config.data_unit_bytes), keys: BTreeMap::new(), dram: BTreeMap::new() };
    let mut snoop = PinSnoop::default();
    let mut report = SdramPathReport::default();
    let kb = config.key_bytes();
    let mut next = 0usize;
    // The expected answer of the op accepted and not yet answered (none for a key command).
    let mut waiting = None::<Option<(u8, [u8; 16])>>;
    let mut reset_cycles: u32 = 2;
    while next < ops.len() || waiting.is_some() {
        let cycle = sim.cycle();
        if cycle > max_cycles {
            return Err(format!("not finished after {max_cycles} cycles ({next} of {} ops issued)", ops.len()));
        }
        let mut inputs = EngineInputs { reset: reset_cycles > 0, core_rsp_ready: true, key_cmd_key1: vec![0; kb], key_cmd_key2: vec![0; kb], ..Default::default() };
        let op = ops.get(next).filter(|_| waiting.is_none() && reset_cycles == 0);
        match op {
            Some(Op::SetKey { asid, key1, key2 }) => {
                (inputs.key_cmd_valid, inputs.key_cmd_asid, inputs.key_cmd_key1, inputs.key_cmd_key2) = (true, *asid, key1.clone(), key2.clone());
            }
            Some(Op::ClearKey { asid }) => (inputs.key_cmd_valid, inputs.key_cmd_clear, inputs.key_cmd_asid) = (true, true, *asid),
            Some(Op::Write { asid, addr, data, encrypted, strobes }) => {
                (inputs.core_req_valid, inputs.core_req_write, inputs.core_req_asid, inputs.core_req_addr) = (true, true, *asid, *addr);
                (inputs.core_req_wdata, inputs.core_req_encrypted, inputs.core_req_wstrb) = (*data, *encrypted, *strobes);
            }
            Some(Op::Read { asid, addr, encrypted, .. }) => {
                (inputs.core_req_valid, inputs.core_req_asid, inputs.core_req_addr, inputs.core_req_encrypted) = (true, *asid, *addr, *encrypted);
            }
            Some(Op::Reset { .. }) | None => {}
        }
        apply_core_and_key_inputs(&mut sim.uut.engine, &inputs);
        sim.evaluate();
        dram_inputs(&sim.uut.engine, &mut inputs);
        let actual = outputs(&sim.uut.engine);
        let expected = model.step(&inputs);
        if let Some((port, hw, cm)) = actual.first_difference(&expected) {
            return Err(format!("cycle {cycle}: {port} is {hw}, the cycle model says {cm}"));
        }
        snoop.sample(&sim.uut.port.sdram);
        if let Some(op) = op {
            let taken = match op {
                Op::SetKey { .. } | Op::ClearKey { .. } => actual.key_cmd_ready,
                _ => actual.core_req_ready,
            };
            if taken {
                waiting = Some(memory.apply(op));
                next += 1;
            }
        }
        match waiting {
            Some(None) if actual.key_rsp_valid => {
                if actual.key_rsp_status != 0 {
                    return Err(format!("cycle {cycle}: key command {} answered with status {}", next - 1, actual.key_rsp_status));
                }
                report.key_commands += 1;
                waiting = None;
            }
            Some(Some((status, data))) if actual.core_rsp_valid => {
                if (actual.core_rsp_status, actual.core_rsp_rdata) != (status, data) {
                    return Err(format!(
                        "cycle {cycle}: request {} ({:?}) got status {} data {}, the functional model says status {status} data {}",
                        next - 1,
                        ops[next - 1],
                        actual.core_rsp_status,
                        hex::encode(actual.core_rsp_rdata),
                        hex::encode(data)
                    ));
                }
                report.requests += 1;
                waiting = None;
            }
            _ => {}
        }
        reset_cycles = reset_cycles.saturating_sub(1);
        sim.rising_edge();
    }
    // Let the last posted write reach the chip.
    for _ in 0..200 {
        sim.evaluate();
        snoop.sample(&sim.uut.port.sdram);
        sim.rising_edge();
    }
    if sim.uut.chip.test_error.val() {
        return Err("the SDRAM chip model flagged a protocol or timing error".into());
    }
    for (&addr, &stored) in &memory.dram {
        let seen = snoop.block(addr);
        if seen != stored {
            return Err(format!("SDRAM block {addr:#x} holds {} on the pins' record, XTS says {}", hex::encode(seen), hex::encode(stored)));
        }
        report.blocks_checked += 1;
    }
    report.sdram_writes = snoop.writes;
    report.cycles = sim.cycle();
    Ok(report)
}
