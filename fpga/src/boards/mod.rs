//! `mee board`: board tops in rust-hdl with their pins, constraint files generated from them by
//! rust-hdl-fpga-support, and the flow to a bitstream ([`bitstream`]).
//!
//! - [`alchitry_cu`]: Alchitry Cu (iCE40 HX8K): the engine's built-in self-test on the IEEE
//!   1619 vectors, pass or fail on the LEDs and the USB serial port.
//! - [`ulx3s`]: ULX3S (ECP5 LFE5U-85F): the SoC running a guest launched from a ROM, DRAM on
//!   the board's SDRAM, the console on the USB serial port.

pub mod alchitry_cu;
pub mod bitstream;
pub mod ecp5_pll;
pub mod ulx3s;

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
    /// ULX3S: ECP5 LFE5U-85F.
    Ulx3s,
}

impl Board {
    /// Every board.
    pub const ALL: [Board; 2] = [Board::AlchitryCu, Board::Ulx3s];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Board::AlchitryCu => "alchitry_cu",
            Board::Ulx3s => "ulx3s",
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
            Board::Ulx3s => "ULX3S: ECP5 LFE5U-85F (CABGA381), 25 MHz oscillator, 32 MB SDRAM; the SoC (two PicoRV32, the iterative engine) at 40 MHz launching a guest from a ROM, DRAM on the SDRAM, the guest's console on the USB serial port (115,200 baud)",
        }
    }

    /// The engine a board builds without `--config`.
    pub fn default_config(self) -> EngineConfig {
        let text = match self {
            Board::AlchitryCu => alchitry_cu::DEFAULT_CONFIG,
            Board::Ulx3s => ulx3s::DEFAULT_CONFIG,
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
            Board::Ulx3s => bitstream::Device {
                target: Target::Ecp5,
                nextpnr_args: ["--85k", "--package", "CABGA381"].map(String::from).to_vec(),
                constraints_option: "--lpf",
                name: "ECP5 LFE5U-85F (CABGA381)",
            },
        }
    }

    /// The system clock the top runs at, in MHz (the timing target).
    pub fn system_clock_mhz(self) -> f64 {
        match self {
            Board::AlchitryCu => alchitry_cu::SYSTEM_CLOCK_HZ as f64 / 1e6,
            Board::Ulx3s => ecp5_pll::pll_dividers(ulx3s::BOARD_CLOCK_MHZ, ulx3s::SYSTEM_CLOCK_MHZ).map_or(ulx3s::SYSTEM_CLOCK_MHZ, |d| d.output_mhz),
        }
    }

    /// The constraint file committed under `constraints/`.
    pub fn constraints_file(self) -> &'static str {
        match self {
            Board::AlchitryCu => "alchitry_cu.pcf",
            Board::Ulx3s => "ulx3s_85f.lpf",
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
    /// Third-party Verilog the top instantiates (PicoRV32), read before the top.
    pub sources: Vec<PathBuf>,
    /// What the top runs, for the build summary.
    pub notes: String,
}

/// What a board's top is built from besides the engine config.
#[derive(Clone, Debug, Default)]
pub struct BoardInputs {
    /// The IEEE 1619 vectors (the Cu's self-test).
    pub vectors: Vec<XtsVector>,
    /// The guest ELF (the ULX3S; the example guest `hello` when none).
    pub guest: Option<PathBuf>,
    /// A folder for the sp's firmware and the example guest's build.
    pub work: PathBuf,
}

/// The top of `board` around the engine of `config`.
pub fn design(board: Board, config: &EngineConfig, inputs: &BoardInputs) -> Result<BoardDesign> {
    match board {
        Board::AlchitryCu => {
            let (program, names) = ieee1619_program(config, &inputs.vectors)?;
            let module = format!("{}_alchitry_cu", config.top_name);
            let top = alchitry_cu::AlchitryCuTop::new(config, &program);
            let constraints = rust_hdl::fpga::toolchains::icestorm::generate_pcf(&top);
            let (verilog, _) = dedupe(&named_verilog(top, &module));
            let notes = format!(
                "The engine `{}` runs its self-test: {} steps, {} requests, {} checks, from {}.\n",
                config.top_name,
                program.steps.len(),
                program.requests(),
                program.checks(),
                names.join(", ")
            );
            Ok(BoardDesign { module, verilog, constraints, sources: Vec::new(), notes })
        }
        Board::Ulx3s => ulx3s_design(config, inputs),
    }
}

/// The ULX3S's constraints: they depend on its pins alone.
fn ulx3s_constraints(config: &EngineConfig) -> String {
    rust_hdl::fpga::toolchains::ecp5::generate_lpf(&ulx3s::Ulx3sTop::new(config, &[], &[], &[]))
}

