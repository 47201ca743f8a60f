//! `AxiMaster`: the DRAM side of the AXI4 top. It carries the engine's DRAM requests to an
//! `m_axi` master, one single-beat burst per request (`len` 0, `size` 4, INCR, ID 0, all
//! strobes), and the `r` beats back as the engine's in-order read data.
//!
//! A write request leaves when both its `aw` and its `w` beat have been taken (in one cycle or
//! in two, in either order), and while fewer than [`PENDING_WRITES`] writes await their `b`
//! response; `bready` is always high. AXI4 does not order reads behind writes, while the
//! engine's DRAM port assumes a DRAM that handles requests in order: so the bridge keeps the
//! block addresses of the writes awaiting `b` (their `b` responses come in order, as they share
//! ID 0), and a read of one of those blocks waits until that write's `b` has come. Reads share
//! one ID, so AXI4 returns their data in request order.
//!
//! Timing: `aw*`, `w*`, `ar*` follow the engine's request in the same cycle (no register);
//! `dram_req_ready` follows `awready`, `wready` and `arready`; the `r` channel is wired
//! straight to the engine's read-data port. A synchronous `reset` clears the half-sent flags
//! and the count of writes awaiting `b`. DRAM error responses (`bresp`, `rresp` not OKAY)
//! are counted in `dram_errors`.

use rust_hdl::prelude::*;

/// Writes that may await their `b` response at once (the address table's entries; the update
/// function's loops are written for this value).
pub const PENDING_WRITES: usize = 8;

/// See the module documentation. `m_axi_*` ports as in DESIGN.md at their widest widths (ID 16
/// bits, address 64); `dram_*` are the engine's DRAM port.
#[derive(LogicBlock, Default)]
#[allow(missing_docs)]
pub struct AxiMaster {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub dram_req_valid: Signal<In, Bit>,
    pub dram_req_ready: Signal<Out, Bit>,
    pub dram_req_write: Signal<In, Bit>,
    pub dram_req_addr: Signal<In, Bits<64>>,
    pub dram_req_wdata: Signal<In, Bits<128>>,
    pub dram_rsp_valid: Signal<Out, Bit>,
    pub dram_rsp_ready: Signal<In, Bit>,
    pub dram_rsp_rdata: Signal<Out, Bits<128>>,
    pub m_axi_awid: Signal<Out, Bits<16>>,
    pub m_axi_awaddr: Signal<Out, Bits<64>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<128>>,
    pub m_axi_wstrb: Signal<Out, Bits<16>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bid: Signal<In, Bits<16>>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
    pub m_axi_arid: Signal<Out, Bits<16>>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rid: Signal<In, Bits<16>>,
    pub m_axi_rdata: Signal<In, Bits<128>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    /// DRAM error responses seen since reset (saturating).
    pub dram_errors: Signal<Out, Bits<16>>,
    aw_done: DFF<Bit>,
    w_done: DFF<Bit>,
    pending_addr: [DFF<Bits<64>>; PENDING_WRITES],
    pending_valid: [DFF<Bit>; PENDING_WRITES],
    pending_head: DFF<Bits<3>>,
    pending_tail: DFF<Bits<3>>,
    head_select: Signal<Local, Bits<8>>,
    tail_select: Signal<Local, Bits<8>>,
    read_blocked: Signal<Local, Bit>,
    head_valid: Signal<Local, Bit>,
    b_pop: Signal<Local, Bit>,
    table_full: Signal<Local, Bit>,
    errors: DFF<Bits<16>>,
    writing: Signal<Local, Bit>,
    reading: Signal<Local, Bit>,
    aw_fire: Signal<Local, Bit>,
    w_fire: Signal<Local, Bit>,
    write_sent: Signal<Local, Bit>,
    b_fire: Signal<Local, Bit>,
    error_seen: Signal<Local, Bit>,
}

