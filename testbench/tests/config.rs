//! `EngineConfig::from_toml_str`: the documented defaults, a full valid file, and refusals whose
//! message names the key and the value.

use mee_reference::{BusKind, EngineConfig, InterfaceConfig, SocConfig, SocMemoryPath, KeyTableStorage, PipelineConfig, RoundKeys, RoundRegisters, SboxStyle, TweakPipeline};

/// Parses `text`, expecting a refusal; returns the error's Display text.
fn refused(text: &str) -> String {
    match EngineConfig::from_toml_str(text) {
        Ok(config) => panic!("accepted {text:?} as {config:?}"),
        Err(e) => e.to_string(),
    }
}

/// Expects `text` to be refused with a message containing every one of `needles`.
fn refused_naming(text: &str, needles: &[&str]) {
    let message = refused(text);
    for needle in needles {
        assert!(
            message.contains(needle),
            "refusing {text:?}: message {message:?} does not contain {needle:?}"
        );
    }
}

#[test]
fn empty_file_is_the_documented_default() {
    let config = EngineConfig::from_toml_str("").unwrap();
    assert_eq!(config, EngineConfig::default());
    assert_eq!(config.top_name, "mee_engine");
    assert_eq!(config.key_bits, 128);
    assert_eq!(config.data_unit_bytes, 16);
    assert_eq!(config.num_asids, 16);
    assert_eq!(config.asid_bits, 8);
    assert_eq!(config.addr_bits, 32);
    assert_eq!(config.pipeline, PipelineConfig::default());
    assert_eq!((config.interface.bus, config.interface.id_bits), (BusKind::Native, 4));
    assert_eq!(config.pipeline.key_table, KeyTableStorage::Registers);
    assert_eq!(config.pipeline.tweak_pipeline, TweakPipeline::Dedicated);
    assert!(!config.pipeline.read_request_queue);
    assert!(!config.pipeline.registered_ports);
    // The default engine: block-RAM S-boxes at three stages per round, round keys stored.
    assert_eq!(config.pipeline.round_registers, RoundRegisters::PerThirdRound);
    assert_eq!((config.pipeline.sbox, config.pipeline.round_keys), (None, None));
    assert_eq!(config.pipeline.sbox_style(), SboxStyle::BlockRam);
    assert_eq!(config.round_key_mode(), RoundKeys::Stored);
    assert_eq!(
        (config.pipeline.read_queue_depth, config.pipeline.write_queue_depth, config.pipeline.response_queue_depth),
        (128, 64, 128)
    );
    // Comments and blank lines only: still the default.
    assert_eq!(
        EngineConfig::from_toml_str("# nothing\n\n").unwrap(),
        EngineConfig::default()
    );
}

#[test]
fn sbox_and_round_keys_default_by_placement() {
    let parsed = |text: &str| EngineConfig::from_toml_str(text).unwrap();
    for placement in RoundRegisters::ALL {
        let config = parsed(&format!("[pipeline]\nround_registers = \"{}\"", placement.name()));
        let block_ram = placement == RoundRegisters::PerThirdRound;
        assert_eq!(config.pipeline.sbox_style(), if block_ram { SboxStyle::BlockRam } else { SboxStyle::Table }, "{}", placement.name());
        let stored = !matches!(placement, RoundRegisters::Iterative | RoundRegisters::Shared | RoundRegisters::SharedColumn);
        assert_eq!(config.round_key_mode(), if stored { RoundKeys::Stored } else { RoundKeys::OnTheFly }, "{}", placement.name());
    }
    // A shared tweak pipeline computes keys on the fly, and so do engines with more than 64
    // slots (their round keys would fill distributed RAM); an explicit choice wins.
    assert_eq!(parsed("[pipeline]\ntweak_pipeline = \"shared\"").round_key_mode(), RoundKeys::OnTheFly);
    assert_eq!(parsed("num_asids = 64").round_key_mode(), RoundKeys::Stored);
    assert_eq!(parsed("num_asids = 65").round_key_mode(), RoundKeys::OnTheFly);
    assert_eq!(parsed("num_asids = 65\n[pipeline]\nround_keys = \"stored\"").round_key_mode(), RoundKeys::Stored);
    assert_eq!(parsed("[pipeline]\nround_keys = \"on_the_fly\"").round_key_mode(), RoundKeys::OnTheFly);
    assert_eq!(parsed("[pipeline]\nsbox = \"composite\"").pipeline.sbox_style(), SboxStyle::Composite);
}

