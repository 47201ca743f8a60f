//! The AXI4 top: AMBA AXI4 ports around the native engine (DESIGN.md, "Standard bus tops:
//! AXI4"). [`axi_engine::AxiEngine`] is the top; [`axi_slave::AxiSlave`] bridges `s_axi` to
//! the engine's core port (with [`burst_beats::BurstBeats`] cutting bursts into beats),
//! [`axi_master::AxiMaster`] its DRAM port to `m_axi`, and [`axi_lite_key_port::AxiLiteKeyPort`]
//! the `s_axil` registers to its key port.

pub mod axi_engine;
pub mod axi_lite_key_port;
pub mod axi_master;
pub mod axi_slave;
pub mod burst_beats;
