//! The standard XTS-AES vectors of `shared/testvectors`: IEEE Std 1619-2007 Annex B and a
//! subset of NIST CAVP XTSVS.
//!
//! The folder is `$MEE_TESTVECTORS` when that variable is set, otherwise `shared/testvectors`
//! beside the repository (the repository is cloned into a folder that also holds `shared/`).
//! Both files are TOML arrays of `[[vector]]` tables; this module reads them into one
//! [`XtsVector`] type and checks every vector for internal consistency (key sizes, lengths,
//! and the tweak being the data-unit sequence number as 16 little-endian bytes), so that a
//! transcription slip shows up as a load error rather than as a mysterious test failure.

use anyhow::{anyhow, bail, ensure, Context};
use serde::Deserialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable that points at the test-vector folder.
pub const VECTORS_VARIABLE: &str = "MEE_TESTVECTORS";

/// The folder used when [`VECTORS_VARIABLE`] is not set: `shared/testvectors` beside the
/// repository.
pub const DEFAULT_VECTORS_DIR: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/testvectors");

/// File name of the IEEE Std 1619-2007 Annex B vectors.
pub const IEEE1619_FILE: &str = "ieee1619_xts_vectors.toml";

/// File name of the NIST CAVP XTSVS subset.
pub const NIST_FILE: &str = "nist_xts_subset.toml";

/// One XTS-AES known-answer vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XtsVector {
    /// The vector's name in its file (e.g. `IEEE1619-2007 Annex B vector 2`).
    pub name: String,
    /// AES key size of each of the two keys: 128 or 256.
    pub aes_bits: u32,
    /// The data key (`aes_bits / 8` bytes).
    pub key1: Vec<u8>,
    /// The tweak key (`aes_bits / 8` bytes).
    pub key2: Vec<u8>,
    /// The data-unit sequence number `i`.
    pub dusn: u128,
    /// The tweak input block: `dusn` as 16 little-endian bytes (checked on load).
    pub tweak: [u8; 16],
    /// Length of the data unit in bits (a multiple of 8 for every vector of the two files).
    pub data_unit_bits: usize,
    /// The plaintext data unit (`ceil(data_unit_bits / 8)` bytes).
    pub plaintext: Vec<u8>,
    /// The ciphertext data unit (same length as the plaintext).
    pub ciphertext: Vec<u8>,
}

impl XtsVector {
    /// The data-unit length in bytes, or `None` when the data unit is not a whole number of
    /// bytes.
    pub fn data_unit_bytes(&self) -> Option<usize> {
        self.data_unit_bits
            .is_multiple_of(8)
            .then_some(self.data_unit_bits / 8)
    }

    /// True when key1 equals key2: valid for the reference model, refused by the key table.
    pub fn has_equal_keys(&self) -> bool {
        self.key1 == self.key2
    }
}

/// The data-unit sequence number as written in a file: a `"0x..."` hex string, a decimal
/// string, or a TOML integer.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawDusn {
    Integer(i64),
    Text(String),
}

/// One `[[vector]]` table as written. Fields the loader does not use (`source`, `verify`,
/// `direction`) are ignored.
#[derive(Deserialize)]
struct RawVector {
    name: String,
    aes_bits: u32,
    key1: String,
    key2: String,
    dusn: RawDusn,
    tweak: String,
    data_unit_bytes: Option<usize>,
    data_unit_bits: Option<usize>,
    plaintext: String,
    ciphertext: String,
}

/// A whole vector file.
#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    vector: Vec<RawVector>,
}

/// The test-vector folder: `$MEE_TESTVECTORS` if set, else [`DEFAULT_VECTORS_DIR`].
///
/// Fails, saying where it looked and how to point elsewhere, when the folder does not exist.
pub fn vectors_dir() -> anyhow::Result<PathBuf> {
    vectors_dir_from(std::env::var_os(VECTORS_VARIABLE))
}

/// [`vectors_dir`] with the variable's value passed in (kept apart so that it can be tested
/// without changing the process environment).
fn vectors_dir_from(variable: Option<OsString>) -> anyhow::Result<PathBuf> {
    let (dir, origin) = match variable.filter(|v| !v.is_empty()) {
        Some(value) => (PathBuf::from(value), format!("from {VECTORS_VARIABLE}")),
        None => (
            PathBuf::from(DEFAULT_VECTORS_DIR),
            format!("the default, {VECTORS_VARIABLE} is not set"),
        ),
    };
    if !dir.is_dir() {
        bail!(
            "test-vector folder {} ({origin}) does not exist or is not a folder; \
             set {VECTORS_VARIABLE}=/path/to/shared/testvectors to point at the folder that holds \
             {IEEE1619_FILE} and {NIST_FILE}",
            dir.display()
        );
    }
    Ok(dir)
}

/// The 19 IEEE Std 1619-2007 Annex B vectors, in file order.
pub fn ieee1619_vectors() -> anyhow::Result<Vec<XtsVector>> {
    load_file(&vectors_dir()?.join(IEEE1619_FILE))
}

/// The NIST CAVP XTSVS subset, in file order.
pub fn nist_vectors() -> anyhow::Result<Vec<XtsVector>> {
    load_file(&vectors_dir()?.join(NIST_FILE))
}

/// Reads and checks one vector file.
pub fn load_file(path: &Path) -> anyhow::Result<Vec<XtsVector>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read test-vector file {}", path.display()))?;
    parse_vectors(&text).with_context(|| format!("test-vector file {}", path.display()))
}

/// Parses and checks the text of a vector file.
pub fn parse_vectors(text: &str) -> anyhow::Result<Vec<XtsVector>> {
    let raw: RawFile = toml::from_str(text).context("not a valid vector file")?;
    raw.vector
        .into_iter()
        .enumerate()
        .map(|(index, v)| {
            let name = v.name.clone();
            convert(v).with_context(|| format!("vector {} ({name:?})", index + 1))
        })
        .collect()
}

