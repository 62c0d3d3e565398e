#!/usr/bin/env bash
# Fuzz the JSON API against its own OpenAPI description with schemathesis (`--checks all`), as an
# anonymous client and as a signed-in one, on a fresh server and database.
#
#   scripts/schemathesis.sh                 # builds the debug binary, starts it on a fresh SQLite file
#   HV_URL=http://127.0.0.1:8080 scripts/schemathesis.sh   # against a server you started yourself
#
# Settings (environment):
#   HV_BIN       binary to start (default target/debug/hocvuso; built when missing)
#   HV_PORT      port of the server started here (default 18090)
#   HV_URL       test this server instead of starting one (then HV_COOKIE may carry a session)
#   HV_EXAMPLES  examples per operation (default 50)
#   HV_SEED      schemathesis seed, for a repeatable run (default: random)
#   HV_EXCLUDE   operations to leave out, as a path regex (e.g. '/assistant/ask|/scam/'), for instance
#                when a rate limit (429 after a few calls) is what a flood meets; 429 is a documented
#                answer, so it is not a failure, only fewer requests reach the logic
#   ST           schemathesis command (default: `schemathesis`, else /tmp/st-venv/bin/schemathesis;
#                install with `pip install schemathesis`)
# Exit code: schemathesis's (0 = no failures in either run).
set -euo pipefail
cd "$(dirname "$0")/.."

ST=${ST:-$(command -v schemathesis || echo /tmp/st-venv/bin/schemathesis)}
PORT=${HV_PORT:-18090}
EXAMPLES=${HV_EXAMPLES:-50}
BIN=${HV_BIN:-target/debug/hocvuso}
PHONE=0900000999
PASSWORD='mật khẩu thử nghiệm của schemathesis'
work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${HV_URL:-}" ]; then
    [ -x "$BIN" ] || cargo build -p hocvuso
    db="sqlite://$work/hv.db"
    printf '%s\n' "$PASSWORD" |
        "$BIN" --database-url "$db" admin create --phone "$PHONE" --name "Schemathesis" --password-stdin >/dev/null
    "$BIN" --database-url "$db" serve --listen "127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
    server=$!
    HV_URL="http://127.0.0.1:$PORT"
    for _ in $(seq 1 60); do
        curl -fsS "$HV_URL/healthz" >/dev/null 2>&1 && break
        sleep 1
    done
    # Sign in through the form, as a browser would: the CSRF cookie first, then the session cookie.
    jar="$work/jar"
    curl -fsS -c "$jar" -o /dev/null "$HV_URL/dang-nhap"
    csrf=$(awk '$6 == "hv_csrf" {print $7}' "$jar")
    curl -sS -b "$jar" -c "$jar" -o /dev/null \
        --data-urlencode "phone=$PHONE" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrf=$csrf" --data-urlencode "next=/tai-khoan" "$HV_URL/dang-nhap"
    session=$(awk '$6 == "hv_session" {print $7}' "$jar")
    [ -n "$session" ] || { echo "sign-in failed" >&2; exit 2; }
    HV_COOKIE="hv_session=$session; hv_csrf=$csrf"
fi

args=(run "$HV_URL/api/openapi.json" --url "$HV_URL" --checks all --max-examples "$EXAMPLES"
    --workers 2 --no-color)
[ -n "${HV_SEED:-}" ] && args+=(--seed "$HV_SEED")
[ -n "${HV_EXCLUDE:-}" ] && args+=(--exclude-path-regex "$HV_EXCLUDE")

status=0
echo "== anonymous"
"$ST" "${args[@]}" || status=$?
if [ -n "${HV_COOKIE:-}" ]; then
    echo "== signed in (province admin)"
    "$ST" "${args[@]}" -H "Cookie: $HV_COOKIE" || status=$?
fi
exit $status
