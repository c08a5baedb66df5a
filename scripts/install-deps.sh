#!/usr/bin/env bash
# Installs the Debian 12 packages hotline needs to build, test and run, only
# when some are missing. Safe to run any number of times.
#
#   scripts/install-deps.sh          # build, test (plain and sanitized), run
#   scripts/install-deps.sh --fuzz   # and clang-14 with libFuzzer (scripts/fuzz.sh)
set -euo pipefail

PACKAGES=(
  cmake make g++ pkg-config
  libgrpc++-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  grpc-proto golang-github-gogo-googleapis-dev prometheus-cpp-dev
  # google/api/field_behavior.proto, which the gogo package lacks (the jar
  # holds the .proto files; proto/CMakeLists.txt takes it out).
  libgoogle-common-protos-java
  libabsl-dev libsqlite3-dev libssl-dev libgtest-dev
  # The HTTP/JSON gateway.
  libcpp-httplib-dev
  tzdata
  # The restore runbook's check; the Python example and its test.
  sqlite3 python3-grpcio python3-protobuf
  # The documented commands (docs/): TLS certificates, a metrics scrape.
  openssl curl
  # promtool, which Debian ships in the prometheus package: metrics_test
  # lints a real scrape with `promtool check metrics`. Under systemd the
  # package also starts a Prometheus server on port 9090 (the tests do not
  # need it: `systemctl disable --now prometheus`).
  prometheus
  # The server's systemd readiness (sd_notify); the Debian packages (cpack -G
  # DEB finds their dependencies with dpkg-shlibdeps and file).
  libsystemd-dev dpkg-dev file
  # The PostgreSQL store (libpq), and the server the tests run a throwaway
  # cluster of (initdb, pg_ctl; tests/postgres/cluster.sh).
  libpq-dev postgresql-15
)
# The libFuzzer targets (fuzz/) are built with clang; the corpus replay in
# the test suite needs only g++.
FUZZ_PACKAGES=(clang-14 libfuzzer-14-dev)
# The web console's browser tests (tests/browser): Debian's Chromium, a CJK
# font for readable screenshots, and node with npm for puppeteer-core (a
# node that is already installed, from any source, is kept).
# The same node project generates clients from the OpenAPI description; the
# Python one needs python3-dateutil.
BROWSER_PACKAGES=(chromium fonts-wqy-zenhei python3-dateutil)
command -v node >/dev/null && command -v npm >/dev/null ||
  BROWSER_PACKAGES+=(nodejs npm)
browser=false

for arg in "$@"; do
  case "$arg" in
    --fuzz) PACKAGES+=("${FUZZ_PACKAGES[@]}") ;;
    --browser)
      PACKAGES+=("${BROWSER_PACKAGES[@]}")
      browser=true
      ;;
    *)
      echo "usage: $0 [--fuzz] [--browser]" >&2
      exit 2
      ;;
  esac
done

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
      echo "need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# puppeteer-core, exactly as tests/browser/package-lock.json pins it (it
# drives the system Chromium and never downloads a browser), and the OpenAPI
# tools the same project pins (swagger-parser, openapi-typescript,
# openapi-fetch, typescript, quicktype). Before CMake configures: the
# browser tests are registered only when they are there.
if $browser; then
  cd "$(dirname "$0")/../tests/browser"
  if [ ! -d node_modules/puppeteer-core ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "installing the browser tests' node modules (npm ci)" >&2
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
  fi
fi
