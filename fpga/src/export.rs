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
use mee_hdl::bus::axi_engine::AxiEngine;
use mee_reference::ports::{exported_ports, PortDirection};
use mee_reference::{BusKind, EngineConfig};
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

/// Width of each port in the rust-hdl engine or AXI4 top (the widest any config needs).
fn wide_width(port: &str) -> usize {
    if port.ends_with("awid") || port.ends_with("arid") || port.ends_with("_bid") || port.ends_with("_rid") {
        return 16;
    }
    match port {
        "s_axi_awaddr" | "s_axi_araddr" | "m_axi_awaddr" | "m_axi_araddr" => 64,
        "s_axi_awuser" | "s_axi_aruser" => 17,
        "s_axi_awlen" | "s_axi_arlen" | "m_axi_awlen" | "m_axi_arlen" | "s_axil_awaddr" | "s_axil_araddr" => 8,
        "s_axi_awsize" | "s_axi_arsize" | "m_axi_awsize" | "m_axi_arsize" => 3,
        "s_axi_awburst" | "s_axi_arburst" | "m_axi_awburst" | "m_axi_arburst" => 2,
        "s_axi_bresp" | "s_axi_rresp" | "m_axi_bresp" | "m_axi_rresp" | "s_axil_bresp" | "s_axil_rresp" => 2,
        "s_axi_wdata" | "s_axi_rdata" | "m_axi_wdata" | "m_axi_rdata" => 128,
        "s_axi_wstrb" | "m_axi_wstrb" => 16,
        "s_axil_wdata" | "s_axil_rdata" => 32,
        "s_axil_wstrb" => 4,
        "core_req_addr" | "dram_req_addr" => 64,
        "core_req_asid" | "key_cmd_asid" => 16,
        "key_cmd_key1" | "key_cmd_key2" => 256,
        "core_req_wdata" | "core_rsp_rdata" | "dram_req_wdata" | "dram_rsp_rdata" => 128,
        "core_rsp_status" | "key_rsp_status" => 2,
        "core_req_wstrb" => 16,
        _ => 1,
    }
}

