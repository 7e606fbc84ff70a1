#!/usr/bin/env bash
# The careers panel end to end in a real browser: a tutor signs in, opens their tutor group and a
# pupil, marks an action done, adds a note, and cannot open another group's pupil. Headless
# Debian Chromium (/usr/bin/chromium) is driven by playwright-core (panel.spec.mjs); no browser
# is downloaded.
#
#   tests/browser/run-browser-test.sh CAREERLINK_BINARY OUTPUT_DIR
#
# Sets up a fresh data directory with the sample school, a tutor account for 11A and an intake
# API key; starts `careerlink serve` on a free loopback port; sends an interview whose shared plan
# has one open action; runs the browser script; stops the service; and checks that the tutor's
# tick queued a pupil.status write-back whose plan has action a1 done. Screenshots (and a PDF of
# the pupil page) go to OUTPUT_DIR/screenshots. ctest runs it as browser.panel_tutor_flow.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 CAREERLINK_BINARY OUTPUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
mkdir -p "$out"
out=$(cd "$out" && pwd)

fail() {
  echo "browser test: FAILED: $*" >&2
  exit 1
}

# --- What the test needs. CI installs all of it (packaging/setup-debian.sh): a missing piece is
# --- a failure, never a skip.
needs_setup="run packaging/setup-debian.sh (as root) to install it"
[ -x "$bin" ] || fail "no careerlink binary at $bin"
command -v node >/dev/null || fail "node is not installed; $needs_setup"
command -v npm >/dev/null || fail "npm is not installed; $needs_setup"
[ -x /usr/bin/chromium ] || fail "Debian's chromium (/usr/bin/chromium) is not installed; $needs_setup"
command -v curl >/dev/null || fail "curl is not installed; $needs_setup"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || fail "node $(node --version) is too old (playwright-core needs 18 or later)"

# playwright-core, pinned by package-lock.json, into tests/browser/node_modules (gitignored).
# npm ci runs when the installed copy is not the locked version (first run, or a new pin).
want=$(node -p 'require(process.argv[1]).packages["node_modules/playwright-core"].version' \
  "$here/package-lock.json")
have=$(node -p 'try { require(process.argv[1]).version } catch { "" }' \
  "$here/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "browser test: npm ci (playwright-core $want)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed in $here"
fi

# --- A fresh school.
data=$(mktemp -d "${TMPDIR:-/tmp}/careerlink-browser.XXXXXX")
server_pid=""
keep_data=1
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$keep_data" = 1 ]; then
    echo "browser test: data directory and service log kept in $data" >&2
  else
    rm -rf "$data"
  fi
}
trap cleanup EXIT

cl() { "$bin" --data-dir "$data" "$@"; }
school=$root/packaging/sample-school
urn=137942
tutor=c.wright@riverside.sch.uk
password='correct horse battery staple'

cl import ctf "$school/8204321_CTF_8204321_001.xml" >/dev/null
cl import csv "$school/pupils-with-tutor-groups.csv" --preset pupils >/dev/null
cl import csv "$school/staff-groups.csv" --preset staff >/dev/null
printf '%s\n' "$password" |
  cl users add "$tutor" --role tutor --school "$urn" --scope 11A --password-stdin \
    --name "Chris Wright" >/dev/null
key=$(cl keys create --name "Career Connect" --school "$urn" | grep -o 'clk_[A-Za-z0-9_-]*' | head -1)
[ -n "$key" ] || fail "keys create printed no clk_ key"

# The pupils, looked up rather than guessed: the tutor's pupil (B820432116017 if it is in 11A,
# else the first in 11A), how many 11A has, and a pupil of 10A for the 403 check.
cl pupils list --group 11A --format json >"$data/11A.json"
cl pupils list --group 10A --format json >"$data/10A.json"
node - "$data/11A.json" "$data/10A.json" >"$data/pupils.txt" <<'EOF' || fail "no on-roll pupils in 11A or 10A"
const fs = require("fs");
const mine = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).filter(p => p.on_roll);
const other = JSON.parse(fs.readFileSync(process.argv[3], "utf8")).filter(p => p.on_roll);
if (!mine.length || !other.length) process.exit(1);
const p = mine.find(x => x.upn === "B820432116017") || mine[0];
const name = [p.preferred_forename || p.forename, p.preferred_surname || p.surname].filter(Boolean).join(" ") || p.upn;
console.log([p.upn, name, mine.length, other[0].upn].join("\n"));
EOF
{ read -r pupil_upn; read -r pupil_name; read -r group_size; read -r other_upn; } <"$data/pupils.txt"

