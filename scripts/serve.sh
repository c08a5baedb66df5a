#!/usr/bin/env bash
# Quick start: installs what is missing, builds in Release and starts
# hotline-server on 127.0.0.1 with the database var/hotline.db. On the first
# run it makes a bureau token and keeps it in var/bureau.token (mode 600).
#
#   scripts/serve.sh                 # gRPC on 127.0.0.1:7345, HTTP/JSON and
#                                    # the web console on 127.0.0.1:8080
#   scripts/serve.sh --listen 127.0.0.1:9000 --sync=normal   # extra flags
#
# Every argument is passed on to hotline-server (`hotline-server --help`
# lists its flags); --listen and --http_listen, in either form, also set the
# addresses shown.
set -euo pipefail
cd "$(dirname "$0")/.."

# The address to show: the last --listen (or -listen, as the server's flag
# parser also accepts), written --listen=X or --listen X. It is passed on
# once, with the other arguments in their order.
listen=127.0.0.1:7345
http_listen=127.0.0.1:8080
server_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --listen=* | -listen=*) listen="${1#*=}" ;;
    --listen | -listen)
      if [ $# -lt 2 ]; then
        echo "serve.sh: $1 needs an address, e.g. $1 127.0.0.1:9000" >&2
        exit 2
      fi
      listen="$2"
      shift
      ;;
    --http_listen=* | -http_listen=*) http_listen="${1#*=}" ;;
    --http_listen | -http_listen)
      if [ $# -lt 2 ]; then
        echo "serve.sh: $1 needs an address, e.g. $1 127.0.0.1:8081" >&2
        exit 2
      fi
      http_listen="$2"
      shift
      ;;
    *) server_args+=("$1") ;;
  esac
  shift
done

scripts/install-deps.sh
if [ ! -x build/release/server/hotline-server ]; then
  echo "serve.sh: first build of hotline-server and hotlinectl in" \
    "build/release: about 10 minutes on 2 cores (later starts take" \
    "seconds)" >&2
fi
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  >/dev/null
cmake --build build/release -j"$(nproc)" --target hotline-server hotlinectl

mkdir -p var
db=var/hotline.db
if [ ! -s var/bureau.token ]; then
  (umask 077 && build/release/server/hotline-server --db="$db" \
    --create_token=bureau --token_name="first bureau token" \
    >var/bureau.token 2>/dev/null)
  echo "made a first bureau token in var/bureau.token" >&2
fi

cat <<MSG

hotline-server is starting on $listen with the database $db.
In another terminal:

  export HOTLINE_SERVER=$listen
  export HOTLINE_TOKEN=\$(cat $(pwd)/var/bureau.token)
  $(pwd)/build/release/tools/hotlinectl health
  $(pwd)/build/release/tools/hotlinectl help

The web console: http://$http_listen/console/ (sign in with the token in
var/bureau.token); the HTTP/JSON API: http://$http_listen/v1/...

Stop with Ctrl-C (calls in flight finish, the database is closed cleanly).

MSG
exec build/release/server/hotline-server --db="$db" --listen="$listen" \
  --http_listen="$http_listen" \
  "${server_args[@]}"
