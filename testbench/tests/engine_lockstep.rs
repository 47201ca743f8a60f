//! The engine in lock step with the cycle model on random traffic: every output port in every
//! cycle, responses against an in-order functional scoreboard, no key half on a data bus, and
//! the DRAM image against `xts-mode`; a quarter of the writes enable only some bytes (partial
//! writes, read-modify-written by the engine) or none. 20,000 requests over 10 ASIDs per config (override with
//! `MEE_ENGINE_REQUESTS`; half that for the iterative engine), stalls on every channel, key commands and resets in the middle of
//! traffic.

use mee_reference::{EngineConfig, KeyTableStorage, RoundKeys, RoundRegisters, SboxStyle, TweakPipeline};
use mee_testbench::engine_bench::{run_engine, BenchSettings};
use mee_testbench::seed::test_seed;
use mee_testbench::stimulus::{random_traffic, TrafficShape};

fn requests() -> usize {
    std::env::var("MEE_ENGINE_REQUESTS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000)
}

fn run_random(name: &str, config: EngineConfig, serialize_key_commands: bool) {
    run_random_requests(name, config, serialize_key_commands, requests());
}

fn run_random_requests(name: &str, config: EngineConfig, serialize_key_commands: bool, requests: usize) {
    run_random_shape(name, config, serialize_key_commands, requests, 0.0);
}

/// Random traffic where a fraction `same_unit` of the requests goes to the previous request's
/// data unit and ASID.
fn run_random_shape(name: &str, config: EngineConfig, serialize_key_commands: bool, requests: usize, same_unit: f64) {
    config.validate().expect("test config");
    let seed = test_seed(name);
    // Every error outcome is expected at least 20 times, so that the coverage check below
    // cannot miss one by chance: the default rates (one request in a hundred misaligned, one
    // with an ASID out of range, two with an unkeyed ASID) give the shortest stream, 500
    // requests, only about 5 of each.
    let defaults = TrafficShape::default();
    let at_least_20 = |rate: f64| rate.max(20.0 / requests as f64);
    let shape = TrafficShape {
        requests,
        asids: 10,
        resets: 2,
        requests_per_key_command: 300,
        same_unit,
        misaligned: at_least_20(defaults.misaligned),
        bad_asid: at_least_20(defaults.bad_asid),
        unkeyed: at_least_20(defaults.unkeyed),
        ..defaults
    };
    let ops = random_traffic(&config, &shape, seed);
    let settings = BenchSettings::stalls_everywhere(seed, serialize_key_commands);
    let report = run_engine(&config, &ops, &settings, &mut ()).unwrap_or_else(|e| panic!("{name}: seed {seed}: {e}"));
    let by_status: Vec<usize> = (0..4).map(|s| report.responses.iter().filter(|r| r.status == s).count()).collect();
    let key_status: Vec<usize> = (0..3).map(|s| report.key_responses.iter().filter(|r| r.status == s).count()).collect();
    println!(
        "{name}: {} requests accepted, {} cycles, {:.0} cycles/s; responses by status (ok, no_key, bad_asid, misaligned) {by_status:?}; key responses (ok, bad_asid, weak) {key_status:?}; DRAM reads {} writes {}",
        report.requests, report.cycles, report.cycles as f64 / report.seconds, report.dram_reads, report.dram_writes
    );
    // The stream must have exercised every kind of outcome (bad_asid only when some ASID
    // value is out of range).
    let bad_asid_possible = u64::from(config.num_asids) < 1u64 << config.asid_bits;
    for (status, &count) in by_status.iter().enumerate() {
        assert!(count > 0 || (status == 2 && !bad_asid_possible), "{name}: seed {seed}: status {status} never occurred: {by_status:?}");
    }
    assert!(report.requests as usize >= requests * 9 / 10, "{name}: seed {seed}: only {} requests accepted", report.requests);
    // Partial writes that merged into a block, and writes without strobes, both happened.
    let strobes_of = |r: &mee_testbench::engine_bench::ResponseRecord| match &ops[r.op_index] {
        mee_testbench::engine_bench::Op::Write { strobes, .. } => Some(*strobes),
        _ => None,
    };
    let merged = report.responses.iter().filter(|r| r.status == 0 && strobes_of(r).is_some_and(|s| s != 0 && s != 0xffff)).count();
    let empty = report.responses.iter().filter(|r| strobes_of(r) == Some(0)).count();
    println!("{name}: {merged} partial writes merged, {empty} writes without strobes");
    // (Writes without strobes are one write in forty: expected only in the longer streams.)
    assert!(merged > 0 && (empty > 0 || requests < 2000), "{name}: seed {seed}: {merged} partial writes merged, {empty} writes without strobes");
}

#[test]
fn random_traffic_default_config() {
    run_random("random_traffic_default_config", EngineConfig::default(), false);
}

#[test]
fn random_traffic_aes256() {
    let config = EngineConfig { key_bits: 256, ..Default::default() };
    run_random("random_traffic_aes256", config, true);
}

#[test]
fn random_traffic_data_unit_4096() {
    let config = EngineConfig { data_unit_bytes: 4096, ..Default::default() };
    run_random("random_traffic_data_unit_4096", config, false);
}

#[test]
fn random_traffic_two_registers_per_round() {
    let mut config = EngineConfig::default();
    config.pipeline.round_registers = RoundRegisters::PerHalfRound;
    config.pipeline.read_queue_depth = 64;
    run_random("random_traffic_two_registers_per_round", config, true);
}

#[test]
fn random_traffic_three_registers_per_round() {
    let mut config = EngineConfig::default();
    config.pipeline.round_registers = RoundRegisters::PerThirdRound;
    // Block-RAM data S-boxes; the tweak pipeline's and the key schedules' are composite. The
    // keys expanded beside the data (the default engine stores round keys).
    config.pipeline.sbox = Some(mee_reference::SboxStyle::BlockRam);
    config.pipeline.round_keys = Some(RoundKeys::OnTheFly);
    config.pipeline.read_queue_depth = 64;
    // The deepest pipelines simulate slowest: half the requests.
    run_random_requests("random_traffic_three_registers_per_round", config, false, requests() / 2);
}

#[test]
fn random_traffic_full_rate_engine_with_two_entry_read_and_write_queues() {
    // Read and write queues of two entries on a one-block-per-cycle engine, with room for
    // more responses: the limits on outstanding reads and pending writes bind in most cycles.
    let mut config = EngineConfig::default();
    config.pipeline.read_queue_depth = 2;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 16;
    run_random_requests("random_traffic_full_rate_engine_with_two_entry_read_and_write_queues", config, false, requests() / 4);
}

#[test]
fn random_traffic_1024_slot_block_ram_key_table() {
    let mut config = EngineConfig { num_asids: 1024, asid_bits: 10, ..Default::default() };
    config.pipeline.round_registers = RoundRegisters::PerRound;
    config.pipeline.key_table = KeyTableStorage::BlockRam;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    run_random("random_traffic_1024_slot_block_ram_key_table", config, false);
}

#[test]
fn random_traffic_iterative_units_and_small_queues() {
    let mut config = EngineConfig { key_bits: 256, data_unit_bytes: 32, ..Default::default() };
    config.pipeline.round_registers = RoundRegisters::Iterative;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.read_queue_depth = 4;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 4;
    // An iterative engine needs about 15 cycles per request: half the requests keep the
    // simulated cycles near the other configs'.
    run_random_requests("random_traffic_iterative_units_and_small_queues", config, false, requests() / 2);
}

#[test]
fn random_traffic_shared_aes_unit_and_block_ram_key_table() {
    let mut config = EngineConfig::default();
    config.pipeline.round_registers = RoundRegisters::Shared;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.key_table = KeyTableStorage::BlockRam;
    config.pipeline.read_queue_depth = 4;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 4;
    // One request per 33 cycles: a sixth of the requests keeps the simulated cycles near the
    // other configs'.
    run_random_requests("random_traffic_shared_aes_unit_and_block_ram_key_table", config, false, requests() / 6);
}

#[test]
fn random_traffic_shared_column_unit_aes256_and_queues_of_two() {
    // The smallest engine: one four-S-box AES unit, a column per cycle, and the shortest
    // queues; AES-256 so that its key step runs both schedules' odd and even steps.
    let mut config = EngineConfig { key_bits: 256, ..Default::default() };
    config.pipeline.round_registers = RoundRegisters::SharedColumn;
    config.pipeline.sbox = Some(mee_reference::SboxStyle::Composite);
    config.pipeline.key_table = KeyTableStorage::BlockRam;
    config.pipeline.read_queue_depth = 2;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 2;
    // One request per 3 (5 Nr + 2) = 216 cycles: a fortieth of the requests.
    run_random_requests("random_traffic_shared_column_unit_aes256_and_queues_of_two", config, false, requests() / 40);
}

#[test]
fn random_traffic_shared_tweak_pipeline_with_64_byte_units() {
    let mut config = EngineConfig { data_unit_bytes: 64, ..Default::default() };
    config.pipeline.tweak_pipeline = TweakPipeline::Shared;
    // Half the requests stay in the previous request's data unit and reuse its tweak, with
    // key commands (which must make the engine forget it) and resets among them.
    run_random_shape("random_traffic_shared_tweak_pipeline_with_64_byte_units", config, false, requests(), 0.5);
}

#[test]
fn random_traffic_shared_tweak_pipeline_two_registers_per_round() {
    let mut config = EngineConfig { data_unit_bytes: 4096, ..Default::default() };
    config.pipeline.tweak_pipeline = TweakPipeline::Shared;
    config.pipeline.round_registers = RoundRegisters::PerHalfRound;
    config.pipeline.read_queue_depth = 64;
    run_random_shape("random_traffic_shared_tweak_pipeline_two_registers_per_round", config, true, requests() / 2, 0.3);
}

#[test]
fn random_traffic_read_request_queue_with_two_entry_read_and_write_queues() {
    // Reads reach DRAM through the read request queue, and the limits on outstanding reads
    // and pending writes bind in most cycles; DRAM stalls keep writes offered while reads
    // wait in the queue behind them.
    let mut config = EngineConfig::default();
    config.pipeline.read_request_queue = true;
    config.pipeline.read_queue_depth = 2;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 16;
    run_random_requests("random_traffic_read_request_queue_with_two_entry_read_and_write_queues", config, false, requests() / 4);
}

#[test]
fn random_traffic_read_request_queue_and_shared_tweak_pipeline() {
    let mut config = EngineConfig { data_unit_bytes: 64, ..Default::default() };
    config.pipeline.read_request_queue = true;
    config.pipeline.tweak_pipeline = TweakPipeline::Shared;
    config.pipeline.round_registers = RoundRegisters::PerHalfRound;
    config.pipeline.read_queue_depth = 64;
    run_random_shape("random_traffic_read_request_queue_and_shared_tweak_pipeline", config, false, requests() / 2, 0.5);
}

#[test]
fn random_traffic_registered_ports() {
    // Every channel of the top through its two-entry buffer, with stalls on every channel
    // (the buffers fill and drain), key commands and resets among the requests.
    let mut config = EngineConfig::default();
    config.pipeline.registered_ports = true;
    run_random_requests("random_traffic_registered_ports", config, false, requests() / 4);
}

#[test]
fn random_traffic_direct_request_port() {
    // The default engine without its request buffer: the partial-write unit hands requests
    // (its reads and merged writes too) straight to the core, with stalls, key commands and
    // resets among them. The default engine's own tests cover the buffer.
    let mut config = EngineConfig::default();
    config.pipeline.request_buffer = Some(false);
    run_random_requests("random_traffic_direct_request_port", config, false, requests() / 4);
}

#[test]
fn random_traffic_two_write_hazard_bits() {
    // The pending-write tracker compares two block-address bits: a read waits behind any
    // pending write whose block number agrees in them, so most reads meet a false hazard
    // while writes are pending, and the model must stall them in the same cycles.
    let mut config = EngineConfig::default();
    config.pipeline.write_hazard_bits = Some(2);
    run_random_requests("random_traffic_two_write_hazard_bits", config, false, requests() / 4);
}

#[test]
fn random_traffic_request_buffer_and_registered_ports_with_queues_of_two() {
    let mut config = EngineConfig::default();
    assert!(config.buffers_requests());
    config.pipeline.registered_ports = true;
    config.pipeline.read_queue_depth = 2;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 2;
    run_random_requests("random_traffic_request_buffer_and_registered_ports_with_queues_of_two", config, true, requests() / 10);
}

#[test]
fn random_traffic_registered_ports_iterative_with_queues_of_two() {
    let mut config = EngineConfig::default();
    config.pipeline.registered_ports = true;
    config.pipeline.round_registers = RoundRegisters::Iterative;
    config.pipeline.read_queue_depth = 2;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 2;
    run_random_requests("random_traffic_registered_ports_iterative_with_queues_of_two", config, true, requests() / 20);
}

#[test]
fn random_traffic_keys_on_the_fly_table_sboxes_one_stage_per_round() {
    // Every block carries its key and each round expands the next round key beside the data;
    // table S-boxes, one stage per round. (The default engine, in random_traffic_default_config,
    // stores round keys per ASID: written by set_key and zeroed by clear_key, with key
    // commands every 300 requests and resets, so slots are rewritten, cleared and reused.)
    let mut config = EngineConfig::default();
    config.pipeline.round_registers = RoundRegisters::PerRound;
    config.pipeline.round_keys = Some(RoundKeys::OnTheFly);
    run_random_requests("random_traffic_keys_on_the_fly_table_sboxes_one_stage_per_round", config, false, requests() / 4);
}

#[test]
fn random_traffic_stored_round_keys_aes256_block_ram_sboxes() {
    // AES-256 (the key table writes two round keys a cycle) at three stages per round.
    let mut config = EngineConfig { key_bits: 256, ..Default::default() };
    config.pipeline.round_keys = Some(RoundKeys::Stored);
    config.pipeline.round_registers = RoundRegisters::PerThirdRound;
    config.pipeline.sbox = Some(SboxStyle::BlockRam);
    run_random_requests("random_traffic_stored_round_keys_aes256_block_ram_sboxes", config, false, requests() / 10);
}
