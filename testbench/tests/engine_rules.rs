//! The engine's access rules, one directed case each, every case in lock step with the cycle
//! model (so every port in every cycle is also checked): isolation between ASIDs, no key,
//! ASID out of range, misaligned addresses and their precedence, weak keys, clear_key zeroing
//! the slot, key status codes, and the IEEE 1619 vectors through the whole engine into DRAM;
//! the shared tweak pipeline's reuse and hold-back rules; and which inputs reach
//! `core_req_ready` within a cycle, with and without the read request queue; and three cases of
//! the bench itself (partial writes whose merged data several writes share, merged or not,
//! and a DRAM latency longer than the bench's `IDLE_LIMIT`).

use mee_reference::engine_model::status;
use mee_reference::xts::{decrypt_block, encrypt_block, KeyPair};
use mee_reference::EngineConfig;
use mee_testbench::engine_bench::{run_engine, BenchReport, BenchSettings, Op};
use mee_testbench::vectors::ieee1619_vectors;

fn run(config: &EngineConfig, ops: &[Op]) -> BenchReport {
    run_engine(config, ops, &BenchSettings::default(), &mut ()).unwrap_or_else(|e| panic!("{e}"))
}

fn key(byte: u8, n: usize) -> Vec<u8> {
    (0..n).map(|k| byte.wrapping_add(k as u8 * 7)).collect()
}

fn response(report: &BenchReport, op_index: usize) -> &mee_testbench::engine_bench::ResponseRecord {
    report.responses.iter().find(|r| r.op_index == op_index).unwrap_or_else(|| panic!("no response to op {op_index}"))
}

#[test]
fn a_block_written_by_one_asid_reads_back_as_garbage_under_another_key() {
    let config = EngineConfig::default();
    let (a, b) = (KeyPair::new(&key(1, 16), &key(2, 16)).unwrap(), KeyPair::new(&key(3, 16), &key(4, 16)).unwrap());
    let addr = 0x1230;
    let plaintext = *b"isolated secret!";
    let ops = vec![
        Op::SetKey { asid: 1, key1: a.key1.clone(), key2: a.key2.clone() },
        Op::SetKey { asid: 2, key1: b.key1.clone(), key2: b.key2.clone() },
        Op::Write { asid: 1, addr, data: plaintext, encrypted: true, strobes: 0xffff },
        Op::Read { asid: 2, addr, encrypted: true, expect: None },
        Op::Read { asid: 1, addr, encrypted: true, expect: None },
        Op::Read { asid: 2, addr, encrypted: false, expect: None },
    ];
    let report = run(&config, &ops);
    let ciphertext = encrypt_block(&a, addr, 16, plaintext);
    assert_eq!(report.dram.get(&addr), Some(&ciphertext), "DRAM holds A's ciphertext");
    let as_b = response(&report, 3);
    assert_eq!(as_b.status, status::OK);
    assert_eq!(as_b.data, decrypt_block(&b, addr, 16, ciphertext), "B gets its own decryption of A's ciphertext");
    assert_ne!(as_b.data, plaintext, "B must not see A's plaintext");
    assert_eq!(response(&report, 4).data, plaintext, "A reads its plaintext back");
    assert_eq!(response(&report, 5).data, ciphertext, "a plaintext access sees the ciphertext");
}

