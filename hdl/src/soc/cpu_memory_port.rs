//! `CpuMemoryPort`: the cpu's memory map (DESIGN.md, "The SoC"): PicoRV32's 32-bit accesses
//! become block requests to the engine, or reach the console, exit and cycle registers.
//!
//! | cpu address | does |
//! | --- | --- |
//! | `0x0000_0000 + x`, x < DRAM size | engine request for DRAM byte x, C-bit clear |
//! | `0x4000_0000 + x`, x < DRAM size | engine request for DRAM byte x, C-bit set, the cpu's ASID |
//! | `0x8000_0000` | a store of byte 0 prints it (`console_valid` for one cycle) |
//! | `0x8000_0004` | a word store ends the run (`exit_valid` for one cycle, `exit_code`) |
//! | `0x8000_0008` | a load returns the cycle count since reset (low 32 bits) |
//! | `0x8000_0010`, `0x8000_0014` | the reset stub: `lui t0, %hi(entry)`; `jalr zero, %lo(entry)(t0)` |
//! | anything else | a load returns zero, a store is dropped |
//!
//! A DRAM access is one engine request for the 16-byte block of x: a load reads the block and
//! returns its word (zero when the engine refuses the access); a store writes the block with
//! the strobes of its bytes (the word repeated in all four lanes). The cpu waits for the
//! engine's response either way, so a store's status is known before the next access.
//!
//! A one-block read buffer keeps the plaintext of the last block read (with its view): a load
//! or fetch of the same block and view is answered from it without an engine request, so
//! straight-line code costs one engine read per four instructions. A store to that block and
//! view empties it; nothing else writes the DRAM the cpu sees while the cpu runs (the sp uses
//! the engine only while the cpu is held in reset, which empties the buffer too).
//!
//! Timing: an access is taken in the cycle `mem_valid` rises; a register access or a buffer
//! hit answers (`mem_ready`) one cycle later, a DRAM access's request is offered one cycle later and held
//! until the engine takes it, and `mem_ready` follows the engine's response by one cycle. The
//! cpu starts at [`super::picorv32::CPU_RESET_ADDRESS`], where the stub jumps to `entry`.
//! `fetches` counts the instruction fetches answered since reset (one per instruction: PicoRV32
//! fetches each instruction once); `dram_reads` the engine reads (buffer misses) and
//! `dram_read_cycles` the cycles they took, from the cycle after `mem_valid` to `mem_ready`.

use rust_hdl::prelude::*;

