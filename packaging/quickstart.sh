#!/usr/bin/env bash
# Day one on a fresh Debian 12 machine: install what careerlink needs, build it, load the bundled
# sample school (Riverside Academy: a CTF export, a pupil list with tutor groups, and a staff
# list) into a fresh data directory, list its pupils, work out their follow-up flags, make an
# intake API key for an adviser's system, then run the service in the foreground on
# 127.0.0.1:8470 (Ctrl+C stops it) and print a curl command that sends it an interview.
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
[ "${CAREERLINK_NO_SERVE:-0}" = 1 ] && exit 0
echo
echo "== Starting the service (Ctrl+C to stop). From another terminal:"
echo "   health:   curl http://127.0.0.1:8470/healthz"
echo "   metrics:  curl http://127.0.0.1:8470/metrics"
echo "   status:   ${careerlink[0]} --data-dir $data status"
echo "   send an adviser's interview for pupil B820432116017 (Year 11), then see their flags change:"
echo "     curl -sS -X PUT http://127.0.0.1:8470/api/v1/interviews/demo-1 \\"
echo "       -H 'Authorization: Bearer $key' -H 'Content-Type: application/json' \\"
echo "       -d '{\"school_urn\":\"137942\",\"pupil\":{\"upn\":\"B820432116017\"},\"date\":\"$(date +%F)\",\"minutes\":45,\"kind\":\"one_to_one\",\"adviser\":{\"name\":\"Jo Patel\",\"organisation\":\"Sample Careers Service\",\"qualification_level\":6},\"provider_type\":\"external\",\"consent\":{\"share_with_staff\":true,\"share_with_trackers\":true,\"recorded_on\":\"$(date +%F)\"},\"plan\":{\"summary\":\"Keen on engineering\",\"actions\":[{\"id\":\"a1\",\"text\":\"Attend the college open evening\",\"owner\":\"pupil\",\"due\":\"$(date -d '+14 days' +%F)\"}]}}'"
echo "     ${careerlink[0]} --data-dir $data pupils show B820432116017"
echo "   API reference: daemon/guidance/README.md   (the careers panel, /panel/, comes with a later release)"
exec "${careerlink[@]}" --data-dir "$data" serve
