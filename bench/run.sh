#!/usr/bin/env bash
# The benchmark command: hocvuso (release build, fresh SQLite database) next to nginx serving the very same
# response bytes as static files, in the same run, under the same load from a separate process (wrk).
# Prints requests/s, p50/p99 latency and the ratio to nginx per endpoint, the bytes over the wire, hocvuso's
# memory idle and under load, and its time to first response; then the output of any `cargo bench`.
# See bench/README.md for what is measured and why.
#
#   bash bench/run.sh
#   BENCH_DURATION=30s BENCH_ENCODINGS=gzip bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# What is loaded: one path per line. A capability adds its own line here.
ENDPOINTS=(
  /
  /api/v1/units/44/children
  /hoc/vneid/kich-hoat-muc-2
)

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
# gzip: what a phone browser gets (hocvuso compresses on the fly; nginx sends the same .gz bytes with
# gzip_static). identity: no compression on either side.
ENCODINGS=${BENCH_ENCODINGS:-gzip identity}
CORES=$(nproc)

need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "bench: installing $2 (Debian package)" >&2
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
  else
    echo "bench: $1 is missing; run: sudo apt-get install $2" >&2
    exit 1
  fi
}
need wrk wrk
need curl curl
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need nginx nginx
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

echo "== bench: cargo build --release -p hocvuso --bins --benches =="
# Benches and the binary in one build: the same dependency features, so `cargo bench` below links only.
cargo build --release -p hocvuso --bins --benches
TARGET_DIR=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}
BIN=$TARGET_DIR/release/hocvuso

WORK=$(mktemp -d /tmp/hv-bench.XXXXXX)
HV_PID=""
NGINX_PID=""
cleanup() {
  for pid in $HV_PID $NGINX_PID; do kill "$pid" 2>/dev/null || true; done
  for pid in $HV_PID $NGINX_PID; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
now_ms() { date +%s%3N; }
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

# Start hocvuso and time the first answered request (a fresh database also runs the migrations and loads
# the province's units, which is what a first start really does).
start_hocvuso() { # sets HV_PID, HV_PORT, FIRST_MS
  HV_PORT=$(free_port)
  local t0
  t0=$(now_ms)
  HOCVUSO_LOG=warn "$BIN" --database-url "sqlite://$WORK/bench.db" serve --listen "127.0.0.1:$HV_PORT" \
    >>"$WORK/hocvuso.log" 2>&1 &
  HV_PID=$!
  until curl -fso /dev/null "http://127.0.0.1:$HV_PORT/"; do
    kill -0 "$HV_PID" 2>/dev/null || { cat "$WORK/hocvuso.log" >&2; exit 1; }
    [ $(($(now_ms) - t0)) -lt 60000 ] || { echo "bench: hocvuso did not answer within 60 s" >&2; exit 1; }
    sleep 0.005
  done
  FIRST_MS=$(($(now_ms) - t0))
}

echo "== bench: starting hocvuso (fresh SQLite database) =="
start_hocvuso
FIRST_COLD_MS=$FIRST_MS
kill "$HV_PID"; wait "$HV_PID" 2>/dev/null || true
start_hocvuso
FIRST_WARM_MS=$FIRST_MS
sleep 1
RSS_IDLE=$(rss_kib "$HV_PID" VmRSS)
HV="http://127.0.0.1:$HV_PORT"

# The reference: nginx from Debian, its own config, a worker per core, no access log, not a daemon.
NG_PORT=$(free_port)
mkdir -p "$WORK/www" "$WORK/nginx"
LOCATIONS=""
i=0
for path in "${ENDPOINTS[@]}"; do
  i=$((i + 1))
  file="$WORK/www/e$i"
  curl -fsS -D "$file.headers" -o "$file" "$HV$path"
  curl -fsS -H 'Accept-Encoding: gzip' -D "$file.gz.headers" -o "$file.gz" "$HV$path"
  grep -qi '^content-encoding: *gzip' "$file.gz.headers" || { echo "bench: $path was not gzipped by hocvuso" >&2; exit 1; }
  ctype=$(awk -F': *' 'tolower($1)=="content-type" {sub(/\r$/,"",$2); print $2}' "$file.headers")
  # hocvuso's own headers (security headers, cache policy, cookie, request id) are sent by nginx too, so
  # both answers weigh the same; the headers every server writes itself are left to nginx.
  extra=$(awk -F': *' 'NR > 1 && NF > 1 {
      name = tolower($1); sub(/\r$/, "", $0); value = substr($0, length($1) + 3)
      if (name ~ /^(date|content-type|content-length|content-encoding|transfer-encoding|connection|vary|server)$/) next
      if (value ~ /[$"]/) next
      printf "      add_header %s \"%s\" always;\n", $1, value
    }' "$file.headers")
  LOCATIONS+="    location = $path {
      try_files /e$i =404;
      default_type \"$ctype\";
$extra
    }
"
done
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes $CORES;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  etag off;
  types { }
  gzip_static on;
  gzip_vary on;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NG_PORT;
    root $WORK/www;
$LOCATIONS
  }
}
EOF
chmod 755 "$WORK" "$WORK/www" && chmod 644 "$WORK"/www/e*  # nginx's workers run unprivileged
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/error.log" &
NGINX_PID=$!
for _ in $(seq 1 250); do
  curl -fso /dev/null "http://127.0.0.1:$NG_PORT${ENDPOINTS[0]}" && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat "$WORK/nginx/error.log" >&2; exit 1; }
  sleep 0.02
