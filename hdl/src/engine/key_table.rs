//! `KeyTable`: the ASID-indexed key table and its key-management port.
//!
//! Holds a [`KeyStore`] (storage), a [`DecryptionKeyExpander`] (makes the decryption key form
//! of every installed data key) and the command logic of the key-management port:
//!
//! - `set_key(asid, key1, key2)`: status 1 (`bad_asid`) when `asid >= num_asids`, else 2
//!   (`weak_key`) when `key1 == key2`, else 0 after the slot holds both keys, the decryption
//!   form of `key1` and its valid bit;
//! - `clear_key(asid)`: status 1 when out of range, else 0 after the slot is all zero and
//!   invalid.
//!
//! Timing: a command is accepted at an edge where `key_cmd_valid` and `key_cmd_ready` are high;
//! `key_cmd_ready` is high only while no command is in progress and `engine_idle` is high (the
//! engine has nothing in flight, so no request can see a half-written slot). `busy` is high
//! from the accepting edge until the response; the engine accepts no requests meanwhile.
//! `key_rsp_valid` pulses for one cycle with `key_rsp_status`: 1 cycle after acceptance for
//! errors and `clear_key`, [`DecryptionKeyExpander::latency`] cycles after it for `set_key`.
//! The slot is written at the edge that ends the response cycle.
//!
//! Only the 20 command registers (`pending`, its op, slot and status) load on the accepting
//! edge, so `accept`, which depends on the engine's `engine_idle`, drives few enables. The
//! wide parts load from registers alone: while no command is in progress the held keys follow
//! the command port and the expander restarts on `key_cmd_key1` every cycle, so both hold the
//! accepted command's keys from the accepting edge on (the expander's `done` counts no cycle
//! before that edge, and a `clear_key` or refused command ignores it).
//!
//! The lookup and decrypt read ports are those of [`KeyStore`] (one cycle, synchronous).
//!
//! With stored round keys (`[pipeline] round_keys = "stored"`), the table also programs the
//! AES pipelines' round-key memories through `round_key_write_*`, in the cycles the command
//! is in progress, so `set_key` and `clear_key` take no longer: a `set_key` writes, in each
//! cycle `c` = 1 to [`DecryptionKeyExpander::latency`] after its acceptance, the key
//! schedule's window from round key `c - 1` on (`round_key_write_key1` from the data key's
//! expander, `round_key_write_key2` from a second expander on the tweak key); a `clear_key`
//! zeroes the slot's round keys in the cycle after its acceptance
//! (`round_key_write_all`). Refused commands write nothing. Without stored round keys the
//! write port stays idle and nothing reads the second expander (synthesis removes it).

use crate::aes::key_expansion::DecryptionKeyExpander;
use crate::engine::key_store::KeyStore;
use crate::primitives::modelled_children::ModelledChildren;
use crate::aes::sbox::SboxStyle;
use mee_reference::KeyTableStorage;
use crate::defaults;
use rust_hdl::prelude::*;

