//! `SelfTest`: the built-in self-test around an engine: a [`Sequencer`] runs a
//! [`SelfTestProgram`] (from the vector ROM) through the engine, whose DRAM port goes to a
//! [`BlockRamDram`]; the result shows on eight LEDs and as a line of text on a UART
//! ([`StatusLine`] through a [`UartTransmitter`]).
//!
//! LEDs: 0 blinks (the clock runs; bit 23 of a free-running counter), 1 the test is running,
//! 2 passed, 3 failed, 7:4 the low bits of the current (or failing) step.
//! UART lines (8N1): `mee self-test: PASS (0xNNNN responses checked)` or
//! `mee self-test: FAIL at step 0xSS, block 0xBB`, repeated every `repeat_cycles`.
//!
//! Timing: the test starts at the first cycle after reset; `passed` or `failed` stays high from
//! the end of the test until reset.

use super::block_ram_dram::BlockRamDram;
use super::program::SelfTestProgram;
use super::sequencer::Sequencer;
use super::status_line::StatusLine;
use super::uart_transmitter::UartTransmitter;
use crate::engine::engine_top::Engine;
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// The line after a pass; `0x80 + n` is hex digit n of the responses checked.
pub const PASS_LINE: &[u8] = b"mee self-test: PASS (0x\x83\x82\x81\x80 responses checked)\r\n";
/// The line after a failure; the digits are the step (3, 2) and block (1, 0).
pub const FAIL_LINE: &[u8] = b"mee self-test: FAIL at step 0x\x83\x82, block 0x\x81\x80\r\n";

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct SelfTest {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub leds: Signal<Out, Bits<8>>,
    pub uart_tx: Signal<Out, Bit>,
    pub passed: Signal<Out, Bit>,
    pub failed: Signal<Out, Bit>,
    pub checked: Signal<Out, Bits<16>>,
    pub engine: Engine,
    dram: BlockRamDram,
    rom: SyncROM<Bits<128>, 8>,
    sequencer: Sequencer,
    line: StatusLine,
    uart: UartTransmitter,
    heartbeat: DFF<Bits<24>>,
}

impl SelfTest {
    /// The self-test of `program` (which must pass [`SelfTestProgram::check`]) on the engine of
    /// `config`, writing at `clocks_per_bit` cycles per UART bit and repeating its line every
    /// `repeat_cycles`.
    pub fn new(config: &EngineConfig, program: &SelfTestProgram, clocks_per_bit: u16, repeat_cycles: u32) -> Self {
        let rom: BTreeMap<Bits<8>, Bits<128>> = program
            .rom
            .iter()
            .enumerate()
            .map(|(i, block)| (Bits::<8>::from(i as u64), crate::engine::engine_top::from_bytes::<128>(block)))
            .collect();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            leds: Default::default(),
            uart_tx: Default::default(),
            passed: Default::default(),
            failed: Default::default(),
            checked: Default::default(),
            engine: Engine::new(config),
            dram: Default::default(),
            rom: SyncROM::new(rom),
            sequencer: Sequencer::new(program),
            line: StatusLine::new(PASS_LINE, FAIL_LINE, repeat_cycles),
            uart: UartTransmitter::new(clocks_per_bit),
            heartbeat: Default::default(),
        }
    }
}

