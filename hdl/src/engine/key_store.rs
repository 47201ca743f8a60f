//! `KeyStore`: the key table's storage: per slot a valid bit, the data key (`key1`), its
//! decryption key form and the tweak key (`key2`), with one write port and two synchronous
//! read ports (lookup: valid bit, `key1`, `key2`; decrypt: the decryption key form).
//!
//! A leaf primitive: its Rust model is a vector of slots and its Verilog is written by
//! [`KeyStore::verilog_text`] in one of two shapes, by [`KeyTableStorage`]:
//! - `registers`: flip-flops, all cleared by reset;
//! - `block_ram`: three simple dual-port memories with registered reads that synthesis maps to
//!   block RAM; reset clears the valid bits and the read registers' range flags, not the memory.
//!   Neither read port reads at an edge where `write_enable` is high: both hold their outputs
//!   instead. So a read never meets a write: Yosys sees it from the read enables, and the
//!   memories also carry its `no_rw_check` attribute, which says so. Where a read may meet a
//!   write, Yosys keeps read-before-write order on ECP5 and iCE40 block RAM with a register
//!   copy of every write and a bypass (775 flip-flops for 128-bit keys). The engine loses
//!   nothing: it writes a slot only while the key table is `busy`, when no read is in flight
//!   and no request is accepted, and both ports read again at the next edge.
//!
//! Timing: a read port shows, in the cycle after an edge, the slot its address named at that
//! edge (read before write). The lookup port reads only at edges where `lookup_enable` is high
//! and holds its output otherwise (the engine reads it once, when it accepts a request, so the
//! read address comes straight from the core's request port). Addresses at or above `slots` read as an invalid, all-zero slot
//! and writes to them are ignored. Outputs are zero in the cycle after a reset edge.
//!
//! Keys leave only through `lookup_key*` and `decrypt_key`, which the engine wires to the
//! cipher pipelines and nowhere else.

use crate::primitives::model_state::ModelState;
use crate::primitives::verilog_text::bits_to_index;
use mee_reference::KeyTableStorage;
use crate::defaults;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// One slot of the Rust model.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SlotContents {
    /// A key is installed.
    pub valid: bool,
    /// The data key.
    pub key1: Vec<u8>,
    /// The decryption key form of `key1`.
    pub key1_decrypt: Vec<u8>,
    /// The tweak key.
    pub key2: Vec<u8>,
}

/// The store's slots and shape, for the Rust model.
#[derive(Clone, Debug, Default)]
pub struct StoreModel {
    storage: Option<KeyTableStorage>,
    slots: Vec<SlotContents>,
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct KeyStore {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Write `write_slot` at this edge.
    pub write_enable: Signal<In, Bit>,
    /// Slot to write.
    pub write_slot: Signal<In, Bits<16>>,
    /// Valid bit to store.
    pub write_valid: Signal<In, Bit>,
    /// Data key to store.
    pub write_key1: Vec<Signal<In, Bits<8>>>,
    /// Decryption key form to store.
    pub write_key1_decrypt: Vec<Signal<In, Bits<8>>>,
    /// Tweak key to store.
    pub write_key2: Vec<Signal<In, Bits<8>>>,
    /// Lookup port address.
    pub lookup_slot: Signal<In, Bits<16>>,
    /// Read the lookup port at this edge (else it holds).
    pub lookup_enable: Signal<In, Bit>,
    /// Valid bit of the slot looked up.
    pub lookup_valid: Signal<Out, Bit>,
    /// Data key of the slot looked up.
    pub lookup_key1: Vec<Signal<Out, Bits<8>>>,
    /// Tweak key of the slot looked up.
    pub lookup_key2: Vec<Signal<Out, Bits<8>>>,
    /// Decrypt port address.
    pub decrypt_slot: Signal<In, Bits<16>>,
    /// Decryption key form of the slot read.
    pub decrypt_key: Vec<Signal<Out, Bits<8>>>,
    model: ModelState<StoreModel>,
}

fn set_bytes(ports: &mut [Signal<Out, Bits<8>>], values: Option<&[u8]>) {
    for (k, p) in ports.iter_mut().enumerate() {
        p.next = Bits::<8>::from(LiteralType::from(values.map_or(0, |v| v[k])));
    }
}

impl KeyStore {
    /// A store of `slots` slots for `key_bytes`-byte keys.
    pub fn new(slots: usize, key_bytes: usize, storage: KeyTableStorage) -> Self {
        let empty = SlotContents { valid: false, key1: vec![0; key_bytes], key1_decrypt: vec![0; key_bytes], key2: vec![0; key_bytes] };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            write_enable: Default::default(),
            write_slot: Default::default(),
            write_valid: Default::default(),
            write_key1: defaults(key_bytes),
            write_key1_decrypt: defaults(key_bytes),
            write_key2: defaults(key_bytes),
            lookup_slot: Default::default(),
            lookup_enable: Default::default(),
            lookup_valid: Default::default(),
            lookup_key1: defaults(key_bytes),
            lookup_key2: defaults(key_bytes),
            decrypt_slot: Default::default(),
            decrypt_key: defaults(key_bytes),
            model: ModelState(StoreModel { storage: Some(storage), slots: vec![empty; slots.max(1)] }),
        }
    }