# --- The service, on a free loopback port, with a write-back sink that nothing drains.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data/hook-secret"
cat >"$data/careerlink.toml" <<EOF
[serve]
listen = "127.0.0.1:$port"

[[sink]]
name = "mis"
type = "webhook"
url = "http://127.0.0.1:9/hook"
secret_file = "$data/hook-secret"
EOF
"$bin" --config "$data/careerlink.toml" --data-dir "$data" serve >"$data/serve.log" 2>&1 &
server_pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 100); do
  grep -q "careerlink ready" "$data/serve.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data/serve.log" >&2; fail "careerlink serve exited"; }
  sleep 0.1
done
grep -q "careerlink ready" "$data/serve.log" || { cat "$data/serve.log" >&2; fail "careerlink serve not ready in 10 s"; }

# --- The adviser's interview: a plan shared with staff, one open action (a1). Dates relative to
# --- today, so the action is neither overdue nor the interview in the future.
interview_date=$(date -d "14 days ago" +%F)
due=$(date -d "+60 days" +%F)
interview=$(cat <<EOF
{"school_urn":"$urn","pupil":{"upn":"$pupil_upn"},"date":"$interview_date","minutes":45,
 "kind":"one_to_one","adviser":{"name":"Jo Patel","organisation":"Career Connect","qualification_level":6},
 "provider_type":"external",
 "consent":{"share_with_staff":true,"share_with_trackers":true,"recorded_on":"$interview_date"},
 "plan":{"summary":"Keen on engineering","actions":[
   {"id":"a1","text":"Attend the college open evening","owner":"pupil","due":"$due"}]}}
EOF
)
code=$(curl -sS -o "$data/put.json" -w '%{http_code}' -X PUT "$base/api/v1/interviews/INT-1" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' --data-binary "$interview")
[ "$code" = 201 ] || { cat "$data/put.json" >&2; fail "PUT interview answered $code, wanted 201"; }

# --- The browser.
shots=$out/screenshots
rm -rf "$shots"
mkdir -p "$shots"
set +e
CL_BASE_URL=$base CL_TUTOR_EMAIL=$tutor CL_TUTOR_PASSWORD=$password CL_GROUP=11A \
  CL_GROUP_SIZE=$group_size CL_PUPIL_UPN=$pupil_upn CL_PUPIL_NAME=$pupil_name \
  CL_ACTION_TEXT="Attend the college open evening" CL_OTHER_UPN=$other_upn \
  CL_SCREENSHOT_DIR=$shots \
  node --test --test-reporter=spec "$here/panel.spec.mjs"
browser_rc=$?
set -e
echo "browser test: screenshots in $shots"

# --- Stop the service (SIGTERM), then the write-back the tick queued.
kill -TERM "$server_pid"
wait "$server_pid" || fail "careerlink serve did not stop cleanly on SIGTERM (see $data/serve.log)"
server_pid=""
[ "$browser_rc" = 0 ] || fail "the browser script failed (screenshots so far in $shots)"

if cl outbox list --help | grep -q -- --payload; then
  cl outbox list --format json --payload >"$data/outbox.json"
  cl outbox list --dead --format json --payload >"$data/outbox-dead.json"
else  # a careerlink from before `outbox list --payload`: the outbox table itself
  echo "browser test: 'outbox list' has no --payload here; reading the outbox table with sqlite3"
  sqlite3 -json "$data/careerlink.db" "SELECT id, state, payload FROM outbox" >"$data/outbox.json"
  [ -s "$data/outbox.json" ] || echo '[]' >"$data/outbox.json"
  echo '[]' >"$data/outbox-dead.json"
fi
node - "$data/outbox.json" "$data/outbox-dead.json" "$pupil_upn" <<'EOF' || fail "no pupil.status write-back with action a1 done (outbox in $data)"
const fs = require("fs");
const messages = [process.argv[2], process.argv[3]]
  .flatMap(f => JSON.parse(fs.readFileSync(f, "utf8")))
  .map(m => (typeof m.payload === "string" ? { ...m, payload: JSON.parse(m.payload) } : m));
const upn = process.argv[4];
const statuses = messages.filter(m => m.payload && m.payload.event === "pupil.status" && m.payload.pupil?.upn === upn);
const done = statuses.filter(m => (m.payload.plan?.actions || []).some(a => a.id === "a1" && a.status === "done"));
console.log(`browser test: outbox holds ${messages.length} messages, ${statuses.length} pupil.status for ${upn}, ` +
            `${done.length} with action a1 done` + (done.length ? ` (message ${done[0].id}, ${done[0].state})` : ""));
process.exit(done.length ? 0 : 1);
EOF
keep_data=0
echo "browser test: PASSED"
