//! `mee explore`: measures every config of a sweep (latency and throughput in simulation, area
//! from Yosys per FPGA target, Fmax from nextpnr) and writes a CSV, a Markdown table and an SVG
//! plot. Configs run `jobs` at a time; each finished row is cached under a hash of the config,
//! its Verilog, the flow settings and the tool versions, so a rerun only measures what changed.
//! A sweep can also run in shards on many machines ([`shard`]) and be merged afterwards; the
//! cache can then live on a shared folder, since each row is written to it atomically.

pub mod output;
pub mod row;
pub mod shard;
pub mod sweep;

use crate::flow::{find_nextpnr, find_yosys, tool_version};
use crate::place_route::{critical_path_from_log, log_path, Device};
use crate::synth::Target;
use anyhow::{Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use row::{evaluate, Row, Tools};
use sha2::{Digest, Sha256};
use shard::{Shard, ShardFile};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use sweep::{Sweep, SweepPoint};

/// Bumped when the meaning of a cached row changes.
const CACHE_FORMAT: &str = "mee-explore-row-1";

/// What a sweep gave: the rows in sweep order, and the tool versions they were measured with.
pub struct Exploration {
    /// The rows, in the order of the sweep.
    pub rows: Vec<Row>,
    /// How many rows came from the cache.
    pub cached: usize,
    /// The tool versions, one `name: version` per entry.
    pub tool_versions: Vec<String>,
    /// Wall time of the whole sweep, seconds (of the slowest shard, for a merged sweep).
    pub seconds: f64,
    /// How many shard runs measured the rows (1 for a local run).
    pub shards: usize,
}

/// Where `mee explore` reads and writes.
#[derive(Clone, Debug)]
pub struct Places {
    /// Tables and plot (or the shard file), and `work/` for the tools' files.
    pub out: PathBuf,
    /// The row cache: `out/cache` unless given (a shared folder for a cluster).
    pub cache: Option<PathBuf>,
}

impl Places {
    fn cache(&self) -> PathBuf {
        self.cache.clone().unwrap_or_else(|| self.out.join("cache"))
    }
}

/// The reproduce line of a report.
fn command_line(sweep_path: Option<&str>, out: &Path) -> String {
    match sweep_path {
        Some(path) => format!("mee explore --sweep {path} --out {}", out.display()),
        None => format!("mee explore --out {}", out.display()),
    }
}

/// Writes `explore.csv`, `explore.md` and `explore.svg` into `out`, atomically.
fn write_reports(sweep: &Sweep, exploration: &Exploration, sweep_path: Option<&str>, out: &Path) -> Result<Vec<PathBuf>> {
    let files = [
        (out.join("explore.csv"), output::csv(&exploration.rows)?),
        (out.join("explore.md"), output::markdown(sweep, exploration, &command_line(sweep_path, out))),
        (out.join("explore.svg"), output::svg(&exploration.rows)?),
    ];
    crate::export::write_files_atomically(&files)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// Runs a sweep and writes `explore.csv`, `explore.md` and `explore.svg` into `places.out`
/// (work files under `out/work`, the cache under `out/cache` unless `places.cache` is given).
/// With a `shard`, measures only that shard's configs and writes its shard file
/// (`shard-K-of-N.json`) instead, for [`merge`]. Returns the paths written.
pub fn explore(sweep_path: Option<&Path>, places: &Places, jobs: usize, shard: Option<Shard>) -> Result<Vec<PathBuf>> {
    let (sweep, sweep_text) = Sweep::load_with_text(sweep_path)?;
    let path_text = sweep_path.map(|p| p.display().to_string());
    match shard {
        None => {
            let all: Vec<usize> = (0..sweep.points.len()).collect();
            let exploration = run(&sweep, &all, places, jobs.max(1))?;
            write_reports(&sweep, &exploration, path_text.as_deref(), &places.out)
        }
        Some(shard) => {
            let mine = shard.configs(&sweep);
            eprintln!("shard {shard}: {} of the sweep's {} configs", mine.len(), sweep.points.len());
            let exploration = run(&sweep, &mine, places, jobs.max(1))?;
            let file = ShardFile::new(&sweep, sweep_path, sweep_text, shard, &mine, exploration)?;
            let path = places.out.join(shard.file_name());
            crate::export::write_files_atomically(&[(path.clone(), serde_json::to_string_pretty(&file)?)])?;
            Ok(vec![path])
        }
    }
}

/// `mee explore merge`: joins the shard files found in `shard_folders` into `explore.csv`,
/// `explore.md` and `explore.svg` in `out`, the same rows in the same order as a local run of
/// the sweep. Nothing is written when a shard is missing, duplicated or of another sweep.
pub fn merge(shard_folders: &[PathBuf], out: &Path) -> Result<Vec<PathBuf>> {
    let files = shard::shard_files(shard_folders)?;
    let loaded = files.into_iter().map(|path| ShardFile::load(&path).map(|file| (path, file))).collect::<Result<Vec<_>>>()?;
    let merged = shard::merge(&loaded)?;
    write_reports(&merged.sweep, &merged.exploration, merged.sweep_path.as_deref(), out)
}

/// What a cluster needs to know of a sweep before it runs: how many configs, how they split
/// into `shards`, and per shard the cores, memory and time to ask for, from the flow settings.
pub fn plan(sweep_path: Option<&Path>, shards: Option<usize>) -> Result<String> {
    let sweep = Sweep::load(sweep_path)?;
    let count = shards.unwrap_or(sweep.points.len()).clamp(1, sweep.points.len().max(1));
    let mut text = String::new();
    let mut longest = 0u64;
    let mut memory = 0u64;
    let mut lines = Vec::new();
    for index in 1..=count {
        let shard = Shard { index, count };
        let mut seconds = 0;
        for i in shard.configs(&sweep) {
            let point = &sweep.points[i];
            let limits = cluster_limits(&point.flow);
            seconds += limits.seconds;
            memory = memory.max(limits.megabytes);
            lines.push(format!("# shard {shard}: {}", point.name));
        }
        longest = longest.max(seconds);
    }
    text += "# mee explore plan: sourceable by a shell (see scripts/slurm/explore.sh)\n";
    text += &format!("MEE_CONFIGS={}\n", sweep.points.len());
    text += &format!("MEE_SHARDS={count}\n");
    text += "MEE_CPUS_PER_TASK=1\n";
    text += &format!("MEE_MEM_MB={memory}\n");
    text += &format!("MEE_TIME_MINUTES={}\n", longest.div_ceil(60));
    text += &format!("MEE_SWEEP_FINGERPRINT={}\n", shard::fingerprint(&sweep)?);
    text += &lines.join("\n");
    text += "\n";
    Ok(text)
}

/// What one config may take on a cluster node.
struct ClusterLimits {
    /// The worst case: every tool run to its time limit, plus the simulation.
    seconds: u64,
    /// Memory to ask for: nextpnr on the LFE5U-85F holds the most.
    megabytes: u64,
}

/// The worst-case time and the memory of one config's measurement under `flow`: each tool run
/// (Yosys per target, nextpnr on ECP5 and iCE40) is stopped at `timeout_seconds`, and the
/// simulation gets ten minutes. Every tool and the simulation use one core.
fn cluster_limits(flow: &sweep::FlowSettings) -> ClusterLimits {
    let tool_runs = flow.targets.len() as u64 + if flow.place_and_route { 2 } else { 0 };
    ClusterLimits { seconds: tool_runs * flow.timeout_seconds + 600, megabytes: if flow.place_and_route { 8192 } else { 4096 } }
}

/// Measures the configs of `sweep` at `selection` (0-based places in the sweep), work files
/// under `places.out/work`; the rows come back in the order of `selection`.
pub fn run(sweep: &Sweep, selection: &[usize], places: &Places, jobs: usize) -> Result<Exploration> {
    let start = Instant::now();
    let work = places.out.join("work");
    let cache = places.cache();
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    std::fs::create_dir_all(&cache).with_context(|| format!("cannot create {}", cache.display()))?;
    let tools = Tools { yosys: find_yosys().ok(), nextpnr_ecp5: find_nextpnr("ecp5").ok(), nextpnr_ice40: find_nextpnr("ice40").ok() };
    let tool_versions = vec![
        format!("mee: {}", env!("CARGO_PKG_VERSION")),
        format!("yosys: {}", tools.yosys.as_deref().map(|y| tool_version(y, "-V")).unwrap_or_else(|| "missing".into())),
        format!("nextpnr-ecp5: {}", tools.nextpnr_ecp5.as_deref().map(|n| tool_version(n, "--version")).unwrap_or_else(|| "missing".into())),
        format!("nextpnr-ice40: {}", tools.nextpnr_ice40.as_deref().map(|n| tool_version(n, "--version")).unwrap_or_else(|| "missing".into())),
    ];

    let progress = MultiProgress::new();
    let overall = progress.add(ProgressBar::new(selection.len() as u64));
    overall.set_style(ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} configs {msg}").expect("static template").progress_chars("=> "));
    let order: Vec<usize> = run_order(&sweep.points).into_iter().filter(|i| selection.contains(i)).collect();
    let next = AtomicUsize::new(0);
    let cached = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; sweep.points.len()]);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(selection.len()).max(1) {
            scope.spawn(|| {
                let line = progress.add(ProgressBar::new_spinner());
                line.set_style(ProgressStyle::with_template("  {spinner} {msg}").expect("static template"));
                line.enable_steady_tick(Duration::from_millis(250));
                while let Some(&index) = order.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let point = &sweep.points[index];
                    if first_error.lock().map(|e| e.is_some()).unwrap_or(true) {
                        break;
                    }
                    line.set_message(format!("{}: exporting", point.name));
                    let status = |step: &str| line.set_message(format!("{}: {step}", point.name));
                    let folder = work.join(format!("{:03}-{}", index + 1, folder_name(&point.name)));
                    let result = cached_or_measured(point, &tools, &tool_versions, &cache, &folder, &status);
                    match result {
                        Ok((row, from_cache)) => {
                            let state = if from_cache {
                                cached.fetch_add(1, Ordering::SeqCst);
                                "cached".to_string()
                            } else if row.notes.is_empty() {
                                format!("done in {:.0} s", row.seconds)
                            } else {
                                format!("done in {:.0} s with notes: {}", row.seconds, row.notes)
                            };
                            progress.suspend(|| eprintln!("[{}/{}] {}: {state}", index + 1, sweep.points.len(), point.name));
                            if let Ok(mut rows) = rows.lock() {
                                rows[index] = Some(row);
                            }
                        }
                        Err(e) => {
                            if let Ok(mut first) = first_error.lock() {
                                first.get_or_insert(e.context(format!("config {:?}", point.name)));
                            }
                        }
                    }
                    overall.inc(1);
                }
                line.finish_and_clear();
            });
        }
    });
    overall.finish_and_clear();
    if let Some(error) = first_error.into_inner().ok().flatten() {
        return Err(error);
    }
    let mut rows = rows.into_inner().map_err(|_| anyhow::anyhow!("a sweep worker panicked"))?;
    let rows: Vec<Row> = selection.iter().filter_map(|&i| rows[i].take()).collect();
    anyhow::ensure!(rows.len() == selection.len(), "a sweep worker stopped early ({} of {} rows)", rows.len(), selection.len());
    Ok(Exploration { rows, cached: cached.into_inner(), tool_versions, seconds: start.elapsed().as_secs_f64(), shards: 1 })
}

