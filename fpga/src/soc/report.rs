//! `mee report soc`: what the engine costs the SoC's cpu. One guest runs on three builds of the
//! SoC of one config (`[soc] memory_path`): the engine, the engine with the C-bit clear
//! everywhere, and a plain DRAM bridge; the table gives cycles per instruction, the mean
//! latency of a cpu read that missed its read buffer, and Verilator's speed. Yosys then maps
//! the SoC around the engine (the shell: both cores, memory maps, sp memory, arbiter) for ECP5.

use super::export::{picorv32_source, soc_module};
use super::run::{run, GuestEnd, RunOptions};
use crate::export::named_verilog;
use crate::flow::find_yosys;
use crate::synth::{synthesize, Target};
use anyhow::{bail, Context, Result};
use mee_hdl::soc::soc_shell::SocShell;
use mee_reference::{EngineConfig, SocMemoryPath};
use std::path::{Path, PathBuf};

/// Runs `guest` on the three memory paths of `config` and maps the shell; prints Markdown.
pub fn report(config: &EngineConfig, guest: &Path, dram_latency: Option<u32>, work: &Path) -> Result<()> {
    if !guest.is_file() {
        bail!("guest {} not found (build the examples with `make -C examples/guests`)", guest.display());
    }
    let latency = dram_latency.unwrap_or(config.soc.dram_latency);
    println!("SoC of `{}` ({} S-boxes, {}), guest {}, DRAM read latency {latency} cycles\n", soc_module(config), config.pipeline.sbox_style().name(), config.pipeline.round_registers.name(), guest.display());
    println!("| memory path | launch cycles | guest cycles | instructions | cycles per instruction | cycles per read past the read buffer | Verilator cycles/s |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let mut latencies = Vec::new();
    for path in [SocMemoryPath::Engine, SocMemoryPath::EnginePlaintext, SocMemoryPath::Direct] {
        let mut variant = config.clone();
        variant.soc.memory_path = path;
        let options = RunOptions {
            guests: vec![guest.to_path_buf()],
            asid: 1,
            key1: Vec::new(),
            key2: Vec::new(),
            max_cycles: 200_000_000,
            dram_dump: None,
            measured: None,
            vcd: None,
            dram_latency,
            work: work.join(path.name()),
            console: false,
        };
        let result = run(&variant, &options)?;
        let g = result.guests.first().context("the guest did not run")?;
        if g.end != GuestEnd::Exit(0) {
            bail!("the guest ended with {:?} on the {} memory path", g.end, path.name());
        }
        latencies.push(g.read_latency());
        println!(
            "| {} | {} | {} | {} | {:.1} | {:.1} | {:.0} |",
            path.name(),
            g.launched_cycle - g.start_cycle,
            g.guest_cycles(),
            g.fetches,
            g.cpi(),
            g.read_latency(),
            result.cycles as f64 / result.seconds.max(1e-9)
        );
    }
    println!("\nThe engine adds {:.1} cycles to each cpu read past the read buffer (an instruction fetch or a load).\n", latencies[0] - latencies[2]);

    // The SoC around the engine.
    let folder: PathBuf = work.join("shell");
    std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    let firmware = super::firmware::build(&folder)?;
    let top = format!("{}_shell", soc_module(config));
    let (shell, _) = crate::dedupe::dedupe(&named_verilog(SocShell::new(config.soc.dram_bytes, &firmware, true), &top));
    let picorv32 = std::fs::read_to_string(picorv32_source()?)?;
    // Yosys reads one file: the shell, then PicoRV32 (from its installed package).
    std::fs::write(folder.join(format!("{top}.v")), shell + "\n" + &picorv32)?;
    let synthesis = synthesize(&find_yosys()?, &folder, &top, Target::Ecp5, false, None)?;
    match synthesis.result() {
        Ok((luts, ffs, brams)) => println!(
            "The SoC around the engine (two PicoRV32 cores, memory maps, sp memory, mailbox, arbiter), Yosys synth_ecp5: {luts} LUT4, {ffs} flip-flops, {brams} DP16KD."
        ),
        Err(why) => println!("The SoC around the engine: Yosys failed: {why}"),
    }
    Ok(())
}
