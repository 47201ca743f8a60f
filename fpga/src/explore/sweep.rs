//! The sweep file of `mee explore`: flow settings, a base config, explicit configs and ranges
//! over knobs, expanded into the list of named engine configs to measure.
//!
//! ```toml
//! [flow]                        # all optional; these are the defaults
//! targets = ["ecp5", "xilinx", "ice40"]
//! place_and_route = true        # nextpnr Fmax on LFE5U-85F (and iCE40 when a config fits)
//! target_mhz = 200.0            # the clock nextpnr aims at
//! placement_seed = 1            # nextpnr's placer seed (1 to 2147483647)
//! ecp5_speed_grade = 6          # the LFE5U-85F's speed grade nextpnr times: 6, 7 or 8
//! timeout_seconds = 3600        # per tool run; a timeout is recorded in the row
//! requests = 1000               # per traffic pattern in the simulation
//! seed = 1
//!
//! [base]                        # engine config fields every config starts from
//! pipeline = { sbox = "composite" }
//!
//! [[configs]]                   # explicit configs on top of base (optional `name`, and
//! name = "AES-256"              # `flow` settings of its own)
//! key_bits = 256
//! flow = { place_and_route = false }
//!
//! [sweep]                       # every combination, on top of base and of each config
//! "pipeline.round_registers" = ["per_round", "per_two_rounds"]
//! "pipeline.read_queue_depth" = { from = 16, to = 64, step = 16 }
//! ```

use crate::place_route::Placer;
use crate::synth::Target;
use anyhow::{anyhow, bail, Context, Result};
use mee_reference::EngineConfig;
use serde::{Deserialize, Serialize};
use std::path::Path;
use toml::{Table, Value};

/// The default sweep (`sweeps/default.toml`), used when `mee explore` is given none.
pub const DEFAULT_SWEEP: &str = include_str!("../../../sweeps/default.toml");

/// Most configs one sweep may expand to (a typo in a range should not start a week of work).
pub const MAX_CONFIGS: usize = 200;

/// How each config is measured.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FlowSettings {
    /// Yosys targets: `ecp5`, `xilinx`, `ice40` (iCE40 only for configs whose ECP5 LUT4 count
    /// is at most twice an HX8K).
    pub targets: Vec<String>,
    /// Run nextpnr for Fmax.
    pub place_and_route: bool,
    /// The clock frequency nextpnr aims at, in MHz.
    pub target_mhz: f64,
    /// nextpnr's placer seed. Another seed gives another placement of the same netlist, and
    /// the Fmax moves with it by a few percent: rerun with other seeds to see the spread. Left
    /// out of the cache key while it is 1, so rows cached before the setting existed stay.
    #[serde(skip_serializing_if = "is_first_seed")]
    pub placement_seed: u64,
    /// The ECP5 speed grade whose timing nextpnr uses for the LFE5U-85F Fmax: 6 (the slowest
    /// part, and nextpnr's own default), 7 or 8 (the fastest). The same netlist and placement
    /// seed give a higher Fmax on a faster grade. Left out of the cache key while it is 6.
    #[serde(skip_serializing_if = "is_slowest_grade")]
    pub ecp5_speed_grade: u8,
    /// Time limit of each tool run, in seconds.
    pub timeout_seconds: u64,
    /// Requests per traffic pattern in the throughput and latency simulation.
    pub requests: usize,
    /// Seed of the simulation's stimulus.
    pub seed: u64,
}

impl Default for FlowSettings {
    fn default() -> Self {
        FlowSettings {
            targets: Target::ALL.iter().map(|t| t.name().to_string()).collect(),
            place_and_route: true,
            target_mhz: 200.0,
            placement_seed: 1,
            ecp5_speed_grade: Placer::DEFAULT_ECP5_SPEED_GRADE,
            timeout_seconds: 3600,
            requests: 1000,
            seed: 1,
        }
    }
}