/// See the module documentation.
#[derive(LogicBlock)]
pub struct KeyTable {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset: empties the table and abandons a command in progress.
    pub reset: Signal<In, Bit>,
    /// Command handshake.
    pub key_cmd_valid: Signal<In, Bit>,
    /// Command handshake.
    pub key_cmd_ready: Signal<Out, Bit>,
    /// 0 `set_key`, 1 `clear_key`.
    pub key_cmd_op: Signal<In, Bit>,
    /// Slot to program.
    pub key_cmd_asid: Signal<In, Bits<16>>,
    /// Data key.
    pub key_cmd_key1: Vec<Signal<In, Bits<8>>>,
    /// Tweak key.
    pub key_cmd_key2: Vec<Signal<In, Bits<8>>>,
    /// One pulse per command, when it has taken effect.
    pub key_rsp_valid: Signal<Out, Bit>,
    /// 0 ok, 1 ASID out of range, 2 key1 equal to key2 (zero while `key_rsp_valid` is low).
    pub key_rsp_status: Signal<Out, Bits<2>>,
    /// The engine has no request in flight.
    pub engine_idle: Signal<In, Bit>,
    /// A command is in progress.
    pub busy: Signal<Out, Bit>,
    /// Lookup read port address.
    pub lookup_slot: Signal<In, Bits<16>>,
    /// Read the lookup port at this edge (else it holds its output).
    pub lookup_enable: Signal<In, Bit>,
    /// Lookup: a key is installed.
    pub lookup_valid: Signal<Out, Bit>,
    /// Lookup: data key.
    pub lookup_key1: Vec<Signal<Out, Bits<8>>>,
    /// Lookup: tweak key.
    pub lookup_key2: Vec<Signal<Out, Bits<8>>>,
    /// Decrypt read port address.
    pub decrypt_slot: Signal<In, Bits<16>>,
    /// Decrypt: decryption key form.
    pub decrypt_key: Vec<Signal<Out, Bits<8>>>,
    /// Round-key write port (stored round keys): write this cycle.
    pub round_key_write_enable: Signal<Out, Bit>,
    /// Round-key write port: the first round key of the windows (zero) goes into every round
    /// key of the slot (`clear_key`).
    pub round_key_write_all: Signal<Out, Bit>,
    /// Round-key write port: the slot.
    pub round_key_write_slot: Signal<Out, Bits<16>>,
    /// Round-key write port: the first round key's index in the window.
    pub round_key_write_index: Signal<Out, Bits<8>>,
    /// Round-key write port: the data key's schedule window (16 or 32 bytes).
    pub round_key_write_key1: Vec<Signal<Out, Bits<8>>>,
    /// Round-key write port: the tweak key's schedule window.
    pub round_key_write_key2: Vec<Signal<Out, Bits<8>>>,
    /// The storage (public for tests that inspect a slot).
    pub store: KeyStore,
    expander: DecryptionKeyExpander,
    /// The tweak key's expander: used with stored round keys only (otherwise exported as a
    /// stub).
    key2_expander: ModelledChildren<DecryptionKeyExpander>,
    /// Cycles since the command's acceptance, less one: the window's round-key index.
    write_index: DFF<Bits<8>>,
    stored_round_keys: Constant<Bit>,
    /// The command's data key, then its tweak key: follow the port while `pending` is low.
    held_keys: Vec<DFF<Bits<8>>>,
    /// `pending` low and no reset: the held keys load and the expander restarts.
    idle_load: Signal<Local, Bit>,
    pending: DFF<Bit>,
    pending_op: DFF<Bit>,
    pending_slot: DFF<Bits<16>>,
    pending_status: DFF<Bits<2>>,
    accept: Signal<Local, Bit>,
    keys_equal: Signal<Local, Bit>,
    incoming_status: Signal<Local, Bits<2>>,
    complete: Signal<Local, Bit>,
    slot_count: Constant<Bits<16>>,
}

