//! `mee export`: writes the engine's Verilog for a config, with a summary (ports, latencies,
//! throughput, config).
//!
//! rust-hdl names the top module `top` and every submodule after its instance path
//! (`top$core$encrypt$encrypt_rounds$0$...`); the export renames `top` to `<top_name>_wide`,
//! so every module carries the config's `top_name` as a prefix and two configs can live in one
//! design, and adds the top module `<top_name>` with the exact port widths of the config.

use anyhow::{Context, Result};
use mee_hdl::aes_pipeline::Direction;
use mee_hdl::engine_top::Engine;
use mee_hdl::xts_cipher::XtsCipher;
use mee_reference::EngineConfig;
use rust_hdl::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// One exported design.
#[derive(Clone, Debug)]
pub struct ExportedDesign {
    /// Module name of the design's top.
    pub module: String,
    /// The Verilog text.
    pub verilog: String,
    /// Lines and modules of rust-hdl's output before deduplication, when it was deduplicated.
    pub raw: Option<(usize, usize)>,
}

impl ExportedDesign {
    /// Lines of Verilog.
    pub fn lines(&self) -> usize {
        self.verilog.lines().count()
    }

    /// Number of `module` declarations.
    pub fn modules(&self) -> usize {
        self.verilog.lines().filter(|l| l.starts_with("module ")).count()
    }
}

