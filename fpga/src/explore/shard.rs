//! Sweeps split over many machines: `mee explore --shard K/N` measures one share of a sweep
//! and writes it as a shard file; `mee explore merge` joins the shard files of one sweep into
//! the same `explore.csv`, `explore.md` and `explore.svg` a local run writes.
//!
//! The split is stable: it depends only on the expanded sweep. Configs go round-robin over
//! the shards in the order a local run starts them (placed configs first), so the long place
//! and route runs spread over the shards. Each shard file names the sweep by a fingerprint of
//! its expanded configs, carries the sweep's text and the tool versions, and holds its rows
//! with their places in the sweep; the merge refuses shards of different sweeps or tool
//! versions, and a missing or duplicated config, naming them.

use super::row::Row;
use super::sweep::Sweep;
use super::{run_order, Exploration};
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The format tag of a shard file; bumped when its meaning changes.
const SHARD_FORMAT: &str = "mee-explore-shard-1";

/// One share of a sweep: shard `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 1 to `count`.
    pub index: usize,
    /// How many shards the sweep is split into.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with 1 <= K <= N.
    fn from_str(text: &str) -> Result<Shard, String> {
        let parse = |part: &str| part.trim().parse::<usize>().ok();
        match text.split_once('/').map(|(k, n)| (parse(k), parse(n))) {
            Some((Some(index), Some(count))) if (1..=count).contains(&index) => Ok(Shard { index, count }),
            _ => Err(format!("{text:?} is not a shard: expected K/N with 1 <= K <= N, such as 2/8")),
        }
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The indices (into the sweep's points, in sweep order) of this shard's configs: every
    /// `count`-th config of the order a local run starts them in, from the `index`-th on.
    pub fn configs(&self, sweep: &Sweep) -> Vec<usize> {
        let mut mine: Vec<usize> = run_order(&sweep.points).into_iter().enumerate().filter(|(position, _)| position % self.count == self.index - 1).map(|(_, i)| i).collect();
        mine.sort_unstable();
        mine
    }

    /// The shard file's name: `shard-K-of-N.json`.
    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.json", self.index, self.count)
    }
}

/// A fingerprint of an expanded sweep: SHA-256 over every config's name, config and flow, in
/// order. Two sweep files that expand to the same configs have the same fingerprint.
pub fn fingerprint(sweep: &Sweep) -> Result<String> {
    let mut hash = Sha256::new();
    for point in &sweep.points {
        for part in [point.name.clone(), point.config.to_toml_string(), toml::to_string(&point.flow).context("flow settings")?] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
    }
    Ok(hex::encode(hash.finalize()))
}

/// What a shard run writes: its rows and everything the merge checks them by.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardFile {
    /// [`SHARD_FORMAT`].
    pub format: String,
    /// The shard, `K/N`.
    pub shard: String,
    /// [`fingerprint`] of the expanded sweep.
    pub sweep_fingerprint: String,
    /// The sweep file's text (empty for the built-in default sweep), so the merge can write
    /// the same report as a local run.
    pub sweep_text: Option<String>,
    /// The sweep file's path as given to the shard run (for the report's reproduce line).
    pub sweep_path: Option<String>,
    /// How many configs the whole sweep has.
    pub sweep_configs: usize,
    /// The tool versions the rows were measured with.
    pub tool_versions: Vec<String>,
    /// Rows from the cache.
    pub cached: usize,
    /// Wall time of the shard run, seconds.
    pub seconds: f64,
    /// The shard's rows with their 0-based places in the sweep.
    pub rows: Vec<(usize, Row)>,
}

impl ShardFile {
    /// The shard file of a finished shard run.
    pub fn new(sweep: &Sweep, sweep_path: Option<&Path>, sweep_text: Option<String>, shard: Shard, indices: &[usize], exploration: Exploration) -> Result<ShardFile> {
        anyhow::ensure!(indices.len() == exploration.rows.len(), "shard {shard}: {} rows for {} configs", exploration.rows.len(), indices.len());
        Ok(ShardFile {
            format: SHARD_FORMAT.into(),
            shard: shard.to_string(),
            sweep_fingerprint: fingerprint(sweep)?,
            sweep_text,
            sweep_path: sweep_path.map(|p| p.display().to_string()),
            sweep_configs: sweep.points.len(),
            tool_versions: exploration.tool_versions,
            cached: exploration.cached,
            seconds: exploration.seconds,
            rows: indices.iter().copied().zip(exploration.rows).collect(),
        })
    }

    /// Reads a shard file, refusing other formats.
    pub fn load(path: &Path) -> Result<ShardFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read shard file {}", path.display()))?;
        let file: ShardFile = serde_json::from_str(&text).with_context(|| format!("{} is not a shard file of mee explore", path.display()))?;
        if file.format != SHARD_FORMAT {
            bail!("{}: shard format {:?}, expected {SHARD_FORMAT:?} (written by another version of mee)", path.display(), file.format);
        }
        Ok(file)
    }
}

