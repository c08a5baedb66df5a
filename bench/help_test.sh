#!/usr/bin/env bash
# bench/help_test.sh BINARY FLAG...: `BINARY --help` exits 0, prints the
# usage, and lists every FLAG (without its dashes) with its description.
# Run by ctest as bench.help.<binary>.
set -u
binary=$1
shift
out=$("$binary" --help 2>&1)
code=$?
if [ "$code" -ne 0 ]; then
  printf '%s --help exited %d:\n%s\n' "$binary" "$code" "$out"
  exit 1
fi
if grep -q "No flags matched" <<<"$out"; then
  printf '%s --help lists no flags:\n%s\n' "$binary" "$out"
  exit 1
fi
for flag in "$@"; do
  if ! grep -q -- "--$flag (" <<<"$out"; then
    printf '%s --help does not list --%s:\n%s\n' "$binary" "$flag" "$out"
    exit 1
  fi
done
