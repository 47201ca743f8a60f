//! `AxiEngine`: the engine with AMBA AXI4 ports (DESIGN.md, "Standard bus tops: AXI4"): the
//! native [`Engine`] with an [`AxiSlave`] on its core port, an [`AxiMaster`] on its DRAM port
//! and an [`AxiLiteKeyPort`] on its key port. The AXI layer is wiring and these three blocks;
//! the engine inside is the one the native top exports.
//!
//! `aclk` clocks everything; `aresetn` is active low and synchronous (the engine's `reset` is
//! its inverse). Ports are at their widest widths here (IDs 16 bits, addresses 64, user 17:
//! bit 0 the C-bit, bits 16..1 the ASID); `mee export` wraps the generated module in one with
//! the config's widths. Latency: one cycle more than the native engine on the request side
//! (the beat's address register) and one on the response side (the `r`/`b` registers); the
//! DRAM side adds none, but a DRAM read waits for the `b` responses of the writes before it.
//!
//! With `[pipeline] registered_ports` (the engine inside then has its registered boundary) the
//! six request channels of `s_axi` and `s_axil` pass a [`SkidBuffer`] each, whose readies are
//! registers: their readies otherwise depend on the same cycle's inputs. Every other output
//! already comes from registers, so no path runs from an input port to an output port. The
//! buffers add one cycle on the request side, one entry per cycle.

use super::axi_lite_key_port::AxiLiteKeyPort;
use super::axi_master::AxiMaster;
use super::axi_slave::AxiSlave;
use crate::primitives::skid_buffer::SkidBuffer;
use crate::engine::engine_top::Engine;
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;

/// See the module documentation; port meanings as in DESIGN.md.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct AxiEngine {
    pub aclk: Signal<In, Clock>,
    pub aresetn: Signal<In, Bit>,
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
    pub s_axil_awaddr: Signal<In, Bits<8>>,
    pub s_axil_awvalid: Signal<In, Bit>,
    pub s_axil_awready: Signal<Out, Bit>,
    pub s_axil_wdata: Signal<In, Bits<32>>,
    pub s_axil_wstrb: Signal<In, Bits<4>>,
    pub s_axil_wvalid: Signal<In, Bit>,
    pub s_axil_wready: Signal<Out, Bit>,
    pub s_axil_bresp: Signal<Out, Bits<2>>,
    pub s_axil_bvalid: Signal<Out, Bit>,
    pub s_axil_bready: Signal<In, Bit>,
    pub s_axil_araddr: Signal<In, Bits<8>>,
    pub s_axil_arvalid: Signal<In, Bit>,
    pub s_axil_arready: Signal<Out, Bit>,
    pub s_axil_rdata: Signal<Out, Bits<32>>,
    pub s_axil_rresp: Signal<Out, Bits<2>>,
    pub s_axil_rvalid: Signal<Out, Bit>,
    pub s_axil_rready: Signal<In, Bit>,
    /// The core-side bridge.
    pub slave: AxiSlave,
    /// The native engine.
    pub engine: Engine,
    /// The DRAM-side bridge.
    pub dram: AxiMaster,
    /// The key port.
    pub keys: AxiLiteKeyPort,
    // With `registered_ports`, one skid buffer on each channel whose ready would otherwise
    // depend on this cycle's inputs; all six vectors hold one buffer, or none.
    s_aw: Vec<SkidBuffer<110>>,
    s_w: Vec<SkidBuffer<145>>,
    s_ar: Vec<SkidBuffer<110>>,
    l_aw: Vec<SkidBuffer<8>>,
    l_w: Vec<SkidBuffer<36>>,
    l_ar: Vec<SkidBuffer<8>>,
    registered: Constant<Bit>,
    reset: Signal<Local, Bit>,
}

/// One buffer with `registered_ports`, else none.
fn boundary<const N: usize>(config: &EngineConfig) -> Vec<SkidBuffer<N>> {
    (0..usize::from(config.pipeline.registered_ports)).map(|_| SkidBuffer::default()).collect()
}

