//! `mee report logic-levels`: the logic levels in front of every register of a mapped ECP5
//! netlist, deepest first. Reading the netlist Yosys writes for nextpnr takes seconds (the
//! synthesis before it minutes, where a placement takes most of an hour), and it names the
//! paths a placement's timing depends on before any placement runs.
//!
//! A path starts at a flip-flop, a block RAM's output, a top input or a constant, and ends at
//! a flip-flop's data, enable or set/reset input, a distributed RAM's write side or a block
//! RAM's inputs. Each cell on it counts by how much delay it adds, in units of a LUT4: a
//! `LUT4` 1, a distributed RAM's read (`TRELLIS_DPR16X4`, read address to data) 1, a
//! wide-function mux (`PFUMX`, `L6MUX21`, in the slice of the LUTs it joins) 0.5, a carry cell
//! (`CCU2C`, two bits of a carry chain on the slice's dedicated carry wires) 0.3. Cells of
//! other types start paths at 0 (the report names them). A block RAM's clock-to-output is
//! longer than a flip-flop's, which the count leaves out. On the LFE5U-85F at speed grade 6 a
//! level costs 0.85 to 1.06 ns once routed (0.24 ns in the LUT, the rest in the wire to the
//! next; docs/exploration.md), so the deepest levels bound the clock at about 950 to 1,180 /
//! levels MHz.
//!
//! With [`Starts::Registers`] (`--registers-only`) a path from a top input does not count, as
//! in nextpnr's out-of-context placement, which times register-to-register paths only; a
//! register reached only from top inputs is left out.

use crate::flow::find_yosys;
use crate::synth::{synthesize, Target};
use anyhow::{bail, Context, Result};
use mee_reference::EngineConfig;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// A register (a flip-flop bus, or a memory's write side) and the deepest logic in front of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// The register's net name without its bit index (for a distributed RAM, its memory's name
    /// and "(distributed RAM write)").
    pub name: String,
    /// Logic levels in front of its deepest bit (LUT4 = 1; see the module documentation).
    pub levels: f64,
    /// Flip-flops of the register (for a memory, its cells).
    pub bits: usize,
    /// The named nets along the deepest path, from its start.
    pub path: Vec<String>,
    /// What the endpoint is: flip-flops, a distributed RAM's write side or a block RAM.
    pub kind: EndpointKind,
}

/// What kind of cell ends a counted path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointKind {
    /// `TRELLIS_FF` cells (one per bit).
    FlipFlops,
    /// `TRELLIS_DPR16X4` cells, their write address, data and enable.
    DistributedRamWrite,
    /// `DP16KD` cells, their address, data and enable inputs.
    BlockRam,
}

/// Where counted paths may start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Starts {
    /// Flip-flops, block RAM outputs, top inputs and constants.
    Everywhere,
    /// Not top inputs: the paths nextpnr times in an out-of-context placement.
    Registers,
}

/// A combinational cell kind: its inputs, its outputs and what it counts.
fn combinational(cell_type: &str) -> Option<(&'static [&'static str], &'static [&'static str], f64)> {
    match cell_type {
        "LUT4" => Some((&["A", "B", "C", "D"], &["Z"], 1.0)),
        "PFUMX" => Some((&["ALUT", "BLUT", "C0"], &["Z"], 0.5)),
        "L6MUX21" => Some((&["D0", "D1", "SD"], &["Z"], 0.5)),
        "CCU2C" => Some((&["A0", "B0", "C0", "D0", "A1", "B1", "C1", "D1", "CIN"], &["S0", "S1", "COUT"], 0.3)),
        "TRELLIS_DPR16X4" => Some((&["RAD"], &["DO"], 1.0)),
        _ => None,
    }
}

/// The write side of a distributed RAM, an endpoint although the cell's read is combinational.
const RAM_WRITE_PORTS: [&str; 3] = ["DI", "WAD", "WRE"];

/// Cells the walk knows besides the combinational ones: their inputs end paths or their
/// outputs start them.
const SEQUENTIAL: [&str; 2] = ["DP16KD", "TRELLIS_FF"];

/// A block RAM's input other than its clocks (from the cell's port directions, or its name
/// when the netlist has none: the outputs are `DOA*` and `DOB*`).
fn is_block_ram_input(cell: &Value, port: &str) -> bool {
    let input = match cell["port_directions"][port].as_str() {
        Some(direction) => direction == "input",
        None => !port.starts_with("DO"),
    };
    input && !port.starts_with("CLK")
}

