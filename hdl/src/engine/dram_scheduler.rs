//! `DramScheduler`: the engine core's DRAM request channel, shared by reads and writes.
//!
//! - **Writes** wait in the write queue (`write_push`, `write_data`: ciphertext from the
//!   encryption path, pushed only with room, which stage A's write count guarantees). The
//!   address of the oldest is `write_addr`, the oldest entry of the pending-write tracker.
//! - **Reads** come from stage A (`read_issue`, `read_addr`): a read that passed its checks and
//!   may leave in this cycle, which stage A offers only while `read_path_free` is high.
//! - **Choice**: a read first, else the oldest write. A write offered and not taken stays
//!   offered (`dram_write_waiting`, a register), and while it waits no read is offered.
//! - Without a read request queue (`read_queued` low) a read goes to DRAM in the cycle stage A
//!   offers it, and leaves stage A (`read_leaves`) when the DRAM takes it: `read_path_free` is
//!   high while no write waits.
//! - With the two-entry read request queue a read leaves stage A into the queue
//!   (`read_leaves` = `read_issue`; `read_path_free` is the queue's room, a register), and the
//!   channel offers the queue's oldest read from the next cycle. The choice then comes from
//!   registers only, so `dram_req_ready` reaches neither stage A nor the core port.
//!
//! `write_sent` pulses as a write is taken, to pop the tracker. Every payload output is zero
//! while `dram_req_valid` is low; `dram_req_valid` is low during `reset`, which empties both
//! queues.

use crate::primitives::fifo::ByteFifo;
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct DramScheduler {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Stage A offers a read that passed its checks.
    pub read_issue: Signal<In, Bit>,
    /// The read's byte address.
    pub read_addr: Signal<In, Bits<64>>,
    /// A read may be offered in this cycle (from registers).
    pub read_path_free: Signal<Out, Bit>,
    /// The offered read leaves stage A in this cycle.
    pub read_leaves: Signal<Out, Bit>,
    /// A write's ciphertext enters the write queue.
    pub write_push: Signal<In, Bit>,
    /// The ciphertext.
    pub write_data: [Signal<In, Bits<8>>; 16],
    /// The oldest pending write's address.
    pub write_addr: Signal<In, Bits<64>>,
    /// The oldest write is taken by DRAM in this cycle.
    pub write_sent: Signal<Out, Bit>,
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
    write_queue: ByteFifo,
    read_requests: ByteFifo,
    read_queued: Constant<Bit>,
    dram_write_waiting: DFF<Bit>,
    read_to_dram: Signal<Local, Bit>,
    read_sent: Signal<Local, Bit>,
    write_chosen: Signal<Local, Bit>,
    path_free: Signal<Local, Bit>,
    leaves: Signal<Local, Bit>,
    addr: Signal<Local, Bits<64>>,
    wdata: [Signal<Local, Bits<8>>; 16],
}

impl DramScheduler {
    /// A write queue of `write_queue_depth` blocks, and the read request queue if
    /// `read_request_queue`.
    pub fn new(write_queue_depth: usize, read_request_queue: bool) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            read_issue: Default::default(),
            read_addr: Default::default(),
            read_path_free: Default::default(),
            read_leaves: Default::default(),
            write_push: Default::default(),
            write_data: Default::default(),
            write_addr: Default::default(),
            write_sent: Default::default(),
            dram_req_valid: Default::default(),
            dram_req_ready: Default::default(),
            dram_req_write: Default::default(),
            dram_req_addr: Default::default(),
            dram_req_wdata: Default::default(),
            write_queue: ByteFifo::new(16, write_queue_depth, false).pushed_only_with_room(),
            // The address of each read on its way to the DRAM request channel.
            read_requests: ByteFifo::new(8, EngineConfig::READ_REQUEST_QUEUE_DEPTH, false).pushed_only_with_room(),
            read_queued: Constant::new(read_request_queue),
            dram_write_waiting: Default::default(),
            read_to_dram: Default::default(),
            read_sent: Default::default(),
            write_chosen: Default::default(),
            path_free: Default::default(),
            leaves: Default::default(),
            addr: Default::default(),
            wdata: Default::default(),
        }
    }
}

