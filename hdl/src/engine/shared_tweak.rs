//! `SharedTweakFeed`: with `tweak_pipeline = "shared"`, what decides which tweaks are computed
//! and feeds the encryption pipeline with tweaks and writes in turn. Only the engines with a
//! shared tweak pipeline build it; the others have a stub.
//!
//! - **The tag.** The ASID and data unit of the last tweak started (`tag_*`, forgotten at
//!   reset and while the key table is `keys_busy`). Whenever stage A is free (`stage_free`) it
//!   decides, from the request port (`port_unit`, `port_asid`), whether the request loaded
//!   into stage A may reuse the last tweak: `same_unit`, a register, read by the core to know
//!   whether stage A's request *starts a tweak*. A tweak started in this cycle
//!   (`tweak_started`, with stage A's `stage_unit` and `stage_asid`) is the tag it is compared
//!   with.
//! - **The pass registers.** A started tweak's data-unit number and tweak key
//!   (`tweak_block`, `tweak_key`) are loaded at every edge; the next cycle they take the
//!   encryption pipeline's input.
//! - **The slip queue** (with bypass). Writes leaving the tweak unit (`write_push`, with
//!   their flags, block XOR tweak, final-XOR operand and data key) wait there and take the
//!   input in the cycles without a tweak (`write_leaves`; the flags and the operand are then on
//!   `write_flags` and `write_operand`, for the encryption side line).
//! - **The input register** (`enc_*`) in front of the encryption pipeline, loaded from the
//!   pass registers or the slip queue: the pipeline's first round starts from registers.
//! - `slip_room` (a register): at most `tweak_slip_depth - 2` writes wait after this edge, so
//!   a request that starts a tweak may leave stage A. `owe_bubble` (a register): a tweak kept
//!   a waiting write out of the pipeline, so stage A holds back writes for a cycle.
//!
//! Latency: a tweak reaches the pipeline's input register two cycles after it starts; a write
//! one cycle after it leaves the slip queue, which it leaves in the cycle it arrives when no
//! tweak takes the input.

use crate::{constant, defaults};
use crate::primitives::fifo::ByteFifo;
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct SharedTweakFeed {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Stage A loads from the request port at this edge.
    pub stage_free: Signal<In, Bit>,
    /// The data unit of the request at the port.
    pub port_unit: Signal<In, Bits<64>>,
    /// The ASID of the request at the port.
    pub port_asid: Signal<In, Bits<16>>,
    /// The data unit of stage A's request.
    pub stage_unit: Signal<In, Bits<64>>,
    /// The ASID of stage A's request.
    pub stage_asid: Signal<In, Bits<16>>,
    /// Stage A's request starts a tweak in this cycle.
    pub tweak_started: Signal<In, Bit>,
    /// The key table is busy: the tag is forgotten.
    pub keys_busy: Signal<In, Bit>,
    /// The started tweak's data-unit number.
    pub tweak_block: [Signal<In, Bits<8>>; 16],
    /// The started tweak's key.
    pub tweak_key: Vec<Signal<In, Bits<8>>>,
    /// A write leaves the tweak unit.
    pub write_push: Signal<In, Bit>,
    /// Its side flags (bit 0 write, bit 1 encrypted).
    pub write_flags_in: Signal<In, Bits<8>>,
    /// Its block XOR its tweak.
    pub write_block: [Signal<In, Bits<8>>; 16],
    /// Its final XOR's operand (the tweak, or the plaintext of a plaintext write).
    pub write_operand_in: [Signal<In, Bits<8>>; 16],
    /// Its data key.
    pub write_key: Vec<Signal<In, Bits<8>>>,
    /// Stage A's request may reuse the last tweak (a register).
    pub same_unit: Signal<Out, Bit>,
    /// A request that starts a tweak may leave stage A (a register).
    pub slip_room: Signal<Out, Bit>,
    /// Stage A holds back writes in this cycle (a register).
    pub owe_bubble: Signal<Out, Bit>,
    /// A write leaves the slip queue for the encryption pipeline's input register.
    pub write_leaves: Signal<Out, Bit>,
    /// The leaving write's flags.
    pub write_flags: Signal<Out, Bits<8>>,
    /// The leaving write's final XOR operand.
    pub write_operand: [Signal<Out, Bits<8>>; 16],
    /// The encryption pipeline's input register: a block enters.
    pub enc_valid: Signal<Out, Bit>,
    /// Its block.
    pub enc_block: [Signal<Out, Bits<8>>; 16],
    /// Its key.
    pub enc_key: Vec<Signal<Out, Bits<8>>>,
    tag_valid: DFF<Bit>,
    tag_unit: DFF<Bits<64>>,
    tag_asid: DFF<Bits<16>>,
    same: DFF<Bit>,
    pass_valid: DFF<Bit>,
    pass_block: [DFF<Bits<8>>; 16],
    pass_key: Vec<DFF<Bits<8>>>,
    slip: ByteFifo,
    slip_limit: Constant<Bits<16>>,
    slip_limit_plus_one: Constant<Bits<16>>,
    room: DFF<Bit>,
    bubble: DFF<Bit>,
    data_pass: Signal<Local, Bit>,
    input_valid: DFF<Bit>,
    input_block: [DFF<Bits<8>>; 16],
    input_key: Vec<DFF<Bits<8>>>,
}

