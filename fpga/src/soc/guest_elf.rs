//! Guest ELF files for `mee soc run`: what the loader places in DRAM (DESIGN.md, "The SoC").
//!
//! A guest is a statically linked RV32 little-endian executable. Each `PT_LOAD` segment lies in
//! one view of the cpu's map by its physical address: `0x4000_0000 + x` private,
//! `0x0000_0000 + x` shared; it goes to DRAM byte x with its whole memory size (zero past its
//! file size). The entry point must be in the private view. Anything else is refused with a
//! message that names the file and the segment.

use anyhow::{bail, Context, Result};
use goblin::elf::program_header::PT_LOAD;
use goblin::elf::Elf;
use std::path::Path;

/// Base of the cpu's private view.
pub const PRIVATE_BASE: u64 = 0x4000_0000;

/// One loaded segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// DRAM byte address of the first byte.
    pub dram_addr: u64,
    /// The segment's memory image (file bytes, then zeros up to its memory size).
    pub bytes: Vec<u8>,
    /// In the private view (sealed at launch) or the shared view (plaintext).
    pub private: bool,
}

/// A guest ready to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestImage {
    /// The entry point (a cpu address in the private view).
    pub entry: u32,
    /// The loadable segments, in file order.
    pub segments: Vec<Segment>,
}

impl GuestImage {
    /// Reads and checks the guest at `path` for a DRAM of `dram_bytes`.
    pub fn load(path: &Path, dram_bytes: u64) -> Result<Self> {
        let data = std::fs::read(path).with_context(|| format!("cannot read guest {}", path.display()))?;
        Self::parse(&data, dram_bytes).with_context(|| format!("guest {} refused", path.display()))
    }

    /// Checks and loads an ELF image for a DRAM of `dram_bytes`.
    pub fn parse(data: &[u8], dram_bytes: u64) -> Result<Self> {
        let elf = Elf::parse(data).map_err(|e| anyhow::anyhow!("not an ELF file: {e}"))?;
        if elf.is_64 || !elf.little_endian || elf.header.e_machine != goblin::elf::header::EM_RISCV {
            bail!("not a 32-bit little-endian RISC-V ELF (the SoC runs RV32IM guests)");
        }
        if elf.header.e_type != goblin::elf::header::ET_EXEC {
            bail!("not a statically linked executable (ELF type {})", elf.header.e_type);
        }
        let mut segments = Vec::new();
        for (index, header) in elf.program_headers.iter().enumerate().filter(|(_, h)| h.p_type == PT_LOAD) {
            if header.p_memsz == 0 {
                continue;
            }
            let start = header.p_paddr;
            let (private, base) = match start >> 30 {
                0 => (false, 0),
                1 => (true, PRIVATE_BASE),
                _ => bail!("segment {index} at 0x{start:08x} is in neither DRAM view (shared 0x00000000, private 0x40000000)"),
            };
            let x = start - base;
            if x.checked_add(header.p_memsz).is_none_or(|end| end > dram_bytes) {
                bail!(
                    "segment {index} (0x{start:08x}, {} bytes) lies outside DRAM ({dram_bytes} bytes from 0x{base:08x})",
                    header.p_memsz
                );
            }
            if header.p_filesz > header.p_memsz {
                bail!("segment {index} has more file bytes ({}) than memory bytes ({})", header.p_filesz, header.p_memsz);
            }
            let offset = header.p_offset as usize;
            let file_bytes = data
                .get(offset..offset + header.p_filesz as usize)
                .with_context(|| format!("segment {index}'s bytes run past the end of the file"))?;
            let mut bytes = file_bytes.to_vec();
            bytes.resize(header.p_memsz as usize, 0);
            segments.push(Segment { dram_addr: x, bytes, private });
        }
        if segments.is_empty() {
            bail!("no loadable segment");
        }
        for (i, a) in segments.iter().enumerate() {
            for b in &segments[i + 1..] {
                let (a_end, b_end) = (a.dram_addr + a.bytes.len() as u64, b.dram_addr + b.bytes.len() as u64);
                if a.dram_addr < b_end && b.dram_addr < a_end {
                    bail!("two segments overlap in DRAM (at 0x{:x} and 0x{:x})", a.dram_addr, b.dram_addr);
                }
            }
        }
        let entry = elf.entry;
        if entry >> 30 != 1 || entry - PRIVATE_BASE >= dram_bytes {
            bail!("entry point 0x{entry:08x} is not in the private view (0x40000000 + x, x < {dram_bytes})");
        }
        Ok(Self { entry: entry as u32, segments })
    }

    /// The DRAM ranges the sp seals: every private segment rounded out to whole 16-byte
    /// blocks, merged where they touch, in address order.
    pub fn sealed_ranges(&self) -> Vec<(u64, u64)> {
        let mut ranges: Vec<(u64, u64)> = self
            .segments
            .iter()
            .filter(|s| s.private)
            .map(|s| (s.dram_addr & !15, (s.dram_addr + s.bytes.len() as u64 + 15) & !15))
            .collect();
        ranges.sort();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged.into_iter().map(|(start, end)| (start, end - start)).collect()
    }

    /// The bytes the sp measures at launch: the sealed ranges' plaintext as the loader placed it
    /// (segment bytes, zeros elsewhere), range after range. Its SHA-256 is the launch digest.
    pub fn measured_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (start, length) in self.sealed_ranges() {
            let mut range = vec![0u8; length as usize];
            for segment in self.segments.iter().filter(|s| s.private) {
                let (a, b) = (segment.dram_addr.max(start), (segment.dram_addr + segment.bytes.len() as u64).min(start + length));
                if a < b {
                    range[(a - start) as usize..(b - start) as usize].copy_from_slice(&segment.bytes[(a - segment.dram_addr) as usize..(b - segment.dram_addr) as usize]);
                }
            }
            out.extend(range);
        }
        out
    }
}