done
curl -fso /dev/null "http://127.0.0.1:$NG_PORT${ENDPOINTS[0]}" ||
  { echo "bench: nginx does not serve ${ENDPOINTS[0]}:" >&2; tail -n 5 "$WORK/nginx/error.log" >&2; exit 1; }

# Same bytes check: nginx must answer each endpoint with exactly hocvuso's body, in both encodings.
i=0
for path in "${ENDPOINTS[@]}"; do
  i=$((i + 1))
  curl -fsS -o "$WORK/check" "http://127.0.0.1:$NG_PORT$path"
  cmp -s "$WORK/check" "$WORK/www/e$i" || { echo "bench: nginx's $path differs from hocvuso's" >&2; exit 1; }
  curl -fsS -H 'Accept-Encoding: gzip' -o "$WORK/check" "http://127.0.0.1:$NG_PORT$path"
  cmp -s "$WORK/check" "$WORK/www/e$i.gz" || { echo "bench: nginx's gzipped $path differs from hocvuso's" >&2; exit 1; }
done

# Bytes a client receives for one request (headers + body), as curl counts them.
wire_bytes() { # url encoding
  local h=()
  [ "$2" = gzip ] && h=(-H 'Accept-Encoding: gzip')
  curl -fsS "${h[@]}" -o /dev/null -w '%{size_header} %{size_download}' "$1"
}

to_ms() { # wrk's "812.00us" / "1.23ms" / "1.02s" → milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else printf "%s", v }'
}

RSS_LOAD_MAX=0
# One wrk run; sets RPS P50 P99 ERRS. Samples hocvuso's VmRSS every 200 ms while it runs.
load() { # url encoding
  local h=() out sampler
  [ "$2" = gzip ] && h=(-H 'Accept-Encoding: gzip')
  ( while kill -0 "$HV_PID" 2>/dev/null; do rss_kib "$HV_PID" VmRSS; sleep 0.2; done ) >"$WORK/rss" &
  sampler=$!
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${h[@]}" "$1")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local peak
  peak=$(sort -n "$WORK/rss" | tail -n 1)
  [ -n "$peak" ] && [ "$peak" -gt "$RSS_LOAD_MAX" ] && RSS_LOAD_MAX=$peak
  RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  P50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  P99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  ERRS=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
}

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD_BEFORE" 'BEGIN {exit !(l > 1)}'; then
  echo "!!! bench: the machine is busy (load average $LOAD_BEFORE): figures will be low; rerun on a quiet machine" >&2
fi
echo "== bench: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $CORES cores, loopback =="
echo "   hocvuso $HV (pid $HV_PID) · nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') http://127.0.0.1:$NG_PORT ($CORES workers, same bytes)"
TABLE="$WORK/table"
printf '%-28s %-8s %-8s %10s %9s %9s %9s %8s %7s\n' endpoint encoding server 'req/s' 'p50 ms' 'p99 ms' 'bytes' errors ratio >"$TABLE"
for path in "${ENDPOINTS[@]}"; do
  for enc in $ENCODINGS; do
    load "http://127.0.0.1:$NG_PORT$path" "$enc"
    NG_RPS=$RPS
    read -r hb bb <<<"$(wire_bytes "http://127.0.0.1:$NG_PORT$path" "$enc")"
    ng_line=$(printf '%-28s %-8s %-8s %10s %9s %9s %9s %8s %7s' "$path" "$enc" nginx "$RPS" "$P50" "$P99" $((hb + bb)) "$ERRS" '')
    load "$HV$path" "$enc"
    read -r hb bb <<<"$(wire_bytes "$HV$path" "$enc")"
    ratio=$(awk -v a="$RPS" -v b="$NG_RPS" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')
    printf '%-28s %-8s %-8s %10s %9s %9s %9s %8s %7s\n' "$path" "$enc" hocvuso "$RPS" "$P50" "$P99" $((hb + bb)) "$ERRS" "$ratio" >>"$TABLE"
    echo "$ng_line" >>"$TABLE"
    echo "   done: $path ($enc)" >&2
  done
done
RSS_HWM=$(rss_kib "$HV_PID" VmHWM)

echo
cat "$TABLE"
echo
echo "bytes = headers + body of one response as received (curl); ratio = hocvuso req/s ÷ nginx req/s"
echo "hocvuso memory: idle $(mib "$RSS_IDLE") (VmRSS after start), under load $(mib "$RSS_LOAD_MAX") (largest VmRSS sampled), peak $(mib "$RSS_HWM") (VmHWM)"
echo "hocvuso time to first response: ${FIRST_COLD_MS} ms on a new database (migrations + units loaded), ${FIRST_WARM_MS} ms on restart"
echo "machine: $CORES cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load average $LOAD_BEFORE before the run, $(date -u +%Y-%m-%dT%H:%MZ)"

# Each capability's own micro-benchmarks (crates/*/benches/*.rs), after the HTTP figures.
kill "$HV_PID" "$NGINX_PID" 2>/dev/null || true
for dir in crates/*/benches; do
  [ -d "$dir" ] && compgen -G "$dir/*.rs" >/dev/null || continue
  crate=$(basename "$(dirname "$dir")")
  echo
  echo "== cargo bench -p $crate =="
  cargo bench -p "$crate"
done
