//! `SpMemoryPort`: the secure processor's memory map. Only the sp reaches what is behind it:
//! its own memory, the launch mailbox, the engine's key port, a window on the engine's core
//! port with any ASID, and the cpu's controls.
//!
//! | sp address | what | access |
//! | --- | --- | --- |
//! | `0x0000_0000`-`0x0000_0fff` | ROM: the firmware (writes are dropped) | read |
//! | `0x0000_1000`-`0x0000_1fff` | RAM: data and stack | read/write |
//! | `0x2000_0000 + 4w`, w < 64 | launch mailbox word w (written by the host) | read |
//! | `0x2000_0100` | bit 0: the host asks for a launch (`host_start`) | read |
//! | `0x3000_0000 + 4w`, w < 8 | KEY1 word w (bytes 4w..4w+3) | write |
//! | `0x3000_0020 + 4w`, w < 8 | KEY2 word w | write |
//! | `0x3000_0040` | key command ASID | read/write |
//! | `0x3000_0044` | key command: 1 set_key, 2 clear_key (ignored while busy) | write |
//! | `0x3000_0048` | key status: bit 0 busy, bits 2:1 last status | read |
//! | `0x3000_0100` | window: DRAM address (low 4 bits ignored) | read/write |
//! | `0x3000_0104` | window: ASID | read/write |
//! | `0x3000_0108` | window: bit 0 the C-bit | read/write |
//! | `0x3000_0110 + 4w`, w < 4 | window: block word w (data written, or read back) | read/write |
//! | `0x3000_0120` | window: go; bit 0 set writes the block (all 16 bytes), clear reads it | write |
//! | `0x3000_0124` | window: bit 0 busy, bits 2:1 the last response's status | read |
//! | `0x3000_0200` | cpu: ASID | read/write |
//! | `0x3000_0204` | cpu: entry point | read/write |
//! | `0x3000_0208` | cpu: bit 0 runs the cpu (0 holds it in reset) | read/write |
//! | `0x3000_0300` | report: a store hands the word to the host (`report_valid`) | write |
//!
//! Anything else reads zero and drops stores. The key registers are write-only and are
//! zeroed when the engine takes the command. Stores are word stores (the firmware writes
//! whole words to every register); byte stores are honoured in RAM only.
//!
//! Timing: every access is answered (`mem_ready`) in the second cycle after `mem_valid`
//! rises: the first takes it (and starts the memory or mailbox read), the second answers.
//! A window access or key command runs in the background; the firmware polls its busy bit.

use rust_hdl::prelude::*;