impl SharedTweakFeed {
    /// The feed of a validated config (its key size and `tweak_slip_depth`).
    pub fn new(config: &EngineConfig) -> Self {
        let kb = config.key_bytes();
        let depth = config.tweak_slip_depth();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            stage_free: Default::default(),
            port_unit: Default::default(),
            port_asid: Default::default(),
            stage_unit: Default::default(),
            stage_asid: Default::default(),
            tweak_started: Default::default(),
            keys_busy: Default::default(),
            tweak_block: Default::default(),
            tweak_key: defaults(kb),
            write_push: Default::default(),
            write_flags_in: Default::default(),
            write_block: Default::default(),
            write_operand_in: Default::default(),
            write_key: defaults(kb),
            same_unit: Default::default(),
            slip_room: Default::default(),
            owe_bubble: Default::default(),
            write_leaves: Default::default(),
            write_flags: Default::default(),
            write_operand: Default::default(),
            enc_valid: Default::default(),
            enc_block: Default::default(),
            enc_key: defaults(kb),
            tag_valid: Default::default(),
            tag_unit: Default::default(),
            tag_asid: Default::default(),
            same: Default::default(),
            pass_valid: Default::default(),
            pass_block: Default::default(),
            pass_key: (0..kb).map(|_| Default::default()).collect(),
            // Flags, the block XOR the tweak, the final XOR's operand, the data key.
            slip: ByteFifo::new(1 + 16 + 16 + kb, depth, true),
            slip_limit: constant(depth as u64 - 2),
            slip_limit_plus_one: constant(depth as u64 - 1),
            room: Default::default(),
            bubble: Default::default(),
            data_pass: Default::default(),
            input_valid: Default::default(),
            input_block: Default::default(),
            input_key: (0..kb).map(|_| Default::default()).collect(),
        }
    }
}

