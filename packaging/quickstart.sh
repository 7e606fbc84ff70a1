#!/usr/bin/env bash
# Day one on a fresh Debian 12 machine: install what careerlink needs, build it, load the bundled
# sample school (Riverside Academy: a CTF export, a pupil list with tutor groups, and a staff
# list) into a fresh data directory, list its pupils, work out their follow-up flags, make an
# intake API key for an adviser's system and careers panel accounts for a tutor and the careers
# leader, then run the service on 127.0.0.1:8470, send it one adviser's interview, and print
# where to look (the panel URL and sign-ins, health, status). Ctrl+C stops it.
# CAREERLINK_NO_SERVE=1 skips the service.
#   sudo packaging/quickstart.sh            (data goes to build/sample-data)
#   CAREERLINK_DATA_DIR=/srv/cl sudo -E packaging/quickstart.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/packaging/setup-debian.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target careerlink

careerlink=("$root/build/daemon/cli/careerlink")
data=${CAREERLINK_DATA_DIR:-$root/build/sample-data}
sample=$root/packaging/sample-school
rm -rf "$data"  # a fresh data directory every time: this is a demonstration
cl() { "${careerlink[@]}" --data-dir "$data" "$@"; }

echo
echo "== Importing the sample school into $data"
cl import ctf "$sample/8204321_CTF_8204321_001.xml"
cl import csv "$sample/pupils-with-tutor-groups.csv" --preset pupils
cl import csv "$sample/staff-groups.csv" --preset staff
echo
echo "== Pupils"
cl pupils list
echo
echo "== Follow-up flags (Year 11 and 13)"
cl flags update
cl flags list --year 11
cl flags list --year 13
echo
echo "== An intake API key for the sample school's careers adviser"
key=$(cl keys create --name "Sample Careers Service" --school 137942 | grep -o 'clk_[A-Za-z0-9_-]*' | head -1)
echo "   made: ${key:0:12}... (careerlink keeps only its hash; \`keys list\` shows the prefix)"
echo
echo "careerlink is built at ${careerlink[0]}; the sample data is in $data."
echo "Try:  ${careerlink[0]} --data-dir $data pupils list --group 10A"
echo "      ${careerlink[0]} --data-dir $data pupils show T82043211499A --format json   # a former UPN finds the pupil"
echo
echo "== Careers panel accounts (passwords are shown once; careerlink keeps only a scrypt hash)"
tutor_pw=$(cl users add c.wright@riverside.sch.uk --role tutor --school 137942 --scope 11A \
  --name "Chris Wright" | sed -n 's/^  \([0-9a-z-]\{23\}\)$/\1/p')
leader_pw=$(cl users add careers.lead@riverside.sch.uk --role careers_leader --school 137942 \
  --name "Sam Careers Leader" | sed -n 's/^  \([0-9a-z-]\{23\}\)$/\1/p')
cl users list
[ "${CAREERLINK_NO_SERVE:-0}" = 1 ] && exit 0
echo
echo "== Starting the service"
"${careerlink[@]}" --data-dir "$data" serve &
service=$!
trap 'kill -TERM $service 2>/dev/null; wait $service' INT TERM
for _ in $(seq 1 100); do
  curl -fsS http://127.0.0.1:8470/healthz >/dev/null 2>&1 && break
  sleep 0.1
done
# An adviser's interview for Harry (Year 11, tutor group 11A), with a plan he agreed to share,
# so the tutor has something to follow up on day one.
today=$(date +%F)
curl -fsS -o /dev/null -X PUT http://127.0.0.1:8470/api/v1/interviews/demo-1 \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"school_urn":"137942","pupil":{"upn":"B820432116017"},"date":"'"$today"'","minutes":45,"kind":"one_to_one","adviser":{"name":"Jo Patel","organisation":"Sample Careers Service","qualification_level":6},"provider_type":"external","consent":{"share_with_staff":true,"share_with_trackers":true,"recorded_on":"'"$today"'"},"plan":{"summary":"Keen on engineering; wants a Level 3 course at college","intended_destination":{"activity_code":"230","provider":"Riverside College"},"actions":[{"id":"a1","text":"Attend the college open evening","owner":"pupil","due":"'"$(date -d '+14 days' +%F)"'"},{"id":"a2","text":"Check predicted grades with form tutor","owner":"tutor","due":"'"$(date -d '+7 days' +%F)"'"}]}}' \
  && echo "   sent an adviser's interview for pupil B820432116017 (11A) through the intake API"
cat <<EOF

careerlink is running (Ctrl+C stops it).
  Careers panel:  http://127.0.0.1:8470/panel/
     tutor of 11A:    c.wright@riverside.sch.uk      password: $tutor_pw
     careers leader:  careers.lead@riverside.sch.uk  password: $leader_pw
  Health:         curl http://127.0.0.1:8470/healthz
  Status:         ${careerlink[0]} --data-dir $data status
  Audit trail:    ${careerlink[0]} --data-dir $data audit list --pupil B820432116017
  Write-back:     ${careerlink[0]} --data-dir $data outbox list   (add a [[sink]] to deliver it)
  Intake API:     daemon/guidance/README.md   (key: ${key:0:12}...)
EOF
wait $service
