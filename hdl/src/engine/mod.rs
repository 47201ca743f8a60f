//! The engine: the flat-port top ([`engine_top::Engine`]), the partial-write unit in front of
//! it ([`partial_write_unit`]), the engine core with its request front end ([`engine_core`]),
//! its datapaths (an AES unit per direction in [`pipelined_datapath`], one shared AES unit in
//! [`shared_datapath`]), its DRAM request channel ([`dram_scheduler`]) and response path
//! ([`response_path`]), the ASID key table ([`key_table`], storage in [`key_store`]), the
//! tracker of pending write addresses ([`address_tracker`]), the request buffer between the
//! unit and the core ([`request_buffer`]) and the registered top boundary ([`port_registers`]).
//!
//! A signal that crosses between two of these blocks in the same cycle is assigned once per
//! evaluation of the block that drives it (computed in a local first where it has a default
//! and overrides): in an event-driven simulator such as Icarus, an intermediate value on each
//! side of a boundary wakes the other side's `always` block, and the two never settle.

pub mod address_tracker;
pub mod dram_scheduler;
pub mod engine_core;
pub mod engine_top;
pub mod key_store;
pub mod key_table;
pub mod partial_write_unit;
pub mod pipelined_datapath;
pub mod port_registers;
pub mod request_buffer;
pub mod response_path;
pub mod shared_datapath;
pub mod shared_tweak;
