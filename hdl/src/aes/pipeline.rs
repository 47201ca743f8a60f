//! `AesPipeline`: a fully pipelined AES-128/256 encryption or decryption unit, one block per
//! clock, with the key travelling beside the data so that every block may use a different key.
//!
//! Built from config at construction time: `Nr` rounds ([`EncryptRound`] or [`DecryptRound`])
//! with pipeline registers placed per [`RoundRegisters`]:
//!
//! | `round_registers` | latency (AES-128 / AES-256) |
//! | --- | --- |
//! | `per_third_round` | 30 / 42 |
//! | `per_half_round` | 20 / 28 |
//! | `per_round` | 10 / 14 |
//! | `per_two_rounds` | 5 / 7 |
//! | `iterative` | 10 / 14 |
//!
//! `iterative` is not a pipeline: one scheduled round (see [`EncryptRound::scheduled`]) with
//! the state and the key window in registers and a round counter. A block enters when the
//! unit is idle (`ready`); its first round runs in the cycle it enters (while idle the round
//! works on the input ports and `valid_in` only enables the registers), one more round per
//! cycle after that, and it leaves on `valid_out` in cycle `Nr` after entering. The unit is
//! idle again in the cycle after that, so it takes a block every `Nr + 1` cycles.
//!
//! Ports (all byte arrays in FIPS-197 byte order):
//! - `valid_in`, `data_in[16]`, `key_in[Nk*4]`: a block enters in a cycle where `valid_in` is 1.
//!   Encryption takes the cipher key; decryption takes the *decryption key form* (the last
//!   `Nk` words of the expanded key, see `mee_reference::key_schedule`).
//! - `valid_out`, `data_out[16]`: the block leaves exactly [`AesPipeline::latency`] cycles later.
//!   There is no backpressure: the pipeline always advances.
//! - `ready`: a block may enter this cycle; `ready_next`: a block may enter next cycle if none
//!   enters in this one. Both are always 1 for the pipelines; a block offered while `ready` is
//!   low is lost (the engine never does that).
//!
//! With [`AesPipeline::with_stored_round_keys`] the unit is a [`StoredKeyPipeline`] instead
//! (round keys kept per slot, `slot_in` and the `key_write_*` port in use, `key_in` ignored),
//! with the same latency; the other constructors leave `slot_in` and `key_write_*` unused.
//!
//! The pipeline itself is wiring (round to round, and the initial AddRoundKey); it is written
//! as a custom-Verilog module because rust-hdl's `#[hdl_gen]` cannot export two-level indexing
//! (`rounds[r].x[k]`). Its Rust model and its Verilog are generated from the same loops.

use crate::aes::decrypt_round::DecryptRound;
use crate::aes::encrypt_round::{EncryptRound, RoundRegisterSet, RoundSchedule};
use crate::aes::stored_key_pipeline::StoredKeyPipeline;
use crate::primitives::model_state::ModelState;
use crate::primitives::modelled_children::ModelledChildren;
use mee_reference::key_schedule::cipher_key_from_decryption_form;
use mee_reference::xts::{aes_decrypt, aes_encrypt};
use std::collections::VecDeque;
use crate::aes::sbox::SboxStyle;
pub use mee_reference::RoundRegisters;
use crate::defaults;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// Direction of an AES pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The forward cipher.
    Encrypt,
    /// The inverse cipher.
    Decrypt,
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct AesPipeline {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset: clears every pipeline register.
    pub reset: Signal<In, Bit>,
    /// A block enters this cycle.
    pub valid_in: Signal<In, Bit>,
    /// The input block.
    pub data_in: [Signal<In, Bits<8>>; 16],
    /// The key (encryption) or decryption key form (decryption), 16 or 32 bytes.
    pub key_in: Vec<Signal<In, Bits<8>>>,
    /// A block leaves this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The output block.
    pub data_out: [Signal<Out, Bits<8>>; 16],
    /// A block may enter this cycle.
    pub ready: Signal<Out, Bit>,
    /// A block may enter next cycle if none enters this cycle.
    pub ready_next: Signal<Out, Bit>,
    /// The entering block's key slot, for a pipeline with stored round keys (see
    /// [`AesPipeline::with_stored_round_keys`]); ignored by the others.
    pub slot_in: Signal<In, Bits<16>>,
    /// Round-key write port of a pipeline with stored round keys (see [`StoredKeyPipeline`]);
    /// ignored by the others.
    pub key_write_enable: Signal<In, Bit>,
    /// Write the first round key of `key_write_data` into every round key of the slot instead.
    pub key_write_all: Signal<In, Bit>,
    /// The slot written.
    pub key_write_slot: Signal<In, Bits<16>>,
    /// The index of the first round key written.
    pub key_write_index: Signal<In, Bits<8>>,
    /// The key schedule's window from round key `key_write_index` on (16 or 32 bytes).
    pub key_write_data: Vec<Signal<In, Bits<8>>>,
    stored: ModelledChildren<Vec<StoredKeyPipeline>>,
    encrypt_rounds: ModelledChildren<Vec<EncryptRound>>,
    decrypt_rounds: ModelledChildren<Vec<DecryptRound>>,
    iteration: ModelState<IterationModel>,
    blocks: ModelState<BlockModel>,
}