#[test]
fn refused_accesses_touch_no_dram_and_return_zero() {
    let config = EngineConfig::default(); // 16 slots, 8-bit ASIDs
    let ops = vec![
        Op::SetKey { asid: 0, key1: key(9, 16), key2: key(10, 16) },
        Op::Write { asid: 5, addr: 0x100, data: [0x55; 16], encrypted: true, strobes: 0xffff }, // no key
        Op::Read { asid: 5, addr: 0x100, encrypted: true, expect: None },      // no key
        Op::Write { asid: 16, addr: 0x200, data: [0x66; 16], encrypted: false, strobes: 0xffff }, // out of range, C-bit 0
        Op::Read { asid: 200, addr: 0x200, encrypted: true, expect: None },      // out of range
        Op::Write { asid: 0, addr: 0x308, data: [0x77; 16], encrypted: true, strobes: 0xffff },   // misaligned
        Op::Read { asid: 99, addr: 0x301, encrypted: true, expect: None },       // misaligned wins over bad ASID
        Op::Read { asid: 20, addr: 0x300, encrypted: true, expect: None },       // bad ASID wins over no key
        Op::Write { asid: 5, addr: 0x400, data: [0x88; 16], encrypted: false, strobes: 0xffff },  // plaintext, no key needed
    ];
    let report = run(&config, &ops);
    let statuses: Vec<u8> = (1..ops.len()).map(|i| response(&report, i).status).collect();
    assert_eq!(
        statuses,
        vec![status::NO_KEY, status::NO_KEY, status::BAD_ASID, status::BAD_ASID, status::MISALIGNED, status::MISALIGNED, status::BAD_ASID, status::OK]
    );
    for i in 1..ops.len() {
        assert_eq!(response(&report, i).data, [0; 16], "op {i}: refused or write responses carry zero data");
    }
    assert_eq!((report.dram_reads, report.dram_writes), (0, 1), "only the plaintext write reaches DRAM");
    assert_eq!(report.dram.get(&0x400), Some(&[0x88; 16]));
}

#[test]
fn key_commands_answer_with_their_status_and_clear_key_zeroes_the_slot() {
    // With registered ports every answer comes two cycles later: the command's buffer and
    // the response register. The request buffer (on by default) adds none (the command
    // reaches the core once the buffer has drained, and a write right before a clear_key must
    // see the old key).
    for (registered, request_buffer) in [(false, true), (true, true), (false, false)] {
        let mut config = EngineConfig::default();
        config.pipeline.registered_ports = registered;
        config.pipeline.request_buffer = Some(request_buffer);
        key_commands_answer(&config, 2 * u64::from(registered));
    }
}

fn key_commands_answer(config: &EngineConfig, port_cycles: u64) {
    let config = config.clone();
    let vectors = ieee1619_vectors().expect("IEEE 1619 vectors");
    let weak = vectors.iter().find(|v| v.has_equal_keys()).expect("IEEE 1619 vector 1 has key1 = key2");
    let ops = vec![
        Op::SetKey { asid: 3, key1: weak.key1.clone(), key2: weak.key2.clone() },
        Op::SetKey { asid: 16, key1: key(1, 16), key2: key(2, 16) },
        Op::ClearKey { asid: 255 },
        Op::SetKey { asid: 3, key1: key(1, 16), key2: key(2, 16) },
        Op::SetKey { asid: 4, key1: key(5, 16), key2: key(6, 16) },
        Op::Write { asid: 3, addr: 0x40, data: [1; 16], encrypted: true, strobes: 0xffff },
        Op::ClearKey { asid: 3 },
        Op::Read { asid: 3, addr: 0x40, encrypted: true, expect: None },
    ];
    let report = run(&config, &ops);
    let statuses: Vec<u8> = report.key_responses.iter().map(|k| k.status).collect();
    assert_eq!(statuses, vec![status::KEY_WEAK, status::KEY_BAD_ASID, status::KEY_BAD_ASID, 0, 0, 0]);
    for k in &report.key_responses {
        let latency = k.response_cycle - k.issue_cycle;
        let want = match &ops[k.op_index] {
            Op::SetKey { .. } if k.status == 0 => mee_reference::engine_model::key_expansion_latency(&config) as u64,
            _ => 1,
        } + port_cycles;
        if port_cycles > 0 && k.op_index == 6 {
            // Taken into its buffer while the write before it is in flight, the clear_key
            // waits there until the engine is idle.
            assert!(latency > want, "op 6: key response latency {latency}, want more than {want}");
        } else {
            assert_eq!(latency, want, "op {}: key response latency", k.op_index);
        }
    }
    assert_eq!(response(&report, 7).status, status::NO_KEY, "a cleared slot has no key");
    let slot3 = &report.final_key_storage[3];
    assert!(!slot3.valid && slot3.key1.iter().chain(&slot3.key1_decrypt).chain(&slot3.key2).all(|&b| b == 0), "slot 3 after clear_key: {slot3:?}");
    let slot4 = &report.final_key_storage[4];
    assert!(slot4.valid && slot4.key1 == key(5, 16) && slot4.key2 == key(6, 16), "slot 4 keeps its keys");
    assert_eq!(slot4.key1_decrypt, mee_reference::key_schedule::decryption_key_form(&key(5, 16)));
}

