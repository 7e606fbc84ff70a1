#!/usr/bin/env bash
# Careers panel benchmark: a tutor's group page (/panel/group, 30 pupils) served by
# `careerlink serve` against the same HTML as a static file served by nginx, both loaded by wrk
# over loopback. See README.md in this folder.
#
#   bench/panel/run.sh [--runs N] [--duration SECONDS] [--keep] [--bin PATH] [--gen PATH]
#
# Exit status is non-zero only when something failed to run; a missed target prints MISS.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=1
duration=20
keep=0
bin=$root/build/daemon/cli/careerlink
gen=$root/build/tests/careerlink_gen
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --bin) bin=$2; shift 2 ;;
    --gen) gen=$2; shift 2 ;;
    -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "bench/panel: $*" >&2; exit 1; }
for tool in wrk nginx curl awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed: run packaging/setup-debian.sh"
done
[ -x "$bin" ] || die "no careerlink at $bin: build it (cmake --build build --target careerlink)"
[ -x "$gen" ] || die "no test-data generator at $gen: build it (cmake --build build --target careerlink_gen)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$bin")/../../CMakeCache.txt" 2>/dev/null || true)
case $build_type in
  Release | RelWithDebInfo) ;;
  *) echo "bench/panel: WARNING: $bin is a '${build_type:-unknown}' build; use Release or RelWithDebInfo" >&2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/careerlink-bench-panel.XXXXXX")
chmod 755 "$work"  # nginx's workers (not root) read www/ below it
server_pid=""
nginx_pid=""
cleanup() {
  local p
  for p in $server_pid $nginx_pid; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ "$keep" = 1 ]; then echo "bench/panel: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() {
  # A loopback port in 20000-39999 that nothing answers on.
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port"
}

# --- The school: the bundled sample (for the school record and its other groups), plus one
# --- tutor group of exactly 30 generated pupils (valid UPNs, realistic names).
data=$work/data
cl() { "$bin" --data-dir "$data" "$@"; }
urn=137942
group=11C
tutor=t.bench@riverside.sch.uk
password='bench horse battery staple'
school=$root/packaging/sample-school
cl import ctf "$school/8204321_CTF_8204321_001.xml" >/dev/null
cl import csv "$school/pupils-with-tutor-groups.csv" --preset pupils >/dev/null
cl import csv "$school/staff-groups.csv" --preset staff >/dev/null
"$gen" csv pupils --rows 30 --seed 30 --lf --no-bom --out "$work/gen.csv" >/dev/null
# Everyone into Year 11, tutor group 11C (the last two columns; names may hold quoted commas).
sed -E '1!s/,[^,]*,[^,]*$/,Year 11,'"$group"'/' "$work/gen.csv" >"$work/group.csv"
cl import csv "$work/group.csv" --preset pupils --school "$urn" >/dev/null
n=$(cl pupils list --group "$group" --format csv | tail -n +2 | grep -c . || true)
[ "$n" = 30 ] || die "tutor group $group has $n pupils, wanted 30"
printf '%s\n' "$password" |
  cl users add "$tutor" --role tutor --school "$urn" --scope "$group" --password-stdin \
    --name "Bench Tutor" >/dev/null
key=$(cl keys create --name "Career Connect" --school "$urn" | grep -o 'clk_[A-Za-z0-9_-]*' | head -1)

# --- careerlink serve, as installed: default threads and logging.
port=$(free_port)
cat >"$work/careerlink.toml" <<EOF
[serve]
listen = "127.0.0.1:$port"
EOF
"$bin" --config "$work/careerlink.toml" --data-dir "$data" serve >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "careerlink ready" "$work/serve.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; die "careerlink serve exited"; }
  sleep 0.1
done
grep -q "careerlink ready" "$work/serve.log" || die "careerlink serve not ready in 10 s"
base=http://127.0.0.1:$port

# A realistic group: 12 of the 30 have had an interview with a shared plan of two actions (one
# of them overdue for every third), so the page shows RAG badges, flags and next actions.
interview_date=$(date -d "30 days ago" +%F)
overdue=$(date -d "7 days ago" +%F)
later=$(date -d "+45 days" +%F)
i=0
for upn in $(cl pupils list --group "$group" --format csv | tail -n +2 | cut -d, -f1 | head -12); do
  i=$((i + 1))
  due1=$later
  [ $((i % 3)) = 0 ] && due1=$overdue
  body=$(cat <<EOF
{"school_urn":"$urn","pupil":{"upn":"$upn"},"date":"$interview_date","minutes":40,"kind":"one_to_one",
 "adviser":{"name":"Jo Patel","organisation":"Career Connect","qualification_level":6},"provider_type":"external",
 "consent":{"share_with_staff":true,"share_with_trackers":true,"recorded_on":"$interview_date"},
 "plan":{"summary":"Interested in an apprenticeship in engineering or a college course","actions":[
  {"id":"a1","text":"Visit the college open evening with a parent","owner":"pupil","due":"$due1"},
  {"id":"a2","text":"Draft a personal statement & ask the tutor to read it","owner":"pupil","due":"$later"}]}}
EOF
)
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT "$base/api/v1/interviews/BENCH-$i" \
    -H "Authorization: Bearer $key" -H 'Content-Type: application/json' --data-binary "$body")
  [ "$code" = 201 ] || die "PUT interview BENCH-$i answered $code"