/// The pipelines' Rust model (see [`AesPipeline::with_round_simulation`]): the block in every
/// stage, `None` for a bubble, computed whole as it enters.
#[derive(Clone, Debug, Default)]
pub struct BlockModel {
    /// Stage 1 (front) to the last stage (back), whose block is on `data_out`.
    stages: VecDeque<Option<[u8; 16]>>,
    /// The last decryption key form seen and its cipher key (decryption pipelines).
    form_and_key: Option<(Vec<u8>, Vec<u8>)>,
}

/// The iterative unit's registers and round schedule, for the Rust model (empty schedule for
/// the pipelines).
#[derive(Clone, Debug, Default)]
pub struct IterationModel {
    /// Step 1 to Nr: the schedule of the round run in that step.
    schedule: Vec<RoundSchedule>,
    /// Rounds done on the block inside (0 = idle, Nr = the result is on `data_out`).
    count: usize,
    state: [u8; 16],
    window: Vec<u8>,
}

/// A scheduled round's schedule ports: round constant, RotWord step, final round.
type SchedulePorts<'a> = (&'a mut Signal<In, Bits<8>>, &'a mut Signal<In, Bit>, &'a mut Signal<In, Bit>);

/// The ports a round shares with its neighbours.
trait RoundPorts {
    fn clock(&mut self) -> &mut Signal<In, Clock>;
    fn reset(&mut self) -> &mut Signal<In, Bit>;
    fn valid_in(&mut self) -> &mut Signal<In, Bit>;
    fn state_in(&mut self) -> &mut [Signal<In, Bits<8>>];
    fn key_in(&mut self) -> &mut [Signal<In, Bits<8>>];
    fn valid_out(&self) -> &Signal<Out, Bit>;
    fn state_out(&self) -> &[Signal<Out, Bits<8>>];
    fn key_out(&self) -> &[Signal<Out, Bits<8>>];
    /// The schedule ports of a scheduled round: round constant, RotWord step, final round.
    fn schedule_ports(&mut self) -> SchedulePorts<'_>;

    /// Marks every input the pipeline drives as connected.
    fn connect_inputs(&mut self) {
        let (rcon, rotate, final_round) = self.schedule_ports();
        rcon.connect();
        rotate.connect();
        final_round.connect();
        self.clock().connect();
        self.reset().connect();
        self.valid_in().connect();
        self.state_in().iter_mut().for_each(|s| s.connect());
        self.key_in().iter_mut().for_each(|s| s.connect());
    }
}

macro_rules! round_ports {
    ($t:ty) => {
        impl RoundPorts for $t {
            fn clock(&mut self) -> &mut Signal<In, Clock> {
                &mut self.clock
            }
            fn reset(&mut self) -> &mut Signal<In, Bit> {
                &mut self.reset
            }
            fn valid_in(&mut self) -> &mut Signal<In, Bit> {
                &mut self.valid_in
            }
            fn state_in(&mut self) -> &mut [Signal<In, Bits<8>>] {
                &mut self.state_in
            }
            fn key_in(&mut self) -> &mut [Signal<In, Bits<8>>] {
                &mut self.key_in
            }
            fn valid_out(&self) -> &Signal<Out, Bit> {
                &self.valid_out
            }
            fn state_out(&self) -> &[Signal<Out, Bits<8>>] {
                &self.state_out
            }
            fn key_out(&self) -> &[Signal<Out, Bits<8>>] {
                &self.key_out
            }
            fn schedule_ports(&mut self) -> SchedulePorts<'_> {
                (&mut self.schedule_rcon, &mut self.schedule_rotate, &mut self.schedule_final)
            }
        }
    };
}
round_ports!(EncryptRound);
round_ports!(DecryptRound);

