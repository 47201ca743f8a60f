//! `AxiSlave`: the core side of the AXI4 top. It turns the beats of `s_axi` bursts into the
//! engine's block requests and the engine's in-order responses into `b` and `r` beats.
//!
//! Requests: one write burst and one read burst are cut into beats at a time ([`BurstBeats`]);
//! each beat is one request for its 16-byte block, with the ASID and C-bit of its burst's
//! `user` field (bit 0 the C-bit, bits 16..1 the ASID). A write beat waits for its `w` beat and
//! writes the beat's strobes limited to the beat's byte lanes; a read beat reads the whole
//! block. When both kinds have a beat, they take turns; a beat offered and not taken stays
//! offered, unchanged, until the engine takes it. `wlast` is not used: the burst's `len`
//! counts the beats.
//!
//! Responses: the engine answers in request order and echoes `write`, so a queue of write
//! bursts (ID, length) and one of read bursts, each pushed when its address is taken, tell
//! which burst each response belongs to. A read response becomes an `r` beat (its ID, the
//! block's plaintext, `rresp` SLVERR when the engine refused it, `rlast` on the burst's last
//! beat); a write burst's responses are counted, and its last one becomes the `b` response,
//! SLVERR when any of its beats was refused. A response whose DRAM read came with an error
//! response (`rresp` not OKAY on `m_axi`) is SLVERR as well: a read beat with zero data, a partial
//! write's burst (its read-modify-write merged into a block that was not read), and a partial
//! write merged into that one; a queue of `read_depth` flags, pushed as DRAM data enters the
//! engine and popped by the responses that consumed a DRAM read, tells which. `b` and `r` are
//! registers, so `bready` and
//! `rready` reach only the engine's `core_rsp_ready`. An address is taken only while its
//! burst queue has room; the queues hold `burst_depth` bursts each.
//!
//! Ordering: a read issued after a write's `b` response returns that write's data, as the
//! engine keeps every later request to a block behind the earlier ones and `b` leaves only
//! after every beat of the burst has been answered. Latency: a beat's request leaves one
//! cycle after its address is taken (the same cycle as its `w` beat); an `r` or `b` beat
//! leaves one cycle after the engine's response. A synchronous `reset` empties everything.

use super::burst_beats::BurstBeats;
use crate::primitives::fifo::ByteFifo;
use rust_hdl::prelude::*;

