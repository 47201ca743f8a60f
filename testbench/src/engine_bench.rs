//! Lock-step testbench of the whole engine.
//!
//! A soft-core bus functional model offers requests, a key-management driver offers key
//! commands, a [`DramModel`] answers the DRAM side. In every cycle:
//!
//! 1. the models decide their outputs (valids and payloads never depend on this cycle's
//!    readies; readies are random stalls);
//! 2. the rust-hdl engine and the cycle model ([`EngineModel`]) are evaluated on the same
//!    inputs and **every output port** is compared; the first difference stops the run with its
//!    cycle and port;
//! 3. no installed key half may appear on a data bus;
//! 4. the handshakes are applied: accepted requests and key commands go to an in-order
//!    functional scoreboard (keys, memory image, expected responses, computed with
//!    [`crate`]-independent block-level XTS from the reference model), responses are compared
//!    with it.
//!
//! At the end the DRAM image is checked against `xts-mode` at data-unit level, block by block,
//! from what each address's last write carried.

use crate::dram_bfm::{DramModel, DramTiming};
use crate::engine_dut::EngineDut;
use mee_reference::engine_model::{status, EngineInputs, EngineModel, EngineOutputs};
use mee_reference::xts::{decrypt_block, encrypt_block, encrypt_data_unit, split_address, KeyPair};
use mee_reference::EngineConfig;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// One operation of a traffic stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Install keys in a slot.
    SetKey {
        /// Slot.
        asid: u32,
        /// Data key.
        key1: Vec<u8>,
        /// Tweak key.
        key2: Vec<u8>,
    },
    /// Clear a slot.
    ClearKey {
        /// Slot.
        asid: u32,
    },
    /// Write one block, or the bytes of it whose strobe is set.
    Write {
        /// ASID.
        asid: u32,
        /// Byte address.
        addr: u64,
        /// Plaintext.
        data: [u8; 16],
        /// C-bit.
        encrypted: bool,
        /// Byte enables: bit k writes byte k (0xffff: the whole block).
        strobes: u16,
    },
    /// Read one block.
    Read {
        /// ASID.
        asid: u32,
        /// Byte address.
        addr: u64,
        /// C-bit.
        encrypted: bool,
        /// Plaintext the read must return (checked in the report, not by the scoreboard).
        expect: Option<[u8; 16]>,
    },
    /// Hold reset for this many cycles (the whole system: engine, DRAM reads in flight,
    /// outstanding requests and key commands are dropped).
    Reset {
        /// Cycles.
        cycles: u32,
    },
}

impl Op {
    fn is_key(&self) -> bool {
        matches!(self, Op::SetKey { .. } | Op::ClearKey { .. })
    }
    fn is_request(&self) -> bool {
        matches!(self, Op::Write { .. } | Op::Read { .. })
    }
}

/// Environment of a run.
#[derive(Clone, Debug)]
pub struct BenchSettings {
    /// DRAM behaviour.
    pub dram: DramTiming,
    /// Probability that `core_rsp_ready` is low in a cycle.
    pub response_stall: f64,
    /// Probability that the core leaves a cycle without offering its next request.
    pub request_gap: f64,
    /// Key commands wait until every earlier request has its response, and later requests
    /// wait for the key response (the scenario rule of `mee simulate`). When false, a key
    /// command is offered once every earlier request has been accepted, while later requests
    /// are offered alongside it (the engine decides the order).
    pub serialize_key_commands: bool,
    /// Seed of the stalls.
    pub seed: u64,
    /// Give up after this many cycles.
    pub max_cycles: u64,
}

impl BenchSettings {
    /// The random tests' environment: DRAM latency 18, every channel stalling about one cycle
    /// in seven (DRAM requests also in bursts of 5 to 40 cycles), DRAM data held back one cycle
    /// in ten, and the core leaving one cycle in ten without a request.
    pub fn stalls_everywhere(seed: u64, serialize_key_commands: bool) -> Self {
        Self {
            dram: DramTiming { latency: 18, stall: 0.15, burst: 0.003, response_gap: 0.1 },
            response_stall: 0.15,
            request_gap: 0.1,
            serialize_key_commands,
            seed,
            ..Default::default()
        }
    }
}

