//! Traffic scenarios for `mee simulate` (format fixed by DESIGN.md): optional `seed`, `[dram]`
//! (`latency`, `stall`), `[core]` (`response_stall`), then `[[op]]` entries: `set_key` (`asid`,
//! `key1`, `key2` hex), `clear_key` (`asid`), `write` (`asid`, `addr`, `data`, `encrypted`
//! default true, `wstrb` default 0xffff), `read` (`asid`, `addr`, `encrypted` default true, optional `expect`).
//! Integers may be decimal or `"0x..."` strings.
//!
//! Every problem is reported with the line it is on: TOML syntax and type errors by the
//! parser, the rest (hex lengths, key sizes, probabilities) by [`Scenario::parse`].

use crate::dram_bfm::DramTiming;
use crate::engine_bench::{BenchSettings, Op};
use mee_reference::EngineConfig;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// A problem in a scenario file, with its line (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}:{line}: {message}")]
pub struct ScenarioError {
    /// File name.
    pub source_name: String,
    /// Line of the problem.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// An integer written as a TOML integer or a decimal / `"0x..."` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integer(pub u64);

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) if n >= 0 => Ok(Integer(n as u64)),
            Raw::Number(n) => Err(serde::de::Error::custom(format!("{n} is negative; expected an integer >= 0"))),
            Raw::Text(t) => {
                let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                    Some(h) => u64::from_str_radix(&h.replace('_', ""), 16),
                    None => t.replace('_', "").parse(),
                };
                parsed.map(Integer).map_err(|_| serde::de::Error::custom(format!("{t:?} is not an integer (decimal or \"0x...\")")))
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DramSection {
    latency: Option<Spanned<Integer>>,
    stall: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CoreSection {
    response_stall: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOp {
    kind: Spanned<String>,
    asid: Option<Spanned<Integer>>,
    addr: Option<Spanned<Integer>>,
    key1: Option<Spanned<String>>,
    key2: Option<Spanned<String>>,
    data: Option<Spanned<String>>,
    encrypted: Option<bool>,
    wstrb: Option<Spanned<Integer>>,
    expect: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    seed: Option<Integer>,
    #[serde(default)]
    dram: DramSection,
    #[serde(default)]
    core: CoreSection,
    #[serde(default)]
    op: Vec<Spanned<RawOp>>,
}

/// A parsed scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Seed of the random stalls.
    pub seed: u64,
    /// Cycles from an accepted DRAM read to its data.
    pub dram_latency: u64,
    /// Probability that `dram_req_ready` is low in a cycle.
    pub dram_stall: f64,
    /// Probability that `core_rsp_ready` is low in a cycle.
    pub response_stall: f64,
    /// The operations, in order.
    pub ops: Vec<Op>,
}

struct Lines<'a> {
    text: &'a str,
    source_name: &'a str,
}

impl Lines<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        let line = self.text[..span.start.min(self.text.len())].matches('\n').count() + 1;
        ScenarioError { source_name: self.source_name.to_string(), line, message: message.into() }
    }
}

fn hex_bytes(lines: &Lines, field: &str, value: &Spanned<String>, len: usize) -> Result<Vec<u8>, ScenarioError> {
    let text = value.get_ref().trim().trim_start_matches("0x");
    let bytes = hex::decode(text).map_err(|e| lines.error(value.span(), format!("`{field}` = {:?} is not hex: {e}", value.get_ref())))?;
    if bytes.len() != len {
        return Err(lines.error(value.span(), format!("`{field}` has {} bytes; expected {len} ({} hex digits)", bytes.len(), 2 * len)));
    }
    Ok(bytes)
}

fn block(lines: &Lines, field: &str, value: &Spanned<String>) -> Result<[u8; 16], ScenarioError> {
    let bytes = hex_bytes(lines, field, value, 16)?;
    let mut out = [0u8; 16];
    out.copy_from_slice(&bytes);
    Ok(out)
}

fn probability(lines: &Lines, field: &str, value: &Option<Spanned<f64>>) -> Result<f64, ScenarioError> {
    match value {
        None => Ok(0.0),
        Some(v) if (0.0..1.0).contains(v.get_ref()) => Ok(*v.get_ref()),
        Some(v) => Err(lines.error(v.span(), format!("`{field}` = {} is not a probability in [0, 1)", v.get_ref()))),
    }
}