/// See the module documentation. `s_axi_*` ports as in DESIGN.md, at their widest widths (ID
/// 16 bits, address 64, user 17); `req_*` and `rsp_*` are the engine's core port.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct AxiSlave {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub s_axi_awid: Signal<In, Bits<16>>,
    pub s_axi_awaddr: Signal<In, Bits<64>>,
    pub s_axi_awlen: Signal<In, Bits<8>>,
    pub s_axi_awsize: Signal<In, Bits<3>>,
    pub s_axi_awburst: Signal<In, Bits<2>>,
    pub s_axi_awuser: Signal<In, Bits<17>>,
    pub s_axi_awvalid: Signal<In, Bit>,
    pub s_axi_awready: Signal<Out, Bit>,
    pub s_axi_wdata: Signal<In, Bits<128>>,
    pub s_axi_wstrb: Signal<In, Bits<16>>,
    pub s_axi_wlast: Signal<In, Bit>,
    pub s_axi_wvalid: Signal<In, Bit>,
    pub s_axi_wready: Signal<Out, Bit>,
    pub s_axi_bid: Signal<Out, Bits<16>>,
    pub s_axi_bresp: Signal<Out, Bits<2>>,
    pub s_axi_bvalid: Signal<Out, Bit>,
    pub s_axi_bready: Signal<In, Bit>,
    pub s_axi_arid: Signal<In, Bits<16>>,
    pub s_axi_araddr: Signal<In, Bits<64>>,
    pub s_axi_arlen: Signal<In, Bits<8>>,
    pub s_axi_arsize: Signal<In, Bits<3>>,
    pub s_axi_arburst: Signal<In, Bits<2>>,
    pub s_axi_aruser: Signal<In, Bits<17>>,
    pub s_axi_arvalid: Signal<In, Bit>,
    pub s_axi_arready: Signal<Out, Bit>,
    pub s_axi_rid: Signal<Out, Bits<16>>,
    pub s_axi_rdata: Signal<Out, Bits<128>>,
    pub s_axi_rresp: Signal<Out, Bits<2>>,
    pub s_axi_rlast: Signal<Out, Bit>,
    pub s_axi_rvalid: Signal<Out, Bit>,
    pub s_axi_rready: Signal<In, Bit>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_write: Signal<Out, Bit>,
    pub req_addr: Signal<Out, Bits<64>>,
    pub req_asid: Signal<Out, Bits<16>>,
    pub req_encrypted: Signal<Out, Bit>,
    pub req_wdata: Signal<Out, Bits<128>>,
    pub req_wstrb: Signal<Out, Bits<16>>,
    pub rsp_valid: Signal<In, Bit>,
    pub rsp_ready: Signal<Out, Bit>,
    pub rsp_write: Signal<In, Bit>,
    pub rsp_rdata: Signal<In, Bits<128>>,
    pub rsp_status: Signal<In, Bits<2>>,
    /// The response answers a partial write from its block's read (see the engine's port).
    pub rsp_answer: Signal<In, Bit>,
    /// The response answers a partial write merged into the one before it.
    pub rsp_follow: Signal<In, Bit>,
    /// A DRAM read's data enters the engine at this edge.
    pub dram_read_fire: Signal<In, Bit>,
    /// That data came with an error response.
    pub dram_read_error: Signal<In, Bit>,
    write_beats: BurstBeats,
    read_beats: BurstBeats,
    write_bursts: ByteFifo,
    read_bursts: ByteFifo,
    read_errors: ByteFifo,
    last_error: DFF<Bit>,
    consumed: Signal<Local, Bit>,
    dram_error: Signal<Local, Bit>,
    write_user: DFF<Bits<17>>,
    read_user: DFF<Bits<17>>,
    prefer_write: DFF<Bit>,
    write_count: DFF<Bits<8>>,
    write_refused: DFF<Bit>,
    read_count: DFF<Bits<8>>,
    b_valid: DFF<Bit>,
    b_id: DFF<Bits<16>>,
    b_resp: DFF<Bits<2>>,
    r_valid: DFF<Bit>,
    r_id: DFF<Bits<16>>,
    r_data: DFF<Bits<128>>,
    r_resp: DFF<Bits<2>>,
    r_last: DFF<Bit>,
    want_write: Signal<Local, Bit>,
    want_read: Signal<Local, Bit>,
    grant_write: Signal<Local, Bit>,
    grant_read: Signal<Local, Bit>,
    fired: Signal<Local, Bit>,
    take_aw: Signal<Local, Bit>,
    take_ar: Signal<Local, Bit>,
    write_len: Signal<Local, Bits<8>>,
    read_len: Signal<Local, Bits<8>>,
    write_rsp_last: Signal<Local, Bit>,
    read_rsp_last: Signal<Local, Bit>,
    refused: Signal<Local, Bit>,
    b_free: Signal<Local, Bit>,
    r_free: Signal<Local, Bit>,
    write_rsp_taken: Signal<Local, Bit>,
    read_rsp_taken: Signal<Local, Bit>,
}

