//! A clocked driver for a rust-hdl block with a `clock` input.
//!
//! rust-hdl's `Simulation` runs testbenches as threads and hands control over on every clock
//! edge; for a cycle-by-cycle lock-step check this hand-off costs more than the model. The
//! driver instead owns the block and, per cycle: lets the caller set inputs, settles the logic
//! with the clock low (outputs are then this cycle's values), then raises the clock and settles
//! again (registers take their next values).

use rust_hdl::prelude::*;

/// Most update passes allowed for the logic to settle after one change.
pub const MAX_SETTLE_PASSES: usize = 200;

/// A block that has a clock input.
pub trait Clocked: Block {
    /// The clock input.
    fn clock_input(&mut self) -> &mut Signal<In, Clock>;
}

/// Drives a [`Clocked`] block cycle by cycle.
pub struct ClockedDriver<T: Clocked> {
    /// The block under test; set its inputs' `.next`, read its outputs' `.val()`.
    pub uut: T,
    cycle: u64,
}

impl<T: Clocked> ClockedDriver<T> {
    /// Takes the block, connects it and settles its initial state.
    pub fn new(mut uut: T) -> Self {
        uut.connect_all();
        let mut driver = Self { uut, cycle: 0 };
        driver.settle("initial state");
        driver
    }

    fn settle(&mut self, phase: &str) {
        for _ in 0..MAX_SETTLE_PASSES {
            self.uut.update_all();
            if !self.uut.has_changed() {
                return;
            }
        }
        panic!("logic failed to settle ({phase}, cycle {}): combinational loop?", self.cycle);
    }

    /// Settles the inputs set since the last edge with the clock low, so that outputs show
    /// this cycle's values.
    pub fn evaluate(&mut self) {
        self.uut.clock_input().next = Clock { clk: false };
        self.settle("clock low");
    }

    /// The rising edge that ends the current cycle.
    pub fn rising_edge(&mut self) {
        self.uut.clock_input().next = Clock { clk: true };
        self.settle("rising edge");
        self.cycle += 1;
    }

    /// Cycles completed so far.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }
}

/// Implements [`Clocked`] for blocks whose clock input is the field `clock`.
macro_rules! clocked_by_field {
    ($($block:ty),+ $(,)?) => {
        $(impl Clocked for $block {
            fn clock_input(&mut self) -> &mut Signal<In, Clock> {
                &mut self.clock
            }
        })+
    };
}

clocked_by_field!(
    mee_hdl::aes::pipeline::AesPipeline,
    mee_hdl::aes::stored_key_pipeline::StoredKeyPipeline,
    mee_hdl::aes::iterative_unit::IterativeAesUnit,
    mee_hdl::aes::column_unit::ColumnAesUnit,
    mee_hdl::aes::key_expansion::DecryptionKeyExpander,
    mee_hdl::primitives::fifo::ByteFifo,
    mee_hdl::engine::address_tracker::AddressTracker,
    mee_hdl::engine::partial_write_unit::PartialWriteUnit,
    mee_hdl::engine::key_store::KeyStore,
    mee_hdl::primitives::delay_line::ByteDelayLine,
    mee_hdl::engine::key_table::KeyTable,
    mee_hdl::xts::cipher::XtsCipher,
    mee_hdl::engine::engine_top::Engine,
    mee_hdl::selftest::self_test::SelfTest,
    mee_hdl::soc::guest_loader::GuestLoader,
    mee_hdl::primitives::reset_synchronizer::ResetSynchronizer,
    mee_hdl::primitives::skid_buffer::SkidBuffer<20>,
);
