//! The engine's configuration: the fields fixed by DESIGN.md plus the `[pipeline]` knobs.
//!
//! An empty TOML file is the default engine. Unknown keys and out-of-range values are refused
//! with a [`ConfigError`] that names the key, the value and what is allowed.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the pipeline registers of an AES pipeline sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundRegisters {
    /// One register stage per AES round (10 stages for AES-128, 14 for AES-256).
    PerRound,
    /// Three register stages per round: one inside the S-boxes (after the composite S-box's
    /// tower-field inversion, or after the table lookup), one after SubBytes, one after
    /// MixColumns/AddRoundKey. The shortest paths, for the highest clock.
    PerThirdRound,
    /// Two register stages per round: one after SubBytes, one after MixColumns/AddRoundKey.
    PerHalfRound,
    /// One register stage per two rounds (5 stages for AES-128, 7 for AES-256).
    PerTwoRounds,
    /// No pipeline: one round unit per AES unit, used once per round (10 or 14 cycles per
    /// block) with its state and key in registers. The smallest engine; each AES unit takes
    /// a new block only when it is idle, one every `Nr + 1` cycles.
    Iterative,
    /// One iterative unit for both directions, shared by the tweak, the encryption and the
    /// decryption in fixed slots of `Nr + 1` cycles each: one request every `3 (Nr + 1)`
    /// cycles. The smallest engine with a round per cycle.
    Shared,
    /// As `shared`, with an AES unit of four S-boxes that does a column per cycle: five cycles
    /// per round (a key-schedule step, then the four columns) and one to load, so each slot is
    /// `5 Nr + 2` cycles and one request takes `3 (5 Nr + 2)`. The smallest engine, for
    /// FPGAs of about 8,000 LUT4 (iCE40 HX8K).
    SharedColumn,
}

impl RoundRegisters {
    /// All values, for sweeps and tests.
    pub const ALL: [RoundRegisters; 7] = [
        RoundRegisters::PerThirdRound,
        RoundRegisters::PerRound,
        RoundRegisters::PerHalfRound,
        RoundRegisters::PerTwoRounds,
        RoundRegisters::Iterative,
        RoundRegisters::Shared,
        RoundRegisters::SharedColumn,
    ];

    /// Register stages per AES round, as a fraction `(stages, rounds)`: 3 per round for
    /// `per_third_round`, 1 per 2 rounds for `per_two_rounds` (the iterative unit registers
    /// its state after every round; the column unit of `shared_column` after every column and
    /// key step, five times per round).
    pub fn stages_per_rounds(self) -> (usize, usize) {
        match self {
            RoundRegisters::PerThirdRound => (3, 1),
            RoundRegisters::PerHalfRound => (2, 1),
            RoundRegisters::SharedColumn => (5, 1),
            RoundRegisters::PerRound | RoundRegisters::Iterative | RoundRegisters::Shared => (1, 1),
            RoundRegisters::PerTwoRounds => (1, 2),
        }
    }

    /// The AES units take one block per clock (every placement but `iterative`, `shared` and
    /// `shared_column`).
    pub fn is_pipelined(self) -> bool {
        !matches!(self, RoundRegisters::Iterative | RoundRegisters::Shared | RoundRegisters::SharedColumn)
    }

    /// One AES unit serves the tweak, the encryption and the decryption (`shared`,
    /// `shared_column`).
    pub fn is_shared(self) -> bool {
        matches!(self, RoundRegisters::Shared | RoundRegisters::SharedColumn)
    }

    /// The name used in TOML.
    pub fn name(self) -> &'static str {
        match self {
            RoundRegisters::PerThirdRound => "per_third_round",
            RoundRegisters::PerRound => "per_round",
            RoundRegisters::PerHalfRound => "per_half_round",
            RoundRegisters::PerTwoRounds => "per_two_rounds",
            RoundRegisters::Iterative => "iterative",
            RoundRegisters::Shared => "shared",
            RoundRegisters::SharedColumn => "shared_column",
        }
    }
}

/// How the AES S-box is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SboxStyle {
    /// A 256-entry lookup table (a `case` statement): fast to simulate, large in LUTs.
    Table,
    /// Composite-field logic: the inversion is done in GF((2^4)^2) with small
    /// GF(2^4) functions between two linear maps; much smaller in LUTs.
    Composite,
    /// The 320 (AES-128) or 448 (AES-256) data S-boxes of the encryption and decryption
    /// pipelines are synchronous-read tables that synthesis maps to block RAM, two lookups per
    /// memory (ECP5 DP16KD, Xilinx RAMB18), and so are those of the tweak pipeline's first
    /// [`EngineConfig::tweak_block_ram_rounds`] rounds; every other S-box (the tweak
    /// pipeline's other rounds, the key schedules) is `composite`. Needs `round_registers =
    /// "per_third_round"`: the memory's read register is the register inside the S-box, so
    /// the latency is that of the other styles.
    BlockRam,
}

