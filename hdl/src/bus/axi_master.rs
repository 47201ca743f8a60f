//! `AxiMaster`: the DRAM side of the AXI4 top. It carries the engine's DRAM requests to an
//! `m_axi` master, one single-beat burst per request (`len` 0, `size` 4, INCR, ID 0, all
//! strobes), and the `r` beats back as the engine's in-order read data.
//!
//! A write request leaves when both its `aw` and its `w` beat have been taken (in one cycle or
//! in two, in either order); `bready` is always high. AXI4 does not order reads behind writes,
//! while the engine's DRAM port assumes a DRAM that handles requests in order: so a read
//! request waits until every write sent before it has its `b` response. Reads share one ID,
//! so AXI4 returns their data in request order.
//!
//! Timing: `aw*`, `w*`, `ar*` follow the engine's request in the same cycle (no register);
//! `dram_req_ready` follows `awready`, `wready` and `arready`; the `r` channel is wired
//! straight to the engine's read-data port. A synchronous `reset` clears the half-sent flags
//! and the count of writes awaiting `b`. DRAM error responses (`bresp`, `rresp` not OKAY)
//! are counted in `dram_errors`.

use rust_hdl::prelude::*;

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
    writes_pending: DFF<Bits<16>>,
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
        self.writes_pending.clock.next = self.clock.val();
        self.errors.clock.next = self.clock.val();
        self.writing.next = self.dram_req_valid.val() & self.dram_req_write.val() & !self.reset.val();
        self.reading.next = self.dram_req_valid.val() & !self.dram_req_write.val() & (self.writes_pending.q.val() == 0) & !self.reset.val();
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
        self.error_seen.next = (self.b_fire.val() & (self.m_axi_bresp.val() != 0))
            | (self.m_axi_rvalid.val() & self.dram_rsp_ready.val() & (self.m_axi_rresp.val() != 0));
        self.dram_errors.next = self.errors.q.val();

        self.aw_done.d.next = (self.aw_done.q.val() | self.aw_fire.val()) & !self.write_sent.val();
        self.w_done.d.next = (self.w_done.q.val() | self.w_fire.val()) & !self.write_sent.val();
        self.writes_pending.d.next = self.writes_pending.q.val();
        if self.write_sent.val() & !self.b_fire.val() {
            self.writes_pending.d.next = self.writes_pending.q.val() + 1;
        }
        if !self.write_sent.val() & self.b_fire.val() & (self.writes_pending.q.val() != 0) {
            self.writes_pending.d.next = self.writes_pending.q.val() - 1;
        }
        self.errors.d.next = self.errors.q.val();
        if self.error_seen.val() & (self.errors.q.val() != 0xffff) {
            self.errors.d.next = self.errors.q.val() + 1;
        }
        if self.reset.val() {
            self.aw_done.d.next = false;
            self.w_done.d.next = false;
            self.writes_pending.d.next = bits::<16>(0);
            self.errors.d.next = bits::<16>(0);
        }
    }
}