fn is_first_seed(seed: &u64) -> bool {
    *seed == 1
}

fn is_slowest_grade(grade: &u8) -> bool {
    *grade == Placer::DEFAULT_ECP5_SPEED_GRADE
}

impl FlowSettings {
    /// The targets as [`Target`]s.
    pub fn targets(&self) -> Result<Vec<Target>> {
        self.targets
            .iter()
            .map(|name| Target::ALL.into_iter().find(|t| t.name() == name).ok_or_else(|| anyhow!("flow.targets: unknown target {name:?}: expected ecp5, xilinx or ice40")))
            .collect()
    }

    /// What nextpnr is asked for: these settings' target clock, placer seed and speed grade.
    pub fn placer(&self) -> Placer {
        Placer { target_mhz: self.target_mhz, seed: self.placement_seed, ecp5_speed_grade: self.ecp5_speed_grade }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    #[serde(default)]
    flow: FlowSettings,
    #[serde(default)]
    base: Table,
    #[serde(default)]
    configs: Vec<Table>,
    #[serde(default)]
    sweep: Table,
}

/// One config of a sweep.
#[derive(Clone, Debug)]
pub struct SweepPoint {
    /// Its name in the tables: the explicit name and/or the swept knob values.
    pub name: String,
    /// The validated config.
    pub config: EngineConfig,
    /// How it is measured: the sweep's `[flow]` with the config's own `flow` on top.
    pub flow: FlowSettings,
}

/// An expanded sweep.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// How to measure (each point may override parts: [`SweepPoint::flow`]).
    pub flow: FlowSettings,
    /// What to measure, in file order (ranges vary fastest in the last knob).
    pub points: Vec<SweepPoint>,
}

impl Sweep {
    /// Reads a sweep file (or the default sweep without one).
    pub fn load(path: Option<&Path>) -> Result<Sweep> {
        Sweep::load_with_text(path).map(|(sweep, _)| sweep)
    }

    /// As [`Sweep::load`], with the file's text as read (none for the default sweep), so that
    /// a shard records exactly the text it measured.
    pub fn load_with_text(path: Option<&Path>) -> Result<(Sweep, Option<String>)> {
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("cannot read sweep {}", path.display()))?;
                let sweep = Sweep::parse(&text).with_context(|| format!("sweep {}", path.display()))?;
                Ok((sweep, Some(text)))
            }
            None => Ok((Sweep::parse(DEFAULT_SWEEP).context("the built-in default sweep")?, None)),
        }
    }

    /// Parses and expands a sweep, validating every config before anything runs.
    pub fn parse(text: &str) -> Result<Sweep> {
        let file: SweepFile = toml::from_str(text).map_err(|e| anyhow!("{}", e.to_string().trim_end()))?;
        check_flow(&file.flow).context("flow")?;
        let knobs = file.sweep.iter().map(|(knob, values)| Ok((knob.clone(), knob_values(knob, values)?))).collect::<Result<Vec<_>>>()?;
        let combinations: usize = knobs.iter().map(|(_, v)| v.len()).product();
        let starts: Vec<(Option<String>, Table, FlowSettings)> = if file.configs.is_empty() {
            vec![(None, file.base.clone(), file.flow.clone())]
        } else {
            file.configs
                .iter()
                .enumerate()
                .map(|(i, overlay)| {
                    let mut config = file.base.clone();
                    let mut overlay = overlay.clone();
                    let name = match overlay.remove("name") {
                        Some(Value::String(name)) => name,
                        Some(other) => bail!("configs[{i}].name: expected a string, found {other}"),
                        None => format!("config {}", i + 1),
                    };
                    let flow = match overlay.remove("flow") {
                        None => file.flow.clone(),
                        Some(Value::Table(own)) => {
                            let mut flow = Table::try_from(&file.flow)?;
                            merge(&mut flow, &own);
                            let flow: FlowSettings = flow.try_into().map_err(|e| anyhow!("configs[{i}].flow: {}", e.to_string().trim_end()))?;
                            check_flow(&flow).with_context(|| format!("configs[{i}].flow"))?;
                            flow
                        }
                        Some(other) => bail!("configs[{i}].flow: expected a table, found {other}"),
                    };
                    merge(&mut config, &overlay);
                    Ok((Some(name), config, flow))
                })
                .collect::<Result<_>>()?
        };
        if starts.len() * combinations > MAX_CONFIGS {
            bail!("the sweep expands to {} configs; at most {MAX_CONFIGS} are allowed", starts.len() * combinations);
        }
        let mut points = Vec::new();
        for (name, start, flow) in &starts {
            for combination in 0..combinations {
                let mut table = start.clone();
                let mut labels = Vec::new();
                let mut rest = combination;
                let mut chosen = Vec::new();
                for (knob, values) in knobs.iter().rev() {
                    chosen.push((knob, &values[rest % values.len()]));
                    rest /= values.len();
                }
                for (knob, value) in chosen.into_iter().rev() {
                    set_path(&mut table, knob, value.clone())?;
                    let short = knob.rsplit('.').next().unwrap_or(knob);
                    labels.push(format!("{short}={}", value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())));
                }
                let label = match (name, labels.is_empty()) {
                    (Some(name), true) => name.clone(),
                    (Some(name), false) => format!("{name}, {}", labels.join(", ")),
                    (None, false) => labels.join(", "),
                    (None, true) => "base".to_string(),
                };
                let config = EngineConfig::from_toml_str(&table.to_string()).map_err(|e| anyhow!("config {label:?}: {e}"))?;
                points.push(SweepPoint { name: label, config, flow: flow.clone() });
            }
        }
        let mut names: Vec<&str> = points.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            bail!("two configs are named {:?}: give them distinct `name`s", pair[0]);
        }
        Ok(Sweep { flow: file.flow, points })
    }
}