impl Default for BenchSettings {
    fn default() -> Self {
        Self {
            dram: DramTiming::default(),
            response_stall: 0.0,
            request_gap: 0.0,
            serialize_key_commands: true,
            seed: 1,
            max_cycles: 10_000_000,
        }
    }
}

/// A core response as observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseRecord {
    /// Index of the op in the stream.
    pub op_index: usize,
    /// Status code.
    pub status: u8,
    /// Read data (zero for writes and errors).
    pub data: [u8; 16],
    /// Cycle the request was accepted.
    pub issue_cycle: u64,
    /// Cycle the response was taken.
    pub response_cycle: u64,
}

/// A key response as observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyResponseRecord {
    /// Index of the op in the stream.
    pub op_index: usize,
    /// Status code.
    pub status: u8,
    /// Cycle the command was accepted.
    pub issue_cycle: u64,
    /// Cycle of the response pulse.
    pub response_cycle: u64,
}

/// What a run produced.
#[derive(Clone, Debug, Default)]
pub struct BenchReport {
    /// Cycles simulated after the initial reset.
    pub cycles: u64,
    /// Responses in the order they were taken.
    pub responses: Vec<ResponseRecord>,
    /// Key responses in order.
    pub key_responses: Vec<KeyResponseRecord>,
    /// The DRAM image at the end.
    pub dram: BTreeMap<u64, [u8; 16]>,
    /// Requests accepted.
    pub requests: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Cycles with a DRAM read response accepted, for latency figures: (DRAM accept cycle of
    /// the read, cycle its data arrived, cycle the core took the plaintext).
    pub read_timings: Vec<(u64, u64, u64)>,
    /// Read requests the DRAM accepted.
    pub dram_reads: u64,
    /// Write requests the DRAM accepted.
    pub dram_writes: u64,
    /// Cycles in which the DRAM accepted a write, in order.
    pub dram_write_cycles: Vec<u64>,
    /// What the key table's storage holds at the end, slot by slot.
    pub final_key_storage: Vec<mee_hdl::engine::key_store::SlotContents>,
}

/// Who wrote an address last, for the final DRAM image check.
#[derive(Clone, Debug)]
struct Writer {
    addr: u64,
    /// A partial write: the engine may merge it with the next partial write to the block, so
    /// that no DRAM write of its own shows this state.
    partial: bool,
    keys: Option<KeyPair>,
    plaintext: [u8; 16],
    stored: [u8; 16],
}

struct Expected {
    op_index: usize,
    write: bool,
    status: u8,
    data: [u8; 16],
    issue_cycle: u64,
    read_addr: Option<u64>,
}

/// The in-order functional scoreboard: what each accepted request must answer.
struct Scoreboard {
    config: EngineConfig,
    keys: Vec<Option<KeyPair>>,
    image: HashMap<u64, [u8; 16]>,
    responses: VecDeque<Expected>,
    key_responses: VecDeque<(usize, u8, u64)>,
    pending_key: Option<(u32, Option<KeyPair>)>,
    writes_to_dram: VecDeque<Writer>,
    writers: HashMap<u64, Writer>,
    /// Per block: how many DRAM writes of its last written value the engine may still send
    /// beyond the pending writes, because pending writes with that same value were counted as
    /// merged (see [`Scoreboard::dram_write`]).
    repeats: HashMap<u64, usize>,
    installed_halves: HashSet<[u8; 16]>,
}

impl Scoreboard {
    fn new(config: &EngineConfig) -> Self {
        Self {
            config: config.clone(),
            keys: vec![None; config.num_asids as usize],
            image: HashMap::new(),
            responses: VecDeque::new(),
            key_responses: VecDeque::new(),
            pending_key: None,
            writes_to_dram: VecDeque::new(),
            writers: HashMap::new(),
            repeats: HashMap::new(),
            installed_halves: HashSet::new(),
        }
    }

