//! `AxiLiteKeyPort`: the AXI4-Lite key port of the AXI4 top (`s_axil_*`, 32-bit data), with
//! the register map of DESIGN.md, driving the engine's key-command port.
//!
//! | offset | register | access |
//! | --- | --- | --- |
//! | 0x00 | CMD: 1 set_key, 2 clear_key | write |
//! | 0x04 | ASID | read/write |
//! | 0x08 | STATUS: bit 0 busy, bits 2:1 last status, bits 31:16 commands completed | read |
//! | 0x0C | DRAM_ERRORS: DRAM error responses since reset (saturating at 65535) | read |
//! | 0x20 + 4w | KEY1 word w (bytes 4w..4w+3, byte 4w+b in bits 8b+7:8b) | write only, reads 0 |
//! | 0x40 + 4w | KEY2 word w | write only, reads 0 |
//!
//! Writes honour `wstrb` per byte. A CMD write while a command is in progress, a CMD value
//! other than 1 or 2, a write to a read-only or unmapped offset, and a read of an unmapped
//! offset answer SLVERR and change nothing. A command write makes the command *offered*: the
//! engine's `key_cmd_valid` rises with the ASID and key registers as its payload; when the
//! engine takes it the key registers are zeroed, and when its `key_rsp_valid` arrives the
//! command is complete (busy clears, the status and count update). While a command is
//! offered, writes to ASID and the key registers wait (their `awready` stays low), so the
//! payload never changes under the engine; the key registers never reach `rdata`.
//!
//! Timing: a write is taken when its address and data are both offered and no `b` response
//! is waiting; `b` and `r` are registers (one cycle after the handshake). A synchronous
//! `reset` clears every register.

use rust_hdl::prelude::*;

/// See the module documentation. `key_cmd_*`, `key_rsp_*` are the engine's key port; key
/// buses are 256 bits wide (a 128-bit key in the low half).
#[derive(LogicBlock, Default)]
#[allow(missing_docs)]
pub struct AxiLiteKeyPort {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
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
    pub key_cmd_valid: Signal<Out, Bit>,
    pub key_cmd_ready: Signal<In, Bit>,
    pub key_cmd_op: Signal<Out, Bit>,
    pub key_cmd_asid: Signal<Out, Bits<16>>,
    pub key_cmd_key1: Signal<Out, Bits<256>>,
    pub key_cmd_key2: Signal<Out, Bits<256>>,
    pub key_rsp_valid: Signal<In, Bit>,
    pub key_rsp_status: Signal<In, Bits<2>>,
    /// DRAM error responses counted by the DRAM side, shown in DRAM_ERRORS.
    pub dram_errors: Signal<In, Bits<16>>,
    key1: [DFF<Bits<32>>; 8],
    key2: [DFF<Bits<32>>; 8],
    asid: DFF<Bits<16>>,
    offered: DFF<Bit>,
    busy: DFF<Bit>,
    op: DFF<Bit>,
    last_status: DFF<Bits<2>>,
    completed: DFF<Bits<16>>,
    b_valid: DFF<Bit>,
    b_resp: DFF<Bits<2>>,
    r_valid: DFF<Bit>,
    r_data: DFF<Bits<32>>,
    r_resp: DFF<Bits<2>>,
    write_offset: Signal<Local, Bits<8>>,
    read_offset: Signal<Local, Bits<8>>,
    is_cmd: Signal<Local, Bit>,
    is_asid: Signal<Local, Bit>,
    is_key1: Signal<Local, Bit>,
    is_key2: Signal<Local, Bit>,
    may_write: Signal<Local, Bit>,
    writing: Signal<Local, Bit>,
    cmd_ok: Signal<Local, Bit>,
    reading: Signal<Local, Bit>,
    byte_mask: Signal<Local, Bits<32>>,
    cmd_taken: Signal<Local, Bit>,
    key_word: Signal<Local, Bits<3>>,
    key_select: Signal<Local, Bits<8>>,
    busy_word: Signal<Local, Bits<32>>,
}

