//! `EngineCore`: the memory encryption engine with byte-array data and key buses (the flat
//! top of DESIGN.md, [`crate::engine::engine_top::Engine`], wraps it).
//!
//! Structure, one request per cycle:
//!
//! ```text
//! core req ─▶ stage A ──(read)────────────────────────────────▶ DRAM req ◀─ write queue
//!   (key lookup, checks)│                                                        ▲
//!                       └▶ tweak unit ─┬(write)▶ AES encrypt ──▶ ⊕T ─────────────┘
//!                        (+ sideband)  └(read)─▶ read context queue
//! DRAM rsp ─▶ read register ─▶ AES decrypt ─▶ ⊕T ─▶ read data queue ─▶ core rsp ◀─ tickets
//! ```
//!
//! - **Stage A** holds one accepted request. Everything it decides from is loaded straight
//!   from the request port at every edge where stage A is free (empty or handing on), so that
//!   only `a_valid` waits for the request handshake and no path runs from it back through
//!   stage A's own decisions: the key table's lookup port (valid bit and keys), the ASID range
//!   and alignment checks, and the pending-write tracker's compare of the address (see
//!   [`AddressTracker`]). Whether another read or write may be outstanding is kept in
//!   registers too (`read_room`, `write_room`). Stage A decides the status: misaligned (3)
//!   before ASID out of range (2) before no key for an encrypted access (1).
//!   Stage A hands the request on when a ticket is free and: error → nothing more; read → the
//!   DRAM read is sent this cycle (reads have priority on the DRAM request channel, a read never
//!   passes a pending write to the same address (or to a block agreeing in
//!   the low `write_hazard_bits` block-address bits), and at most `read_queue_depth` reads are
//!   outstanding); write → fewer than `write_queue_depth` writes are pending.
//! - The **tweak unit** computes `T` for every read and write that passed its checks (plaintext
//!   ones ride along to keep their order). A write's block and data key wait beside it, then
//!   go through the encryption pipeline to the **write queue**; the DRAM write address is the
//!   oldest entry of the pending-write [`AddressTracker`]. A read's tweak goes to the **read
//!   context queue** and waits for the DRAM data (the queue's bypass lets a tweak that is
//!   just ready meet data arriving in the same cycle).
//! - The DRAM request channel is the [`DramScheduler`]'s: it holds the write queue and, with
//!   `read_request_queue`, the read request queue, and chooses a read before a write.
//! - A DRAM response is accepted when its read's context is there. It is registered together
//!   with its tweak while the key table's decrypt port reads the decryption key form, then goes
//!   through the decryption pipeline and the final XOR into the **read data queue** (with
//!   bypass, so the plaintext can reach the core in the same cycle).
//! - **Tickets** keep the responses in request order: one per request, with its status and
//!   whether it waits for read data. Write responses do not wait for DRAM (writes are posted).
//!   The tickets, the read data queue and the count of outstanding reads are the
//!   [`ResponsePath`]'s.
//! - With `read_request_queue` stage A hands a read that passed its checks to the two-entry
//!   **read request queue** (`read_requests`, the address only) instead of the DRAM request
//!   channel: it needs room there (the queue's `full`, a register) in place of the DRAM
//!   handshake, so `dram_req_ready` reaches neither stage A's hand-over nor `core_req_ready`.
//!   The channel offers the queue's oldest read first, else the oldest pending write, and a
//!   write offered and not taken stays offered; the choice comes from registers only. A read
//!   reaches DRAM one cycle later. A read in the queue never meets an older write to its
//!   address (stage A checked), and no younger write is offered before it (reads first).
//! - Key commands run only while nothing is in flight; while one is pending or in progress the
//!   engine accepts no requests (see [`KeyTable`]).
//!
//! With `round_registers = "iterative"` the three AES units each take a block every `Nr + 1`
//! cycles: stage A hands on a read or write that passed its checks only while the tweak unit
//! is `ready`, and a DRAM response is accepted only when the decryption unit will be free in
//! the next cycle with nothing in the read register. The side delay lines then hold one item.
//!
//! With `round_registers = "shared"` or `"shared_column"` one AES unit does the work of all
//! three, in the slots of a frame: the [`SharedDatapath`]. Stage A hands on a checked request
//! in the tweak's slot, a write's block enters the unit as its tweak leaves the tweak unit's
//! output register, and DRAM data is accepted only in the cycle before the read's slot. The
//! unit's result goes to the tweak unit (`external_*`), the write path or the read path by the
//! slot in which it leaves. One request per frame.
//!
//! Each engine builds only the datapath of its kind: the [`PipelinedDatapath`] (an encryption
//! and a decryption unit, pipelined or iterative), or the [`SharedDatapath`] with its
//! iterative or column unit. The other is [`ModelledChildren::chosen`] as unused, so it
//! neither simulates nor reaches the Verilog beyond a stub whose outputs are zero.
//!
//! With `tweak_pipeline = "shared"` (pipelined placements) the tweak unit has no AES pipeline:
//! the encryption pipeline computes `AES-Enc(key2, i)` too, and the tweak unit keeps the last
//! result for reuse (see [`XtsTweakUnit`]). An encrypted read or write of another data unit or
//! ASID than the last tweak started *starts a tweak*; the [`SharedTweakFeed`] keeps that tag
//! and decides the match a cycle ahead from the request port, like stage A's other checks.
//! - The tweak (data-unit number and tweak key) waits a cycle in the feed's pass registers
//!   and takes the encryption pipeline's input in the next cycle.
//! - Writes leaving the tweak unit go through the feed's slip queue (with bypass) and take
//!   that input in the cycles without a tweak. The choice comes from registers, and the input
//!   is registered in front of the AES pipeline, whose first round starts from it. So the
//!   tweak unit takes two cycles more than with a dedicated pipeline, and the encryption one
//!   more.
//! - A request that starts a tweak leaves stage A only while the slip queue holds at most
//!   `tweak_slip_depth - 2` writes (room for this cycle's and the next cycle's). When a tweak
//!   keeps a waiting write out of the pipeline, stage A holds back writes in the next cycle
//!   (the feed's `owe_bubble`): the gap reaches the slip queue a tweak latency later and
//!   drains it.
//!
//! Latencies (cycles): a write's DRAM request appears `tweak + encrypt + 2` cycles after the
//! cycle it was accepted; a read's DRAM request 1 cycle after (2 with `read_request_queue`);
//! read data reaches the core `decrypt + 1` cycles after the DRAM response, so a read costs
//! `decrypt + 2` cycles (`decrypt + 3`) more than a direct connection whenever the DRAM latency
//! is at least the tweak latency.
//!
//! Every payload output is zero while its valid is low, and every valid and ready is low
//! during reset.

