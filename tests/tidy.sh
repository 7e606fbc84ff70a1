#!/usr/bin/env bash
# Runs clang-tidy (the checks in .clang-tidy) over careerlink's own sources; prints what it finds
# and exits non-zero if anything is found. Needs a configured build/ (compile_commands.json).
# clang-tidy 16 is the oldest that reads GCC 12's <expected>; libstdc++ gates it on the C++20
# concepts level, which clang 16 supports but does not yet advertise, hence the macro below.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v run-clang-tidy-16 >/dev/null || { echo "install clang-tidy-16 (packaging/setup-debian.sh)"; exit 2; }
out=$(mktemp)
run-clang-tidy-16 -p "$root/build" -j "$(nproc)" -quiet \
  -extra-arg=-std=c++2b -extra-arg=-U__cpp_concepts -extra-arg=-D__cpp_concepts=202002L \
  -extra-arg=-Wno-builtin-macro-redefined -extra-arg=-Wno-unknown-warning-option \
  "$root/(daemon|connectors|plugins|tests|bench)/" >"$out" 2>/dev/null || true
# Only findings in careerlink's own files count: the analyzer also walks into system headers
# (Boost.Asio's coroutine machinery) and reports what it cannot see through there.
if grep -E "^$root/[^:]+:[0-9]+:[0-9]+: (warning|error):" "$out"; then
  echo "clang-tidy found the above"; rm -f "$out"; exit 1
fi
rm -f "$out"
echo "clang-tidy: clean"
