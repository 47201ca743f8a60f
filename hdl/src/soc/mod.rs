//! The SoC of DESIGN.md's "The SoC: a soft core in the loop": the engine between a PicoRV32
//! `cpu` and DRAM, with a second PicoRV32 as the secure processor (`sp`) that alone programs
//! keys and launches the guest. [`soc_top::Soc`] is the top: the [`soc_shell::SocShell`] and the
//! engine. In the shell, [`picorv32::PicoRv32`] is the black box around the third-party core,
//! [`cpu_memory_port::CpuMemoryPort`] and [`sp_memory_port::SpMemoryPort`] the two memory
//! maps, [`sp_memory::SpMemory`] the sp's ROM and RAM, [`core_arbiter::CoreArbiter`] shares the
//! engine's core port. [`direct_soc::DirectSoc`] puts the plain [`direct_dram::DirectDram`]
//! bridge where the engine is: the baseline for the engine's cost.

pub mod core_arbiter;
pub mod cpu_memory_port;
pub mod direct_dram;
pub mod direct_soc;
pub mod guest_loader;
pub mod picorv32;
pub mod soc_shell;
pub mod soc_top;
pub mod sp_memory;
pub mod sp_memory_port;