/// See the module documentation. `memory_*` drive the sp's memory (4 byte lanes of 2048
/// entries, read one cycle after the address), `mailbox_*` the mailbox's read port, `key_*`
/// the engine's key port, `req_*`/`rsp_*` a master port of the engine's core port.
#[derive(LogicBlock, Default)]
#[allow(missing_docs)]
pub struct SpMemoryPort {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub mem_valid: Signal<In, Bit>,
    pub mem_ready: Signal<Out, Bit>,
    pub mem_addr: Signal<In, Bits<32>>,
    pub mem_wdata: Signal<In, Bits<32>>,
    pub mem_wstrb: Signal<In, Bits<4>>,
    pub mem_rdata: Signal<Out, Bits<32>>,
    pub memory_address: Signal<Out, Bits<11>>,
    pub memory_write: Signal<Out, Bits<4>>,
    pub memory_wdata: Signal<Out, Bits<32>>,
    pub memory_rdata: Signal<In, Bits<32>>,
    pub mailbox_address: Signal<Out, Bits<6>>,
    pub mailbox_rdata: Signal<In, Bits<32>>,
    pub host_start: Signal<In, Bit>,
    pub key_cmd_valid: Signal<Out, Bit>,
    pub key_cmd_ready: Signal<In, Bit>,
    pub key_cmd_op: Signal<Out, Bit>,
    pub key_cmd_asid: Signal<Out, Bits<16>>,
    pub key_cmd_key1: Signal<Out, Bits<256>>,
    pub key_cmd_key2: Signal<Out, Bits<256>>,
    pub key_rsp_valid: Signal<In, Bit>,
    pub key_rsp_status: Signal<In, Bits<2>>,
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
    pub cpu_asid: Signal<Out, Bits<16>>,
    pub cpu_entry: Signal<Out, Bits<32>>,
    pub cpu_run: Signal<Out, Bit>,
    pub report_valid: Signal<Out, Bit>,
    pub report_data: Signal<Out, Bits<32>>,
    /// The access being answered: 0 none, 1 memory, 2 mailbox, 3 a register (`rdata`).
    answering: DFF<Bits<2>>,
    rdata: DFF<Bits<32>>,
    key1: [DFF<Bits<32>>; 8],
    key2: [DFF<Bits<32>>; 8],
    key_asid: DFF<Bits<16>>,
    key_offered: DFF<Bit>,
    key_busy: DFF<Bit>,
    key_op: DFF<Bit>,
    key_status: DFF<Bits<2>>,
    window_addr: DFF<Bits<32>>,
    window_asid: DFF<Bits<16>>,
    window_cbit: DFF<Bit>,
    window_data: [DFF<Bits<32>>; 4],
    /// 0 idle, 1 request offered, 2 waiting for the response.
    window_state: DFF<Bits<2>>,
    window_write: DFF<Bit>,
    window_status: DFF<Bits<2>>,
    cpu_asid_reg: DFF<Bits<16>>,
    cpu_entry_reg: DFF<Bits<32>>,
    cpu_run_reg: DFF<Bit>,
    report_pulse: DFF<Bit>,
    report_word: DFF<Bits<32>>,
    taking: Signal<Local, Bit>,
    storing: Signal<Local, Bit>,
    region: Signal<Local, Bits<4>>,
    in_memory: Signal<Local, Bit>,
    in_mailbox: Signal<Local, Bit>,
    offset: Signal<Local, Bits<12>>,
    register_word: Signal<Local, Bits<32>>,
    key_taken: Signal<Local, Bit>,
    /// One-hot: word (address bits 4:2) of an eight-word register group.
    word_select: Signal<Local, Bits<8>>,
}