impl AxiEngine {
    /// The AXI4 top for a validated config. Each burst queue of the slave holds as many
    /// bursts as the engine holds requests (`pipeline.response_queue_depth`); its queue of DRAM
    /// read errors as many reads as can be between DRAM and the core port.
    pub fn new(config: &EngineConfig) -> Self {
        Self {
            aclk: Default::default(),
            aresetn: Default::default(),
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
            m_axi_awid: Default::default(),
            m_axi_awaddr: Default::default(),
            m_axi_awlen: Default::default(),
            m_axi_awsize: Default::default(),
            m_axi_awburst: Default::default(),
            m_axi_awvalid: Default::default(),
            m_axi_awready: Default::default(),
            m_axi_wdata: Default::default(),
            m_axi_wstrb: Default::default(),
            m_axi_wlast: Default::default(),
            m_axi_wvalid: Default::default(),
            m_axi_wready: Default::default(),
            m_axi_bid: Default::default(),
            m_axi_bresp: Default::default(),
            m_axi_bvalid: Default::default(),
            m_axi_bready: Default::default(),
            m_axi_arid: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arsize: Default::default(),
            m_axi_arburst: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rid: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rlast: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            s_axil_awaddr: Default::default(),
            s_axil_awvalid: Default::default(),
            s_axil_awready: Default::default(),
            s_axil_wdata: Default::default(),
            s_axil_wstrb: Default::default(),
            s_axil_wvalid: Default::default(),
            s_axil_wready: Default::default(),
            s_axil_bresp: Default::default(),
            s_axil_bvalid: Default::default(),
            s_axil_bready: Default::default(),
            s_axil_araddr: Default::default(),
            s_axil_arvalid: Default::default(),
            s_axil_arready: Default::default(),
            s_axil_rdata: Default::default(),
            s_axil_rresp: Default::default(),
            s_axil_rvalid: Default::default(),
            s_axil_rready: Default::default(),
            slave: AxiSlave::new(
                config.pipeline.response_queue_depth as usize,
                (config.pipeline.read_queue_depth + config.pipeline.response_queue_depth) as usize + config.partial_write_depth() + 4,
            ),
            engine: Engine::new(config),
            dram: Default::default(),
            keys: Default::default(),
            s_aw: boundary(config),
            s_w: boundary(config),
            s_ar: boundary(config),
            l_aw: boundary(config),
            l_w: boundary(config),
            l_ar: boundary(config),
            registered: Constant::new(config.pipeline.registered_ports),
            reset: Default::default(),
        }
    }
}

