#!/bin/bash
# Starts or stops the throwaway PostgreSQL cluster of a test run.
#
#   cluster.sh start STATE_DIR   initdb in a new folder under /tmp, start the
#                                server on a Unix socket there (no TCP), and
#                                write its base URI to STATE_DIR/url
#   cluster.sh stop STATE_DIR    stop it and remove the folder
#
# PostgreSQL refuses to run as root: as root the cluster belongs to, and
# runs as, the unprivileged user "nobody" (the folder is under /tmp so that
# it can reach it). Test databases are made by the tests (CREATE DATABASE);
# the cluster trusts local connections as user "hotline". fsync is off: the
# tests kill hotline servers, never this cluster. HOTLINE_PG_FSYNC=on turns
# it on, for a benchmark whose commits must reach the disk.
set -euo pipefail

command=$1
state=$2
mkdir -p "$state"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL's server is not installed (Debian: postgresql);" \
    "run scripts/install-deps.sh" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    if [ -f "$state/folder" ]; then
      "$0" stop "$state" || true
    fi
    folder=$(mktemp -d /tmp/hotline-pg.XXXXXX)
    chmod 700 "$folder"
    if [ "$(id -u)" = 0 ]; then chown nobody "$folder"; fi
    echo "$folder" > "$state/folder"
    as_owner "$bin/initdb" -D "$folder/data" -U hotline --auth=trust \
      --encoding=UTF8 --locale=C -N > "$folder/initdb.log" 2>&1 || {
        cat "$folder/initdb.log" >&2; exit 1; }
    as_owner mkdir "$folder/socket"
    # Waits for it to accept connections: generously (-t), for a loaded
    # machine.
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 150 \
      -o "-k $folder/socket -c listen_addresses='' -c fsync=${HOTLINE_PG_FSYNC:-off} \
          -c max_connections=300 -c shared_buffers=64MB" start > /dev/null || {
        cat "$folder/server.log" >&2; exit 1; }
    # The socket folder must be reachable by the tests (they may be root or
    # the owner); the data stays the owner's.
    chmod 711 "$folder"
    chmod 777 "$folder/socket"
    echo "postgresql://hotline@/postgres?host=$folder/socket" > "$state/url"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the" \
      "tests: $(cat "$state/url")"
    ;;
  stop)
    if [ -f "$state/folder" ]; then
      folder=$(cat "$state/folder")
      if [ -d "$folder/data" ]; then
        as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop \
          > /dev/null 2>&1 || true
      fi
      rm -rf "$folder"
      rm -f "$state/folder" "$state/url"
    fi
    ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