use crate::engine::address_tracker::AddressTracker;
use crate::primitives::delay_line::ByteDelayLine;
use crate::primitives::fifo::ByteFifo;
use crate::primitives::modelled_children::ModelledChildren;
use crate::engine::dram_scheduler::DramScheduler;
use crate::engine::key_table::KeyTable;
use crate::engine::response_path::ResponsePath;
use crate::engine::pipelined_datapath::PipelinedDatapath;
use crate::engine::shared_datapath::SharedDatapath;
use crate::engine::shared_tweak::SharedTweakFeed;
use crate::xts::tweak::XtsTweakUnit;
use mee_reference::EngineConfig;
use crate::{constant, defaults};
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct EngineCore {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Core request handshake.
    pub core_req_valid: Signal<In, Bit>,
    /// Core request handshake.
    pub core_req_ready: Signal<Out, Bit>,
    /// 1 = write.
    pub core_req_write: Signal<In, Bit>,
    /// Byte address.
    pub core_req_addr: Signal<In, Bits<64>>,
    /// Address-space ID.
    pub core_req_asid: Signal<In, Bits<16>>,
    /// The C-bit.
    pub core_req_encrypted: Signal<In, Bit>,
    /// Plaintext (writes).
    pub core_req_wdata: [Signal<In, Bits<8>>; 16],
    /// Core response handshake.
    pub core_rsp_valid: Signal<Out, Bit>,
    /// Core response handshake.
    pub core_rsp_ready: Signal<In, Bit>,
    /// Echo of the request's `write`.
    pub core_rsp_write: Signal<Out, Bit>,
    /// Plaintext (reads with status ok).
    pub core_rsp_rdata: [Signal<Out, Bits<8>>; 16],
    /// 0 ok, 1 no key, 2 ASID out of range, 3 misaligned.
    pub core_rsp_status: Signal<Out, Bits<2>>,
    /// DRAM request handshake.
    pub dram_req_valid: Signal<Out, Bit>,
    /// DRAM request handshake.
    pub dram_req_ready: Signal<In, Bit>,
    /// 1 = write.
    pub dram_req_write: Signal<Out, Bit>,
    /// Byte address.
    pub dram_req_addr: Signal<Out, Bits<64>>,
    /// Ciphertext (writes).
    pub dram_req_wdata: [Signal<Out, Bits<8>>; 16],
    /// DRAM read data handshake.
    pub dram_rsp_valid: Signal<In, Bit>,
    /// DRAM read data handshake.
    pub dram_rsp_ready: Signal<Out, Bit>,
    /// Ciphertext.
    pub dram_rsp_rdata: [Signal<In, Bits<8>>; 16],
    /// Key command handshake.
    pub key_cmd_valid: Signal<In, Bit>,
    /// Key command handshake.
    pub key_cmd_ready: Signal<Out, Bit>,
    /// 0 set_key, 1 clear_key.
    pub key_cmd_op: Signal<In, Bit>,
    /// Slot.
    pub key_cmd_asid: Signal<In, Bits<16>>,
    /// Data key.
    pub key_cmd_key1: Vec<Signal<In, Bits<8>>>,
    /// Tweak key.
    pub key_cmd_key2: Vec<Signal<In, Bits<8>>>,
    /// One pulse per key command.
    pub key_rsp_valid: Signal<Out, Bit>,
    /// 0 ok, 1 ASID out of range, 2 key1 equal to key2.
    pub key_rsp_status: Signal<Out, Bits<2>>,
    /// The key table (public for tests that inspect a slot's storage).
    pub keys: KeyTable,
    tracker: AddressTracker,
    tweak: XtsTweakUnit,
    tweak_side: ByteDelayLine,
    pipelines: ModelledChildren<PipelinedDatapath>,
    encrypt_side: ByteDelayLine,
    dram: DramScheduler,
    read_context: ByteFifo,
    read_register: ByteDelayLine,
    decrypt_side: ByteDelayLine,
    shared_unit: ModelledChildren<SharedDatapath>,
    tweak_shared: Constant<Bit>,
    feed: ModelledChildren<SharedTweakFeed>,
    port_unit: Signal<Local, Bits<64>>,
    starts_tweak: Signal<Local, Bit>,
    tweak_started: Signal<Local, Bit>,
    operand: [Signal<Local, Bits<8>>; 16],
    tweaked: [Signal<Local, Bits<8>>; 16],
    responses: ResponsePath,
    a_valid: DFF<Bit>,
    a_write: DFF<Bit>,
    a_addr: DFF<Bits<64>>,
    a_asid: DFF<Bits<16>>,
    a_encrypted: DFF<Bit>,
    a_asid_bad: DFF<Bit>,
    a_misaligned: DFF<Bit>,
    a_wdata: [DFF<Bits<8>>; 16],
    write_room: DFF<Bit>,
    accept: Signal<Local, Bit>,
    a_free: Signal<Local, Bit>,
    write_pushed: Signal<Local, Bit>,
    a_status: Signal<Local, Bits<2>>,
    a_ok: Signal<Local, Bit>,
    read_issue: Signal<Local, Bit>,
    read_leaves: Signal<Local, Bit>,
    write_sent: Signal<Local, Bit>,
    a_fire: Signal<Local, Bit>,
    passes_checks: Signal<Local, Bit>,
    side_flags: Signal<Local, Bits<8>>,
    ticket: Signal<Local, Bits<8>>,
    unit_number: Signal<Local, Bits<64>>,
    tweak_is_write: Signal<Local, Bit>,
    tweak_is_encrypted: Signal<Local, Bit>,
    written_encrypted: Signal<Local, Bit>,
    read_encrypted: Signal<Local, Bit>,
    decrypted_encrypted: Signal<Local, Bit>,
    rsp_fire: Signal<Local, Bit>,
    slot_count: Constant<Bits<16>>,
    write_limit_less_one: Constant<Bits<16>>,
    unit_shift: Constant<Bits<8>>,
    pipelined: Constant<Bit>,
    decrypt_free: Signal<Local, Bit>,
    tweak_go: Signal<Local, Bit>,
    encrypt_entry: Signal<Local, Bit>,
    encrypt_done: Signal<Local, Bit>,
    encrypt_result: [Signal<Local, Bits<8>>; 16],
    decrypt_done: Signal<Local, Bit>,
    decrypt_result: [Signal<Local, Bits<8>>; 16],
    // The blocks handed to the DRAM scheduler and the response path, each assigned once.
    written: [Signal<Local, Bits<8>>; 16],
    plaintext: [Signal<Local, Bits<8>>; 16],
    shared: Constant<Bit>,
    side_asid_low: Signal<Local, Bits<8>>,
    side_asid_high: Signal<Local, Bits<8>>,
}