/// Renames rust-hdl's `top` and its `top$...` submodules to `name` and `name$...`.
pub fn rename_top(verilog: &str, name: &str) -> String {
    verilog
        .lines()
        .map(|line| {
            if let Some(rest) = line.strip_prefix("module top") {
                format!("module {name}{rest}")
            } else if let Some(rest) = line.strip_prefix("endmodule // top") {
                format!("endmodule // {name}{rest}")
            } else if line.trim_start().starts_with("top$") {
                line.replacen("top$", &format!("{name}$"), 1)
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Connects `block` and returns its Verilog with the top module named `name`.
pub fn named_verilog<B: Block>(mut block: B, name: &str) -> String {
    block.connect_all();
    rename_top(&generate_verilog(&block), name)
}

/// The Verilog of one direction's XTS datapath for `config` (used by reports and tests).
pub fn export_xts(config: &EngineConfig, direction: Direction) -> ExportedDesign {
    let cipher = XtsCipher::new(
        direction,
        config.key_bytes(),
        config.block_index_bits(),
        config.pipeline.round_registers,
        config.pipeline.sbox,
    );
    let suffix = match direction {
        Direction::Encrypt => "xts_encrypt",
        Direction::Decrypt => "xts_decrypt",
    };
    let module = format!("{}_{suffix}", config.top_name);
    let verilog = named_verilog(cipher, &module);
    ExportedDesign { module, verilog, raw: None }
}

/// A port of the engine's top level: name, direction, width.
pub fn top_ports(config: &EngineConfig) -> Vec<(&'static str, &'static str, usize)> {
    let (a, s, k) = (config.addr_bits as usize, config.asid_bits as usize, config.key_bits as usize);
    vec![
        ("clock", "input", 1),
        ("reset", "input", 1),
        ("core_req_valid", "input", 1),
        ("core_req_ready", "output", 1),
        ("core_req_write", "input", 1),
        ("core_req_addr", "input", a),
        ("core_req_asid", "input", s),
        ("core_req_encrypted", "input", 1),
        ("core_req_wdata", "input", 128),
        ("core_rsp_valid", "output", 1),
        ("core_rsp_ready", "input", 1),
        ("core_rsp_write", "output", 1),
        ("core_rsp_rdata", "output", 128),
        ("core_rsp_status", "output", 2),
        ("dram_req_valid", "output", 1),
        ("dram_req_ready", "input", 1),
        ("dram_req_write", "output", 1),
        ("dram_req_addr", "output", a),
        ("dram_req_wdata", "output", 128),
        ("dram_rsp_valid", "input", 1),
        ("dram_rsp_ready", "output", 1),
        ("dram_rsp_rdata", "input", 128),
        ("key_cmd_valid", "input", 1),
        ("key_cmd_ready", "output", 1),
        ("key_cmd_op", "input", 1),
        ("key_cmd_asid", "input", s),
        ("key_cmd_key1", "input", k),
        ("key_cmd_key2", "input", k),
        ("key_rsp_valid", "output", 1),
        ("key_rsp_status", "output", 2),
    ]
}

/// Width of each port in the rust-hdl engine (the widest any config needs).
fn wide_width(port: &str) -> usize {
    match port {
        "core_req_addr" | "dram_req_addr" => 64,
        "core_req_asid" | "key_cmd_asid" => 16,
        "key_cmd_key1" | "key_cmd_key2" => 256,
        "core_req_wdata" | "core_rsp_rdata" | "dram_req_wdata" | "dram_rsp_rdata" => 128,
        "core_rsp_status" | "key_rsp_status" => 2,
        _ => 1,
    }
}

/// The top module: exactly the ports of DESIGN.md at the config's widths, around the
/// rust-hdl engine `inner` (inputs zero-extended, outputs truncated to the config's widths).
pub fn top_wrapper(config: &EngineConfig, inner: &str) -> String {
    let ports = top_ports(config);
    let declarations: Vec<String> = ports
        .iter()
        .map(|(name, dir, width)| if *width == 1 { format!("    {dir} wire {name}") } else { format!("    {dir} wire [{}:0] {name}", width - 1) })
        .collect();
    let mut v = format!(
        "// {top}: memory encryption engine generated by mee. Ports as in DESIGN.md's \"Verilog top level\";\n         // byte k of every data and key bus is bits [8k+7:8k].\nmodule {top}(\n{}\n);\n",
        declarations.join(",\n"),
        top = config.top_name
    );
    let mut connections = Vec::new();
    for (name, dir, width) in &ports {
        let wide = wide_width(name);
        if *dir == "output" && wide > *width {
            v.push_str(&format!("wire [{}:0] wide_{name};\nassign {name} = wide_{name}[{}:0];\n", wide - 1, width - 1));
            connections.push(format!("    .{name}(wide_{name})"));
        } else if *dir == "input" && wide > *width {
            connections.push(format!("    .{name}({{{}'d0, {name}}})", wide - width));
        } else {
            connections.push(format!("    .{name}({name})"));
        }
    }
    v.push_str(&format!("{inner} engine(\n{}\n);\nendmodule // {}\n", connections.join(",\n"), config.top_name));
    v
}

/// The engine of `config`: the rust-hdl engine, named `<top_name>_wide` (its submodules
/// `<top_name>_wide$...`) and deduplicated, and the top `<top_name>` with the config's port
/// widths.
pub fn export_engine(config: &EngineConfig) -> ExportedDesign {
    let inner = format!("{}_wide", config.top_name);
    let engine = Engine::new(config);
    let raw = named_verilog(engine, &inner);
    let (deduplicated, stats) = crate::dedupe::dedupe(&raw);
    // The top module first: tools that expect the file to be named after its first module
    // (Verilator's DECLFILENAME) find it.
    let verilog = top_wrapper(config, &inner) + "\n" + &deduplicated;
    ExportedDesign { module: config.top_name.clone(), verilog, raw: Some((stats.lines_before, stats.modules_before)) }
}

/// Latencies of the engine (cycles), from the config.
pub fn latencies(config: &EngineConfig) -> Vec<(&'static str, usize)> {
    let aes = config.aes_latency();
    vec![
        ("AES pipeline (each of tweak, encryption, decryption)", aes),
        ("tweak unit", config.tweak_latency()),
        ("write: request accepted to DRAM write request", config.tweak_latency() + aes + 2),
        ("read: request accepted to DRAM read request", 1),
        ("read: DRAM data to core response", aes + 1),
        ("read: cost over a direct connection, DRAM latency >= tweak unit", aes + 2),
        ("set_key: command accepted to key response", mee_reference::engine_model::key_expansion_latency(config)),
        ("clear_key or refused command: accepted to key response", 1),
    ]
}

/// A FuseSoC (CAPI2) core description of the exported files, so the engine drops into
/// FuseSoC-based projects as `mee:generated:<top_name>`.
pub fn fusesoc_core(config: &EngineConfig) -> String {
    format!(
        "CAPI=2:\n\
         # Generated by `mee export`; see {top}_summary.md for the config, ports and latencies.\n\
         name: mee:generated:{top}:{version}\n\
         description: XTS-AES memory encryption engine ({bits}-bit keys, {du}-byte data units, {asids} ASIDs) generated by mee\n\
         \n\
         filesets:\n\
         \x20 rtl:\n\
         \x20   files:\n\
         \x20     - {top}.v\n\
         \x20   file_type: verilogSource\n\
         \n\
         targets:\n\
         \x20 default:\n\
         \x20   filesets: [rtl]\n\
         \x20   toplevel: {top}\n",
        top = config.top_name,
        version = env!("CARGO_PKG_VERSION"),
        bits = config.key_bits,
        du = config.data_unit_bytes,
        asids = config.num_asids,
    )
}

/// The summary written beside the Verilog.
pub fn summary(config: &EngineConfig, design: &ExportedDesign) -> String {
    let mut s = String::from("# mee export summary\n\n## Config\n\n```toml\n");
    s.push_str(&config.to_toml_string());
    s.push_str(&format!(
        "```\n\n## Design\n\n| top module | lines | modules |\n| --- | --- | --- |\n| `{}` | {} | {} |\n",
        design.module,
        design.lines(),
        design.modules()
    ));
    if let Some((lines, modules)) = design.raw {
        s.push_str(&format!("\nrust-hdl wrote {lines} lines in {modules} modules (one per instance); identical modules were merged.\n"));
    }
    s.push_str("\n## Ports\n\n| port | dir | width |\n| --- | --- | --- |\n");
    for (name, dir, width) in top_ports(config) {
        s.push_str(&format!("| `{name}` | {dir} | {width} |\n"));
    }
    s.push_str("\n## Latencies (cycles)\n\n| path | cycles |\n| --- | --- |\n");
    for (what, cycles) in latencies(config) {
        s.push_str(&format!("| {what} | {cycles} |\n"));
    }
    s.push_str(&format!(
        "\n## Throughput\n\nOne request per cycle for reads, writes and mixed traffic when neither side stalls and \
         read_queue_depth ({}) exceeds the DRAM latency + {}; write_queue_depth ({}) of at least {} keeps mixed traffic \
         at full rate. Measured with `mee report engine`.\n",
        config.pipeline.read_queue_depth,
        config.aes_latency() + 4,
        config.pipeline.write_queue_depth,
        2 * (config.tweak_latency() + config.aes_latency()),
    ));
    s
}

/// Writes every `(path, contents)` under a temporary name (`<path>.tmp`), then renames them
/// all into place, creating missing parent folders: a failure leaves no half-written file.
pub fn write_files_atomically<C: AsRef<[u8]>>(files: &[(PathBuf, C)]) -> Result<()> {
    let mut temporaries = Vec::new();
    for (path, contents) in files {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        fs::write(&tmp, contents).with_context(|| format!("cannot write {}", tmp.display()))?;
        temporaries.push((tmp, path.clone()));
    }
    for (tmp, path) in &temporaries {
        fs::rename(tmp, path).with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
    }
    Ok(())
}

/// Writes the engine and its summary into `out`. Everything is generated first and written
/// through temporary files renamed at the end, so a failure leaves no half-written file.
pub fn export(config: &EngineConfig, out: &Path) -> Result<Vec<PathBuf>> {
    let design = export_engine(config);
    let files: Vec<(PathBuf, String)> = vec![
        (out.join(format!("{}.v", design.module)), design.verilog.clone()),
        (out.join(format!("{}_summary.md", config.top_name)), summary(config, &design)),
        (out.join(format!("{}.core", config.top_name)), fusesoc_core(config)),
    ];
    fs::create_dir_all(out).with_context(|| format!("cannot create output folder {}", out.display()))?;
    write_files_atomically(&files)?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