/// The order in which the workers take the configs: those with `place_and_route` set first
/// (place and route runs for most of an hour where synthesis alone takes minutes, so starting
/// it early keeps every worker busy to the end; a config found too big for the device after
/// synthesis ends there), each group in sweep order. The table keeps the sweep's order.
fn run_order(points: &[SweepPoint]) -> Vec<usize> {
    let (placed, synthesis_only): (Vec<usize>, Vec<usize>) = (0..points.len()).partition(|&i| points[i].flow.place_and_route);
    placed.into_iter().chain(synthesis_only).collect()
}

/// The row of one config: from the cache when its key is there, else measured in `folder` and
/// then cached. The flag says whether it came from the cache.
fn cached_or_measured(point: &SweepPoint, tools: &Tools, tool_versions: &[String], cache: &Path, folder: &Path, status: &dyn Fn(&str)) -> Result<(Row, bool)> {
    let verilog = crate::export::export_engine(&point.config).verilog;
    let flow_text = toml::to_string(&point.flow).context("flow settings")?;
    let key = cache_key(&point.config.to_toml_string(), &verilog, &flow_text, tool_versions);
    let cache_file = cache.join(format!("{key}.json"));
    if let Some(mut row) = std::fs::read_to_string(&cache_file).ok().and_then(|t| serde_json::from_str::<Row>(&t).ok()) {
        row.config = point.name.clone();
        // Rows cached before the critical-path column take it from the nextpnr log, when the
        // work folder still holds it (the figures are those of that same run).
        if row.ecp5_fmax_mhz.is_some() && row.ecp5_critical_path.is_none() {
            let log = log_path(folder, &Target::Ecp5.netlist_name(&point.config.top_name), Device::Lfe5u85f);
            row.ecp5_critical_path = std::fs::read_to_string(log).ok().and_then(|l| critical_path_from_log(&l)).map(|p| p.summary());
        }
        return Ok((row, true));
    }
    let row = evaluate(point, &verilog, tools, folder, status)?;
    write_cache_entry(&cache_file, &serde_json::to_string_pretty(&row)?)?;
    Ok((row, false))
}