impl EngineCore {
    /// With stored round keys, slot `slot`'s round keys in FIPS-197 order as each pipeline
    /// holds them: the tweak pipeline's (tweak key), the encryption and the decryption
    /// pipeline's (data key). `None` without stored round keys or beyond the table. For tests:
    /// the hardware can only use them, never read them out.
    pub fn stored_round_keys(&self, slot: usize) -> Option<[Vec<[u8; 16]>; 3]> {
        let [encrypt, decrypt] = self.pipelines.stored_round_keys(slot)?;
        Some([self.tweak.stored_round_keys(slot)?, encrypt, decrypt])
    }

    /// The engine for a validated config.
    pub fn new(config: &EngineConfig) -> Self {
        let kb = config.key_bytes();
        let p = &config.pipeline;
        let placement = p.round_registers;
        let style = p.sbox_style();
        let tweak_latency = config.tweak_latency();
        // The AES units' latency (with `shared_column`, the column unit's), which times the
        // side lines and the shared unit's slots.
        let aes_latency = config.aes_latency();
        let read_depth = p.read_queue_depth as usize;
        // With stored round keys the pipelines keep them per ASID (`set_key` writes them).
        let (stored, slots) = (config.stores_round_keys(), config.num_asids as usize);
        // Beside an iterative AES unit at most one item is in flight: one data register.
        let side_line = |width: usize, depth: usize| {
            if placement.is_pipelined() {
                ByteDelayLine::new(width, depth)
            } else {
                ByteDelayLine::holding(width, depth)
            }
        };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            core_req_valid: Default::default(),
            core_req_ready: Default::default(),
            core_req_write: Default::default(),
            core_req_addr: Default::default(),
            core_req_asid: Default::default(),
            core_req_encrypted: Default::default(),
            core_req_wdata: Default::default(),
            core_rsp_valid: Default::default(),
            core_rsp_ready: Default::default(),
            core_rsp_write: Default::default(),
            core_rsp_rdata: Default::default(),
            core_rsp_status: Default::default(),
            dram_req_valid: Default::default(),
            dram_req_ready: Default::default(),
            dram_req_write: Default::default(),
            dram_req_addr: Default::default(),
            dram_req_wdata: Default::default(),
            dram_rsp_valid: Default::default(),
            dram_rsp_ready: Default::default(),
            dram_rsp_rdata: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            key_cmd_op: Default::default(),
            key_cmd_asid: Default::default(),
            key_cmd_key1: defaults(kb),
            key_cmd_key2: defaults(kb),
            key_rsp_valid: Default::default(),
            key_rsp_status: Default::default(),
            keys: KeyTable::new(config.num_asids as usize, kb, p.key_table, config.key_expander_sbox(), config.stores_round_keys()),
            tracker: AddressTracker::new(p.write_queue_depth as usize, config.addr_bits as usize, config.tracker_compare_bits().map(|n| n as usize)),
            // `block_ram` S-boxes are for the data pipelines first; the tweak pipeline has them in
            // its first `tweak_block_ram_rounds` rounds, logic S-boxes elsewhere.
            tweak: {
                let unit = XtsTweakUnit::new(kb, config.block_index_bits(), placement, style.logic_style(), p.tweak_pipeline);
                if stored { unit.with_stored_round_keys(kb, placement, style, slots, config.tweak_block_ram_rounds()) } else { unit }
            },
            tweak_side: side_line(1 + 16 + kb + 2, tweak_latency),
            pipelines: ModelledChildren::chosen(PipelinedDatapath::new(config), !placement.is_shared()),
            encrypt_side: side_line(17, config.encrypt_latency()),
            dram: DramScheduler::new(p.write_queue_depth as usize, p.read_request_queue),
            // Pushed only with room: it holds no more than the outstanding reads.
            read_context: ByteFifo::new(19, read_depth, true).pushed_only_with_room(),
            read_register: ByteDelayLine::new(35, 1),
            decrypt_side: side_line(17, aes_latency),
            shared_unit: ModelledChildren::chosen(SharedDatapath::new(config), placement.is_shared()),
            tweak_shared: Constant::new(config.shares_tweak_pipeline()),
            feed: ModelledChildren::chosen(SharedTweakFeed::new(config), config.shares_tweak_pipeline()),
            port_unit: Default::default(),
            starts_tweak: Default::default(),
            tweak_started: Default::default(),
            operand: Default::default(),
            tweaked: Default::default(),
            responses: ResponsePath::new(p.response_queue_depth as usize, p.read_queue_depth),
            a_valid: Default::default(),
            a_write: Default::default(),
            a_addr: Default::default(),
            a_asid: Default::default(),
            a_encrypted: Default::default(),
            a_asid_bad: Default::default(),
            a_misaligned: Default::default(),
            a_wdata: Default::default(),
            write_room: Default::default(),
            accept: Default::default(),
            a_free: Default::default(),
            write_pushed: Default::default(),
            a_status: Default::default(),
            a_ok: Default::default(),
            read_issue: Default::default(),
            read_leaves: Default::default(),
            write_sent: Default::default(),
            a_fire: Default::default(),
            passes_checks: Default::default(),
            side_flags: Default::default(),
            ticket: Default::default(),
            unit_number: Default::default(),
            tweak_is_write: Default::default(),
            tweak_is_encrypted: Default::default(),
            written_encrypted: Default::default(),
            read_encrypted: Default::default(),
            decrypted_encrypted: Default::default(),
            rsp_fire: Default::default(),
            slot_count: constant(u64::from(config.num_asids)),
            write_limit_less_one: constant(u64::from(p.write_queue_depth - 1)),
            pipelined: Constant::new(placement.is_pipelined()),
            decrypt_free: Default::default(),
            tweak_go: Default::default(),
            encrypt_entry: Default::default(),
            encrypt_done: Default::default(),
            encrypt_result: Default::default(),
            decrypt_done: Default::default(),
            decrypt_result: Default::default(),
            written: Default::default(),
            plaintext: Default::default(),
            shared: Constant::new(placement.is_shared()),
            side_asid_low: Default::default(),
            side_asid_high: Default::default(),
            unit_shift: constant(u64::from(config.data_unit_bytes.trailing_zeros())),
        }
    }
}

