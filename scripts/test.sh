#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite twice
# with ctest: the plain build (build/test) and the build under
# AddressSanitizer and UndefinedBehaviorSanitizer (build/asan,
# -DHOTLINE_SANITIZE=ON, compiled -O1 -g1: a third faster to build than
# -O2 -g, with the same findings and line numbers in their reports). The
# suite includes the replay of every fuzz corpus (fuzz_replay.*) and, in the
# plain build only, the web console's tests in headless Chromium (browser_*,
# label browser: they test the console's pages, whose server code the rest
# of the suite already runs under the sanitizers) and the install
# tests (install.*, label install: `cmake --install` into a fresh prefix with
# an outside project built against it, add_subdirectory, and the Debian
# packages made with cpack, installed with dpkg, run and purged; that one
# runs only as root, and HOTLINE_TEST_DEB=0 skips it). Extra arguments go to
# both ctest runs (e.g. -R Storage, -L install). HOTLINE_TEST_BUILDS="test"
# (or "asan") runs only one. Each build is built and tested even when the
# one before failed (to build or in a test); a summary line per build ends
# the output, and the exit status is non-zero when either failed.
set -euo pipefail
cd "$(dirname "$0")/.."

builds="${HOTLINE_TEST_BUILDS:-test asan}"
for build in $builds; do
  case "$build" in
    test | asan) ;;
    *)
      echo "unknown build \"$build\" in HOTLINE_TEST_BUILDS; use test, asan" >&2
      exit 2
      ;;
  esac
done

scripts/install-deps.sh --browser
jobs="$(nproc)"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# Any sanitizer finding ends the program with a report and a failing exit.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# Leaks inside third-party libraries hotline cannot free, each explained in
# the file; any other leak still fails.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan-suppressions.txt:print_suppressions=0}"

failed=0
summary=()
for build in $builds; do
  case "$build" in
    test)
      flags=()
      only=()
      ;;
    asan)
      flags=(-DHOTLINE_SANITIZE=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
      only=(-LE browser)
      ;;
  esac
  echo "== build/$build" >&2
  start=$SECONDS
  if ! cmake -S . -B "build/$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "${launcher[@]}" "${flags[@]}" >/dev/null; then
    result="FAILED: cmake could not configure it"
    failed=1
  elif ! cmake --build "build/$build" -j"$jobs"; then
    result="FAILED: it did not build"
    failed=1
  elif ! (cd "build/$build" && ctest --output-on-failure -j"$jobs" "${only[@]}" "$@"); then
    result="FAILED: built, but tests failed (listed above)"
    failed=1
  else
    result="built and passed"
  fi
  summary+=("== build/$build: $result ($((SECONDS - start)) s)")
  echo "${summary[-1]}" >&2
done

echo "== summary" >&2
for line in "${summary[@]}"; do echo "$line" >&2; done
exit "$failed"