    /// What slot `slot` holds (for tests: the hardware itself has no such path).
    pub fn slot_contents(&self, slot: usize) -> Option<&SlotContents> {
        self.model.0.slots.get(slot)
    }

    fn storage(&self) -> KeyTableStorage {
        self.model.0.storage.unwrap_or(KeyTableStorage::Registers)
    }

    /// The body of the store's Verilog module.
    pub fn verilog_text(&self) -> String {
        let slots = self.model.0.slots.len();
        let key_bits = 8 * self.write_key1.len();
        let index_bits = bits_to_index(slots);
        let last = slots - 1;
        let block_ram = self.storage() == KeyTableStorage::BlockRam;
        let style = if block_ram { "block" } else { "registers" };
        let pack = |name: &str| -> String {
            let parts: Vec<String> = (0..self.write_key1.len()).rev().map(|k| format!("{name}${k}")).collect();
            format!("{{{}}}", parts.join(", "))
        };
        let mut v = String::new();
        for memory in ["key1_memory", "key1_decrypt_memory", "key2_memory"] {
            let _ = writeln!(v, "(* ram_style = \"{style}\"{} *) reg [{}:0] {memory} [0:{last}];", if block_ram { ", no_rw_check" } else { "" }, key_bits - 1);
        }
        let _ = writeln!(v, "reg [{last}:0] slot_valid;");
        let _ = writeln!(v, "reg [{}:0] lookup_key1_word;\nreg [{}:0] lookup_key2_word;\nreg [{}:0] decrypt_word;", key_bits - 1, key_bits - 1, key_bits - 1);
        let _ = writeln!(v, "reg lookup_valid_bit;\nreg lookup_in_range;\nreg decrypt_in_range;\ninteger i;");
        let _ = writeln!(v, "wire [{}:0] write_index = write_slot[{}:0];", index_bits - 1, index_bits - 1);
        let _ = writeln!(v, "wire [{}:0] lookup_index = lookup_slot[{}:0];", index_bits - 1, index_bits - 1);
        let _ = writeln!(v, "wire [{}:0] decrypt_index = decrypt_slot[{}:0];", index_bits - 1, index_bits - 1);
        let _ = writeln!(v, "wire write_here = write_enable & (write_slot < 16'd{slots});");
        // Block RAM: no read at a write edge (see the module documentation). Flip-flops read
        // at every edge the port names, in the same text as before block RAM had the rule.
        let (lookup_read, decrypt_range) = if block_ram {
            v.push_str("wire lookup_read = lookup_enable & ~write_enable;\nwire decrypt_read = ~write_enable;\n");
            ("lookup_read", "if (decrypt_read)\n            decrypt_in_range <= decrypt_here;")
        } else {
            ("lookup_enable", "decrypt_in_range <= decrypt_here;")
        };
        let _ = writeln!(v, "wire lookup_here = lookup_slot < 16'd{slots};\nwire decrypt_here = decrypt_slot < 16'd{slots};");
        let _ = writeln!(
            v,
            "initial begin\n    slot_valid = 0;\n    lookup_valid_bit = 1'b0;\n    lookup_in_range = 1'b0;\n    decrypt_in_range = 1'b0;{word_init}\n\
             \x20   for (i = 0; i < {slots}; i = i + 1) begin\n        key1_memory[i] = 0;\n        key1_decrypt_memory[i] = 0;\n        key2_memory[i] = 0;\n    end\nend",
            word_init = if block_ram { "" } else { "\n    lookup_key1_word = 0;\n    lookup_key2_word = 0;\n    decrypt_word = 0;" }
        );
        // Control: valid bits and range flags, reset by `reset`.
        let _ = writeln!(
            v,
            "always @(posedge clock) begin\n    if (reset) begin\n        slot_valid <= 0;\n        lookup_valid_bit <= 1'b0;\n        lookup_in_range <= 1'b0;\n        decrypt_in_range <= 1'b0;\n    end else begin\n\
             \x20       if ({lookup_read}) begin\n            lookup_in_range <= lookup_here;\n            lookup_valid_bit <= slot_valid[lookup_index];\n        end\n        {decrypt_range}\n\
             \x20       if (write_here)\n            slot_valid[write_index] <= write_valid;\n    end\nend"
        );
        // Storage: read first, then write. Block RAM reads into the memory's own read
        // register, so an out-of-range slot is zeroed behind it (below); flip-flops zero it in
        // front of the read register, so that the keys leave the store straight from
        // flip-flops (the decryption pipeline's first round starts from `decrypt_key`).
        if block_ram {
            let _ = writeln!(
                v,
                "always @(posedge clock) begin\n    if (lookup_read) begin\n        lookup_key1_word <= key1_memory[lookup_index];\n        lookup_key2_word <= key2_memory[lookup_index];\n    end\n    if (decrypt_read)\n        decrypt_word <= key1_decrypt_memory[decrypt_index];"
            );
        } else {
            let _ = writeln!(
                v,
                "always @(posedge clock) begin\n    if (reset) begin\n        lookup_key1_word <= 0;\n        lookup_key2_word <= 0;\n        decrypt_word <= 0;\n    end else begin\n\
                 \x20       if (lookup_enable) begin\n            lookup_key1_word <= lookup_here ? key1_memory[lookup_index] : 0;\n\
                 \x20           lookup_key2_word <= lookup_here ? key2_memory[lookup_index] : 0;\n        end\n\
                 \x20       decrypt_word <= decrypt_here ? key1_decrypt_memory[decrypt_index] : 0;\n    end"
            );
        }
        if block_ram {
            let _ = writeln!(
                v,
                "    if (write_here & ~reset) begin\n        key1_memory[write_index] <= {};\n        key1_decrypt_memory[write_index] <= {};\n        key2_memory[write_index] <= {};\n    end\nend",
                pack("write_key1"), pack("write_key1_decrypt"), pack("write_key2")
            );
        } else {
            let _ = writeln!(
                v,
                "    if (reset) begin\n        for (i = 0; i < {slots}; i = i + 1) begin\n            key1_memory[i] <= 0;\n            key1_decrypt_memory[i] <= 0;\n            key2_memory[i] <= 0;\n        end\n    end else if (write_here) begin\n\
                 \x20       key1_memory[write_index] <= {};\n        key1_decrypt_memory[write_index] <= {};\n        key2_memory[write_index] <= {};\n    end\nend",
                pack("write_key1"), pack("write_key1_decrypt"), pack("write_key2")
            );
        }
        v.push_str("always @(*) begin\n    lookup_valid = lookup_in_range & lookup_valid_bit;\n");
        // Block RAM's words are zeroed here for an out-of-range slot; the flip-flops' already were.
        let gated = |flag: &str, byte: String| if block_ram { format!("{flag} ? {byte} : 8'h00") } else { byte };
        for k in 0..self.write_key1.len() {
            let (hi, lo) = (8 * k + 7, 8 * k);
            let _ = writeln!(v, "    lookup_key1${k} = {};", gated("lookup_in_range", format!("lookup_key1_word[{hi}:{lo}]")));
            let _ = writeln!(v, "    lookup_key2${k} = {};", gated("lookup_in_range", format!("lookup_key2_word[{hi}:{lo}]")));
            let _ = writeln!(v, "    decrypt_key${k} = {};", gated("decrypt_in_range", format!("decrypt_word[{hi}:{lo}]")));
        }
        v.push_str("end\n");
        v
    }
}

