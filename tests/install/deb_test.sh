#!/usr/bin/env bash
# install.deb: the Debian packages. cpack -G DEB makes hotline-server,
# hotlinectl and hotline-dev; dpkg -i installs them on this machine; the
# server starts from its unit's ExecStart line (by hand, as the user hotline:
# no systemd runs here), with the packaged flag file, tells NOTIFY_SOCKET
# READY=1 and later STOPPING=1, and serves; tests/consumer builds against
# hotline-dev; `systemd-analyze verify` checks the unit where it can; then
# dpkg -r and dpkg --purge leave nothing behind.
#
# dpkg is machine-wide: it runs only as root, not with HOTLINE_TEST_DEB=0,
# and not when any of the packages (or /var/lib/hotline, /etc/hotline) is
# already there; it then exits 77, which ctest shows as skipped.
#
#   tests/install/deb_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build="$1" source="$2" version="$3"
packages=(hotline-server hotlinectl hotline-dev)

skip() {
  echo "SKIPPED: $*" >&2
  exit 77
}
[ "${HOTLINE_TEST_DEB:-1}" != 0 ] || skip "HOTLINE_TEST_DEB=0"
[ "$(id -u)" = 0 ] || skip "dpkg -i needs root"
for package in "${packages[@]}"; do
  if grep -q '^.[ic]' <<<"$(dpkg-query -W -f='${db:Status-Abbrev}' \
    "$package" 2>/dev/null)"; then
    skip "$package is already on this machine; this test would replace it" \
      "(dpkg --purge ${packages[*]} to let it run)"
  fi
done
for path in /var/lib/hotline /etc/hotline; do
  [ ! -e "$path" ] || skip "$path exists; this test would remove it"
done

. "$source/tests/install/lib.sh"
user_existed=false
getent passwd hotline >/dev/null && user_existed=true
on_exit "dpkg --purge ${packages[*]} >/dev/null 2>&1"
$user_existed || on_exit "userdel hotline 2>/dev/null; groupdel hotline 2>/dev/null"

echo "== cpack -G DEB" >&2
(cd "$build" && cpack -G DEB -B "$scratch/packages") >"$scratch/cpack.log" 2>&1 ||
  fail "cpack failed: $(tail -n 30 "$scratch/cpack.log")"