#[test]
fn a_full_valid_file_parses() {
    let text = r#"
top_name = "my_mee"
key_bits = 256
data_unit_bytes = 4096
num_asids = 64
asid_bits = 6
addr_bits = 40

[pipeline]
round_registers = "per_two_rounds"
sbox = "composite"
key_table = "block_ram"
tweak_pipeline = "shared"
read_request_queue = true
read_queue_depth = 48
write_queue_depth = 100
write_hazard_bits = 12
response_queue_depth = 2
partial_write_depth = 5
registered_ports = true
request_buffer = true

[interface]
bus = "axi4"
id_bits = 6

[soc]
dram_bytes = 4194304
dram_latency = 64
memory_path = "direct"
"#;
    let config = EngineConfig::from_toml_str(text).unwrap();
    let expected = EngineConfig {
        top_name: "my_mee".to_string(),
        key_bits: 256,
        data_unit_bytes: 4096,
        num_asids: 64,
        asid_bits: 6,
        addr_bits: 40,
        pipeline: PipelineConfig {
            round_registers: RoundRegisters::PerTwoRounds,
            sbox: Some(SboxStyle::Composite),
            key_table: KeyTableStorage::BlockRam,
            tweak_pipeline: TweakPipeline::Shared,
            read_request_queue: true,
            read_queue_depth: 48,
            write_queue_depth: 100,
            write_hazard_bits: Some(12),
            response_queue_depth: 2,
            partial_write_depth: Some(5),
            registered_ports: true,
            request_buffer: Some(true),
            round_keys: None,
            tweak_block_ram_rounds: None,
        },
        interface: InterfaceConfig { bus: BusKind::Axi4, id_bits: 6 },
        soc: SocConfig { dram_bytes: 4 << 20, dram_latency: 64, memory_path: SocMemoryPath::Direct },
    };
    assert_eq!(config, expected);
}

#[test]
fn the_config_survives_a_round_trip_through_toml() {
    let config = EngineConfig::from_toml_str(
        "key_bits = 256\ndata_unit_bytes = 512\n[pipeline]\nsbox = \"composite\"\n",
    )
    .unwrap();
    let text = config.to_toml_string();
    assert_eq!(
        EngineConfig::from_toml_str(&text).unwrap(),
        config,
        "re-reading {text:?}"
    );
    assert_eq!(
        EngineConfig::from_toml_str(&EngineConfig::default().to_toml_string()).unwrap(),
        EngineConfig::default()
    );
}

#[test]
fn boundary_values_are_accepted() {
    for text in [
        "data_unit_bytes = 16",
        "data_unit_bytes = 4096",
        "key_bits = 256",
        "num_asids = 1",
        "num_asids = 256\nasid_bits = 8",
        "num_asids = 2\nasid_bits = 1",
        "asid_bits = 16\nnum_asids = 1024",
        "addr_bits = 8",
        "addr_bits = 64",
        "top_name = \"_x\"",
    ] {
        if let Err(e) = EngineConfig::from_toml_str(text) {
            panic!("refused {text:?}: {e}");
        }
    }
}

#[test]
fn key_bits_other_than_128_or_256_are_refused() {
    refused_naming("key_bits = 192", &["key_bits", "192"]);
    refused_naming("key_bits = 0", &["key_bits", "0"]);
}

#[test]
fn data_unit_sizes_out_of_range_are_refused() {
    refused_naming("data_unit_bytes = 48", &["data_unit_bytes", "48"]);
    refused_naming("data_unit_bytes = 8192", &["data_unit_bytes", "8192"]);
    refused_naming("data_unit_bytes = 8", &["data_unit_bytes", "8"]);
}

#[test]
fn asid_counts_and_widths_out_of_range_are_refused() {
    refused_naming("num_asids = 0", &["num_asids", "0"]);
    refused_naming("num_asids = 300\nasid_bits = 8", &["num_asids", "300"]);
    refused_naming("num_asids = 3\nasid_bits = 1", &["num_asids", "3"]);
    refused_naming("asid_bits = 0", &["asid_bits", "0"]);
    refused_naming("asid_bits = 17", &["asid_bits", "17"]);
}

#[test]
fn address_widths_out_of_range_are_refused() {
    refused_naming("addr_bits = 4", &["addr_bits", "4"]);
    refused_naming("addr_bits = 65", &["addr_bits", "65"]);
    // Too narrow to hold one data unit.
    refused_naming(
        "addr_bits = 12\ndata_unit_bytes = 4096",
        &["addr_bits", "12"],
    );
}