/// The memory a RAM cell belongs to: Yosys names a memory's cells `<memory>.<n>.<n>`.
fn memory_name(cell: &str) -> &str {
    let mut parts = cell.rsplitn(3, '.');
    let (Some(last), Some(middle), Some(memory)) = (parts.next(), parts.next(), parts.next()) else { return cell };
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if number(last) && number(middle) {
        memory
    } else {
        cell
    }
}

struct Netlist<'a> {
    cells: &'a serde_json::Map<String, Value>,
    /// Bit → (driving combinational cell, its weight).
    driver: HashMap<u64, (&'a str, f64)>,
    /// Bit → a readable net name.
    names: HashMap<u64, String>,
    /// Bit → (levels, the path's predecessor bit), once computed.
    depth: HashMap<u64, (f64, Option<u64>)>,
    /// Top input bits that start no counted path (with [`Starts::Registers`]).
    uncounted: HashSet<u64>,
}

fn bits(value: &Value) -> impl Iterator<Item = u64> + '_ {
    value.as_array().into_iter().flatten().filter_map(Value::as_u64)
}

impl<'a> Netlist<'a> {
    fn new(module: &'a Value, starts: Starts) -> Result<Self> {
        let cells = module["cells"].as_object().context("the top module has no cells")?;
        let mut driver = HashMap::new();
        for (name, cell) in cells {
            let Some((_, outputs, weight)) = combinational(cell["type"].as_str().unwrap_or("")) else { continue };
            for port in outputs {
                for bit in bits(&cell["connections"][*port]) {
                    driver.insert(bit, (name.as_str(), weight));
                }
            }
        }
        // Prefer names Yosys did not make up ($-names), then shorter ones.
        let mut names: HashMap<u64, String> = HashMap::new();
        for (net, value) in module["netnames"].as_object().into_iter().flatten() {
            let width = value["bits"].as_array().map_or(0, Vec::len);
            for (i, bit) in value["bits"].as_array().into_iter().flatten().enumerate() {
                let Some(bit) = bit.as_u64() else { continue };
                let name = if width > 1 { format!("{net}[{i}]") } else { net.clone() };
                let better = |old: &String| (name.starts_with('$'), name.len()) < (old.starts_with('$'), old.len());
                if names.get(&bit).is_none_or(better) {
                    names.insert(bit, name);
                }
            }
        }
        let mut uncounted = HashSet::new();
        if starts == Starts::Registers {
            for port in module["ports"].as_object().into_iter().flatten().map(|(_, p)| p) {
                if port["direction"].as_str() == Some("input") {
                    uncounted.extend(bits(&port["bits"]));
                }
            }
        }
        Ok(Netlist { cells, driver, names, depth: HashMap::new(), uncounted })
    }

    /// Levels in front of `bit`, walking back through combinational cells (iteratively, so
    /// that a long carry chain cannot overflow the stack); a loop is an error.
    fn levels(&mut self, bit: u64) -> Result<f64> {
        let mut stack = vec![(bit, false)];
        let mut open = std::collections::HashSet::new();
        while let Some((b, inputs_done)) = stack.pop() {
            if self.depth.contains_key(&b) {
                continue;
            }
            let Some(&(cell, weight)) = self.driver.get(&b) else {
                // An uncounted input is deeper than nothing: a path from it never wins.
                let start = if self.uncounted.contains(&b) { f64::NEG_INFINITY } else { 0.0 };
                self.depth.insert(b, (start, None));
                continue;
            };
            let cell_value = &self.cells[cell];
            let (inputs, _, _) = combinational(cell_value["type"].as_str().unwrap_or("")).unwrap_or((&[], &[], 0.0));
            let in_bits: Vec<u64> = inputs.iter().flat_map(|p| bits(&cell_value["connections"][*p])).collect();
            if inputs_done {
                let deepest = in_bits.iter().map(|i| (self.depth[i].0, *i)).fold(None, |best: Option<(f64, u64)>, x| if best.is_none_or(|b| x.0 > b.0) { Some(x) } else { best });
                self.depth.insert(b, (deepest.map_or(0.0, |d| d.0) + weight, deepest.map(|d| d.1)));
                open.remove(&b);
            } else {
                // Every bit pushed was checked against the open ones, so `b` is not open yet.
                open.insert(b);
                stack.push((b, true));
                for i in in_bits {
                    if !self.depth.contains_key(&i) {
                        if open.contains(&i) {
                            bail!("a combinational loop runs through {}", self.name(i));
                        }
                        stack.push((i, false));
                    }
                }
            }
        }
        Ok(self.depth[&bit].0)
    }