/// Decodes one hex field.
fn decode_hex(field: &str, text: &str) -> anyhow::Result<Vec<u8>> {
    hex::decode(text).with_context(|| format!("`{field}` = {text:?} is not hex"))
}

/// Parses a data-unit sequence number.
fn parse_dusn(raw: &RawDusn) -> anyhow::Result<u128> {
    match raw {
        RawDusn::Integer(n) => u128::try_from(*n).map_err(|_| anyhow!("`dusn` = {n} is negative")),
        RawDusn::Text(text) => {
            let t = text.trim();
            let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(digits) => u128::from_str_radix(digits, 16),
                None => t.parse::<u128>(),
            };
            parsed.with_context(|| {
                format!("`dusn` = {text:?} is neither 0x-hex nor decimal, or exceeds 128 bits")
            })
        }
    }
}

/// Turns a raw table into a checked [`XtsVector`].
fn convert(v: RawVector) -> anyhow::Result<XtsVector> {
    ensure!(
        v.aes_bits == 128 || v.aes_bits == 256,
        "`aes_bits` = {} (expected 128 or 256)",
        v.aes_bits
    );
    let key_bytes = v.aes_bits as usize / 8;
    let key1 = decode_hex("key1", &v.key1)?;
    let key2 = decode_hex("key2", &v.key2)?;
    ensure!(
        key1.len() == key_bytes,
        "`key1` has {} bytes, aes_bits = {} needs {key_bytes}",
        key1.len(),
        v.aes_bits
    );
    ensure!(
        key2.len() == key_bytes,
        "`key2` has {} bytes, aes_bits = {} needs {key_bytes}",
        key2.len(),
        v.aes_bits
    );

    let dusn = parse_dusn(&v.dusn)?;
    let tweak: [u8; 16] = decode_hex("tweak", &v.tweak)?
        .try_into()
        .map_err(|t: Vec<u8>| anyhow!("`tweak` has {} bytes, expected 16", t.len()))?;
    ensure!(
        tweak == dusn.to_le_bytes(),
        "`tweak` = {} is not dusn = {dusn:#x} as 16 little-endian bytes ({})",
        v.tweak,
        hex::encode(dusn.to_le_bytes())
    );

    let data_unit_bits = match (v.data_unit_bytes, v.data_unit_bits) {
        (Some(bytes), None) => bytes * 8,
        (None, Some(bits)) => bits,
        (Some(bytes), Some(bits)) => {
            ensure!(
                bytes * 8 == bits,
                "`data_unit_bytes` = {bytes} and `data_unit_bits` = {bits} disagree"
            );
            bits
        }
        (None, None) => bail!("neither `data_unit_bytes` nor `data_unit_bits` is given"),
    };
    let plaintext = decode_hex("plaintext", &v.plaintext)?;
    let ciphertext = decode_hex("ciphertext", &v.ciphertext)?;
    let stored_bytes = data_unit_bits.div_ceil(8);
    ensure!(
        plaintext.len() == stored_bytes,
        "`plaintext` has {} bytes, a data unit of {data_unit_bits} bits needs {stored_bytes}",
        plaintext.len()
    );
    ensure!(
        ciphertext.len() == stored_bytes,
        "`ciphertext` has {} bytes, a data unit of {data_unit_bits} bits needs {stored_bytes}",
        ciphertext.len()
    );

    Ok(XtsVector {
        name: v.name,
        aes_bits: v.aes_bits,
        key1,
        key2,
        dusn,
        tweak,
        data_unit_bits,
        plaintext,
        ciphertext,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_VECTOR: &str = r#"
[[vector]]
name = "t"
aes_bits = 128
key1 = "11111111111111111111111111111111"
key2 = "22222222222222222222222222222222"
dusn = "0x3333333333"
tweak = "33333333330000000000000000000000"
data_unit_bytes = 16
plaintext = "44444444444444444444444444444444"
ciphertext = "55555555555555555555555555555555"
source = "ignored"
"#;

    #[test]
    fn parses_hex_dusn_and_byte_length() {
        let v = parse_vectors(ONE_VECTOR).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].dusn, 0x33_3333_3333);
        assert_eq!(v[0].data_unit_bits, 128);
        assert_eq!(v[0].data_unit_bytes(), Some(16));
    }

    #[test]
    fn parses_decimal_dusn_and_bit_length() {
        let text = ONE_VECTOR
            .replace("dusn = \"0x3333333333\"", "dusn = \"219902325555\"")
            .replace("data_unit_bytes = 16", "data_unit_bits = 128");
        let v = parse_vectors(&text).unwrap();
        assert_eq!(v[0].dusn, 219_902_325_555);
        assert_eq!(v[0].data_unit_bits, 128);
    }

    #[test]
    fn refuses_a_tweak_that_is_not_the_dusn() {
        let text = ONE_VECTOR.replace("dusn = \"0x3333333333\"", "dusn = \"0x3333333334\"");
        let err = format!("{:#}", parse_vectors(&text).unwrap_err());
        assert!(err.contains("little-endian"), "{err}");
    }

    #[test]
    fn refuses_a_wrong_length() {
        let text = ONE_VECTOR.replace("data_unit_bytes = 16", "data_unit_bytes = 17");
        assert!(parse_vectors(&text).is_err());
    }

    #[test]
    fn a_missing_folder_names_the_path_and_the_variable() {
        let err = vectors_dir_from(Some("/nonexistent/mee-vectors".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/mee-vectors"), "{err}");
        assert!(err.contains(VECTORS_VARIABLE), "{err}");
    }
}