#[test]
fn top_names_that_are_not_verilog_identifiers_are_refused() {
    refused_naming("top_name = \"module\"", &["top_name", "module"]);
    refused_naming("top_name = \"9abc\"", &["top_name", "9abc"]);
    refused_naming("top_name = \"\"", &["top_name"]);
    refused_naming("top_name = \"a-b\"", &["top_name", "a-b"]);
}

#[test]
fn unknown_keys_are_refused() {
    refused_naming("foo = 1", &["foo"]);
    refused_naming("[pipeline]\nfoo_knob = 2", &["foo_knob"]);
}

#[test]
fn pipeline_values_are_checked() {
    refused_naming("[pipeline]\nsbox = \"bram\"", &["sbox", "bram"]);
    refused_naming("[pipeline]\nregistered_ports = \"yes\"", &["registered_ports"]);
    for placement in ["iterative", "shared", "per_third_round"] {
        let registered = EngineConfig::from_toml_str(&format!("[pipeline]\nregistered_ports = true\nround_registers = \"{placement}\"")).unwrap();
        assert!(registered.pipeline.registered_ports);
        // Two more cycles each way: request in and DRAM request out, DRAM data in and response out.
        let plain = EngineConfig { pipeline: PipelineConfig { registered_ports: false, ..registered.pipeline.clone() }, ..registered.clone() };
        assert_eq!(registered.read_request_latency(), plain.read_request_latency() + 2);
        assert_eq!(registered.read_cost_cycles(), plain.read_cost_cycles() + 4);
    }
    // The request buffer: pipelined engines only, one cycle more on every request's way in.
    refused_naming("[pipeline]\nrequest_buffer = true\nround_registers = \"iterative\"", &["pipeline.request_buffer", "iterative"]);
    refused_naming("[pipeline]\nrequest_buffer = 1", &["request_buffer"]);
    // On by default for pipelined engines, off for the others; `false` turns it off.
    let direct = EngineConfig::from_toml_str("[pipeline]\nrequest_buffer = false").unwrap();
    assert!(EngineConfig::default().buffers_requests() && !direct.buffers_requests());
    assert_eq!(EngineConfig::default().read_request_latency(), direct.read_request_latency() + 1);
    assert_eq!(EngineConfig::default().write_request_latency(), direct.write_request_latency() + 1);
    for placement in ["iterative", "shared", "shared_column"] {
        let unbuffered = EngineConfig::from_toml_str(&format!("[pipeline]\nround_registers = \"{placement}\"")).unwrap();
        assert!(!unbuffered.buffers_requests(), "{placement}: no request buffer by default");
        EngineConfig::from_toml_str(&format!("[pipeline]\nround_registers = \"{placement}\"\nrequest_buffer = false")).unwrap();
    }
    // The tracker's compare: 8 block-address bits by default for pipelined engines, the whole
    // address for the others, 1 to addr_bits - 4 when set.
    assert_eq!(EngineConfig::default().write_hazard_bits(), 8);
    assert_eq!(EngineConfig::default().tracker_compare_bits(), Some(8));
    let iterative = EngineConfig::from_toml_str("[pipeline]\nround_registers = \"iterative\"").unwrap();
    assert_eq!((iterative.write_hazard_bits(), iterative.tracker_compare_bits()), (28, None));
    let whole = EngineConfig::from_toml_str("addr_bits = 20\n[pipeline]\nwrite_hazard_bits = 16").unwrap();
    assert_eq!(whole.tracker_compare_bits(), None);
    assert!(whole.write_hazard(0x1230, 0x1230) && !whole.write_hazard(0x1230, 0x1240));
    let four = EngineConfig::from_toml_str("[pipeline]\nwrite_hazard_bits = 4").unwrap();
    assert!(four.write_hazard(0x1230, 0x1230 + 256 * 3) && !four.write_hazard(0x1230, 0x1230 + 128));
    refused_naming("[pipeline]\nwrite_hazard_bits = 0", &["pipeline.write_hazard_bits", "1 to addr_bits - 4 = 28"]);
    refused_naming("addr_bits = 20\n[pipeline]\nwrite_hazard_bits = 17", &["pipeline.write_hazard_bits", "16"]);
    refused_naming(
        "[pipeline]\nround_registers = \"per_three_rounds\"",
        &["round_registers", "per_three_rounds"],
    );
    for (name, value) in [
        ("per_third_round", RoundRegisters::PerThirdRound),
        ("per_round", RoundRegisters::PerRound),
        ("per_half_round", RoundRegisters::PerHalfRound),
        ("per_two_rounds", RoundRegisters::PerTwoRounds),
    ] {
        let config =
            EngineConfig::from_toml_str(&format!("[pipeline]\nround_registers = \"{name}\""))
                .unwrap_or_else(|e| panic!("round_registers = {name:?} refused: {e}"));
        assert_eq!(config.pipeline.round_registers, value);
        assert_eq!(value.name(), name);
    }
    for style in SboxStyle::ALL {
        let config = EngineConfig::from_toml_str(&format!(
            "[pipeline]\nsbox = \"{}\"\nround_registers = \"per_third_round\"",
            style.name()
        ))
        .unwrap();
        assert_eq!(config.pipeline.sbox_style(), style);
    }
    // Block-RAM S-boxes need the register inside the S-box that only per_third_round has.
    for placement in RoundRegisters::ALL.into_iter().filter(|&p| p != RoundRegisters::PerThirdRound) {
        refused_naming(
            &format!("[pipeline]\nsbox = \"block_ram\"\nround_registers = \"{}\"", placement.name()),
            &["pipeline.sbox", "block_ram", "per_third_round", placement.name()],
        );
    }
    for storage in KeyTableStorage::ALL {
        let config = EngineConfig::from_toml_str(&format!("[pipeline]\nkey_table = \"{}\"", storage.name())).unwrap();
        assert_eq!(config.pipeline.key_table, storage);
    }
    refused_naming("[pipeline]\nkey_table = \"flash\"", &["key_table", "flash"]);
    for tweak in TweakPipeline::ALL {
        let config = EngineConfig::from_toml_str(&format!("[pipeline]\ntweak_pipeline = \"{}\"", tweak.name())).unwrap();
        assert_eq!(config.pipeline.tweak_pipeline, tweak);
    }
    refused_naming("[pipeline]\ntweak_pipeline = \"none\"", &["tweak_pipeline", "none"]);
    // A shared tweak pipeline needs a pipeline to share: the iterative units already take turns.
    for placement in RoundRegisters::ALL.into_iter().filter(|p| !p.is_pipelined()) {
        refused_naming(
            &format!("[pipeline]\ntweak_pipeline = \"shared\"\nround_registers = \"{}\"", placement.name()),
            &["pipeline.tweak_pipeline", "shared", "pipelined", placement.name()],
        );
    }
    // The read request queue: a boolean, for pipelined engines.
    let queued = EngineConfig::from_toml_str("[pipeline]\nread_request_queue = true\nround_registers = \"per_half_round\"").unwrap();
    assert!(queued.pipeline.read_request_queue);
    assert_eq!(queued.read_request_latency(), EngineConfig::default().read_request_latency() + 1);
    refused_naming("[pipeline]\nread_request_queue = 2", &["read_request_queue"]);
    for placement in RoundRegisters::ALL.into_iter().filter(|p| !p.is_pipelined()) {
        refused_naming(
            &format!("[pipeline]\nread_request_queue = true\nround_registers = \"{}\"", placement.name()),
            &["pipeline.read_request_queue", "true", "pipelined", placement.name()],
        );
    }
    for key in ["read_queue_depth", "write_queue_depth", "response_queue_depth"] {
        for bad in [0, 1, 257] {
            refused_naming(&format!("[pipeline]\n{key} = {bad}"), &[key, &bad.to_string(), "2 to 256"]);
        }
        EngineConfig::from_toml_str(&format!("[pipeline]\n{key} = 256")).unwrap_or_else(|e| panic!("{key} = 256 refused: {e}"));
    }
    for bad in [0, 65] {
        refused_naming(&format!("[pipeline]\npartial_write_depth = {bad}"), &["partial_write_depth", &bad.to_string(), "1 to 64"]);
    }
    EngineConfig::from_toml_str("[pipeline]\npartial_write_depth = 1").unwrap();
}

