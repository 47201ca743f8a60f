//! `mee soc run`: guests launched by the sp and run by the cpu from encrypted DRAM, in a
//! Verilator build of the exported SoC (DESIGN.md, "The SoC: a soft core in the loop").
//!
//! The build is cached in the work folder while the Verilog and harness are unchanged. stdout
//! carries the guests' console bytes and nothing else; stderr the summary. The exit code is
//! the last guest's (low 8 bits); a guest that exits non-zero ends the run there. Reaching
//! `--max-cycles` (all guests together) exits 124, a cpu trap 125, each with a message.

use super::export::{export_soc, picorv32_source, soc_engine};
use super::guest_elf::GuestImage;
use anyhow::{bail, Context, Result};
use mee_reference::EngineConfig;
use rand::RngCore;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Exit code of a run that reached `--max-cycles`.
pub const TIMEOUT_EXIT: i32 = 124;
/// Exit code of a run whose cpu trapped.
pub const TRAP_EXIT: i32 = 125;
/// Words of the launch mailbox.
pub const MAILBOX_WORDS: usize = 64;
/// Private ranges the sp firmware takes per launch.
pub const MAX_SEALED_RANGES: usize = 16;

/// What `mee soc run` was asked to do.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Guest ELF files, run one after the other.
    pub guests: Vec<PathBuf>,
    /// ASID of the first guest (the k-th runs under `asid + k`).
    pub asid: u32,
    /// key1 of guest k (hex), where given; the others are random.
    pub key1: Vec<String>,
    /// key2 of guest k (hex), where given.
    pub key2: Vec<String>,
    /// Cycles for the whole run.
    pub max_cycles: u64,
    /// Where to write the DRAM image after the run.
    pub dram_dump: Option<PathBuf>,
    /// Where to write a VCD trace.
    pub vcd: Option<PathBuf>,
    /// A folder for `guest<k>.measured`: the bytes the sp measures at guest k's launch
    /// (`sha256sum` of it is the launch digest).
    pub measured: Option<PathBuf>,
    /// The DRAM model's read latency, overriding `soc.dram_latency`.
    pub dram_latency: Option<u32>,
    /// The build and plan folder.
    pub work: PathBuf,
    /// Pass the guests' console bytes to stdout (else they are dropped).
    pub console: bool,
}

/// How one guest's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuestEnd {
    /// The guest stored its exit code.
    Exit(u32),
    /// The run reached `--max-cycles`.
    Timeout,
    /// The cpu trapped.
    Trap,
    /// The sp reported a failed launch (status word, detail word).
    LaunchFailed(u32, u32),
}

/// One guest's run.
#[derive(Clone, Debug)]
pub struct GuestRun {
    /// The guest's file.
    pub path: PathBuf,
    /// Its ASID.
    pub asid: u32,
    /// Its keys.
    pub key1: Vec<u8>,
    /// Its tweak key.
    pub key2: Vec<u8>,
    /// The ranges the sp sealed (DRAM address, bytes).
    pub sealed: Vec<(u64, u64)>,
    /// How it ended.
    pub end: GuestEnd,
    /// Cycle of its reset, of the cpu's release, and of its end.
    pub start_cycle: u64,
    /// Cycle the sp released the cpu (0 if it never did).
    pub launched_cycle: u64,
    /// Cycle the guest ended.
    pub end_cycle: u64,
    /// Instructions the cpu fetched.
    pub fetches: u64,
    /// The cpu's reads that missed its read buffer.
    pub dram_reads: u64,
    /// The cycles those reads took.
    pub dram_read_cycles: u64,
    /// The launch digest the sp reported (SHA-256, hex).
    pub digest: Option<String>,
    /// Blocks the sp sealed.
    pub blocks: u64,
}

impl GuestRun {
    /// Mean cycles of a cpu read that missed the read buffer (instruction fetch or load).
    pub fn read_latency(&self) -> f64 {
        if self.dram_reads == 0 { 0.0 } else { self.dram_read_cycles as f64 / self.dram_reads as f64 }
    }

