//! # mee-reference: the specification of the mee engine, in plain software
//!
//! This crate holds no hardware. It is the authority the hardware is checked against:
//!
//! - [`config`]: [`EngineConfig`], the engine's parameters, read from TOML and validated;
//! - [`key_schedule`]: the FIPS-197 AES key expansion, and the "decryption key form" (the last
//!   round key or keys) that the decryption pipeline starts from;
//! - [`xts`]: XTS-AES (IEEE Std 1619) at block level (one 16-byte block at a physical address)
//!   and at data-unit level, the latter delegated to the RustCrypto `xts-mode` crate;
//! - [`engine_model`]: the cycle-level model of the engine (every output port, every cycle);
//! - [`partial_writes`]: the cycle-level model of the partial-write unit in front of it;
//! - [`port_registers`]: the cycle-level model of the registered top boundary;
//! - [`request_buffer`]: the cycle-level model of the request buffer between the
//!   partial-write unit and the engine's core;
//! - [`ports`]: the top-level ports of the exported engine and their values in a cycle.
//!
//! It depends on no other crate of the workspace.

pub mod config;
pub mod engine_model;
pub mod key_schedule;
pub mod partial_writes;
pub mod port_registers;
pub mod request_buffer;
pub mod ports;
pub mod xts;

pub use config::{BusKind, ConfigError, EngineConfig, InterfaceConfig, SocConfig, SocMemoryPath, KeyTableStorage, PipelineConfig, RoundKeys, RoundRegisters, SboxStyle, TweakPipeline, STORED_ROUND_KEYS_DEFAULT_SLOTS};
pub use xts::{KeyPair, XtsError};
