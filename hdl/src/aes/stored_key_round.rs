//! `StoredKeyRound`: one AES round (either direction) that adds a round key read from memory
//! instead of computing it: no key schedule runs beside the data, and the block carries only
//! the slot (ASID) whose round keys it uses.
//!
//! Data, encryption: SubBytes (16 S-boxes), ShiftRows, MixColumns (skipped in the final
//! round), AddRoundKey. Decryption (the inverse cipher, rounds counting down from Nr to 1):
//! InvShiftRows, InvSubBytes, AddRoundKey, InvMixColumns (skipped in round 1).
//!
//! Latency: 0 to 3 cycles from `*_in` to `*_out`, one per register enabled at construction
//! ([`RoundRegisterSet`]: inside the S-boxes, after them, at the end); `valid` and `slot` wait
//! beside the state in each. Registers clear to zero on a synchronous `reset` (the S-boxes'
//! inner register as [`PipelinedSboxBank`] says).
//!
//! Round-key timing: `round_key` must show, in the same cycle, the round key of the slot
//! `key_slot` names (an asynchronous memory read, see [`crate::aes::stored_key_pipeline`]):
//! - in a round with a register before AddRoundKey (inside or after the S-boxes), `key_slot`
//!   is the slot of the block that reaches AddRoundKey in the *next* cycle, and the round
//!   keeps the key in a 128-bit register for it, so the memory read is off the data path
//!   ([`StoredKeyRound::reads_ahead`]);
//! - otherwise it is the slot of the block at AddRoundKey in this cycle.

use crate::aes::encrypt_round::RoundRegisterSet;
use crate::aes::mix_columns::MixColumns;
use crate::aes::sbox::{PipelinedSboxBank, SboxStyle};
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct StoredKeyRound {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// A block is present on `state_in`/`slot_in`.
    pub valid_in: Signal<In, Bit>,
    /// State entering the round (after the previous AddRoundKey).
    pub state_in: [Signal<In, Bits<8>>; 16],
    /// The block's key slot.
    pub slot_in: Signal<In, Bits<16>>,
    /// `valid_in`, delayed by the round's latency.
    pub valid_out: Signal<Out, Bit>,
    /// State leaving the round.
    pub state_out: [Signal<Out, Bits<8>>; 16],
    /// `slot_in`, delayed by the round's latency.
    pub slot_out: Signal<Out, Bits<16>>,
    /// The slot whose round key AddRoundKey needs in this cycle.
    pub key_slot: Signal<Out, Bits<16>>,
    /// The round key of `key_slot`, in the same cycle.
    pub round_key: [Signal<In, Bits<8>>; 16],
    data_sbox: PipelinedSboxBank,
    mix: MixColumns,
    key_held: Vec<DFF<Bits<8>>>,
    key_now: [Signal<Local, Bits<8>>; 16],
    early_valid: Vec<DFF<Bit>>,
    early_slot: Vec<DFF<Bits<16>>>,
    mid_valid: Vec<DFF<Bit>>,
    mid_slot: Vec<DFF<Bits<16>>>,
    mid_state: Vec<DFF<Bits<8>>>,
    out_valid: Vec<DFF<Bit>>,
    out_slot: Vec<DFF<Bits<16>>>,
    out_state: Vec<DFF<Bits<8>>>,
    sboxed_valid: Signal<Local, Bit>,
    sboxed_slot: Signal<Local, Bits<16>>,
    sub_valid: Signal<Local, Bit>,
    sub_slot: Signal<Local, Bits<16>>,
    sub_state: [Signal<Local, Bits<8>>; 16],
    next_state: [Signal<Local, Bits<8>>; 16],
    decrypt: Constant<Bit>,
    final_round: Constant<Bit>,
}

impl StoredKeyRound {
    /// An encryption round (`decrypt` false: round `round` of `rounds`, final when equal) or
    /// a decryption round (`round` counts down: MixColumns skipped in round 1), with the given
    /// S-boxes and registers.
    pub fn new(decrypt: bool, round: usize, rounds: usize, style: SboxStyle, registers: RoundRegisterSet) -> Self {
        let e = usize::from(registers.in_sbox);
        let m = usize::from(registers.after_sbox);
        let o = usize::from(registers.after_round);
        let final_round = if decrypt { round == 1 } else { round == rounds };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid_in: Default::default(),
            state_in: Default::default(),
            slot_in: Default::default(),
            valid_out: Default::default(),
            state_out: Default::default(),
            slot_out: Default::default(),
            key_slot: Default::default(),
            round_key: Default::default(),
            data_sbox: PipelinedSboxBank::new(16, style, decrypt, registers.in_sbox),
            mix: MixColumns::new(decrypt),
            key_held: defaults(16 * usize::from(registers.in_sbox || registers.after_sbox)),
            key_now: Default::default(),
            early_valid: defaults(e),
            early_slot: defaults(e),
            mid_valid: defaults(m),
            mid_slot: defaults(m),
            mid_state: defaults(16 * m),
            out_valid: defaults(o),
            out_slot: defaults(o),
            out_state: defaults(16 * o),
            sboxed_valid: Default::default(),
            sboxed_slot: Default::default(),
            sub_valid: Default::default(),
            sub_slot: Default::default(),
            sub_state: Default::default(),
            next_state: Default::default(),
            decrypt: Constant::new(decrypt),
            final_round: Constant::new(final_round),
        }
    }
}

impl StoredKeyRound {
    /// `key_slot` names the block that reaches AddRoundKey next cycle (the round has a
    /// register before it), for a registered read; else the block there now.
    pub fn reads_ahead(&self) -> bool {
        !self.key_held.is_empty()
    }
}

