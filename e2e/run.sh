#!/usr/bin/env bash
# Browser tests: build hocvuso once, then for each backend (SQLite file, fresh PostgreSQL database) start
# `hocvuso serve` on a free loopback port with a province administrator, and run `node --test e2e/` in
# Debian's Chromium against it. Every test file sees HV_BASE_URL, HV_ADMIN_PHONE, HV_ADMIN_PASSWORD,
# HV_ADMIN_NAME and HV_BACKEND.
#
#   bash e2e/run.sh                 sqlite, then balanced (PostgreSQL, two servers)
#   HV_BACKENDS=sqlite bash e2e/run.sh
#   HV_BACKENDS=postgres bash e2e/run.sh     one server on PostgreSQL, without the balancer
#
# "balanced" is the production shape: two `hocvuso serve` on one PostgreSQL database behind Debian's
# nginx with deploy/hocvuso-proxy.conf, round-robin and no sticky sessions, so a person's sign-in
# lands on one server and their next request on the other (e2e/balanced.test.mjs checks that it
# does, and that a sync batch sent through both servers is stored once).
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
NGINX=${NGINX:-/usr/sbin/nginx}
PG_URL=${HV_E2E_PG_URL:-postgres://postgres@127.0.0.1:5432}
# PostgreSQL is covered by "balanced" (every test, through two servers on one database): a separate
# one-server PostgreSQL run repeated the same flows for 3-4 minutes of CI.
BACKENDS=${HV_BACKENDS:-sqlite balanced}

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

# scripts/test.sh passes "none": `cargo test --workspace` has just built the binary with the features the
# tests unify. Elsewhere `-p hocvuso` builds it (a different feature set, so some dependencies rebuild).
BUILD_ARGS=${HV_E2E_BUILD_ARGS:--p hocvuso}
if [ "$BUILD_ARGS" != none ]; then
  echo "== e2e: cargo build $BUILD_ARGS =="
  # shellcheck disable=SC2086
  cargo build $BUILD_ARGS
fi
TARGET_DIR=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')}
BIN=$TARGET_DIR/debug/hocvuso
[ -x "$BIN" ] || { echo "e2e: no binary at $BIN" >&2; exit 1; }

WORK=$(mktemp -d /tmp/hv-e2e.XXXXXX)
SERVER_PIDS=()
PG_DB=""
stop_server() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
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

create_admin() { # db_url label
  printf '%s\n' "$ADMIN_PASSWORD" |
    "$BIN" --database-url "$1" admin create --phone "$ADMIN_PHONE" --name "$ADMIN_NAME" --password-stdin \
      >"$WORK/admin-$2.log" 2>&1 ||
    { cat "$WORK/admin-$2.log" >&2; return 1; }
}

# Starts `hocvuso serve` on a port and waits for /healthz; extra arguments are global options.
start_server() { # db_url port log [options…]
  local db_url=$1 port=$2 log=$3
  shift 3
  HOCVUSO_LOG=${HOCVUSO_LOG:-warn} "$BIN" --database-url "$db_url" "$@" serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
  local pid=$!
  SERVER_PIDS+=("$pid")
  local i
  for i in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "e2e: the server exited on start:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.2
  done
  echo "e2e: no /healthz after 20 s" >&2; cat "$log" >&2; return 1
}

# Runs the whole e2e/ suite against a base URL; returns node's exit status.
run_suite() { # backend base_url log…
  local backend=$1 base=$2
  shift 2
  local status=0
  # The two-server run proves the flows across servers and PostgreSQL; axe-core scans the same templates'
  # pages on the SQLite run (HV_BALANCED_AXE=1 scans them here too).
  local axe=1
  [ "$backend" = balanced ] && axe=${HV_BALANCED_AXE:-0}
  # shellcheck disable=SC2086
  HV_BASE_URL="$base" HV_BACKEND=$backend CHROMIUM=$CHROMIUM HV_AXE=$axe \
    HV_ADMIN_PHONE=$ADMIN_PHONE HV_ADMIN_PASSWORD=$ADMIN_PASSWORD HV_ADMIN_NAME=$ADMIN_NAME \
    node --test --test-concurrency=1 --test-reporter=spec ${HV_E2E_FILES:-e2e/} || status=$?
  stop_server
  if [ "$status" -ne 0 ]; then
    local log
    for log in "$@"; do
      echo "e2e: failures on $backend; $log ends with:" >&2
      tail -n 40 "$log" >&2 || true
    done
  fi
  return "$status"
}

# One server on one database.
run_backend() {
  local backend=$1 db_url=$2
  local port log
  port=$(free_port)
  log=$WORK/server-$backend.log
  echo "== e2e on $backend: http://127.0.0.1:$port/ (server log: $log) =="
  create_admin "$db_url" "$backend" || return 1
  start_server "$db_url" "$port" "$log" || return 1
  run_suite "$backend" "http://127.0.0.1:$port" "$log"
}

# Two servers on one PostgreSQL database behind nginx, round-robin.
run_balanced() {
  local db_url=$1
  local a b front
  a=$(free_port); b=$(free_port); front=$(free_port)
  echo "== e2e balanced: nginx http://127.0.0.1:$front/ over 127.0.0.1:$a and 127.0.0.1:$b =="
  create_admin "$db_url" balanced || return 1
  start_server "$db_url" "$a" "$WORK/server-a.log" --trusted-proxies 127.0.0.1/32 || return 1
  start_server "$db_url" "$b" "$WORK/server-b.log" --trusted-proxies 127.0.0.1/32 || return 1
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    upstream hocvuso {
        server 127.0.0.1:$a max_fails=3 fail_timeout=10s;
        server 127.0.0.1:$b max_fails=3 fail_timeout=10s;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$front;
        client_max_body_size 3m;
        location / {
            proxy_pass http://hocvuso;
            include $ROOT/deploy/hocvuso-proxy.conf;
            # Which server answered: e2e/balanced.test.mjs checks that both do.
            add_header X-Hv-Upstream \$upstream_addr always;
        }
    }
}
CONF
  "$NGINX" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
  SERVER_PIDS+=("$!")
  local i
  for i in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$front/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$front/healthz" >/dev/null ||
    { echo "e2e: nginx does not answer" >&2; cat "$WORK/nginx/error.log" >&2; return 1; }
  run_suite balanced "http://127.0.0.1:$front" "$WORK/server-a.log" "$WORK/server-b.log" "$WORK/nginx/error.log"
}

failed=()
for backend in $BACKENDS; do
  case $backend in
    sqlite)
      run_backend sqlite "sqlite://$WORK/e2e.db" || failed+=(sqlite)
      ;;
    postgres | balanced)
      if ! psql -q "$PG_URL/postgres" -c 'SELECT 1' >/dev/null 2>&1; then
        missing "PostgreSQL is not reachable at $PG_URL" "the $backend half"
        continue
      fi
      if [ "$backend" = balanced ] && [ ! -x "$NGINX" ]; then
        missing "no nginx at $NGINX (apt-get install nginx)" "the two-server half"
        continue
      fi
      PG_DB="hv_e2e_$$_$RANDOM"
      psql -q "$PG_URL/postgres" -c "CREATE DATABASE \"$PG_DB\"" >/dev/null
      if [ "$backend" = balanced ]; then
        run_balanced "$PG_URL/$PG_DB" || failed+=(balanced)
      else
        run_backend postgres "$PG_URL/$PG_DB" || failed+=(postgres)
      fi
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
