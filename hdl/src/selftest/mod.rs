//! The built-in self-test for boards: [`self_test::SelfTest`] runs a
//! [`program::SelfTestProgram`] (the IEEE 1619 vectors, from a ROM) through an engine whose DRAM
//! is on-chip ([`block_ram_dram::BlockRamDram`]), under [`sequencer::Sequencer`], and reports
//! on LEDs and a UART ([`status_line::StatusLine`], [`uart_transmitter::UartTransmitter`]).

pub mod block_ram_dram;
pub mod program;
pub mod self_test;
pub mod sequencer;
pub mod status_line;
pub mod uart_transmitter;
