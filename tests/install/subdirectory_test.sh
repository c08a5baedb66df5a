#!/usr/bin/env bash
# install.subdirectory: tests/consumer with add_subdirectory(<checkout>)
# instead of find_package. By default hotline brings only the client
# library: no SQLite, prometheus-cpp or GTest is looked for (OpenSSL is, by
# gRPC's own CMake config), no test
# of hotline's joins the consumer's ctest, -Werror stays on hotline's own
# targets, and the consumer's include path has no folder of hotline's source
# root. The consumer it builds talks to the build tree's server.
#
#   tests/install/subdirectory_test.sh SOURCE_DIR SERVER_BINARY VERSION
set -euo pipefail
source="$1" server="$2" version="$3"
. "$source/tests/install/lib.sh"
consumer="$scratch/consumer"

cmake -S "$source/tests/consumer" -B "$consumer" -DHOTLINE_SOURCE_DIR="$source" \
  -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >"$scratch/configure.log" 2>&1 ||
  fail "configuring failed: $(cat "$scratch/configure.log")"
for variable in SQLite3_INCLUDE_DIR prometheus-cpp_DIR GTest_DIR \
  GTEST_INCLUDE_DIR HTTPLIB_FOUND HOTLINE_PYTHON3; do
  ! grep -q "^$variable:" "$consumer/CMakeCache.txt" ||
    fail "add_subdirectory(hotline) looked for $variable"
done
tests="$(cd "$consumer" && ctest -N | sed -n 's/^Total Tests: //p')"
[ "$tests" = 0 ] || fail "the consumer's ctest has $tests test(s) of hotline's"

cmake --build "$consumer" -j2 --target hotline_consumer \
  >"$scratch/build.log" 2>&1 ||
  fail "building failed: $(tail -n 30 "$scratch/build.log")"
python3 - "$consumer/compile_commands.json" "$source" <<'PY' ||
import json, shlex, sys
commands, source = sys.argv[1], sys.argv[2].rstrip("/")
for entry in json.load(open(commands)):
    if not entry["file"].endswith("tests/consumer/main.cc"):
        continue
    words = shlex.split(entry["command"])
    assert not any(w.startswith("-Werror") for w in words), words
    for i, w in enumerate(words):
        folder = w[2:] if w.startswith("-I") and len(w) > 2 else (
            words[i + 1] if w in ("-I", "-isystem") else None)
        if folder is not None:
            assert folder.rstrip("/") != source, ("source root on the path", words)
    sys.exit(0)
sys.exit("main.cc not in " + commands)
PY
  fail "the consumer's compile command takes hotline's -Werror or source root"

db="$scratch/hotline.db"
token="$("$server" --db="$db" --create_token=bureau 2>/dev/null)"
start_server "$scratch/server.log" "$server" --db="$db" --listen=127.0.0.1:0
out="$("$consumer/hotline_consumer" "127.0.0.1:$server_port" "$token")" ||
  fail "hotline_consumer failed: $out"
[ "$out" = "hotline $version is serving; 0 ticket(s) on the first page" ] ||
  fail "hotline_consumer printed: $out"
stop_server
echo "PASS" >&2
