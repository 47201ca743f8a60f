//! The engine's top-level ports (the table of DESIGN.md) and their values in a cycle: the one
//! list that the Verilog export, the co-simulation harnesses and the waveform writer read.

use crate::config::EngineConfig;
use crate::engine_model::{EngineInputs, EngineOutputs};

/// Direction of a top-level port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortDirection {
    /// Driven into the engine.
    Input,
    /// Driven by the engine.
    Output,
}

impl PortDirection {
    /// The Verilog keyword.
    pub fn verilog(self) -> &'static str {
        match self {
            PortDirection::Input => "input",
            PortDirection::Output => "output",
        }
    }
}

/// One port of the exported top module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopPort {
    /// The port name, exactly as DESIGN.md spells it.
    pub name: &'static str,
    /// Input or output.
    pub direction: PortDirection,
    /// Width in bits for this config.
    pub width: usize,
    /// Carries key material (`key_cmd_key1`, `key_cmd_key2`): left out of waveform files.
    pub secret: bool,
}

/// Every top-level port in DESIGN.md order, at the widths of `config`.
pub fn top_ports(config: &EngineConfig) -> Vec<TopPort> {
    use PortDirection::{Input, Output};
    let (a, s, k) = (config.addr_bits as usize, config.asid_bits as usize, config.key_bits as usize);
    let port = |name, direction, width| TopPort { name, direction, width, secret: false };
    vec![
        port("clock", Input, 1),
        port("reset", Input, 1),
        port("core_req_valid", Input, 1),
        port("core_req_ready", Output, 1),
        port("core_req_write", Input, 1),
        port("core_req_addr", Input, a),
        port("core_req_asid", Input, s),
        port("core_req_encrypted", Input, 1),
        port("core_req_wdata", Input, 128),
        port("core_req_wstrb", Input, 16),
        port("core_rsp_valid", Output, 1),
        port("core_rsp_ready", Input, 1),
        port("core_rsp_write", Output, 1),
        port("core_rsp_rdata", Output, 128),
        port("core_rsp_status", Output, 2),
        port("dram_req_valid", Output, 1),
        port("dram_req_ready", Input, 1),
        port("dram_req_write", Output, 1),
        port("dram_req_addr", Output, a),
        port("dram_req_wdata", Output, 128),
        port("dram_rsp_valid", Input, 1),
        port("dram_rsp_ready", Output, 1),
        port("dram_rsp_rdata", Input, 128),
        port("key_cmd_valid", Input, 1),
        port("key_cmd_ready", Output, 1),
        port("key_cmd_op", Input, 1),
        port("key_cmd_asid", Input, s),
        TopPort { name: "key_cmd_key1", direction: Input, width: k, secret: true },
        TopPort { name: "key_cmd_key2", direction: Input, width: k, secret: true },
        port("key_rsp_valid", Output, 1),
        port("key_rsp_status", Output, 2),
    ]
}