    fn name(&self, bit: u64) -> String {
        self.names.get(&bit).cloned().unwrap_or_else(|| format!("net {bit}"))
    }

    /// The named nets on the deepest path into `bit`, from its start.
    fn path(&self, bit: u64) -> Vec<String> {
        let mut path: Vec<String> = self.names.get(&bit).cloned().into_iter().collect();
        let mut at = bit;
        while let Some(&(_, Some(previous))) = self.depth.get(&at) {
            path.extend(self.names.get(&previous).cloned());
            at = previous;
        }
        path.retain(|n| !n.starts_with('$'));
        path.dedup();
        path.reverse();
        path
    }
}

/// The registers of the top module in a Yosys JSON netlist (ECP5 cells), deepest first: the
/// module named `top`, or without a name the one Yosys marked as the top; paths counted from
/// `starts`.
pub fn endpoints(netlist: &str, top: Option<&str>, starts: Starts) -> Result<Vec<Endpoint>> {
    let json: Value = serde_json::from_str(netlist).context("the netlist is not Yosys JSON")?;
    let modules = json["modules"].as_object().context("the netlist has no modules")?;
    let is_top = |m: &Value| match &m["attributes"]["top"] {
        Value::String(t) => t.trim_start_matches('0') == "1",
        other => other.as_u64() == Some(1),
    };
    let module = match top {
        Some(top) => modules.get(top).with_context(|| format!("the netlist has no module {top:?}"))?,
        None => modules.values().find(|m| is_top(m)).context("no module of the netlist is marked as the top")?,
    };
    let mut netlist = Netlist::new(module, starts)?;
    // Endpoint name → (deepest bit, its levels, flip-flops or memory cells, kind).
    let mut registers: BTreeMap<String, (u64, f64, usize, EndpointKind)> = BTreeMap::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let cells = netlist.cells;
    let mut register_cells = 0usize;
    for (name, cell) in cells {
        let cell_type = cell["type"].as_str().unwrap_or("");
        let ports = |names: &[&str]| -> Vec<u64> { names.iter().flat_map(|p| bits(&cell["connections"][*p])).collect() };
        let (inputs, register, kind): (Vec<u64>, String, EndpointKind) = if cell_type.starts_with("TRELLIS_FF") {
            let q = bits(&cell["connections"]["Q"]).next();
            let register = q.map(|q| netlist.name(q)).unwrap_or_else(|| name.clone());
            // The data input, and the enable and set/reset Yosys moves logic into.
            (ports(&["DI", "CE", "LSR"]), register.rsplit_once('[').map_or(register.clone(), |(bus, _)| bus.to_string()), EndpointKind::FlipFlops)
        } else if cell_type == "TRELLIS_DPR16X4" {
            (ports(&RAM_WRITE_PORTS), format!("{} (distributed RAM write)", memory_name(name)), EndpointKind::DistributedRamWrite)
        } else if cell_type == "DP16KD" {
            let inputs = cell["connections"].as_object().into_iter().flatten().filter(|(port, _)| is_block_ram_input(cell, port)).flat_map(|(_, b)| bits(b)).collect();
            (inputs, format!("{} (block RAM)", memory_name(name)), EndpointKind::BlockRam)
        } else {
            if combinational(cell_type).is_none() && !SEQUENTIAL.iter().any(|t| cell_type.starts_with(t)) && cell_type != "$scopeinfo" {
                *unknown.entry(cell_type.to_string()).or_default() += 1;
            }
            continue;
        };
        register_cells += 1;
        let mut deepest = None;
        for bit in inputs {
            let levels = netlist.levels(bit)?;
            if deepest.is_none_or(|(_, l)| levels > l) {
                deepest = Some((bit, levels));
            }
        }
        let Some((bit, levels)) = deepest.filter(|(_, levels)| levels.is_finite()) else { continue };
        let entry = registers.entry(register).or_insert((bit, levels, 0, kind));
        entry.2 += 1;
        if levels > entry.1 {
            (entry.0, entry.1) = (bit, levels);
        }
    }
    if register_cells == 0 {
        bail!("no TRELLIS_FF, TRELLIS_DPR16X4 or DP16KD cells: is this an ECP5 netlist from synth_ecp5?");
    }
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.iter().map(|(t, n)| format!("{n} {t}")).collect();
        eprintln!("logic levels: cells of unknown timing start paths at 0: {}", list.join(", "));
    }
    let mut list: Vec<Endpoint> = registers.into_iter().map(|(name, (bit, levels, bits, kind))| Endpoint { name, levels, bits, path: netlist.path(bit), kind }).collect();
    list.sort_by(|a, b| b.levels.total_cmp(&a.levels).then_with(|| a.name.cmp(&b.name)));
    Ok(list)
}