impl KeyTable {
    /// A table of `slots` slots for `key_bytes`-byte keys; with `stored_round_keys` it also
    /// programs the pipelines' round keys (see the module documentation).
    pub fn new(slots: usize, key_bytes: usize, storage: KeyTableStorage, style: SboxStyle, stored_round_keys: bool) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            key_cmd_op: Default::default(),
            key_cmd_asid: Default::default(),
            key_cmd_key1: defaults(key_bytes),
            key_cmd_key2: defaults(key_bytes),
            key_rsp_valid: Default::default(),
            key_rsp_status: Default::default(),
            engine_idle: Default::default(),
            busy: Default::default(),
            lookup_slot: Default::default(),
            lookup_enable: Default::default(),
            lookup_valid: Default::default(),
            lookup_key1: defaults(key_bytes),
            lookup_key2: defaults(key_bytes),
            decrypt_slot: Default::default(),
            decrypt_key: defaults(key_bytes),
            round_key_write_enable: Default::default(),
            round_key_write_all: Default::default(),
            round_key_write_slot: Default::default(),
            round_key_write_index: Default::default(),
            round_key_write_key1: defaults(key_bytes),
            round_key_write_key2: defaults(key_bytes),
            store: KeyStore::new(slots, key_bytes, storage),
            expander: DecryptionKeyExpander::new(key_bytes, style),
            key2_expander: ModelledChildren::chosen(DecryptionKeyExpander::new(key_bytes, style), stored_round_keys),
            write_index: Default::default(),
            stored_round_keys: Constant::new(stored_round_keys),
            held_keys: (0..2 * key_bytes).map(|_| Default::default()).collect(),
            idle_load: Default::default(),
            pending: Default::default(),
            pending_op: Default::default(),
            pending_slot: Default::default(),
            pending_status: Default::default(),
            accept: Default::default(),
            keys_equal: Default::default(),
            incoming_status: Default::default(),
            complete: Default::default(),
            slot_count: Constant::new(Bits::<16>::from(LiteralType::from(slots as u64))),
        }
    }

    /// Cycles from accepting a `set_key` to its response.
    pub fn set_key_latency(key_bytes: usize) -> usize {
        DecryptionKeyExpander::latency(key_bytes)
    }
}

