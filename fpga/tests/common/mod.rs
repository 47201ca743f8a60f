//! Helpers shared by the tests that run the `mee` command.

use std::path::PathBuf;
use std::process::{Command, Output};

/// An empty folder `name` under Cargo's test scratch folder (emptied if it exists).
pub fn work(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the `mee` binary of this build with `args`.
pub fn mee(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mee")).args(args).output().expect("run mee")
}
