#!/usr/bin/env bash
# The README's test command: installs the EDA tools if missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
start=$(date +%s)
status=0
cargo test --workspace --release -- --nocapture || status=$?
echo "test suite wall time: $(( $(date +%s) - start )) s (build included)"
exit "$status"
