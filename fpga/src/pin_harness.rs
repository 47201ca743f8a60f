//! The pin harness: a top module that puts the engine on an iCE40 package for place and route.
//!
//! nextpnr-ice40 has no out-of-context mode: every port of the top module needs a pin. The
//! engine's ports (870 bits for the default widths) are four times an HX8K CT256's 206 user
//! pins, so `mee explore` places the engine inside this harness, which reaches every port
//! through fewer pins and costs few logic cells:
//! - `clock`, `reset` and each one-bit port have a pin of their own;
//! - the wider inputs draw their bits from one shared bank of `pool` pins. The inputs the
//!   engine registers together (the request's address, ASID and write data; the key command's
//!   ASID and keys) take distinct pool pins, so that no two of those registers have the same
//!   input and synthesis cannot merge them. Bits beyond the pool are the XOR of two pool pins,
//!   a distinct pair each (the key command's second key: 128 LUTs). `dram_rsp_rdata` takes the
//!   pool from another offset;
//! - the wider outputs are XOR-folded onto `folded` pins (bit `i` onto pin `i mod folded`), so
//!   that every output bit reaches a pin and synthesis keeps the logic behind it (about 100
//!   LUTs).
//!
//! The harness changes the netlist a little: its LUTs are added, and the same pool pin feeds
//! registers that are loaded at different times. `mee explore` reports the engine's own size
//! from its synthesis alone; the harness serves only the iCE40 Fmax.

use mee_reference::ports::{exported_ports, PortDirection};
use mee_reference::{BusKind, EngineConfig};
use std::fmt::Write;

/// Output pins the wide outputs are folded onto.
pub const FOLDED_OUTPUT_PINS: usize = 16;

/// The name prefixes of the input groups the engine registers together (the native top's,
/// then the AXI4 top's: `s_axil` before `s_axi`, which it starts with).
const INPUT_GROUPS: [&str; 6] = ["core_req", "key_cmd", "dram_rsp", "s_axil", "s_axi", "m_axi"];

/// A generated harness.
#[derive(Clone, Debug)]
pub struct PinHarness {
    /// The harness module's name: `<top>_pins`.
    pub module: String,
    /// Verilog of the harness module alone (it instantiates the engine's top module).
    pub verilog: String,
    /// Pins the harness uses.
    pub pins: usize,
    /// Pins in the shared input bank.
    pub pool: usize,
}

/// The harness around the engine top module of `config` for a package of `available_pins`
/// user pins, or why there is none: the one-bit ports, the folded outputs and a pool as wide
/// as the request's inputs need more.
pub fn pin_harness(config: &EngineConfig, available_pins: usize) -> Result<PinHarness, String> {
    let ports = exported_ports(config);
    let request_group = match config.interface.bus {
        BusKind::Native => "core_req",
        BusKind::Axi4 => "s_axi",
    };
    let single_inputs: Vec<&str> = ports.iter().filter(|p| p.direction == PortDirection::Input && p.width == 1).map(|p| p.name).collect();
    let single_outputs: Vec<&str> = ports.iter().filter(|p| p.direction == PortDirection::Output && p.width == 1).map(|p| p.name).collect();
    let fixed = single_inputs.len() + single_outputs.len() + FOLDED_OUTPUT_PINS;
    // The pool: as wide as the widest group of inputs registered together, within the pins
    // left.
    let group_width = |group: &str| -> usize { ports.iter().filter(|p| p.direction == PortDirection::Input && p.width > 1 && group_of(p.name) == group).map(|p| p.width).sum() };
    let widest = INPUT_GROUPS.into_iter().map(group_width).max().unwrap_or(0);
    if fixed + 2 > available_pins {
        return Err(format!("the harness needs {fixed} pins besides the input bank, the package has {available_pins}"));
    }
    let pool = widest.min(available_pins - fixed).max(2);
    // The request's bits beyond the pool are XORs of distinct pin pairs, like the key
    // command's; a pool under half the request would repeat pairs.
    let request = group_width(request_group);
    if 2 * pool < request {
        return Err(format!(
            "the harness needs {} pins (the one-bit ports, {FOLDED_OUTPUT_PINS} folded outputs and half the request's {request} input bits), the package has {available_pins}",
            fixed + request.div_ceil(2)
        ));
    }
    let module = format!("{}_pins", config.top_name);
    let mut v = String::new();
    let _ = writeln!(v, "// {module}: mee's pin harness for iCE40 place and route (see mee-fpga's pin_harness module).");
    let _ = writeln!(
        v,
        "module {module}(\n    input wire [{}:0] single_in,\n    input wire [{}:0] pool,\n    output wire [{}:0] single_out,\n    output wire [{}:0] folded\n);",
        single_inputs.len() - 1,
        pool - 1,
        single_outputs.len() - 1,
        FOLDED_OUTPUT_PINS - 1
    );
    let mut connections = Vec::new();
    let mut wide_outputs = Vec::new();
    let mut group_offsets: Vec<(&str, usize)> = Vec::new();
    for port in &ports {
        let name = port.name;
        match (port.direction, port.width) {
            (PortDirection::Input, 1) => {
                let index = single_inputs.iter().position(|&n| n == name).unwrap_or(0);
                connections.push(format!("    .{name}(single_in[{index}])"));
            }
            (PortDirection::Output, 1) => {
                let index = single_outputs.iter().position(|&n| n == name).unwrap_or(0);
                connections.push(format!("    .{name}(single_out[{index}])"));
            }
            (PortDirection::Input, width) => {
                let group = group_of(name);
                let start = match group_offsets.iter_mut().find(|(g, _)| *g == group) {
                    Some((_, offset)) => {
                        let start = *offset;
                        *offset += width;
                        start
                    }
                    None => {
                        group_offsets.push((group, width));
                        0
                    }
                };
                // The DRAM side's inputs read the pool from a third of the way.
                let shift = if group == "dram_rsp" || group == "m_axi" { pool / 3 } else { 0 };
                let bits: Vec<String> = (0..width).rev().map(|i| pool_bit(start + i + shift, pool)).collect();
                let _ = writeln!(v, "wire [{}:0] in_{name} = {{{}}};", width - 1, bits.join(", "));
                connections.push(format!("    .{name}(in_{name})"));
            }
            (PortDirection::Output, width) => {
                let _ = writeln!(v, "wire [{}:0] out_{name};", width - 1);
                connections.push(format!("    .{name}(out_{name})"));
                wide_outputs.extend((0..width).map(|i| format!("out_{name}[{i}]")));
            }
        }
    }
    let _ = writeln!(v, "{} engine(\n{}\n);", config.top_name, connections.join(",\n"));
    for pin in 0..FOLDED_OUTPUT_PINS {
        let bits: Vec<&str> = wide_outputs.iter().skip(pin).step_by(FOLDED_OUTPUT_PINS).map(String::as_str).collect();
        let folded = if bits.is_empty() { "1'b0".to_string() } else { bits.join(" ^ ") };
        let _ = writeln!(v, "assign folded[{pin}] = {folded};");
    }
    let _ = writeln!(v, "endmodule // {module}");
    Ok(PinHarness { module, verilog: v, pins: fixed + pool, pool })
}