    fn du(&self) -> u64 {
        u64::from(self.config.data_unit_bytes)
    }

    fn request_accepted(&mut self, op_index: usize, op: &Op, cycle: u64) {
        let (write, asid, addr, encrypted) = match op {
            Op::Write { asid, addr, encrypted, .. } => (true, *asid, *addr, *encrypted),
            Op::Read { asid, addr, encrypted, .. } => (false, *asid, *addr, *encrypted),
            _ => return,
        };
        let keys = self.keys.get(asid as usize).cloned().flatten();
        // A write without strobes needs no key: it writes nothing.
        let strobes = match op {
            Op::Write { strobes, .. } => *strobes,
            _ => 0xffff,
        };
        let status = if addr % 16 != 0 {
            status::MISALIGNED
        } else if asid >= self.config.num_asids {
            status::BAD_ASID
        } else if encrypted && keys.is_none() && !(write && strobes == 0) {
            status::NO_KEY
        } else {
            status::OK
        };
        let mut data = [0u8; 16];
        // A partial write reads its block from DRAM first (and so does a read).
        let mut reads_dram = !write;
        if status == status::OK {
            let stored = self.image.get(&addr).copied().unwrap_or([0; 16]);
            let used = if encrypted { keys.clone() } else { None };
            match op {
                Op::Write { strobes: 0, .. } => {}
                Op::Write { data: bytes, strobes, .. } => {
                    // The block as the request's view sees it, with the enabled bytes replaced.
                    let old = match &used {
                        Some(k) => decrypt_block(k, addr, self.du(), stored),
                        None => stored,
                    };
                    let plaintext: [u8; 16] = std::array::from_fn(|k| if strobes >> k & 1 == 1 { bytes[k] } else { old[k] });
                    reads_dram = *strobes != 0xffff;
                    let value = match &used {
                        Some(k) => encrypt_block(k, addr, self.du(), plaintext),
                        None => plaintext,
                    };
                    self.image.insert(addr, value);
                    self.writes_to_dram.push_back(Writer { addr, partial: *strobes != 0xffff, keys: used, plaintext, stored: value });
                }
                _ => {
                    data = match (&keys, encrypted) {
                        (Some(k), true) => decrypt_block(k, addr, self.du(), stored),
                        _ => stored,
                    };
                }
            }
        }
        self.responses.push_back(Expected { op_index, write, status, data, issue_cycle: cycle, read_addr: (reads_dram && status == 0).then_some(addr) });
    }

    /// Matches a DRAM write of `data` to `addr` with the requests that asked for it. Writes to
    /// one block reach DRAM in request order; a partial write's merged block may reach it
    /// after later writes to other blocks, and partial writes merged into the next one to
    /// their block show no write of their own. The write covers the latest pending write to
    /// the block that holds `data` with only partial writes before it (so every write between
    /// two equal values is taken as merged). When earlier pending writes hold the same value,
    /// the data cannot tell whether they were merged or will follow, so that many repeats of
    /// the value stay allowed; they add up while the block's matched writes keep that value,
    /// and a write of another value ends them.
    fn dram_write(&mut self, addr: u64, data: [u8; 16]) -> Result<(), String> {
        let mine: Vec<usize> = (0..self.writes_to_dram.len()).filter(|&i| self.writes_to_dram[i].addr == addr).collect();
        let partial_before = |k: usize| mine[..k].iter().all(|&j| self.writes_to_dram[j].partial);
        let candidates: Vec<usize> = (0..mine.len()).filter(|&k| self.writes_to_dram[mine[k]].stored == data && partial_before(k)).collect();
        // The repeats still allowed for `data`: only for the block's last written value.
        let owed = if self.writers.get(&addr).is_some_and(|w| w.stored == data) { self.repeats.get(&addr).copied().unwrap_or(0) } else { 0 };
        let Some(&matched) = candidates.last() else {
            if owed > 0 {
                self.repeats.insert(addr, owed - 1);
                return Ok(());
            }
            return Err(match mine.first() {
                Some(&first) => format!("DRAM write to {addr:#x} carries {}, expected {}", hex::encode(data), hex::encode(self.writes_to_dram[first].stored)),
                None => format!("a DRAM write to {addr:#x} that no request asked for"),
            });
        };
        self.repeats.insert(addr, owed + candidates.len() - 1);
        let writer = self.writes_to_dram.remove(mine[matched]).ok_or("scoreboard: matched write vanished")?;
        for &i in mine[..matched].iter().rev() {
            self.writes_to_dram.remove(i);
        }
        self.writers.insert(addr, writer);
        Ok(())
    }

