//! `mee simulate` as a user runs it: the README's example scenario, its JSON report checked
//! against block-level XTS from the reference model, a VCD, malformed scenarios named by line,
//! and a failed `expect` exiting 1 after writing the report.

mod common;
use common::{mee, work};

use mee_reference::xts::{decrypt_block, encrypt_block, KeyPair};
use std::path::Path;

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/scenario.toml").display().to_string()
}

fn empty_config(dir: &Path) -> String {
    let path = dir.join("engine.toml");
    std::fs::write(&path, "").unwrap();
    path.display().to_string()
}

#[test]
fn example_scenario_reports_what_block_level_xts_predicts() {
    let dir = work("simulate_example");
    let json = dir.join("report.json");
    let vcd = dir.join("waves.vcd");
    let out = mee(&["simulate", "--config", &empty_config(&dir), "--scenario", &example(), "--json", json.to_str().unwrap(), "--vcd", vcd.to_str().unwrap()]);
    assert!(out.status.success(), "mee simulate failed: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let k1 = KeyPair::new(&hex::decode("000102030405060708090a0b0c0d0e0f").unwrap(), &hex::decode("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff").unwrap()).unwrap();
    let k2 = KeyPair::new(&hex::decode("2b7e151628aed2a6abf7158809cf4f3c").unwrap(), &hex::decode("3243f6a8885a308d313198a2e0370734").unwrap()).unwrap();
    let plaintext: [u8; 16] = hex::decode("00112233445566778899aabbccddeeff").unwrap().try_into().unwrap();
    let ciphertext = encrypt_block(&k1, 0x1000, 16, plaintext);
    assert_eq!(report["dram"][0]["addr"], 0x1000);
    assert_eq!(report["dram"][0]["data"], hex::encode(ciphertext));
    let r = &report["responses"];
    assert_eq!(r.as_array().unwrap().len(), 5);
    assert_eq!((r[0]["kind"].as_str(), r[0]["status"].as_str()), (Some("write"), Some("ok")));
    assert_eq!(r[1]["data"], hex::encode(plaintext));
    assert_eq!(r[2]["data"], hex::encode(decrypt_block(&k2, 0x1000, 16, ciphertext)));
    assert_eq!(r[3]["data"], hex::encode(ciphertext));
    assert_eq!((r[4]["status"].as_str(), r[4]["data"].as_str()), (Some("no_key"), Some("00000000000000000000000000000000")));
    let statuses: Vec<&str> = report["key_responses"].as_array().unwrap().iter().map(|k| k["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["ok", "ok", "ok"]);
    assert!(report["cycles"].as_u64().unwrap() > 0);
    let waves = std::fs::read_to_string(&vcd).unwrap();
    assert!(waves.starts_with("$timescale"), "VCD header");
    let seen = vector_values(&waves);
    assert!(!seen.contains_key("key_cmd_key1") && !seen.contains_key("key_cmd_key2"), "key ports must stay out of waveform files");
    // Byte k of a bus sits in bits [8k+7:8k]: the bit string runs from the last byte's top bit.
    let bus = |bytes: &[u8]| -> String { bytes.iter().rev().map(|b| format!("{b:08b}")).collect() };
    assert!(seen["core_rsp_rdata"].contains(&bus(&plaintext)), "the read's plaintext on core_rsp_rdata in the VCD");
    assert!(seen["dram_req_wdata"].contains(&bus(&ciphertext)), "the write's ciphertext on dram_req_wdata in the VCD");
    assert!(seen["dram_req_addr"].contains(&format!("{:032b}", 0x1000)), "the write's address on dram_req_addr in the VCD");
}

/// Every value each vector wire of a VCD takes, as bit strings of the wire's full width.
fn vector_values(text: &str) -> std::collections::HashMap<String, Vec<String>> {
    let mut parser = vcd::Parser::new(text.as_bytes());
    let header = parser.parse_header().expect("VCD header parses");
    let mut names = std::collections::HashMap::new();
    let mut stack: Vec<&vcd::ScopeItem> = header.items.iter().collect();
    while let Some(item) = stack.pop() {
        match item {
            vcd::ScopeItem::Var(v) => {
                names.insert(v.code, (v.reference.clone(), v.size as usize));
            }
            vcd::ScopeItem::Scope(s) => stack.extend(s.children.iter()),
        }
    }
    let mut seen: std::collections::HashMap<String, Vec<String>> = names.values().map(|(n, _)| (n.clone(), Vec::new())).collect();
    for command in parser {
        if let Ok(vcd::Command::ChangeVector(code, value)) = command {
            if let Some((name, width)) = names.get(&code) {
                let bits: String = value.iter().map(|v| if *v == vcd::Value::V1 { '1' } else { '0' }).collect();
                seen.entry(name.clone()).or_default().push(format!("{bits:0>width$}"));
            }
        }
    }
    seen
}

#[test]
fn malformed_scenarios_are_refused_with_their_line() {
    let dir = work("simulate_malformed");
    let config = empty_config(&dir);
    for (text, line, words) in [
        ("seed = 3\n[[op]]\nkind = \"write\"\nasid = 1\naddr = 16\ndata = \"0011\"\n", 6, "expected 16"),
        ("[[op]]\nkind = \"wrte\"\nasid = 1\n", 2, "unknown op kind"),
        ("[[op]]\nkind = \"read\"\nasid = 1\naddr = \"0xzz\"\n", 4, "not an integer"),
        ("[dram]\nlatency = 20\nstal = 0.1\n", 3, "unknown field"),
        ("[[op]]\nkind = \"read\"\naddr = 16\n", 1, "needs `asid`"),
        ("[[op]]\nkind = \"read\"\nasid = 300\naddr = 16\n", 3, "asid_bits"),
        ("[core]\nresponse_stall = 1.5\n", 2, "probability"),
        ("[[op]]\nkind = \"write\"\nasid = 1\naddr = 16\ndata = \"00112233445566778899aabbccddeeff\"\nwstrb = \"0x1ffff\"\n", 6, "16 bits"),
        ("[[op]]\nkind = \"read\"\nasid = 1\naddr = 16\nwstrb = 3\n", 5, "writes only"),
    ] {
        let path = dir.join("bad.toml");
        std::fs::write(&path, text).unwrap();
        let out = mee(&["simulate", "--config", &config, "--scenario", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "accepted: {text}");
        assert!(err.contains(&format!("bad.toml:{line}:")) && err.contains(words), "for {text:?} got: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_read_that_differs_from_expect_exits_1_after_writing_the_report() {
    let dir = work("simulate_expect");
    let json = dir.join("report.json");
    let _ = std::fs::remove_file(&json);
    let scenario = dir.join("s.toml");
    std::fs::write(
        &scenario,
        "[[op]]\nkind = \"set_key\"\nasid = 0\nkey1 = \"000102030405060708090a0b0c0d0e0f\"\nkey2 = \"0f0e0d0c0b0a09080706050403020100\"\n\
         [[op]]\nkind = \"write\"\nasid = 0\naddr = 32\ndata = \"11111111111111111111111111111111\"\n\
         [[op]]\nkind = \"read\"\nasid = 0\naddr = 32\nexpect = \"22222222222222222222222222222222\"\n",
    )
    .unwrap();
    let out = mee(&["simulate", "--config", &empty_config(&dir), "--scenario", scenario.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("differ from `expect`"));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("report written")).unwrap();
    assert_eq!(report["responses"][1]["data"], "11111111111111111111111111111111");
}

#[test]
fn partial_writes_merge_into_the_block_and_the_default_engine_needs_no_config_file() {
    let dir = work("simulate_partial_writes");
    let json = dir.join("report.json");
    let scenario = dir.join("partial.toml");
    std::fs::write(
        &scenario,
        r#"
[[op]]
kind = "set_key"
asid = 1
key1 = "000102030405060708090a0b0c0d0e0f"
key2 = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
[[op]]
kind = "write"
asid = 1
addr = "0x2000"
data = "00112233445566778899aabbccddeeff"
[[op]]
kind = "write"
asid = 1
addr = "0x2000"
data = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
wstrb = "0x00f0"
[[op]]
kind = "read"
asid = 1
addr = "0x2000"
expect = "00112233a4a5a6a78899aabbccddeeff"
[[op]]
kind = "write"
asid = 1
addr = "0x3000"
data = "ffffffffffffffffffffffffffffffff"
wstrb = 0
[[op]]
kind = "write"
asid = 2
addr = "0x4000"
encrypted = false
data = "5a000000000000000000000000000000"
wstrb = 1
[[op]]
kind = "write"
asid = 3
addr = "0x5000"
data = "77777777777777777777777777777777"
wstrb = "0x000f"
"#,
    )
    .unwrap();
    // No --config: the default engine, as `mee export` takes it.
    let out = mee(&["simulate", "--scenario", scenario.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let keys = KeyPair::new(&hex::decode("000102030405060708090a0b0c0d0e0f").unwrap(), &hex::decode("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff").unwrap()).unwrap();
    // Bytes 4 to 7 from the partial write, the rest from the first write: computed here.
    let mut merged: [u8; 16] = hex::decode("00112233445566778899aabbccddeeff").unwrap().try_into().unwrap();
    merged[4..8].copy_from_slice(&[0xa4, 0xa5, 0xa6, 0xa7]);
    let r = report["responses"].as_array().unwrap();
    let statuses: Vec<&str> = r.iter().map(|x| x["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["ok", "ok", "ok", "ok", "ok", "no_key"], "{report}");
    assert_eq!(r[2]["data"], hex::encode(merged));
    let dram: Vec<(u64, String)> = report["dram"].as_array().unwrap().iter().map(|d| (d["addr"].as_u64().unwrap(), d["data"].as_str().unwrap().to_string())).collect();
    // The merged block encrypted at its address; the plaintext partial write on zeros; nothing
    // for the write without strobes nor for the refused one.
    assert_eq!(dram, vec![(0x2000, hex::encode(encrypt_block(&keys, 0x2000, 16, merged))), (0x4000, format!("5a{}", "00".repeat(15)))], "{report}");
}
