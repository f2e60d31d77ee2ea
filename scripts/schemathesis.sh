#!/usr/bin/env bash
# schemathesis against the OpenAPI document of a small seeded demo: anonymous, as a citizen and
# as the system administrator, failing on any 5xx. Bounded: a few examples per operation and a
# time budget per run, with a fixed seed (TONGBAN_ST_SEED) so that a CI run can be repeated.
# Usage: scripts/schemathesis.sh [max-examples] [seconds-per-run]
# Needs a built `target/debug/tongban` (or TONGBAN_BIN) and installs schemathesis into a venv
# under target/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXAMPLES="${1:-10}"
MAX_TIME="${2:-120}"
BIN="${TONGBAN_BIN:-target/debug/tongban}"
PORT="${TONGBAN_ST_PORT:-18089}"
BASE="http://127.0.0.1:$PORT"
DATA="target/schemathesis/demo"
VENV="${TONGBAN_ST_VENV:-target/schemathesis/venv}"

if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check schemathesis
fi

# A small demo: the whole city and its accounts, a few hundred cases and licences.
rm -rf "$DATA"
mkdir -p "$DATA"
TONGBAN_DEMO_APPLICATIONS="${TONGBAN_ST_APPLICATIONS:-300}" \
TONGBAN_DEMO_LICENCES="${TONGBAN_ST_LICENCES:-400}" \
TONGBAN_MAX_LOGIN_FAILURES=1000000 \
TONGBAN_LOG_FORMAT=json \
  "$BIN" demo --data "$DATA" --listen "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

# Wait until the server answers (seeding included), at most 10 minutes.
deadline=$((SECONDS + 600))
until curl -fsS "$BASE/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "the demo server exited"; tail -20 "$DATA/server.log"; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then echo "the demo server did not answer"; exit 1; fi
  sleep 1
done

token() {
  curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
CITIZEN="$(token citizen 'Citizen@2026')"
ADMIN="$(token admin 'Tongban@2026')"

run() {
  local who="$1"; shift
  echo "==> schemathesis as $who"
  # Logout would end the session the other operations use; it is covered by the HTTP suite.
  "$VENV/bin/st" run "$BASE/api/openapi.json" \
    --checks not_a_server_error \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --workers 1 \
    --phases examples,coverage,fuzzing \
    --exclude-path /api/v1/auth/logout \
    --suppress-health-check all \
    --request-timeout 30 \
    --seed "${TONGBAN_ST_SEED:-20261130}" \
    --no-color \
    "$@"
}
status=0
run anonymous || status=1
run citizen -H "Authorization: Bearer $CITIZEN" || status=1
run admin -H "Authorization: Bearer $ADMIN" || status=1
if grep -q '"status":5[0-9][0-9]' "$DATA/server.log"; then
  echo "the server answered 5xx:"; grep '"status":5[0-9][0-9]' "$DATA/server.log" | head -20
  status=1
fi
exit "$status"
