//! `SelfTestProgram`: what the built-in self-test runs, as plain data: a list of steps over
//! the engine's key port and core port, and the 16-byte pages of data those steps write and
//! expect. The board tools build it from the IEEE 1619 vectors; the hardware
//! ([`super::sequencer::Sequencer`]) holds the steps as constants and the pages in a ROM.

/// Pages the vector ROM holds (its address is 8 bits wide: page + block index).
pub const ROM_BLOCKS: usize = 256;
/// Blocks the self-test's on-chip DRAM holds; it decodes address bits 11:4 (a 4 KiB window).
pub const DRAM_BLOCKS: usize = 256;
/// Most blocks one step may cover.
pub const MAX_STEP_BLOCKS: u32 = 256;

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOp {
    /// `set_key(asid, keys[key])`; the key response must carry `status`.
    SetKey,
    /// `clear_key(asid)`; the key response must carry `status`.
    ClearKey,
    /// Writes `blocks` blocks from `address` with `encrypted`, data from ROM block `page + j`;
    /// every response must carry `status`.
    Write,
    /// Reads `blocks` blocks from `address` with `encrypted`; each response must carry `status`
    /// and, when `status` is 0, the data of ROM block `page + j` (all zero otherwise).
    Read,
}

impl StepOp {
    /// The code the sequencer's step table holds.
    pub fn code(self) -> u64 {
        match self {
            StepOp::SetKey => 0,
            StepOp::ClearKey => 1,
            StepOp::Write => 2,
            StepOp::Read => 3,
        }
    }
}

/// One step of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the step does.
    pub op: StepOp,
    /// The ASID of the key command or of the requests.
    pub asid: u16,
    /// Index into [`SelfTestProgram::keys`] (set_key only).
    pub key: usize,
    /// Byte address of the first block (requests only; 16-byte aligned).
    pub address: u64,
    /// The C-bit of the requests.
    pub encrypted: bool,
    /// First ROM block of the data written or expected (requests only).
    pub page: usize,
    /// Blocks covered (requests only; 1 to [`MAX_STEP_BLOCKS`]).
    pub blocks: u32,
    /// The status every response must carry (key status for key steps, core status else).
    pub status: u8,
    /// What the step checks, for people reading a report.
    pub label: String,
}

/// A self-test program: steps, the key pairs they install and the ROM's blocks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelfTestProgram {
    /// (key1, key2) pairs, each in the low bytes of a 32-byte key bus (byte k = key byte k).
    pub keys: Vec<([u8; 32], [u8; 32])>,
    /// The steps, run in order.
    pub steps: Vec<Step>,
    /// ROM blocks (at most [`ROM_BLOCKS`]).
    pub rom: Vec<[u8; 16]>,
}

impl SelfTestProgram {
    /// Requests the program makes through the core port (writes and reads).
    pub fn requests(&self) -> u64 {
        self.steps.iter().filter(|s| matches!(s.op, StepOp::Write | StepOp::Read)).map(|s| u64::from(s.blocks)).sum()
    }

    /// Responses the sequencer checks when the program passes: one per key command and one per
    /// request.
    pub fn checks(&self) -> u64 {
        self.steps.iter().filter(|s| matches!(s.op, StepOp::SetKey | StepOp::ClearKey)).count() as u64 + self.requests()
    }

    /// Checks what the hardware relies on: ROM and DRAM sizes, step ranges, distinct DRAM blocks
    /// for distinct addresses. Returns a message naming the step at fault.
    pub fn check(&self) -> Result<(), String> {
        if self.rom.len() > ROM_BLOCKS {
            return Err(format!("the program needs {} ROM blocks; the self-test ROM holds {ROM_BLOCKS}", self.rom.len()));
        }
        if self.steps.is_empty() || self.steps.len() > 255 {
            return Err(format!("a program has 1 to 255 steps, not {}", self.steps.len()));
        }
        let mut blocks_at: std::collections::BTreeMap<usize, u64> = Default::default();
        for (n, s) in self.steps.iter().enumerate() {
            let at = |what: &str| format!("step {n} ({}): {what}", s.label);
            match s.op {
                StepOp::SetKey if s.key >= self.keys.len() => return Err(at("key index out of range")),
                StepOp::Write | StepOp::Read => {
                    if s.blocks == 0 || s.blocks > MAX_STEP_BLOCKS {
                        return Err(at(&format!("covers {} blocks (1 to {MAX_STEP_BLOCKS})", s.blocks)));
                    }
                    if s.address % 16 != 0 {
                        return Err(at("address not 16-byte aligned"));
                    }
                    if s.page + s.blocks as usize > self.rom.len() {
                        return Err(at("its pages run past the ROM"));
                    }
                    for j in 0..u64::from(s.blocks) {
                        let address = s.address + 16 * j;
                        let slot = ((address >> 4) as usize) % DRAM_BLOCKS;
                        if *blocks_at.entry(slot).or_insert(address) != address {
                            return Err(at(&format!("address {address:#x} shares its on-chip DRAM block with another address")));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}
