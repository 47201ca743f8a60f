//! `SpMemory`: the secure processor's 8 KiB of memory, four byte lanes of 2048 entries, each a
//! rust-hdl `RAM` (block RAM after synthesis) whose initial contents hold the firmware image.
//! Which part is read-only is the memory port's business ([`super::sp_memory_port`]).
//!
//! Timing: `rdata` is the word at the `address` of the previous rising edge; a lane whose bit of
//! `write` is high at a rising edge takes its byte of `wdata` (byte k of a word in bits
//! `8k+7:8k`, little-endian like the sp).

use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// Words of the memory.
pub const SP_MEMORY_WORDS: usize = 2048;

/// See the module documentation.
#[derive(LogicBlock, Default)]
#[allow(missing_docs)]
pub struct SpMemory {
    pub clock: Signal<In, Clock>,
    pub address: Signal<In, Bits<11>>,
    pub write: Signal<In, Bits<4>>,
    pub wdata: Signal<In, Bits<32>>,
    pub rdata: Signal<Out, Bits<32>>,
    lanes: [RAM<Bits<8>, 11>; 4],
}

impl SpMemory {
    /// The memory holding `image` from address 0 (at most 8 KiB; the rest is zero).
    pub fn new(image: &[u8]) -> Self {
        let lanes = core::array::from_fn(|lane| {
            let contents: BTreeMap<Bits<11>, Bits<8>> = image
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 4 == lane && i / 4 < SP_MEMORY_WORDS)
                .map(|(i, &b)| (Bits::<11>::from((i / 4) as u64), Bits::<8>::from(u64::from(b))))
                .collect();
            RAM::new(contents)
        });
        Self { lanes, ..Default::default() }
    }
}

impl Logic for SpMemory {
    #[hdl_gen]
    fn update(&mut self) {
        for k in 0..4 {
            self.lanes[k].read_clock.next = self.clock.val();
            self.lanes[k].write_clock.next = self.clock.val();
            self.lanes[k].read_address.next = self.address.val();
            self.lanes[k].write_address.next = self.address.val();
            self.lanes[k].write_data.next = self.wdata.val().get_bits::<8>(8 * k);
            self.lanes[k].write_enable.next = self.write.val().get_bit(k);
        }
        self.rdata.next = bit_cast::<32, 8>(self.lanes[0].read_data.val())
            | (bit_cast::<32, 8>(self.lanes[1].read_data.val()) << 8)
            | (bit_cast::<32, 8>(self.lanes[2].read_data.val()) << 16)
            | (bit_cast::<32, 8>(self.lanes[3].read_data.val()) << 24);
    }
}