    /// Cycles per instruction after the launch.
    pub fn cpi(&self) -> f64 {
        if self.fetches == 0 { 0.0 } else { self.guest_cycles() as f64 / self.fetches as f64 }
    }

    /// Cycles from the cpu's release to the guest's end.
    pub fn guest_cycles(&self) -> u64 {
        if self.launched_cycle == 0 { 0 } else { self.end_cycle - self.launched_cycle }
    }
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct SocRun {
    /// The guests that ran, in order.
    pub guests: Vec<GuestRun>,
    /// Cycles simulated.
    pub cycles: u64,
    /// Wall-clock seconds of the simulation.
    pub seconds: f64,
}

impl SocRun {
    /// The process exit code: 124 on timeout, 125 on a trap, else the last guest's code.
    pub fn exit_code(&self) -> i32 {
        match self.guests.last().map(|g| &g.end) {
            Some(GuestEnd::Exit(code)) => (code & 0xff) as i32,
            Some(GuestEnd::Timeout) => TIMEOUT_EXIT,
            Some(GuestEnd::Trap) => TRAP_EXIT,
            Some(GuestEnd::LaunchFailed(..)) | None => 1,
        }
    }
}

fn parse_key(text: &str, bytes: usize, which: &str) -> Result<Vec<u8>> {
    let digits = text.trim_start_matches("0x");
    let key = hex::decode(digits).map_err(|e| anyhow::anyhow!("--{which} {text:?} is not hex: {e}"))?;
    if key.len() != bytes {
        bail!("--{which} has {} bytes; key_bits = {} needs {bytes} ({} hex digits)", key.len(), bytes * 8, bytes * 2);
    }
    Ok(key)
}

/// The mailbox words for one launch.
pub fn mailbox_words(asid: u32, entry: u32, key1: &[u8], key2: &[u8], sealed: &[(u64, u64)]) -> Vec<u32> {
    let mut words = vec![0u32; MAILBOX_WORDS];
    words[0] = asid;
    words[1] = entry;
    words[2] = sealed.len() as u32;
    words[3] = (key1.len() / 4) as u32;
    for (w, chunk) in key1.chunks(4).enumerate() {
        words[4 + w] = u32::from_le_bytes(chunk.try_into().unwrap_or([0; 4]));
    }
    for (w, chunk) in key2.chunks(4).enumerate() {
        words[12 + w] = u32::from_le_bytes(chunk.try_into().unwrap_or([0; 4]));
    }
    for (r, (start, length)) in sealed.iter().enumerate() {
        words[20 + 2 * r] = *start as u32;
        words[21 + 2 * r] = *length as u32;
    }
    words
}

/// A Verilator build of the exported SoC, cached in `work` while its sources are unchanged.
pub fn build_simulator(config: &EngineConfig, work: &Path) -> Result<PathBuf> {
    let tool = mee_testbench::verilated::VerilatorTool::find()?;
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let work = std::path::absolute(work).with_context(|| format!("cannot resolve {}", work.display()))?;
    let picorv32 = picorv32_source()?;
    let firmware = super::firmware::build(&work)?;
    let design = export_soc(config, &firmware);
    let top = &design.module;
    let verilog_path = work.join(format!("{top}.v"));
    let harness_path = work.join("harness.cpp");
    let binary = work.join("obj").join("soc_sim");
    let harness = include_str!("harness.cpp").replace("@TOP@", top);
    let flags_path = work.join("build_flags");
    let flags = format!("picorv32={}\n{}", picorv32.display(), tool.version);
    let same = |path: &Path, text: &str| std::fs::read_to_string(path).map(|t| t == text).unwrap_or(false);
    if binary.exists() && same(&verilog_path, &design.verilog) && same(&harness_path, &harness) && same(&flags_path, &flags) {
        return Ok(binary);
    }
    let _ = std::fs::remove_file(&binary);
    std::fs::write(&verilog_path, &design.verilog)?;
    std::fs::write(&harness_path, &harness)?;
    eprintln!("building the SoC simulator in {} (Verilator; cached while the Verilog is unchanged)", work.display());
    let out = tool
        .command()
        .args(["--cc", "--exe", "--build", "-j", "2", "--trace", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", top, "-o", "soc_sim"])
        .arg("--Mdir")
        .arg(work.join("obj"))
        .arg(&picorv32)
        .arg(&verilog_path)
        .arg(&harness_path)
        .env("OPT_FAST", "-O1")
        .env("OPT_SLOW", "-O0")
        .output()
        .context("cannot run verilator")?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        bail!("Verilator build of the SoC failed:\n{}", text.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n"));
    }
    std::fs::write(&flags_path, &flags)?;
    Ok(binary)
}

/// Runs the guests; console bytes go to this process's stdout as they come.
pub fn run(config: &EngineConfig, options: &RunOptions) -> Result<SocRun> {
    if options.guests.is_empty() {
        bail!("give at least one --guest");
    }
    if options.key1.len() != options.key2.len() {
        bail!("give --key1 and --key2 together (as many of each)");
    }
    if options.key1.len() > options.guests.len() {
        bail!("{} key pairs for {} guests", options.key1.len(), options.guests.len());
    }
    let last_asid = u64::from(options.asid) + options.guests.len() as u64 - 1;
    if last_asid >= u64::from(config.num_asids) {
        bail!(
            "--asid {} with {} guest(s) needs ASIDs up to {last_asid}, but the key table has num_asids = {} slots",
            options.asid,
            options.guests.len(),
            config.num_asids
        );
    }
    let dram_bytes = config.soc.dram_bytes;
    super::export::check_dram_fits(config)?;
    let images = options.guests.iter().map(|g| GuestImage::load(g, dram_bytes)).collect::<Result<Vec<_>>>()?;
    let key_bytes = config.key_bytes();
    let mut rng = rand::rngs::OsRng;
    let mut runs = Vec::new();
    let work = std::path::absolute(&options.work).with_context(|| format!("cannot resolve {}", options.work.display()))?;
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let mut plan = String::new();
    let _ = writeln!(plan, "dram_bytes {dram_bytes}");
    let _ = writeln!(plan, "latency {}", options.dram_latency.unwrap_or(config.soc.dram_latency));
    let _ = writeln!(plan, "max_cycles {}", options.max_cycles);
    let absolute = |p: &Option<PathBuf>| -> Result<String> {
        Ok(match p {
            Some(p) => std::path::absolute(p)?.display().to_string(),
            None => "-".into(),
        })
    };
    let dump_tmp = options.dram_dump.as_ref().map(|p| PathBuf::from(format!("{}.tmp", p.display())));
    let _ = writeln!(plan, "dump {}", absolute(&dump_tmp)?);
    let _ = writeln!(plan, "vcd {}", absolute(&options.vcd)?);
    let results_path = work.join("results.txt");
    let _ = writeln!(plan, "results {}", results_path.display());
    for (k, (path, image)) in options.guests.iter().zip(&images).enumerate() {
        let (key1, key2) = match (options.key1.get(k), options.key2.get(k)) {
            (Some(a), Some(b)) => (parse_key(a, key_bytes, "key1")?, parse_key(b, key_bytes, "key2")?),
            _ => {
                let mut a = vec![0u8; key_bytes];
                let mut b = vec![0u8; key_bytes];
                rng.fill_bytes(&mut a);
                rng.fill_bytes(&mut b);
                (a, b)
            }
        };
        if key1 == key2 {
            bail!("guest {k}: key1 equals key2, which IEEE 1619 forbids");
        }
        // The baselines seal nothing: their cpu reads the private view in plaintext.
        let sealed = if config.soc.memory_path == mee_reference::SocMemoryPath::Engine { image.sealed_ranges() } else { Vec::new() };
        if sealed.len() > MAX_SEALED_RANGES {
            bail!("guest {} has {} private ranges; the sp seals at most {MAX_SEALED_RANGES}", path.display(), sealed.len());
        }
        let asid = options.asid + k as u32;
        if let Some(dir) = &options.measured {
            let bytes = if sealed.is_empty() { Vec::new() } else { image.measured_bytes() };
            crate::export::write_files_atomically(&[(dir.join(format!("guest{k}.measured")), bytes)])?;
        }
        let mut records = Vec::new();
        for segment in &image.segments {
            records.extend_from_slice(&(segment.dram_addr as u32).to_le_bytes());
            records.extend_from_slice(&(segment.bytes.len() as u32).to_le_bytes());
            records.extend_from_slice(&segment.bytes);
        }
        let mailbox: Vec<u8> = mailbox_words(asid, image.entry, &key1, &key2, &sealed).iter().flat_map(|w| w.to_le_bytes()).collect();
        let (image_path, mailbox_path) = (work.join(format!("guest{k}.image")), work.join(format!("guest{k}.mailbox")));
        std::fs::write(&image_path, records)?;
        std::fs::write(&mailbox_path, mailbox)?;
        let _ = writeln!(plan, "guest {} {}", image_path.display(), mailbox_path.display());
        runs.push(GuestRun {
            path: path.clone(),
            asid,
            key1,
            key2,
            sealed,
            end: GuestEnd::Timeout,
            start_cycle: 0,
            launched_cycle: 0,
            end_cycle: 0,
            fetches: 0,
            dram_reads: 0,
            dram_read_cycles: 0,
            digest: None,
            blocks: 0,
        });
    }
    let binary = build_simulator(config, &work)?;
    let plan_path = work.join("plan.txt");
    std::fs::write(&plan_path, plan)?;
    let _ = std::fs::remove_file(&results_path);
    let stdout = if options.console { std::process::Stdio::inherit() } else { std::process::Stdio::null() };
    let status = Command::new(&binary).arg(&plan_path).stdout(stdout).status().context("cannot start the SoC simulator")?;
    if !status.success() {
        bail!("the SoC simulator failed ({status})");
    }
    let results = std::fs::read_to_string(&results_path).context("the SoC simulator wrote no results")?;
    let (mut cycles, mut seconds) = (0, 0.0);
    let mut ran = 0;
    for line in results.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.first() {
            Some(&"guest") if fields.len() >= 18 => {
                let k: usize = fields[1].parse()?;
                let run = runs.get_mut(k).context("results name an unknown guest")?;
                let code: u32 = fields[4].parse()?;
                run.start_cycle = fields[6].parse()?;
                run.launched_cycle = fields[8].parse()?;
                run.end_cycle = fields[10].parse()?;
                run.fetches = fields[12].parse()?;
                run.dram_reads = fields[14].parse()?;
                run.dram_read_cycles = fields[16].parse()?;
                let report: Vec<u32> = fields[18..].iter().map(|w| w.parse()).collect::<Result<_, _>>()?;
                run.end = match fields[2] {
                    "exit" => GuestEnd::Exit(code),
                    "trap" => GuestEnd::Trap,
                    "launch_failed" => GuestEnd::LaunchFailed(report.first().copied().unwrap_or(0), report.get(1).copied().unwrap_or(0)),
                    _ => GuestEnd::Timeout,
                };
                if report.len() >= 10 && report[0] == 0 {
                    run.digest = Some(report[1..9].iter().map(|w| format!("{w:08x}")).collect());
                    run.blocks = u64::from(report[9]);
                }
                ran = ran.max(k + 1);
            }
            Some(&"cycles") if fields.len() >= 4 => {
                cycles = fields[1].parse()?;
                seconds = fields[3].parse()?;
            }
            _ => {}
        }
    }
    runs.truncate(ran);
    if let (Some(tmp), Some(dump)) = (&dump_tmp, &options.dram_dump) {
        std::fs::rename(tmp, dump).with_context(|| format!("cannot write {}", dump.display()))?;
    }
    Ok(SocRun { guests: runs, cycles, seconds })
}

fn launch_failure(status: u32, detail: u32) -> String {
    match status {
        1 => format!("the engine refused the guest's keys (key status {})", crate::simulate::key_status_word((detail & 3) as u8)),
        2 => format!("the engine refused the block at DRAM 0x{detail:x} while sealing"),
        3 => "the launch mailbox was malformed".to_string(),
        _ => format!("status {status}"),
    }
}

/// The summary `mee soc run` prints on stderr.
pub fn summary(config: &EngineConfig, run: &SocRun, latency: u32) -> String {
    let engine = soc_engine(config);
    let path = match config.soc.memory_path {
        mee_reference::SocMemoryPath::Engine => format!("around the engine `{}`", engine.top_name),
        mee_reference::SocMemoryPath::EnginePlaintext => format!("around the engine `{}` with the C-bit clear everywhere (baseline)", engine.top_name),
        mee_reference::SocMemoryPath::Direct => "with a plain DRAM bridge instead of the engine (baseline)".to_string(),
    };
    let mut s = format!(
        "mee soc run: {} {path} ({} S-boxes, {}), DRAM {} bytes, read latency {latency} cycles\n",
        super::export::soc_module(config),
        engine.pipeline.sbox_style().name(),
        engine.pipeline.round_registers.name(),
        config.soc.dram_bytes,
    );
    for (k, g) in run.guests.iter().enumerate() {
        let sealed_bytes: u64 = g.sealed.iter().map(|r| r.1).sum();
        let _ = writeln!(s, "guest {k} {}: ASID {}, --key1 {} --key2 {}", g.path.display(), g.asid, hex::encode(&g.key1), hex::encode(&g.key2));
        let ranges: Vec<String> = g.sealed.iter().map(|(a, n)| format!("0x{a:x}+{n}")).collect();
        match &g.digest {
            Some(d) if g.sealed.is_empty() => {
                let _ = writeln!(s, "  launch: nothing sealed (a baseline memory path) in {} cycles; launch digest SHA-256 {d}", g.launched_cycle.saturating_sub(g.start_cycle));
            }
            Some(d) => {
                let _ = writeln!(
                    s,
                    "  launch: sealed {sealed_bytes} bytes ({} blocks; DRAM {}) in {} cycles; launch digest SHA-256 {d}",
                    g.blocks,
                    ranges.join(", "),
                    g.launched_cycle.saturating_sub(g.start_cycle)
                );
            }
            None => {
                let _ = writeln!(s, "  launch: no digest reported");
            }
        }
        let cycles = g.guest_cycles();
        let cpi = if g.fetches > 0 { format!("{:.1}", g.cpi()) } else { "-".into() };
        let end = match &g.end {
            GuestEnd::Exit(code) => format!("exit code {code}"),
            GuestEnd::Timeout => "did not exit before --max-cycles".into(),
            GuestEnd::Trap => "the cpu trapped (illegal instruction or misaligned access)".into(),
            GuestEnd::LaunchFailed(status, detail) => format!("launch failed: {}", launch_failure(*status, *detail)),
        };
        let _ = writeln!(
            s,
            "  ran {cycles} cycles, {} instructions, {cpi} cycles per instruction, {} reads past the cpu's read buffer at {:.1} cycles each; {end}",
            g.fetches,
            g.dram_reads,
            g.read_latency()
        );
    }
    let speed = if run.seconds > 0.0 { run.cycles as f64 / run.seconds } else { 0.0 };
    let _ = writeln!(s, "{} cycles simulated in {:.2} s ({:.0} cycles/s)", run.cycles, run.seconds, speed);
    s
}