    fn key_accepted(&mut self, op_index: usize, op: &Op, cycle: u64) {
        let (asid, keys, status) = match op {
            Op::SetKey { asid, key1, key2 } => {
                let status = if *asid >= self.config.num_asids {
                    status::KEY_BAD_ASID
                } else if key1 == key2 {
                    status::KEY_WEAK
                } else {
                    0
                };
                (*asid, KeyPair::new(key1, key2).ok(), status)
            }
            Op::ClearKey { asid } => (*asid, None, if *asid >= self.config.num_asids { status::KEY_BAD_ASID } else { 0 }),
            _ => return,
        };
        if status == 0 {
            if let Some(k) = &keys {
                for key in [&k.key1, &k.key2] {
                    for half in key.chunks(16) {
                        if let Ok(h) = <[u8; 16]>::try_from(half) {
                            self.installed_halves.insert(h);
                        }
                    }
                }
            }
            self.pending_key = Some((asid, keys));
        }
        self.key_responses.push_back((op_index, status, cycle));
    }

    /// What the scoreboard still waits for, for a failure message.
    fn outstanding(&self) -> String {
        let writes: Vec<String> = self.writes_to_dram.iter().take(4).map(|w| format!("{:#x}", w.addr)).collect();
        format!(
            "{} core responses, {} key responses and {} DRAM writes outstanding{}",
            self.responses.len(),
            self.key_responses.len(),
            self.writes_to_dram.len(),
            if writes.is_empty() { String::new() } else { format!(", the first to {}", writes.join(", ")) }
        )
    }

    fn reset(&mut self, dram: &DramModel) {
        self.keys.iter_mut().for_each(|k| *k = None);
        self.image = dram.memory.iter().map(|(a, d)| (*a, *d)).collect();
        self.responses.clear();
        self.key_responses.clear();
        self.pending_key = None;
        self.writes_to_dram.clear();
        self.repeats.clear();
    }
}

/// A run fails when, for this many cycles beyond the DRAM latency, no port completes a
/// handshake and the bench holds back nothing the engine offers (a core response or a DRAM
/// request under a stalled ready): the engine (or the bench's bookkeeping) is stuck,
/// whatever `max_cycles` allows.
pub const IDLE_LIMIT: u64 = 100_000;

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchFailure {
    /// Cycle of the failure (counted from the first cycle after the initial reset).
    pub cycle: u64,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for BenchFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cycle {}: {}", self.cycle, self.message)
    }
}

/// Per-cycle observer (VCD writers, progress).
pub trait CycleObserver {
    /// Called once per cycle with the inputs and the engine's outputs.
    fn cycle(&mut self, cycle: u64, inputs: &EngineInputs, outputs: &EngineOutputs);
}

impl CycleObserver for () {
    fn cycle(&mut self, _: u64, _: &EngineInputs, _: &EngineOutputs) {}
}

/// An engine implementation the bench can drive: the rust-hdl simulation or the exported
/// Verilog in another simulator.
pub trait EngineUnderTest {
    /// Sets this cycle's inputs and returns this cycle's outputs (before the edge).
    fn evaluate(&mut self, inputs: &EngineInputs) -> Result<EngineOutputs, String>;
    /// The rising edge that ends the cycle.
    fn rising_edge(&mut self) -> Result<(), String>;
    /// The key table's storage, slot by slot, when the implementation can show it.
    fn key_storage(&self) -> Vec<mee_hdl::engine::key_store::SlotContents> {
        Vec::new()
    }
}

