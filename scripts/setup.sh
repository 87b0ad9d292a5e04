#!/usr/bin/env bash
# Installs what Pathways needs to build and test on Debian 12, from Debian's packages.
# Safe to run again: packages already present are skipped.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev sqlite3 libpq-dev libxlsxwriter-dev libsodium-dev libcpp-httplib-dev libxgboost-dev unzip
)
# The tests run against a real PostgreSQL server and a real browser too, and open the
# exported workbooks in LibreOffice Calc.
if [ "${1:-}" = "--test" ]; then
  packages+=(postgresql-15 chromium libreoffice-calc-nogui)
fi

# The web front end is built with Node.js and npm: the machine's own when it has them,
# Debian's otherwise.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