done

# --- Sign in as the tutor (the sign-in form's CSRF token is bound to a cookie) and keep the
# --- session cookie.
jar=$work/cookies.txt
form=$(curl -sS -c "$jar" -b "$jar" "$base/panel/login?next=/panel/")
csrf=$(printf '%s' "$form" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
[ -n "$csrf" ] || die "no CSRF token in the sign-in form"
code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$base/panel/login" \
  --data-urlencode "csrf=$csrf" --data-urlencode "next=/panel/" \
  --data-urlencode "email=$tutor" --data-urlencode "password=$password")
[ "$code" = 303 ] || [ "$code" = 302 ] || die "sign-in answered $code, wanted a redirect"
session=$(awk '$6 == "careerlink_session" { print $7 }' "$jar")
[ -n "$session" ] || die "no careerlink_session cookie after sign-in"
cookie="careerlink_session=$session"
path="/panel/group?name=$group"

# --- The page, saved byte for byte for nginx.
mkdir -p "$work/www/panel"
curl -sS -o "$work/www/panel/group.html" -D "$work/group.headers" -H "Cookie: $cookie" "$base$path"
grep -q '^HTTP/1.1 200' "$work/group.headers" || die "the group page did not answer 200"
rows=$(grep -o '<th scope="row"' "$work/www/panel/group.html" | wc -l)
[ "$rows" = 30 ] || die "the group page lists $rows pupils, wanted 30"
chmod -R a+rX "$work/www"
bytes=$(wc -c <"$work/www/panel/group.html")

# --- nginx: the same bytes, the same path, the panel's headers; 2 workers, no access log.
nport=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
    location = /panel/group {
      default_type "text/html; charset=utf-8";
      add_header Cache-Control no-store;
      add_header X-Content-Type-Options nosniff;
      add_header Referrer-Policy no-referrer;
      add_header Content-Security-Policy "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'";
      try_files /panel/group.html =404;
    }
  }
}
EOF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx/error.log" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 1 50); do
  curl -sf -o /dev/null "http://127.0.0.1:$nport$path" && break
  sleep 0.1
done
cmp -s <(curl -sS "http://127.0.0.1:$nport$path") "$work/www/panel/group.html" ||
  die "nginx does not serve the saved page (see $work/nginx/error.log)"

# --- wrk, taking turns run by run so a busy moment on the (shared) machine falls on both.
to_ms() {  # wrk's "1.23ms", "456.00us", "1.02s" in milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { printf "nan" } }'
}
bench() {  # NAME URL RUN: sets rate and p99 (ms); the wrk report stays under $work
  local name=$1 url=$2 report=$work/wrk-$1-$3.txt
  wrk -t2 -c64 -d"${duration}s" --latency -H "Cookie: $cookie" "$url" >"$report"
  if grep -q "Non-2xx or 3xx responses" "$report"; then
    cat "$report" >&2
    die "$name answered errors under load"
  fi
  rate=$(awk '/^Requests\/sec:/ { print $2 }' "$report")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$report")")
  [ -n "$rate" ] || die "no Requests/sec in $report"
}

echo "careers panel benchmark: GET $path ($rows pupils, $bytes bytes), wrk -t2 -c64 -d${duration}s --latency"
echo "careerlink: $bin (${build_type:-unknown build}); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), worker_processes 2, access_log off"
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %14s %12s %14s %12s %8s\n' run "careerlink r/s" "p99 ms" "nginx r/s" "p99 ms" ratio
cl_rates=()
cl_p99s=()
ng_rates=()
ratios=()
for r in $(seq 1 "$runs"); do
  bench careerlink "$base$path" "$r"
  cl_rate=$rate cl_p99=$p99
  bench nginx "http://127.0.0.1:$nport$path" "$r"
  ng_rate=$rate ng_p99=$p99
  ratio=$(awk -v a="$cl_rate" -v b="$ng_rate" 'BEGIN { printf "%.3f", a / b }')
  printf '%-4s %14.0f %12.2f %14.0f %12.2f %8s\n' "$r" "$cl_rate" "$cl_p99" "$ng_rate" "$ng_p99" "$ratio"
  cl_rates+=("$cl_rate"); cl_p99s+=("$cl_p99"); ng_rates+=("$ng_rate"); ratios+=("$ratio")
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cl_rate=$(median "${cl_rates[@]}")
cl_p99=$(median "${cl_p99s[@]}")
ng_rate=$(median "${ng_rates[@]}")
ratio=$(median "${ratios[@]}")
[ "$runs" -gt 1 ] && echo "median of $runs runs:"
printf 'careerlink  %8.0f requests/s   p99 %7.2f ms\n' "$cl_rate" "$cl_p99"
printf 'nginx       %8.0f requests/s\n' "$ng_rate"
printf 'ratio       %8.3f (careerlink / nginx)\n' "$ratio"
verdict() { if [ "$1" = 1 ]; then echo PASS; else echo MISS; fi; }
echo "target p99 < 25 ms:             $(verdict "$(awk -v v="$cl_p99" 'BEGIN { print (v < 25) }')") ($cl_p99 ms)"
echo "target >= 0.5 of nginx's rate:  $(verdict "$(awk -v v="$ratio" 'BEGIN { print (v >= 0.5) }')") ($ratio)"
