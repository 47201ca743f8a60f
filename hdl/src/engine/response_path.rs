//! `ResponsePath`: the engine core's answers to the core port, in request order.
//!
//! - **Tickets**: one per request, pushed (`ticket_push`, `ticket`) as the request leaves
//!   stage A: bit 0 the request was a write, bits 1-2 its status, bit 3 it waits for read
//!   data. The ticket queue's push is registered and it takes a push only with room, so stage A
//!   hands a request on only while `tickets_full` is low. Its head is registered too
//!   ([`ByteFifo::with_registered_push_and_head`]): the oldest ticket comes from flip-flops, not
//!   from a distributed-RAM read, so the response handshake starts at registers.
//! - **Read data**: each read's plaintext, pushed (`data_push`, `data_in`) as it leaves the
//!   decryption path. The queue has a bypass, so plaintext can reach the core in the cycle it
//!   arrives.
//! - **Responses**: the oldest ticket is answered when it needs no data or its data is there
//!   (`core_rsp_valid`); it leaves, with its data, at an edge where `core_rsp_ready` is high.
//!   Write responses do not wait for DRAM (writes are posted).
//! - **Outstanding reads**: counted from a read leaving stage A (`read_leaves`) to its
//!   response leaving. `read_room` (a register) is high while fewer than `read_limit` reads
//!   are outstanding after this edge's changes, so that no read is sent to DRAM without room
//!   for its data.
//!
//! Latency: a response can leave in the cycle after its ticket is pushed, or in the cycle its
//! data arrives. `core_rsp_*` depend on this block's registers and on `data_push`/`data_in`
//! (the bypass) only, never on `core_rsp_ready`. Every payload output is zero while
//! `core_rsp_valid` is low; `core_rsp_valid` is low during `reset`, which empties both queues.

use crate::primitives::fifo::ByteFifo;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct ResponsePath {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A request leaves stage A with this ticket.
    pub ticket_push: Signal<In, Bit>,
    /// Bit 0 write, bits 1-2 status, bit 3 waits for read data.
    pub ticket: Signal<In, Bits<8>>,
    /// No room for another ticket (a register).
    pub tickets_full: Signal<Out, Bit>,
    /// No ticket is held: every request has been answered.
    pub answered_all: Signal<Out, Bit>,
    /// A read's plaintext arrives.
    pub data_push: Signal<In, Bit>,
    /// The plaintext.
    pub data_in: [Signal<In, Bits<8>>; 16],
    /// A read leaves stage A (to DRAM or to the read request queue).
    pub read_leaves: Signal<In, Bit>,
    /// Room for another outstanding read (a register).
    pub read_room: Signal<Out, Bit>,
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
    tickets: ByteFifo,
    read_data: ByteFifo,
    reads_outstanding: DFF<Bits<16>>,
    read_room_register: DFF<Bit>,
    read_limit_less_one: Constant<Bits<16>>,
    response_valid: Signal<Local, Bit>,
    response_has_data: Signal<Local, Bit>,
    response_done: Signal<Local, Bit>,
    data_taken: Signal<Local, Bit>,
    status: Signal<Local, Bits<2>>,
    rdata: [Signal<Local, Bits<8>>; 16],
}

impl ResponsePath {
    /// Room for `tickets` requests and `read_limit` outstanding reads (their data included).
    pub fn new(tickets: usize, read_limit: u32) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            ticket_push: Default::default(),
            ticket: Default::default(),
            tickets_full: Default::default(),
            answered_all: Default::default(),
            data_push: Default::default(),
            data_in: Default::default(),
            read_leaves: Default::default(),
            read_room: Default::default(),
            core_rsp_valid: Default::default(),
            core_rsp_ready: Default::default(),
            core_rsp_write: Default::default(),
            core_rsp_rdata: Default::default(),
            core_rsp_status: Default::default(),
            tickets: ByteFifo::with_registered_push_and_head(1, tickets).pushed_only_with_room(),
            // Pushed only with room: it holds no more than the outstanding reads.
            read_data: ByteFifo::new(16, read_limit as usize, true).pushed_only_with_room(),
            reads_outstanding: Default::default(),
            read_room_register: Default::default(),
            read_limit_less_one: Constant::new(Bits::<16>::from(LiteralType::from(u64::from(read_limit - 1)))),
            response_valid: Default::default(),
            response_has_data: Default::default(),
            response_done: Default::default(),
            data_taken: Default::default(),
            status: Default::default(),
            rdata: Default::default(),
        }
    }
}

impl Logic for ResponsePath {
    #[hdl_gen]
    fn update(&mut self) {
        self.tickets.clock.next = self.clock.val();
        self.tickets.reset.next = self.reset.val();
        self.read_data.clock.next = self.clock.val();
        self.read_data.reset.next = self.reset.val();
        self.reads_outstanding.clock.next = self.clock.val();
        self.read_room_register.clock.next = self.clock.val();

        self.tickets.push.next = self.ticket_push.val();
        self.tickets.data_in[0].next = self.ticket.val();
        self.tickets_full.next = self.tickets.full.val();
        self.answered_all.next = self.tickets.count.val() == 0;
        self.read_data.push.next = self.data_push.val();
        for k in 0..16 {
            self.read_data.data_in[k].next = self.data_in[k].val();
        }

        // The oldest ticket, answered in order.
        self.response_has_data.next = self.tickets.data_out[0].val().get_bit(3);
        self.response_valid.next =
            self.tickets.valid_out.val() & (!self.response_has_data.val() | self.read_data.valid_out.val()) & !self.reset.val();
        self.core_rsp_valid.next = self.response_valid.val();
        self.core_rsp_write.next = self.response_valid.val() & self.tickets.data_out[0].val().get_bit(0);
        // Outputs are assigned once each (from locals), so that an event-driven simulator sees
        // no intermediate value that would wake the parent again.
        self.status.next = bits::<2>(0);
        if self.response_valid.val() {
            self.status.next = self.tickets.data_out[0].val().get_bits::<2>(1);
        }
        self.core_rsp_status.next = self.status.val();
        for k in 0..16 {
            self.rdata[k].next = bits::<8>(0);
            if self.response_valid.val() & self.response_has_data.val() {
                self.rdata[k].next = self.read_data.data_out[k].val();
            }
            self.core_rsp_rdata[k].next = self.rdata[k].val();
        }
        self.response_done.next = self.response_valid.val() & self.core_rsp_ready.val();
        self.tickets.pop.next = self.response_done.val();
        self.data_taken.next = self.response_done.val() & self.response_has_data.val();
        self.read_data.pop.next = self.data_taken.val();

        // Outstanding reads, and room for one more after this edge, kept in a register: the
        // compare runs on the count before the edge, and the changes only choose the result.
        self.reads_outstanding.d.next = self.reads_outstanding.q.val();
        self.read_room_register.d.next = self.read_room_register.q.val();
        if self.read_leaves.val() & !self.data_taken.val() {
            self.reads_outstanding.d.next = self.reads_outstanding.q.val() + 1;
            self.read_room_register.d.next = self.reads_outstanding.q.val() < self.read_limit_less_one.val();
        }
        if !self.read_leaves.val() & self.data_taken.val() {
            self.reads_outstanding.d.next = self.reads_outstanding.q.val() - 1;
            self.read_room_register.d.next = true;
        }
        self.read_room.next = self.read_room_register.q.val();
        if self.reset.val() {
            self.reads_outstanding.d.next = bits::<16>(0);
            self.read_room_register.d.next = true;
        }
    }
}
