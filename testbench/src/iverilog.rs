//! Running exported Verilog under Icarus Verilog with a generated stimulus testbench.
//!
//! [`run_vectors`] writes a testbench that, for every step, sets the design's inputs, waits
//! for the logic to settle, prints every output in hex, then (for clocked designs) gives one
//! rising clock edge: the same "inputs, settle, sample, edge" order as
//! [`crate::driver::ClockedDriver`], so outputs compare cycle by cycle.

use anyhow::{bail, Context, Result};
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

/// Fails with installation advice when `iverilog`/`vvp` are missing.
pub fn require_iverilog() -> Result<()> {
    let ok = Command::new("iverilog").arg("-V").output().map(|o| o.status.success() || !o.stdout.is_empty()).unwrap_or(false);
    if !ok {
        bail!("Icarus Verilog (iverilog) not found: install it with `apt-get install iverilog` or run `bash scripts/install-tools.sh`");
    }
    Ok(())
}

/// A port of the design under test.
#[derive(Clone, Debug)]
pub struct Port {
    /// Port name as exported (e.g. `data_in$3`).
    pub name: String,
    /// Width in bits (1 to 64).
    pub width: usize,
}

impl Port {
    /// A port.
    pub fn new(name: impl Into<String>, width: usize) -> Self {
        Self { name: name.into(), width }
    }
}

fn local(name: &str) -> String {
    format!("p_{}", name.replace('$', "_"))
}

/// Simulates `verilog` (top module `top`) with one input vector per step; returns one output
/// vector per step (values in `outputs` order). `clock_port`, when given, gets a rising edge
/// after every sample. Ports of 1 to 64 bits.
pub fn run_vectors(
    work: &Path,
    verilog: &str,
    top: &str,
    inputs: &[Port],
    outputs: &[Port],
    clock_port: Option<&str>,
    steps: &[Vec<u64>],
) -> Result<Vec<Vec<u64>>> {
    let hex_steps: Vec<Vec<String>> = steps.iter().map(|s| s.iter().map(|v| format!("{v:x}")).collect()).collect();
    let rows = run_vectors_hex(work, verilog, top, inputs, outputs, clock_port, &hex_steps)?;
    rows.iter()
        .map(|row| row.iter().map(|w| u64::from_str_radix(w, 16).with_context(|| format!("output value {w:?} is not a 64-bit number"))).collect())
        .collect()
}

/// As [`run_vectors`], with every value a hexadecimal string, for ports of any width. Output
/// values come back in lowercase hex with Verilog's leading zeros.
pub fn run_vectors_hex(
    work: &Path,
    verilog: &str,
    top: &str,
    inputs: &[Port],
    outputs: &[Port],
    clock_port: Option<&str>,
    steps: &[Vec<String>],
) -> Result<Vec<Vec<String>>> {
    require_iverilog()?;
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let mut tb = String::from("`timescale 1ns/1ps\nmodule mee_tb;\n");
    if let Some(c) = clock_port {
        let _ = writeln!(tb, "reg {} = 0;", local(c));
    }
    for p in inputs {
        let _ = writeln!(tb, "reg [{}:0] {} = 0;", p.width - 1, local(&p.name));
    }
    for p in outputs {
        let _ = writeln!(tb, "wire [{}:0] {};", p.width - 1, local(&p.name));
    }
    let mut connections: Vec<String> = inputs.iter().chain(outputs).map(|p| format!(".{}({})", p.name, local(&p.name))).collect();
    if let Some(c) = clock_port {
        connections.push(format!(".{c}({})", local(c)));
    }
    let _ = writeln!(tb, "{top} dut(\n    {}\n);", connections.join(",\n    "));
    let format: Vec<&str> = outputs.iter().map(|_| "%h").collect();
    let values: Vec<String> = outputs.iter().map(|p| local(&p.name)).collect();
    tb.push_str("initial begin\n");
    for step in steps {
        for (p, v) in inputs.iter().zip(step) {
            let _ = writeln!(tb, "    {} = {}'h{};", local(&p.name), p.width, v);
        }
        let _ = writeln!(tb, "    #1 $display(\"{}\", {});", format.join(" "), values.join(", "));
        if let Some(c) = clock_port {
            let _ = writeln!(tb, "    {0} = 1; #1 {0} = 0;", local(c));
        }
    }
    tb.push_str("    $finish;\nend\nendmodule\n");
    let design = work.join("design.v");
    let bench = work.join("tb.v");
    let binary = work.join("sim.vvp");
    std::fs::write(&design, verilog)?;
    std::fs::write(&bench, tb)?;
    let compile = Command::new("iverilog").arg("-o").arg(&binary).arg("-s").arg("mee_tb").arg(&bench).arg(&design).output()?;
    if !compile.status.success() {
        bail!("iverilog failed:\n{}", String::from_utf8_lossy(&compile.stderr).lines().take(30).collect::<Vec<_>>().join("\n"));
    }
    let run = Command::new("vvp").arg("-n").arg(&binary).output()?;
    if !run.status.success() {
        bail!("vvp failed: {}", String::from_utf8_lossy(&run.stderr));
    }
    let text = String::from_utf8_lossy(&run.stdout);
    let mut result = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with("VCD") && !l.contains("$finish") && !l.trim().is_empty()) {
        let row: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if row.len() != outputs.len() || row.iter().any(|w| !w.chars().all(|c| c.is_ascii_hexdigit())) {
            bail!("unexpected simulator output line {line:?} (x or z on an output?)");
        }
        result.push(row);
    }
    if result.len() != steps.len() {
        bail!("simulator printed {} samples for {} steps", result.len(), steps.len());
    }
    Ok(result)
}