/// Which registers round `index` (0-based position in the pipeline) gets (the iterative
/// unit's state register is after the round, as `per_round`).
pub(crate) fn round_registers(placement: RoundRegisters, index: usize) -> RoundRegisterSet {
    let (in_sbox, after_sbox, after_round) = match placement {
        RoundRegisters::PerThirdRound => (true, true, true),
        RoundRegisters::PerHalfRound => (false, true, true),
        RoundRegisters::PerRound | RoundRegisters::Iterative | RoundRegisters::Shared | RoundRegisters::SharedColumn => {
            (false, false, true)
        }
        RoundRegisters::PerTwoRounds => (false, false, index % 2 == 1),
    };
    RoundRegisterSet { in_sbox, after_sbox, after_round }
}

impl AesPipeline {
    /// A pipeline for `key_bytes` (16 or 32) keys.
    pub fn new(direction: Direction, key_bytes: usize, placement: RoundRegisters, style: SboxStyle) -> Self {
        Self::assemble(direction, key_bytes, placement, style, true)
    }

    /// The pipeline's ports and models, with its own rounds (`with_rounds`) or, for
    /// [`AesPipeline::with_stored_round_keys`], none: a pipeline of stored round keys holds
    /// them in its [`StoredKeyPipeline`] instead.
    fn assemble(direction: Direction, key_bytes: usize, placement: RoundRegisters, style: SboxStyle, with_rounds: bool) -> Self {
        let rounds = key_bytes / 4 + 6;
        let mut encrypt_rounds = Vec::new();
        let mut decrypt_rounds = Vec::new();
        let mut iteration = IterationModel { window: vec![0; key_bytes], ..Default::default() };
        // (`shared` is an engine arrangement; a pipeline built for it is the iterative one.)
        if !placement.is_pipelined() {
            match direction {
                Direction::Encrypt => encrypt_rounds.push(EncryptRound::scheduled(key_bytes, style)),
                Direction::Decrypt => decrypt_rounds.push(DecryptRound::scheduled(key_bytes, style)),
            }
            iteration.schedule = (1..=rounds)
                .map(|step| match direction {
                    Direction::Encrypt => EncryptRound::schedule(key_bytes, step),
                    Direction::Decrypt => DecryptRound::schedule(key_bytes, rounds + 1 - step),
                })
                .collect();
        }
        for index in (0..rounds).filter(|_| placement.is_pipelined() && with_rounds) {
            let registers = round_registers(placement, index);
            match direction {
                Direction::Encrypt => encrypt_rounds.push(EncryptRound::new(key_bytes, index + 1, style, registers)),
                Direction::Decrypt => {
                    decrypt_rounds.push(DecryptRound::new(key_bytes, rounds - index, style, registers))
                }
            }
        }
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            data_in: Default::default(),
            key_in: defaults(key_bytes),
            valid_out: Default::default(),
            data_out: Default::default(),
            ready: Default::default(),
            ready_next: Default::default(),
            slot_in: Default::default(),
            key_write_enable: Default::default(),
            key_write_all: Default::default(),
            key_write_slot: Default::default(),
            key_write_index: Default::default(),
            key_write_data: defaults(key_bytes),
            stored: ModelledChildren::new(Vec::new(), true),
            // The pipelines simulate as one leaf (their `BlockModel`); the iterative unit
            // simulates its round.
            encrypt_rounds: ModelledChildren::new(encrypt_rounds, !placement.is_pipelined()),
            decrypt_rounds: ModelledChildren::new(decrypt_rounds, !placement.is_pipelined()),
            iteration: ModelState(iteration),
            blocks: ModelState(BlockModel {
                stages: VecDeque::from(vec![None; if placement.is_pipelined() && with_rounds { Self::latency(key_bytes, placement) } else { 0 }]),
                form_and_key: None,
            }),
        }
    }

    /// A pipeline whose round keys are stored for `slots` slots: a [`StoredKeyPipeline`] inside
    /// (pipelined `placement` only, others are built `per_round`), fed `slot_in` and the
    /// `key_write_*` port; `key_in` is ignored. Same latency as [`AesPipeline::new`]. The
    /// first `style_rounds` rounds have S-boxes of `style`, the others of `style.logic_style()`
    /// (see [`StoredKeyPipeline::with_style_rounds`]).
    pub fn with_stored_round_keys(direction: Direction, key_bytes: usize, placement: RoundRegisters, style: SboxStyle, slots: usize, style_rounds: usize) -> Self {
        let inner = StoredKeyPipeline::with_style_rounds(direction, key_bytes, placement, style, slots, style_rounds);
        let mut pipeline = Self::assemble(direction, key_bytes, RoundRegisters::PerRound, style, false);
        pipeline.stored.push(inner);
        pipeline
    }

    /// The same pipeline, simulated round by round in Rust (every round's registers, S-boxes
    /// and key step, as its Verilog is written) instead of as one leaf that computes each block
    /// whole as it enters and delays it by the latency. The two behave the same on the ports
    /// while `valid_out` is high; the leaf shows zeros on `data_out` while it is low. Tests use
    /// this to check the rounds' Rust models; engines use the leaf, several times faster.
    pub fn with_round_simulation(mut self) -> Self {
        self.encrypt_rounds.simulate = true;
        self.decrypt_rounds.simulate = true;
        let stored = std::mem::take(&mut self.stored.inner);
        self.stored.inner = stored.into_iter().map(StoredKeyPipeline::with_round_simulation).collect();
        self
    }

    /// With stored round keys, slot `slot`'s round keys in FIPS-197 order (see
    /// [`StoredKeyPipeline::round_keys`]); `None` otherwise or beyond the table. For tests.
    pub fn stored_round_keys(&self, slot: usize) -> Option<Vec<[u8; 16]>> {
        self.stored.first().and_then(|inner| inner.round_keys(slot))
    }

    /// Round keys are stored per slot (see [`AesPipeline::with_stored_round_keys`]).
    pub fn stores_round_keys(&self) -> bool {
        !self.stored.is_empty()
    }

    /// Drives the stored-key pipeline inside from the ports (Rust model).
    fn update_stored(&mut self) {
        let inner = &mut self.stored.inner[0];
        inner.clock.next = self.clock.val();
        inner.reset.next = self.reset.val();
        inner.valid_in.next = self.valid_in.val();
        inner.slot_in.next = self.slot_in.val();
        for (dst, src) in inner.data_in.iter_mut().zip(&self.data_in) {
            dst.next = src.val();
        }
        inner.key_write_enable.next = self.key_write_enable.val();
        inner.key_write_all.next = self.key_write_all.val();
        inner.key_write_slot.next = self.key_write_slot.val();
        inner.key_write_index.next = self.key_write_index.val();
        for (dst, src) in inner.key_write_data.iter_mut().zip(&self.key_write_data) {
            dst.next = src.val();
        }
        self.valid_out.next = inner.valid_out.val();
        for (dst, src) in self.data_out.iter_mut().zip(&inner.data_out) {
            dst.next = src.val();
        }
    }

    /// The Verilog of a pipeline with stored round keys: ports wired to the one inside.
    fn stored_verilog_text(&self) -> String {
        let mut v = String::from("always @(*) begin\n    ready = 1'b1;\n    ready_next = 1'b1;\n");
        for port in ["clock", "reset", "valid_in", "slot_in", "key_write_enable", "key_write_all", "key_write_slot", "key_write_index"] {
            let _ = writeln!(v, "    stored$0${port} = {port};");
        }
        for k in 0..16 {
            let _ = writeln!(v, "    stored$0$data_in${k} = data_in${k};\n    data_out${k} = stored$0$data_out${k};");
        }
        for k in 0..self.key_write_data.len() {
            let _ = writeln!(v, "    stored$0$key_write_data${k} = key_write_data${k};");
        }
        v.push_str("    valid_out = stored$0$valid_out;\nend\n");
        v
    }

    /// The leaf model of a pipeline: on a clock edge every block moves one stage on, and the
    /// block entering is computed whole (AES with `key_in`, or the inverse cipher with the key
    /// whose decryption form is `key_in`). A reset empties every stage.
    fn update_as_leaf(&mut self) {
        let decrypt = self.is_decrypt();
        let m = &mut self.blocks.0;
        if self.clock.pos_edge() {
            if self.reset.val() {
                m.stages.iter_mut().for_each(|stage| *stage = None);
            } else {
                let entering = self.valid_in.val().then(|| {
                    let block: [u8; 16] = std::array::from_fn(|k| self.data_in[k].val().to_u8());
                    let key: Vec<u8> = self.key_in.iter().map(|k| k.val().to_u8()).collect();
                    if decrypt {
                        if m.form_and_key.as_ref().map(|(form, _)| form != &key).unwrap_or(true) {
                            let cipher_key = cipher_key_from_decryption_form(&key);
                            m.form_and_key = Some((key, cipher_key));
                        }
                        aes_decrypt(&m.form_and_key.as_ref().map(|(_, k)| k.clone()).unwrap_or_default(), block)
                    } else {
                        aes_encrypt(&key, block)
                    }
                });
                m.stages.pop_back();
                m.stages.push_front(entering);
            }
        }
        let out = m.stages.back().copied().flatten();
        self.valid_out.next = out.is_some();
        for (dst, byte) in self.data_out.iter_mut().zip(out.unwrap_or([0; 16])) {
            dst.next = Bits::<8>::from(LiteralType::from(byte));
        }
    }

    /// Cycles from a block's `valid_in` to its `valid_out`.
    pub fn latency(key_bytes: usize, placement: RoundRegisters) -> usize {
        let rounds = key_bytes / 4 + 6;
        (0..rounds)
            .map(|i| round_registers(placement, i).latency())
            .sum()
    }

    fn is_decrypt(&self) -> bool {
        !self.decrypt_rounds.is_empty()
    }

    /// Offset in `key_in` of the first round key used before round 1.
    fn initial_key_offset(&self) -> usize {
        if self.is_decrypt() {
            self.key_in.len() - 16
        } else {
            0
        }
    }

    fn rounds_name(&self) -> &'static str {
        if self.is_decrypt() {
            "decrypt_rounds"
        } else {
            "encrypt_rounds"
        }
    }

    fn is_iterative(&self) -> bool {
        !self.iteration.0.schedule.is_empty()
    }

    /// The body of the pipeline's Verilog module: the same wiring as the Rust model.
    pub fn verilog_text(&self) -> String {
        if self.stores_round_keys() {
            return self.stored_verilog_text();
        }
        if self.is_iterative() {
            return self.iterative_verilog_text();
        }
        let n = self.encrypt_rounds.len() + self.decrypt_rounds.len();
        let name = self.rounds_name();
        let offset = self.initial_key_offset();
        let mut v = String::from("always @(*) begin\n    ready = 1'b1;\n    ready_next = 1'b1;\n");
        for r in 0..n {
            let _ = writeln!(v, "    {name}${r}$clock = clock;\n    {name}${r}$reset = reset;");
            let _ = writeln!(v, "    {name}${r}$schedule_rcon = 8'h00;\n    {name}${r}$schedule_rotate = 1'b0;\n    {name}${r}$schedule_final = 1'b0;");
            if r == 0 {
                let _ = writeln!(v, "    {name}$0$valid_in = valid_in;");
                for k in 0..16 {
                    let _ = writeln!(v, "    {name}$0$state_in${k} = data_in${k} ^ key_in${};", k + offset);
                }
                for k in 0..self.key_in.len() {
                    let _ = writeln!(v, "    {name}$0$key_in${k} = key_in${k};");
                }
            } else {
                let p = r - 1;
                let _ = writeln!(v, "    {name}${r}$valid_in = {name}${p}$valid_out;");
                for k in 0..16 {
                    let _ = writeln!(v, "    {name}${r}$state_in${k} = {name}${p}$state_out${k};");
                }
                for k in 0..self.key_in.len() {
                    let _ = writeln!(v, "    {name}${r}$key_in${k} = {name}${p}$key_out${k};");
                }
            }
        }
        let last = n - 1;
        let _ = writeln!(v, "    valid_out = {name}${last}$valid_out;");
        for k in 0..16 {
            let _ = writeln!(v, "    data_out${k} = {name}${last}$state_out${k};");
        }
        v.push_str("end\n");
        v
    }

    /// The iterative unit's Verilog: one scheduled round, the state and key window registers,
    /// the round counter and the schedule as a `case` on the step.
    fn iterative_verilog_text(&self) -> String {
        let m = &self.iteration.0;
        let rounds = m.schedule.len();
        let name = self.rounds_name();
        let offset = self.initial_key_offset();
        let key_bytes = self.key_in.len();
        // The block's registers: the state, then the key window.
        let registers: Vec<String> = (0..16).map(|k| format!("state${k}")).chain((0..key_bytes).map(|k| format!("window${k}"))).collect();
        let mut v = String::from("reg [7:0] count;\nreg start;\nreg [7:0] step;\n");
        for reg in &registers {
            let _ = writeln!(v, "reg [7:0] {reg};");
        }
        v.push_str("initial begin\n    count = 8'd0;\n");
        for reg in &registers {
            let _ = writeln!(v, "    {reg} = 8'd0;");
        }
        v.push_str("end\n");
        let r = format!("{name}$0");
        let _ = writeln!(
            v,
            "always @(*) begin\n    {r}$clock = clock;\n    {r}$reset = reset;\n    ready = count == 8'd0;\n    ready_next = (count == 8'd0) | (count == 8'd{rounds});\n\
             \x20   start = valid_in & (count == 8'd0);\n    step = ((count != 8'd0) & (count != 8'd{rounds})) ? count + 8'd1 : 8'd1;\n    {r}$valid_in = start;"
        );
        // While idle the round works on the input ports; `start` only enables the registers,
        // so the engine's hand-over decision does not run through the round.
        for k in 0..16 {
            let _ = writeln!(v, "    {r}$state_in${k} = (count == 8'd0) ? (data_in${k} ^ key_in${}) : state${k};", k + offset);
        }
        for k in 0..key_bytes {
            let _ = writeln!(v, "    {r}$key_in${k} = (count == 8'd0) ? key_in${k} : window${k};");
        }
        v.push_str("    case (step)\n");
        for (index, step) in m.schedule.iter().enumerate() {
            let _ = writeln!(
                v,
                "        8'd{}: begin {r}$schedule_rcon = 8'd{}; {r}$schedule_rotate = 1'b{}; {r}$schedule_final = 1'b{}; end",
                index + 1,
                step.rcon,
                u8::from(step.rotate),
                u8::from(step.final_round)
            );
        }
        let _ = writeln!(v, "        default: begin {r}$schedule_rcon = 8'd0; {r}$schedule_rotate = 1'b0; {r}$schedule_final = 1'b0; end\n    endcase");
        let _ = writeln!(v, "    valid_out = count == 8'd{rounds};");
        for k in 0..16 {
            let _ = writeln!(v, "    data_out${k} = state${k};");
        }
        v.push_str("end\nalways @(posedge clock) begin\n    if (reset) begin\n        count <= 8'd0;\n");
        for reg in &registers {
            let _ = writeln!(v, "        {reg} <= 8'd0;");
        }
        let _ = writeln!(v, "    end else if (start | ((count != 8'd0) & (count != 8'd{rounds}))) begin\n        count <= count + 8'd1;");
        for k in 0..16 {
            let _ = writeln!(v, "        state${k} <= {r}$state_out${k};");
        }
        for k in 0..key_bytes {
            let _ = writeln!(v, "        window${k} <= {r}$key_out${k};");
        }
        v.push_str("    end else\n        count <= 8'd0;\nend\n");
        v
    }

    /// The iterative unit's Rust model: the same registers and wiring as its Verilog.
    fn update_iterative(&mut self) {
        let offset = self.initial_key_offset();
        let m = &mut self.iteration.0;
        let round: &mut dyn RoundPorts = match self.decrypt_rounds.first_mut() {
            Some(r) => r,
            None => &mut self.encrypt_rounds[0],
        };
        let rounds = m.schedule.len();
        if self.clock.pos_edge() {
            let start = self.valid_in.val() && m.count == 0;
            if self.reset.val() {
                m.count = 0;
                m.state = [0; 16];
                m.window.fill(0);
            } else if start || (m.count != 0 && m.count != rounds) {
                m.count += 1;
                for (dst, src) in m.state.iter_mut().zip(round.state_out()) {
                    *dst = src.val().to_u8();
                }
                for (dst, src) in m.window.iter_mut().zip(round.key_out()) {
                    *dst = src.val().to_u8();
                }
            } else {
                m.count = 0;
            }
        }
        let idle = m.count == 0;
        let step = if m.count != 0 && m.count != rounds { m.count + 1 } else { 1 };
        let schedule = m.schedule[step - 1];
        let byte = |x: u8| Bits::<8>::from(LiteralType::from(x));
        round.clock().next = self.clock.val();
        round.reset().next = self.reset.val();
        round.valid_in().next = self.valid_in.val() && idle;
        let (rcon, rotate, final_round) = round.schedule_ports();
        rcon.next = byte(schedule.rcon);
        rotate.next = schedule.rotate;
        final_round.next = schedule.final_round;
        // While idle the round works on the input ports (see the Verilog).
        for (k, dst) in round.state_in().iter_mut().enumerate() {
            dst.next = if idle { self.data_in[k].val() ^ self.key_in[k + offset].val() } else { byte(m.state[k]) };
        }
        for (k, dst) in round.key_in().iter_mut().enumerate() {
            dst.next = if idle { self.key_in[k].val() } else { byte(m.window[k]) };
        }
        self.ready.next = idle;
        self.ready_next.next = idle || m.count == rounds;
        self.valid_out.next = m.count == rounds;
        for (dst, src) in self.data_out.iter_mut().zip(&m.state) {
            dst.next = byte(*src);
        }
    }

    /// Chains the rounds: the first takes the pipeline's inputs (data XOR the first round
    /// key), each other one its predecessor's outputs.
    fn wire<R: RoundPorts>(
        rounds: &mut [R],
        clock: Clock,
        reset: bool,
        valid_in: bool,
        data_in: &[Signal<In, Bits<8>>; 16],
        key_in: &[Signal<In, Bits<8>>],
        offset: usize,
    ) {
        for r in 0..rounds.len() {
            let (before, rest) = rounds.split_at_mut(r);
            let round = &mut rest[0];
            round.clock().next = clock;
            round.reset().next = reset;
            if let Some(previous) = before.last() {
                round.valid_in().next = previous.valid_out().val();
                for (dst, src) in round.state_in().iter_mut().zip(previous.state_out()) {
                    dst.next = src.val();
                }
                for (dst, src) in round.key_in().iter_mut().zip(previous.key_out()) {
                    dst.next = src.val();
                }
            } else {
                round.valid_in().next = valid_in;
                for (k, dst) in round.state_in().iter_mut().enumerate() {
                    dst.next = data_in[k].val() ^ key_in[k + offset].val();
                }
                for (dst, src) in round.key_in().iter_mut().zip(key_in) {
                    dst.next = src.val();
                }
            }
        }
    }

    /// Drives the pipeline's outputs from its last round.
    fn drive_outputs<R: RoundPorts>(rounds: &[R], valid_out: &mut Signal<Out, Bit>, data_out: &mut [Signal<Out, Bits<8>>; 16]) {
        if let Some(last) = rounds.last() {
            valid_out.next = last.valid_out().val();
            for (dst, src) in data_out.iter_mut().zip(last.state_out()) {
                dst.next = src.val();
            }
        }
    }
}

