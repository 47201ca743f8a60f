//! `GuestLoader`: the host's part of a launch, in hardware, for a board with no host: after
//! reset it writes a guest's image from a ROM into DRAM (plaintext, as the host loads it
//! before the launch), writes the launch mailbox from a second ROM and raises `start` for a
//! cycle; then `done` stays high and it is silent.
//!
//! The image is a list of 16-byte blocks with their DRAM addresses (at most 2^`ROM_BITS`).
//!
//! Timing: one block write at a time on the DRAM port (`req_valid` until `req_ready`), each
//! two cycles after the last (the ROM's read); then one mailbox word per cycle (64 cycles);
//! `start` in the next cycle, `done` from the one after.

use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// Address bits of the image ROM: at most 4,096 blocks (64 KiB).
pub const ROM_BITS: usize = 12;
/// Words of the launch mailbox.
pub const MAILBOX_WORDS: usize = 64;

const LOAD: u64 = 0;
const ISSUE: u64 = 1;
const MAILBOX: u64 = 2;
const START: u64 = 3;
const DONE: u64 = 4;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct GuestLoader {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_addr: Signal<Out, Bits<64>>,
    pub req_wdata: Signal<Out, Bits<128>>,
    pub mailbox_write: Signal<Out, Bit>,
    pub mailbox_addr: Signal<Out, Bits<6>>,
    pub mailbox_wdata: Signal<Out, Bits<32>>,
    pub start: Signal<Out, Bit>,
    pub done: Signal<Out, Bit>,
    blocks: SyncROM<Bits<128>, ROM_BITS>,
    addresses: SyncROM<Bits<32>, ROM_BITS>,
    mailbox: SyncROM<Bits<32>, 6>,
    state: DFF<Bits<3>>,
    index: DFF<Bits<13>>,
    previous: Signal<Local, Bits<13>>,
    block_count: Constant<Bits<13>>,
    s_load: Constant<Bits<3>>,
    s_issue: Constant<Bits<3>>,
    s_mailbox: Constant<Bits<3>>,
    s_start: Constant<Bits<3>>,
    s_done: Constant<Bits<3>>,
}

impl GuestLoader {
    /// A loader of `blocks` (DRAM address, 16 bytes; at most 2^[`ROM_BITS`]) and the mailbox
    /// `words` (at most [`MAILBOX_WORDS`]; the rest zero).
    pub fn new(blocks: &[(u32, [u8; 16])], words: &[u32]) -> Self {
        let n = blocks.len().min(1 << ROM_BITS);
        let data: BTreeMap<Bits<ROM_BITS>, Bits<128>> =
            blocks[..n].iter().enumerate().map(|(i, (_, b))| ((i as u64).into(), crate::engine::engine_top::from_bytes::<128>(b))).collect();
        let addresses: BTreeMap<Bits<ROM_BITS>, Bits<32>> = blocks[..n].iter().enumerate().map(|(i, (a, _))| ((i as u64).into(), u64::from(*a).into())).collect();
        let mailbox: BTreeMap<Bits<6>, Bits<32>> = words.iter().take(MAILBOX_WORDS).enumerate().map(|(i, w)| ((i as u64).into(), u64::from(*w).into())).collect();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_addr: Default::default(),
            req_wdata: Default::default(),
            mailbox_write: Default::default(),
            mailbox_addr: Default::default(),
            mailbox_wdata: Default::default(),
            start: Default::default(),
            done: Default::default(),
            blocks: SyncROM::new(data),
            addresses: SyncROM::new(addresses),
            mailbox: SyncROM::new(mailbox),
            state: Default::default(),
            index: Default::default(),
            previous: Default::default(),
            block_count: Constant::new((n as u64).into()),
            s_load: Constant::new(LOAD.into()),
            s_issue: Constant::new(ISSUE.into()),
            s_mailbox: Constant::new(MAILBOX.into()),
            s_start: Constant::new(START.into()),
            s_done: Constant::new(DONE.into()),
        }
    }
}

impl Logic for GuestLoader {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, index);
        self.blocks.clock.next = self.clock.val();
        self.addresses.clock.next = self.clock.val();
        self.mailbox.clock.next = self.clock.val();
        self.blocks.address.next = self.index.q.val().get_bits::<ROM_BITS>(0);
        self.addresses.address.next = self.index.q.val().get_bits::<ROM_BITS>(0);
        self.mailbox.address.next = self.index.q.val().get_bits::<6>(0);
        self.req_valid.next = self.state.q.val() == self.s_issue.val();
        self.req_addr.next = bit_cast::<64, 32>(self.addresses.data.val());
        self.req_wdata.next = self.blocks.data.val();
        // The mailbox ROM's word for `index` shows one cycle after `index`: write word i - 1.
        self.mailbox_write.next = (self.state.q.val() == self.s_mailbox.val()) & (self.index.q.val() != 0);
        self.previous.next = self.index.q.val() - 1;
        self.mailbox_addr.next = self.previous.val().get_bits::<6>(0);
        self.mailbox_wdata.next = self.mailbox.data.val();
        self.start.next = self.state.q.val() == self.s_start.val();
        self.done.next = self.state.q.val() == self.s_done.val();
        if self.state.q.val() == self.s_load.val() {
            self.state.d.next = self.s_issue.val();
            if self.index.q.val() == self.block_count.val() {
                self.state.d.next = self.s_mailbox.val();
                self.index.d.next = bits::<13>(0);
            }
        }
        if self.req_valid.val() & self.req_ready.val() {
            self.state.d.next = self.s_load.val();
            self.index.d.next = self.index.q.val() + 1;
        }
        if self.state.q.val() == self.s_mailbox.val() {
            self.index.d.next = self.index.q.val() + 1;
            if self.index.q.val() == 64 {
                self.state.d.next = self.s_start.val();
            }
        }
        if self.state.q.val() == self.s_start.val() {
            self.state.d.next = self.s_done.val();
        }
        if self.reset.val() {
            self.state.d.next = self.s_load.val();
            self.index.d.next = bits::<13>(0);
        }
    }
}