/// See the module documentation. `req_*`/`rsp_*` form a master port of the engine's core
/// port (one request at a time, `rsp_ready` implied high).
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct CpuMemoryPort {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub mem_valid: Signal<In, Bit>,
    pub mem_instr: Signal<In, Bit>,
    pub mem_ready: Signal<Out, Bit>,
    pub mem_addr: Signal<In, Bits<32>>,
    pub mem_wdata: Signal<In, Bits<32>>,
    pub mem_wstrb: Signal<In, Bits<4>>,
    pub mem_rdata: Signal<Out, Bits<32>>,
    /// The cpu's ASID (from the sp).
    pub asid: Signal<In, Bits<16>>,
    /// The guest's entry point (from the sp).
    pub entry: Signal<In, Bits<32>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_write: Signal<Out, Bit>,
    pub req_addr: Signal<Out, Bits<64>>,
    pub req_asid: Signal<Out, Bits<16>>,
    pub req_encrypted: Signal<Out, Bit>,
    pub req_wdata: Signal<Out, Bits<128>>,
    pub req_wstrb: Signal<Out, Bits<16>>,
    pub rsp_valid: Signal<In, Bit>,
    pub rsp_rdata: Signal<In, Bits<128>>,
    pub rsp_status: Signal<In, Bits<2>>,
    pub console_valid: Signal<Out, Bit>,
    pub console_byte: Signal<Out, Bits<8>>,
    pub exit_valid: Signal<Out, Bit>,
    pub exit_code: Signal<Out, Bits<32>>,
    pub fetches: Signal<Out, Bits<32>>,
    /// Engine reads the cpu made (buffer misses) since reset.
    pub dram_reads: Signal<Out, Bits<32>>,
    /// Cycles from taking each such read to answering it, summed.
    pub dram_read_cycles: Signal<Out, Bits<32>>,
    /// Bits of x that must be zero for x to be inside DRAM (`0x3fff_ffff & !(size - 1)`).
    outside_mask: Constant<Bits<32>>,
    /// The C-bit of the private view (clear in the plaintext baseline).
    private_cbit: Constant<Bit>,
    /// 0 idle, 1 request offered, 2 waiting for the response.
    state: DFF<Bits<2>>,
    ready: DFF<Bit>,
    rdata: DFF<Bits<32>>,
    write: DFF<Bit>,
    addr: DFF<Bits<64>>,
    encrypted: DFF<Bit>,
    wdata: DFF<Bits<128>>,
    wstrb: DFF<Bits<16>>,
    word: DFF<Bits<2>>,
    console_pulse: DFF<Bit>,
    console_data: DFF<Bits<8>>,
    exit_pulse: DFF<Bit>,
    exit_data: DFF<Bits<32>>,
    cycles: DFF<Bits<32>>,
    fetch_count: DFF<Bits<32>>,
    buffer_valid: DFF<Bit>,
    buffer_tag: DFF<Bits<32>>,
    buffer_data: DFF<Bits<128>>,
    /// The buffer tag of the request in flight (its view and block address).
    request_tag: DFF<Bits<32>>,
    read_count: DFF<Bits<32>>,
    read_cycles: DFF<Bits<32>>,
    taking: Signal<Local, Bit>,
    view: Signal<Local, Bits<2>>,
    in_dram: Signal<Local, Bit>,
    is_write: Signal<Local, Bit>,
    stub_high: Signal<Local, Bits<32>>,
    stub_low: Signal<Local, Bits<32>>,
    register_word: Signal<Local, Bits<32>>,
    block_word: Signal<Local, Bits<128>>,
    is_device: Signal<Local, Bit>,
    device_offset: Signal<Local, Bits<28>>,
    tag: Signal<Local, Bits<32>>,
    buffer_hit: Signal<Local, Bit>,
    buffer_word: Signal<Local, Bits<128>>,
}

impl CpuMemoryPort {
    /// The port for a DRAM of `dram_bytes` (a power of two, at most 1 GiB); with
    /// `encrypt_private` clear the private view's requests carry the C-bit clear too.
    pub fn new(dram_bytes: u64, encrypt_private: bool) -> Self {
        let mask = 0x3fff_ffffu64 & !(dram_bytes.max(1) - 1);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            mem_valid: Default::default(),
            mem_instr: Default::default(),
            mem_ready: Default::default(),
            mem_addr: Default::default(),
            mem_wdata: Default::default(),
            mem_wstrb: Default::default(),
            mem_rdata: Default::default(),
            asid: Default::default(),
            entry: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_asid: Default::default(),
            req_encrypted: Default::default(),
            req_wdata: Default::default(),
            req_wstrb: Default::default(),
            rsp_valid: Default::default(),
            rsp_rdata: Default::default(),
            rsp_status: Default::default(),
            console_valid: Default::default(),
            console_byte: Default::default(),
            exit_valid: Default::default(),
            exit_code: Default::default(),
            fetches: Default::default(),
            outside_mask: Constant::new(bits::<32>(mask)),
            private_cbit: Constant::new(encrypt_private),
            state: Default::default(),
            ready: Default::default(),
            rdata: Default::default(),
            write: Default::default(),
            addr: Default::default(),
            encrypted: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            word: Default::default(),
            console_pulse: Default::default(),
            console_data: Default::default(),
            exit_pulse: Default::default(),
            exit_data: Default::default(),
            cycles: Default::default(),
            fetch_count: Default::default(),
            buffer_valid: Default::default(),
            buffer_tag: Default::default(),
            buffer_data: Default::default(),
            request_tag: Default::default(),
            read_count: Default::default(),
            read_cycles: Default::default(),
            dram_reads: Default::default(),
            dram_read_cycles: Default::default(),
            taking: Default::default(),
            view: Default::default(),
            in_dram: Default::default(),
            is_write: Default::default(),
            stub_high: Default::default(),
            stub_low: Default::default(),
            register_word: Default::default(),
            block_word: Default::default(),
            is_device: Default::default(),
            device_offset: Default::default(),
            tag: Default::default(),
            buffer_hit: Default::default(),
            buffer_word: Default::default(),
        }
    }
}