impl Logic for AesPipeline {
    fn update(&mut self) {
        if self.stores_round_keys() {
            self.ready.next = true;
            self.ready_next.next = true;
            self.update_stored();
            return;
        }
        if self.is_iterative() {
            self.update_iterative();
            return;
        }
        self.ready.next = true;
        self.ready_next.next = true;
        if !self.encrypt_rounds.simulate {
            self.update_as_leaf();
            return;
        }
        let offset = self.initial_key_offset();
        let (clock, reset, valid) = (self.clock.val(), self.reset.val(), self.valid_in.val());
        if self.is_decrypt() {
            Self::wire(&mut self.decrypt_rounds, clock, reset, valid, &self.data_in, &self.key_in, offset);
            Self::drive_outputs(&self.decrypt_rounds, &mut self.valid_out, &mut self.data_out);
        } else {
            Self::wire(&mut self.encrypt_rounds, clock, reset, valid, &self.data_in, &self.key_in, offset);
            Self::drive_outputs(&self.encrypt_rounds, &mut self.valid_out, &mut self.data_out);
        }
    }

    fn connect(&mut self) {
        self.valid_out.connect();
        self.ready.connect();
        self.ready_next.connect();
        for d in &mut self.data_out {
            d.connect();
        }
        for r in self.encrypt_rounds.iter_mut() {
            r.connect_inputs();
        }
        for r in self.decrypt_rounds.iter_mut() {
            r.connect_inputs();
        }
        for inner in self.stored.iter_mut() {
            inner.clock.connect();
            inner.reset.connect();
            inner.valid_in.connect();
            inner.slot_in.connect();
            inner.data_in.iter_mut().for_each(|s| s.connect());
            inner.key_write_enable.connect();
            inner.key_write_all.connect();
            inner.key_write_slot.connect();
            inner.key_write_index.connect();
            inner.key_write_data.iter_mut().for_each(|s| s.connect());
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
