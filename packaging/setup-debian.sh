#!/usr/bin/env bash
# Installs every Debian 12 package careerlink's build, tests and benchmarks need.
# Idempotent: packages already present are left alone; safe to run again.
# Run as root (or with sudo) on a fresh Debian 12 machine.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libboost1.81-dev libboost-url1.81-dev
  libssl-dev libxml2-dev libxml2-utils libsqlite3-dev sqlite3
  libspdlog-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libhowardhinnant-date-dev tzdata libcsv-dev libsystemd-dev openssl systemd
  g++-mingw-w64-x86-64-posix
  libgtest-dev libgmock-dev
  clang-format clang-tidy-16
  bsdutils
  chromium curl nginx wrk
  libssh-dev openssh-server openssh-client
)
# tests/browser (playwright-core) needs Node.js 18 or later: Debian's, unless one is already there.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "careerlink setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "careerlink setup: all build packages present"
fi
