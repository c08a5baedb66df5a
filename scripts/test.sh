#!/usr/bin/env bash
# Installs what is missing, builds everything with the tests, and runs the
# whole suite with ctest. Extra arguments go to ctest (e.g. -R Storage).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/test -j"$(nproc)"
cd build/test
ctest --output-on-failure -j"$(nproc)" "$@"