/// Every port of the AXI4 top (`[interface] bus = "axi4"`, DESIGN.md "Standard bus tops:
/// AXI4") at the widths of `config`: IDs `id_bits`, addresses `addr_bits`, `awuser`/`aruser`
/// `asid_bits + 1` (bit 0 the C-bit, the ASID above it), the key port's addresses 8 bits.
pub fn axi_top_ports(config: &EngineConfig) -> Vec<TopPort> {
    use PortDirection::{Input, Output};
    let (a, s, id) = (config.addr_bits as usize, config.asid_bits as usize, config.interface.id_bits as usize);
    let port = |name, direction, width| TopPort { name, direction, width, secret: false };
    vec![
        port("aclk", Input, 1),
        port("aresetn", Input, 1),
        port("s_axi_awid", Input, id),
        port("s_axi_awaddr", Input, a),
        port("s_axi_awlen", Input, 8),
        port("s_axi_awsize", Input, 3),
        port("s_axi_awburst", Input, 2),
        port("s_axi_awuser", Input, s + 1),
        port("s_axi_awvalid", Input, 1),
        port("s_axi_awready", Output, 1),
        port("s_axi_wdata", Input, 128),
        port("s_axi_wstrb", Input, 16),
        port("s_axi_wlast", Input, 1),
        port("s_axi_wvalid", Input, 1),
        port("s_axi_wready", Output, 1),
        port("s_axi_bid", Output, id),
        port("s_axi_bresp", Output, 2),
        port("s_axi_bvalid", Output, 1),
        port("s_axi_bready", Input, 1),
        port("s_axi_arid", Input, id),
        port("s_axi_araddr", Input, a),
        port("s_axi_arlen", Input, 8),
        port("s_axi_arsize", Input, 3),
        port("s_axi_arburst", Input, 2),
        port("s_axi_aruser", Input, s + 1),
        port("s_axi_arvalid", Input, 1),
        port("s_axi_arready", Output, 1),
        port("s_axi_rid", Output, id),
        port("s_axi_rdata", Output, 128),
        port("s_axi_rresp", Output, 2),
        port("s_axi_rlast", Output, 1),
        port("s_axi_rvalid", Output, 1),
        port("s_axi_rready", Input, 1),
        port("m_axi_awid", Output, id),
        port("m_axi_awaddr", Output, a),
        port("m_axi_awlen", Output, 8),
        port("m_axi_awsize", Output, 3),
        port("m_axi_awburst", Output, 2),
        port("m_axi_awvalid", Output, 1),
        port("m_axi_awready", Input, 1),
        port("m_axi_wdata", Output, 128),
        port("m_axi_wstrb", Output, 16),
        port("m_axi_wlast", Output, 1),
        port("m_axi_wvalid", Output, 1),
        port("m_axi_wready", Input, 1),
        port("m_axi_bid", Input, id),
        port("m_axi_bresp", Input, 2),
        port("m_axi_bvalid", Input, 1),
        port("m_axi_bready", Output, 1),
        port("m_axi_arid", Output, id),
        port("m_axi_araddr", Output, a),
        port("m_axi_arlen", Output, 8),
        port("m_axi_arsize", Output, 3),
        port("m_axi_arburst", Output, 2),
        port("m_axi_arvalid", Output, 1),
        port("m_axi_arready", Input, 1),
        port("m_axi_rid", Input, id),
        port("m_axi_rdata", Input, 128),
        port("m_axi_rresp", Input, 2),
        port("m_axi_rlast", Input, 1),
        port("m_axi_rvalid", Input, 1),
        port("m_axi_rready", Output, 1),
        port("s_axil_awaddr", Input, 8),
        port("s_axil_awvalid", Input, 1),
        port("s_axil_awready", Output, 1),
        port("s_axil_wdata", Input, 32),
        port("s_axil_wstrb", Input, 4),
        port("s_axil_wvalid", Input, 1),
        port("s_axil_wready", Output, 1),
        port("s_axil_bresp", Output, 2),
        port("s_axil_bvalid", Output, 1),
        port("s_axil_bready", Input, 1),
        port("s_axil_araddr", Input, 8),
        port("s_axil_arvalid", Input, 1),
        port("s_axil_arready", Output, 1),
        port("s_axil_rdata", Output, 32),
        port("s_axil_rresp", Output, 2),
        port("s_axil_rvalid", Output, 1),
        port("s_axil_rready", Input, 1),
    ]
}

/// The ports of the top that `mee export` writes for `config`: [`top_ports`] or
/// [`axi_top_ports`], by `[interface] bus`.
pub fn exported_ports(config: &EngineConfig) -> Vec<TopPort> {
    match config.interface.bus {
        crate::config::BusKind::Native => top_ports(config),
        crate::config::BusKind::Axi4 => axi_top_ports(config),
    }
}

fn bit(b: bool) -> String {
    u8::from(b).to_string()
}

/// A byte bus as hex of its value: byte k in bits [8k+7:8k], so the last byte comes first.
fn bus_hex(bytes: &[u8]) -> String {
    bytes.iter().rev().map(|b| format!("{b:02x}")).collect()
}