fn ulx3s_design(config: &EngineConfig, inputs: &BoardInputs) -> Result<BoardDesign> {
    use crate::soc::guest_elf::GuestImage;
    crate::soc::export::check_dram_fits(config)?;
    let picorv32 = crate::soc::export::picorv32_source()?;
    let firmware = crate::soc::firmware::build(&inputs.work)?;
    let (guest, guest_name) = match &inputs.guest {
        Some(path) => (path.clone(), path.display().to_string()),
        None => (build_example_guest(&inputs.work.join("guests"))?, "examples/guests/hello.c".to_string()),
    };
    let image = GuestImage::load(&guest, config.soc.dram_bytes)?;
    let sealed = image.sealed_ranges();
    let mut blocks: std::collections::BTreeMap<u32, [u8; 16]> = Default::default();
    for segment in &image.segments {
        for (i, byte) in segment.bytes.iter().enumerate() {
            let addr = segment.dram_addr + i as u64;
            blocks.entry((addr & !15) as u32).or_insert([0; 16])[(addr & 15) as usize] = *byte;
        }
    }
    if blocks.len() > 1 << mee_hdl::soc::guest_loader::ROM_BITS {
        anyhow::bail!("guest {} has {} blocks; the board's loader ROM holds {}", guest.display(), blocks.len(), 1 << mee_hdl::soc::guest_loader::ROM_BITS);
    }
    // The launch keys are drawn once per build from a fixed seed (a demo: a product's sp would
    // draw them from a true random source).
    use rand::{RngCore, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x6d65_6521);
    let mut key1 = vec![0u8; config.key_bytes()];
    let mut key2 = vec![0u8; config.key_bytes()];
    rng.fill_bytes(&mut key1);
    rng.fill_bytes(&mut key2);
    let mailbox = crate::soc::run::mailbox_words(1, image.entry, &key1, &key2, &sealed);
    let blocks: Vec<(u32, [u8; 16])> = blocks.into_iter().collect();
    let module = format!("{}_ulx3s", config.top_name);
    let (verilog, _) = dedupe(&named_verilog(ulx3s::Ulx3sTop::new(config, &firmware, &blocks, &mailbox), &module));
    let notes = format!(
        "The SoC around the engine `{}` launches the guest {} (ASID 1, {} blocks loaded, {} private ranges sealed) at power-up; its console is the USB serial port at 115,200 baud.\n",
        config.top_name,
        guest_name,
        blocks.len(),
        sealed.len()
    );
    Ok(BoardDesign { module, verilog, constraints: ulx3s_constraints(config), sources: vec![picorv32], notes })
}

/// Builds the example guests into `out` and returns `hello`.
fn build_example_guest(out: &Path) -> Result<PathBuf> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/guests");
    let status = std::process::Command::new("make")
        .arg("-s")
        .arg("-C")
        .arg(&source)
        .arg(format!("OUT={}", std::path::absolute(out)?.display()))
        .status()
        .context("cannot run make for the example guests (install make and riscv64-unknown-elf-gcc, or pass --guest)")?;
    if !status.success() {
        anyhow::bail!("the example guests did not build (make -C {}); pass --guest G.elf", source.display());
    }
    Ok(out.join("hello.elf"))
}

/// `mee board list`: the boards, one per line.
pub fn list() -> String {
    Board::ALL.iter().map(|b| format!("{:<12} {}\n", b.name(), b.description())).collect()
}

/// The constraint file of `board` with the engine of `config`, generated from the top's pins.
pub fn constraints(board: Board, config: &EngineConfig, vectors: &[XtsVector]) -> Result<String> {
    match board {
        Board::AlchitryCu => {
            let (program, _) = ieee1619_program(config, vectors)?;
            Ok(rust_hdl::fpga::toolchains::icestorm::generate_pcf(&alchitry_cu::AlchitryCuTop::new(config, &program)))
        }
        Board::Ulx3s => Ok(ulx3s_constraints(config)),
    }
}

/// `mee board constraints`: writes every board's constraint file (with the board's default
/// engine) into `out`. Returns the files written.
pub fn write_constraints(vectors: &[XtsVector], out: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for board in Board::ALL {
        files.push((out.join(board.constraints_file()), constraints(board, &board.default_config(), vectors)?.into_bytes()));
    }
    crate::export::write_files_atomically(&files)?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// `mee board build`: the top's Verilog and constraints into `out`, then the bitstream, and a
/// summary (`<module>_build.md`) that is also returned. With `pack_only` the flow stops after
/// nextpnr's packing (the device's resources are checked, nothing is placed).
pub fn build(board: Board, config: &EngineConfig, inputs: &BoardInputs, out: &Path, seed: u64, pack_only: bool) -> Result<String> {
    let design = design(board, config, inputs)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = std::path::absolute(out).with_context(|| format!("cannot resolve {}", out.display()))?;
    let device = board.device();
    let extension = device.constraints_option.trim_start_matches("--");
    let module = &design.module;
    // A bitstream from an earlier build must not pass for this one's.
    for stale in ["bin", "bit", "asc", "config"] {
        let _ = std::fs::remove_file(out.join(format!("{module}.{stale}")));
    }
    let mut files = vec![
        (out.join(format!("{module}.v")), design.verilog.clone().into_bytes()),
        (out.join(format!("{module}.{extension}")), design.constraints.clone().into_bytes()),
    ];
    // yowasp's tools see only the folder they run in: third-party sources are copied there.
    let mut sources = Vec::new();
    for source in &design.sources {
        let name = source.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        files.push((out.join(&name), std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?));
        sources.push(name);
    }
    crate::export::write_files_atomically(&files)?;
    let built = bitstream::build(&out, module, &sources, &device, board.system_clock_mhz(), seed, !pack_only)?;
    let summary = format!("# {module} on the {}\n\n{}\n{}", board.name(), design.notes, built.summary(&device));
    std::fs::write(out.join(format!("{module}_build.md")), &summary).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(summary)
}
