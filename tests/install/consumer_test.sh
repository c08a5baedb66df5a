#!/usr/bin/env bash
# install.consumer: `cmake --install` of the build tree into a fresh prefix,
# then tests/consumer built against it with find_package(hotline) (the shared
# and the static library) and with pkg-config, run against the installed
# hotline-server, which finds its calendar under the prefix.
#
#   tests/install/consumer_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build="$1" source="$2" version="$3"
. "$source/tests/install/lib.sh"
prefix="$scratch/prefix"

echo "== cmake --install $build --prefix $prefix" >&2
cmake --install "$build" --prefix "$prefix" >"$scratch/install.log" ||
  fail "cmake --install failed: $(tail -n 5 "$scratch/install.log")"
for file in bin/hotline-server bin/hotlinectl include/hotline/version.h \
  include/hotline/client/hotline_client.h \
  include/hotline/common/error_details.h \
  include/hotline/v1/hotline_service.grpc.pb.h \
  share/hotline/cn-holidays-2021-2026.csv share/hotline/policy.conf \
  share/hotline/web/index.html share/hotline/proto/hotline/v1/ticket.proto \
  share/hotline/proto/google/api/field_behavior.proto share/hotline/openapi.json \
  include/hotline/imported_protos/google/api/field_behavior.pb.h \
  lib/cmake/hotline/hotlineConfig.cmake \
  lib/cmake/hotline/hotlineConfigVersion.cmake lib/pkgconfig/hotline.pc \
  lib/libhotline_client.a lib/libhotline_client.so; do
  [ -e "$prefix/$file" ] || fail "cmake --install did not install $file"
done
cmp -s "$prefix/share/hotline/openapi.json" "$build/gateway/openapi.json" ||
  fail "share/hotline/openapi.json is not the document the build wrote"
# The package's system files come only with the Debian package.
[ ! -e "$prefix/lib/systemd" ] || fail "a plain install has the systemd unit"

[ "$("$prefix/bin/hotline-server" --version)" = "hotline-server $version" ] ||
  fail "hotline-server --version is not $version"
[ "$("$prefix/bin/hotlinectl" --version)" = "hotlinectl $version" ] ||
  fail "hotlinectl --version is not $version"

echo "== tests/consumer with find_package(hotline)" >&2
cmake -S "$source/tests/consumer" -B "$scratch/consumer" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  "${launcher[@]}" >"$scratch/consumer.log" 2>&1 ||
  fail "configuring tests/consumer failed: $(cat "$scratch/consumer.log")"
cmake --build "$scratch/consumer" -j2 >>"$scratch/consumer.log" 2>&1 ||
  fail "building tests/consumer failed: $(tail -n 30 "$scratch/consumer.log")"
libraries="$(ldd "$scratch/consumer/hotline_consumer")"
grep -q "libhotline_client.so.* => $prefix/lib/" <<<"$libraries" ||
  fail "hotline_consumer does not use $prefix/lib/libhotline_client.so"

echo "== pkg-config --cflags --libs hotline" >&2
# shellcheck disable=SC2046  # the flags are words
c++ -std=c++17 -o "$scratch/pkg_config_consumer" \
  "$source/tests/consumer/main.cc" \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs hotline) \
  -Wl,-rpath,"$prefix/lib" 2>"$scratch/pkg-config.log" ||
  fail "building with pkg-config failed: $(head -n 30 "$scratch/pkg-config.log")"

echo "== the installed server" >&2
db="$scratch/hotline.db"
bureau="$("$prefix/bin/hotline-server" --db="$db" --create_token=bureau \
  2>/dev/null)"
intake="$("$prefix/bin/hotline-server" --db="$db" \
  --create_token=intake/city-platform 2>/dev/null)"
start_server "$scratch/server.log" "$prefix/bin/hotline-server" --db="$db" \
  --listen=127.0.0.1:0
grep -q "working-day calendar $prefix/share/hotline/cn-holidays-2021-2026.csv" \
  "$scratch/server.log" ||
  fail "the installed server did not take the calendar under $prefix: $(cat "$scratch/server.log")"
HOTLINE_SERVER=127.0.0.1:$server_port HOTLINE_TOKEN=$intake \
  "$prefix/bin/hotlinectl" ticket create --type complaint --topic 噪音 \
  --title 工地夜间施工 --content 每晚十点后仍在施工 --caller 张三 \
  --phone 13800000000 --source_id SZ2021021000001 >/dev/null ||
  fail "the installed hotlinectl could not create a ticket"

for consumer in consumer/hotline_consumer consumer/hotline_consumer_static \
  pkg_config_consumer; do
  out="$("$scratch/$consumer" "127.0.0.1:$server_port" "$bureau")" ||
    fail "$consumer failed: $out"
  [ "$out" = "hotline $version is serving; 1 ticket(s) on the first page" ] ||
    fail "$consumer printed: $out"
  echo "$consumer: $out" >&2
done
stop_server
echo "PASS" >&2