impl SboxStyle {
    /// All values, for sweeps and tests.
    pub const ALL: [SboxStyle; 3] = [SboxStyle::Table, SboxStyle::Composite, SboxStyle::BlockRam];

    /// The name used in TOML.
    pub fn name(self) -> &'static str {
        match self {
            SboxStyle::Table => "table",
            SboxStyle::Composite => "composite",
            SboxStyle::BlockRam => "block_ram",
        }
    }

    /// The style of the S-boxes built in logic: those with no register inside (key schedules,
    /// the key table's expander, the iterative units) and the tweak pipeline's. `block_ram`
    /// builds them `composite`; the other styles build them as they build the rest.
    pub fn logic_style(self) -> SboxStyle {
        match self {
            SboxStyle::BlockRam => SboxStyle::Composite,
            style => style,
        }
    }
}

/// Where the key table keeps its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyTableStorage {
    /// Flip-flops, cleared by reset: fine for a few slots.
    Registers,
    /// A synchronous-read memory that synthesis maps to block RAM (ECP5 DP16KD, Xilinx
    /// RAMB); not cleared by reset, but every slot's valid bit is, so the table is empty.
    BlockRam,
}

impl KeyTableStorage {
    /// All values, for sweeps and tests.
    pub const ALL: [KeyTableStorage; 2] = [KeyTableStorage::Registers, KeyTableStorage::BlockRam];

    /// The name used in TOML.
    pub fn name(self) -> &'static str {
        match self {
            KeyTableStorage::Registers => "registers",
            KeyTableStorage::BlockRam => "block_ram",
        }
    }
}

/// Which AES unit computes the XTS tweak `AES-Enc(key2, i)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TweakPipeline {
    /// A tweak pipeline of its own beside the encryption and decryption pipelines: every
    /// request gets its tweak computed, one per cycle.
    Dedicated,
    /// The encryption pipeline also computes the tweaks, and the engine keeps the last one
    /// computed: a read or write in the same data unit and ASID as the last tweak computed
    /// reuses it. Saves one of the three AES pipelines, and adds two cycles to the tweak
    /// latency and one to the encryption's. A write whose tweak is computed uses the encryption pipeline twice (its
    /// tweak, then its block), so with 16-byte data units (a new tweak for every block)
    /// writes run at one per two cycles; with data units of 32 bytes or more, sequential
    /// traffic computes one tweak per data unit and loses about one cycle for it. Pipelined
    /// `round_registers` only.
    Shared,
}

impl TweakPipeline {
    /// All values, for sweeps and tests.
    pub const ALL: [TweakPipeline; 2] = [TweakPipeline::Dedicated, TweakPipeline::Shared];

    /// The name used in TOML.
    pub fn name(self) -> &'static str {
        match self {
            TweakPipeline::Dedicated => "dedicated",
            TweakPipeline::Shared => "shared",
        }
    }
}

/// Where the AES pipelines get their round keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKeys {
    /// Every block carries its key (the data key, its decryption form or the tweak key), and
    /// each round computes the next round key beside the data: four more S-boxes and a chain of
    /// XORs per round.
    OnTheFly,
    /// `set_key` writes the expanded keys into per-round memories indexed by ASID, one in each
    /// pipeline beside each AddRoundKey (distributed RAM or flip-flops), while the command is in
    /// progress, so it takes no longer; each block carries only its ASID and no key schedule
    /// runs beside the data. `clear_key` zeroes the slot's round keys. Pipelined
    /// `round_registers` and a dedicated tweak pipeline only.
    Stored,
}

impl RoundKeys {
    /// All values, for sweeps and tests.
    pub const ALL: [RoundKeys; 2] = [RoundKeys::OnTheFly, RoundKeys::Stored];

    /// The name used in TOML.
    pub fn name(self) -> &'static str {
        match self {
            RoundKeys::OnTheFly => "on_the_fly",
            RoundKeys::Stored => "stored",
        }
    }
}