impl Scenario {
    /// Parses and checks a scenario for `config`.
    pub fn parse(text: &str, source_name: &str, config: &EngineConfig) -> Result<Self, ScenarioError> {
        let lines = Lines { text, source_name };
        let raw: RawScenario = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            lines.error(span, e.message().to_string())
        })?;
        let kb = config.key_bytes();
        let addr_limit = if config.addr_bits >= 64 { u64::MAX } else { (1u64 << config.addr_bits) - 1 };
        let asid_limit = (1u64 << config.asid_bits) - 1;
        let mut ops = Vec::new();
        for spanned in &raw.op {
            let op = spanned.get_ref();
            let at = spanned.span();
            let need = |field: &str, v: &Option<Spanned<Integer>>, limit: u64, what: &str| -> Result<u64, ScenarioError> {
                match v {
                    None => Err(lines.error(at.clone(), format!("`{}` op needs `{field}`", op.kind.get_ref()))),
                    Some(x) if x.get_ref().0 > limit => Err(lines.error(x.span(), format!("`{field}` = {:#x} does not fit {what}", x.get_ref().0))),
                    Some(x) => Ok(x.get_ref().0),
                }
            };
            let need_str = |field: &str, v: &Option<Spanned<String>>| -> Result<Spanned<String>, ScenarioError> {
                v.clone().ok_or_else(|| lines.error(at.clone(), format!("`{}` op needs `{field}`", op.kind.get_ref())))
            };
            let asid_what = format!("asid_bits = {}", config.asid_bits);
            let addr_what = format!("addr_bits = {}", config.addr_bits);
            let parsed = match op.kind.get_ref().as_str() {
                "set_key" => Op::SetKey {
                    asid: need("asid", &op.asid, asid_limit, &asid_what)? as u32,
                    key1: hex_bytes(&lines, "key1", &need_str("key1", &op.key1)?, kb)?,
                    key2: hex_bytes(&lines, "key2", &need_str("key2", &op.key2)?, kb)?,
                },
                "clear_key" => Op::ClearKey { asid: need("asid", &op.asid, asid_limit, &asid_what)? as u32 },
                "write" => Op::Write {
                    asid: need("asid", &op.asid, asid_limit, &asid_what)? as u32,
                    addr: need("addr", &op.addr, addr_limit, &addr_what)?,
                    data: block(&lines, "data", &need_str("data", &op.data)?)?,
                    encrypted: op.encrypted.unwrap_or(true),
                    strobes: match &op.wstrb {
                        None => 0xffff,
                        Some(w) if w.get_ref().0 <= 0xffff => w.get_ref().0 as u16,
                        Some(w) => return Err(lines.error(w.span(), format!("`wstrb` = {:#x} does not fit 16 bits (one per byte of the block)", w.get_ref().0))),
                    },
                },
                "read" if op.wstrb.is_some() => {
                    let span = op.wstrb.as_ref().map(|w| w.span()).unwrap_or(at.clone());
                    return Err(lines.error(span, "`wstrb` applies to writes only"));
                }
                "read" => Op::Read {
                    asid: need("asid", &op.asid, asid_limit, &asid_what)? as u32,
                    addr: need("addr", &op.addr, addr_limit, &addr_what)?,
                    encrypted: op.encrypted.unwrap_or(true),
                    expect: match &op.expect {
                        Some(e) => Some(block(&lines, "expect", e)?),
                        None => None,
                    },
                },
                other => {
                    return Err(lines.error(op.kind.span(), format!("unknown op kind {other:?}; expected set_key, clear_key, write or read")))
                }
            };
            ops.push(parsed);
        }
        let dram_latency = match &raw.dram.latency {
            None => 20,
            Some(l) if (1..=100_000).contains(&l.get_ref().0) => l.get_ref().0,
            Some(l) => return Err(lines.error(l.span(), format!("`dram.latency` = {} must be 1 to 100000 cycles", l.get_ref().0))),
        };
        Ok(Scenario {
            seed: raw.seed.map_or(1, |s| s.0),
            dram_latency,
            dram_stall: probability(&lines, "dram.stall", &raw.dram.stall)?,
            response_stall: probability(&lines, "core.response_stall", &raw.core.response_stall)?,
            ops,
        })
    }

    /// The testbench settings the scenario asks for: requests back to back, key commands
    /// serialized with the requests around them.
    pub fn settings(&self) -> BenchSettings {
        BenchSettings {
            dram: DramTiming { latency: self.dram_latency, stall: self.dram_stall, ..Default::default() },
            response_stall: self.response_stall,
            request_gap: 0.0,
            serialize_key_commands: true,
            seed: self.seed,
            ..Default::default()
        }
    }
}
