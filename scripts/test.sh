#!/usr/bin/env bash
# The README's test command: installs the EDA tools if missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
start=$(date +%s)
status=0
# cargo-nextest runs the tests two at a time across all test binaries, longest first
# (.config/nextest.toml); `cargo test` would run one binary after the other.
if ! cargo nextest --version >/dev/null 2>&1; then
    echo "installing cargo-nextest (cargo)"
    cargo install --locked cargo-nextest || echo "cargo-nextest did not install: running cargo test instead"
fi
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --release || status=$?
    # nextest does not run documentation tests.
    cargo test --workspace --release --doc || status=$?
else
    cargo test --workspace --release --no-fail-fast -- --nocapture || status=$?
fi
echo "test suite wall time: $(( $(date +%s) - start )) s (build included)"
exit "$status"
