//! `mee soc`: the SoC of DESIGN.md's "The SoC: a soft core in the loop". [`export`] writes its
//! Verilog, [`run`] runs guests on a Verilator build of it, [`guest_elf`] loads guest ELF
//! files, [`firmware`] compiles the secure processor's firmware, [`report`] measures what the
//! engine costs the cpu.

pub mod export;
pub mod firmware;
pub mod guest_elf;
pub mod report;
pub mod run;