/// Pipeline knobs: the `[pipeline]` table of the config.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// Register placement in every AES unit (tweak, encryption, decryption), or `iterative`
    /// for one round unit each, or `shared` for one round unit in all. Default
    /// `per_third_round`.
    pub round_registers: RoundRegisters,
    /// S-box construction used in every AES pipeline (`block_ram`: see
    /// [`SboxStyle::BlockRam`]), and in the key table's expander of the iterative and shared
    /// engines (a pipelined engine's expander has table S-boxes: see
    /// [`EngineConfig::key_expander_sbox`]). Read it with [`PipelineConfig::sbox_style`].
    /// Default: `block_ram` at `per_third_round` (the only placement it allows), `table` at
    /// the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sbox: Option<SboxStyle>,
    /// Key-table storage. Default `registers`.
    pub key_table: KeyTableStorage,
    /// Tweak computed by a pipeline of its own, or by the encryption pipeline with the last
    /// tweak kept for reuse (see [`TweakPipeline`]). Default `dedicated`.
    pub tweak_pipeline: TweakPipeline,
    /// Stage A hands a checked read to a two-entry queue in front of the DRAM request channel
    /// instead of sending it to DRAM in the same cycle. The DRAM request channel then chooses
    /// between the heads of the read and write queues from registers, and the DRAM handshake
    /// no longer reaches stage A's hand-over or the request port: a shorter control loop for a
    /// faster clock, for one more cycle on every read. Pipelined `round_registers` only.
    /// Default `false`.
    pub read_request_queue: bool,
    /// Reads sent to DRAM and not yet answered to the core that the engine keeps track of
    /// (their tweaks wait in a queue of this depth): 2 to 256. Reads-only traffic runs at one
    /// per cycle while this, and `response_queue_depth`, exceed the DRAM latency plus the read
    /// cost ([`EngineConfig::read_cost_cycles`]: 12 for the default engine, 32 at
    /// `per_third_round`). Default 128: full rate behind a DRAM latency of up to 115 cycles
    /// (95 at `per_third_round`).
    pub read_queue_depth: u32,
    /// Writes accepted and not yet sent to DRAM (in the pipeline or the write queue): 2 to 256.
    /// Mixed traffic runs at one request per cycle while this is at least twice the write
    /// pipeline depth. Default 64.
    pub write_queue_depth: u32,
    /// Block-address bits the pending-write tracker compares (1 to `addr_bits - 4`): a
    /// checked read waits in stage A while a write accepted and not yet sent to DRAM has a
    /// block address (bits 4 and up) equal to the read's in its low `write_hazard_bits`
    /// bits. `addr_bits - 4` compares the whole address; fewer make the tracker's
    /// `write_queue_depth` compares narrower, for reads that also wait behind writes to other
    /// blocks 2^(n + 4) bytes apart (false hazards: they cost rate, never correctness). Read it with
    /// [`EngineConfig::write_hazard_bits`]. Default: 8 (4 KiB apart) for pipelined
    /// `round_registers`, the whole address for the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_hazard_bits: Option<u32>,
    /// Requests accepted and not yet answered to the core: 2 to 256. Reads keep one per cycle
    /// while this exceeds the DRAM latency plus the read cost, like `read_queue_depth`.
    /// Default 128.
    pub response_queue_depth: u32,
    /// Partial writes (read-modify-writes) in flight in the partial-write unit in front of
    /// the engine: 1 to 64. Each holds its block's address, data and strobes from its
    /// acceptance until its merged write enters the engine. Partial writes to distinct blocks
    /// run at up to one per two cycles while this covers half a read's round trip (DRAM
    /// latency plus the read cost, `read_cost_cycles`, plus about 4). Default: 32 for the
    /// pipelined `round_registers` (at three stages per round about 0.34 per cycle behind a
    /// DRAM latency of 31; 64 reach 0.5), 1 for the others, which take a request every 11 or
    /// more cycles anyway
    /// ([`EngineConfig::partial_write_depth`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_write_depth: Option<u32>,
    /// A two-entry buffer on every valid/ready channel of the top and a register on the key
    /// response, so that every output port comes from registers and no path runs from an
    /// input port to an output port: the top's handshakes can no longer be the critical path,
    /// for [`EngineConfig::port_register_cycles`] cycles more each way (a read costs four
    /// more, `set_key` answers two later). Any `round_registers`. Default `false`.
    pub registered_ports: bool,
    /// A two-entry buffer on the request channel between the partial-write unit and the
    /// core (see `mee_reference::request_buffer`), so that the core's readiness reaches no
    /// decision of the unit in the same cycle: the loop from stage A's hand-over through the
    /// unit's acceptance is cut, for one cycle more on every request's way in
    /// ([`EngineConfig::request_buffer_cycles`]). Pipelined `round_registers` only. Read it
    /// with [`EngineConfig::buffers_requests`]. Default: on for pipelined `round_registers`,
    /// off for the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_buffer: Option<bool>,
    /// Round keys computed beside every block, or stored per ASID and written by `set_key`
    /// (see [`RoundKeys`]). Read it with [`EngineConfig::round_key_mode`]. Default: `stored`
    /// where it is allowed (a pipelined `round_registers` with a dedicated tweak pipeline) and
    /// `num_asids` is at most [`STORED_ROUND_KEYS_DEFAULT_SLOTS`], `on_the_fly` elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_keys: Option<RoundKeys>,
    /// With `sbox = "block_ram"` and stored round keys: how many of the tweak pipeline's
    /// rounds, from the first, look their S-boxes up in block RAM (eight memories a round);
    /// the others keep logic S-boxes. Same latency either way. Read it with
    /// [`EngineConfig::tweak_block_ram_rounds`]. Default: as many as an LFE5U-85F's 208
    /// DP16KD hold beside the data pipelines' (six with AES-128, none with AES-256).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tweak_block_ram_rounds: Option<u32>,
}

impl PipelineConfig {
    /// The S-box style: `sbox`, or its default for the register placement (`block_ram` at
    /// `per_third_round`, `table` at the others).
    pub fn sbox_style(&self) -> SboxStyle {
        self.sbox.unwrap_or(if self.round_registers == RoundRegisters::PerThirdRound { SboxStyle::BlockRam } else { SboxStyle::Table })
    }
}

