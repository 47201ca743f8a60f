//! Reproducible seeds: a random test takes its seed from `MEE_SEED` when set, otherwise from
//! the clock, and prints it, so that a failing run can be replayed exactly.

/// The environment variable that replays a seed.
pub const SEED_VARIABLE: &str = "MEE_SEED";

/// The seed for the test `name`: `MEE_SEED` if set (decimal or 0x-hex), else a fresh one.
/// Prints `name: seed = N (replay with MEE_SEED=N)` either way.
pub fn test_seed(name: &str) -> u64 {
    let seed = match std::env::var(SEED_VARIABLE) {
        Ok(text) => parse_seed(&text).unwrap_or_else(|| panic!("{SEED_VARIABLE}={text:?} is not an integer")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
    };
    println!("{name}: seed = {seed} (replay with {SEED_VARIABLE}={seed})");
    seed
}

/// Parses a decimal or `0x` hexadecimal seed.
pub fn parse_seed(text: &str) -> Option<u64> {
    let t = text.trim();
    match t.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}
