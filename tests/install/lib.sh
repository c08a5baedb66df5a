# Shared by the install tests (sourced): a scratch directory removed on exit,
# a server started in the background and stopped on exit, and failing.

# fail MESSAGE...: says why on stderr and ends the test.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The scratch directory, $scratch; everything in it goes on exit, after the
# cleanup commands added with `on_exit COMMAND`.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/hotline-install-test.XXXXXX")"
chmod 755 "$scratch"
cleanups=()
on_exit() { cleanups=("$1" "${cleanups[@]}"); }
run_cleanups() {
  local command
  for command in "${cleanups[@]}"; do eval "$command" || true; done
  rm -rf "$scratch"
}
trap run_cleanups EXIT

# start_server LOG COMMAND...: starts COMMAND (a hotline-server command line)
# with its stderr in LOG, waits until it logs that it listens, and sets
# $server_pid and $server_port (the port it took). It is stopped on exit.
start_server() {
  local log="$1"
  shift
  "$@" 2>"$log" &
  server_pid=$!
  on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null"
  local waited=0
  until grep -q "listening on" "$log"; do
    kill -0 "$server_pid" 2>/dev/null || {
      cat "$log" >&2
      fail "the server exited: $*"
    }
    # Generous: a loaded machine starts it slowly.
    [ "$waited" -lt 1200 ] || fail "the server did not listen in 120 s: $*"
    sleep 0.1
    waited=$((waited + 1))
  done
  server_port="$(sed -n 's/.*listening on [^ ]*:\([0-9]*\) .*/\1/p' "$log" |
    head -n 1)"
  [ -n "$server_port" ] || fail "no port in the server's log ($log)"
}

# stop_server: SIGTERM, then waits; fails when the server does not exit 0.
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || fail "the server exited $? after SIGTERM"
}

# ccache for the consumer builds, with paths under the scratch directory
# made relative so that a run hits the cache of the one before.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$scratch"
fi