impl Logic for SpMemoryPort {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, answering, rdata, key_asid, key_offered, key_busy, key_op, key_status, window_addr, window_asid, window_cbit, window_state, window_write, window_status, cpu_asid_reg, cpu_entry_reg, cpu_run_reg, report_pulse, report_word);
        for w in 0..8 {
            self.key1[w].clock.next = self.clock.val();
            self.key2[w].clock.next = self.clock.val();
            self.key1[w].d.next = self.key1[w].q.val();
            self.key2[w].d.next = self.key2[w].q.val();
        }
        for w in 0..4 {
            self.window_data[w].clock.next = self.clock.val();
            self.window_data[w].d.next = self.window_data[w].q.val();
        }
        // Decode.
        self.taking.next = (self.answering.q.val() == 0) & self.mem_valid.val() & !self.reset.val();
        self.storing.next = self.taking.val() & (self.mem_wstrb.val() != 0);
        self.region.next = self.mem_addr.val().get_bits::<4>(28);
        self.in_memory.next = (self.region.val() == 0) & (self.mem_addr.val().get_bits::<15>(13) == 0);
        self.in_mailbox.next = (self.region.val() == 2) & (self.mem_addr.val().get_bits::<20>(8) == 0);
        self.offset.next = self.mem_addr.val().get_bits::<12>(0) & bits::<12>(0xffc);
        self.memory_address.next = self.mem_addr.val().get_bits::<11>(2);
        self.memory_wdata.next = self.mem_wdata.val();
        self.memory_write.next = bits::<4>(0);
        if self.storing.val() & self.in_memory.val() & self.mem_addr.val().get_bit(12) {
            self.memory_write.next = self.mem_wstrb.val();
        }
        self.mailbox_address.next = self.mem_addr.val().get_bits::<6>(2);
        self.word_select.next = bits::<8>(1) << self.mem_addr.val().get_bits::<3>(2);

        // Register reads.
        self.register_word.next = bits::<32>(0);
        if (self.region.val() == 2) & (self.mem_addr.val().get_bits::<28>(0) == 0x100) & self.host_start.val() {
            self.register_word.next = bits::<32>(1);
        }
        if (self.region.val() == 3) & (self.mem_addr.val().get_bits::<16>(12) == 0) {
            if self.offset.val() == 0x040 {
                self.register_word.next = bit_cast::<32, 16>(self.key_asid.q.val());
            }
            if self.offset.val() == 0x048 {
                self.register_word.next = bit_cast::<32, 2>(self.key_status.q.val()) << 1;
                if self.key_busy.q.val() {
                    self.register_word.next = (bit_cast::<32, 2>(self.key_status.q.val()) << 1) | bits::<32>(1);
                }
            }
            if self.offset.val() == 0x100 {
                self.register_word.next = self.window_addr.q.val();
            }
            if self.offset.val() == 0x104 {
                self.register_word.next = bit_cast::<32, 16>(self.window_asid.q.val());
            }
            if (self.offset.val() == 0x108) & self.window_cbit.q.val() {
                self.register_word.next = bits::<32>(1);
            }
            if self.offset.val() == 0x110 {
                self.register_word.next = self.window_data[0].q.val();
            }
            if self.offset.val() == 0x114 {
                self.register_word.next = self.window_data[1].q.val();
            }
            if self.offset.val() == 0x118 {
                self.register_word.next = self.window_data[2].q.val();
            }
            if self.offset.val() == 0x11c {
                self.register_word.next = self.window_data[3].q.val();
            }
            if self.offset.val() == 0x124 {
                self.register_word.next = bit_cast::<32, 2>(self.window_status.q.val()) << 1;
                if self.window_state.q.val() != 0 {
                    self.register_word.next = (bit_cast::<32, 2>(self.window_status.q.val()) << 1) | bits::<32>(1);
                }
            }
            if self.offset.val() == 0x200 {
                self.register_word.next = bit_cast::<32, 16>(self.cpu_asid_reg.q.val());
            }
            if self.offset.val() == 0x204 {
                self.register_word.next = self.cpu_entry_reg.q.val();
            }
            if (self.offset.val() == 0x208) & self.cpu_run_reg.q.val() {
                self.register_word.next = bits::<32>(1);
            }
        }

        // Answer in the second cycle.
        self.answering.d.next = bits::<2>(0);
        if self.taking.val() {
            self.answering.d.next = bits::<2>(3);
            self.rdata.d.next = self.register_word.val();
            if self.in_memory.val() {
                self.answering.d.next = bits::<2>(1);
            }
            if self.in_mailbox.val() {
                self.answering.d.next = bits::<2>(2);
            }
            if self.storing.val() {
                self.rdata.d.next = bits::<32>(0);
            }
        }
        self.mem_ready.next = self.answering.q.val() != 0;
        self.mem_rdata.next = self.rdata.q.val();
        if self.answering.q.val() == 1 {
            self.mem_rdata.next = self.memory_rdata.val();
        }
        if self.answering.q.val() == 2 {
            self.mem_rdata.next = self.mailbox_rdata.val();
        }

        // Register writes (word stores).
        self.report_pulse.d.next = false;
        if self.storing.val() & (self.region.val() == 3) & (self.mem_addr.val().get_bits::<16>(12) == 0) {
            for w in 0..8 {
                if self.word_select.val().get_bit(w) & ((self.offset.val() & bits::<12>(0xfe0)) == 0x000) {
                    self.key1[w].d.next = self.mem_wdata.val();
                }
                if self.word_select.val().get_bit(w) & ((self.offset.val() & bits::<12>(0xfe0)) == 0x020) {
                    self.key2[w].d.next = self.mem_wdata.val();
                }
            }
            if self.offset.val() == 0x040 {
                self.key_asid.d.next = self.mem_wdata.val().get_bits::<16>(0);
            }
            if (self.offset.val() == 0x044) & !self.key_busy.q.val() & ((self.mem_wdata.val() == 1) | (self.mem_wdata.val() == 2)) {
                self.key_offered.d.next = true;
                self.key_busy.d.next = true;
                self.key_op.d.next = self.mem_wdata.val() == 2;
            }
            if self.offset.val() == 0x100 {
                self.window_addr.d.next = self.mem_wdata.val();
            }
            if self.offset.val() == 0x104 {
                self.window_asid.d.next = self.mem_wdata.val().get_bits::<16>(0);
            }
            if self.offset.val() == 0x108 {
                self.window_cbit.d.next = self.mem_wdata.val().get_bit(0);
            }
            for w in 0..4 {
                if self.word_select.val().get_bit(w) & ((self.offset.val() & bits::<12>(0xff0)) == 0x110) {
                    self.window_data[w].d.next = self.mem_wdata.val();
                }
            }
            if (self.offset.val() == 0x120) & (self.window_state.q.val() == 0) {
                self.window_state.d.next = bits::<2>(1);
                self.window_write.d.next = self.mem_wdata.val().get_bit(0);
            }
            if self.offset.val() == 0x200 {
                self.cpu_asid_reg.d.next = self.mem_wdata.val().get_bits::<16>(0);
            }
            if self.offset.val() == 0x204 {
                self.cpu_entry_reg.d.next = self.mem_wdata.val();
            }
            if self.offset.val() == 0x208 {
                self.cpu_run_reg.d.next = self.mem_wdata.val().get_bit(0);
            }
            if self.offset.val() == 0x300 {
                self.report_pulse.d.next = true;
                self.report_word.d.next = self.mem_wdata.val();
            }
        }

        // The key command.
        self.key_cmd_valid.next = self.key_offered.q.val();
        self.key_cmd_op.next = self.key_op.q.val();
        self.key_cmd_asid.next = self.key_asid.q.val();
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
        self.key_taken.next = self.key_offered.q.val() & self.key_cmd_ready.val();
        if self.key_taken.val() {
            self.key_offered.d.next = false;
            for w in 0..8 {
                self.key1[w].d.next = bits::<32>(0);
                self.key2[w].d.next = bits::<32>(0);
            }
        }
        if self.key_rsp_valid.val() {
            self.key_busy.d.next = false;
            self.key_status.d.next = self.key_rsp_status.val();
        }

        // The engine window.
        self.req_valid.next = self.window_state.q.val() == 1;
        self.req_write.next = self.window_write.q.val();
        self.req_addr.next = bit_cast::<64, 32>(self.window_addr.q.val() & !bits::<32>(0xf));
        self.req_asid.next = self.window_asid.q.val();
        self.req_encrypted.next = self.window_cbit.q.val();
        self.req_wdata.next = bit_cast::<128, 32>(self.window_data[0].q.val())
            | (bit_cast::<128, 32>(self.window_data[1].q.val()) << 32)
            | (bit_cast::<128, 32>(self.window_data[2].q.val()) << 64)
            | (bit_cast::<128, 32>(self.window_data[3].q.val()) << 96);
        self.req_wstrb.next = bits::<16>(0xffff);
        if (self.window_state.q.val() == 1) & self.req_ready.val() {
            self.window_state.d.next = bits::<2>(2);
        }
        if (self.window_state.q.val() == 2) & self.rsp_valid.val() {
            self.window_state.d.next = bits::<2>(0);
            self.window_status.d.next = self.rsp_status.val();
            if !self.window_write.q.val() {
                self.window_data[0].d.next = self.rsp_rdata.val().get_bits::<32>(0);
                self.window_data[1].d.next = self.rsp_rdata.val().get_bits::<32>(32);
                self.window_data[2].d.next = self.rsp_rdata.val().get_bits::<32>(64);
                self.window_data[3].d.next = self.rsp_rdata.val().get_bits::<32>(96);
            }
        }

        self.cpu_asid.next = self.cpu_asid_reg.q.val();
        self.cpu_entry.next = self.cpu_entry_reg.q.val();
        self.cpu_run.next = self.cpu_run_reg.q.val();
        self.report_valid.next = self.report_pulse.q.val();
        self.report_data.next = self.report_word.q.val();

        if self.reset.val() {
            self.answering.d.next = bits::<2>(0);
            self.rdata.d.next = bits::<32>(0);
            for w in 0..8 {
                self.key1[w].d.next = bits::<32>(0);
                self.key2[w].d.next = bits::<32>(0);
            }
            for w in 0..4 {
                self.window_data[w].d.next = bits::<32>(0);
            }
            self.key_asid.d.next = bits::<16>(0);
            self.key_offered.d.next = false;
            self.key_busy.d.next = false;
            self.key_op.d.next = false;
            self.key_status.d.next = bits::<2>(0);
            self.window_addr.d.next = bits::<32>(0);
            self.window_asid.d.next = bits::<16>(0);
            self.window_cbit.d.next = false;
            self.window_state.d.next = bits::<2>(0);
            self.window_write.d.next = false;
            self.window_status.d.next = bits::<2>(0);
            self.cpu_asid_reg.d.next = bits::<16>(0);
            self.cpu_entry_reg.d.next = bits::<32>(0);
            self.cpu_run_reg.d.next = false;
            self.report_pulse.d.next = false;
            self.report_word.d.next = bits::<32>(0);
        }
    }
}