impl EngineUnderTest for EngineDut {
    fn evaluate(&mut self, inputs: &EngineInputs) -> Result<EngineOutputs, String> {
        Ok(EngineDut::evaluate(self, inputs))
    }
    fn rising_edge(&mut self) -> Result<(), String> {
        EngineDut::rising_edge(self);
        Ok(())
    }
    fn key_storage(&self) -> Vec<mee_hdl::engine::key_store::SlotContents> {
        let store = &self.engine().core.keys.store;
        (0..).map_while(|s| store.slot_contents(s).cloned()).collect()
    }
}

/// Runs `ops` through the rust-hdl engine of `config` in lock step with the cycle model.
pub fn run_engine(config: &EngineConfig, ops: &[Op], settings: &BenchSettings, observer: &mut dyn CycleObserver) -> Result<BenchReport, BenchFailure> {
    let mut dut = EngineDut::new(config);
    run_engine_on(&mut dut, config, ops, settings, observer)
}

/// Runs `ops` through `dut` (built for `config`) in lock step with the cycle model.
pub fn run_engine_on(
    dut: &mut dyn EngineUnderTest,
    config: &EngineConfig,
    ops: &[Op],
    settings: &BenchSettings,
    observer: &mut dyn CycleObserver,
) -> Result<BenchReport, BenchFailure> {
    let start = std::time::Instant::now();
    let kb = config.key_bytes();
    check_fits(config, ops).map_err(|m| BenchFailure { cycle: 0, message: m })?;
    let mut rng = StdRng::seed_from_u64(settings.seed);
    let mut model = EngineModel::new(config);
    let mut dram = DramModel::new(settings.dram.clone());
    let mut board = Scoreboard::new(config);
    let mut report = BenchReport::default();
    let requests: Vec<usize> = (0..ops.len()).filter(|&i| !ops[i].is_key()).collect();
    let keys: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].is_key()).collect();
    let (mut next_request, mut next_key) = (0usize, 0usize);
    let mut key_in_progress = false;
    let mut reset_left: u32 = 2;
    let mut cycle: u64 = 0;
    let mut initial = true;
    let mut offered_request = false;
    let mut read_sends: VecDeque<u64> = VecDeque::new();
    let mut read_arrivals: VecDeque<u64> = VecDeque::new();
    let mut last_handshake: u64 = 0;
    let idle_limit = IDLE_LIMIT.saturating_add(settings.dram.latency);
    let fail = |cycle: u64, message: String| BenchFailure { cycle, message };
    loop {
        let done_ops = next_request >= requests.len() && next_key >= keys.len();
        let drained = board.responses.is_empty() && board.key_responses.is_empty() && !key_in_progress && dram.reads_in_flight() == 0;
        if done_ops && drained && reset_left == 0 {
            // Let posted writes reach DRAM.
            if board.writes_to_dram.is_empty() {
                break;
            }
        }
        if cycle > settings.max_cycles {
            return Err(fail(cycle, format!("not finished after {} cycles ({} of {} requests issued)", settings.max_cycles, next_request, requests.len())));
        }
        if cycle > last_handshake + idle_limit {
            return Err(fail(cycle, format!("no handshake on any port for {idle_limit} cycles ({} of {} requests issued; {})", next_request, requests.len(), board.outstanding())));
        }
        // A reset op is due when it is the next request-stream op.
        if reset_left == 0 && next_request < requests.len() {
            if let Op::Reset { cycles } = ops[requests[next_request]] {
                reset_left = cycles.max(1);
                next_request += 1;
            }
        }
        let mut inputs = EngineInputs { reset: reset_left > 0, ..Default::default() };
        // Key driver.
        let key_op = keys.get(next_key).map(|&i| (i, &ops[i]));
        // A key command waits for the requests before it to be accepted (serialized: answered,
        // with no request on offer).
        let key_may_go = key_op.is_some_and(|(i, _)| {
            requests.get(next_request).is_none_or(|&r| r > i)
                && (!settings.serialize_key_commands || (board.responses.is_empty() && !offered_request))
        }) && !key_in_progress;
        if let (true, Some((_, op))) = (key_may_go, key_op) {
            inputs.key_cmd_valid = true;
            match op {
                Op::SetKey { asid, key1, key2 } => {
                    inputs.key_cmd_asid = *asid;
                    inputs.key_cmd_key1 = key1.clone();
                    inputs.key_cmd_key2 = key2.clone();
                }
                Op::ClearKey { asid } => {
                    inputs.key_cmd_clear = true;
                    inputs.key_cmd_asid = *asid;
                }
                _ => {}
            }
        }
        if inputs.key_cmd_key1.is_empty() {
            inputs.key_cmd_key1 = vec![0; kb];
            inputs.key_cmd_key2 = vec![0; kb];
        }
        // Core request.
        let request_op = requests.get(next_request).map(|&i| (i, &ops[i]));
        let request_may_go = request_op.is_some_and(|(i, op)| {
            op.is_request()
                && (!settings.serialize_key_commands || (keys.get(next_key).is_none_or(|&k| k > i) && !key_in_progress))
        });
        if request_may_go && (offered_request || !(settings.request_gap > 0.0 && rng.gen_bool(settings.request_gap))) {
            if let Some((_, op)) = request_op {
                offered_request = true;
                inputs.core_req_valid = true;
                match op {
                    Op::Write { asid, addr, data, encrypted, strobes } => {
                        inputs.core_req_write = true;
                        inputs.core_req_asid = *asid;
                        inputs.core_req_addr = *addr;
                        inputs.core_req_wdata = *data;
                        inputs.core_req_encrypted = *encrypted;
                        inputs.core_req_wstrb = *strobes;
                    }
                    Op::Read { asid, addr, encrypted, .. } => {
                        inputs.core_req_asid = *asid;
                        inputs.core_req_addr = *addr;
                        inputs.core_req_encrypted = *encrypted;
                    }
                    _ => {}
                }
            }
        }
        inputs.core_rsp_ready = !(settings.response_stall > 0.0 && rng.gen_bool(settings.response_stall));
        let (dram_ready, dram_valid, dram_data) = dram.drive(cycle, &mut rng);
        inputs.dram_req_ready = dram_ready;
        inputs.dram_rsp_valid = dram_valid && !inputs.reset;
        inputs.dram_rsp_rdata = if inputs.dram_rsp_valid { dram_data } else { [0; 16] };

        // Compare the engine with the cycle model.
        let outputs = dut.evaluate(&inputs).map_err(|e| fail(cycle, e))?;
        let expected = model.outputs(&inputs);
        if let Some((port, hw, cm)) = outputs.first_difference(&expected) {
            return Err(fail(cycle, format!("port {port}: engine {hw}, cycle model {cm}")));
        }
        observer.cycle(cycle, &inputs, &outputs);
        // A key half on a data bus is a leak unless it is exactly the data the scoreboard
        // expects there (test data may equal a key, as in some IEEE 1619 vectors).
        let expected_rsp = board.responses.front().map(|e| e.data);
        let expected_wdata = board.writes_to_dram.iter().find(|w| w.stored == outputs.dram_req_wdata).map(|w| w.stored);
        for (name, bus, legitimate) in [("core_rsp_rdata", outputs.core_rsp_rdata, expected_rsp), ("dram_req_wdata", outputs.dram_req_wdata, expected_wdata)] {
            if bus != [0; 16] && board.installed_halves.contains(&bus) && legitimate != Some(bus) {
                return Err(fail(cycle, format!("an installed key half ({}) appears on {name}", hex::encode(bus))));
            }
        }

        // Handshakes.
        if !inputs.reset {
            if outputs.core_rsp_valid && inputs.core_rsp_ready {
                let want = board.responses.pop_front().ok_or_else(|| fail(cycle, "a core response with no request outstanding".into()))?;
                if outputs.core_rsp_write != want.write || outputs.core_rsp_status != want.status || outputs.core_rsp_rdata != want.data {
                    return Err(fail(
                        cycle,
                        format!(
                            "response to op {} ({:?}): write {} status {} data {}, expected write {} status {} data {}",
                            want.op_index,
                            ops[want.op_index],
                            outputs.core_rsp_write,
                            outputs.core_rsp_status,
                            hex::encode(outputs.core_rsp_rdata),
                            want.write,
                            want.status,
                            hex::encode(want.data)
                        ),
                    ));
                }
                if want.read_addr.is_some() {
                    if let (Some(sent), Some(arrived)) = (read_sends.pop_front(), read_arrivals.pop_front()) {
                        report.read_timings.push((sent, arrived, cycle));
                    }
                }
                report.responses.push(ResponseRecord { op_index: want.op_index, status: want.status, data: want.data, issue_cycle: want.issue_cycle, response_cycle: cycle });
            }
            if outputs.key_rsp_valid {
                let (op_index, want, issue_cycle) = board.key_responses.pop_front().ok_or_else(|| fail(cycle, "a key response with no command outstanding".into()))?;
                if outputs.key_rsp_status != want {
                    return Err(fail(cycle, format!("key response to op {op_index} ({:?}): status {}, expected {want}", ops[op_index], outputs.key_rsp_status)));
                }
                if want == 0 {
                    if let Some((asid, keys)) = board.pending_key.take() {
                        board.keys[asid as usize] = keys;
                    }
                }
                key_in_progress = false;
                report.key_responses.push(KeyResponseRecord { op_index, status: want, issue_cycle, response_cycle: cycle });
            }
            if inputs.key_cmd_valid && outputs.key_cmd_ready {
                let index = keys[next_key];
                board.key_accepted(index, &ops[index], cycle);
                next_key += 1;
                key_in_progress = true;
            }
            if inputs.core_req_valid && outputs.core_req_ready {
                let index = requests[next_request];
                board.request_accepted(index, &ops[index], cycle);
                next_request += 1;
                offered_request = false;
                report.requests += 1;
            }
            let request = (outputs.dram_req_valid && inputs.dram_req_ready).then_some((outputs.dram_req_write, outputs.dram_req_addr, outputs.dram_req_wdata));
            if let Some((write, addr, _)) = request {
                if write {
                    board.dram_write(addr, outputs.dram_req_wdata).map_err(|m| fail(cycle, m))?;
                    report.dram_writes += 1;
                    report.dram_write_cycles.push(cycle);
                } else {
                    read_sends.push_back(cycle);
                    report.dram_reads += 1;
                }
            }
            let taken = inputs.dram_rsp_valid && outputs.dram_rsp_ready;
            // Progress: any handshake, or a core response or DRAM request on offer (taken, or
            // held back under a stalled ready: the bench's wait, not the engine's).
            let handshake = (inputs.key_cmd_valid && outputs.key_cmd_ready) || (inputs.core_req_valid && outputs.core_req_ready) || outputs.key_rsp_valid || taken;
            if handshake || outputs.core_rsp_valid || outputs.dram_req_valid {
                last_handshake = cycle;
            }
            if taken {
                read_arrivals.push_back(cycle);
            }
            dram.edge(cycle, request, taken);
        }
        dut.rising_edge().map_err(|e| fail(cycle, e))?;
        model.step(&inputs);
        if inputs.reset {
            reset_left -= 1;
            dram.reset();
            if !initial {
                board.reset(&dram);
            }
            key_in_progress = false;
            offered_request = false;
            read_sends.clear();
            read_arrivals.clear();
            if initial {
                // Cycles are counted from the first cycle after the initial reset.
                initial = reset_left > 0;
                continue;
            }
        }
        cycle += 1;
    }
    report.cycles = cycle;
    report.dram = dram.memory.clone();
    report.final_key_storage = dut.key_storage();
    check_dram_image(config, &dram, &board).map_err(|m| fail(cycle, m))?;
    report.seconds = start.elapsed().as_secs_f64();
    Ok(report)
}