/// The group of an input port: the inputs the engine registers together share a prefix.
fn group_of(name: &str) -> &str {
    INPUT_GROUPS.into_iter().find(|g| name.starts_with(g)).unwrap_or(name)
}

/// Bit `n` of a group drawn from a pool of `pool` pins: pool pin `n` while `n < pool`, then
/// the XOR of pin `n mod pool` and the pin `n / pool` further on (a pair no other bit uses
/// while the group is under `pool * (pool / 2)` bits).
fn pool_bit(n: usize, pool: usize) -> String {
    let (lap, pin) = (n / pool, n % pool);
    if lap == 0 {
        format!("pool[{pin}]")
    } else {
        format!("pool[{pin}] ^ pool[{}]", (pin + lap) % pool)
    }
}

#[cfg(test)]
mod tests {
    use super::{pin_harness, pool_bit, FOLDED_OUTPUT_PINS};
    use mee_reference::ports::PortDirection;
    use mee_reference::EngineConfig;
    use std::collections::HashSet;

    #[test]
    fn the_default_engine_fits_an_hx8k_package_and_its_registered_groups_have_distinct_inputs() {
        let config = EngineConfig::default();
        let harness = pin_harness(&config, 206).expect("harness");
        let ports = mee_reference::ports::top_ports(&config);
        let singles = ports.iter().filter(|p| p.width == 1).count();
        // The pool takes every pin left: the request (address, ASID, write data, strobes, 184
        // bits) and the key command (ASID and two keys) overflow into XOR pairs.
        let request: usize = ports.iter().filter(|p| p.name.starts_with("core_req") && p.width > 1).map(|p| p.width).sum();
        assert_eq!(request, 184);
        assert!(harness.pool < request && 2 * harness.pool >= request, "a pool of {} pins for a request of {request} bits", harness.pool);
        assert_eq!(harness.pins, singles + FOLDED_OUTPUT_PINS + harness.pool);
        assert_eq!(harness.pins, 206);
        // Within each group no two bits are the same expression.
        for group in ["core_req", "key_cmd"] {
            let mut seen = HashSet::new();
            let mut n = 0;
            for p in ports.iter().filter(|p| p.name.starts_with(group) && p.width > 1 && p.direction == PortDirection::Input) {
                for i in 0..p.width {
                    assert!(seen.insert(pool_bit(n + i, harness.pool)), "{group}: bit {i} of {} repeats another input", p.name);
                }
                n += p.width;
            }
        }
        // Every wide output bit is folded onto a pin exactly once.
        let wide_bits: usize = ports.iter().filter(|p| p.direction == PortDirection::Output && p.width > 1).map(|p| p.width).sum();
        assert_eq!(harness.verilog.matches("] ^ out_").count() + FOLDED_OUTPUT_PINS, wide_bits);
    }

    #[test]
    fn a_package_too_small_for_the_request_is_refused() {
        // An UP5K's SG48 package: 39 pins.
        let why = pin_harness(&EngineConfig::default(), 39).unwrap_err();
        assert!(why.contains("39") && why.contains("126"), "{why}");
        let why = pin_harness(&EngineConfig::default(), 20).unwrap_err();
        assert!(why.contains("20"), "{why}");
    }
}