impl AxiSlave {
    /// A slave whose burst queues hold `burst_depth` bursts each (1 to 256), and whose queue
    /// of DRAM read errors holds `read_depth` reads (DRAM reads that have entered the engine and
    /// whose response has not left it).
    pub fn new(burst_depth: usize, read_depth: usize) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s_axi_awid: Default::default(),
            s_axi_awaddr: Default::default(),
            s_axi_awlen: Default::default(),
            s_axi_awsize: Default::default(),
            s_axi_awburst: Default::default(),
            s_axi_awuser: Default::default(),
            s_axi_awvalid: Default::default(),
            s_axi_awready: Default::default(),
            s_axi_wdata: Default::default(),
            s_axi_wstrb: Default::default(),
            s_axi_wlast: Default::default(),
            s_axi_wvalid: Default::default(),
            s_axi_wready: Default::default(),
            s_axi_bid: Default::default(),
            s_axi_bresp: Default::default(),
            s_axi_bvalid: Default::default(),
            s_axi_bready: Default::default(),
            s_axi_arid: Default::default(),
            s_axi_araddr: Default::default(),
            s_axi_arlen: Default::default(),
            s_axi_arsize: Default::default(),
            s_axi_arburst: Default::default(),
            s_axi_aruser: Default::default(),
            s_axi_arvalid: Default::default(),
            s_axi_arready: Default::default(),
            s_axi_rid: Default::default(),
            s_axi_rdata: Default::default(),
            s_axi_rresp: Default::default(),
            s_axi_rlast: Default::default(),
            s_axi_rvalid: Default::default(),
            s_axi_rready: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_asid: Default::default(),
            req_encrypted: Default::default(),
            req_wdata: Default::default(),
            req_wstrb: Default::default(),
            rsp_valid: Default::default(),
            rsp_ready: Default::default(),
            rsp_write: Default::default(),
            rsp_rdata: Default::default(),
            rsp_status: Default::default(),
            rsp_answer: Default::default(),
            rsp_follow: Default::default(),
            dram_read_fire: Default::default(),
            dram_read_error: Default::default(),
            write_beats: Default::default(),
            read_beats: Default::default(),
            write_bursts: ByteFifo::new(3, burst_depth, false),
            read_bursts: ByteFifo::new(3, burst_depth, false),
            read_errors: ByteFifo::new(1, read_depth, false),
            last_error: Default::default(),
            consumed: Default::default(),
            dram_error: Default::default(),
            write_user: Default::default(),
            read_user: Default::default(),
            prefer_write: Default::default(),
            write_count: Default::default(),
            write_refused: Default::default(),
            read_count: Default::default(),
            b_valid: Default::default(),
            b_id: Default::default(),
            b_resp: Default::default(),
            r_valid: Default::default(),
            r_id: Default::default(),
            r_data: Default::default(),
            r_resp: Default::default(),
            r_last: Default::default(),
            want_write: Default::default(),
            want_read: Default::default(),
            grant_write: Default::default(),
            grant_read: Default::default(),
            fired: Default::default(),
            take_aw: Default::default(),
            take_ar: Default::default(),
            write_len: Default::default(),
            read_len: Default::default(),
            write_rsp_last: Default::default(),
            read_rsp_last: Default::default(),
            refused: Default::default(),
            b_free: Default::default(),
            r_free: Default::default(),
            write_rsp_taken: Default::default(),
            read_rsp_taken: Default::default(),
        }
    }
}