/// The shard files in the given folders: every `shard-*-of-*.json` in each (a folder may hold
/// several shards), or the path itself when it is a file.
pub fn shard_files(folders: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for folder in folders {
        if folder.is_file() {
            files.push(folder.clone());
            continue;
        }
        let entries = std::fs::read_dir(folder).with_context(|| format!("cannot read shard folder {}", folder.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json") && n.contains("-of-")))
            .collect();
        if found.is_empty() {
            bail!("{} holds no shard file (shard-K-of-N.json): did its `mee explore --shard` run finish?", folder.display());
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// A merged sweep: the sweep as the shards ran it, its rows in sweep order, and how to name it.
pub struct Merged {
    /// The sweep, parsed again from the shards' copy of its text.
    pub sweep: Sweep,
    /// The sweep file's path as the shards were given it.
    pub sweep_path: Option<String>,
    /// Every row, in sweep order, with the shards' cache count and the slowest shard's time.
    pub exploration: Exploration,
}

/// Joins shard files into one exploration. Every file must come from the same sweep (same
/// fingerprint and shard count) and the same tools; every config must be in exactly one file.
pub fn merge(files: &[(PathBuf, ShardFile)]) -> Result<Merged> {
    let (first_path, first) = files.first().ok_or_else(|| anyhow!("no shard files to merge"))?;
    let count_of = |f: &ShardFile| f.shard.parse::<Shard>().map(|s| s.count).map_err(|e| anyhow!(e));
    let shard_count = count_of(first).with_context(|| first_path.display().to_string())?;
    for (path, file) in &files[1..] {
        if file.sweep_fingerprint != first.sweep_fingerprint || file.sweep_configs != first.sweep_configs {
            bail!("{} and {} are shards of different sweeps (fingerprints {} and {})", first_path.display(), path.display(), &first.sweep_fingerprint[..12], &file.sweep_fingerprint[..12]);
        }
        if file.tool_versions != first.tool_versions {
            let differ: Vec<String> =
                file.tool_versions.iter().zip(&first.tool_versions).filter(|(a, b)| a != b).map(|(a, b)| format!("{b:?} against {a:?}")).collect();
            bail!("{} and {} were measured with different tools: {}", first_path.display(), path.display(), differ.join(", "));
        }
        let count = count_of(file).with_context(|| path.display().to_string())?;
        if count != shard_count {
            bail!("{} is one of {shard_count} shards and {} one of {count}: merge the shards of one split", first_path.display(), path.display());
        }
    }
    let sweep = match &first.sweep_text {
        Some(text) => Sweep::parse(text).context("the sweep carried by the shard files")?,
        None => Sweep::load(None)?,
    };
    if super::shard::fingerprint(&sweep)? != first.sweep_fingerprint {
        bail!("{}: its sweep text does not expand to the configs it was measured for (another version of mee?)", first_path.display());
    }
    let mut placed: BTreeMap<usize, (&Path, &Row)> = BTreeMap::new();
    for (path, file) in files {
        for (index, row) in &file.rows {
            let name = sweep.points.get(*index).map(|p| p.name.as_str()).ok_or_else(|| anyhow!("{}: config {index} is beyond the sweep's {}", path.display(), sweep.points.len()))?;
            if row.config != name {
                bail!("{}: row {index} is {:?} where the sweep has {name:?}", path.display(), row.config);
            }
            if let Some((other, _)) = placed.insert(*index, (path, row)) {
                bail!("config {name:?} is in two shard files, {} and {}: merge each shard once", other.display(), path.display());
            }
        }
    }
    let missing: Vec<usize> = (0..sweep.points.len()).filter(|i| !placed.contains_key(i)).collect();
    if !missing.is_empty() {
        let shards: std::collections::BTreeSet<String> = missing
            .iter()
            .map(|&i| (1..=shard_count).map(|k| Shard { index: k, count: shard_count }).find(|s| s.configs(&sweep).contains(&i)).map(|s| s.to_string()).unwrap_or_default())
            .collect();
        let names: Vec<String> = missing.iter().map(|&i| format!("{:?}", sweep.points[i].name)).collect();
        bail!(
            "{} of {} configs have no row: {} (shard {} of the split; run `mee explore --shard K/{shard_count}` for them)",
            missing.len(),
            sweep.points.len(),
            names.join(", "),
            shards.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    let exploration = Exploration {
        rows: placed.into_values().map(|(_, row)| row.clone()).collect(),
        cached: files.iter().map(|(_, f)| f.cached).sum(),
        tool_versions: first.tool_versions.clone(),
        seconds: files.iter().map(|(_, f)| f.seconds).fold(0.0, f64::max),
        shards: files.len(),
    };
    Ok(Merged { sweep, sweep_path: first.sweep_path.clone(), exploration })
}

#[cfg(test)]
mod tests {
    use super::{fingerprint, merge, Shard, ShardFile};
    use crate::explore::row::Row;
    use crate::explore::sweep::Sweep;
    use crate::explore::Exploration;
    use std::path::PathBuf;

    const SWEEP: &str = "[flow]\nplace_and_route = false\n[[configs]]\nname = \"p\"\nflow = { place_and_route = true }\n[sweep]\nkey_bits = [128, 256]\n\"pipeline.read_queue_depth\" = [8, 16, 32]\n";

    fn sweep() -> Sweep {
        Sweep::parse(SWEEP).unwrap()
    }

    /// Shard files as `--shard K/N` would write them, with rows named after their configs.
    fn shards(count: usize) -> Vec<(PathBuf, ShardFile)> {
        let sweep = sweep();
        (1..=count)
            .map(|k| {
                let shard = Shard { index: k, count };
                let indices = shard.configs(&sweep);
                let rows = indices.iter().map(|&i| Row { config: sweep.points[i].name.clone(), ecp5_lut4: Some(1000 + i as u64), ..Default::default() }).collect();
                let exploration = Exploration { rows, cached: 0, tool_versions: vec!["yosys: 0.64".into()], seconds: k as f64, shards: 1 };
                (PathBuf::from(shard.file_name()), ShardFile::new(&sweep, None, Some(SWEEP.into()), shard, &indices, exploration).unwrap())
            })
            .collect()
    }

    #[test]
    fn shards_are_parsed_and_refused_with_the_form_named() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard { index: 3, count: 8 }));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().unwrap_err().contains("K/N"), "{bad}");
        }
    }

    #[test]
    fn every_config_is_in_exactly_one_shard_for_every_split() {
        let sweep = sweep();
        let total = sweep.points.len();
        assert_eq!(total, 6);
        for count in 1..=8 {
            let mut seen = vec![0; total];
            for index in 1..=count {
                for i in (Shard { index, count }).configs(&sweep) {
                    seen[i] += 1;
                }
            }
            assert_eq!(seen, vec![1; total], "{count} shards");
        }
        // Round-robin: six configs over four shards give two, two, one and one.
        let sizes: Vec<usize> = (1..=4).map(|index| (Shard { index, count: 4 }).configs(&sweep).len()).collect();
        assert_eq!(sizes, vec![2, 2, 1, 1]);
        // The split depends on the sweep alone: the same again.
        assert_eq!((Shard { index: 2, count: 4 }).configs(&sweep), (Shard { index: 2, count: 4 }).configs(&Sweep::parse(SWEEP).unwrap()));
    }

    #[test]
    fn the_merge_gives_the_rows_in_sweep_order_whatever_the_file_order() {
        let mut files = shards(3);
        files.reverse();
        let merged = merge(&files).unwrap();
        let names: Vec<String> = merged.exploration.rows.iter().map(|r| r.config.clone()).collect();
        let expected: Vec<String> = sweep().points.iter().map(|p| p.name.clone()).collect();
        assert_eq!(names, expected);
        let luts: Vec<u64> = merged.exploration.rows.iter().map(|r| r.ecp5_lut4.unwrap()).collect();
        assert_eq!(luts, (1000..1006).collect::<Vec<u64>>());
        assert_eq!((merged.exploration.seconds, merged.exploration.shards), (3.0, 3));
    }

    #[test]
    fn a_missing_or_duplicated_shard_or_another_sweep_is_refused_by_name() {
        let error = |files: &[(PathBuf, ShardFile)]| format!("{:#}", merge(files).err().expect("refused"));
        let files = shards(3);
        let missing = error(&files[..2]);
        let lost: Vec<String> = (Shard { index: 3, count: 3 }).configs(&sweep()).iter().map(|&i| format!("{:?}", sweep().points[i].name)).collect();
        assert!(missing.contains("shard 3/3") && lost.iter().all(|n| missing.contains(n.as_str())), "{missing}");
        let twice = error(&[files[0].clone(), files[1].clone(), files[2].clone(), (PathBuf::from("again.json"), files[1].1.clone())]);
        assert!(twice.contains("two shard files") && twice.contains("again.json") && twice.contains("shard-2-of-3.json"), "{twice}");

        let mut other = files.clone();
        let other_sweep = Sweep::parse(&SWEEP.replace("\"p\"", "\"q\"")).unwrap();
        other[1].1.sweep_fingerprint = fingerprint(&other_sweep).unwrap();
        assert!(error(&other).contains("different sweeps"), "{}", error(&other));

        let mut tools = files.clone();
        tools[2].1.tool_versions = vec!["yosys: 0.70".into()];
        let text = error(&tools);
        assert!(text.contains("different tools") && text.contains("0.70") && text.contains("0.64"), "{text}");

        let mixed = vec![files[0].clone(), shards(2)[1].clone()];
        assert!(error(&mixed).contains("one of 3 shards"), "{}", error(&mixed));
    }
}