impl Logic for StoredKeyRound {
    #[hdl_gen]
    fn update(&mut self) {
        // S-boxes: SubBytes, or InvShiftRows then InvSubBytes.
        for c in 0..4 {
            for r in 0..4 {
                self.data_sbox.x[4 * c + r].next = self.state_in[4 * c + r].val();
                if self.decrypt.val() {
                    self.data_sbox.x[4 * c + r].next = self.state_in[4 * ((c + 4 - r) % 4) + r].val();
                }
            }
        }
        // Optional register inside the S-boxes; the valid bit and the slot wait beside it.
        self.data_sbox.clock.next = self.clock.val();
        self.data_sbox.reset.next = self.reset.val();
        self.sboxed_valid.next = self.valid_in.val();
        self.sboxed_slot.next = self.slot_in.val();
        for i in 0..self.early_valid.len() {
            self.early_valid[i].clock.next = self.clock.val();
            self.early_valid[i].d.next = self.valid_in.val() & !self.reset.val();
            self.sboxed_valid.next = self.early_valid[i].q.val();
            self.early_slot[i].clock.next = self.clock.val();
            self.early_slot[i].d.next = self.slot_in.val();
            if self.reset.val() {
                self.early_slot[i].d.next = bits::<16>(0);
            }
            self.sboxed_slot.next = self.early_slot[i].q.val();
        }
        // Optional register between the S-boxes and the rest of the round.
        self.sub_valid.next = self.sboxed_valid.val();
        self.sub_slot.next = self.sboxed_slot.val();
        for i in 0..16 {
            self.sub_state[i].next = self.data_sbox.y[i].val();
        }
        for i in 0..self.mid_valid.len() {
            self.mid_valid[i].clock.next = self.clock.val();
            self.mid_valid[i].d.next = self.sboxed_valid.val() & !self.reset.val();
            self.sub_valid.next = self.mid_valid[i].q.val();
            self.mid_slot[i].clock.next = self.clock.val();
            self.mid_slot[i].d.next = self.sboxed_slot.val();
            if self.reset.val() {
                self.mid_slot[i].d.next = bits::<16>(0);
            }
            self.sub_slot.next = self.mid_slot[i].q.val();
        }
        for i in 0..self.mid_state.len() {
            self.mid_state[i].clock.next = self.clock.val();
            self.mid_state[i].d.next = self.data_sbox.y[i].val();
            if self.reset.val() {
                self.mid_state[i].d.next = bits::<8>(0);
            }
            self.sub_state[i].next = self.mid_state[i].q.val();
        }
        // The round key's slot: this segment's block, or, with a register in front of this
        // segment, the block that reaches it next cycle (a registered read).
        self.key_slot.next = self.sub_slot.val();
        for _i in 0..self.early_valid.len() {
            self.key_slot.next = self.slot_in.val();
        }
        for _i in 0..self.mid_valid.len() {
            self.key_slot.next = self.sboxed_slot.val();
        }
        for i in 0..16 {
            self.key_now[i].next = self.round_key[i].val();
        }
        for i in 0..self.key_held.len() {
            self.key_held[i].clock.next = self.clock.val();
            self.key_held[i].d.next = self.round_key[i].val();
            if self.reset.val() {
                self.key_held[i].d.next = bits::<8>(0);
            }
            self.key_now[i].next = self.key_held[i].q.val();
        }
        // Encryption: ShiftRows, MixColumns unless final, AddRoundKey.
        // Decryption: AddRoundKey, InvMixColumns unless round 1.
        for c in 0..4 {
            for r in 0..4 {
                self.mix.x[4 * c + r].next = self.sub_state[4 * ((c + r) % 4) + r].val();
                if self.final_round.val() {
                    self.next_state[4 * c + r].next =
                        self.sub_state[4 * ((c + r) % 4) + r].val() ^ self.key_now[4 * c + r].val();
                } else {
                    self.next_state[4 * c + r].next = self.mix.y[4 * c + r].val() ^ self.key_now[4 * c + r].val();
                }
                if self.decrypt.val() {
                    self.mix.x[4 * c + r].next = self.sub_state[4 * c + r].val() ^ self.key_now[4 * c + r].val();
                    if self.final_round.val() {
                        self.next_state[4 * c + r].next = self.sub_state[4 * c + r].val() ^ self.key_now[4 * c + r].val();
                    } else {
                        self.next_state[4 * c + r].next = self.mix.y[4 * c + r].val();
                    }
                }
            }
        }
        // Outputs, through the optional end register.
        self.valid_out.next = self.sub_valid.val();
        self.slot_out.next = self.sub_slot.val();
        for i in 0..16 {
            self.state_out[i].next = self.next_state[i].val();
        }
        for i in 0..self.out_valid.len() {
            self.out_valid[i].clock.next = self.clock.val();
            self.out_valid[i].d.next = self.sub_valid.val() & !self.reset.val();
            self.valid_out.next = self.out_valid[i].q.val();
            self.out_slot[i].clock.next = self.clock.val();
            self.out_slot[i].d.next = self.sub_slot.val();
            if self.reset.val() {
                self.out_slot[i].d.next = bits::<16>(0);
            }
            self.slot_out.next = self.out_slot[i].q.val();
        }
        for i in 0..self.out_state.len() {
            self.out_state[i].clock.next = self.clock.val();
            self.out_state[i].d.next = self.next_state[i].val();
            if self.reset.val() {
                self.out_state[i].d.next = bits::<8>(0);
            }
            self.state_out[i].next = self.out_state[i].q.val();
        }
    }
}
