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
  libabsl-dev libsqlite3-dev libssl-dev libgtest-dev
  # The HTTP/JSON gateway.
  libcpp-httplib-dev
  tzdata
  # The restore runbook's check; the Python example and its test.
  sqlite3 python3-grpcio python3-protobuf
  # The README's commands: TLS certificates, a metrics scrape.
  openssl curl
)
# The libFuzzer targets (fuzz/) are built with clang; the corpus replay in
# the test suite needs only g++.
FUZZ_PACKAGES=(clang-14 libfuzzer-14-dev)

for arg in "$@"; do
  case "$arg" in
    --fuzz) PACKAGES+=("${FUZZ_PACKAGES[@]}") ;;
    *)
      echo "usage: $0 [--fuzz]" >&2
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
[ ${#missing[@]} -eq 0 ] && exit 0

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