/// What `mee report logic-levels` reads.
pub enum Source<'a> {
    /// The engine of this config, mapped with Yosys for ECP5 (the script `mee explore` places)
    /// in this folder.
    Engine(&'a EngineConfig, &'a Path),
    /// A netlist Yosys already wrote for nextpnr-ecp5 (for example `mee explore`'s
    /// `<out>/work/<config>/<top>.ecp5.json`, written when the sweep places).
    Netlist(&'a Path),
}

/// Prints the `rows` deepest registers of `source` as a Markdown table, with the named nets
/// along each one's deepest path, counting paths from `starts`.
pub fn report(source: Source, rows: usize, starts: Starts) -> Result<()> {
    let (netlist_file, top) = match source {
        Source::Engine(config, work) => {
            std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
            let yosys = find_yosys()?;
            let top = &config.top_name;
            let verilog = work.join(format!("{top}.v"));
            std::fs::write(&verilog, crate::export::export_engine(config).verilog).with_context(|| format!("cannot write {}", verilog.display()))?;
            eprintln!("{top}: Yosys synth_ecp5 in {} (minutes)", work.display());
            let synthesis = synthesize(&yosys, work, top, Target::Ecp5, true, None)?;
            if let Err(why) = synthesis.result() {
                bail!("Yosys failed: {why} (log {})", synthesis.run.log_file.display());
            }
            (work.join(Target::Ecp5.netlist_name(top)), Some(top.as_str()))
        }
        Source::Netlist(file) => (file.to_path_buf(), None),
    };
    let netlist = std::fs::read_to_string(&netlist_file).with_context(|| format!("cannot read {}", netlist_file.display()))?;
    let list = endpoints(&netlist, top, starts).with_context(|| format!("{}", netlist_file.display()))?;
    let deepest = list.first().map_or(0.0, |e| e.levels);
    let (slow, fast) = (1000.0 / 1.06 / deepest.max(1.0), 1000.0 / 0.85 / deepest.max(1.0));
    let counted = if starts == Starts::Registers { " (paths from top inputs left out)" } else { "" };
    println!("{}: {} registers{counted}; the deepest has {deepest:.1} logic levels (about {slow:.0} to {fast:.0} MHz at 1.06 to 0.85 ns a level once routed)\n", netlist_file.display(), list.len());
    println!("| register | levels | bits | named nets on its deepest path |\n| --- | ---: | ---: | --- |");
    for e in list.iter().take(rows) {
        println!("| {} | {:.1} | {} | {} |", e.name, e.levels, e.bits, e.path.join(" → "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{endpoints, EndpointKind, Starts};

    /// A netlist by hand: `a` (FF) → LUT → LUT → `b` (FF); `a` → LUT → PFUMX → `c[0]`; `c[1]`
    /// straight from `a`; a carry cell in front of `d`; a distributed RAM read one LUT after
    /// `a` into `e`, written from the second LUT.
    const NETLIST: &str = r#"{"modules": {"top": {
        "cells": {
            "fa": {"type": "TRELLIS_FF", "connections": {"DI": [9], "Q": [2]}},
            "l1": {"type": "LUT4", "connections": {"A": [2], "B": ["0"], "C": [2], "D": [2], "Z": [3]}},
            "l2": {"type": "LUT4", "connections": {"A": [3], "B": [2], "C": [2], "D": [2], "Z": [4]}},
            "fb": {"type": "TRELLIS_FF", "connections": {"DI": [4], "Q": [5]}},
            "l3": {"type": "LUT4", "connections": {"A": [2], "B": [2], "C": [2], "D": [2], "Z": [6]}},
            "m1": {"type": "PFUMX", "connections": {"ALUT": [6], "BLUT": [3], "C0": [2], "Z": [7]}},
            "fc0": {"type": "TRELLIS_FF", "connections": {"DI": [7], "Q": [10]}},
            "fc1": {"type": "TRELLIS_FF", "connections": {"DI": [2], "Q": [11]}},
            "k": {"type": "CCU2C", "connections": {"A0": [5], "CIN": [10], "S0": [12], "S1": [13], "COUT": [14]}},
            "fd": {"type": "TRELLIS_FF", "connections": {"DI": [12], "Q": [15]}},
            "mem.0.1": {"type": "TRELLIS_DPR16X4", "connections": {"RAD": [3], "DO": [16], "DI": [4], "WAD": [2], "WRE": [2]}},
            "fe": {"type": "TRELLIS_FF", "connections": {"DI": [16], "Q": [17]}}
        },
        "netnames": {
            "in": {"bits": [9]}, "a": {"bits": [2]}, "$abc$3": {"bits": [3]}, "mid": {"bits": [4]}, "b": {"bits": [5]},
            "c": {"bits": [10, 11]}, "d": {"bits": [15]}, "e": {"bits": [17]}
        },
        "attributes": {"top": "00000000000000000000000000000001"}
    }, "other": {"cells": {}, "netnames": {}}}}"#;

    #[test]
    fn each_register_gets_the_levels_of_its_deepest_bit() {
        let list = endpoints(NETLIST, None, Starts::Everywhere).unwrap();
        let levels: Vec<(&str, f64, usize)> = list.iter().map(|e| (e.name.as_str(), e.levels, e.bits)).collect();
        // b: two LUTs. e: a LUT, then the RAM's read. The RAM's write: its data two LUTs deep,
        // its address and enable none (one cell). c: a LUT then a mux (c[1] comes straight
        // from a). d: one carry cell after b's flip-flop. a: from a top input.
        let expected = [("b", 2.0, 1), ("e", 2.0, 1), ("mem (distributed RAM write)", 2.0, 1), ("c", 1.5, 2), ("d", 0.3, 1), ("a", 0.0, 1)];
        assert_eq!(levels, expected);
        assert_eq!(list[0].path, ["a", "mid"], "the path keeps named nets only");
    }

    #[test]
    fn registers_only_leaves_out_paths_from_top_inputs() {
        // in → l1 → l2 → l3 → x, with r joining at l2; in straight into y; r → l4 → z.
        let netlist = r#"{"modules": {"t": {"attributes": {"top": 1},
            "ports": {"in": {"direction": "input", "bits": [20]}, "out": {"direction": "output", "bits": [25]}},
            "cells": {
                "fr": {"type": "TRELLIS_FF", "connections": {"DI": [21], "Q": [21]}},
                "l1": {"type": "LUT4", "connections": {"A": [20], "Z": [22]}},
                "l2": {"type": "LUT4", "connections": {"A": [22], "B": [21], "Z": [23]}},
                "l3": {"type": "LUT4", "connections": {"A": [23], "Z": [24]}},
                "fx": {"type": "TRELLIS_FF", "connections": {"DI": [24], "Q": [25]}},
                "fy": {"type": "TRELLIS_FF", "connections": {"DI": [20], "Q": [26]}},
                "l4": {"type": "LUT4", "connections": {"A": [21], "Z": [27]}},
                "fz": {"type": "TRELLIS_FF", "connections": {"DI": [27], "Q": [28]}}
            },
            "netnames": {"in": {"bits": [20]}, "r": {"bits": [21]}, "x": {"bits": [25]}, "y": {"bits": [26]}, "z": {"bits": [28]}}
        }}}"#;
        let levels = |starts| -> Vec<(String, f64)> { endpoints(netlist, None, starts).unwrap().into_iter().map(|e| (e.name, e.levels)).collect() };
        let everywhere = [("x", 3.0), ("z", 1.0), ("r", 0.0), ("y", 0.0)].map(|(n, l)| (n.to_string(), l));
        assert_eq!(levels(Starts::Everywhere), everywhere);
        let registers = [("x", 2.0), ("z", 1.0), ("r", 0.0)].map(|(n, l)| (n.to_string(), l));
        assert_eq!(levels(Starts::Registers), registers, "x from r only; y, fed by the input alone, left out");
        let path = &endpoints(netlist, None, Starts::Registers).unwrap()[0].path;
        assert_eq!(path, &["r"], "the deepest path starts at r");
    }

    #[test]
    fn wide_muxes_carry_chains_enables_and_block_rams_count() {
        let netlist = r#"{"modules": {"t": {"attributes": {"top": 1}, "cells": {
            "fa": {"type": "TRELLIS_FF", "connections": {"DI": [2], "Q": [2]}},
            "l1": {"type": "LUT4", "connections": {"A": [2], "Z": [3]}},
            "m": {"type": "L6MUX21", "connections": {"D0": [3], "D1": [2], "SD": [2], "Z": [4]}},
            "fb": {"type": "TRELLIS_FF", "connections": {"DI": [4], "Q": [10]}},
            "k1": {"type": "CCU2C", "connections": {"A0": [2], "COUT": [5]}},
            "k2": {"type": "CCU2C", "connections": {"CIN": [5], "COUT": [6]}},
            "k3": {"type": "CCU2C", "connections": {"CIN": [6], "S0": [7]}},
            "fc": {"type": "TRELLIS_FF", "connections": {"DI": [7], "Q": [11]}},
            "rom.0.0": {"type": "DP16KD", "port_directions": {"ADA0": "input", "CLKA": "input", "DOA0": "output"},
                        "connections": {"ADA0": [3], "CLKA": [4], "DOA0": [8]}},
            "fd": {"type": "TRELLIS_FF", "connections": {"DI": [8], "Q": [12]}},
            "fe": {"type": "TRELLIS_FF", "connections": {"DI": [2], "CE": [4], "Q": [13]}},
            "rk_1.0.0": {"type": "TRELLIS_DPR16X4", "connections": {"DI": [3]}},
            "rk_2.0.0": {"type": "TRELLIS_DPR16X4", "connections": {"DI": [2]}}
        }, "netnames": {"a": {"bits": [2]}, "b": {"bits": [10]}, "c": {"bits": [11]}, "d": {"bits": [12]}, "e": {"bits": [13]}}}}}"#;
        let list = endpoints(netlist, None, Starts::Everywhere).unwrap();
        let levels: Vec<(&str, f64)> = list.iter().map(|e| (e.name.as_str(), (e.levels * 10.0).round() / 10.0)).collect();
        // b: a LUT and a 0.5 mux. e: its enable is as deep as b. The block RAM's address one
        // LUT deep (its clock, from the mux, is not a path); d starts at the RAM's output. Two
        // memories whose names end in digits stay apart. c: three carry cells.
        let expected = [
            ("b", 1.5),
            ("e", 1.5),
            ("rk_1 (distributed RAM write)", 1.0),
            ("rom (block RAM)", 1.0),
            ("c", 0.9),
            ("a", 0.0),
            ("d", 0.0),
            ("rk_2 (distributed RAM write)", 0.0),
        ];
        assert_eq!(levels, expected);
        let kinds: Vec<EndpointKind> = list.iter().map(|e| e.kind).collect();
        let (ff, dpr, bram) = (EndpointKind::FlipFlops, EndpointKind::DistributedRamWrite, EndpointKind::BlockRam);
        assert_eq!(kinds, [ff, ff, dpr, bram, ff, ff, ff, dpr], "each endpoint's cell kind");
        let xilinx = r#"{"modules": {"t": {"attributes": {"top": 1}, "cells": {"f": {"type": "FDRE", "connections": {"D": [2], "Q": [3]}}}, "netnames": {}}}}"#;
        assert!(format!("{:#}", endpoints(xilinx, None, Starts::Everywhere).unwrap_err()).contains("is this an ECP5 netlist"));
    }

    #[test]
    fn a_combinational_loop_and_a_missing_top_are_errors() {
        let looped = r#"{"modules": {"top": {"cells": {
            "l1": {"type": "LUT4", "connections": {"A": [3], "Z": [2]}},
            "l2": {"type": "LUT4", "connections": {"A": [2], "Z": [3]}},
            "f": {"type": "TRELLIS_FF", "connections": {"DI": [3], "Q": [4]}}
        }, "netnames": {"x": {"bits": [2]}}}}}"#;
        assert!(format!("{:#}", endpoints(looped, Some("top"), Starts::Everywhere).unwrap_err()).contains("combinational loop"));
        assert!(format!("{:#}", endpoints(looped, None, Starts::Everywhere).unwrap_err()).contains("marked as the top"));
        assert!(format!("{:#}", endpoints(NETLIST, Some("another"), Starts::Everywhere).unwrap_err()).contains("no module \"another\""));
        assert!(format!("{:#}", endpoints(NETLIST, Some("other"), Starts::Everywhere).unwrap_err()).contains("ECP5"));
        assert!(format!("{:#}", endpoints("{", None, Starts::Everywhere).unwrap_err()).contains("not Yosys JSON"));
    }
}