#[test]
fn ieee1619_vectors_land_in_dram_as_the_standard_ciphertext() {
    let vectors = ieee1619_vectors().expect("IEEE 1619 vectors");
    let mut ran = 0;
    for v in &vectors {
        let du = v.plaintext.len();
        if !du.is_power_of_two() || !(16..=4096).contains(&du) || v.has_equal_keys() {
            continue;
        }
        let Ok(base) = u64::try_from(v.dusn * du as u128) else { continue };
        if base.checked_add(du as u64).is_none() {
            continue;
        }
        let config = EngineConfig { key_bits: v.aes_bits, data_unit_bytes: du as u32, addr_bits: 64, ..Default::default() };
        config.validate().expect("vector config");
        let mut ops = vec![Op::SetKey { asid: 7, key1: v.key1.clone(), key2: v.key2.clone() }];
        for (k, chunk) in v.plaintext.chunks(16).enumerate() {
            ops.push(Op::Write { asid: 7, addr: base + 16 * k as u64, data: chunk.try_into().unwrap(), encrypted: true, strobes: 0xffff });
        }
        for k in 0..du / 16 {
            ops.push(Op::Read { asid: 7, addr: base + 16 * k as u64, encrypted: true, expect: None });
        }
        let report = run(&config, &ops);
        let image: Vec<u8> = (0..du / 16).flat_map(|k| report.dram.get(&(base + 16 * k as u64)).copied().unwrap_or([0; 16])).collect();
        assert_eq!(hex::encode(&image), hex::encode(&v.ciphertext), "{}: DRAM image", v.name);
        let read_back: Vec<u8> = report.responses.iter().filter(|r| matches!(ops[r.op_index], Op::Read { .. })).flat_map(|r| r.data).collect();
        assert_eq!(hex::encode(&read_back), hex::encode(&v.plaintext), "{}: read back", v.name);
        ran += 1;
    }
    println!("IEEE 1619 vectors through the engine: {ran}");
    assert!(ran >= 10, "only {ran} vectors could run");
}

#[test]
fn a_shared_tweak_pipeline_reuses_tweaks_only_within_one_data_unit_asid_and_key() {
    let mut config = EngineConfig { data_unit_bytes: 64, ..Default::default() };
    config.pipeline.tweak_pipeline = mee_reference::TweakPipeline::Shared;
    let (a, b, c) = (
        KeyPair::new(&key(1, 16), &key(2, 16)).unwrap(),
        KeyPair::new(&key(3, 16), &key(4, 16)).unwrap(),
        KeyPair::new(&key(5, 16), &key(6, 16)).unwrap(),
    );
    let block = |n: u8| [n; 16];
    let ops = vec![
        Op::SetKey { asid: 1, key1: a.key1.clone(), key2: a.key2.clone() },
        Op::SetKey { asid: 2, key1: c.key1.clone(), key2: c.key2.clone() },
        // One data unit (0x1000..0x1040): the first block computes its tweak, the next reuse it.
        Op::Write { asid: 1, addr: 0x1000, data: block(0), encrypted: true, strobes: 0xffff },
        Op::Write { asid: 1, addr: 0x1030, data: block(3), encrypted: true, strobes: 0xffff },
        Op::Write { asid: 1, addr: 0x1010, data: block(1), encrypted: true, strobes: 0xffff },
        // Same data unit, other ASID: its own tweak key.
        Op::Write { asid: 2, addr: 0x2000, data: block(8), encrypted: true, strobes: 0xffff },
        Op::Write { asid: 2, addr: 0x1020, data: block(9), encrypted: true, strobes: 0xffff },
        // Back to ASID 1, then a new key for it: the tweak of the old key must not be reused.
        Op::Read { asid: 1, addr: 0x1030, encrypted: true, expect: None },
        Op::SetKey { asid: 1, key1: b.key1.clone(), key2: b.key2.clone() },
        Op::Write { asid: 1, addr: 0x1020, data: block(2), encrypted: true, strobes: 0xffff },
        Op::Read { asid: 1, addr: 0x1020, encrypted: true, expect: None },
    ];
    let report = run(&config, &ops);
    let unit = 64;
    for (addr, keys, plaintext) in [(0x1000, &a, block(0)), (0x1030, &a, block(3)), (0x1010, &a, block(1)), (0x2000, &c, block(8)), (0x1020, &b, block(2))] {
        assert_eq!(report.dram.get(&addr), Some(&encrypt_block(keys, addr, unit, plaintext)), "DRAM block at {addr:#x}");
    }
    assert_eq!(response(&report, 7).data, block(3), "ASID 1 reads its block back");
    assert_eq!(response(&report, 10).data, block(2), "the block written under the new key reads back");
}