impl Logic for KeyStore {
    fn update(&mut self) {
        if !self.clock.pos_edge() {
            return;
        }
        let registers = self.storage() == KeyTableStorage::Registers;
        let model = &mut self.model.0;
        if self.reset.val() {
            for slot in &mut model.slots {
                slot.valid = false;
                if registers {
                    slot.key1.fill(0);
                    slot.key1_decrypt.fill(0);
                    slot.key2.fill(0);
                }
            }
            self.lookup_valid.next = false;
            set_bytes(&mut self.lookup_key1, None);
            set_bytes(&mut self.lookup_key2, None);
            set_bytes(&mut self.decrypt_key, None);
            return;
        }
        // Block RAM reads at no write edge (see the module documentation).
        let write_edge = !registers && self.write_enable.val();
        if self.lookup_enable.val() && !write_edge {
            let lookup = model.slots.get(self.lookup_slot.val().index());
            self.lookup_valid.next = lookup.is_some_and(|s| s.valid);
            set_bytes(&mut self.lookup_key1, lookup.map(|s| s.key1.as_slice()));
            set_bytes(&mut self.lookup_key2, lookup.map(|s| s.key2.as_slice()));
        }
        if !write_edge {
            let decrypt = model.slots.get(self.decrypt_slot.val().index());
            set_bytes(&mut self.decrypt_key, decrypt.map(|s| s.key1_decrypt.as_slice()));
        }
        if self.write_enable.val() {
            if let Some(slot) = model.slots.get_mut(self.write_slot.val().index()) {
                let read = |ports: &[Signal<In, Bits<8>>]| ports.iter().map(|p| p.val().to_u8()).collect::<Vec<u8>>();
                slot.valid = self.write_valid.val();
                slot.key1 = read(&self.write_key1);
                slot.key1_decrypt = read(&self.write_key1_decrypt);
                slot.key2 = read(&self.write_key2);
            }
        }
    }

    fn connect(&mut self) {
        self.lookup_valid.connect();
        for p in self.lookup_key1.iter_mut().chain(self.lookup_key2.iter_mut()).chain(self.decrypt_key.iter_mut()) {
            p.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
