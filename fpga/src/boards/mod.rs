//! `mee board`: board tops in rust-hdl with their pins, constraint files generated from them by
//! rust-hdl-fpga-support, and the flow to a bitstream ([`bitstream`]).
//!
//! - [`alchitry_cu`]: Alchitry Cu (iCE40 HX8K): the engine's built-in self-test on the IEEE
//!   1619 vectors, pass or fail on the LEDs and the USB serial port.

pub mod alchitry_cu;
pub mod bitstream;

use crate::dedupe::dedupe;
use crate::export::named_verilog;
use crate::synth::Target;
use anyhow::{Context, Result};
use mee_reference::EngineConfig;
use mee_testbench::self_test_program::ieee1619_program;
use mee_testbench::vectors::XtsVector;
use std::path::{Path, PathBuf};

/// A board `mee board` builds for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Board {
    /// Alchitry Cu: iCE40 HX8K.
    AlchitryCu,
}

impl Board {
    /// Every board.
    pub const ALL: [Board; 1] = [Board::AlchitryCu];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Board::AlchitryCu => "alchitry_cu",
        }
    }

    /// The board by its command-line name.
    pub fn from_name(name: &str) -> Result<Board> {
        Board::ALL.into_iter().find(|b| b.name() == name).ok_or_else(|| {
            anyhow::anyhow!("unknown board {name:?}: the boards are {}", Board::ALL.map(|b| b.name()).join(", "))
        })
    }

    /// One line on what the board is and what runs on it.
    pub fn description(self) -> &'static str {
        match self {
            Board::AlchitryCu => "Alchitry Cu: iCE40 HX8K (CB132), 100 MHz oscillator; the smallest engine's self-test on the IEEE 1619 vectors at 25 MHz, result on the LEDs and the USB serial port (115,200 baud)",
        }
    }

    /// The engine a board builds without `--config`.
    pub fn default_config(self) -> EngineConfig {
        let text = match self {
            Board::AlchitryCu => alchitry_cu::DEFAULT_CONFIG,
        };
        EngineConfig::from_toml_str(text).expect("the built-in board configs are valid")
    }

    /// The FPGA and its package.
    pub fn device(self) -> bitstream::Device {
        match self {
            Board::AlchitryCu => bitstream::Device {
                target: Target::Ice40,
                nextpnr_args: ["--hx8k", "--package", "cb132"].map(String::from).to_vec(),
                constraints_option: "--pcf",
                name: "iCE40 HX8K (CB132)",
            },
        }
    }

    /// The system clock the top runs at, in MHz (the timing target).
    pub fn system_clock_mhz(self) -> f64 {
        match self {
            Board::AlchitryCu => alchitry_cu::SYSTEM_CLOCK_HZ as f64 / 1e6,
        }
    }

    /// The constraint file committed under `constraints/`.
    pub fn constraints_file(self) -> &'static str {
        match self {
            Board::AlchitryCu => "alchitry_cu.pcf",
        }
    }
}

/// A board top ready for the flow.
pub struct BoardDesign {
    /// The top module's name.
    pub module: String,
    /// Its Verilog.
    pub verilog: String,
    /// Its constraint file's text, generated from the top's pins.
    pub constraints: String,
    /// What the top runs, for the build summary.
    pub notes: String,
}

/// The top of `board` around the engine of `config`, its self-test from `vectors`.
pub fn design(board: Board, config: &EngineConfig, vectors: &[XtsVector]) -> Result<BoardDesign> {
    match board {
        Board::AlchitryCu => {
            let (program, names) = ieee1619_program(config, vectors)?;
            let module = format!("{}_alchitry_cu", config.top_name);
            let constraints = rust_hdl::fpga::toolchains::icestorm::generate_pcf(&alchitry_cu::AlchitryCuTop::new(config, &program));
            let (verilog, _) = dedupe(&named_verilog(alchitry_cu::AlchitryCuTop::new(config, &program), &module));
            let notes = format!(
                "The engine `{}` runs its self-test: {} steps, {} requests, {} checks, from {}.\n",
                config.top_name,
                program.steps.len(),
                program.requests(),
                program.checks(),
                names.join(", ")
            );
            Ok(BoardDesign { module, verilog, constraints, notes })
        }
    }
}

/// `mee board list`: the boards, one per line.
pub fn list() -> String {
    Board::ALL.iter().map(|b| format!("{:<12} {}\n", b.name(), b.description())).collect()
}

/// `mee board constraints`: writes every board's constraint file (with the board's default
/// engine) into `out`. Returns the files written.
pub fn write_constraints(vectors: &[XtsVector], out: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for board in Board::ALL {
        let design = design(board, &board.default_config(), vectors)?;
        files.push((out.join(board.constraints_file()), design.constraints.into_bytes()));
    }
    crate::export::write_files_atomically(&files)?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// `mee board build`: the top's Verilog and constraints into `out`, then the bitstream, and a
/// summary (`<module>_build.md`) that is also returned. With `pack_only` the flow stops after
/// nextpnr's packing (the device's resources are checked, nothing is placed).
pub fn build(board: Board, config: &EngineConfig, vectors: &[XtsVector], out: &Path, seed: u64, pack_only: bool) -> Result<String> {
    let design = design(board, config, vectors)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = std::path::absolute(out).with_context(|| format!("cannot resolve {}", out.display()))?;
    let device = board.device();
    let extension = device.constraints_option.trim_start_matches("--");
    let module = &design.module;
    // A bitstream from an earlier build must not pass for this one's.
    for stale in ["bin", "bit", "asc", "config"] {
        let _ = std::fs::remove_file(out.join(format!("{module}.{stale}")));
    }
    crate::export::write_files_atomically(&[
        (out.join(format!("{module}.v")), design.verilog.clone().into_bytes()),
        (out.join(format!("{module}.{extension}")), design.constraints.clone().into_bytes()),
    ])?;
    let built = bitstream::build(&out, module, &device, board.system_clock_mhz(), seed, !pack_only)?;
    let summary = format!("# {module} on the {}\n\n{}\n{}", board.name(), design.notes, built.summary(&device));
    std::fs::write(out.join(format!("{module}_build.md")), &summary).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(summary)
}