#[test]
fn a_shared_tweak_pipeline_holds_new_tweaks_back_while_its_write_queue_is_nearly_full() {
    // Writes within one page enter back to back without tweaks of their own; reads of other
    // pages follow at one per cycle, each starting a tweak that keeps a write out of the
    // encryption pipeline. The writes pile up in the slip queue until stage A must hold the
    // reads back; the run is in lock step with the cycle model, and every block must land.
    let mut config = EngineConfig { data_unit_bytes: 4096, ..Default::default() };
    config.pipeline.tweak_pipeline = mee_reference::TweakPipeline::Shared;
    let keys = KeyPair::new(&key(1, 16), &key(2, 16)).unwrap();
    let mut ops = vec![Op::SetKey { asid: 3, key1: keys.key1.clone(), key2: keys.key2.clone() }];
    let writes: Vec<(u64, [u8; 16])> = (0..40u64).map(|n| (0x10_0000 + 16 * n, [n as u8; 16])).collect();
    ops.extend(writes.iter().map(|&(addr, data)| Op::Write { asid: 3, addr, data, encrypted: true, strobes: 0xffff }));
    ops.extend((1..=40u64).map(|n| Op::Read { asid: 3, addr: 0x10_0000 + 4096 * n, encrypted: true, expect: None }));
    let report = run(&config, &ops);
    for (addr, data) in writes {
        assert_eq!(report.dram.get(&addr), Some(&encrypt_block(&keys, addr, 4096, data)), "DRAM block at {addr:#x}");
    }
    assert_eq!(report.responses.len(), 80);
}

#[test]
fn partial_writes_that_leave_their_block_unchanged_merge_and_land() {
    // Partial writes to one block, back to back, where the later ones write bytes the block
    // already holds: the engine merges them into one read-modify-write, whose data equals
    // several of the writes' own results. The scoreboard must count every one as landed (one
    // that matched only the earliest such write waited for the rest forever), and the block
    // reads back as xts-mode makes it.
    let config = EngineConfig::default();
    let keys = KeyPair::new(&key(1, 16), &key(2, 16)).unwrap();
    let addr = 0x4440;
    let mut data = [0u8; 16];
    data[..4].copy_from_slice(&[0x1a, 0xcf, 0x50, 0x3d]);
    let ops = vec![
        Op::SetKey { asid: 2, key1: keys.key1.clone(), key2: keys.key2.clone() },
        Op::Write { asid: 2, addr, data, encrypted: true, strobes: 0x0030 },
        Op::Write { asid: 2, addr, data, encrypted: true, strobes: 0x000f },
        // Byte 5 again, with the same value: no change to the block.
        Op::Write { asid: 2, addr, data, encrypted: true, strobes: 0x0020 },
        Op::Write { asid: 2, addr, data, encrypted: true, strobes: 0x000f },
        Op::Read { asid: 2, addr, encrypted: true, expect: None },
    ];
    let settings = BenchSettings { max_cycles: 2_000, ..Default::default() };
    let report = run_engine(&config, &ops, &settings, &mut ()).unwrap_or_else(|e| panic!("{e}"));
    // DRAM started as zeros: the block is what they decrypt to, with bytes 0 to 5 from `data`.
    let unit = config.data_unit_bytes.into();
    let mut plaintext = decrypt_block(&keys, addr, unit, [0; 16]);
    plaintext[..6].copy_from_slice(&data[..6]);
    assert_eq!(report.dram.get(&addr), Some(&encrypt_block(&keys, addr, unit, plaintext)));
    assert_eq!(response(&report, 5).data, plaintext, "the block reads back");
    assert_eq!(report.dram_writes, 1, "the four partial writes merge into one DRAM write");
}

