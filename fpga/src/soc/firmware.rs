//! The secure processor's firmware (`hdl/firmware/sp/`), compiled with Debian's
//! `riscv64-unknown-elf-gcc` into the image of the sp's memory. The sources are built into
//! `mee`, so an installed `mee` needs only the compiler.

use anyhow::{bail, Context, Result};
use mee_hdl::soc::sp_memory::SP_MEMORY_WORDS;
use std::path::Path;
use std::process::Command;

/// The firmware's sources: (file name, text).
pub const SOURCES: [(&str, &str); 5] = [
    ("sp.ld", include_str!("../../../hdl/firmware/sp/sp.ld")),
    ("start.S", include_str!("../../../hdl/firmware/sp/start.S")),
    ("sp.c", include_str!("../../../hdl/firmware/sp/sp.c")),
    ("sha256.c", include_str!("../../../hdl/firmware/sp/sha256.c")),
    ("sha256.h", include_str!("../../../hdl/firmware/sp/sha256.h")),
];

/// The RISC-V compiler's name.
pub const COMPILER: &str = "riscv64-unknown-elf-gcc";

/// Fails with installation advice when the RISC-V compiler is missing.
pub fn require_compiler() -> Result<()> {
    let ok = Command::new(COMPILER).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !ok {
        bail!("{COMPILER} not found: install it with `apt-get install gcc-riscv64-unknown-elf` or run `bash scripts/install-tools.sh`");
    }
    Ok(())
}

/// Compiles the firmware in `work` and returns the sp's memory image (ROM contents).
pub fn build(work: &Path) -> Result<Vec<u8>> {
    require_compiler()?;
    let dir = work.join("sp_firmware");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in SOURCES {
        std::fs::write(dir.join(name), text).with_context(|| format!("cannot write {}", dir.join(name).display()))?;
    }
    let elf = dir.join("sp.elf");
    let bin = dir.join("sp.bin");
    let out = Command::new(COMPILER)
        .current_dir(&dir)
        .args(["-march=rv32i", "-mabi=ilp32", "-Os", "-nostdlib", "-ffreestanding", "-fno-builtin", "-Wall", "-Wextra", "-Werror"])
        .args(["-T", "sp.ld", "start.S", "sp.c", "sha256.c", "-o", "sp.elf"])
        .output()
        .with_context(|| format!("cannot run {COMPILER}"))?;
    if !out.status.success() {
        bail!("the sp firmware did not compile:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = Command::new("riscv64-unknown-elf-objcopy")
        .args(["-O", "binary"])
        .arg(&elf)
        .arg(&bin)
        .output()
        .context("cannot run riscv64-unknown-elf-objcopy")?;
    if !out.status.success() {
        bail!("objcopy failed on the sp firmware: {}", String::from_utf8_lossy(&out.stderr));
    }
    let image = std::fs::read(&bin).with_context(|| format!("cannot read {}", bin.display()))?;
    if image.len() > SP_MEMORY_WORDS * 2 {
        bail!("the sp firmware is {} bytes, more than its 4096-byte ROM", image.len());
    }
    Ok(image)
}
