//! `mee explore`: measures every config of a sweep (latency and throughput in simulation, area
//! from Yosys per FPGA target, Fmax from nextpnr) and writes a CSV, a Markdown table and an SVG
//! plot. Configs run `jobs` at a time; each finished row is cached under a hash of the config,
//! its Verilog, the flow settings and the tool versions, so a rerun only measures what changed.

pub mod output;
pub mod row;
pub mod sweep;

use crate::flow::{find_nextpnr, find_yosys, tool_version};
use crate::place_route::{critical_path_from_log, log_path, Device};
use crate::synth::Target;
use anyhow::{Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use row::{evaluate, Row, Tools};
use sha2::{Digest, Sha256};
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
    /// Wall time of the whole sweep, seconds.
    pub seconds: f64,
}

/// Runs a sweep and writes `explore.csv`, `explore.md` and `explore.svg` into `out` (work
/// files under `out/work`, the cache under `out/cache`). Returns the paths written.
pub fn explore(sweep_path: Option<&Path>, out: &Path, jobs: usize) -> Result<Vec<PathBuf>> {
    let sweep = Sweep::load(sweep_path)?;
    let exploration = run(&sweep, out, jobs.max(1))?;
    let command = match sweep_path {
        Some(path) => format!("mee explore --sweep {} --out {}", path.display(), out.display()),
        None => format!("mee explore --out {}", out.display()),
    };
    let files = [
        (out.join("explore.csv"), output::csv(&exploration.rows)?),
        (out.join("explore.md"), output::markdown(&sweep, &exploration, &command)),
        (out.join("explore.svg"), output::svg(&exploration.rows)?),
    ];
    crate::export::write_files_atomically(&files)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// Measures every config of `sweep` (work files and cache under `out`).
pub fn run(sweep: &Sweep, out: &Path, jobs: usize) -> Result<Exploration> {
    let start = Instant::now();
    let work = out.join("work");
    let cache = out.join("cache");
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
    let overall = progress.add(ProgressBar::new(sweep.points.len() as u64));
    overall.set_style(ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} configs {msg}").expect("static template").progress_chars("=> "));
    let order = run_order(&sweep.points);
    let next = AtomicUsize::new(0);
    let cached = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; sweep.points.len()]);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(sweep.points.len()).max(1) {
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
    let rows: Vec<Row> = rows.into_inner().map_err(|_| anyhow::anyhow!("a sweep worker panicked"))?.into_iter().flatten().collect();
    anyhow::ensure!(rows.len() == sweep.points.len(), "a sweep worker stopped early ({} of {} rows)", rows.len(), sweep.points.len());
    Ok(Exploration { rows, cached: cached.into_inner(), tool_versions, seconds: start.elapsed().as_secs_f64() })
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
    std::fs::write(&cache_file, serde_json::to_string_pretty(&row)?).with_context(|| format!("cannot write {}", cache_file.display()))?;
    Ok((row, false))
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