impl Logic for AxiSlave {
    #[hdl_gen]
    fn update(&mut self) {
        self.write_beats.clock.next = self.clock.val();
        self.read_beats.clock.next = self.clock.val();
        self.write_bursts.clock.next = self.clock.val();
        self.read_bursts.clock.next = self.clock.val();
        self.read_errors.clock.next = self.clock.val();
        self.last_error.clock.next = self.clock.val();
        self.read_errors.reset.next = self.reset.val();
        self.write_user.clock.next = self.clock.val();
        self.read_user.clock.next = self.clock.val();
        self.prefer_write.clock.next = self.clock.val();
        self.write_count.clock.next = self.clock.val();
        self.write_refused.clock.next = self.clock.val();
        self.read_count.clock.next = self.clock.val();
        self.b_valid.clock.next = self.clock.val();
        self.b_id.clock.next = self.clock.val();
        self.b_resp.clock.next = self.clock.val();
        self.r_valid.clock.next = self.clock.val();
        self.r_id.clock.next = self.clock.val();
        self.r_data.clock.next = self.clock.val();
        self.r_resp.clock.next = self.clock.val();
        self.r_last.clock.next = self.clock.val();
        self.write_beats.reset.next = self.reset.val();
        self.read_beats.reset.next = self.reset.val();
        self.write_bursts.reset.next = self.reset.val();
        self.read_bursts.reset.next = self.reset.val();

        // Addresses: a burst is taken while its beat generator is free and its queue has room.
        self.take_aw.next = self.s_axi_awvalid.val() & self.write_beats.start_ready.val() & !self.write_bursts.full.val() & !self.reset.val();
        self.take_ar.next = self.s_axi_arvalid.val() & self.read_beats.start_ready.val() & !self.read_bursts.full.val() & !self.reset.val();
        self.s_axi_awready.next = self.write_beats.start_ready.val() & !self.write_bursts.full.val() & !self.reset.val();
        self.s_axi_arready.next = self.read_beats.start_ready.val() & !self.read_bursts.full.val() & !self.reset.val();
        self.write_beats.start_valid.next = self.take_aw.val();
        self.write_beats.start_addr.next = self.s_axi_awaddr.val();
        self.write_beats.start_len.next = self.s_axi_awlen.val();
        self.write_beats.start_size.next = self.s_axi_awsize.val();
        self.write_beats.start_burst.next = self.s_axi_awburst.val();
        self.read_beats.start_valid.next = self.take_ar.val();
        self.read_beats.start_addr.next = self.s_axi_araddr.val();
        self.read_beats.start_len.next = self.s_axi_arlen.val();
        self.read_beats.start_size.next = self.s_axi_arsize.val();
        self.read_beats.start_burst.next = self.s_axi_arburst.val();
        self.write_bursts.push.next = self.take_aw.val();
        self.write_bursts.data_in[0].next = self.s_axi_awid.val().get_bits::<8>(0);
        self.write_bursts.data_in[1].next = self.s_axi_awid.val().get_bits::<8>(8);
        self.write_bursts.data_in[2].next = self.s_axi_awlen.val();
        self.read_bursts.push.next = self.take_ar.val();
        self.read_bursts.data_in[0].next = self.s_axi_arid.val().get_bits::<8>(0);
        self.read_bursts.data_in[1].next = self.s_axi_arid.val().get_bits::<8>(8);
        self.read_bursts.data_in[2].next = self.s_axi_arlen.val();
        self.write_user.d.next = self.write_user.q.val();
        self.read_user.d.next = self.read_user.q.val();
        if self.take_aw.val() {
            self.write_user.d.next = self.s_axi_awuser.val();
        }
        if self.take_ar.val() {
            self.read_user.d.next = self.s_axi_aruser.val();
        }

        // Beats to requests: writes and reads take turns; a stalled choice is kept.
        self.want_write.next = self.write_beats.beat_valid.val() & self.s_axi_wvalid.val();
        self.want_read.next = self.read_beats.beat_valid.val();
        self.grant_write.next = self.want_write.val() & (!self.want_read.val() | self.prefer_write.q.val());
        self.grant_read.next = self.want_read.val() & !self.grant_write.val();
        self.req_valid.next = (self.want_write.val() | self.want_read.val()) & !self.reset.val();
        self.req_write.next = self.grant_write.val();
        if self.grant_write.val() {
            self.req_addr.next = self.write_beats.beat_block.val();
            self.req_asid.next = self.write_user.q.val().get_bits::<16>(1);
            self.req_encrypted.next = self.write_user.q.val().get_bit(0);
            self.req_wdata.next = self.s_axi_wdata.val();
            self.req_wstrb.next = self.s_axi_wstrb.val() & self.write_beats.beat_lanes.val();
        } else {
            self.req_addr.next = self.read_beats.beat_block.val();
            self.req_asid.next = self.read_user.q.val().get_bits::<16>(1);
            self.req_encrypted.next = self.read_user.q.val().get_bit(0);
            self.req_wdata.next = bits::<128>(0);
            self.req_wstrb.next = bits::<16>(0);
        }
        self.fired.next = self.req_valid.val() & self.req_ready.val();
        self.s_axi_wready.next = self.grant_write.val() & self.req_ready.val() & !self.reset.val();
        self.write_beats.beat_ready.next = self.grant_write.val() & self.req_ready.val() & !self.reset.val();
        self.read_beats.beat_ready.next = self.grant_read.val() & self.req_ready.val() & !self.reset.val();
        self.prefer_write.d.next = self.prefer_write.q.val();
        if self.fired.val() {
            self.prefer_write.d.next = !self.grant_write.val();
        }
        if self.req_valid.val() & !self.req_ready.val() {
            self.prefer_write.d.next = self.grant_write.val();
        }

        // Responses to b and r beats.
        self.write_len.next = self.write_bursts.data_out[2].val();
        self.read_len.next = self.read_bursts.data_out[2].val();
        self.write_rsp_last.next = self.write_count.q.val() == self.write_len.val();
        self.read_rsp_last.next = self.read_count.q.val() == self.read_len.val();

        self.b_free.next = !self.b_valid.q.val() | self.s_axi_bready.val();
        self.r_free.next = !self.r_valid.q.val() | self.s_axi_rready.val();
        if self.rsp_write.val() {
            self.rsp_ready.next = (!self.write_rsp_last.val() | self.b_free.val()) & !self.reset.val();
        } else {
            self.rsp_ready.next = self.r_free.val() & !self.reset.val();
        }
        // DRAM errors: a response with status ok consumed one DRAM read when it answers a read
        // or a partial write's read (the engine reads DRAM in the order it answers); a partial
        // write merged into the one before it shares that one's read.
        self.read_errors.push.next = self.dram_read_fire.val();
        self.read_errors.data_in[0].next = bits::<8>(0);
        if self.dram_read_error.val() {
            self.read_errors.data_in[0].next = bits::<8>(1);
        }
        self.consumed.next = self.rsp_valid.val() & self.rsp_ready.val() & (self.rsp_status.val() == 0)
            & (!self.rsp_write.val() | self.rsp_answer.val());
        self.read_errors.pop.next = self.consumed.val();
        self.dram_error.next = (self.consumed.val() & self.read_errors.data_out[0].val().get_bit(0))
            | (self.rsp_follow.val() & self.last_error.q.val());
        self.last_error.d.next = self.last_error.q.val();
        if self.consumed.val() {
            self.last_error.d.next = self.read_errors.data_out[0].val().get_bit(0);
        }
        self.refused.next = (self.rsp_status.val() != 0) | self.dram_error.val();
        self.write_rsp_taken.next = self.rsp_valid.val() & self.rsp_write.val() & self.rsp_ready.val();
        self.read_rsp_taken.next = self.rsp_valid.val() & !self.rsp_write.val() & self.rsp_ready.val();
        self.write_bursts.pop.next = self.write_rsp_taken.val() & self.write_rsp_last.val();
        self.read_bursts.pop.next = self.read_rsp_taken.val() & self.read_rsp_last.val();

        self.write_count.d.next = self.write_count.q.val();
        self.write_refused.d.next = self.write_refused.q.val();
        self.b_valid.d.next = self.b_valid.q.val() & !self.s_axi_bready.val();
        self.b_id.d.next = self.b_id.q.val();
        self.b_resp.d.next = self.b_resp.q.val();
        if self.write_rsp_taken.val() {
            if self.write_rsp_last.val() {
                self.write_count.d.next = bits::<8>(0);
                self.write_refused.d.next = false;
                self.b_valid.d.next = true;
                self.b_id.d.next = bit_cast::<16, 8>(self.write_bursts.data_out[0].val())
                    | (bit_cast::<16, 8>(self.write_bursts.data_out[1].val()) << 8);
                if self.write_refused.q.val() | self.refused.val() {
                    self.b_resp.d.next = bits::<2>(2);
                } else {
                    self.b_resp.d.next = bits::<2>(0);
                }
            } else {
                self.write_count.d.next = self.write_count.q.val() + 1;
                self.write_refused.d.next = self.write_refused.q.val() | self.refused.val();
            }
        }
        self.read_count.d.next = self.read_count.q.val();
        self.r_valid.d.next = self.r_valid.q.val() & !self.s_axi_rready.val();
        self.r_id.d.next = self.r_id.q.val();
        self.r_data.d.next = self.r_data.q.val();
        self.r_resp.d.next = self.r_resp.q.val();
        self.r_last.d.next = self.r_last.q.val();
        if self.read_rsp_taken.val() {
            self.r_valid.d.next = true;
            self.r_id.d.next = bit_cast::<16, 8>(self.read_bursts.data_out[0].val())
                | (bit_cast::<16, 8>(self.read_bursts.data_out[1].val()) << 8);
            self.r_data.d.next = self.rsp_rdata.val();
            if self.dram_error.val() {
                self.r_data.d.next = bits::<128>(0);
            }
            self.r_last.d.next = self.read_rsp_last.val();
            if self.refused.val() {
                self.r_resp.d.next = bits::<2>(2);
            } else {
                self.r_resp.d.next = bits::<2>(0);
            }
            if self.read_rsp_last.val() {
                self.read_count.d.next = bits::<8>(0);
            } else {
                self.read_count.d.next = self.read_count.q.val() + 1;
            }
        }
        self.s_axi_bvalid.next = self.b_valid.q.val();
        self.s_axi_bid.next = self.b_id.q.val();
        self.s_axi_bresp.next = self.b_resp.q.val();
        self.s_axi_rvalid.next = self.r_valid.q.val();
        self.s_axi_rid.next = self.r_id.q.val();
        self.s_axi_rdata.next = self.r_data.q.val();
        self.s_axi_rresp.next = self.r_resp.q.val();
        self.s_axi_rlast.next = self.r_last.q.val();

        if self.reset.val() {
            self.write_user.d.next = bits::<17>(0);
            self.read_user.d.next = bits::<17>(0);
            self.last_error.d.next = false;
            self.prefer_write.d.next = false;
            self.write_count.d.next = bits::<8>(0);
            self.write_refused.d.next = false;
            self.read_count.d.next = bits::<8>(0);
            self.b_valid.d.next = false;
            self.b_id.d.next = bits::<16>(0);
            self.b_resp.d.next = bits::<2>(0);
            self.r_valid.d.next = false;
            self.r_id.d.next = bits::<16>(0);
            self.r_data.d.next = bits::<128>(0);
            self.r_resp.d.next = bits::<2>(0);
            self.r_last.d.next = false;
        }
    }
}