impl Logic for SelfTest {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, heartbeat);
        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.dram.clock.next = self.clock.val();
        self.dram.reset.next = self.reset.val();
        self.sequencer.clock.next = self.clock.val();
        self.sequencer.reset.next = self.reset.val();
        self.line.clock.next = self.clock.val();
        self.line.reset.next = self.reset.val();
        self.uart.clock.next = self.clock.val();
        self.uart.reset.next = self.reset.val();
        self.rom.clock.next = self.clock.val();
        self.heartbeat.d.next = self.heartbeat.q.val() + 1;
        // Sequencer and engine.
        self.engine.key_cmd_valid.next = self.sequencer.key_cmd_valid.val();
        self.engine.key_cmd_op.next = self.sequencer.key_cmd_op.val();
        self.engine.key_cmd_asid.next = self.sequencer.key_cmd_asid.val();
        self.engine.key_cmd_key1.next = self.sequencer.key_cmd_key1.val();
        self.engine.key_cmd_key2.next = self.sequencer.key_cmd_key2.val();
        self.sequencer.key_cmd_ready.next = self.engine.key_cmd_ready.val();
        self.sequencer.key_rsp_valid.next = self.engine.key_rsp_valid.val();
        self.sequencer.key_rsp_status.next = self.engine.key_rsp_status.val();
        self.engine.core_req_valid.next = self.sequencer.core_req_valid.val();
        self.engine.core_req_write.next = self.sequencer.core_req_write.val();
        self.engine.core_req_addr.next = self.sequencer.core_req_addr.val();
        self.engine.core_req_asid.next = self.sequencer.core_req_asid.val();
        self.engine.core_req_encrypted.next = self.sequencer.core_req_encrypted.val();
        self.engine.core_req_wdata.next = self.sequencer.core_req_wdata.val();
        self.engine.core_req_wstrb.next = self.sequencer.core_req_wstrb.val();
        self.sequencer.core_req_ready.next = self.engine.core_req_ready.val();
        self.sequencer.core_rsp_valid.next = self.engine.core_rsp_valid.val();
        self.sequencer.core_rsp_rdata.next = self.engine.core_rsp_rdata.val();
        self.sequencer.core_rsp_status.next = self.engine.core_rsp_status.val();
        self.engine.core_rsp_ready.next = self.sequencer.core_rsp_ready.val();
        self.rom.address.next = self.sequencer.rom_address.val();
        self.sequencer.rom_data.next = self.rom.data.val();
        // Engine and DRAM.
        self.dram.req_valid.next = self.engine.dram_req_valid.val();
        self.dram.req_write.next = self.engine.dram_req_write.val();
        self.dram.req_addr.next = self.engine.dram_req_addr.val();
        self.dram.req_wdata.next = self.engine.dram_req_wdata.val();
        self.engine.dram_req_ready.next = self.dram.req_ready.val();
        self.engine.dram_rsp_valid.next = self.dram.rsp_valid.val();
        self.engine.dram_rsp_rdata.next = self.dram.rsp_rdata.val();
        self.dram.rsp_ready.next = self.engine.dram_rsp_ready.val();
        // Result.
        self.line.passed.next = self.sequencer.passed.val();
        self.line.failed.next = self.sequencer.failed.val();
        self.line.value.next = self.sequencer.checked.val();
        if self.sequencer.failed.val() {
            self.line.value.next = (bit_cast::<16, 8>(self.sequencer.step.val()) << 8) | bit_cast::<16, 8>(self.sequencer.block.val());
        }
        self.uart.valid.next = self.line.tx_valid.val();
        self.uart.data.next = self.line.tx_data.val();
        self.line.tx_ready.next = self.uart.ready.val();
        self.uart_tx.next = self.uart.tx.val();
        self.passed.next = self.sequencer.passed.val();
        self.failed.next = self.sequencer.failed.val();
        self.checked.next = self.sequencer.checked.val();
        self.leds.next = (bit_cast::<8, 4>(self.sequencer.step.val().get_bits::<4>(0)) << 4)
            | bit_cast::<8, 1>(self.heartbeat.q.val().get_bit(23).into());
        if !self.sequencer.passed.val() & !self.sequencer.failed.val() {
            self.leds.next = self.leds.val() | bits::<8>(2);
        }
        if self.sequencer.passed.val() {
            self.leds.next = self.leds.val() | bits::<8>(4);
        }
        if self.sequencer.failed.val() {
            self.leds.next = self.leds.val() | bits::<8>(8);
        }
        if self.reset.val() {
            self.heartbeat.d.next = bits::<24>(0);
        }
    }
}