/// Block RAMs of the LFE5U-85F (DP16KD), the device the default engine is sized for.
pub const DEFAULT_DEVICE_BLOCK_RAMS: usize = 208;

/// Block RAMs one round of block-RAM S-boxes takes: sixteen S-boxes, two to a dual-port
/// memory.
pub const BLOCK_RAMS_PER_ROUND: usize = 8;

/// The most key-table slots for which round keys are stored by default: each pipeline keeps
/// `Nr + 1` memories of `num_asids` x 128 bits in distributed RAM (at 64 slots, 128
/// TRELLIS_DPR16X4 each on ECP5).
pub const STORED_ROUND_KEYS_DEFAULT_SLOTS: u32 = 64;

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            round_registers: RoundRegisters::PerThirdRound,
            sbox: None,
            key_table: KeyTableStorage::Registers,
            tweak_pipeline: TweakPipeline::Dedicated,
            read_request_queue: false,
            read_queue_depth: 128,
            write_queue_depth: 64,
            write_hazard_bits: None,
            response_queue_depth: 128,
            partial_write_depth: None,
            registered_ports: false,
            request_buffer: None,
            round_keys: None,
            tweak_block_ram_rounds: None,
        }
    }
}

/// The pending-write tracker's match rule: with `compare_bits` = `Some(n)` (1 to 60), two
/// addresses collide when their block addresses (bits 4 and up) agree in the low `n` bits, so
/// blocks 2^(n + 4) bytes apart alias; with `None` only equal addresses collide. The cycle
/// model ([`EngineConfig::write_hazard`]) and the tracker's Rust model both use it.
pub fn addresses_collide(a: u64, b: u64, compare_bits: Option<u32>) -> bool {
    match compare_bits {
        Some(n) => ((a ^ b) >> 4) & ((1u64 << n.min(60)) - 1) == 0,
        None => a == b,
    }
}

/// The bus the exported top speaks: the `bus` key of the `[interface]` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BusKind {
    /// The engine's own valid/ready ports (DESIGN.md, "Verilog top level").
    #[default]
    Native,
    /// AMBA AXI4: an `s_axi` slave for the core, an `m_axi` master to DRAM and an `s_axil`
    /// AXI4-Lite key port (DESIGN.md, "Standard bus tops: AXI4").
    Axi4,
}

impl BusKind {
    /// The name used in config files.
    pub fn name(self) -> &'static str {
        match self {
            BusKind::Native => "native",
            BusKind::Axi4 => "axi4",
        }
    }
}

/// The `[interface]` table: which bus the exported top speaks.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InterfaceConfig {
    /// `native` (default) or `axi4`.
    pub bus: BusKind,
    /// Width of the AXI4 ID fields (`awid`, `bid`, `arid`, `rid`): 1 to 16. Default 4.
    pub id_bits: u32,
}

impl Default for InterfaceConfig {
    fn default() -> Self {
        Self { bus: BusKind::Native, id_bits: 4 }
    }
}

impl InterfaceConfig {
    /// The default table (left out when a config is written as TOML).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// What the SoC's cpu reaches DRAM through: the `memory_path` key of the `[soc]` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SocMemoryPath {
    /// The engine, private view encrypted (the SoC of DESIGN.md).
    #[default]
    Engine,
    /// The engine with the C-bit clear everywhere: nothing is sealed or encrypted (a baseline).
    EnginePlaintext,
    /// No engine: a plain DRAM bridge (a baseline).
    Direct,
}

impl SocMemoryPath {
    /// The name used in config files.
    pub fn name(self) -> &'static str {
        match self {
            SocMemoryPath::Engine => "engine",
            SocMemoryPath::EnginePlaintext => "engine_plaintext",
            SocMemoryPath::Direct => "direct",
        }
    }
}

/// The `[soc]` table: the system `mee soc` builds around the engine (DESIGN.md, "The SoC").
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SocConfig {
    /// DRAM size in bytes: a power of two from 64 KiB to 1 GiB (`mee soc` also needs it to be
    /// at most 2^`addr_bits`). Default 1 MiB.
    pub dram_bytes: u64,
    /// Cycles from a DRAM read request to its data in `mee soc run`'s DRAM model: 1 to 1000.
    /// Default 20.
    pub dram_latency: u32,
    /// `engine` (default), or a baseline for measurements: `engine_plaintext` (the C-bit clear
    /// everywhere, nothing sealed) or `direct` (no engine).
    pub memory_path: SocMemoryPath,
}

impl Default for SocConfig {
    fn default() -> Self {
        Self { dram_bytes: 1 << 20, dram_latency: 20, memory_path: SocMemoryPath::Engine }
    }
}