#[test]
fn stored_round_keys_need_a_pipelined_engine_with_its_own_tweak_pipeline() {
    for placement in ["per_third_round", "per_half_round", "per_round", "per_two_rounds"] {
        let config = EngineConfig::from_toml_str(&format!("[pipeline]\nround_keys = \"stored\"\nround_registers = \"{placement}\"")).unwrap();
        assert!(config.stores_round_keys(), "{placement}");
    }
    let config = EngineConfig::from_toml_str("[pipeline]\nround_keys = \"on_the_fly\"").unwrap();
    assert!(!config.stores_round_keys());
    for placement in ["iterative", "shared", "shared_column"] {
        refused_naming(
            &format!("[pipeline]\nround_keys = \"stored\"\nround_registers = \"{placement}\""),
            &["pipeline.round_keys", "\"stored\"", placement],
        );
    }
    refused_naming("[pipeline]\nround_keys = \"stored\"\ntweak_pipeline = \"shared\"", &["pipeline.round_keys", "dedicated"]);
    refused_naming("[pipeline]\nround_keys = \"cached\"", &["round_keys", "cached"]);
}

/// The LFE5U-85F has 208 DP16KD; the data pipelines take 8 a round each (160 with AES-128),
/// so the tweak pipeline has six rounds of eight left with AES-128 and none with AES-256.
#[test]
fn the_tweak_pipeline_takes_the_block_rams_the_data_pipelines_leave() {
    let default = EngineConfig::default();
    assert_eq!(default.tweak_block_ram_rounds(), 6);
    assert_eq!((2 * 10 + 6) * 8, 208, "the default engine fills the device's block RAM");
    let aes256 = EngineConfig::from_toml_str("key_bits = 256").unwrap();
    assert_eq!(aes256.tweak_block_ram_rounds(), 0, "AES-256's data pipelines alone need 224");
    for text in ["[pipeline]\nsbox = \"composite\"", "[pipeline]\nround_keys = \"on_the_fly\"", "[pipeline]\nround_registers = \"per_round\""] {
        assert_eq!(EngineConfig::from_toml_str(text).unwrap().tweak_block_ram_rounds(), 0, "{text}");
    }
    for rounds in [0, 4, 10] {
        let config = EngineConfig::from_toml_str(&format!("[pipeline]\ntweak_block_ram_rounds = {rounds}")).unwrap();
        assert_eq!(config.tweak_block_ram_rounds(), rounds);
    }
    assert_eq!(EngineConfig::from_toml_str("key_bits = 256\n[pipeline]\ntweak_block_ram_rounds = 14").unwrap().tweak_block_ram_rounds(), 14);
    refused_naming("[pipeline]\ntweak_block_ram_rounds = 11", &["pipeline.tweak_block_ram_rounds", "11", "0 to 10"]);
    refused_naming("[pipeline]\ntweak_block_ram_rounds = 2\nsbox = \"composite\"", &["pipeline.tweak_block_ram_rounds", "block_ram"]);
    refused_naming("[pipeline]\ntweak_block_ram_rounds = 2\nround_keys = \"on_the_fly\"", &["pipeline.tweak_block_ram_rounds", "stored"]);
}

