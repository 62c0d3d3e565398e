#!/usr/bin/env bash
# Browser tests: build hocvuso once, then for each backend (SQLite file, fresh PostgreSQL database) start
# `hocvuso serve` on a free loopback port with a province administrator, and run `node --test e2e/` in
# Debian's Chromium against it. Every test file sees HV_BASE_URL, HV_ADMIN_PHONE, HV_ADMIN_PASSWORD,
# HV_ADMIN_NAME and HV_BACKEND.
#
#   bash e2e/run.sh                 both backends
#   HV_BACKENDS=sqlite bash e2e/run.sh
#   HV_SCREENSHOTS=/tmp/shots bash e2e/run.sh     a PNG of every page checked
#   HV_E2E_FILES=e2e/assistant.test.mjs bash e2e/run.sh   only some test files
#
# Without Chromium or PostgreSQL the affected part is skipped with a loud warning; under CI=true it fails.
# PostgreSQL: HV_E2E_PG_URL (default postgres://postgres@127.0.0.1:5432), a database is created per run
# and dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PG_URL=${HV_E2E_PG_URL:-postgres://postgres@127.0.0.1:5432}
BACKENDS=${HV_BACKENDS:-sqlite postgres}

loud() { printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! %s\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' "$*" >&2; }
missing() { # what is missing: fatal under CI, a loud skip elsewhere
  if [ "${CI:-}" = "true" ]; then
    echo "e2e: $1 (CI=true, so this is a failure)" >&2
    exit 1
  fi
  loud "e2e: $1 — SKIPPING ${2:-the browser tests}"
}

if [ ! -x "$CHROMIUM" ]; then
  missing "no Chromium at $CHROMIUM (apt-get install chromium)"
  exit 0
fi
command -v node >/dev/null || { missing "node is not installed"; exit 0; }

echo "== e2e: npm ci =="
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)

# scripts/test.sh passes "--workspace --all-targets": the feature set `cargo test` just built, so this is
# a link at most; `-p hocvuso` alone would unify features differently and rebuild many dependencies.
BUILD_ARGS=${HV_E2E_BUILD_ARGS:--p hocvuso}
echo "== e2e: cargo build $BUILD_ARGS =="
# shellcheck disable=SC2086
cargo build $BUILD_ARGS
TARGET_DIR=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')}
BIN=$TARGET_DIR/debug/hocvuso
[ -x "$BIN" ] || { echo "e2e: no binary at $BIN" >&2; exit 1; }

WORK=$(mktemp -d /tmp/hv-e2e.XXXXXX)
SERVER_PID=""
PG_DB=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
drop_pg() {
  if [ -n "$PG_DB" ]; then
    psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    PG_DB=""
  fi
}
cleanup() {
  stop_server
  drop_pg
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

ADMIN_PHONE=0987654321
ADMIN_NAME="Quản trị Kiểm thử"
ADMIN_PASSWORD="Đồng hồ chạy đều mỗi sáng"

# Runs the whole e2e/ suite against one backend; returns node's exit status.
run_backend() {
  local backend=$1 db_url=$2
  local port log
  port=$(free_port)
  log=$WORK/server-$backend.log
  echo "== e2e on $backend: http://127.0.0.1:$port/ (server log: $log) =="
  printf '%s\n' "$ADMIN_PASSWORD" |
    "$BIN" --database-url "$db_url" admin create --phone "$ADMIN_PHONE" --name "$ADMIN_NAME" --password-stdin \
      >"$WORK/admin-$backend.log" 2>&1 ||
    { cat "$WORK/admin-$backend.log" >&2; return 1; }
  HOCVUSO_LOG=${HOCVUSO_LOG:-warn} "$BIN" --database-url "$db_url" serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "e2e: the server exited on start:" >&2; cat "$log" >&2; SERVER_PID=""; return 1
    fi
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "e2e: no /healthz after 20 s" >&2; cat "$log" >&2; return 1; }

  local status=0
  # shellcheck disable=SC2086
  HV_BASE_URL="http://127.0.0.1:$port" HV_BACKEND=$backend CHROMIUM=$CHROMIUM \
    HV_ADMIN_PHONE=$ADMIN_PHONE HV_ADMIN_PASSWORD=$ADMIN_PASSWORD HV_ADMIN_NAME=$ADMIN_NAME \
    node --test --test-concurrency=1 --test-reporter=spec ${HV_E2E_FILES:-e2e/} || status=$?
  stop_server
  if [ "$status" -ne 0 ]; then
    echo "e2e: failures on $backend; the server's log ($log) ends with:" >&2
    tail -n 40 "$log" >&2 || true
  fi
  return "$status"
}

failed=()
for backend in $BACKENDS; do
  case $backend in
    sqlite)
      run_backend sqlite "sqlite://$WORK/e2e.db" || failed+=(sqlite)
      ;;
    postgres)
      if ! psql -q "$PG_URL/postgres" -c 'SELECT 1' >/dev/null 2>&1; then
        missing "PostgreSQL is not reachable at $PG_URL" "the PostgreSQL half"
        continue
      fi
      PG_DB="hv_e2e_$$_$RANDOM"
      psql -q "$PG_URL/postgres" -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
      run_backend postgres "$PG_URL/$PG_DB" || failed+=(postgres)
      drop_pg
      ;;
    *) echo "e2e: unknown backend $backend" >&2; exit 2 ;;
  esac
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "e2e: FAILED on: ${failed[*]}" >&2
  exit 1
fi
echo "e2e: browser tests passed on: $BACKENDS"