#[test]
fn partial_writes_of_one_value_each_reach_dram() {
    // The same partial write three times, a read of another block between each two, so that
    // none joins the one before it: three read-modify-writes of one block, each writing the
    // same data. The second may be accepted while the first is still on its way to DRAM, so
    // the first DRAM write can cover both pending writes; the ones that follow must still be
    // accepted as repeats of that value (one that kept only the latest such allowance
    // refused the third write).
    let config = EngineConfig::default();
    let keys = KeyPair::new(&key(1, 16), &key(2, 16)).unwrap();
    let (a, b) = (0x4440, 0x9990);
    let write = Op::Write { asid: 2, addr: a, data: [0x5a; 16], encrypted: true, strobes: 0x0001 };
    let read = Op::Read { asid: 2, addr: b, encrypted: true, expect: None };
    let ops = vec![
        Op::SetKey { asid: 2, key1: keys.key1.clone(), key2: keys.key2.clone() },
        write.clone(),
        read.clone(),
        write.clone(),
        read.clone(),
        write,
        read,
        // Waits for every write to the block: all three reach DRAM within the run.
        Op::Read { asid: 2, addr: a, encrypted: true, expect: None },
    ];
    let settings = BenchSettings { max_cycles: 2_000, ..Default::default() };
    let report = run_engine(&config, &ops, &settings, &mut ()).unwrap_or_else(|e| panic!("{e}"));
    let unit = config.data_unit_bytes.into();
    let mut plaintext = decrypt_block(&keys, a, unit, [0; 16]);
    plaintext[0] = 0x5a;
    assert_eq!(report.dram.get(&a), Some(&encrypt_block(&keys, a, unit, plaintext)));
    assert_eq!(response(&report, 7).data, plaintext, "the block reads back");
    assert_eq!(report.dram_writes, 3, "three read-modify-writes, each with its DRAM write");
}

#[test]
fn a_dram_latency_beyond_the_idle_limit_is_waited_out() {
    // No handshake happens while the one read waits for its data, longer than the bench's
    // idle limit alone: the limit counts from the DRAM latency, so the run finishes.
    use mee_testbench::dram_bfm::DramTiming;
    use mee_testbench::engine_bench::IDLE_LIMIT;
    let mut config = EngineConfig::default();
    config.pipeline.round_registers = mee_reference::RoundRegisters::PerRound;
    let ops = vec![Op::Read { asid: 0, addr: 0x40, encrypted: false, expect: None }];
    let settings = BenchSettings { dram: DramTiming { latency: IDLE_LIMIT + 20, ..Default::default() }, ..Default::default() };
    let report = run_engine(&config, &ops, &settings, &mut ()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.responses.len(), 1);
    assert!(report.cycles > IDLE_LIMIT + 20, "{} cycles", report.cycles);
}

/// Cycles of a stream of plaintext reads and writes, with `dram_req_ready` low every third
/// cycle, in which the engine's `core_req_ready` changes when `dram_req_ready` alone is
/// flipped (evaluated both ways before each edge). The engine and the cycle model run in
/// lock step on the original inputs.
fn cycles_where_dram_ready_reaches_core_ready(config: &EngineConfig) -> usize {
    use mee_reference::engine_model::{EngineInputs, EngineModel};
    use mee_testbench::engine_dut::EngineDut;
    let mut dut = EngineDut::new(config);
    let mut model = EngineModel::new(config);
    let mut issued = 0u64;
    let mut dependent = 0;
    for cycle in 0..200u64 {
        // Reads and writes to 24 addresses (so reads also meet pending writes); DRAM answers
        // no read, so the outstanding-read limit binds too.
        let inputs = EngineInputs {
            reset: cycle < 2,
            core_req_valid: cycle >= 2,
            core_req_write: issued % 3 == 1,
            core_req_addr: 16 * (issued % 24),
            core_req_wdata: [issued as u8; 16],
            core_rsp_ready: true,
            dram_req_ready: cycle % 3 != 0,
            ..Default::default()
        };
        let flipped = EngineInputs { dram_req_ready: !inputs.dram_req_ready, ..inputs.clone() };
        let other = dut.evaluate(&flipped);
        let outputs = dut.evaluate(&inputs);
        assert_eq!(outputs, model.step(&inputs), "cycle {cycle}: engine and cycle model differ");
        if other.core_req_ready != outputs.core_req_ready {
            dependent += 1;
        }
        if inputs.core_req_valid && outputs.core_req_ready {
            issued += 1;
        }
        dut.rising_edge();
    }
    assert!(issued > 20, "only {issued} requests accepted");
    dependent
}

