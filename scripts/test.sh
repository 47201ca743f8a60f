#!/usr/bin/env bash
# The README's test command: installs the EDA tools if missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
start=$(date +%s)
cargo test --workspace --release -- --nocapture 2>&1 | tee target/test-output.log | grep -E "^(test |test result|running|.*: seed = |.*cycles/s|IEEE|NIST|random|.*vectors)" || true
status=${PIPESTATUS[0]}
echo "test suite wall time: $(( $(date +%s) - start )) s"
exit "$status"