/// Every ASID and address of `ops` must fit the engine's ports (`asid_bits`, `addr_bits`), and
/// every key must have `key_bits` bits: a value the port cannot carry is a broken stimulus.
fn check_fits(config: &EngineConfig, ops: &[Op]) -> Result<(), String> {
    let asid_limit = 1u64 << config.asid_bits;
    let addr_fits = |a: u64| config.addr_bits >= 64 || a < (1u64 << config.addr_bits);
    for (i, op) in ops.iter().enumerate() {
        let (asid, addr) = match op {
            Op::SetKey { asid, key1, key2 } => {
                if key1.len() != config.key_bytes() || key2.len() != config.key_bytes() {
                    return Err(format!("op {i}: keys of {} and {} bytes for key_bits = {}", key1.len(), key2.len(), config.key_bits));
                }
                (*asid, 0)
            }
            Op::ClearKey { asid } => (*asid, 0),
            Op::Write { asid, addr, .. } | Op::Read { asid, addr, .. } => (*asid, *addr),
            Op::Reset { .. } => continue,
        };
        if u64::from(asid) >= asid_limit || !addr_fits(addr) {
            return Err(format!("op {i} ({op:?}) does not fit asid_bits = {} / addr_bits = {}", config.asid_bits, config.addr_bits));
        }
    }
    Ok(())
}

