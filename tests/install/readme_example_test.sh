#!/usr/bin/env bash
# install.readme_example: the client example of docs/api.md ("Use the client
# library") is tests/consumer/main.cc,
# byte for byte (the block after the line "<!-- tests/consumer/main.cc -->"),
# so the example people copy is the one the install tests build and run.
#
#   tests/install/readme_example_test.sh SOURCE_DIR
set -euo pipefail
source="$1"
block="$(awk '
  /^<!-- tests\/consumer\/main.cc -->$/ { marked = 1; next }
  marked && /^```/ { if (inside) exit; inside = 1; next }
  inside { print }
' "$source/docs/api.md")"
[ -n "$block" ] || {
  echo "FAIL: docs/api.md has no block after <!-- tests/consumer/main.cc -->" >&2
  exit 1
}
diff -u "$source/tests/consumer/main.cc" <(printf '%s\n' "$block") || {
  echo "FAIL: docs/api.md's example differs from tests/consumer/main.cc" >&2
  exit 1
}
echo "PASS" >&2