impl Logic for AxiLiteKeyPort {
    #[hdl_gen]
    fn update(&mut self) {
        for w in 0..8 {
            self.key1[w].clock.next = self.clock.val();
            self.key2[w].clock.next = self.clock.val();
        }
        self.asid.clock.next = self.clock.val();
        self.offered.clock.next = self.clock.val();
        self.busy.clock.next = self.clock.val();
        self.op.clock.next = self.clock.val();
        self.last_status.clock.next = self.clock.val();
        self.completed.clock.next = self.clock.val();
        self.b_valid.clock.next = self.clock.val();
        self.b_resp.clock.next = self.clock.val();
        self.r_valid.clock.next = self.clock.val();
        self.r_data.clock.next = self.clock.val();
        self.r_resp.clock.next = self.clock.val();
        // Decode (word offsets; the two low address bits are ignored).
        self.write_offset.next = self.s_axil_awaddr.val() & bits::<8>(0xfc);
        self.read_offset.next = self.s_axil_araddr.val() & bits::<8>(0xfc);
        self.is_cmd.next = self.write_offset.val() == 0;
        self.is_asid.next = self.write_offset.val() == 4;
        self.is_key1.next = (self.write_offset.val() & bits::<8>(0xe0)) == 0x20;
        self.is_key2.next = (self.write_offset.val() & bits::<8>(0xe0)) == 0x40;
        // A write waits while a command is offered, unless it is a CMD write (answered at once).
        self.may_write.next = self.s_axil_awvalid.val() & self.s_axil_wvalid.val() & !self.b_valid.q.val()
            & (!self.offered.q.val() | self.is_cmd.val()) & !self.reset.val();
        self.s_axil_awready.next = self.may_write.val();
        self.s_axil_wready.next = self.may_write.val();
        self.writing.next = self.may_write.val();
        self.cmd_ok.next = self.is_cmd.val() & !self.busy.q.val() & self.s_axil_wstrb.val().get_bit(0)
            & ((self.s_axil_wdata.val() == 1) | (self.s_axil_wdata.val() == 2));
        self.byte_mask.next = bits::<32>(0);
        if self.s_axil_wstrb.val().get_bit(0) {
            self.byte_mask.next = self.byte_mask.val() | bits::<32>(0xff);
        }
        if self.s_axil_wstrb.val().get_bit(1) {
            self.byte_mask.next = self.byte_mask.val() | bits::<32>(0xff00);
        }
        if self.s_axil_wstrb.val().get_bit(2) {
            self.byte_mask.next = self.byte_mask.val() | bits::<32>(0xff_0000);
        }
        if self.s_axil_wstrb.val().get_bit(3) {
            self.byte_mask.next = self.byte_mask.val() | (bits::<32>(0xff) << 24);
        }
        self.key_word.next = self.write_offset.val().get_bits::<3>(2);
        self.key_select.next = bits::<8>(1) << self.key_word.val();

        // The command to the engine.
        self.key_cmd_valid.next = self.offered.q.val();
        self.key_cmd_op.next = self.op.q.val();
        self.key_cmd_asid.next = self.asid.q.val();
        self.key_cmd_key1.next = bit_cast::<256, 32>(self.key1[0].q.val())
            | (bit_cast::<256, 32>(self.key1[1].q.val()) << 32)
            | (bit_cast::<256, 32>(self.key1[2].q.val()) << 64)
            | (bit_cast::<256, 32>(self.key1[3].q.val()) << 96)
            | (bit_cast::<256, 32>(self.key1[4].q.val()) << 128)
            | (bit_cast::<256, 32>(self.key1[5].q.val()) << 160)
            | (bit_cast::<256, 32>(self.key1[6].q.val()) << 192)
            | (bit_cast::<256, 32>(self.key1[7].q.val()) << 224);
        self.key_cmd_key2.next = bit_cast::<256, 32>(self.key2[0].q.val())
            | (bit_cast::<256, 32>(self.key2[1].q.val()) << 32)
            | (bit_cast::<256, 32>(self.key2[2].q.val()) << 64)
            | (bit_cast::<256, 32>(self.key2[3].q.val()) << 96)
            | (bit_cast::<256, 32>(self.key2[4].q.val()) << 128)
            | (bit_cast::<256, 32>(self.key2[5].q.val()) << 160)
            | (bit_cast::<256, 32>(self.key2[6].q.val()) << 192)
            | (bit_cast::<256, 32>(self.key2[7].q.val()) << 224);
        self.cmd_taken.next = self.offered.q.val() & self.key_cmd_ready.val();

        // Registers.
        for w in 0..8 {
            self.key1[w].d.next = self.key1[w].q.val();
            self.key2[w].d.next = self.key2[w].q.val();
            if self.writing.val() & self.is_key1.val() & self.key_select.val().get_bit(w) {
                self.key1[w].d.next = (self.key1[w].q.val() & !self.byte_mask.val()) | (self.s_axil_wdata.val() & self.byte_mask.val());
            }
            if self.writing.val() & self.is_key2.val() & self.key_select.val().get_bit(w) {
                self.key2[w].d.next = (self.key2[w].q.val() & !self.byte_mask.val()) | (self.s_axil_wdata.val() & self.byte_mask.val());
            }
            if self.cmd_taken.val() | self.reset.val() {
                self.key1[w].d.next = bits::<32>(0);
                self.key2[w].d.next = bits::<32>(0);
            }
        }
        self.asid.d.next = self.asid.q.val();
        if self.writing.val() & self.is_asid.val() {
            self.asid.d.next = (self.asid.q.val() & !self.byte_mask.val().get_bits::<16>(0))
                | (self.s_axil_wdata.val().get_bits::<16>(0) & self.byte_mask.val().get_bits::<16>(0));
        }
        self.offered.d.next = self.offered.q.val() & !self.cmd_taken.val();
        self.busy.d.next = self.busy.q.val() & !self.key_rsp_valid.val();
        self.op.d.next = self.op.q.val();
        if self.writing.val() & self.cmd_ok.val() {
            self.offered.d.next = true;
            self.busy.d.next = true;
            self.op.d.next = self.s_axil_wdata.val() == 2;
        }
        self.last_status.d.next = self.last_status.q.val();
        self.completed.d.next = self.completed.q.val();
        if self.key_rsp_valid.val() {
            self.last_status.d.next = self.key_rsp_status.val();
            self.completed.d.next = self.completed.q.val() + 1;
        }
        self.b_valid.d.next = (self.b_valid.q.val() & !self.s_axil_bready.val()) | self.writing.val();
        self.b_resp.d.next = self.b_resp.q.val();
        if self.writing.val() {
            if self.cmd_ok.val() | self.is_asid.val() | self.is_key1.val() | self.is_key2.val() {
                self.b_resp.d.next = bits::<2>(0);
            } else {
                self.b_resp.d.next = bits::<2>(2);
            }
        }
        self.s_axil_bvalid.next = self.b_valid.q.val();
        self.s_axil_bresp.next = self.b_resp.q.val();

        // Reads.
        self.busy_word.next = bits::<32>(0);
        if self.busy.q.val() {
            self.busy_word.next = bits::<32>(1);
        }
        self.reading.next = self.s_axil_arvalid.val() & !self.r_valid.q.val() & !self.reset.val();
        self.s_axil_arready.next = self.reading.val();
        self.r_valid.d.next = (self.r_valid.q.val() & !self.s_axil_rready.val()) | self.reading.val();
        self.r_data.d.next = self.r_data.q.val();
        self.r_resp.d.next = self.r_resp.q.val();
        if self.reading.val() {
            self.r_data.d.next = bits::<32>(0);
            self.r_resp.d.next = bits::<2>(0);
            if self.read_offset.val() == 4 {
                self.r_data.d.next = bit_cast::<32, 16>(self.asid.q.val());
            } else if self.read_offset.val() == 8 {
                self.r_data.d.next = (bit_cast::<32, 16>(self.completed.q.val()) << 16)
                    | (bit_cast::<32, 2>(self.last_status.q.val()) << 1)
                    | self.busy_word.val();
            } else if self.read_offset.val() == 12 {
                self.r_data.d.next = bit_cast::<32, 16>(self.dram_errors.val());
            } else if (self.read_offset.val() != 0) & ((self.read_offset.val() & bits::<8>(0xe0)) != 0x20) & ((self.read_offset.val() & bits::<8>(0xe0)) != 0x40) {
                self.r_resp.d.next = bits::<2>(2);
            }
        }
        self.s_axil_rvalid.next = self.r_valid.q.val();
        self.s_axil_rdata.next = self.r_data.q.val();
        self.s_axil_rresp.next = self.r_resp.q.val();

        if self.reset.val() {
            self.asid.d.next = bits::<16>(0);
            self.offered.d.next = false;
            self.busy.d.next = false;
            self.op.d.next = false;
            self.last_status.d.next = bits::<2>(0);
            self.completed.d.next = bits::<16>(0);
            self.b_valid.d.next = false;
            self.b_resp.d.next = bits::<2>(0);
            self.r_valid.d.next = false;
            self.r_data.d.next = bits::<32>(0);
            self.r_resp.d.next = bits::<2>(0);
        }
    }
}