impl Logic for AxiMaster {
    #[hdl_gen]
    fn update(&mut self) {
        self.aw_done.clock.next = self.clock.val();
        self.w_done.clock.next = self.clock.val();
        for k in 0..8 {
            self.pending_addr[k].clock.next = self.clock.val();
            self.pending_valid[k].clock.next = self.clock.val();
        }
        self.pending_head.clock.next = self.clock.val();
        self.pending_tail.clock.next = self.clock.val();
        // The table of writes awaiting `b`: a ring, filled at the tail, emptied at the head.
        self.head_select.next = bits::<8>(1) << self.pending_head.q.val();
        self.tail_select.next = bits::<8>(1) << self.pending_tail.q.val();
        self.read_blocked.next = false;
        self.table_full.next = true;
        self.head_valid.next = false;
        for k in 0..8 {
            if self.head_select.val().get_bit(k) & self.pending_valid[k].q.val() {
                self.head_valid.next = true;
            }
            if self.pending_valid[k].q.val() & (self.pending_addr[k].q.val() == self.dram_req_addr.val()) {
                self.read_blocked.next = true;
            }
            if !self.pending_valid[k].q.val() {
                self.table_full.next = false;
            }
        }
        self.errors.clock.next = self.clock.val();
        self.writing.next = self.dram_req_valid.val() & self.dram_req_write.val() & !self.table_full.val() & !self.reset.val();
        self.reading.next = self.dram_req_valid.val() & !self.dram_req_write.val() & !self.read_blocked.val() & !self.reset.val();
        self.m_axi_awid.next = bits::<16>(0);
        self.m_axi_awaddr.next = self.dram_req_addr.val();
        self.m_axi_awlen.next = bits::<8>(0);
        self.m_axi_awsize.next = bits::<3>(4);
        self.m_axi_awburst.next = bits::<2>(1);
        self.m_axi_awvalid.next = self.writing.val() & !self.aw_done.q.val();
        self.m_axi_wdata.next = self.dram_req_wdata.val();
        self.m_axi_wstrb.next = bits::<16>(0xffff);
        self.m_axi_wlast.next = true;
        self.m_axi_wvalid.next = self.writing.val() & !self.w_done.q.val();
        self.m_axi_bready.next = true;
        self.m_axi_arid.next = bits::<16>(0);
        self.m_axi_araddr.next = self.dram_req_addr.val();
        self.m_axi_arlen.next = bits::<8>(0);
        self.m_axi_arsize.next = bits::<3>(4);
        self.m_axi_arburst.next = bits::<2>(1);
        self.m_axi_arvalid.next = self.reading.val();
        self.aw_fire.next = self.m_axi_awvalid.val() & self.m_axi_awready.val();
        self.w_fire.next = self.m_axi_wvalid.val() & self.m_axi_wready.val();
        self.write_sent.next = self.writing.val() & (self.aw_done.q.val() | self.aw_fire.val()) & (self.w_done.q.val() | self.w_fire.val());
        if self.dram_req_write.val() {
            self.dram_req_ready.next = self.write_sent.val();
        } else {
            self.dram_req_ready.next = self.reading.val() & self.m_axi_arready.val();
        }
        self.dram_rsp_valid.next = self.m_axi_rvalid.val();
        self.dram_rsp_rdata.next = self.m_axi_rdata.val();
        self.m_axi_rready.next = self.dram_rsp_ready.val();
        self.b_fire.next = self.m_axi_bvalid.val() & !self.reset.val();
        self.b_pop.next = self.b_fire.val() & self.head_valid.val();
        self.error_seen.next = (self.b_fire.val() & (self.m_axi_bresp.val() != 0))
            | (self.m_axi_rvalid.val() & self.dram_rsp_ready.val() & (self.m_axi_rresp.val() != 0));
        self.dram_errors.next = self.errors.q.val();

        self.aw_done.d.next = (self.aw_done.q.val() | self.aw_fire.val()) & !self.write_sent.val();
        self.w_done.d.next = (self.w_done.q.val() | self.w_fire.val()) & !self.write_sent.val();
        self.pending_head.d.next = self.pending_head.q.val();
        self.pending_tail.d.next = self.pending_tail.q.val();
        for k in 0..8 {
            self.pending_addr[k].d.next = self.pending_addr[k].q.val();
            self.pending_valid[k].d.next = self.pending_valid[k].q.val();
            if self.b_pop.val() & self.head_select.val().get_bit(k) {
                self.pending_valid[k].d.next = false;
            }
            if self.write_sent.val() & self.tail_select.val().get_bit(k) {
                self.pending_valid[k].d.next = true;
                self.pending_addr[k].d.next = self.dram_req_addr.val();
            }
            if self.reset.val() {
                self.pending_valid[k].d.next = false;
                self.pending_addr[k].d.next = bits::<64>(0);
            }
        }
        if self.b_pop.val() {
            self.pending_head.d.next = self.pending_head.q.val() + 1;
        }
        if self.write_sent.val() {
            self.pending_tail.d.next = self.pending_tail.q.val() + 1;
        }
        self.errors.d.next = self.errors.q.val();
        if self.error_seen.val() & (self.errors.q.val() != 0xffff) {
            self.errors.d.next = self.errors.q.val() + 1;
        }
        if self.reset.val() {
            self.aw_done.d.next = false;
            self.w_done.d.next = false;
            self.pending_head.d.next = bits::<3>(0);
            self.pending_tail.d.next = bits::<3>(0);
            self.errors.d.next = bits::<16>(0);
        }
    }
}
