//! The Fmax flow of `mee explore` on a real design: the hardware key expander (AES-128,
//! composite S-boxes) through `synth_ecp5` and nextpnr-ecp5 out of context on an LFE5U-85F.
//! The figure must be a plausible clock rate read from nextpnr's routed timing report.

use mee_fpga::place_route::{place_and_route, Device};
use mee_fpga::synth::{synthesize, Target};
use mee_hdl::key_expansion::DecryptionKeyExpander;
use mee_reference::SboxStyle;
use std::path::PathBuf;
use std::time::Duration;

#[test]
fn the_key_expander_places_and_routes_on_ecp5_with_an_fmax() {
    let yosys = mee_fpga::flow::find_yosys().expect("Yosys");
    let nextpnr = mee_fpga::flow::find_nextpnr("ecp5").expect("nextpnr-ecp5");
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("place_route");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let top = "mee_key_expander";
    let verilog = mee_fpga::export::named_verilog(DecryptionKeyExpander::new(16, SboxStyle::Composite), top);
    std::fs::write(folder.join(format!("{top}.v")), verilog).unwrap();

    let synthesis = synthesize(&yosys, &folder, top, Target::Ecp5, true, Some(Duration::from_secs(600))).unwrap();
    let (luts, ffs, _) = synthesis.result().unwrap();
    // 128-bit key register, the working key words and a step counter; 4 S-boxes of logic.
    assert!(ffs >= 128 && luts >= 200, "{luts} LUT4, {ffs} FF");
    let placement = place_and_route(&nextpnr, &folder, &Target::Ecp5.netlist_name(top), Device::Lfe5u85f, 200.0, Some(Duration::from_secs(900))).unwrap();
    let fmax = placement.result().unwrap();
    println!("key expander: {luts} LUT4, {ffs} FF, Fmax {fmax:.1} MHz on {} ({:.0} s Yosys, {:.0} s nextpnr)", Device::Lfe5u85f.name(), synthesis.run.seconds, placement.run.seconds);
    assert!((20.0..600.0).contains(&fmax), "implausible Fmax {fmax} MHz");
    assert!(placement.run.log.contains("Routing") || placement.run.log.contains("route"), "no routing in the log");
}