/// Writes one cache entry so that no reader ever sees part of it, whatever else writes to the
/// cache at the same time (other workers, other machines on a shared folder): the text goes to
/// a temporary file of a name no other writer uses, which is then renamed over the entry. Two
/// writers of the same entry write the same row, so the last rename wins harmlessly.
fn write_cache_entry(path: &Path, text: &str) -> Result<()> {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let unique = format!("{}.{}.{}", host.trim(), std::process::id(), WRITES.fetch_add(1, Ordering::SeqCst));
    let tmp = PathBuf::from(format!("{}.{unique}.tmp", path.display()));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("cannot rename {} to {}: {e}", tmp.display(), path.display())
    })
}

/// The cache key of one row: SHA-256 over everything its figures depend on.
fn cache_key(config: &str, verilog: &str, flow: &str, tool_versions: &[String]) -> String {
    let mut hash = Sha256::new();
    for part in [CACHE_FORMAT, config, verilog, flow, &tool_versions.join("\n")] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex::encode(hash.finalize())
}

/// A file-system-safe form of a config name.
fn folder_name(name: &str) -> String {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    safe.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::{cache_key, folder_name, run_order};
    use crate::explore::sweep::Sweep;

    #[test]
    fn the_cache_key_changes_with_each_input() {
        let versions = vec!["yosys: 0.64".to_string()];
        let base = cache_key("a", "module m;", "flow", &versions);
        assert_eq!(base, cache_key("a", "module m;", "flow", &versions));
        assert_ne!(base, cache_key("b", "module m;", "flow", &versions));
        assert_ne!(base, cache_key("a", "module n;", "flow", &versions));
        assert_ne!(base, cache_key("a", "module m;", "flow2", &versions));
        assert_ne!(base, cache_key("a", "module m;", "flow", &["yosys: 0.65".to_string()]));
        assert_eq!(folder_name("AES-256, sbox=table"), "AES-256__sbox_table");
    }

    #[test]
    fn placed_configs_run_first_in_sweep_order() {
        let text = "[flow]\nplace_and_route = false\n[[configs]]\nname = \"a\"\n[[configs]]\nname = \"b\"\nflow = { place_and_route = true }\n[[configs]]\nname = \"c\"\n[[configs]]\nname = \"d\"\nflow = { place_and_route = true }\n";
        let sweep = Sweep::parse(text).unwrap();
        assert_eq!(run_order(&sweep.points), vec![1, 3, 0, 2]);
    }
}