/// Refuses flow settings that cannot run.
fn check_flow(flow: &FlowSettings) -> Result<()> {
    flow.targets()?;
    if flow.requests == 0 || flow.timeout_seconds == 0 || flow.target_mhz.is_nan() || flow.target_mhz <= 0.0 {
        bail!("requests, timeout_seconds and target_mhz must be positive");
    }
    if !(1..=i32::MAX as u64).contains(&flow.placement_seed) {
        bail!("flow.placement_seed: {} is out of range: nextpnr takes a seed from 1 to {}", flow.placement_seed, i32::MAX);
    }
    if !(6..=8).contains(&flow.ecp5_speed_grade) {
        bail!("flow.ecp5_speed_grade: {} is not an ECP5 speed grade: 6, 7 or 8", flow.ecp5_speed_grade);
    }
    Ok(())
}

/// The values of one swept knob: a non-empty list, or an integer range
/// `{ from, to, step }` (step 1 when omitted) or `{ from, to, factor }` (geometric).
fn knob_values(knob: &str, values: &Value) -> Result<Vec<Value>> {
    let list = match values {
        Value::Array(list) => list.clone(),
        Value::Table(range) => {
            let integer = |key: &str| -> Result<Option<i64>> {
                match range.get(key) {
                    None => Ok(None),
                    Some(Value::Integer(n)) => Ok(Some(*n)),
                    Some(other) => bail!("sweep.{knob:?}.{key}: expected an integer, found {other}"),
                }
            };
            if let Some(unknown) = range.keys().find(|k| !["from", "to", "step", "factor"].contains(&k.as_str())) {
                bail!("sweep.{knob:?}: unknown range key {unknown:?} (allowed: from, to, step, factor)");
            }
            let (Some(from), Some(to)) = (integer("from")?, integer("to")?) else {
                bail!("sweep.{knob:?}: a range needs `from` and `to`");
            };
            if from > to {
                bail!("sweep.{knob:?}: `from` ({from}) is larger than `to` ({to})");
            }
            let mut list = Vec::new();
            let mut value = from;
            match (integer("step")?, integer("factor")?) {
                (Some(_), Some(_)) => bail!("sweep.{knob:?}: give `step` or `factor`, not both"),
                (_, Some(factor)) if factor < 2 || from < 1 => bail!("sweep.{knob:?}: a geometric range needs `factor` >= 2 and `from` >= 1"),
                (_, Some(factor)) => {
                    while value <= to && list.len() <= MAX_CONFIGS {
                        list.push(Value::Integer(value));
                        value = value.saturating_mul(factor);
                    }
                }
                (step, None) => {
                    let step = step.unwrap_or(1);
                    if step < 1 {
                        bail!("sweep.{knob:?}: `step` must be at least 1, found {step}");
                    }
                    while value <= to && list.len() <= MAX_CONFIGS {
                        list.push(Value::Integer(value));
                        value = value.saturating_add(step);
                    }
                }
            }
            list
        }
        other => bail!("sweep.{knob:?}: expected a list of values or a range table, found {other}"),
    };
    if list.is_empty() {
        bail!("sweep.{knob:?}: the list of values is empty");
    }
    Ok(list)
}