#[test]
fn the_read_request_queue_takes_dram_req_ready_out_of_core_req_ready() {
    // Without the request buffer or the queue a read leaves stage A in the cycle DRAM takes
    // it, so the DRAM ready reaches the request port's ready in the same cycle (README,
    // Interfaces); with either, never. The default engine has the buffer.
    let mut direct = EngineConfig::default();
    direct.pipeline.request_buffer = Some(false);
    assert!(cycles_where_dram_ready_reaches_core_ready(&direct) > 0, "without the read request queue, dram_req_ready never reached core_req_ready");
    let mut queued = direct.clone();
    queued.pipeline.read_request_queue = true;
    assert_eq!(cycles_where_dram_ready_reaches_core_ready(&queued), 0, "with the read request queue, dram_req_ready reached core_req_ready");
    assert_eq!(cycles_where_dram_ready_reaches_core_ready(&EngineConfig::default()), 0, "with the request buffer, dram_req_ready reached core_req_ready");
}

/// Partial writes, back to back with no gaps: each merges its enabled bytes into what the
/// block held (under the request's key, or as stored with the C-bit clear), later requests to
/// the block see the merge, partial writes to one block apply in order (three in a row share
/// one read-modify-write), a refused one and one without strobes touch nothing. The expected blocks are computed here byte by byte; the DRAM
/// image is checked against block-level XTS.
#[test]
fn partial_writes_merge_in_request_order_and_refused_ones_touch_nothing() {
    for (name, mut config) in [("pipelined", EngineConfig::default()), ("iterative", EngineConfig::default())] {
        if name == "iterative" {
            config.pipeline.round_registers = mee_reference::RoundRegisters::Iterative;
            config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
        }
        let keys = KeyPair::new(&key(1, 16), &key(2, 16)).unwrap();
        let (a, b, c) = (0x4000u64, 0x4010u64, 0x9000u64);
        let first = *b"0123456789abcdef";
        let ops = vec![
            Op::SetKey { asid: 1, key1: keys.key1.clone(), key2: keys.key2.clone() },
            Op::Write { asid: 1, addr: a, data: first, encrypted: true, strobes: 0xffff },
            Op::Write { asid: 1, addr: a, data: [0xa0; 16], encrypted: true, strobes: 0x000f },
            Op::Write { asid: 1, addr: a, data: [0xb0; 16], encrypted: true, strobes: 0x00f0 },
            Op::Write { asid: 1, addr: a, data: [0xc0; 16], encrypted: true, strobes: 0x0018 },
            Op::Read { asid: 1, addr: a, encrypted: true, expect: None },
            // A block never written (zeros in DRAM) and a partial write with the C-bit clear.
            Op::Write { asid: 1, addr: b, data: [0x11; 16], encrypted: true, strobes: 0x8001 },
            Op::Write { asid: 5, addr: c, data: [0x22; 16], encrypted: false, strobes: 0x0100 },
            // Refused (ASID 6 has no key) and without strobes: neither touches block a.
            Op::Write { asid: 6, addr: a, data: [0xee; 16], encrypted: true, strobes: 0x00ff },
            Op::Write { asid: 1, addr: a, data: [0xdd; 16], encrypted: true, strobes: 0x0000 },
            Op::Write { asid: 6, addr: a + 4, data: [0xdd; 16], encrypted: true, strobes: 0x0000 },
            Op::Read { asid: 1, addr: a, encrypted: true, expect: None },
            Op::Read { asid: 1, addr: b, encrypted: true, expect: None },
            Op::Read { asid: 1, addr: c, encrypted: false, expect: None },
        ];
        let report = run(&config, &ops);
        let mut want = first;
        want[0..4].copy_from_slice(&[0xa0; 4]);
        want[4..8].copy_from_slice(&[0xb0; 4]);
        want[3..5].copy_from_slice(&[0xc0; 2]);
        assert_eq!(response(&report, 5).data, want, "{name}: three partial writes in order");
        assert_eq!(response(&report, 11).data, want, "{name}: the refused write and those without strobes changed nothing");
        assert_eq!(response(&report, 8).status, status::NO_KEY, "{name}");
        assert_eq!((response(&report, 9).status, response(&report, 10).status), (status::OK, status::MISALIGNED), "{name}");
        assert_eq!(report.dram.get(&a), Some(&encrypt_block(&keys, a, 16, want)), "{name}");
        // Block b held zeros as stored, which decrypt under the key to some block z; the
        // write replaced bytes 0 and 15 of z.
        let mut merged_b = decrypt_block(&keys, b, 16, [0; 16]);
        merged_b[0] = 0x11;
        merged_b[15] = 0x11;
        assert_eq!(response(&report, 12).data, merged_b, "{name}");
        let mut plain_c = [0u8; 16];
        plain_c[8] = 0x22;
        assert_eq!(response(&report, 13).data, plain_c, "{name}");
        assert_eq!(report.dram.get(&c), Some(&plain_c), "{name}");
        // The writes without strobes and the refused write reached no DRAM: four reads, one
        // whole-block write, and one read and one write per read-modify-write, of which there
        // are three: the three partial writes in a row to block a merge into one.
        assert_eq!((report.dram_reads, report.dram_writes), (4 + 3, 1 + 3), "{name}");
    }
}

