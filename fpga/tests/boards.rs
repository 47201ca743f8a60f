//! `mee board`: the Alchitry Cu's self-test simulated to its end (and made to fail), the
//! committed constraint files against what the tops generate, the command's errors, and the
//! Cu's bitstream built with Yosys, nextpnr and icepack.

mod common;

use mee_fpga::boards::{constraints, Board};
use mee_hdl::selftest::program::StepOp;
use mee_testbench::self_test_bench::run_self_test;
use mee_testbench::self_test_program::ieee1619_program;
use mee_testbench::vectors::ieee1619_vectors;
use std::path::Path;

#[test]
fn the_alchitry_cu_self_test_passes_the_ieee_1619_vectors_in_simulation() {
    let config = Board::AlchitryCu.default_config();
    let vectors = ieee1619_vectors().unwrap();
    let (program, names) = ieee1619_program(&config, &vectors).unwrap();
    // Vectors 4 to 9 are the AES-128 ones with 512-byte data units inside 17 address bits.
    assert_eq!(names.len(), 6, "{names:?}");
    let started = std::time::Instant::now();
    let run = run_self_test(&config, &program, 400_000);
    println!(
        "figure: the Cu self-test passed {} checks ({} requests) in {} cycles, simulated in {:.1} s",
        run.checked,
        program.requests(),
        run.cycles,
        started.elapsed().as_secs_f64()
    );
    assert!(run.passed && !run.failed, "{run:?}");
    assert_eq!(run.checked, program.checks(), "{run:?}");
    assert_eq!(run.line, format!("mee self-test: PASS (0x{:04x} responses checked)\r\n", program.checks()));
    assert_eq!(run.leds & 0b1110, 0b0100, "LED 2 (passed) alone of the status LEDs: {:08b}", run.leds);
}

#[test]
fn a_wrong_ciphertext_in_the_rom_fails_the_self_test_at_its_block() {
    let config = Board::AlchitryCu.default_config();
    let (mut program, _) = ieee1619_program(&config, &ieee1619_vectors().unwrap()).unwrap();
    // The first read with the C-bit clear compares DRAM with the vector's ciphertext: change
    // one bit of its block 3.
    let step = program.steps.iter().position(|s| s.op == StepOp::Read && !s.encrypted).unwrap();
    program.rom[program.steps[step].page + 3][5] ^= 0x10;
    let run = run_self_test(&config, &program, 200_000);
    assert!(run.failed && !run.passed, "{run:?}");
    assert_eq!(run.line, format!("mee self-test: FAIL at step 0x{step:02x}, block 0x03\r\n"));
    assert_eq!(run.leds & 0b1110, 0b1000, "LED 3 (failed) alone of the status LEDs: {:08b}", run.leds);
}

#[test]
fn the_committed_constraint_files_are_what_the_tops_generate() {
    let vectors = ieee1619_vectors().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for board in Board::ALL {
        let generated = constraints(board, &board.default_config(), &vectors).unwrap();
        let file = root.join("constraints").join(board.constraints_file());
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert_eq!(committed, generated, "{} is stale: run `cargo run --release --bin mee -- board constraints`", file.display());
    }
    // The ULX3S's pins, from its published constraint file.
    let ulx3s = std::fs::read_to_string(root.join("constraints/ulx3s_85f.lpf")).unwrap();
    for line in [
        "LOCATE COMP \"clk_25mhz\" SITE \"G2\";",
        "FREQUENCY PORT \"clk_25mhz\" 25 MHz;",
        "LOCATE COMP \"ftdi_rxd\" SITE \"L4\";",
        "LOCATE COMP \"led[7]\" SITE \"H3\";",
        "LOCATE COMP \"sdram_clk\" SITE \"F19\";",
        "LOCATE COMP \"sdram_a[12]\" SITE \"G19\";",
        "LOCATE COMP \"sdram_d[0]\" SITE \"J16\";",
        "LOCATE COMP \"sdram_d[15]\" SITE \"J17\";",
        "IOBUF PORT \"sdram_d[15]\" IO_TYPE=LVCMOS33;",
    ] {
        assert!(ulx3s.lines().any(|l| l == line), "no `{line}` in ulx3s_85f.lpf");
    }
    // The Cu's pins, from its published pin table.
    let cu = std::fs::read_to_string(root.join("constraints/alchitry_cu.pcf")).unwrap();
    for line in ["set_io clock P7", "set_io reset_n P8", "set_io usb_tx M9", "set_io leds[0] J11", "set_io leds[7] N14", "set_frequency clock 100"] {
        assert!(cu.lines().any(|l| l == line), "no `{line}` in alchitry_cu.pcf:\n{cu}");
    }
}