impl Logic for AxiEngine {
    #[hdl_gen]
    fn update(&mut self) {
        self.reset.next = !self.aresetn.val();
        self.slave.clock.next = self.aclk.val();
        self.engine.clock.next = self.aclk.val();
        self.dram.clock.next = self.aclk.val();
        self.keys.clock.next = self.aclk.val();
        self.slave.reset.next = self.reset.val();
        self.engine.reset.next = self.reset.val();
        self.dram.reset.next = self.reset.val();
        self.keys.reset.next = self.reset.val();
        self.s_axi_bid.next = self.slave.s_axi_bid.val();
        self.s_axi_bresp.next = self.slave.s_axi_bresp.val();
        self.s_axi_bvalid.next = self.slave.s_axi_bvalid.val();
        self.slave.s_axi_bready.next = self.s_axi_bready.val();
        self.s_axi_rid.next = self.slave.s_axi_rid.val();
        self.s_axi_rdata.next = self.slave.s_axi_rdata.val();
        self.s_axi_rresp.next = self.slave.s_axi_rresp.val();
        self.s_axi_rlast.next = self.slave.s_axi_rlast.val();
        self.s_axi_rvalid.next = self.slave.s_axi_rvalid.val();
        self.slave.s_axi_rready.next = self.s_axi_rready.val();
        self.m_axi_awid.next = self.dram.m_axi_awid.val();
        self.m_axi_awaddr.next = self.dram.m_axi_awaddr.val();
        self.m_axi_awlen.next = self.dram.m_axi_awlen.val();
        self.m_axi_awsize.next = self.dram.m_axi_awsize.val();
        self.m_axi_awburst.next = self.dram.m_axi_awburst.val();
        self.m_axi_awvalid.next = self.dram.m_axi_awvalid.val();
        self.dram.m_axi_awready.next = self.m_axi_awready.val();
        self.m_axi_wdata.next = self.dram.m_axi_wdata.val();
        self.m_axi_wstrb.next = self.dram.m_axi_wstrb.val();
        self.m_axi_wlast.next = self.dram.m_axi_wlast.val();
        self.m_axi_wvalid.next = self.dram.m_axi_wvalid.val();
        self.dram.m_axi_wready.next = self.m_axi_wready.val();
        self.dram.m_axi_bid.next = self.m_axi_bid.val();
        self.dram.m_axi_bresp.next = self.m_axi_bresp.val();
        self.dram.m_axi_bvalid.next = self.m_axi_bvalid.val();
        self.m_axi_bready.next = self.dram.m_axi_bready.val();
        self.m_axi_arid.next = self.dram.m_axi_arid.val();
        self.m_axi_araddr.next = self.dram.m_axi_araddr.val();
        self.m_axi_arlen.next = self.dram.m_axi_arlen.val();
        self.m_axi_arsize.next = self.dram.m_axi_arsize.val();
        self.m_axi_arburst.next = self.dram.m_axi_arburst.val();
        self.m_axi_arvalid.next = self.dram.m_axi_arvalid.val();
        self.dram.m_axi_arready.next = self.m_axi_arready.val();
        self.dram.m_axi_rid.next = self.m_axi_rid.val();
        self.dram.m_axi_rdata.next = self.m_axi_rdata.val();
        self.dram.m_axi_rresp.next = self.m_axi_rresp.val();
        self.dram.m_axi_rlast.next = self.m_axi_rlast.val();
        self.dram.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.dram.m_axi_rready.val();
        self.s_axil_bresp.next = self.keys.s_axil_bresp.val();
        self.s_axil_bvalid.next = self.keys.s_axil_bvalid.val();
        self.keys.s_axil_bready.next = self.s_axil_bready.val();
        self.s_axil_rdata.next = self.keys.s_axil_rdata.val();
        self.s_axil_rresp.next = self.keys.s_axil_rresp.val();
        self.s_axil_rvalid.next = self.keys.s_axil_rvalid.val();
        self.keys.s_axil_rready.next = self.s_axil_rready.val();
        // The core port.
        self.engine.core_req_valid.next = self.slave.req_valid.val();
        self.slave.req_ready.next = self.engine.core_req_ready.val();
        self.engine.core_req_write.next = self.slave.req_write.val();
        self.engine.core_req_addr.next = self.slave.req_addr.val();
        self.engine.core_req_asid.next = self.slave.req_asid.val();
        self.engine.core_req_encrypted.next = self.slave.req_encrypted.val();
        self.engine.core_req_wdata.next = self.slave.req_wdata.val();
        self.engine.core_req_wstrb.next = self.slave.req_wstrb.val();
        self.slave.rsp_valid.next = self.engine.core_rsp_valid.val();
        self.engine.core_rsp_ready.next = self.slave.rsp_ready.val();
        self.slave.rsp_write.next = self.engine.core_rsp_write.val();
        self.slave.rsp_rdata.next = self.engine.core_rsp_rdata.val();
        self.slave.rsp_status.next = self.engine.core_rsp_status.val();
        self.slave.rsp_answer.next = self.engine.core_rsp_answer.val();
        self.slave.rsp_follow.next = self.engine.core_rsp_follow.val();
        self.slave.dram_read_fire.next = self.m_axi_rvalid.val() & self.dram.m_axi_rready.val();
        self.slave.dram_read_error.next = self.m_axi_rresp.val() != 0;
        // The DRAM port.
        self.dram.dram_req_valid.next = self.engine.dram_req_valid.val();
        self.engine.dram_req_ready.next = self.dram.dram_req_ready.val();
        self.dram.dram_req_write.next = self.engine.dram_req_write.val();
        self.dram.dram_req_addr.next = self.engine.dram_req_addr.val();
        self.dram.dram_req_wdata.next = self.engine.dram_req_wdata.val();
        self.engine.dram_rsp_valid.next = self.dram.dram_rsp_valid.val();
        self.dram.dram_rsp_ready.next = self.engine.dram_rsp_ready.val();
        self.engine.dram_rsp_rdata.next = self.dram.dram_rsp_rdata.val();
        // The key port.
        self.engine.key_cmd_valid.next = self.keys.key_cmd_valid.val();
        self.keys.key_cmd_ready.next = self.engine.key_cmd_ready.val();
        self.engine.key_cmd_op.next = self.keys.key_cmd_op.val();
        self.engine.key_cmd_asid.next = self.keys.key_cmd_asid.val();
        self.engine.key_cmd_key1.next = self.keys.key_cmd_key1.val();
        self.engine.key_cmd_key2.next = self.keys.key_cmd_key2.val();
        self.keys.key_rsp_valid.next = self.engine.key_rsp_valid.val();
        self.keys.key_rsp_status.next = self.engine.key_rsp_status.val();
        self.keys.dram_errors.next = self.dram.dram_errors.val();

        // The six request channels of `s_axi` and `s_axil`: through their skid buffers with
        // registered ports, else straight (each signal assigned on one path only). Payloads
        // are packed low field first (address: ID, address, len, size, burst, user; data:
        // data, strobes, last).
        if self.registered.val() {
            for u in 0..self.s_aw.len() {
                self.s_aw[u].clock.next = self.aclk.val();
                self.s_w[u].clock.next = self.aclk.val();
                self.s_ar[u].clock.next = self.aclk.val();
                self.l_aw[u].clock.next = self.aclk.val();
                self.l_w[u].clock.next = self.aclk.val();
                self.l_ar[u].clock.next = self.aclk.val();
                self.s_aw[u].reset.next = self.reset.val();
                self.s_w[u].reset.next = self.reset.val();
                self.s_ar[u].reset.next = self.reset.val();
                self.l_aw[u].reset.next = self.reset.val();
                self.l_w[u].reset.next = self.reset.val();
                self.l_ar[u].reset.next = self.reset.val();
                // s_axi write address.
                self.s_aw[u].in_valid.next = self.s_axi_awvalid.val();
                self.s_axi_awready.next = self.s_aw[u].in_ready.val();
                self.s_aw[u].in_data.next = bit_cast::<110, 16>(self.s_axi_awid.val())
                    | (bit_cast::<110, 64>(self.s_axi_awaddr.val()) << 16)
                    | (bit_cast::<110, 8>(self.s_axi_awlen.val()) << 80)
                    | (bit_cast::<110, 3>(self.s_axi_awsize.val()) << 88)
                    | (bit_cast::<110, 2>(self.s_axi_awburst.val()) << 91)
                    | (bit_cast::<110, 17>(self.s_axi_awuser.val()) << 93);
                self.slave.s_axi_awvalid.next = self.s_aw[u].out_valid.val();
                self.s_aw[u].out_ready.next = self.slave.s_axi_awready.val();
                self.slave.s_axi_awid.next = self.s_aw[u].out_data.val().get_bits::<16>(0);
                self.slave.s_axi_awaddr.next = self.s_aw[u].out_data.val().get_bits::<64>(16);
                self.slave.s_axi_awlen.next = self.s_aw[u].out_data.val().get_bits::<8>(80);
                self.slave.s_axi_awsize.next = self.s_aw[u].out_data.val().get_bits::<3>(88);
                self.slave.s_axi_awburst.next = self.s_aw[u].out_data.val().get_bits::<2>(91);
                self.slave.s_axi_awuser.next = self.s_aw[u].out_data.val().get_bits::<17>(93);
                // s_axi write data.
                self.s_w[u].in_valid.next = self.s_axi_wvalid.val();
                self.s_axi_wready.next = self.s_w[u].in_ready.val();
                self.s_w[u].in_data.next = bit_cast::<145, 128>(self.s_axi_wdata.val()) | (bit_cast::<145, 16>(self.s_axi_wstrb.val()) << 128);
                if self.s_axi_wlast.val() {
                    self.s_w[u].in_data.next = bit_cast::<145, 128>(self.s_axi_wdata.val())
                        | (bit_cast::<145, 16>(self.s_axi_wstrb.val()) << 128)
                        | (bits::<145>(1) << 144);
                }
                self.slave.s_axi_wvalid.next = self.s_w[u].out_valid.val();
                self.s_w[u].out_ready.next = self.slave.s_axi_wready.val();
                self.slave.s_axi_wdata.next = self.s_w[u].out_data.val().get_bits::<128>(0);
                self.slave.s_axi_wstrb.next = self.s_w[u].out_data.val().get_bits::<16>(128);
                self.slave.s_axi_wlast.next = self.s_w[u].out_data.val().get_bit(144);
                // s_axi read address.
                self.s_ar[u].in_valid.next = self.s_axi_arvalid.val();
                self.s_axi_arready.next = self.s_ar[u].in_ready.val();
                self.s_ar[u].in_data.next = bit_cast::<110, 16>(self.s_axi_arid.val())
                    | (bit_cast::<110, 64>(self.s_axi_araddr.val()) << 16)
                    | (bit_cast::<110, 8>(self.s_axi_arlen.val()) << 80)
                    | (bit_cast::<110, 3>(self.s_axi_arsize.val()) << 88)
                    | (bit_cast::<110, 2>(self.s_axi_arburst.val()) << 91)
                    | (bit_cast::<110, 17>(self.s_axi_aruser.val()) << 93);
                self.slave.s_axi_arvalid.next = self.s_ar[u].out_valid.val();
                self.s_ar[u].out_ready.next = self.slave.s_axi_arready.val();
                self.slave.s_axi_arid.next = self.s_ar[u].out_data.val().get_bits::<16>(0);
                self.slave.s_axi_araddr.next = self.s_ar[u].out_data.val().get_bits::<64>(16);
                self.slave.s_axi_arlen.next = self.s_ar[u].out_data.val().get_bits::<8>(80);
                self.slave.s_axi_arsize.next = self.s_ar[u].out_data.val().get_bits::<3>(88);
                self.slave.s_axi_arburst.next = self.s_ar[u].out_data.val().get_bits::<2>(91);
                self.slave.s_axi_aruser.next = self.s_ar[u].out_data.val().get_bits::<17>(93);
                // s_axil write address, write data and read address.
                self.l_aw[u].in_valid.next = self.s_axil_awvalid.val();
                self.s_axil_awready.next = self.l_aw[u].in_ready.val();
                self.l_aw[u].in_data.next = self.s_axil_awaddr.val();
                self.keys.s_axil_awvalid.next = self.l_aw[u].out_valid.val();
                self.l_aw[u].out_ready.next = self.keys.s_axil_awready.val();
                self.keys.s_axil_awaddr.next = self.l_aw[u].out_data.val();
                self.l_w[u].in_valid.next = self.s_axil_wvalid.val();
                self.s_axil_wready.next = self.l_w[u].in_ready.val();
                self.l_w[u].in_data.next = bit_cast::<36, 32>(self.s_axil_wdata.val()) | (bit_cast::<36, 4>(self.s_axil_wstrb.val()) << 32);
                self.keys.s_axil_wvalid.next = self.l_w[u].out_valid.val();
                self.l_w[u].out_ready.next = self.keys.s_axil_wready.val();
                self.keys.s_axil_wdata.next = self.l_w[u].out_data.val().get_bits::<32>(0);
                self.keys.s_axil_wstrb.next = self.l_w[u].out_data.val().get_bits::<4>(32);
                self.l_ar[u].in_valid.next = self.s_axil_arvalid.val();
                self.s_axil_arready.next = self.l_ar[u].in_ready.val();
                self.l_ar[u].in_data.next = self.s_axil_araddr.val();
                self.keys.s_axil_arvalid.next = self.l_ar[u].out_valid.val();
                self.l_ar[u].out_ready.next = self.keys.s_axil_arready.val();
                self.keys.s_axil_araddr.next = self.l_ar[u].out_data.val();
            }
        } else {
            self.slave.s_axi_awid.next = self.s_axi_awid.val();
            self.slave.s_axi_awaddr.next = self.s_axi_awaddr.val();
            self.slave.s_axi_awlen.next = self.s_axi_awlen.val();
            self.slave.s_axi_awsize.next = self.s_axi_awsize.val();
            self.slave.s_axi_awburst.next = self.s_axi_awburst.val();
            self.slave.s_axi_awuser.next = self.s_axi_awuser.val();
            self.slave.s_axi_awvalid.next = self.s_axi_awvalid.val();
            self.s_axi_awready.next = self.slave.s_axi_awready.val();
            self.slave.s_axi_wdata.next = self.s_axi_wdata.val();
            self.slave.s_axi_wstrb.next = self.s_axi_wstrb.val();
            self.slave.s_axi_wlast.next = self.s_axi_wlast.val();
            self.slave.s_axi_wvalid.next = self.s_axi_wvalid.val();
            self.s_axi_wready.next = self.slave.s_axi_wready.val();
            self.slave.s_axi_arid.next = self.s_axi_arid.val();
            self.slave.s_axi_araddr.next = self.s_axi_araddr.val();
            self.slave.s_axi_arlen.next = self.s_axi_arlen.val();
            self.slave.s_axi_arsize.next = self.s_axi_arsize.val();
            self.slave.s_axi_arburst.next = self.s_axi_arburst.val();
            self.slave.s_axi_aruser.next = self.s_axi_aruser.val();
            self.slave.s_axi_arvalid.next = self.s_axi_arvalid.val();
            self.s_axi_arready.next = self.slave.s_axi_arready.val();
            self.keys.s_axil_awaddr.next = self.s_axil_awaddr.val();
            self.keys.s_axil_awvalid.next = self.s_axil_awvalid.val();
            self.s_axil_awready.next = self.keys.s_axil_awready.val();
            self.keys.s_axil_wdata.next = self.s_axil_wdata.val();
            self.keys.s_axil_wstrb.next = self.s_axil_wstrb.val();
            self.keys.s_axil_wvalid.next = self.s_axil_wvalid.val();
            self.s_axil_wready.next = self.keys.s_axil_wready.val();
            self.keys.s_axil_araddr.next = self.s_axil_araddr.val();
            self.keys.s_axil_arvalid.next = self.s_axil_arvalid.val();
            self.s_axil_arready.next = self.keys.s_axil_arready.val();
        }
    }
}