#[test]
fn stored_round_keys_are_written_by_set_key_and_zeroed_by_clear_key() {
    // Each pipeline's round-key memories against the reference key schedule: set_key writes
    // the slot's expanded keys (tweak key in the tweak pipeline, data key in the other two),
    // clear_key zeroes them, and other slots keep theirs. The answers keep their latencies.
    for key_bits in [128, 256] {
        let mut config = EngineConfig { key_bits, ..Default::default() };
        config.pipeline.round_keys = Some(mee_reference::RoundKeys::Stored);
        let n = config.key_bytes();
        let ops = vec![
            Op::SetKey { asid: 3, key1: key(1, n), key2: key(2, n) },
            Op::SetKey { asid: 4, key1: key(5, n), key2: key(6, n) },
            Op::SetKey { asid: 16, key1: key(7, n), key2: key(8, n) },
            Op::Write { asid: 3, addr: 0x40, data: [1; 16], encrypted: true, strobes: 0xffff },
            Op::ClearKey { asid: 3 },
            Op::SetKey { asid: 5, key1: key(9, n), key2: key(9, n) },
        ];
        let mut dut = mee_testbench::engine_dut::EngineDut::new(&config);
        let report = mee_testbench::engine_bench::run_engine_on(&mut dut, &config, &ops, &Default::default(), &mut ())
            .unwrap_or_else(|e| panic!("AES-{key_bits}: {e}"));
        let statuses: Vec<u8> = report.key_responses.iter().map(|k| k.status).collect();
        assert_eq!(statuses, vec![0, 0, status::KEY_BAD_ASID, 0, status::KEY_WEAK], "AES-{key_bits}");
        for k in &report.key_responses {
            let want = if k.status == 0 && matches!(ops[k.op_index], Op::SetKey { .. }) { mee_reference::engine_model::key_expansion_latency(&config) as u64 } else { 1 };
            assert_eq!(k.response_cycle - k.issue_cycle, want, "AES-{key_bits}: op {}: key response latency", k.op_index);
        }
        let schedule = |k: &[u8]| -> Vec<[u8; 16]> {
            let words = mee_reference::key_schedule::expand_key_words(k);
            (0..words.len() / 4).map(|r| mee_reference::key_schedule::round_key(&words, r)).collect()
        };
        let core = &dut.engine().core;
        let slot = |s: usize| core.stored_round_keys(s).unwrap_or_else(|| panic!("AES-{key_bits}: slot {s} has no round keys"));
        let [tweak, encrypt, decrypt] = slot(4);
        assert_eq!(tweak, schedule(&key(6, n)), "AES-{key_bits}: slot 4, tweak pipeline");
        assert_eq!(encrypt, schedule(&key(5, n)), "AES-{key_bits}: slot 4, encryption pipeline");
        assert_eq!(decrypt, schedule(&key(5, n)), "AES-{key_bits}: slot 4, decryption pipeline");
        let rounds = config.aes_rounds() + 1;
        for s in [3, 5] {
            assert_eq!(slot(s), [vec![[0; 16]; rounds], vec![[0; 16]; rounds], vec![[0; 16]; rounds]], "AES-{key_bits}: slot {s} (cleared, or refused set_key)");
        }
    }
}
