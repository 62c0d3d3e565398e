#!/usr/bin/env bash
# Every test of Học vụ số: Rust unit, property and integration tests (each storage test on SQLite and on
# PostgreSQL), the content check, and the browser tests. PostgreSQL is expected at 127.0.0.1:5432
# (HOCVUSO_TEST_PG_URL to change); without it the PostgreSQL half is skipped loudly, except under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo test (SQLite + PostgreSQL) =="
cargo test --workspace

echo "== content check =="
# The binary cargo test just built (integration tests build it), so this links nothing new.
"${CARGO_TARGET_DIR:-target}/debug/hocvuso" content check

if [ -f e2e/package.json ]; then
  echo "== browser tests (Playwright + axe-core, Debian chromium) =="
  # `cargo test` above built target/debug/hocvuso (the integration tests run it), so the browser tests
  # use that binary as it is; building "--all-targets" here compiled the six benchmarks for nothing.
  HV_E2E_BUILD_ARGS=none bash e2e/run.sh
fi