impl SocConfig {
    /// The default table (left out when a config is written as TOML).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// The engine's parameters. Every field has a default, so an empty TOML file is the default
/// engine.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// Name of the exported top module and prefix of every submodule. Default `mee_engine`.
    pub top_name: String,
    /// AES key size of both XTS keys: 128 or 256. Default 128.
    pub key_bits: u32,
    /// XTS data-unit size in bytes: a power of two from 16 to 4096. Default 16.
    pub data_unit_bytes: u32,
    /// Slots of the key table: 1 to 1024, and at most 2^`asid_bits`. Default 16.
    pub num_asids: u32,
    /// Width of the ASID fields: 1 to 16 bits. Default 8.
    pub asid_bits: u32,
    /// Width of byte addresses: 8 to 64 bits, and wide enough for one data unit. Default 32.
    pub addr_bits: u32,
    /// Pipeline knobs.
    pub pipeline: PipelineConfig,
    /// The bus of the exported top.
    #[serde(skip_serializing_if = "InterfaceConfig::is_default")]
    pub interface: InterfaceConfig,
    /// The SoC around the engine (`mee soc`).
    #[serde(skip_serializing_if = "SocConfig::is_default")]
    pub soc: SocConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            top_name: "mee_engine".to_string(),
            key_bits: 128,
            data_unit_bytes: 16,
            num_asids: 16,
            asid_bits: 8,
            addr_bits: 32,
            pipeline: PipelineConfig::default(),
            interface: InterfaceConfig::default(),
            soc: SocConfig::default(),
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The TOML did not parse, has an unknown key, or a value of the wrong type.
    #[error("config {source_name}: {message}")]
    Parse {
        /// The file name, or `<string>`.
        source_name: String,
        /// The parser's message (it names the line, the key and what was expected).
        message: String,
    },
    /// A value is out of range.
    #[error("config key `{key}` = {value} is not allowed: {allowed}")]
    Invalid {
        /// The key, as a dotted TOML path.
        key: String,
        /// The refused value.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// The file could not be read.
    #[error("cannot read config file {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

fn invalid(key: &str, value: impl std::fmt::Display, allowed: &str) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        allowed: allowed.to_string(),
    }
}

/// Verilog keywords that a `top_name` must not be.
const VERILOG_KEYWORDS: &[&str] = &[
    "module", "endmodule", "input", "output", "inout", "wire", "reg", "always", "assign",
    "begin", "end", "if", "else", "case", "endcase", "default", "initial", "integer",
    "parameter", "localparam", "logic", "function", "task", "for", "generate", "genvar",
];

