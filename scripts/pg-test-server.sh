#!/usr/bin/env bash
# A throwaway PostgreSQL server for servio's store tests.
#
#   eval "$(bash scripts/pg-test-server.sh start)"   # installs PostgreSQL if missing, starts a cluster,
#                                                     # exports SERVIO_TEST_POSTGRES_URL and SERVIO_TEST_POSTGRES_DIR
#   bash scripts/pg-test-server.sh stop [DIR]         # stops it and removes its folder (DIR defaults to
#                                                     # $SERVIO_TEST_POSTGRES_DIR)
#
# The cluster lives in a temporary folder, listens on 127.0.0.1 on a free port
# with trust authentication (loopback only, throwaway data), and runs as the
# `postgres` system user when started by root (initdb refuses root).
# Progress goes to stderr; stdout carries only the export lines.
set -euo pipefail

log() { echo "pg-test-server: $*" >&2; }

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

install_postgres() {
  if pg_bindir >/dev/null; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    log "PostgreSQL is not installed and this is not root: install the 'postgresql' package first"
    exit 1
  fi
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  install_postgres
  local bindir dir port
  bindir=$(pg_bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/servio-pg.XXXXXX")
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /bin/false postgres
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  log "initdb in $dir ($bindir)"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        start >&2; then
      break
    fi
    log "start on port $port failed (attempt $attempt)"; tail -n 20 "$dir/server.log" >&2 || true
    port=""
  done
  [[ -n "$port" ]] || exit 1
  log "PostgreSQL running on 127.0.0.1:$port"
  echo "export SERVIO_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "export SERVIO_TEST_POSTGRES_DIR=$dir"
}

stop() {
  local dir="${1:-${SERVIO_TEST_POSTGRES_DIR:-}}"
  if [[ -z "$dir" || ! -d "$dir/data" ]]; then log "no test cluster to stop"; return 0; fi
  local bindir
  bindir=$(pg_bindir)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop [DIR]" >&2; exit 2 ;;
esac
