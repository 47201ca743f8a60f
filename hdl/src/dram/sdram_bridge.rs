//! `SdramBridge`: the engine's DRAM port (one 128-bit block per request) on rust-hdl's SDRAM
//! burst controller (`SDRAMBurstController` of rust-hdl-widgets, 16-bit words, bursts of 8),
//! so that a block is one burst of the SDRAM.
//!
//! Block address `a` (bytes) is word address `a / 2`. One request at a time: a write is taken
//! when the controller is idle and its eight words handed over on the controller's
//! `data_strobe`; a read is taken likewise, its eight words gathered on `data_valid` (word 0
//! into bits 15:0), then offered on `rsp_valid` until `rsp_ready`. Requests are therefore
//! handled in order; writes are posted.
//!
//! Timing: `req_ready` is high while no request is in progress and the controller is not
//! busy (it also refreshes); the command strobe goes out in the cycle a request is taken.
//! A read's data is offered the cycle after its eighth word.

use rust_hdl::prelude::*;

const IDLE: u64 = 0;
const WRITING: u64 = 1;
const READING: u64 = 2;
const ANSWERING: u64 = 3;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct SdramBridge {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // The engine's side.
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_write: Signal<In, Bit>,
    pub req_addr: Signal<In, Bits<64>>,
    pub req_wdata: Signal<In, Bits<128>>,
    pub rsp_valid: Signal<Out, Bit>,
    pub rsp_ready: Signal<In, Bit>,
    pub rsp_rdata: Signal<Out, Bits<128>>,
    // The controller's side.
    pub cmd_strobe: Signal<Out, Bit>,
    pub write_not_read: Signal<Out, Bit>,
    pub cmd_address: Signal<Out, Bits<32>>,
    pub busy: Signal<In, Bit>,
    pub data_in: Signal<Out, Bits<16>>,
    pub data_strobe: Signal<In, Bit>,
    pub data_out: Signal<In, Bits<16>>,
    pub data_valid: Signal<In, Bit>,
    state: DFF<Bits<2>>,
    block: DFF<Bits<128>>,
    words: DFF<Bits<3>>,
    take: Signal<Local, Bit>,
    s_idle: Constant<Bits<2>>,
    s_writing: Constant<Bits<2>>,
    s_reading: Constant<Bits<2>>,
    s_answering: Constant<Bits<2>>,
}

impl Default for SdramBridge {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_wdata: Default::default(),
            rsp_valid: Default::default(),
            rsp_ready: Default::default(),
            rsp_rdata: Default::default(),
            cmd_strobe: Default::default(),
            write_not_read: Default::default(),
            cmd_address: Default::default(),
            busy: Default::default(),
            data_in: Default::default(),
            data_strobe: Default::default(),
            data_out: Default::default(),
            data_valid: Default::default(),
            state: Default::default(),
            block: Default::default(),
            words: Default::default(),
            take: Default::default(),
            s_idle: Constant::new(IDLE.into()),
            s_writing: Constant::new(WRITING.into()),
            s_reading: Constant::new(READING.into()),
            s_answering: Constant::new(ANSWERING.into()),
        }
    }
}

impl Logic for SdramBridge {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, block, words);
        self.req_ready.next = (self.state.q.val() == self.s_idle.val()) & !self.busy.val();
        self.take.next = self.req_valid.val() & self.req_ready.val();
        self.cmd_strobe.next = self.take.val();
        self.write_not_read.next = self.req_write.val();
        self.cmd_address.next = self.req_addr.val().get_bits::<32>(1);
        self.data_in.next = self.block.q.val().get_bits::<16>(0);
        self.rsp_valid.next = self.state.q.val() == self.s_answering.val();
        self.rsp_rdata.next = self.block.q.val();
        if self.take.val() {
            self.block.d.next = self.req_wdata.val();
            self.words.d.next = bits::<3>(0);
            self.state.d.next = self.s_reading.val();
            if self.req_write.val() {
                self.state.d.next = self.s_writing.val();
            }
        }
        if (self.state.q.val() == self.s_writing.val()) & self.data_strobe.val() {
            self.block.d.next = self.block.q.val() >> 16;
            self.words.d.next = self.words.q.val() + 1;
            if self.words.q.val() == 7 {
                self.state.d.next = self.s_idle.val();
            }
        }
        if (self.state.q.val() == self.s_reading.val()) & self.data_valid.val() {
            self.block.d.next = (self.block.q.val() >> 16) | (bit_cast::<128, 16>(self.data_out.val()) << 112);
            self.words.d.next = self.words.q.val() + 1;
            if self.words.q.val() == 7 {
                self.state.d.next = self.s_answering.val();
            }
        }
        if (self.state.q.val() == self.s_answering.val()) & self.rsp_ready.val() {
            self.state.d.next = self.s_idle.val();
        }
        if self.reset.val() {
            self.state.d.next = self.s_idle.val();
            self.block.d.next = bits::<128>(0);
            self.words.d.next = bits::<3>(0);
        }
    }
}