impl Logic for DramScheduler {
    #[hdl_gen]
    fn update(&mut self) {
        self.write_queue.clock.next = self.clock.val();
        self.write_queue.reset.next = self.reset.val();
        self.read_requests.clock.next = self.clock.val();
        self.read_requests.reset.next = self.reset.val();
        self.dram_write_waiting.clock.next = self.clock.val();

        self.write_queue.push.next = self.write_push.val();
        for k in 0..16 {
            self.write_queue.data_in[k].next = self.write_data[k].val();
        }
        // Outputs are assigned once each (from locals), so that an event-driven simulator sees
        // no intermediate value that would wake the parent again.
        self.path_free.next = !self.dram_write_waiting.q.val();
        if self.read_queued.val() {
            self.path_free.next = !self.read_requests.full.val();
        }
        self.read_path_free.next = self.path_free.val();
        self.read_requests.push.next = self.read_queued.val() & self.read_issue.val();
        for k in 0..8 {
            self.read_requests.data_in[k].next = self.read_addr.val().get_bits::<8>(8 * k);
        }

        // A read first (from stage A, or the queue's oldest), else the oldest write.
        self.read_to_dram.next = self.read_issue.val();
        if self.read_queued.val() {
            self.read_to_dram.next = self.read_requests.valid_out.val() & !self.dram_write_waiting.q.val() & !self.reset.val();
        }
        self.write_chosen.next = !self.read_to_dram.val() & self.write_queue.valid_out.val() & !self.reset.val();
        self.dram_req_valid.next = self.read_to_dram.val() | self.write_chosen.val();
        self.dram_req_write.next = self.write_chosen.val();
        self.addr.next = bits::<64>(0);
        if self.read_to_dram.val() {
            if self.read_queued.val() {
                self.addr.next = bit_cast::<64, 8>(self.read_requests.data_out[0].val())
                    | (bit_cast::<64, 8>(self.read_requests.data_out[1].val()) << 8)
                    | (bit_cast::<64, 8>(self.read_requests.data_out[2].val()) << 16)
                    | (bit_cast::<64, 8>(self.read_requests.data_out[3].val()) << 24)
                    | (bit_cast::<64, 8>(self.read_requests.data_out[4].val()) << 32)
                    | (bit_cast::<64, 8>(self.read_requests.data_out[5].val()) << 40)
                    | (bit_cast::<64, 8>(self.read_requests.data_out[6].val()) << 48)
                    | (bit_cast::<64, 8>(self.read_requests.data_out[7].val()) << 56);
            } else {
                self.addr.next = self.read_addr.val();
            }
        }
        if self.write_chosen.val() {
            self.addr.next = self.write_addr.val();
        }
        self.dram_req_addr.next = self.addr.val();
        for k in 0..16 {
            self.wdata[k].next = bits::<8>(0);
            if self.write_chosen.val() {
                self.wdata[k].next = self.write_queue.data_out[k].val();
            }
            self.dram_req_wdata[k].next = self.wdata[k].val();
        }

        // Hand-overs.
        self.read_sent.next = self.read_to_dram.val() & self.dram_req_ready.val();
        self.read_requests.pop.next = self.read_sent.val();
        self.leaves.next = self.read_sent.val();
        if self.read_queued.val() {
            self.leaves.next = self.read_issue.val();
        }
        self.read_leaves.next = self.leaves.val();
        self.write_sent.next = self.write_chosen.val() & self.dram_req_ready.val();
        self.write_queue.pop.next = self.write_sent.val();
        self.dram_write_waiting.d.next = self.write_chosen.val() & !self.dram_req_ready.val() & !self.reset.val();
    }
}