/// The top module: exactly the ports of DESIGN.md at the config's widths, around the
/// rust-hdl engine `inner` (inputs zero-extended, outputs truncated to the config's widths).
pub fn top_wrapper(config: &EngineConfig, inner: &str) -> String {
    let ports = exported_ports(config);
    let declarations: Vec<String> = ports
        .iter()
        .map(|p| {
            let (dir, name) = (p.direction.verilog(), p.name);
            if p.width == 1 { format!("    {dir} wire {name}") } else { format!("    {dir} wire [{}:0] {name}", p.width - 1) }
        })
        .collect();
    let mut v = format!(
        "// {top}: memory encryption engine generated by mee. Ports as in DESIGN.md's \"{section}\";\n         // byte k of every data and key bus is bits [8k+7:8k].\nmodule {top}(\n{}\n);\n",
        declarations.join(",\n"),
        top = config.top_name,
        section = match config.interface.bus {
            BusKind::Native => "Verilog top level",
            BusKind::Axi4 => "Standard bus tops: AXI4",
        }
    );
    let mut connections = Vec::new();
    for p in &ports {
        let (name, width) = (p.name, p.width);
        let wide = wide_width(name);
        if p.direction == PortDirection::Output && wide > width {
            v.push_str(&format!("wire [{}:0] wide_{name};\nassign {name} = wide_{name}[{}:0];\n", wide - 1, width - 1));
            connections.push(format!("    .{name}(wide_{name})"));
        } else if p.direction == PortDirection::Input && wide > width {
            connections.push(format!("    .{name}({{{}'d0, {name}}})", wide - width));
        } else {
            connections.push(format!("    .{name}({name})"));
        }
    }
    if config.interface.bus == BusKind::Native {
        // The rust-hdl engine's outputs for the AXI4 top, which the native top leaves open.
        for name in ["core_rsp_answer", "core_rsp_follow"] {
            v.push_str(&format!("wire unused_{name};\n"));
            connections.push(format!("    .{name}(unused_{name})"));
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
    let raw = match config.interface.bus {
        BusKind::Native => named_verilog(Engine::new(config), &inner),
        BusKind::Axi4 => named_verilog(AxiEngine::new(config), &inner),
    };
    let (deduplicated, stats) = crate::dedupe::dedupe(&raw);
    // The top module first: tools that expect the file to be named after its first module
    // (Verilator's DECLFILENAME) find it.
    let verilog = top_wrapper(config, &inner) + "\n" + &deduplicated;
    ExportedDesign { module: config.top_name.clone(), verilog, raw: Some((stats.lines_before, stats.modules_before)) }
}

/// `config` with the native top: the engine inside an AXI4 top, for the flows that drive the
/// engine's own ports (`mee regress`, `mee report engine-speed`); the AXI4 layer around it is
/// checked at bus level by the cocotb test. Says so on stderr when it changes the config.
pub fn native_engine(config: &EngineConfig) -> EngineConfig {
    let mut native = config.clone();
    if native.interface.bus != BusKind::Native {
        eprintln!(
            "note: `{}` has the AXI4 top; this drives the engine inside it on its native ports",
            config.top_name
        );
        native.interface = Default::default();
    }
    native
}

/// Latencies of the engine (cycles), from the config.
pub fn latencies(config: &EngineConfig) -> Vec<(&'static str, usize)> {
    let aes = config.aes_latency();
    vec![
        (
            if config.shares_tweak_pipeline() {
                "AES pipeline (each of encryption with the tweaks, decryption)"
            } else {
                "AES pipeline (each of tweak, encryption, decryption)"
            },
            aes,
        ),
        ("tweak unit", config.tweak_latency()),
        ("write: request accepted to DRAM write request", config.tweak_latency() + config.encrypt_latency() + 2),
        ("read: request accepted to DRAM read request", config.read_request_latency()),
        ("read: DRAM data to core response", aes + 1),
        (
            "read: cost over a direct connection, DRAM latency >= tweak unit",
            // With one shared unit, the decryption waits for its slot: two slots in all.
            config.read_cost_cycles(),
        ),
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
    for p in exported_ports(config) {
        s.push_str(&format!("| `{}` | {} | {} |\n", p.name, p.direction.verilog(), p.width));
    }
    if config.interface.bus == BusKind::Axi4 {
        s.push_str(&format!(
            "\n`awuser`/`aruser` ({} bits): bit 0 the C-bit, bits [{}:1] the ASID. The key port's registers are in \
             the README (\"The AXI4 top\"). The AXI4 layer adds a cycle before the engine (a beat reaches it one cycle \
             after its address is taken) and one after it (the `r` and `b` registers) to the latencies below; a DRAM read \
             of a block with a write awaiting its `b` response (up to 8 are tracked) waits for it.\n",
            config.asid_bits + 1,
            config.asid_bits
        ));
    }
    s.push_str("\n## Latencies (cycles)\n\n| path | cycles |\n| --- | --- |\n");
    for (what, cycles) in latencies(config) {
        s.push_str(&format!("| {what} | {cycles} |\n"));
    }
    if config.pipeline.round_registers.is_shared() {
        s.push_str(&format!(
            "\nWith one shared AES unit these are the figures when the slot is due: a request waits up to {} more \
             cycles in stage A for the tweak slot, and DRAM data up to {} more for the cycle before the decryption slot.\n",
            config.shared_frame_cycles() - 1,
            config.shared_frame_cycles() - 1,
        ));
    }
    if config.pipeline.round_registers.is_pipelined() {
        s.push_str(&format!(
            "\n## Throughput\n\nOne request per cycle for reads, writes and mixed traffic when neither side stalls and \
             read_queue_depth ({}) exceeds the DRAM latency + {}; write_queue_depth ({}) of at least {} keeps mixed traffic \
             at full rate. Measured with `mee report engine`.\n",
            config.pipeline.read_queue_depth,
            config.aes_latency() + 3 + config.read_request_latency(),
            config.pipeline.write_queue_depth,
            2 * (config.tweak_latency() + config.aes_latency()),
        ));
        if config.shares_tweak_pipeline() {
            s.push_str(&format!(
                "\nThe tweak pipeline is shared: the encryption pipeline also computes each tweak that is not the last one's \
                 (another data unit of {} bytes, or another ASID), and writes wait for it in a queue of {} entries, so the \
                 write latency above is the smallest. Reads keep one per cycle; a write whose tweak is computed takes the \
                 pipeline twice, so writes to a new data unit every block run at one per two cycles, and a stream of writes \
                 loses about one cycle at each new data unit.\n",
                config.data_unit_bytes,
                config.tweak_slip_depth(),
            ));
        }
        if config.pipeline.read_request_queue {
            s.push_str(
                "\nReads reach DRAM through the read request queue (two entries): each read takes the one cycle more shown \
                 above, and the DRAM request channel is chosen from registers, so `dram_req_ready` reaches neither stage A's \
                 hand-over nor `core_req_ready`.\n",
            );
        }
    } else if config.pipeline.round_registers.is_shared() {
        s.push_str(&format!(
            "\n## Throughput\n\nOne AES unit shared by the tweak, the encryption and the decryption in a fixed frame of \
             {} cycles (a slot of {} cycles each): one request per frame for reads, writes and mixed traffic. \
             Measured with `mee explore`.\n",
            config.shared_frame_cycles(),
            config.aes_initiation_interval(),
        ));
    } else {
        s.push_str(&format!(
            "\n## Throughput\n\nIterative AES units: one request every {} cycles for reads, writes and mixed traffic \
             (each AES unit runs one round per cycle and takes a new block once idle). Measured with `mee explore`.\n",
            config.aes_initiation_interval(),
        ));
    }
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
