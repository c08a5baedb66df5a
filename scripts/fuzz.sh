#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzzer.cc) with clang-14 under
# AddressSanitizer and UndefinedBehaviorSanitizer in build/fuzz, and runs
# each for SECONDS (default 60), starting from its committed corpus
# fuzz/corpus/TARGET. New inputs go to build/fuzz/corpus/TARGET; a finding
# stops the run and is written to build/fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh                     # every target, 60 s each
#   scripts/fuzz.sh 300 ticket_filter   # one target, 5 minutes
#   HOTLINE_FUZZ_MERGE=1 scripts/fuzz.sh 300
#       # then merges the inputs that add coverage into fuzz/corpus/TARGET
#
# After a finding: fix it, copy the artifact to
# fuzz/corpus/TARGET/regress-WHAT (ctest replays it from then on), commit.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(ticket_filter page_token csv_import policy calendar request_validation)
seconds="${1:-60}"
[ $# -gt 0 ] && shift
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: $0 [SECONDS] [TARGET...]; targets: ${TARGETS[*]}" >&2
  exit 2
fi
[ $# -gt 0 ] && TARGETS=("$@")

scripts/install-deps.sh --fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DHOTLINE_SANITIZE=ON -DHOTLINE_FUZZ=ON \
  -DBUILD_TESTING=OFF "${launcher[@]}" >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target hotline_fuzzers

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
summary=()
status=0
for target in "${TARGETS[@]}"; do
  work="build/fuzz/corpus/$target"
  artifacts="build/fuzz/artifacts/$target/"
  log="build/fuzz/$target.log"
  mkdir -p "$work" "$artifacts"
  echo "== $target: ${seconds} s" >&2
  if build/fuzz/fuzz/"${target}_fuzzer" -max_total_time="$seconds" \
      -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
      -artifact_prefix="$artifacts" "$work" "fuzz/corpus/$target" \
      >"$log" 2>&1; then
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    summary+=("$target: ${runs:-?} inputs ran clean in ${seconds} s")
    if [ "${HOTLINE_FUZZ_MERGE:-0}" = 1 ]; then
      build/fuzz/fuzz/"${target}_fuzzer" -merge=1 -max_len=16384 \
        "fuzz/corpus/$target" "$work" >>"$log" 2>&1
    fi
  else
    status=1
    summary+=("$target: FINDING, see $log and $artifacts")
    tail -n 40 "$log" >&2
  fi
done
printf '%s\n' "${summary[@]}"
exit "$status"
