//! `mee export` as a user runs it: the default engine's files, the exact top-level ports of
//! DESIGN.md, byte-identical output for the same config, and a bad config refused with a
//! message naming the key and nothing written.

mod common;
use common::{mee, work};

#[test]
fn export_writes_the_engine_with_the_design_ports() {
    let dir = work("export_cli");
    let config = dir.join("engine.toml");
    std::fs::write(&config, "top_name = \"soc_mee\"\naddr_bits = 40\nasid_bits = 6\nnum_asids = 20\nkey_bits = 256\n").unwrap();
    let out_a = dir.join("a");
    let out_b = dir.join("b");
    for out in [&out_a, &out_b] {
        let r = mee(&["export", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    }
    let verilog = std::fs::read_to_string(out_a.join("soc_mee.v")).unwrap();
    assert_eq!(verilog, std::fs::read_to_string(out_b.join("soc_mee.v")).unwrap(), "same config, same bytes");
    for declaration in [
        "input wire [39:0] core_req_addr",
        "input wire [5:0] core_req_asid",
        "input wire [127:0] core_req_wdata",
        "input wire [15:0] core_req_wstrb",
        "output wire [127:0] core_rsp_rdata",
        "output wire [1:0] core_rsp_status",
        "output wire [39:0] dram_req_addr",
        "input wire [255:0] key_cmd_key1",
        "input wire [255:0] key_cmd_key2",
        "output wire [1:0] key_rsp_status",
        "module soc_mee(",
    ] {
        assert!(verilog.contains(declaration), "missing `{declaration}`");
    }
    for line in verilog.lines().filter(|l| l.starts_with("module ")) {
        assert!(line.starts_with("module soc_mee"), "module without the top_name prefix: {line}");
    }
    let core = std::fs::read_to_string(out_a.join("soc_mee.core")).unwrap();
    assert!(core.starts_with("CAPI=2:") && core.contains("name: mee:generated:soc_mee:") && core.contains("- soc_mee.v") && core.contains("toplevel: soc_mee"), "{core}");
    let summary = std::fs::read_to_string(out_a.join("soc_mee_summary.md")).unwrap();
    assert!(summary.contains("| `core_req_addr` | input | 40 |") && summary.contains("Latencies"));
}

#[test]
fn a_bad_config_is_refused_and_nothing_is_written() {
    let dir = work("export_bad");
    let config = dir.join("engine.toml");
    std::fs::write(&config, "key_bits = 192\n").unwrap();
    let out = dir.join("out");
    let r = mee(&["export", "--config", config.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success());
    assert!(err.contains("key_bits") && err.contains("192") && err.contains("128 or 256"), "{err}");
    assert!(!out.exists(), "nothing may be written for a refused config");
}
