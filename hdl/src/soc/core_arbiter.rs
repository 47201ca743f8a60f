//! `CoreArbiter`: two masters (`a`, the cpu; `b`, the sp's window) in front of the engine's
//! core port, each with at most one request in flight and always ready for its response.
//!
//! While no request is in flight the arbiter passes `a`'s request if it offers one, else
//! `b`'s, in the same cycle (`a` first: the sp uses the window only while the cpu is held in
//! reset). Once the engine takes a request, the arbiter passes nothing more until the engine's
//! response, which goes to the master that asked. The engine's `rsp_ready` is tied high.
//! Latency 0; one request in flight at a time.

use rust_hdl::prelude::*;

/// See the module documentation. `a_*`/`b_*` are the masters' ports, `req_*`/`rsp_*` the
/// engine's core port.
#[derive(LogicBlock, Default)]
#[allow(missing_docs)]
pub struct CoreArbiter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub a_valid: Signal<In, Bit>,
    pub a_ready: Signal<Out, Bit>,
    pub a_write: Signal<In, Bit>,
    pub a_addr: Signal<In, Bits<64>>,
    pub a_asid: Signal<In, Bits<16>>,
    pub a_encrypted: Signal<In, Bit>,
    pub a_wdata: Signal<In, Bits<128>>,
    pub a_wstrb: Signal<In, Bits<16>>,
    pub a_rsp_valid: Signal<Out, Bit>,
    pub b_valid: Signal<In, Bit>,
    pub b_ready: Signal<Out, Bit>,
    pub b_write: Signal<In, Bit>,
    pub b_addr: Signal<In, Bits<64>>,
    pub b_asid: Signal<In, Bits<16>>,
    pub b_encrypted: Signal<In, Bit>,
    pub b_wdata: Signal<In, Bits<128>>,
    pub b_wstrb: Signal<In, Bits<16>>,
    pub b_rsp_valid: Signal<Out, Bit>,
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
    in_flight: DFF<Bit>,
    owner_b: DFF<Bit>,
    grant_b: Signal<Local, Bit>,
}

impl Logic for CoreArbiter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, in_flight, owner_b);
        self.grant_b.next = !self.a_valid.val() & self.b_valid.val();
        self.req_valid.next = !self.in_flight.q.val() & (self.a_valid.val() | self.b_valid.val());
        self.req_write.next = self.a_write.val();
        self.req_addr.next = self.a_addr.val();
        self.req_asid.next = self.a_asid.val();
        self.req_encrypted.next = self.a_encrypted.val();
        self.req_wdata.next = self.a_wdata.val();
        self.req_wstrb.next = self.a_wstrb.val();
        if self.grant_b.val() {
            self.req_write.next = self.b_write.val();
            self.req_addr.next = self.b_addr.val();
            self.req_asid.next = self.b_asid.val();
            self.req_encrypted.next = self.b_encrypted.val();
            self.req_wdata.next = self.b_wdata.val();
            self.req_wstrb.next = self.b_wstrb.val();
        }
        self.a_ready.next = !self.in_flight.q.val() & !self.grant_b.val() & self.req_ready.val();
        self.b_ready.next = !self.in_flight.q.val() & self.grant_b.val() & self.req_ready.val();
        self.rsp_ready.next = true;
        self.a_rsp_valid.next = self.in_flight.q.val() & !self.owner_b.q.val() & self.rsp_valid.val();
        self.b_rsp_valid.next = self.in_flight.q.val() & self.owner_b.q.val() & self.rsp_valid.val();
        if self.req_valid.val() & self.req_ready.val() {
            self.in_flight.d.next = true;
            self.owner_b.d.next = self.grant_b.val();
        }
        if self.in_flight.q.val() & self.rsp_valid.val() {
            self.in_flight.d.next = false;
        }
        if self.reset.val() {
            self.in_flight.d.next = false;
            self.owner_b.d.next = false;
        }
    }
}