impl Logic for EngineCore {
    #[hdl_gen]
    fn update(&mut self) {
        // Clocks and resets.
        self.keys.clock.next = self.clock.val();
        self.keys.reset.next = self.reset.val();
        self.tracker.clock.next = self.clock.val();
        self.tracker.reset.next = self.reset.val();
        self.tweak.clock.next = self.clock.val();
        self.tweak.reset.next = self.reset.val();
        self.tweak_side.clock.next = self.clock.val();
        self.tweak_side.reset.next = self.reset.val();
        self.pipelines.clock.next = self.clock.val();
        self.pipelines.reset.next = self.reset.val();
        self.encrypt_side.clock.next = self.clock.val();
        self.encrypt_side.reset.next = self.reset.val();
        self.dram.clock.next = self.clock.val();
        self.dram.reset.next = self.reset.val();
        self.read_context.clock.next = self.clock.val();
        self.read_context.reset.next = self.reset.val();
        self.read_register.clock.next = self.clock.val();
        self.read_register.reset.next = self.reset.val();
        self.decrypt_side.clock.next = self.clock.val();
        self.decrypt_side.reset.next = self.reset.val();
        self.shared_unit.clock.next = self.clock.val();
        self.shared_unit.reset.next = self.reset.val();
        self.feed.clock.next = self.clock.val();
        self.feed.reset.next = self.reset.val();
        self.responses.clock.next = self.clock.val();
        self.responses.reset.next = self.reset.val();
        self.a_valid.clock.next = self.clock.val();
        self.a_write.clock.next = self.clock.val();
        self.a_addr.clock.next = self.clock.val();
        self.a_asid.clock.next = self.clock.val();
        self.a_encrypted.clock.next = self.clock.val();
        self.a_asid_bad.clock.next = self.clock.val();
        self.a_misaligned.clock.next = self.clock.val();
        for k in 0..16 {
            self.a_wdata[k].clock.next = self.clock.val();
        }
        self.write_room.clock.next = self.clock.val();

        // Key-management port.
        self.keys.key_cmd_valid.next = self.key_cmd_valid.val();
        self.keys.key_cmd_op.next = self.key_cmd_op.val();
        self.keys.key_cmd_asid.next = self.key_cmd_asid.val();
        for k in 0..self.key_cmd_key1.len() {
            self.keys.key_cmd_key1[k].next = self.key_cmd_key1[k].val();
            self.keys.key_cmd_key2[k].next = self.key_cmd_key2[k].val();
        }
        self.key_cmd_ready.next = self.keys.key_cmd_ready.val();
        // Stored round keys: the key table programs all three pipelines (idle otherwise).
        self.pipelines.key_write_enable.next = self.keys.round_key_write_enable.val();
        self.pipelines.key_write_all.next = self.keys.round_key_write_all.val();
        self.pipelines.key_write_slot.next = self.keys.round_key_write_slot.val();
        self.pipelines.key_write_index.next = self.keys.round_key_write_index.val();
        self.tweak.key_write_enable.next = self.keys.round_key_write_enable.val();
        self.tweak.key_write_all.next = self.keys.round_key_write_all.val();
        self.tweak.key_write_slot.next = self.keys.round_key_write_slot.val();
        self.tweak.key_write_index.next = self.keys.round_key_write_index.val();
        for k in 0..self.key_cmd_key1.len() {
            self.pipelines.key_write_data[k].next = self.keys.round_key_write_key1[k].val();
            self.tweak.key_write_data[k].next = self.keys.round_key_write_key2[k].val();
        }
        self.key_rsp_valid.next = self.keys.key_rsp_valid.val() & !self.reset.val();
        self.key_rsp_status.next = bits::<2>(0);
        if self.keys.key_rsp_valid.val() & !self.reset.val() {
            self.key_rsp_status.next = self.keys.key_rsp_status.val();
        }
        self.keys.engine_idle.next = !self.a_valid.q.val() & self.responses.answered_all.val() & (self.tracker.count.val() == 0);

        // Stage A: status of the held request.
        self.a_status.next = bits::<2>(0);
        if self.a_encrypted.q.val() & !self.keys.lookup_valid.val() {
            self.a_status.next = bits::<2>(1);
        }
        if self.a_asid_bad.q.val() {
            self.a_status.next = bits::<2>(2);
        }
        if self.a_misaligned.q.val() {
            self.a_status.next = bits::<2>(3);
        }
        self.a_ok.next = self.a_status.val() == 0;
        self.passes_checks.next = self.a_valid.q.val() & self.a_ok.val();

        // A write leaving the tweak unit enters the encryption pipeline.
        self.tweak_is_write.next = self.tweak_side.data_out[0].val().get_bit(0);
        self.tweak_is_encrypted.next = self.tweak_side.data_out[0].val().get_bit(1);
        self.encrypt_entry.next = self.tweak.valid_out.val() & self.tweak_is_write.val();
        // With a shared tweak pipeline: stage A's request needs a tweak of its own.
        self.starts_tweak.next = self.tweak_shared.val() & self.a_encrypted.q.val() & !self.feed.same_unit.val();

        // A checked read or write may start its tweak: the tweak unit is ready, or with a
        // shared AES unit the frame is at the tweak's slot, or with a shared tweak pipeline
        // the slip queue has room for the writes the tweak may hold up.
        if self.shared.val() {
            self.tweak_go.next = self.shared_unit.tweak_go.val();
        } else if self.tweak_shared.val() {
            self.tweak_go.next = !self.starts_tweak.val() | self.feed.slip_room.val();
        } else {
            self.tweak_go.next = self.tweak.ready.val();
        }

        // DRAM request channel (see [`DramScheduler`]): a checked read may leave while the
        // way to DRAM is free.
        self.read_issue.next = self.passes_checks.val()
            & !self.a_write.q.val()
            & !self.tracker.hit.val()
            & self.tweak_go.val()
            & self.responses.read_room.val()
            & self.dram.read_path_free.val()
            & !self.responses.tickets_full.val()
            & !self.reset.val();
        self.dram.read_issue.next = self.read_issue.val();
        self.dram.read_addr.next = self.a_addr.q.val();
        self.dram.write_addr.next = self.tracker.oldest.val();
        self.dram.dram_req_ready.next = self.dram_req_ready.val();
        self.dram_req_valid.next = self.dram.dram_req_valid.val();
        self.dram_req_write.next = self.dram.dram_req_write.val();
        self.dram_req_addr.next = self.dram.dram_req_addr.val();
        for k in 0..16 {
            self.dram_req_wdata[k].next = self.dram.dram_req_wdata[k].val();
        }
        self.read_leaves.next = self.dram.read_leaves.val();
        self.write_sent.next = self.dram.write_sent.val();
        self.tracker.pop.next = self.write_sent.val();

        // Stage A hands its request on.
        self.a_fire.next = self.a_valid.q.val()
            & !self.responses.tickets_full.val()
            & !self.reset.val()
            & (!self.a_ok.val()
                | (self.a_write.q.val() & self.write_room.q.val() & self.tweak_go.val() & !self.feed.owe_bubble.val())
                | self.read_leaves.val());
        // Stage A is free when empty or handing on. Its payload registers, the key lookup
        // and the pending-write compare load from the request port whenever it is free
        // (without a request they load what the port holds, and `a_valid` stays low), so
        // that only `a_valid` waits for the request handshake.
        self.a_free.next = !self.a_valid.q.val() | self.a_fire.val();
        self.core_req_ready.next = self.a_free.val() & !self.keys.busy.val() & !self.key_cmd_valid.val() & !self.reset.val();
        self.accept.next = self.core_req_valid.val() & self.a_free.val() & !self.keys.busy.val() & !self.key_cmd_valid.val() & !self.reset.val();
        self.a_valid.d.next = (self.a_valid.q.val() & !self.a_fire.val()) | self.accept.val();
        self.a_write.d.next = self.a_write.q.val();
        self.a_addr.d.next = self.a_addr.q.val();
        self.a_asid.d.next = self.a_asid.q.val();
        self.a_encrypted.d.next = self.a_encrypted.q.val();
        self.a_asid_bad.d.next = self.a_asid_bad.q.val();
        self.a_misaligned.d.next = self.a_misaligned.q.val();
        for k in 0..16 {
            self.a_wdata[k].d.next = self.a_wdata[k].q.val();
        }
        // Decided a cycle ahead, from the request port: the key lookup, the ASID range check,
        // the alignment check and the pending-write compare, all loaded into stage A.
        self.keys.lookup_slot.next = self.core_req_asid.val();
        self.keys.lookup_enable.next = self.a_free.val();
        self.tracker.query.next = self.core_req_addr.val();
        self.tracker.query_load.next = self.a_free.val();
        if self.a_free.val() {
            self.a_write.d.next = self.core_req_write.val();
            self.a_addr.d.next = self.core_req_addr.val();
            self.a_asid.d.next = self.core_req_asid.val();
            self.a_encrypted.d.next = self.core_req_encrypted.val();
            self.a_asid_bad.d.next = self.core_req_asid.val() >= self.slot_count.val();
            self.a_misaligned.d.next = self.core_req_addr.val().get_bits::<4>(0) != 0;
            for k in 0..16 {
                self.a_wdata[k].d.next = self.core_req_wdata[k].val();
            }
        }
        self.write_pushed.next = self.a_fire.val() & self.passes_checks.val() & self.a_write.q.val();
        self.tracker.push.next = self.write_pushed.val();
        // Room for one more pending write after this edge, kept in a register: the compare
        // runs on the count before the edge, and the push and pop only choose the result.
        self.write_room.d.next = self.write_room.q.val();
        if self.write_pushed.val() & !self.write_sent.val() {
            self.write_room.d.next = self.tracker.count.val() < self.write_limit_less_one.val();
        }
        if !self.write_pushed.val() & self.write_sent.val() {
            self.write_room.d.next = true;
        }
        self.tracker.push_address.next = self.a_addr.q.val();

        // Tickets: bit 0 write, bits 1-2 status, bit 3 waits for read data.
        self.ticket.next = bit_cast::<8, 2>(self.a_status.val()) << 1;
        if self.a_write.q.val() {
            self.ticket.next = (bit_cast::<8, 2>(self.a_status.val()) << 1) | bits::<8>(1);
        }
        if !self.a_write.q.val() & self.a_ok.val() {
            self.ticket.next = bits::<8>(8);
        }
        self.responses.ticket_push.next = self.a_fire.val();
        self.responses.ticket.next = self.ticket.val();

        // Tweak unit with its sideband: flags, plaintext, data key, ASID.
        self.unit_number.next = self.a_addr.q.val() >> self.unit_shift.val();
        self.tweak.valid_in.next = self.a_fire.val() & self.passes_checks.val();
        for k in 0..8 {
            self.tweak.dusn[k].next = self.unit_number.val().get_bits::<8>(8 * k);
            self.tweak.dusn[k + 8].next = bits::<8>(0);
        }
        self.tweak.block_index.next = self.a_addr.q.val().get_bits::<8>(4);
        for k in 0..self.key_cmd_key2.len() {
            self.tweak.key2[k].next = self.keys.lookup_key2[k].val();
        }
        self.tweak.slot.next = self.a_asid.q.val();
        self.side_flags.next = bits::<8>(0);
        if self.a_write.q.val() & !self.a_encrypted.q.val() {
            self.side_flags.next = bits::<8>(1);
        }
        if !self.a_write.q.val() & self.a_encrypted.q.val() {
            self.side_flags.next = bits::<8>(2);
        }
        if self.a_write.q.val() & self.a_encrypted.q.val() {
            self.side_flags.next = bits::<8>(3);
        }
        self.tweak_side.valid_in.next = self.a_fire.val() & self.passes_checks.val();
        self.tweak_side.data_in[0].next = self.side_flags.val();
        for k in 0..16 {
            self.tweak_side.data_in[1 + k].next = self.a_wdata[k].q.val();
        }
        for k in 0..self.key_cmd_key1.len() {
            self.tweak_side.data_in[17 + k].next = self.keys.lookup_key1[k].val();
        }
        // `n` runs once, at the offset of the ASID bytes (after the data key).
        for n in (17 + self.key_cmd_key1.len())..(18 + self.key_cmd_key1.len()) {
            self.tweak_side.data_in[n].next = self.a_asid.q.val().get_bits::<8>(0);
            self.tweak_side.data_in[n + 1].next = self.a_asid.q.val().get_bits::<8>(8);
        }

        // With a shared tweak pipeline (see [`SharedTweakFeed`]): the tag of the last tweak
        // started, decided for the request at the port whenever stage A is free; the tweak
        // waits a cycle in the pass registers, writes wait in the slip queue, and both reach
        // the encryption pipeline through its input register.
        self.tweak_started.next = self.tweak.valid_in.val() & self.starts_tweak.val();
        self.port_unit.next = self.core_req_addr.val() >> self.unit_shift.val();
        self.feed.stage_free.next = self.a_free.val();
        self.feed.port_unit.next = self.port_unit.val();
        self.feed.port_asid.next = self.core_req_asid.val();
        self.feed.stage_unit.next = self.unit_number.val();
        self.feed.stage_asid.next = self.a_asid.q.val();
        self.feed.tweak_started.next = self.tweak_started.val();
        self.feed.keys_busy.next = self.keys.busy.val();
        self.tweak.compute.next = self.starts_tweak.val();
        for k in 0..16 {
            self.feed.tweak_block[k].next = self.tweak.dusn[k].val();
        }
        for k in 0..self.key_cmd_key2.len() {
            self.feed.tweak_key[k].next = self.keys.lookup_key2[k].val();
        }
        // A write's block XOR its tweak (the encryption's input, whichever unit takes it), and
        // its final XOR operand: its tweak, or its plaintext when it is not encrypted.
        for k in 0..16 {
            self.tweaked[k].next = self.tweak_side.data_out[1 + k].val() ^ self.tweak.tweak[k].val();
            self.operand[k].next = self.tweak_side.data_out[1 + k].val();
            if self.tweak_is_encrypted.val() {
                self.operand[k].next = self.tweak.tweak[k].val();
            }
        }
        self.feed.write_push.next = self.encrypt_entry.val() & self.tweak_shared.val();
        self.feed.write_flags_in.next = self.tweak_side.data_out[0].val();
        for k in 0..16 {
            self.feed.write_block[k].next = self.tweaked[k].val();
            self.feed.write_operand_in[k].next = self.operand[k].val();
        }
        for k in 0..self.key_cmd_key1.len() {
            self.feed.write_key[k].next = self.tweak_side.data_out[17 + k].val();
        }

        // Writes: encryption pipeline, final XOR, write queue.
        // The ASID beside the block (stored round keys; the shared tweak pipeline has none).
        for n in (17 + self.key_cmd_key1.len())..(18 + self.key_cmd_key1.len()) {
            self.side_asid_low.next = self.tweak_side.data_out[n].val();
            self.side_asid_high.next = self.tweak_side.data_out[n + 1].val();
        }
        self.pipelines.write_slot.next = bit_cast::<16, 8>(self.side_asid_low.val()) | (bit_cast::<16, 8>(self.side_asid_high.val()) << 8);
        if self.tweak_shared.val() {
            self.pipelines.write_valid.next = self.feed.enc_valid.val();
            for k in 0..16 {
                self.pipelines.write_block[k].next = self.feed.enc_block[k].val();
            }
            for k in 0..self.key_cmd_key1.len() {
                self.pipelines.write_key[k].next = self.feed.enc_key[k].val();
            }
            self.encrypt_side.valid_in.next = self.feed.write_leaves.val();
            self.encrypt_side.data_in[0].next = self.feed.write_flags.val();
            for k in 0..16 {
                self.encrypt_side.data_in[1 + k].next = self.feed.write_operand[k].val();
            }
        } else {
            self.pipelines.write_valid.next = self.encrypt_entry.val() & !self.shared.val();
            for k in 0..16 {
                self.pipelines.write_block[k].next = self.tweaked[k].val();
            }
            for k in 0..self.key_cmd_key1.len() {
                self.pipelines.write_key[k].next = self.tweak_side.data_out[17 + k].val();
            }
            self.encrypt_side.valid_in.next = self.encrypt_entry.val();
            self.encrypt_side.data_in[0].next = self.tweak_side.data_out[0].val();
            for k in 0..16 {
                self.encrypt_side.data_in[1 + k].next = self.operand[k].val();
            }
        }
        if self.shared.val() {
            self.encrypt_done.next = self.shared_unit.encrypt_done.val();
            for k in 0..16 {
                self.encrypt_result[k].next = self.shared_unit.result[k].val();
            }
        } else if self.tweak_shared.val() {
            // Tweaks leave the pipeline too; the writes are those with their sideband.
            self.encrypt_done.next = self.encrypt_side.valid_out.val();
            for k in 0..16 {
                self.encrypt_result[k].next = self.pipelines.encrypt_result[k].val();
            }
        } else {
            self.encrypt_done.next = self.pipelines.encrypt_valid.val();
            for k in 0..16 {
                self.encrypt_result[k].next = self.pipelines.encrypt_result[k].val();
            }
        }
        self.written_encrypted.next = self.encrypt_side.data_out[0].val().get_bit(1);
        self.dram.write_push.next = self.encrypt_done.val();
        for k in 0..16 {
            self.written[k].next = self.encrypt_side.data_out[1 + k].val();
            if self.written_encrypted.val() {
                self.written[k].next = self.encrypt_result[k].val() ^ self.encrypt_side.data_out[1 + k].val();
            }
            self.dram.write_data[k].next = self.written[k].val();
        }

        // Reads: the tweak waits in the read context queue for the DRAM data.
        self.read_context.push.next = self.tweak.valid_out.val() & !self.tweak_is_write.val();
        for k in 0..16 {
            self.read_context.data_in[k].next = self.tweak.tweak[k].val();
        }
        for n in (17 + self.key_cmd_key1.len())..(18 + self.key_cmd_key1.len()) {
            self.read_context.data_in[16].next = self.tweak_side.data_out[n].val();
            self.read_context.data_in[17].next = self.tweak_side.data_out[n + 1].val();
        }
        self.read_context.data_in[18].next = self.tweak_side.data_out[0].val();
        // An iterative decryption unit must be free when the read register hands it the block.
        // With a shared AES unit: only in the cycle before the decryption's slot.
        if self.shared.val() {
            self.decrypt_free.next = self.shared_unit.decrypt_free.val();
        } else {
            self.decrypt_free.next = self.pipelines.decrypt_ready_next.val() & (self.pipelined.val() | !self.read_register.valid_out.val());
        }
        self.dram_rsp_ready.next = self.read_context.valid_out.val() & self.decrypt_free.val() & !self.reset.val();
        self.rsp_fire.next = self.dram_rsp_valid.val() & self.read_context.valid_out.val() & self.decrypt_free.val() & !self.reset.val();
        self.read_context.pop.next = self.rsp_fire.val();
        self.keys.decrypt_slot.next =
            bit_cast::<16, 8>(self.read_context.data_out[16].val()) | (bit_cast::<16, 8>(self.read_context.data_out[17].val()) << 8);
        self.read_register.valid_in.next = self.rsp_fire.val();
        for k in 0..16 {
            self.read_register.data_in[k].next = self.dram_rsp_rdata[k].val();
            self.read_register.data_in[16 + k].next = self.read_context.data_out[k].val();
        }
        self.read_register.data_in[32].next = self.read_context.data_out[18].val();
        self.read_register.data_in[33].next = self.read_context.data_out[16].val();
        self.read_register.data_in[34].next = self.read_context.data_out[17].val();

        // Decryption pipeline, final XOR, read data queue.
        self.read_encrypted.next = self.read_register.data_out[32].val().get_bit(1);
        self.pipelines.read_valid.next = self.read_register.valid_out.val() & !self.shared.val();
        for k in 0..16 {
            self.pipelines.read_block[k].next = self.read_register.data_out[k].val() ^ self.read_register.data_out[16 + k].val();
        }
        for k in 0..self.key_cmd_key1.len() {
            self.pipelines.read_key[k].next = self.keys.decrypt_key[k].val();
        }
        self.pipelines.read_slot.next =
            bit_cast::<16, 8>(self.read_register.data_out[33].val()) | (bit_cast::<16, 8>(self.read_register.data_out[34].val()) << 8);
        self.decrypt_side.valid_in.next = self.read_register.valid_out.val();
        self.decrypt_side.data_in[0].next = self.read_register.data_out[32].val();
        for k in 0..16 {
            self.decrypt_side.data_in[1 + k].next = self.read_register.data_out[k].val();
            if self.read_encrypted.val() {
                self.decrypt_side.data_in[1 + k].next = self.read_register.data_out[16 + k].val();
            }
        }
        if self.shared.val() {
            self.decrypt_done.next = self.shared_unit.decrypt_done.val();
            for k in 0..16 {
                self.decrypt_result[k].next = self.shared_unit.result[k].val();
            }
        } else {
            self.decrypt_done.next = self.pipelines.decrypt_valid.val();
            for k in 0..16 {
                self.decrypt_result[k].next = self.pipelines.decrypt_result[k].val();
            }
        }
        self.decrypted_encrypted.next = self.decrypt_side.data_out[0].val().get_bit(1);
        self.responses.data_push.next = self.decrypt_done.val();
        for k in 0..16 {
            self.plaintext[k].next = self.decrypt_side.data_out[1 + k].val();
            if self.decrypted_encrypted.val() {
                self.plaintext[k].next = self.decrypt_result[k].val() ^ self.decrypt_side.data_out[1 + k].val();
            }
            self.responses.data_in[k].next = self.plaintext[k].val();
        }

        // The shared AES unit's datapath (a stub unless `shared` or `shared_column`).
        self.shared_unit.tweak_valid.next = self.tweak.valid_in.val();
        self.shared_unit.write_valid.next = self.encrypt_entry.val();
        self.shared_unit.read_valid.next = self.read_register.valid_out.val();
        for k in 0..16 {
            self.shared_unit.tweak_block[k].next = self.tweak.dusn[k].val();
            self.shared_unit.write_block[k].next = self.tweaked[k].val();
            self.shared_unit.read_block[k].next = self.read_register.data_out[k].val() ^ self.read_register.data_out[16 + k].val();
        }
        for k in 0..self.key_cmd_key1.len() {
            self.shared_unit.tweak_key[k].next = self.keys.lookup_key2[k].val();
            self.shared_unit.write_key[k].next = self.tweak_side.data_out[17 + k].val();
            self.shared_unit.read_key[k].next = self.keys.decrypt_key[k].val();
        }
        self.tweak.external_valid.next = self.shared_unit.tweak_done.val();
        for k in 0..16 {
            self.tweak.external_block[k].next = self.shared_unit.result[k].val();
            if self.tweak_shared.val() {
                self.tweak.external_block[k].next = self.pipelines.encrypt_result[k].val();
            }
        }

        // Core responses, in ticket order.
        self.responses.read_leaves.next = self.read_leaves.val();
        self.responses.core_rsp_ready.next = self.core_rsp_ready.val();
        self.core_rsp_valid.next = self.responses.core_rsp_valid.val();
        self.core_rsp_write.next = self.responses.core_rsp_write.val();
        self.core_rsp_status.next = self.responses.core_rsp_status.val();
        for k in 0..16 {
            self.core_rsp_rdata[k].next = self.responses.core_rsp_rdata[k].val();
        }

        // Reset.
        if self.reset.val() {
            self.a_valid.d.next = false;
            self.a_write.d.next = false;
            self.a_addr.d.next = bits::<64>(0);
            self.a_asid.d.next = bits::<16>(0);
            self.a_encrypted.d.next = false;
            self.a_asid_bad.d.next = false;
            self.a_misaligned.d.next = false;
            for k in 0..16 {
                self.a_wdata[k].d.next = bits::<8>(0);
            }
            self.write_room.d.next = true;
        }
    }
}