/// Sets a dotted path (`pipeline.sbox`) in a table, creating intermediate tables.
fn set_path(table: &mut Table, path: &str, value: Value) -> Result<()> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().filter(|p| !p.is_empty()).ok_or_else(|| anyhow!("sweep: empty knob name {path:?}"))?;
    let mut current = table;
    for part in parts {
        let entry = current.entry(part.to_string()).or_insert_with(|| Value::Table(Table::new()));
        current = entry.as_table_mut().ok_or_else(|| anyhow!("sweep.{path:?}: {part:?} is not a table"))?;
    }
    current.insert(last.to_string(), value);
    Ok(())
}

/// Merges `overlay` into `table`, table by table.
fn merge(table: &mut Table, overlay: &Table) {
    for (key, value) in overlay {
        match (table.get_mut(key), value) {
            (Some(Value::Table(inner)), Value::Table(more)) => merge(inner, more),
            _ => {
                table.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Sweep;
    use mee_reference::{RoundRegisters, SboxStyle};

    #[test]
    fn configs_and_ranges_expand_to_every_combination() {
        let sweep = Sweep::parse(
            r#"
            [flow]
            targets = ["ecp5"]
            [base]
            pipeline = { sbox = "composite" }
            [[configs]]
            name = "small"
            flow = { place_and_route = false }
            num_asids = 4
            asid_bits = 2
            [[configs]]
            key_bits = 256
            [sweep]
            "pipeline.round_registers" = ["per_round", "per_two_rounds"]
            "pipeline.read_queue_depth" = { from = 16, to = 64, factor = 2 }
            "#,
        )
        .unwrap();
        assert_eq!(sweep.points.len(), 2 * 2 * 3);
        let first = &sweep.points[0];
        assert_eq!(first.name, "small, round_registers=per_round, read_queue_depth=16");
        assert_eq!((first.config.num_asids, first.config.pipeline.sbox_style()), (4, SboxStyle::Composite));
        let last = &sweep.points[11];
        assert_eq!(last.name, "config 2, round_registers=per_two_rounds, read_queue_depth=64");
        assert_eq!((last.config.key_bits, last.config.pipeline.round_registers, last.config.pipeline.read_queue_depth), (256, RoundRegisters::PerTwoRounds, 64));
        assert_eq!(sweep.flow.targets, vec!["ecp5".to_string()]);
        assert!(!first.flow.place_and_route && first.flow.targets == sweep.flow.targets, "a config's own flow on top of the sweep's");
        assert!(last.flow.place_and_route);
    }

    #[test]
    fn every_sweep_file_in_the_repository_loads() {
        // The sweep files the docs tell users to run: each must parse, and each of its
        // configs must pass the engine's validation (Sweep::load checks both).
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sweeps");
        let mut files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
        files.sort();
        assert!(files.len() >= 2, "sweep files in {}: {files:?}", folder.display());
        for file in files {
            let sweep = Sweep::load(Some(&file)).unwrap_or_else(|e| panic!("{}: {e:#}", file.display()));
            assert!(!sweep.points.is_empty(), "{}: no configs", file.display());
        }
    }

    #[test]
    fn bad_sweeps_are_refused_with_the_knob_named() {
        let error = |text: &str| format!("{:#}", Sweep::parse(text).unwrap_err());
        assert!(error("[sweep]\n\"pipeline.sbox\" = [\"table\", \"glass\"]").contains("glass"));
        assert!(error("[sweep]\nkey_bits = []").contains("empty"));
        assert!(error("[sweep]\nkey_bits = { from = 300, to = 100 }").contains("larger"));
        assert!(error("[flow]\ntargets = [\"gowin\"]").contains("gowin"));
        assert!(error("[flow]\ntarget = 3").contains("target"));
        assert!(error("[[configs]]\nflow = { requests = 0 }").contains("configs[0].flow"));
        assert!(error("[[configs]]\nflow = { route = true }").contains("route"));
        assert!(error("[sweep]\n\"pipeline.read_queue_depth\" = { from = 2, to = 100000 }").contains("at most"));
        assert!(error("[[configs]]\nname = \"a\"\n[[configs]]\nname = \"a\"").contains("named \"a\""));
        assert!(error("[flow]\nplacement_seed = 0").contains("placement_seed: 0 is out of range"));
        assert!(error("[[configs]]\nflow = { placement_seed = 4294967296 }").contains("placement_seed"));
        assert!(error("[flow]\necp5_speed_grade = 5").contains("ecp5_speed_grade: 5 is not an ECP5 speed grade"));
        assert!(error("[[configs]]\nflow = { ecp5_speed_grade = 9 }").contains("ecp5_speed_grade"));
    }

    #[test]
    fn the_speed_grade_reaches_nextpnr_and_the_cache_key_only_when_not_6() {
        let sweep = Sweep::parse("[flow]\necp5_speed_grade = 8\n[[configs]]\nname = \"a\"\n[[configs]]\nname = \"b\"\nflow = { ecp5_speed_grade = 6 }\n").unwrap();
        let placers: Vec<_> = sweep.points.iter().map(|p| p.flow.placer()).collect();
        assert_eq!((placers[0].ecp5_speed_grade, placers[1].ecp5_speed_grade), (8, 6));
        assert_eq!((placers[0].seed, placers[0].target_mhz), (1, 200.0));
        let text = |flow: &super::FlowSettings| toml::to_string(flow).unwrap();
        assert!(text(&sweep.points[0].flow).contains("ecp5_speed_grade = 8"));
        assert_eq!(text(&sweep.points[1].flow), text(&super::FlowSettings::default()));
    }

    #[test]
    fn the_placement_seed_reaches_each_config_and_the_cache_key_only_when_not_1() {
        let sweep = Sweep::parse("[flow]\nplacement_seed = 7\n[[configs]]\nname = \"a\"\n[[configs]]\nname = \"b\"\nflow = { placement_seed = 1 }\n").unwrap();
        assert_eq!((sweep.points[0].flow.placement_seed, sweep.points[1].flow.placement_seed), (7, 1));
        // The flow's TOML text is part of the cache key: seed 1 hashes as a flow without it.
        let text = |flow: &super::FlowSettings| toml::to_string(flow).unwrap();
        assert!(text(&sweep.points[0].flow).contains("placement_seed = 7"));
        assert_eq!(text(&sweep.points[1].flow), text(&super::FlowSettings::default()));
        assert!(!text(&super::FlowSettings::default()).contains("placement_seed"));
    }

    #[test]
    fn the_default_sweep_parses() {
        let sweep = Sweep::load(None).unwrap();
        assert!(sweep.points.len() >= 4);
    }
}
