//! `DirectDram`: a plain bridge from the engine's core port to DRAM, with the engine's port
//! names: the memory path of [`super::direct_soc::DirectSoc`], the baseline the engine's cost
//! is measured against. No encryption; the C-bit and ASID are ignored; a key command is taken
//! and answered `ok` a cycle later.
//!
//! One request at a time: a read reads its block; a write with all 16 strobes writes it; a
//! write with some strobes reads the block, merges its bytes and writes it back; a write
//! without strobes does nothing. Each request is answered (`core_rsp_valid`, status `ok`)
//! after its DRAM work, one cycle after the last DRAM handshake or the read data. Latency: a
//! read is DRAM latency + 3 cycles from request to response.

use rust_hdl::prelude::*;

/// See the module documentation; ports as the engine's (DESIGN.md).
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct DirectDram {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub core_req_valid: Signal<In, Bit>,
    pub core_req_ready: Signal<Out, Bit>,
    pub core_req_write: Signal<In, Bit>,
    pub core_req_addr: Signal<In, Bits<64>>,
    pub core_req_asid: Signal<In, Bits<16>>,
    pub core_req_encrypted: Signal<In, Bit>,
    pub core_req_wdata: Signal<In, Bits<128>>,
    pub core_req_wstrb: Signal<In, Bits<16>>,
    pub core_rsp_valid: Signal<Out, Bit>,
    pub core_rsp_ready: Signal<In, Bit>,
    pub core_rsp_rdata: Signal<Out, Bits<128>>,
    pub core_rsp_status: Signal<Out, Bits<2>>,
    pub key_cmd_valid: Signal<In, Bit>,
    pub key_cmd_ready: Signal<Out, Bit>,
    pub key_cmd_op: Signal<In, Bit>,
    pub key_cmd_asid: Signal<In, Bits<16>>,
    pub key_cmd_key1: Signal<In, Bits<256>>,
    pub key_cmd_key2: Signal<In, Bits<256>>,
    pub key_rsp_valid: Signal<Out, Bit>,
    pub key_rsp_status: Signal<Out, Bits<2>>,
    pub dram_req_valid: Signal<Out, Bit>,
    pub dram_req_ready: Signal<In, Bit>,
    pub dram_req_write: Signal<Out, Bit>,
    pub dram_req_addr: Signal<Out, Bits<64>>,
    pub dram_req_wdata: Signal<Out, Bits<128>>,
    pub dram_rsp_valid: Signal<In, Bit>,
    pub dram_rsp_ready: Signal<Out, Bit>,
    pub dram_rsp_rdata: Signal<In, Bits<128>>,
    /// 0 idle, 1 DRAM read offered, 2 waiting for read data, 3 DRAM write offered, 4 answering.
    state: DFF<Bits<3>>,
    write: DFF<Bit>,
    addr: DFF<Bits<64>>,
    data: DFF<Bits<128>>,
    mask: DFF<Bits<128>>,
    key_answer: DFF<Bit>,
    request_mask: Signal<Local, Bits<128>>,
    /// The bits of byte k.
    lane_masks: [Constant<Bits<128>>; 16],
}

impl Default for DirectDram {
    fn default() -> Self {
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
            core_req_wstrb: Default::default(),
            core_rsp_valid: Default::default(),
            core_rsp_ready: Default::default(),
            core_rsp_rdata: Default::default(),
            core_rsp_status: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            key_cmd_op: Default::default(),
            key_cmd_asid: Default::default(),
            key_cmd_key1: Default::default(),
            key_cmd_key2: Default::default(),
            key_rsp_valid: Default::default(),
            key_rsp_status: Default::default(),
            dram_req_valid: Default::default(),
            dram_req_ready: Default::default(),
            dram_req_write: Default::default(),
            dram_req_addr: Default::default(),
            dram_req_wdata: Default::default(),
            dram_rsp_valid: Default::default(),
            dram_rsp_ready: Default::default(),
            dram_rsp_rdata: Default::default(),
            state: Default::default(),
            write: Default::default(),
            addr: Default::default(),
            data: Default::default(),
            mask: Default::default(),
            key_answer: Default::default(),
            request_mask: Default::default(),
            lane_masks: core::array::from_fn(|k| Constant::new(Bits::<128>::from(num_bigint::BigUint::from(0xffu32) << (8 * k)))),
        }
    }
}

impl Logic for DirectDram {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, write, addr, data, mask, key_answer);
        self.request_mask.next = bits::<128>(0);
        for k in 0..16 {
            if self.core_req_wstrb.val().get_bit(k) {
                self.request_mask.next = self.request_mask.val() | self.lane_masks[k].val();
            }
        }
        self.core_req_ready.next = self.state.q.val() == 0;
        if (self.state.q.val() == 0) & self.core_req_valid.val() {
            self.write.d.next = self.core_req_write.val();
            self.addr.d.next = self.core_req_addr.val() & !bits::<64>(15);
            self.data.d.next = self.core_req_wdata.val();
            self.mask.d.next = self.request_mask.val();
            self.state.d.next = bits::<3>(1);
            if self.core_req_write.val() & (self.core_req_wstrb.val() == 0xffff) {
                self.state.d.next = bits::<3>(3);
            }
            if self.core_req_write.val() & (self.core_req_wstrb.val() == 0) {
                self.state.d.next = bits::<3>(4);
            }
        }
        self.dram_req_valid.next = (self.state.q.val() == 1) | (self.state.q.val() == 3);
        self.dram_req_write.next = self.state.q.val() == 3;
        self.dram_req_addr.next = self.addr.q.val();
        self.dram_req_wdata.next = self.data.q.val();
        self.dram_rsp_ready.next = self.state.q.val() == 2;
        if (self.state.q.val() == 1) & self.dram_req_ready.val() {
            self.state.d.next = bits::<3>(2);
        }
        if (self.state.q.val() == 2) & self.dram_rsp_valid.val() {
            self.state.d.next = bits::<3>(4);
            self.data.d.next = self.dram_rsp_rdata.val();
            if self.write.q.val() {
                self.state.d.next = bits::<3>(3);
                self.data.d.next = (self.dram_rsp_rdata.val() & !self.mask.q.val()) | (self.data.q.val() & self.mask.q.val());
            }
        }
        if (self.state.q.val() == 3) & self.dram_req_ready.val() {
            self.state.d.next = bits::<3>(4);
        }
        self.core_rsp_valid.next = self.state.q.val() == 4;
        self.core_rsp_rdata.next = bits::<128>(0);
        if !self.write.q.val() {
            self.core_rsp_rdata.next = self.data.q.val();
        }
        self.core_rsp_status.next = bits::<2>(0);
        if (self.state.q.val() == 4) & self.core_rsp_ready.val() {
            self.state.d.next = bits::<3>(0);
        }
        // Keys: taken at once, answered ok.
        self.key_cmd_ready.next = true;
        self.key_answer.d.next = self.key_cmd_valid.val();
        self.key_rsp_valid.next = self.key_answer.q.val();
        self.key_rsp_status.next = bits::<2>(0);
        if self.reset.val() {
            self.state.d.next = bits::<3>(0);
            self.write.d.next = false;
            self.addr.d.next = bits::<64>(0);
            self.data.d.next = bits::<128>(0);
            self.mask.d.next = bits::<128>(0);
            self.key_answer.d.next = false;
        }
    }
}
