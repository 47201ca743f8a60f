//! `mee soc run` and `mee soc export` end to end: the example guests (and two test guests)
//! built with riscv64-unknown-elf-gcc, launched by the sp and run by the cpu on a Verilator
//! build of the exported SoC, for a small engine (one shared AES unit) and a full-rate one.
//!
//! Expected values are independent of the code under test: console text and checksums from
//! the guests' sources (recomputed here), plaintext from the ELF files, DRAM contents decrypted
//! with `xts-mode` (through mee-reference), the launch digest from the `sha2` crate.

mod common;

use goblin::elf::Elf;
use mee_reference::xts::{decrypt_data_unit, KeyPair};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

const KEY1: &str = "000102030405060708090a0b0c0d0e0f";
const KEY2: &str = "101112131415161718191a1b1c1d1e1f";
const KEY1_B: &str = "202122232425262728292a2b2c2d2e2f";
const KEY2_B: &str = "303132333435363738393a3b3c3d3e3f";
const DRAM_BYTES: usize = 1 << 20;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the example guests and the test guests into `out`.
fn build_guests(out: &Path) {
    let status = Command::new("make").arg("-s").arg("-C").arg(repo().join("examples/guests")).arg(format!("OUT={}", out.display())).status().expect("make");
    assert!(status.success(), "the example guests did not build");
    let guests = repo().join("examples/guests");
    for name in ["hang", "wild_stores"] {
        let status = Command::new("riscv64-unknown-elf-gcc")
            .args(["-march=rv32im", "-mabi=ilp32", "-O2", "-nostdlib", "-ffreestanding", "-fno-builtin", "-Wall", "-Werror", "-Wl,--no-warn-rwx-segments"])
            .arg("-I")
            .arg(&guests)
            .arg("-T")
            .arg(guests.join("guest.ld"))
            .arg(guests.join("start.S"))
            .arg(repo().join(format!("fpga/tests/guests/{name}.c")))
            .arg("-o")
            .arg(out.join(format!("{name}.elf")))
            .status()
            .expect("gcc");
        assert!(status.success(), "test guest {name} did not build");
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn soc_run(config: &Path, work: &Path, args: &[&str]) -> Run {
    let mut all = vec!["soc", "run", "--config", config.to_str().unwrap(), "--work", work.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = common::mee(&all);
    let run = Run { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into(), stderr: String::from_utf8_lossy(&out.stderr).into() };
    eprintln!("mee {}:\n{}", all.join(" "), run.stderr);
    run
}

fn keys(key1: &str, key2: &str) -> KeyPair {
    KeyPair { key1: hex::decode(key1).unwrap(), key2: hex::decode(key2).unwrap() }
}

/// DRAM bytes `addr..addr + len` (16-byte aligned) decrypted as the engine encrypts them with
/// 16-byte data units: each block is data unit `addr / 16`.
fn decrypt(dram: &[u8], keys: &KeyPair, addr: usize, len: usize) -> Vec<u8> {
    let mut out = dram[addr..addr + len].to_vec();
    for (b, block) in out.chunks_mut(16).enumerate() {
        decrypt_data_unit(keys, ((addr / 16) + b) as u128, block).unwrap();
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The private load segment of a guest: (DRAM address, memory image).
fn private_segment(elf_path: &Path) -> (usize, Vec<u8>) {
    let data = std::fs::read(elf_path).unwrap();
    let elf = Elf::parse(&data).unwrap();
    let h = elf.program_headers.iter().find(|h| h.p_type == goblin::elf::program_header::PT_LOAD && h.p_paddr >> 30 == 1).unwrap();
    let mut bytes = data[h.p_offset as usize..(h.p_offset + h.p_filesz) as usize].to_vec();
    bytes.resize(h.p_memsz as usize, 0);
    ((h.p_paddr - 0x4000_0000) as usize, bytes)
}

fn symbol(elf_path: &Path, name: &str) -> usize {
    let data = std::fs::read(elf_path).unwrap();
    let elf = Elf::parse(&data).unwrap();
    let sym = elf.syms.iter().find(|s| elf.strtab.get_at(s.st_name) == Some(name)).unwrap_or_else(|| panic!("no symbol {name}"));
    sym.st_value as usize
}

/// The digest the sp must report: SHA-256 of the private segment rounded out to blocks.
fn expected_digest(elf_path: &Path) -> String {
    let (addr, bytes) = private_segment(elf_path);
    assert_eq!(addr % 16, 0);
    let mut padded = bytes;
    padded.resize(padded.len().div_ceil(16) * 16, 0);
    hex::encode(Sha256::digest(&padded))
}

/// memsort's array, sorted, and its checksum, recomputed from the guest's description.
fn memsort_expected() -> (Vec<u32>, u32) {
    let mut x: u32 = 0x2545_f491;
    let mut a: Vec<u32> = (0..256)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        })
        .collect();
    a.sort();
    let checksum = a.iter().enumerate().fold(0u32, |s, (i, v)| s.wrapping_add((i as u32 + 1).wrapping_mul(*v)));
    (a, checksum)
}

fn check_hello(config: &Path, work: &Path, guests: &Path) {
    let elf = guests.join("hello.elf");
    let dump = work.join("hello.dram");
    let measured = work.join("measured");
    let run = soc_run(
        config,
        work,
        &["--guest", elf.to_str().unwrap(), "--key1", KEY1, "--key2", KEY2, "--dram-dump", dump.to_str().unwrap(), "--measured", measured.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "hello's exit code");
    // What `sha256sum guest0.measured` prints is the digest the sp reported.
    let measured_digest = hex::encode(Sha256::digest(std::fs::read(measured.join("guest0.measured")).unwrap()));
    assert_eq!(measured_digest, expected_digest(&elf));
    assert_eq!(run.stdout, "hello from an encrypted guest\n", "stdout carries the console and nothing else");
    assert!(run.stderr.contains(&format!("launch digest SHA-256 {}", expected_digest(&elf))), "launch digest");
    let dram = std::fs::read(&dump).unwrap();
    assert_eq!(dram.len(), DRAM_BYTES);
    let (addr, image) = private_segment(&elf);
    assert!(!contains(&dram, b"hello from an encrypted"), "the guest's text is in DRAM in plaintext");
    assert!(!contains(&dram, &image[..32]), "the guest's code is in DRAM in plaintext");
    let plain = decrypt(&dram, &keys(KEY1, KEY2), addr, image.len().div_ceil(16) * 16);
    assert_eq!(&plain[..image.len()], &image[..], "DRAM decrypts to the guest's memory");
}

fn check_memsort(config: &Path, work: &Path, guests: &Path) {
    let elf = guests.join("memsort.elf");
    let dump = work.join("memsort.dram");
    let run = soc_run(config, work, &["--guest", elf.to_str().unwrap(), "--key1", KEY1, "--key2", KEY2, "--dram-dump", dump.to_str().unwrap()]);
    let (sorted, checksum) = memsort_expected();
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, format!("memsort: sorted 256 words, checksum 0x{checksum:08x}\n"));
    let dram = std::fs::read(&dump).unwrap();
    // The array: encrypted in DRAM, sorted once decrypted.
    let array = symbol(&elf, "array") - 0x4000_0000;
    let plain = decrypt(&dram, &keys(KEY1, KEY2), array, 1024);
    let words: Vec<u32> = plain.chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect();
    assert_eq!(words, sorted, "the sorted array in private memory");
    let sorted_bytes: Vec<u8> = sorted.iter().flat_map(|w| w.to_le_bytes()).collect();
    for block in sorted_bytes.chunks(16) {
        assert!(!contains(&dram, block), "a block of the sorted array is in DRAM in plaintext");
    }
    // The result: plaintext in the shared page.
    let result = symbol(&elf, "memsort_result");
    let word = |k: usize| u32::from_le_bytes(dram[result + 4 * k..result + 4 * k + 4].try_into().unwrap());
    assert_eq!([word(0), word(1), word(2), word(3), word(4)], [0x5452_4f53, 256, checksum, sorted[0], sorted[255]], "the shared page");
}

fn check_isolation(config: &Path, work: &Path, guests: &Path) {
    let (a, b) = (guests.join("isolation_a.elf"), guests.join("isolation_b.elf"));
    let dump = work.join("isolation.dram");
    let run = soc_run(
        config,
        work,
        &[
            "--guest", a.to_str().unwrap(), "--guest", b.to_str().unwrap(),
            "--key1", KEY1, "--key2", KEY2, "--key1", KEY1_B, "--key2", KEY2_B,
            "--dram-dump", dump.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "A: secret stored in private memory\nB: blocks of A's secret seen through the private view: 0, through the shared view: 0\n"
    );
    assert!(run.stderr.contains("ASID 1,") && run.stderr.contains("ASID 2,"));
    let dram = std::fs::read(&dump).unwrap();
    let secret: Vec<u8> = (0..256).map(|i| b"guest A's secret"[i % 16]).collect();
    assert!(!contains(&dram, &secret[..16]), "A's secret is in DRAM in plaintext");
    assert_eq!(decrypt(&dram, &keys(KEY1, KEY2), 0x20000, 256), secret, "A's page decrypts with A's keys");
    assert_ne!(decrypt(&dram, &keys(KEY1_B, KEY2_B), 0x20000, 256), secret);
}

fn check_wild_stores_and_hang(config: &Path, work: &Path, guests: &Path) {
    let dump = work.join("wild.dram");
    let run = soc_run(config, work, &["--guest", guests.join("wild_stores.elf").to_str().unwrap(), "--dram-dump", dump.to_str().unwrap()]);
    assert_eq!(run.stdout, "wild stores: 0 failures\n");
    assert_eq!(run.code, 0);
    // DRAM holds only the guest (0 to 256 KiB) and its shared data: the wild stores' pattern
    // reached no DRAM byte.
    let dram = std::fs::read(&dump).unwrap();
    assert!(!contains(&dram, &0x5a5a_a5a5u32.to_le_bytes()), "a wild store reached DRAM");
    assert!(dram[0x40000..0xc0000].iter().all(|&b| b == 0) && dram[0xc0010..].iter().all(|&b| b == 0));

    let run = soc_run(config, work, &["--guest", guests.join("hang.elf").to_str().unwrap(), "--max-cycles", "300000"]);
    assert_eq!(run.code, 124, "a hanging guest ends at --max-cycles with 124");
    assert_eq!(run.stdout, "spinning\n");
    assert!(run.stderr.contains("--max-cycles"), "{}", run.stderr);
}

fn config_file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("engine.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn soc_with_a_small_engine_runs_every_guest() {
    let dir = common::work("soc_small");
    let guests = dir.join("guests");
    build_guests(&guests);
    let config = config_file(&dir, "top_name = \"mee_small\"\n[pipeline]\nround_registers = \"shared\"\nsbox = \"composite\"\nread_queue_depth = 4\nwrite_queue_depth = 4\nresponse_queue_depth = 4\n");
    let work = dir.join("work");
    check_hello(&config, &work, &guests);
    check_memsort(&config, &work, &guests);
    check_isolation(&config, &work, &guests);
    check_wild_stores_and_hang(&config, &work, &guests);
}

#[test]
fn soc_with_a_full_rate_engine_runs_hello_and_isolation() {
    let dir = common::work("soc_full");
    let guests = dir.join("guests");
    build_guests(&guests);
    let config = config_file(&dir, "top_name = \"mee_full\"\n[pipeline]\nround_registers = \"per_round\"\nsbox = \"composite\"\n");
    let work = dir.join("work");
    check_hello(&config, &work, &guests);
    check_isolation(&config, &work, &guests);
}

#[test]
fn soc_run_refuses_bad_guests_and_keys() {
    let dir = common::work("soc_refusals");
    let guests = dir.join("guests");
    build_guests(&guests);
    let config = config_file(&dir, "[soc]\ndram_bytes = 65536\n");
    let work = dir.join("work");
    let bad = dir.join("bad.elf");
    std::fs::write(&bad, b"\x7fELF this is not an ELF file").unwrap();
    for (args, message) in [
        (vec!["--guest", bad.to_str().unwrap()], "not an ELF file"),
        (vec!["--guest", "/nonexistent/guest.elf"], "cannot read guest"),
        // memsort's shared page (DRAM 768 KiB) is outside a 64 KiB DRAM.
        (vec!["--guest", guests.join("memsort.elf").to_str().unwrap().to_string().leak()], "outside DRAM"),
        (vec!["--guest", guests.join("hello.elf").to_str().unwrap().to_string().leak(), "--key1", "00", "--key2", "11"], "needs 16"),
        (vec!["--guest", guests.join("hello.elf").to_str().unwrap().to_string().leak(), "--key1", KEY1, "--key2", KEY1], "key1 equals key2"),
        (vec!["--guest", guests.join("hello.elf").to_str().unwrap().to_string().leak(), "--asid", "16"], "num_asids"),
    ] {
        let run = soc_run(&config, &work, &args);
        assert_ne!(run.code, 0, "{args:?} was accepted");
        assert!(run.stderr.contains(message), "{args:?}: expected {message:?} in {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert!(!work.join("obj").exists(), "a refused run built the simulator");
    }
}

#[test]
fn soc_export_writes_verilog_that_names_picorv32() {
    let dir = common::work("soc_export");
    let out = common::mee(&["soc", "export", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verilog = std::fs::read_to_string(dir.join("mee_engine_soc.v")).unwrap();
    assert!(verilog.contains("module mee_engine_soc("));
    assert_eq!(verilog.matches("picorv32 #(").count(), 2, "two PicoRV32 instances");
    let list = std::fs::read_to_string(dir.join("mee_engine_soc.f")).unwrap();
    assert!(list.lines().next().unwrap().ends_with("picorv32.v") && Path::new(list.lines().next().unwrap()).is_file());
    let core = std::fs::read_to_string(dir.join("mee_engine_soc.core")).unwrap();
    assert!(core.contains("picorv32.v") && core.contains("toplevel: mee_engine_soc"));
    // Icarus elaborates the SoC with PicoRV32 from its file list.
    let status = Command::new("iverilog").args(["-g2012", "-o"]).arg(dir.join("soc.vvp")).arg("-c").arg(dir.join("mee_engine_soc.f")).arg("-s").arg("mee_engine_soc").status().unwrap();
    assert!(status.success(), "Icarus Verilog rejected the exported SoC");
}

#[test]
fn soc_baseline_without_the_engine_leaves_the_guest_in_plaintext() {
    // The direct DRAM bridge of `mee report soc`: the same guest runs, and its text is in DRAM
    // in plaintext, which the encrypted runs above must never show.
    let dir = common::work("soc_direct");
    let guests = dir.join("guests");
    build_guests(&guests);
    let config = config_file(&dir, "[soc]\nmemory_path = \"direct\"\n");
    let work = dir.join("work");
    let dump = work.join("hello.dram");
    let run = soc_run(&config, &work, &["--guest", guests.join("hello.elf").to_str().unwrap(), "--dram-dump", dump.to_str().unwrap()]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "hello from an encrypted guest\n");
    assert!(run.stderr.contains("nothing sealed"), "{}", run.stderr);
    let dram = std::fs::read(&dump).unwrap();
    assert!(contains(&dram, b"hello from an encrypted guest"));
    let (addr, image) = private_segment(&guests.join("hello.elf"));
    assert_eq!(&dram[addr..addr + image.len()], &image[..]);

    // A short traced run: stopped at --max-cycles (during the launch), with its VCD written.
    let vcd = work.join("short.vcd");
    let run = soc_run(&config, &work, &["--guest", guests.join("hello.elf").to_str().unwrap(), "--max-cycles", "2000", "--vcd", vcd.to_str().unwrap()]);
    assert_eq!(run.code, 124);
    assert!(run.stdout.is_empty());
    let trace = std::fs::read_to_string(&vcd).unwrap();
    assert!(trace.starts_with("$version") && trace.contains("console_valid") && trace.contains("#3999"), "the VCD covers the run");
}
