#!/usr/bin/env bash
# Runs a command with the services servio's tests need, installed and started here:
# a throwaway PostgreSQL server (scripts/pg-test-server.sh) and Debian's Chromium for
# the browser tests. Used by `make test`, so the README's test command works on a fresh machine.
#
#   bash scripts/with-test-services.sh COMMAND...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { echo "test-services: $*" >&2; }

if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    log "installing Chromium from Debian's packages for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq chromium >&2
  else
    log "no /usr/bin/chromium and not root: browser tests will be skipped"
  fi
fi
# the browser tests fail instead of skipping when Chromium is there to be used
if [[ -x /usr/bin/chromium ]]; then export SERVIO_REQUIRE_BROWSER=1; fi

if [[ -z "${SERVIO_TEST_POSTGRES_URL:-}" ]]; then
  # a failed start must fail the run, not silently skip the PostgreSQL half of the store tests
  pg_env=$(bash "$here/pg-test-server.sh" start)
  eval "$pg_env"
  trap 'bash "$here/pg-test-server.sh" stop "${SERVIO_TEST_POSTGRES_DIR:-}"' EXIT
fi
# the store tests fail instead of skipping when this is set and no server answers
export SERVIO_REQUIRE_POSTGRES=1
"$@"