arch="$(dpkg --print-architecture)"
debs=()
for package in "${packages[@]}"; do
  deb="$scratch/packages/${package}_${version}_${arch}.deb"
  [ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$scratch/packages")"
  debs+=("$deb")
done
server_deb="${debs[0]}"
grep -qx /etc/hotline/hotline-server.flags \
  <<<"$(dpkg-deb -I "$server_deb" conffiles)" ||
  fail "the flag file is not a conffile"
grep -q '^Depends:.*libsystemd0' <<<"$(dpkg-deb -I "$server_deb" control)" ||
  fail "hotline-server does not depend on libsystemd0"

echo "== dpkg -i" >&2
dpkg -i "${debs[@]}" >"$scratch/dpkg.log" 2>&1 ||
  fail "dpkg -i failed: $(cat "$scratch/dpkg.log")"
getent passwd hotline >/dev/null || fail "postinst made no user hotline"
[ "$(stat -c '%U:%G %a' /var/lib/hotline)" = "hotline:hotline 750" ] ||
  fail "/var/lib/hotline is $(stat -c '%U:%G %a' /var/lib/hotline)"
flags=/etc/hotline/hotline-server.flags
[ "$(stat -c '%U:%G %a' "$flags")" = "root:hotline 640" ] ||
  fail "$flags is $(stat -c '%U:%G %a' "$flags")"
[ "$(hotline-server --version)" = "hotline-server $version" ] ||
  fail "/usr/bin/hotline-server --version"
[ "$(hotlinectl --version)" = "hotlinectl $version" ] ||
  fail "/usr/bin/hotlinectl --version"

unit=/usr/lib/systemd/system/hotline-server.service
[ -f "$unit" ] || fail "no $unit"
# The API's OpenAPI description, as the server serves it; the proto the
# installed protos import that Debian's gogo package lacks.
for file in /usr/share/hotline/openapi.json \
  /usr/share/hotline/proto/google/api/field_behavior.proto; do
  [ -f "$file" ] || fail "the packages have no $file"
done
# The README and the documents it links to, where the unit's Documentation=
# lines point.
for doc in README.md docs/operations.md docs/workflow.md docs/api.md; do
  [ -f "/usr/share/doc/hotline-server/$doc" ] ||
    fail "the package has no /usr/share/doc/hotline-server/$doc"
done
grep -q "^Documentation=file:/usr/share/doc/hotline-server/docs/operations.md$" \
  "$unit" || fail "$unit does not point at docs/operations.md"
# Enabled by postinst (deb-systemd-helper), to start at the next boot.
wants=/etc/systemd/system/multi-user.target.wants/hotline-server.service
if command -v deb-systemd-helper >/dev/null; then
  [ -L "$wants" ] || fail "postinst did not enable the unit ($wants)"
fi
for line in Type=notify User=hotline ProtectSystem=strict \
  ReadWritePaths=/var/lib/hotline NoNewPrivileges=yes; do
  grep -qx "$line" "$unit" || fail "$unit has no $line"
done
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze verify: skipped (no systemd-analyze here)" >&2
elif systemd-analyze verify "$unit" >"$scratch/verify.log" 2>&1; then
  echo "systemd-analyze verify: passed" >&2
else
  fail "systemd-analyze verify $unit: $(cat "$scratch/verify.log")"
fi

echo "== the unit's ExecStart, as the user hotline" >&2
read -r -a exec_start <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
[ "${exec_start[*]}" = "/usr/bin/hotline-server --flagfile=$flags" ] ||
  fail "ExecStart is ${exec_start[*]}"
as_hotline=(setpriv --reuid=hotline --regid=hotline --init-groups)
cd /
token="$("${as_hotline[@]}" "${exec_start[@]}" --create_token=bureau \
  2>"$scratch/token.log")" || fail "--create_token: $(cat "$scratch/token.log")"
[ -f /var/lib/hotline/hotline.db ] || fail "the database is not in /var/lib/hotline"
# The packaged port, unless something here already listens on it.
listen=()
if (exec 3<>/dev/tcp/127.0.0.1/7345) 2>/dev/null; then
  echo "127.0.0.1:7345 is in use here: the server gets --listen=127.0.0.1:0" >&2
  listen=(--listen=127.0.0.1:0)
fi
# systemd's side of Type=notify: a datagram socket that logs what it gets.
notify="$scratch/notify"
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")
        out.flush()
' "$notify" "$scratch/notify.log" &
listener=$!
on_exit "kill $listener"
# Waits (generously: a loaded machine is slow) until the command succeeds.
wait_for() {
  local waited=0
  until "$@"; do
    [ "$waited" -lt 1200 ] || return 1
    sleep 0.1
    waited=$((waited + 1))
  done
}
wait_for test -S "$notify" || fail "the NOTIFY_SOCKET listener did not start"
start_server "$scratch/server.log" env NOTIFY_SOCKET="$notify" \
  "${as_hotline[@]}" "${exec_start[@]}" "${listen[@]}"
grep -q "working-day calendar /usr/share/hotline/cn-holidays-2021-2026.csv" \
  "$scratch/server.log" || fail "the calendar is not /usr/share/hotline's"
wait_for grep -q '^READY=1' "$scratch/notify.log" ||
  fail "no READY=1 on NOTIFY_SOCKET"
[ "$(HOTLINE_SERVER=127.0.0.1:$server_port HOTLINE_TOKEN=$token \
  hotlinectl health)" = SERVING ] || fail "hotlinectl health is not SERVING"

echo "== tests/consumer against hotline-dev" >&2
cmake -S "$source/tests/consumer" -B "$scratch/consumer" \
  -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >"$scratch/consumer.log" 2>&1 &&
  cmake --build "$scratch/consumer" -j2 >>"$scratch/consumer.log" 2>&1 ||
  fail "tests/consumer against /usr: $(tail -n 30 "$scratch/consumer.log")"
grep -q "hotline_DIR:PATH=/usr/lib/cmake/hotline" "$scratch/consumer/CMakeCache.txt" ||
  fail "tests/consumer did not find /usr/lib/cmake/hotline"
out="$("$scratch/consumer/hotline_consumer" "127.0.0.1:$server_port" "$token")" ||
  fail "hotline_consumer: $out"
[ "$out" = "hotline $version is serving; 0 ticket(s) on the first page" ] ||
  fail "hotline_consumer printed: $out"
stop_server
# The listener writes what it got on its own time.
wait_for grep -q '^STOPPING=1' "$scratch/notify.log" ||
  fail "no STOPPING=1 on NOTIFY_SOCKET"

echo "== dpkg -r, dpkg --purge" >&2
dpkg -r "${packages[@]}" >"$scratch/dpkg.log" 2>&1 ||
  fail "dpkg -r failed: $(cat "$scratch/dpkg.log")"
for path in /usr/bin/hotline-server /usr/bin/hotlinectl "$unit" \
  /usr/share/hotline /usr/include/hotline /usr/lib/cmake/hotline \
  /usr/lib/pkgconfig/hotline.pc /usr/lib/libhotline_client.so; do
  [ ! -e "$path" ] || fail "$path is left after dpkg -r"
done
[ -f "$flags" ] || fail "dpkg -r removed the conffile $flags"
[ -f /var/lib/hotline/hotline.db ] || fail "dpkg -r removed the database"
dpkg --purge "${packages[@]}" >"$scratch/dpkg.log" 2>&1 ||
  fail "dpkg --purge failed: $(cat "$scratch/dpkg.log")"
for path in /etc/hotline /var/lib/hotline "$wants"; do
  [ ! -e "$path" ] && [ ! -L "$path" ] ||
    fail "$path is left after dpkg --purge"
done
for package in "${packages[@]}"; do
  ! grep -q '^.[ic]' <<<"$(dpkg-query -W -f='${db:Status-Abbrev}' \
    "$package" 2>/dev/null)" || fail "$package is still known to dpkg after --purge"
done
echo "PASS" >&2