#[test]
fn board_errors_are_messages_and_write_nothing() {
    let work = common::work("board_errors");
    let out = common::mee(&["board", "build", "no_such_board", "--out", work.join("x").to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown board \"no_such_board\"") && stderr.contains("alchitry_cu"), "{stderr}");
    // An engine no IEEE 1619 vector fits (16-byte data units).
    let config = work.join("small_units.toml");
    std::fs::write(&config, "data_unit_bytes = 16\naddr_bits = 17\n[pipeline]\nround_registers = \"shared_column\"\n").unwrap();
    let out = common::mee(&["board", "build", "alchitry_cu", "--config", config.to_str().unwrap(), "--out", work.join("y").to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no IEEE 1619 vector fits") && !stderr.contains("panicked"), "{stderr}");
    assert!(!work.join("x").exists() && !work.join("y").exists(), "a failed build left files");
    let list = common::mee(&["board", "list"]);
    assert!(list.status.success() && String::from_utf8_lossy(&list.stdout).contains("alchitry_cu"));
}

#[test]
fn the_alchitry_cu_bitstream_builds() {
    let work = common::work("alchitry_cu_bitstream");
    let out = common::mee(&["board", "build", "alchitry_cu", "--out", work.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    println!("figure: the Alchitry Cu build\n{stdout}");
    let bitstream = std::fs::read(work.join("mee_cu_alchitry_cu.bin")).unwrap();
    // An iCE40 bitstream holds the preamble 0x7EAA997E near its start and is about 135 KB for
    // the HX8K.
    assert!(bitstream[..16].windows(4).any(|w| w == [0x7e, 0xaa, 0x99, 0x7e]), "no iCE40 preamble");
    assert!(bitstream.len() > 100_000, "{} bytes", bitstream.len());
    assert!(stdout.contains("ICESTORM_LC") && stdout.contains("against the 25.0 MHz system clock"), "{stdout}");
}

#[test]
fn the_engine_on_the_sdram_path_matches_the_models() {
    // The ULX3S's engine with 512-byte data units (so that blocks of a data unit share a tweak).
    let mut config = Board::Ulx3s.default_config();
    config.data_unit_bytes = 512;
    let seed = mee_testbench::seed::test_seed("the_engine_on_the_sdram_path_matches_the_models");
    let ops = mee_testbench::sdram_path_bench::sdram_traffic(&config, 300, seed);
    let mut timings = mee_hdl::dram::sdram_port::mt48lc16m16(Board::Ulx3s.system_clock_mhz() * 1e6);
    // The chip's 100 µs power-up wait shortened (4,000 cycles of nothing).
    timings.initial_delay_in_nanoseconds = 2_000.0;
    let started = std::time::Instant::now();
    let report = mee_testbench::sdram_path_bench::run_sdram_path(&config, &ops, timings, 2_000_000).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    println!("figure: SDRAM path: {report:?} in {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!(report.requests as usize + report.key_commands as usize, ops.len());
    assert!(report.blocks_checked >= 10 && report.sdram_writes >= 8 * report.blocks_checked, "{report:?}");
}

#[test]
fn the_guest_loader_writes_its_blocks_then_the_mailbox_then_starts() {
    use mee_hdl::soc::guest_loader::GuestLoader;
    use mee_testbench::driver::ClockedDriver;
    use rand::{Rng, SeedableRng};
    let seed = mee_testbench::seed::test_seed("the_guest_loader_writes_its_blocks_then_the_mailbox_then_starts");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let blocks: Vec<(u32, [u8; 16])> = (0..5u32).map(|i| (0x4000 + 16 * i * 3, rng.gen())).collect();
    let words: Vec<u32> = (0..64).map(|_| rng.gen()).collect();
    let mut sim = ClockedDriver::new(GuestLoader::new(&blocks, &words));
    let (mut written, mut mailbox, mut started) = (Vec::new(), vec![None; 64], None);
    for cycle in 0..400u64 {
        sim.uut.reset.next = cycle < 2;
        sim.uut.req_ready.next = rng.gen_bool(0.4);
        sim.evaluate();
        let u = &sim.uut;
        if u.req_valid.val() && u.req_ready.val() {
            assert!(started.is_none() && mailbox.iter().all(Option::is_none), "a block written after the mailbox");
            written.push((u.req_addr.val().to_u64() as u32, mee_testbench::engine_dut::block(u.req_wdata.val())));
        }
        if u.mailbox_write.val() {
            mailbox[u.mailbox_addr.val().index()] = Some(u.mailbox_wdata.val().index() as u32);
        }
        if u.start.val() {
            assert!(started.is_none(), "start twice");
            started = Some(cycle);
        }
        sim.rising_edge();
    }
    assert_eq!(written, blocks);
    assert_eq!(mailbox.into_iter().map(|w| w.unwrap_or(0xdead_beef)).collect::<Vec<_>>(), words);
    assert!(started.is_some() && sim.uut.done.val());
}

#[test]
fn the_ulx3s_build_packs_on_the_lfe5u_85f() {
    let work = common::work("ulx3s_pack");
    let out = common::mee(&["board", "build", "ulx3s", "--pack-only", "--out", work.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    println!("figure: the ULX3S build, packed\n{stdout}");
    assert!(stdout.contains("TRELLIS_COMB") && stdout.contains("stopped after nextpnr's packing"), "{stdout}");
}

#[test]
fn the_reset_synchronizer_holds_reset_for_15_cycles_after_its_sources() {
    use mee_hdl::primitives::reset_synchronizer::ResetSynchronizer;
    use mee_testbench::driver::ClockedDriver;
    let mut sim = ClockedDriver::new(ResetSynchronizer::default());
    // Power-up (registers at zero): reset for the first 15 cycles with nothing holding it.
    let mut trace = Vec::new();
    for cycle in 0..60u64 {
        // A button press (or a PLL losing lock) from cycle 30 to 32.
        sim.uut.hold.next = (30..33).contains(&cycle);
        sim.evaluate();
        trace.push(sim.uut.reset.val());
        sim.rising_edge();
    }
    let high: Vec<usize> = trace.iter().enumerate().filter(|(_, r)| **r).map(|(c, _)| c).collect();
    // Held from power-up to cycle 14; then from two edges after the press began (cycle 32) to
    // 16 edges after it ended (the last held cycle is 32, so to cycle 48).
    let expected: Vec<usize> = (0..15).chain(32..49).collect();
    assert_eq!(high, expected);
}
