//! `BlockRamDram`: the self-test's DRAM, 256 blocks of 16 bytes in block RAM behind the
//! engine's DRAM port. It decodes address bits 11:4 (a 4 KiB window that repeats); the
//! self-test program places its blocks so that no two share a slot
//! ([`super::program::SelfTestProgram::check`]).
//!
//! Timing: a request is taken at an edge where `req_valid` and `req_ready` are high. A write
//! lands at that edge. A read's data is offered (`rsp_valid`) from the next cycle until
//! `rsp_ready`; meanwhile `req_ready` is low, so requests are handled in order, one read at a
//! time. Latency: one cycle from a read's request to its data.

use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct BlockRamDram {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_write: Signal<In, Bit>,
    pub req_addr: Signal<In, Bits<64>>,
    pub req_wdata: Signal<In, Bits<128>>,
    pub rsp_valid: Signal<Out, Bit>,
    pub rsp_ready: Signal<In, Bit>,
    pub rsp_rdata: Signal<Out, Bits<128>>,
    memory: RAM<Bits<128>, 8>,
    /// A read's data is being offered.
    pending: DFF<Bit>,
    /// The slot of the last read (the memory's read address while its data is offered).
    read_slot: DFF<Bits<8>>,
    take: Signal<Local, Bit>,
}

impl Default for BlockRamDram {
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
            memory: RAM::new(Default::default()),
            pending: Default::default(),
            read_slot: Default::default(),
            take: Default::default(),
        }
    }
}

impl Logic for BlockRamDram {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, pending, read_slot);
        self.memory.read_clock.next = self.clock.val();
        self.memory.write_clock.next = self.clock.val();
        self.req_ready.next = !self.pending.q.val() | self.rsp_ready.val();
        self.take.next = self.req_valid.val() & (!self.pending.q.val() | self.rsp_ready.val());
        self.rsp_valid.next = self.pending.q.val();
        self.rsp_rdata.next = self.memory.read_data.val();
        self.memory.write_address.next = self.req_addr.val().get_bits::<8>(4);
        self.memory.write_data.next = self.req_wdata.val();
        self.memory.write_enable.next = self.take.val() & self.req_write.val();
        self.memory.read_address.next = self.read_slot.q.val();
        if self.pending.q.val() & self.rsp_ready.val() {
            self.pending.d.next = false;
        }
        if self.take.val() & !self.req_write.val() {
            self.pending.d.next = true;
            self.read_slot.d.next = self.req_addr.val().get_bits::<8>(4);
            self.memory.read_address.next = self.req_addr.val().get_bits::<8>(4);
        }
        if self.reset.val() {
            self.pending.d.next = false;
            self.read_slot.d.next = bits::<8>(0);
        }
    }
}