impl Logic for KeyTable {
    #[hdl_gen]
    fn update(&mut self) {
        self.pending.clock.next = self.clock.val();
        self.pending_op.clock.next = self.clock.val();
        self.pending_slot.clock.next = self.clock.val();
        self.pending_status.clock.next = self.clock.val();
        self.store.clock.next = self.clock.val();
        self.store.reset.next = self.reset.val();
        self.expander.clock.next = self.clock.val();
        self.expander.reset.next = self.reset.val();
        for k in 0..self.held_keys.len() {
            self.held_keys[k].clock.next = self.clock.val();
        }
        // Accepting a command.
        self.key_cmd_ready.next = !self.pending.q.val() & self.engine_idle.val() & !self.reset.val();
        self.accept.next = self.key_cmd_valid.val() & !self.pending.q.val() & self.engine_idle.val() & !self.reset.val();
        self.keys_equal.next = true;
        for k in 0..self.key_cmd_key1.len() {
            if self.key_cmd_key1[k].val() != self.key_cmd_key2[k].val() {
                self.keys_equal.next = false;
            }
        }
        self.incoming_status.next = bits::<2>(0);
        if !self.key_cmd_op.val() & self.keys_equal.val() {
            self.incoming_status.next = bits::<2>(2);
        }
        if self.key_cmd_asid.val() >= self.slot_count.val() {
            self.incoming_status.next = bits::<2>(1);
        }
        self.pending.d.next = self.pending.q.val();
        self.pending_op.d.next = self.pending_op.q.val();
        self.pending_slot.d.next = self.pending_slot.q.val();
        self.pending_status.d.next = self.pending_status.q.val();
        if self.accept.val() {
            self.pending.d.next = true;
            self.pending_op.d.next = self.key_cmd_op.val();
            self.pending_slot.d.next = self.key_cmd_asid.val();
            self.pending_status.d.next = self.incoming_status.val();
        }
        // The wide loads, from registers: see the module documentation.
        self.idle_load.next = !self.pending.q.val() & !self.reset.val();
        // `n` runs once, at the key length: the held keys are key1 then key2.
        for n in self.key_cmd_key1.len()..(self.key_cmd_key1.len() + 1) {
            for k in 0..self.key_cmd_key1.len() {
                self.held_keys[k].d.next = self.held_keys[k].q.val();
                self.held_keys[n + k].d.next = self.held_keys[n + k].q.val();
                if self.idle_load.val() {
                    self.held_keys[k].d.next = self.key_cmd_key1[k].val();
                    self.held_keys[n + k].d.next = self.key_cmd_key2[k].val();
                }
                if self.reset.val() {
                    self.held_keys[k].d.next = bits::<8>(0);
                    self.held_keys[n + k].d.next = bits::<8>(0);
                }
            }
        }
        self.expander.start.next = self.idle_load.val();
        for k in 0..self.key_cmd_key1.len() {
            self.expander.key_in[k].next = self.key_cmd_key1[k].val();
        }
        // Completing it: errors and clear_key at once, set_key when the expansion is done.
        self.complete.next = self.pending.q.val()
            & ((self.pending_status.q.val() != 0) | self.pending_op.q.val() | self.expander.done.val());
        if self.complete.val() {
            self.pending.d.next = false;
        }
        self.store.write_enable.next = self.complete.val() & (self.pending_status.q.val() == 0);
        self.store.write_slot.next = self.pending_slot.q.val();
        self.store.write_valid.next = !self.pending_op.q.val();
        for n in self.key_cmd_key1.len()..(self.key_cmd_key1.len() + 1) {
            for k in 0..self.key_cmd_key1.len() {
                self.store.write_key1[k].next = bits::<8>(0);
                self.store.write_key1_decrypt[k].next = bits::<8>(0);
                self.store.write_key2[k].next = bits::<8>(0);
                if !self.pending_op.q.val() {
                    self.store.write_key1[k].next = self.held_keys[k].q.val();
                    self.store.write_key1_decrypt[k].next = self.expander.key_out[k].val();
                    self.store.write_key2[k].next = self.held_keys[n + k].q.val();
                }
            }
        }
        if self.reset.val() {
            self.pending.d.next = false;
            self.pending_op.d.next = false;
            self.pending_slot.d.next = bits::<16>(0);
            self.pending_status.d.next = bits::<2>(0);
        }
        self.key_rsp_valid.next = self.complete.val();
        self.key_rsp_status.next = bits::<2>(0);
        if self.complete.val() {
            self.key_rsp_status.next = self.pending_status.q.val();
        }
        self.busy.next = self.pending.q.val();
        // Round keys: the expanders' windows while a set_key is in progress, a clear in the
        // cycle after a clear_key's acceptance.
        self.write_index.clock.next = self.clock.val();
        self.write_index.d.next = bits::<8>(0);
        if self.pending.q.val() & !self.reset.val() {
            self.write_index.d.next = self.write_index.q.val() + 1;
        }
        self.round_key_write_enable.next =
            self.stored_round_keys.val() & self.pending.q.val() & (self.pending_status.q.val() == 0) & !self.reset.val();
        self.round_key_write_all.next = self.pending_op.q.val();
        self.round_key_write_slot.next = self.pending_slot.q.val();
        self.round_key_write_index.next = self.write_index.q.val();
        for k in 0..self.round_key_write_key1.len() {
            self.round_key_write_key1[k].next = self.expander.key_out[k].val();
            self.round_key_write_key2[k].next = bits::<8>(0);
            if self.pending_op.q.val() {
                self.round_key_write_key1[k].next = bits::<8>(0);
            }
        }
        self.key2_expander.clock.next = self.clock.val();
        self.key2_expander.reset.next = self.reset.val();
        self.key2_expander.start.next = self.idle_load.val();
        for k in 0..self.key_cmd_key2.len() {
            self.key2_expander.key_in[k].next = self.key_cmd_key2[k].val();
            if self.stored_round_keys.val() & !self.pending_op.q.val() {
                self.round_key_write_key2[k].next = self.key2_expander.key_out[k].val();
            }
        }
        // Read ports, straight to the store.
        self.store.lookup_slot.next = self.lookup_slot.val();
        self.store.lookup_enable.next = self.lookup_enable.val();
        self.store.decrypt_slot.next = self.decrypt_slot.val();
        self.lookup_valid.next = self.store.lookup_valid.val();
        for k in 0..self.lookup_key1.len() {
            self.lookup_key1[k].next = self.store.lookup_key1[k].val();
            self.lookup_key2[k].next = self.store.lookup_key2[k].val();
            self.decrypt_key[k].next = self.store.decrypt_key[k].val();
        }
    }
}