impl EngineConfig {
    /// Parses and validates a TOML string.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        Self::parse_named(text, "<string>")
    }

    /// Reads, parses and validates a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse_named(&text, &path.display().to_string())
    }

    fn parse_named(text: &str, source_name: &str) -> Result<Self, ConfigError> {
        let config: EngineConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            source_name: source_name.to_string(),
            message: e.to_string(),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// The config as TOML text.
    pub fn to_toml_string(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks every field's range and the relations between fields.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let name_ok = !self.top_name.is_empty()
            && self.top_name.len() <= 64
            && self
                .top_name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && self.top_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !VERILOG_KEYWORDS.contains(&self.top_name.as_str());
        if !name_ok {
            return Err(invalid(
                "top_name",
                format!("{:?}", self.top_name),
                "a Verilog identifier of 1 to 64 characters (letters, digits, `_`, not starting with a digit, not a keyword)",
            ));
        }
        if self.key_bits != 128 && self.key_bits != 256 {
            return Err(invalid("key_bits", self.key_bits, "128 or 256"));
        }
        if !(16..=4096).contains(&self.data_unit_bytes) || !self.data_unit_bytes.is_power_of_two() {
            return Err(invalid(
                "data_unit_bytes",
                self.data_unit_bytes,
                "a power of two from 16 to 4096",
            ));
        }
        if !(1..=16).contains(&self.asid_bits) {
            return Err(invalid("asid_bits", self.asid_bits, "1 to 16"));
        }
        let slot_limit = 1024u64.min(1u64 << self.asid_bits);
        if self.num_asids == 0 || u64::from(self.num_asids) > slot_limit {
            return Err(invalid(
                "num_asids",
                self.num_asids,
                &format!("1 to {slot_limit} (at most 1024 and at most 2^asid_bits with asid_bits = {})", self.asid_bits),
            ));
        }
        let du_bits = self.data_unit_bytes.trailing_zeros();
        if !(8..=64).contains(&self.addr_bits) || self.addr_bits <= du_bits {
            return Err(invalid(
                "addr_bits",
                self.addr_bits,
                &format!("8 to 64, and more than log2(data_unit_bytes) = {du_bits}"),
            ));
        }
        if self.pipeline.sbox_style() == SboxStyle::BlockRam && self.pipeline.round_registers != RoundRegisters::PerThirdRound {
            return Err(invalid(
                "pipeline.sbox",
                "\"block_ram\"",
                &format!(
                    "only with pipeline.round_registers = \"per_third_round\" (its register inside the S-box is the memory's read register), not \"{}\"",
                    self.pipeline.round_registers.name()
                ),
            ));
        }
        // Knobs for pipelined engines only: (key, value, set, why not for the others).
        for (key, value, set, reason) in [
            ("pipeline.tweak_pipeline", "\"shared\"", self.pipeline.tweak_pipeline == TweakPipeline::Shared, "whose AES units already take turns"),
            ("pipeline.read_request_queue", "true", self.pipeline.read_request_queue, "whose clock its round unit limits"),
            ("pipeline.round_keys", "\"stored\"", self.stores_round_keys(), "whose one round unit serves every key"),
            ("pipeline.request_buffer", "true", self.pipeline.request_buffer == Some(true), "whose clock its round unit limits"),
        ] {
            if set && !self.pipeline.round_registers.is_pipelined() {
                return Err(invalid(
                    key,
                    value,
                    &format!(
                        "only with a pipelined pipeline.round_registers (per_third_round, per_half_round, per_round or per_two_rounds), not \"{}\", {reason}",
                        self.pipeline.round_registers.name()
                    ),
                ));
            }
        }
        if self.stores_round_keys() && self.pipeline.tweak_pipeline == TweakPipeline::Shared {
            return Err(invalid(
                "pipeline.round_keys",
                "\"stored\"",
                "only with pipeline.tweak_pipeline = \"dedicated\" (a shared encryption pipeline would need the round keys of both keys), not \"shared\"",
            ));
        }
        for (key, value) in [
            ("pipeline.read_queue_depth", self.pipeline.read_queue_depth),
            ("pipeline.write_queue_depth", self.pipeline.write_queue_depth),
            ("pipeline.response_queue_depth", self.pipeline.response_queue_depth),
        ] {
            if !(2..=256).contains(&value) {
                return Err(invalid(key, value, "2 to 256"));
            }
        }
        if let Some(rounds) = self.pipeline.tweak_block_ram_rounds.filter(|&r| r > 0) {
            if !self.tweak_can_use_block_ram() {
                return Err(invalid(
                    "pipeline.tweak_block_ram_rounds",
                    rounds,
                    "0 unless pipeline.sbox is \"block_ram\" and round keys are stored (pipeline.round_keys = \"stored\")",
                ));
            }
            if rounds as usize > self.aes_rounds() {
                return Err(invalid("pipeline.tweak_block_ram_rounds", rounds, &format!("0 to {} (the rounds of AES-{})", self.aes_rounds(), self.key_bits)));
            }
        }
        if let Some(bits) = self.pipeline.write_hazard_bits.filter(|&b| b < 1 || b > self.addr_bits.saturating_sub(4)) {
            return Err(invalid("pipeline.write_hazard_bits", bits, &format!("1 to addr_bits - 4 = {} (block-address bits)", self.addr_bits.saturating_sub(4))));
        }
        if let Some(depth) = self.pipeline.partial_write_depth.filter(|d| !(1..=64).contains(d)) {
            return Err(invalid("pipeline.partial_write_depth", depth, "1 to 64"));
        }
        if !(1..=16).contains(&self.interface.id_bits) {
            return Err(invalid("interface.id_bits", self.interface.id_bits, "1 to 16"));
        }
        if !self.soc.dram_bytes.is_power_of_two() || !((1 << 16)..=(1 << 30)).contains(&self.soc.dram_bytes) {
            return Err(invalid("soc.dram_bytes", self.soc.dram_bytes, "a power of two from 65536 to 1073741824 (64 KiB to 1 GiB)"));
        }
        if !(1..=1000).contains(&self.soc.dram_latency) {
            return Err(invalid("soc.dram_latency", self.soc.dram_latency, "1 to 1000"));
        }
        Ok(())
    }

    /// Where the round keys come from: `pipeline.round_keys`, or its default: `stored` with a
    /// pipelined `round_registers`, a dedicated tweak pipeline and at most
    /// [`STORED_ROUND_KEYS_DEFAULT_SLOTS`] slots, `on_the_fly` otherwise.
    pub fn round_key_mode(&self) -> RoundKeys {
        let p = &self.pipeline;
        let storable = p.round_registers.is_pipelined() && p.tweak_pipeline == TweakPipeline::Dedicated && self.num_asids <= STORED_ROUND_KEYS_DEFAULT_SLOTS;
        p.round_keys.unwrap_or(if storable { RoundKeys::Stored } else { RoundKeys::OnTheFly })
    }

    /// Block-address bits the pending-write tracker compares: `pipeline.write_hazard_bits`,
    /// or its default (8 for pipelined `round_registers`, all `addr_bits - 4` for the others;
    /// never more than `addr_bits - 4`).
    pub fn write_hazard_bits(&self) -> u32 {
        let all = self.addr_bits.saturating_sub(4);
        let default = if self.pipeline.round_registers.is_pipelined() { 8 } else { all };
        self.pipeline.write_hazard_bits.unwrap_or(default).min(all)
    }

    /// The tracker compares part of the block address: [`EngineConfig::write_hazard_bits`]
    /// below `addr_bits - 4`, or `None` when it compares the whole address.
    pub fn tracker_compare_bits(&self) -> Option<u32> {
        Some(self.write_hazard_bits()).filter(|&n| n < self.addr_bits.saturating_sub(4))
    }

    /// Whether a read of the aligned `read_addr` waits for a pending write to `write_addr`:
    /// their block addresses agree in the low [`EngineConfig::write_hazard_bits`] bits (the
    /// same address when those are all of them).
    pub fn write_hazard(&self, write_addr: u64, read_addr: u64) -> bool {
        addresses_collide(write_addr, read_addr, self.tracker_compare_bits())
    }

    /// Requests pass the request buffer between the partial-write unit and the core:
    /// `pipeline.request_buffer`, or its default (on for pipelined `round_registers`).
    pub fn buffers_requests(&self) -> bool {
        self.pipeline.request_buffer.unwrap_or(self.pipeline.round_registers.is_pipelined())
    }

    /// The AES pipelines keep round keys per ASID ([`EngineConfig::round_key_mode`] is
    /// `stored`).
    pub fn stores_round_keys(&self) -> bool {
        self.round_key_mode() == RoundKeys::Stored
    }

    /// The tweak pipeline's rounds (from the first) whose S-boxes are block RAMs:
    /// `pipeline.tweak_block_ram_rounds`, or its default: with `sbox = "block_ram"` and stored
    /// round keys, as many rounds of eight memories as [`DEFAULT_DEVICE_BLOCK_RAMS`] holds
    /// beside the encryption and decryption pipelines' (six with AES-128, none with AES-256);
    /// none otherwise.
    pub fn tweak_block_ram_rounds(&self) -> usize {
        let rounds = self.aes_rounds();
        let default = if self.tweak_can_use_block_ram() {
            DEFAULT_DEVICE_BLOCK_RAMS.saturating_sub(2 * BLOCK_RAMS_PER_ROUND * rounds) / BLOCK_RAMS_PER_ROUND
        } else {
            0
        };
        self.pipeline.tweak_block_ram_rounds.map_or(default, |r| r as usize).min(rounds)
    }

    /// Whether the tweak pipeline may take block-RAM S-boxes: only with `sbox = "block_ram"`
    /// and stored round keys (the stored-key pipeline is the one built round by round).
    fn tweak_can_use_block_ram(&self) -> bool {
        self.pipeline.sbox_style() == SboxStyle::BlockRam && self.stores_round_keys()
    }

    /// Entries of the partial-write unit: `pipeline.partial_write_depth`, or its default for
    /// the register placement (32 pipelined, 1 otherwise).
    pub fn partial_write_depth(&self) -> usize {
        let default = if self.pipeline.round_registers.is_pipelined() { 32 } else { 1 };
        self.pipeline.partial_write_depth.unwrap_or(default) as usize
    }

    /// Entries of the partial-write unit's order queue (one per request in flight through
    /// it): `response_queue_depth + partial_write_depth + 2`, more than can ever be waiting,
    /// so that it never holds back a request.
    pub fn partial_write_order_depth(&self) -> usize {
        self.pipeline.response_queue_depth as usize + self.partial_write_depth() + 2
    }

    /// Cycles through one AES pipeline (encryption or decryption) with this config's register
    /// placement: one per register stage (with `shared_column`, one more to load the unit).
    pub fn aes_latency(&self) -> usize {
        let (stages, rounds) = self.pipeline.round_registers.stages_per_rounds();
        let load = usize::from(self.pipeline.round_registers == RoundRegisters::SharedColumn);
        (self.aes_rounds() * stages).div_ceil(rounds) + load
    }

    /// Cycles from one block entering an AES unit to the next one it can take: 1 for the
    /// pipelines, `aes_latency() + 1` for the iterative unit (busy until its result has left).
    /// With `shared` this is the length of each of the frame's three slots (see
    /// [`EngineConfig::shared_frame_cycles`]).
    pub fn aes_initiation_interval(&self) -> usize {
        if self.pipeline.round_registers.is_pipelined() {
            1
        } else {
            self.aes_latency() + 1
        }
    }

    /// With `round_registers = "shared"`: cycles of the unit's schedule, three slots of
    /// [`EngineConfig::aes_initiation_interval`] (tweak, then encryption, then decryption).
    pub fn shared_frame_cycles(&self) -> usize {
        3 * (self.aes_latency() + 1)
    }

    /// Cycles through the XTS tweak unit: the AES pipeline plus the α^j register; with
    /// `tweak_pipeline = "shared"` two more, for the register that holds a started tweak and
    /// the encryption pipeline's input register.
    pub fn tweak_latency(&self) -> usize {
        self.aes_latency() + 1 + 2 * usize::from(self.shares_tweak_pipeline())
    }

    /// Cycles from a block entering the encryption path to its ciphertext: the AES pipeline,
    /// plus its input register with `tweak_pipeline = "shared"`.
    pub fn encrypt_latency(&self) -> usize {
        self.aes_latency() + usize::from(self.shares_tweak_pipeline())
    }

    /// `tweak_pipeline = "shared"` on a pipelined engine (the only place it is allowed).
    pub fn shares_tweak_pipeline(&self) -> bool {
        self.pipeline.tweak_pipeline == TweakPipeline::Shared && self.pipeline.round_registers.is_pipelined()
    }

    /// With a shared tweak pipeline: entries of the queue where writes leaving the tweak unit
    /// wait while tweaks take the encryption pipeline's input. A request that computes a tweak
    /// leaves stage A only while at most this minus 2 are waiting. About one write per two
    /// cycles of the tweak latency can be waiting, so this rarely holds a request back.
    pub fn tweak_slip_depth(&self) -> usize {
        self.tweak_latency() / 2 + 3
    }

    /// Cycles each buffer of the registered top boundary adds (`registered_ports`): 1, or 0
    /// without it. A request crosses one on its way in and one on its way out.
    pub fn port_register_cycles(&self) -> usize {
        usize::from(self.pipeline.registered_ports)
    }

    /// Cycles the request buffer (`request_buffer`) adds to every request's way in: 1, or 0
    /// without it.
    pub fn request_buffer_cycles(&self) -> usize {
        usize::from(self.buffers_requests())
    }

    /// Cycles from accepting a whole-block write at the top to its DRAM write request at the
    /// top: the tweak unit, the encryption, stage A and the final XOR's register, plus two with
    /// `registered_ports` and one with `request_buffer`.
    pub fn write_request_latency(&self) -> usize {
        self.tweak_latency() + self.encrypt_latency() + 2 + 2 * self.port_register_cycles() + self.request_buffer_cycles()
    }

    /// Cycles from accepting a key command at the top to its answer at the top: the expansion
    /// ([`crate::engine_model::key_expansion_latency`]) for an accepted `set_key`, one for
    /// `clear_key` and refused commands; plus two with `registered_ports`. Stored round keys
    /// are written within these cycles.
    pub fn key_answer_latency(&self, accepted_set_key: bool) -> usize {
        let engine = if accepted_set_key { crate::engine_model::key_expansion_latency(self) } else { 1 };
        engine + 2 * self.port_register_cycles()
    }

    /// Cycles from accepting a read at the top to its DRAM request at the top: 1, or 2 through
    /// the read request queue (`read_request_queue`), plus two with `registered_ports` and one
    /// with `request_buffer`.
    pub fn read_request_latency(&self) -> usize {
        1 + usize::from(self.pipeline.read_request_queue) + 2 * self.port_register_cycles() + self.request_buffer_cycles()
    }

    /// Cycles from DRAM data at the top to the core response at the top: the read register and
    /// the decryption, plus two with `registered_ports` (pipelined and iterative engines).
    pub fn read_response_latency(&self) -> usize {
        self.aes_latency() + 1 + 2 * self.port_register_cycles()
    }

    /// Cycles a read costs over a direct connection to DRAM when the DRAM latency is at least
    /// the tweak latency and the AES unit is free: the read request latency, the read
    /// register and the decryption. With one shared AES unit, two slots of the frame when the
    /// read arrives just in time for the tweak slot.
    pub fn read_cost_cycles(&self) -> usize {
        if self.pipeline.round_registers.is_shared() {
            2 * (self.aes_latency() + 1) + 4 * self.port_register_cycles()
        } else {
            self.read_response_latency() + self.read_request_latency()
        }
    }

    /// Entries of the read request queue (`read_request_queue`): two, so that a read can enter
    /// in the cycle the one before it leaves, while the queue's room is decided from registers.
    pub const READ_REQUEST_QUEUE_DEPTH: usize = 2;

    /// The S-box style of the key table's expander (four S-boxes, one schedule step per cycle,
    /// whose S-box and word XORs form one register-to-register path). A pipelined engine
    /// builds them as tables whatever `sbox` says: a table S-box is about four LUT4 levels
    /// against the composite one's thirteen, and at two or three stages per round that path
    /// would otherwise set the clock, for a few hundred LUT4. The iterative and shared
    /// engines, built for area, keep the style of their other logic S-boxes.
    pub fn key_expander_sbox(&self) -> SboxStyle {
        if self.pipeline.round_registers.is_pipelined() {
            SboxStyle::Table
        } else {
            self.pipeline.sbox_style().logic_style()
        }
    }

    /// Key size in bytes of each of the two XTS keys.
    pub fn key_bytes(&self) -> usize {
        self.key_bits as usize / 8
    }

    /// Number of AES rounds (10 or 14).
    pub fn aes_rounds(&self) -> usize {
        if self.key_bits == 256 {
            14
        } else {
            10
        }
    }

    /// Number of 16-byte blocks in one data unit.
    pub fn blocks_per_data_unit(&self) -> usize {
        self.data_unit_bytes as usize / 16
    }

    /// Width of the block index `j` inside a data unit (0 for 16-byte data units).
    pub fn block_index_bits(&self) -> usize {
        self.blocks_per_data_unit().trailing_zeros() as usize
    }
}
