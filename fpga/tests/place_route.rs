//! The Fmax flow of `mee explore` on a real design: the hardware key expander (AES-128,
//! composite and table S-boxes) through `synth_ecp5` and nextpnr-ecp5 out of context on an
//! LFE5U-85F.
//! The figure must be a plausible clock rate read from nextpnr's routed timing report. Then
//! the small case of `mee report pipeline-fmax`. The logic-levels report reads the same netlist.

use mee_fpga::logic_levels::EndpointKind;
use mee_fpga::place_route::{place_and_route, Device, Placer};
use mee_fpga::synth::{synthesize, Target};
use mee_hdl::aes::key_expansion::DecryptionKeyExpander;
use mee_reference::SboxStyle;
use std::path::PathBuf;
use std::time::Duration;

/// Synthesizes and places the key expander (AES-128) with S-boxes of `style`; returns its
/// LUT4 count, Fmax and the logic levels in front of its deepest register.
fn place_key_expander(style: SboxStyle) -> (u64, f64, f64) {
    let yosys = mee_fpga::flow::find_yosys().expect("Yosys");
    let nextpnr = mee_fpga::flow::find_nextpnr("ecp5").expect("nextpnr-ecp5");
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("place_route_{}", style.name()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let top = "mee_key_expander";
    let verilog = mee_fpga::export::named_verilog(DecryptionKeyExpander::new(16, style), top);
    std::fs::write(folder.join(format!("{top}.v")), verilog).unwrap();

    let synthesis = synthesize(&yosys, &folder, top, Target::Ecp5, true, Some(Duration::from_secs(600))).unwrap();
    let (luts, ffs, _) = synthesis.result().unwrap();
    // 128-bit key register, the working key words and a step counter; 4 S-boxes of logic.
    assert!(ffs >= 128 && luts >= 200, "{luts} LUT4, {ffs} FF");
    // `mee report logic-levels` on the real netlist: every flip-flop Yosys counted is one
    // endpoint bit, and the deepest path crosses at least an S-box (two LUT levels or more).
    let netlist = std::fs::read_to_string(folder.join(Target::Ecp5.netlist_name(top))).unwrap();
    let endpoints = mee_fpga::logic_levels::endpoints(&netlist, Some(top), mee_fpga::logic_levels::Starts::Everywhere).unwrap();
    let flip_flop_bits: usize = endpoints.iter().filter(|e| e.kind == EndpointKind::FlipFlops).map(|e| e.bits).sum();
    assert_eq!(flip_flop_bits as u64, ffs, "flip-flop endpoints against Yosys's count");
    assert!((2.0..30.0).contains(&endpoints[0].levels), "deepest register: {:?}", endpoints[0]);
    println!("key expander, {} S-boxes: deepest register {} at {:.1} logic levels", style.name(), endpoints[0].name, endpoints[0].levels);
    let placement = place_and_route(&nextpnr, &folder, &Target::Ecp5.netlist_name(top), Device::Lfe5u85f, &Placer::aiming_at(200.0), Some(Duration::from_secs(900))).unwrap();
    let fmax = placement.result().unwrap();
    println!(
        "key expander, {} S-boxes: {luts} LUT4, {ffs} FF, Fmax {fmax:.1} MHz on {} ({:.0} s Yosys, {:.0} s nextpnr)",
        style.name(),
        Device::Lfe5u85f.name(),
        synthesis.run.seconds,
        placement.run.seconds
    );
    assert!((20.0..600.0).contains(&fmax), "implausible Fmax {fmax} MHz");
    assert!(placement.run.log.contains("Routing") || placement.run.log.contains("route"), "no routing in the log");
    // The critical path read from the same log adds up to the clock period of that Fmax
    // (nextpnr prints both to two decimals).
    let path = placement.critical_path.clone().expect("a critical path report");
    println!("critical path: {}", path.summary());
    let period_ns = 1000.0 / fmax;
    assert!((path.logic_ns + path.routing_ns - period_ns).abs() < 0.05, "{path:?} against a period of {period_ns:.2} ns");
    assert!(path.cells >= 2 && path.longest_hop_ns > 0.0 && path.longest_hop_ns <= path.routing_ns, "{path:?}");
    (luts, fmax, endpoints[0].levels)
}

#[test]
fn the_key_expander_places_and_routes_on_ecp5_with_an_fmax() {
    // Composite S-boxes (the iterative and shared engines' expander) and table S-boxes (the
    // pipelined engines'): the table is larger and much shallower, which is why the pipelined
    // engines take it (`EngineConfig::key_expander_sbox`).
    // The composite S-box (an inversion in GF(2^4) towers) is several LUT levels deeper than a
    // table lookup, and the logic-levels count must see it.
    let (composite_luts, composite_mhz, composite_levels) = place_key_expander(SboxStyle::Composite);
    let (table_luts, table_mhz, table_levels) = place_key_expander(SboxStyle::Table);
    assert!(composite_levels >= table_levels + 3.0, "levels: composite {composite_levels}, table {table_levels}");
    assert!(table_luts > composite_luts, "table S-boxes: {table_luts} LUT4, composite: {composite_luts}");
    assert!(table_mhz > 1.2 * composite_mhz, "table S-boxes: {table_mhz:.1} MHz, composite: {composite_mhz:.1} MHz");
}

/// The small case of `mee report pipeline-fmax`: the block-RAM S-box decryption pipeline with
/// round keys stored for 16 slots (the quickest of the report's five) placed alone. Its 10
/// rounds of 16 data S-boxes are 160 S-boxes, two per DP16KD; its 11 round-key memories are
/// distributed RAM.
#[test]
fn a_block_ram_sbox_pipeline_places_alone_with_an_fmax() {
    use mee_reference::RoundRegisters;
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pipeline_fmax");
    let _ = std::fs::remove_dir_all(&folder);
    let variant = mee_fpga::reports::PipelineFmaxVariant::stored(RoundRegisters::PerThirdRound, SboxStyle::BlockRam, 16);
    let rows = mee_fpga::reports::pipeline_fmax_rows(&folder, &[variant], 200.0, 1).unwrap();
    assert_eq!(rows.len(), 1);
    println!("{}", rows[0].markdown());
    let (luts, ffs, dp16kd) = rows[0].cells.clone().unwrap();
    assert_eq!(dp16kd, 10 * 16 / 2, "{}", rows[0].markdown());
    // The state's 20 stages outside the block RAMs at least.
    assert!(ffs >= 20 * 128 && luts > 1000, "{}", rows[0].markdown());
    let fmax = rows[0].fmax_mhz.clone().unwrap();
    assert!((20.0..600.0).contains(&fmax), "implausible Fmax {fmax} MHz");
    assert!(rows[0].critical_path.as_ref().is_some_and(|p| p.contains("ns routing")), "{}", rows[0].markdown());
}
