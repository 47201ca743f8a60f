//! Blocks on the DRAM side of the engine: [`sdram_bridge::SdramBridge`] puts the engine's
//! block port on rust-hdl's SDRAM burst controller (a board's SDR SDRAM).

pub mod sdram_bridge;
pub mod sdram_port;