impl Logic for CpuMemoryPort {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, ready, rdata, write, addr, encrypted, wdata, wstrb, word, console_pulse, console_data, exit_pulse, exit_data, cycles, fetch_count, buffer_valid, buffer_tag, buffer_data, request_tag, read_count, read_cycles);
        self.taking.next = (self.state.q.val() == 0) & !self.ready.q.val() & self.mem_valid.val();
        self.view.next = self.mem_addr.val().get_bits::<2>(30);
        self.in_dram.next = ((self.view.val() == 0) | (self.view.val() == 1)) & ((self.mem_addr.val() & self.outside_mask.val()) == 0);
        self.is_write.next = self.mem_wstrb.val() != 0;
        self.is_device.next = self.mem_addr.val().get_bits::<4>(28) == 8;
        self.device_offset.next = self.mem_addr.val().get_bits::<28>(0);
        // The reset stub: t0 = entry rounded for the signed low part, then jump.
        self.stub_high.next = ((self.entry.val() + 0x800) & !bits::<32>(0xfff)) | bits::<32>(0x2b7);
        self.stub_low.next = (self.entry.val() << 20) | bits::<32>(0x28067);
        self.register_word.next = bits::<32>(0);
        if self.is_device.val() & (self.device_offset.val() == 0x08) {
            self.register_word.next = self.cycles.q.val();
        }
        if self.is_device.val() & (self.device_offset.val() == 0x10) {
            self.register_word.next = self.stub_high.val();
        }
        if self.is_device.val() & (self.device_offset.val() == 0x14) {
            self.register_word.next = self.stub_low.val();
        }
        self.block_word.next = self.rsp_rdata.val() >> (bit_cast::<128, 2>(self.word.q.val()) << 5);
        // The read buffer: the last block read, tagged by view and block address.
        self.tag.next = self.mem_addr.val() & bits::<32>(0x7fff_fff0);
        self.buffer_hit.next = self.buffer_valid.q.val() & (self.buffer_tag.q.val() == self.tag.val());
        self.buffer_word.next = self.buffer_data.q.val() >> (bit_cast::<128, 2>(self.mem_addr.val().get_bits::<2>(2)) << 5);

        self.ready.d.next = false;
        self.console_pulse.d.next = false;
        self.exit_pulse.d.next = false;
        if self.taking.val() {
            if self.in_dram.val() & self.buffer_hit.val() & !self.is_write.val() {
                self.ready.d.next = true;
                self.rdata.d.next = self.buffer_word.val().get_bits::<32>(0);
            } else if self.in_dram.val() {
                if self.buffer_hit.val() {
                    self.buffer_valid.d.next = false;
                }
                self.state.d.next = bits::<2>(1);
                self.write.d.next = self.is_write.val();
                self.addr.d.next = bit_cast::<64, 32>(self.mem_addr.val() & bits::<32>(0x3fff_fff0));
                self.encrypted.d.next = (self.view.val() == 1) & self.private_cbit.val();
                self.wdata.d.next = bit_cast::<128, 32>(self.mem_wdata.val())
                    | (bit_cast::<128, 32>(self.mem_wdata.val()) << 32)
                    | (bit_cast::<128, 32>(self.mem_wdata.val()) << 64)
                    | (bit_cast::<128, 32>(self.mem_wdata.val()) << 96);
                self.wstrb.d.next = bit_cast::<16, 4>(self.mem_wstrb.val()) << (bit_cast::<16, 2>(self.mem_addr.val().get_bits::<2>(2)) << 2);
                self.word.d.next = self.mem_addr.val().get_bits::<2>(2);
                self.request_tag.d.next = self.tag.val();
            } else {
                self.ready.d.next = true;
                self.rdata.d.next = self.register_word.val();
                if self.is_write.val() {
                    self.rdata.d.next = bits::<32>(0);
                }
                if (self.is_device.val() & (self.device_offset.val() == 0x00)) & self.mem_wstrb.val().get_bit(0) {
                    self.console_pulse.d.next = true;
                    self.console_data.d.next = self.mem_wdata.val().get_bits::<8>(0);
                }
                if (self.is_device.val() & (self.device_offset.val() == 0x04)) & (self.mem_wstrb.val() == 0xf) {
                    self.exit_pulse.d.next = true;
                    self.exit_data.d.next = self.mem_wdata.val();
                }
            }
        }
        if (self.state.q.val() == 1) & self.req_ready.val() {
            self.state.d.next = bits::<2>(2);
        }
        if (self.state.q.val() == 2) & self.rsp_valid.val() {
            self.state.d.next = bits::<2>(0);
            self.ready.d.next = true;
            self.rdata.d.next = bits::<32>(0);
            if (self.rsp_status.val() == 0) & !self.write.q.val() {
                self.rdata.d.next = self.block_word.val().get_bits::<32>(0);
                self.buffer_valid.d.next = true;
                self.buffer_tag.d.next = self.request_tag.q.val();
                self.buffer_data.d.next = self.rsp_rdata.val();
            }
        }
        self.cycles.d.next = self.cycles.q.val() + 1;
        if (self.state.q.val() != 0) & !self.write.q.val() {
            self.read_cycles.d.next = self.read_cycles.q.val() + 1;
        }
        if (self.state.q.val() == 2) & self.rsp_valid.val() & !self.write.q.val() {
            self.read_count.d.next = self.read_count.q.val() + 1;
        }
        if self.ready.q.val() & self.mem_instr.val() {
            self.fetch_count.d.next = self.fetch_count.q.val() + 1;
        }

        self.mem_ready.next = self.ready.q.val();
        self.mem_rdata.next = self.rdata.q.val();
        self.req_valid.next = self.state.q.val() == 1;
        self.req_write.next = self.write.q.val();
        self.req_addr.next = self.addr.q.val();
        self.req_asid.next = self.asid.val();
        self.req_encrypted.next = self.encrypted.q.val();
        self.req_wdata.next = self.wdata.q.val();
        self.req_wstrb.next = self.wstrb.q.val();
        self.console_valid.next = self.console_pulse.q.val();
        self.console_byte.next = self.console_data.q.val();
        self.exit_valid.next = self.exit_pulse.q.val();
        self.exit_code.next = self.exit_data.q.val();
        self.fetches.next = self.fetch_count.q.val();
        self.dram_reads.next = self.read_count.q.val();
        self.dram_read_cycles.next = self.read_cycles.q.val();

        if self.reset.val() {
            self.state.d.next = bits::<2>(0);
            self.ready.d.next = false;
            self.rdata.d.next = bits::<32>(0);
            self.write.d.next = false;
            self.addr.d.next = bits::<64>(0);
            self.encrypted.d.next = false;
            self.wdata.d.next = bits::<128>(0);
            self.wstrb.d.next = bits::<16>(0);
            self.word.d.next = bits::<2>(0);
            self.console_pulse.d.next = false;
            self.console_data.d.next = bits::<8>(0);
            self.exit_pulse.d.next = false;
            self.exit_data.d.next = bits::<32>(0);
            self.cycles.d.next = bits::<32>(0);
            self.fetch_count.d.next = bits::<32>(0);
            self.buffer_valid.d.next = false;
            self.buffer_tag.d.next = bits::<32>(0);
            self.buffer_data.d.next = bits::<128>(0);
            self.request_tag.d.next = bits::<32>(0);
            self.read_count.d.next = bits::<32>(0);
            self.read_cycles.d.next = bits::<32>(0);
        }
    }
}
