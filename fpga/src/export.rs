//! `mee export`: writes the Verilog of the XTS datapaths (encryption and decryption) for a
//! config, with a summary.
//!
//! rust-hdl names the top module `top` and every submodule after its instance path
//! (`top$aes$encrypt_rounds$0$...`); the export renames `top` to the design's name,
//! `<top_name>_xts_encrypt` or `<top_name>_xts_decrypt`, so every module carries the config's
//! `top_name` as a prefix and two configs can live in one design.

use anyhow::{Context, Result};
use mee_hdl::aes_pipeline::{AesPipeline, Direction};
use mee_hdl::tweak::XtsTweakUnit;
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

/// The Verilog of one direction's XTS datapath for `config`.
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
    ExportedDesign { module, verilog }
}

/// The summary written beside the Verilog.
pub fn summary(config: &EngineConfig, designs: &[ExportedDesign]) -> String {
    let placement = config.pipeline.round_registers;
    let mut s = String::from("# mee export summary\n\n## Config\n\n```toml\n");
    s.push_str(&config.to_toml_string());
    s.push_str("```\n\n## Designs\n\n| module | lines | modules |\n| --- | --- | --- |\n");
    for d in designs {
        s.push_str(&format!("| `{}` | {} | {} |\n", d.module, d.lines(), d.modules()));
    }
    s.push_str(&format!(
        "\n## Latencies (cycles)\n\n- AES pipeline: {}\n- tweak unit: {}\n- XTS datapath (valid_in to valid_out): {}\n- throughput: 1 block per cycle per direction, no backpressure\n",
        AesPipeline::latency(config.key_bytes(), placement),
        XtsTweakUnit::latency(config.key_bytes(), placement),
        XtsCipher::latency(config.key_bytes(), placement),
    ));
    s.push_str(
        "\n## Ports of `*_xts_encrypt` / `*_xts_decrypt`\n\n\
| port | dir | width | meaning |\n| --- | --- | --- | --- |\n\
| `clock`, `reset` | in | 1 | rising-edge clock, synchronous active-high reset |\n\
| `valid_in` | in | 1 | a block enters |\n\
| `block_in$k` | in | 8 | byte k of the input block |\n\
| `dusn$k` | in | 8 | byte k of the data-unit sequence number (little-endian) |\n\
| `block_index` | in | 8 | block index j inside the data unit |\n\
| `key1$k` | in | 8 | byte k of the data key (encrypt) or of its decryption key form (decrypt) |\n\
| `key2$k` | in | 8 | byte k of the tweak key |\n\
| `valid_out` | out | 1 | a block leaves, the latency above after it entered |\n\
| `block_out$k` | out | 8 | byte k of the output block |\n",
    );
    s
}

/// Writes both datapaths and the summary into `out`. Everything is generated first and written
/// through temporary files renamed at the end, so a failure leaves no half-written file.
pub fn export(config: &EngineConfig, out: &Path) -> Result<Vec<PathBuf>> {
    let designs = [export_xts(config, Direction::Encrypt), export_xts(config, Direction::Decrypt)];
    let mut files: Vec<(PathBuf, String)> = designs
        .iter()
        .map(|d| (out.join(format!("{}.v", d.module)), d.verilog.clone()))
        .collect();
    files.push((out.join(format!("{}_summary.md", config.top_name)), summary(config, &designs)));
    fs::create_dir_all(out).with_context(|| format!("cannot create output folder {}", out.display()))?;
    let mut temporaries = Vec::new();
    for (path, text) in &files {
        let tmp = path.with_extension("tmp");
        fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
        temporaries.push((tmp, path.clone()));
    }
    for (tmp, path) in &temporaries {
        fs::rename(tmp, path).with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