/// The value of `port` in a cycle with these inputs and outputs, as lowercase hex of the
/// port's value (`clock` reads 0: values are sampled with the clock low, before the edge).
/// Keys are zero-padded to the port's width.
pub fn port_value(port: &TopPort, inputs: &EngineInputs, outputs: &EngineOutputs) -> String {
    let (i, o) = (inputs, outputs);
    let key = |bytes: &[u8]| bus_hex(&bytes.iter().copied().chain(std::iter::repeat(0)).take(port.width / 8).collect::<Vec<u8>>());
    match port.name {
        "reset" => bit(i.reset),
        "core_req_valid" => bit(i.core_req_valid),
        "core_req_ready" => bit(o.core_req_ready),
        "core_req_write" => bit(i.core_req_write),
        "core_req_addr" => format!("{:x}", i.core_req_addr),
        "core_req_asid" => format!("{:x}", i.core_req_asid),
        "core_req_encrypted" => bit(i.core_req_encrypted),
        "core_req_wdata" => bus_hex(&i.core_req_wdata),
        "core_req_wstrb" => format!("{:x}", i.core_req_wstrb),
        "core_rsp_valid" => bit(o.core_rsp_valid),
        "core_rsp_ready" => bit(i.core_rsp_ready),
        "core_rsp_write" => bit(o.core_rsp_write),
        "core_rsp_rdata" => bus_hex(&o.core_rsp_rdata),
        "core_rsp_status" => format!("{:x}", o.core_rsp_status),
        "dram_req_valid" => bit(o.dram_req_valid),
        "dram_req_ready" => bit(i.dram_req_ready),
        "dram_req_write" => bit(o.dram_req_write),
        "dram_req_addr" => format!("{:x}", o.dram_req_addr),
        "dram_req_wdata" => bus_hex(&o.dram_req_wdata),
        "dram_rsp_valid" => bit(i.dram_rsp_valid),
        "dram_rsp_ready" => bit(o.dram_rsp_ready),
        "dram_rsp_rdata" => bus_hex(&i.dram_rsp_rdata),
        "key_cmd_valid" => bit(i.key_cmd_valid),
        "key_cmd_ready" => bit(o.key_cmd_ready),
        "key_cmd_op" => bit(i.key_cmd_clear),
        "key_cmd_asid" => format!("{:x}", i.key_cmd_asid),
        "key_cmd_key1" => key(&i.key_cmd_key1),
        "key_cmd_key2" => key(&i.key_cmd_key2),
        "key_rsp_valid" => bit(o.key_rsp_valid),
        "key_rsp_status" => format!("{:x}", o.key_rsp_status),
        _ => "0".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_port_has_a_value_and_names_are_unique() {
        let config = EngineConfig { key_bits: 256, ..EngineConfig::default() };
        let ports = top_ports(&config);
        let mut names: Vec<&str> = ports.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ports.len());
        let inputs = EngineInputs { key_cmd_key1: vec![0xab; 32], core_req_addr: 0x1230, ..Default::default() };
        let outputs = EngineOutputs { core_rsp_rdata: [0x11; 16], ..Default::default() };
        for p in &ports {
            let value = port_value(p, &inputs, &outputs);
            assert!(value.len() * 4 <= p.width.max(4), "{}: {value} is wider than {} bits", p.name, p.width);
        }
        let by_name = |n: &str| port_value(ports.iter().find(|p| p.name == n).unwrap_or(&ports[0]), &inputs, &outputs);
        assert_eq!(by_name("key_cmd_key1"), "ab".repeat(32));
        assert_eq!(by_name("key_cmd_key2"), "00".repeat(32));
        assert_eq!(by_name("core_req_addr"), "1230");
        assert_eq!(by_name("core_rsp_rdata"), "11".repeat(16));
        assert_eq!(ports.iter().filter(|p| p.secret).count(), 2);
    }

    #[test]
    fn byte_k_of_a_bus_sits_in_bits_8k_and_up() {
        let mut data = [0u8; 16];
        data[0] = 0x01;
        data[15] = 0xf0;
        assert_eq!(bus_hex(&data), format!("f0{}01", "00".repeat(14)));
    }
}