impl Logic for SharedTweakFeed {
    #[hdl_gen]
    fn update(&mut self) {
        self.tag_valid.clock.next = self.clock.val();
        self.tag_unit.clock.next = self.clock.val();
        self.tag_asid.clock.next = self.clock.val();
        self.same.clock.next = self.clock.val();
        self.pass_valid.clock.next = self.clock.val();
        for k in 0..16 {
            self.pass_block[k].clock.next = self.clock.val();
            self.input_block[k].clock.next = self.clock.val();
        }
        for k in 0..self.pass_key.len() {
            self.pass_key[k].clock.next = self.clock.val();
            self.input_key[k].clock.next = self.clock.val();
        }
        self.slip.clock.next = self.clock.val();
        self.slip.reset.next = self.reset.val();
        self.room.clock.next = self.clock.val();
        self.bubble.clock.next = self.clock.val();
        self.input_valid.clock.next = self.clock.val();

        // The tag: the last tweak started. Keys change: it is dropped while the key table is
        // busy. That is the cycle after the key command's accept; no request has been accepted
        // since, none is accepted until the table is free again, and no tweak starts meanwhile
        // (the engine was idle), so this is the same as dropping it at the accept, from a
        // register instead of the handshake.
        self.tag_valid.d.next = (self.tag_valid.q.val() | self.tweak_started.val()) & !self.keys_busy.val() & !self.reset.val();
        self.tag_unit.d.next = self.tag_unit.q.val();
        self.tag_asid.d.next = self.tag_asid.q.val();
        if self.tweak_started.val() {
            self.tag_unit.d.next = self.stage_unit.val();
            self.tag_asid.d.next = self.stage_asid.val();
        }
        // The request loaded into stage A matches the tag as it will be after this edge.
        self.same.d.next = self.same.q.val();
        if self.stage_free.val() {
            if self.tweak_started.val() {
                self.same.d.next = (self.port_unit.val() == self.stage_unit.val()) & (self.port_asid.val() == self.stage_asid.val());
            } else {
                self.same.d.next = self.tag_valid.q.val() & (self.port_unit.val() == self.tag_unit.q.val()) & (self.port_asid.val() == self.tag_asid.q.val());
            }
        }
        self.same_unit.next = self.same.q.val();

        // The started tweak waits one cycle in the pass registers (loaded every cycle;
        // `pass_valid` says whether they hold a tweak).
        self.pass_valid.d.next = self.tweak_started.val() & !self.reset.val();
        for k in 0..16 {
            self.pass_block[k].d.next = self.tweak_block[k].val();
        }
        for k in 0..self.pass_key.len() {
            self.pass_key[k].d.next = self.tweak_key[k].val();
        }

        // Writes wait in the slip queue for a cycle without a tweak.
        self.slip.push.next = self.write_push.val();
        self.slip.data_in[0].next = self.write_flags_in.val();
        for k in 0..16 {
            self.slip.data_in[1 + k].next = self.write_block[k].val();
            self.slip.data_in[17 + k].next = self.write_operand_in[k].val();
        }
        for k in 0..self.write_key.len() {
            self.slip.data_in[33 + k].next = self.write_key[k].val();
        }
        self.data_pass.next = self.slip.valid_out.val() & !self.pass_valid.q.val();
        self.slip.pop.next = self.data_pass.val();
        self.write_leaves.next = self.data_pass.val();
        self.write_flags.next = self.slip.data_out[0].val();
        for k in 0..16 {
            self.write_operand[k].next = self.slip.data_out[17 + k].val();
        }
        // At most `tweak_slip_depth - 2` writes waiting after this edge, kept in a register
        // (push and pop come from registers, so this is decided early in the cycle).
        if self.slip.push.val() & !self.data_pass.val() {
            self.room.d.next = self.slip.count.val() < self.slip_limit.val();
        } else if !self.slip.push.val() & self.data_pass.val() {
            self.room.d.next = self.slip.count.val() <= self.slip_limit_plus_one.val();
        } else {
            self.room.d.next = self.slip.count.val() <= self.slip_limit.val();
        }
        self.slip_room.next = self.room.q.val();
        // A tweak that kept a waiting write out makes stage A hold back writes for a cycle.
        self.bubble.d.next = self.pass_valid.q.val() & self.slip.valid_out.val() & !self.reset.val();
        self.owe_bubble.next = self.bubble.q.val();

        // The encryption pipeline's input register: the tweak first, else a waiting write.
        self.input_valid.d.next = (self.data_pass.val() | self.pass_valid.q.val()) & !self.reset.val();
        for k in 0..16 {
            if self.pass_valid.q.val() {
                self.input_block[k].d.next = self.pass_block[k].q.val();
            } else {
                self.input_block[k].d.next = self.slip.data_out[1 + k].val();
            }
        }
        for k in 0..self.input_key.len() {
            if self.pass_valid.q.val() {
                self.input_key[k].d.next = self.pass_key[k].q.val();
            } else {
                self.input_key[k].d.next = self.slip.data_out[33 + k].val();
            }
        }
        self.enc_valid.next = self.input_valid.q.val();
        for k in 0..16 {
            self.enc_block[k].next = self.input_block[k].q.val();
        }
        for k in 0..self.input_key.len() {
            self.enc_key[k].next = self.input_key[k].q.val();
        }

        if self.reset.val() {
            self.tag_unit.d.next = bits::<64>(0);
            self.tag_asid.d.next = bits::<16>(0);
            self.same.d.next = false;
            self.room.d.next = true;
            for k in 0..16 {
                self.pass_block[k].d.next = bits::<8>(0);
                self.input_block[k].d.next = bits::<8>(0);
            }
            for k in 0..self.pass_key.len() {
                self.pass_key[k].d.next = bits::<8>(0);
                self.input_key[k].d.next = bits::<8>(0);
            }
        }
    }
}