/// Every block in DRAM must be what `xts-mode` makes of its last write (or that write's
/// plaintext for a plaintext write).
fn check_dram_image(config: &EngineConfig, dram: &DramModel, board: &Scoreboard) -> Result<(), String> {
    let du = u64::from(config.data_unit_bytes);
    for (addr, writer) in &board.writers {
        let stored = dram.memory.get(addr).copied().unwrap_or([0; 16]);
        let want = match &writer.keys {
            Some(keys) => {
                let (dusn, j) = split_address(*addr, du);
                let mut unit = vec![0u8; du as usize];
                unit[16 * j as usize..16 * j as usize + 16].copy_from_slice(&writer.plaintext);
                encrypt_data_unit(keys, dusn, &mut unit).map_err(|e| format!("xts-mode: {e}"))?;
                <[u8; 16]>::try_from(&unit[16 * j as usize..16 * j as usize + 16]).unwrap_or_default()
            }
            None => writer.plaintext,
        };
        if stored != want {
            return Err(format!("DRAM block {addr:#x} holds {}, xts-mode gives {}", hex::encode(stored), hex::encode(want)));
        }
    }
    Ok(())
}

/// Two implementations driven together: every output port of `second` must equal `first`'s in
/// every cycle (the bench then compares `first`'s with the cycle model), e.g. the rust-hdl
/// engine and its exported Verilog under Verilator.
pub struct CrossCheck<'a> {
    /// The implementation whose outputs the bench sees.
    pub first: &'a mut dyn EngineUnderTest,
    /// The implementation checked against it.
    pub second: &'a mut dyn EngineUnderTest,
    /// Names for messages, e.g. ("rust-hdl", "Verilator").
    pub names: (&'static str, &'static str),
}

impl EngineUnderTest for CrossCheck<'_> {
    fn evaluate(&mut self, inputs: &EngineInputs) -> Result<EngineOutputs, String> {
        let a = self.first.evaluate(inputs)?;
        let b = self.second.evaluate(inputs)?;
        match a.first_difference(&b) {
            Some((port, va, vb)) => Err(format!("port {port}: {} {va}, {} {vb}", self.names.0, self.names.1)),
            None => Ok(a),
        }
    }
    fn rising_edge(&mut self) -> Result<(), String> {
        self.first.rising_edge()?;
        self.second.rising_edge()
    }
    fn key_storage(&self) -> Vec<mee_hdl::engine::key_store::SlotContents> {
        self.first.key_storage()
    }
}