#[test]
fn interface_values_are_checked() {
    for bad in [0, 17] {
        refused_naming(&format!("[interface]\nid_bits = {bad}"), &["interface.id_bits", &bad.to_string(), "1 to 16"]);
    }
    refused_naming("[interface]\nbus = \"axi3\"", &["axi3", "native", "axi4"]);
    refused_naming("[interface]\nwidth = 64", &["width"]);
    let axi = EngineConfig::from_toml_str("[interface]\nbus = \"axi4\"\nid_bits = 16").unwrap();
    assert_eq!(axi.interface, InterfaceConfig { bus: BusKind::Axi4, id_bits: 16 });
    assert!(axi.to_toml_string().contains("[interface]"), "an AXI4 config keeps its table when written");
    assert!(!EngineConfig::default().to_toml_string().contains("interface"), "the default interface is left out");
    assert_eq!(EngineConfig::from_toml_str(&axi.to_toml_string()).unwrap(), axi);
}

#[test]
fn values_of_the_wrong_type_are_refused() {
    refused_naming("key_bits = \"128\"", &["key_bits"]);
    refused_naming("num_asids = -1", &["num_asids"]);
}

#[test]
fn the_soc_table_has_its_documented_defaults_and_refuses_bad_sizes() {
    let config = EngineConfig::from_toml_str("").unwrap();
    assert_eq!((config.soc.dram_bytes, config.soc.dram_latency), (1 << 20, 20));
    let config = EngineConfig::from_toml_str("[soc]\ndram_bytes = 65536\ndram_latency = 1000\n").unwrap();
    assert_eq!((config.soc.dram_bytes, config.soc.dram_latency), (65536, 1000));
    assert!(!config.to_toml_string().is_empty() && EngineConfig::from_toml_str(&config.to_toml_string()).unwrap() == config);
    for bad in [0u64, 32768, 100_000, 1 << 31] {
        refused_naming(&format!("[soc]\ndram_bytes = {bad}"), &["soc.dram_bytes", &bad.to_string(), "power of two"]);
    }
    for bad in [0u32, 1001] {
        refused_naming(&format!("[soc]\ndram_latency = {bad}"), &["soc.dram_latency", &bad.to_string(), "1 to 1000"]);
    }
    refused_naming("[soc]\ndram_size = 4", &["dram_size"]);
    refused_naming("[soc]\nmemory_path = \"cache\"", &["cache"]);
}
