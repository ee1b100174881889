#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the ledger tests (tests/CMakeLists.txt
# runs it as the ctest fixture "ledger_postgres"; docs/postgres.md).
#
#   scripts/pg-test-cluster.sh start DIR   initdb (trust auth) in a fresh private directory under /tmp,
#                                          start it serving a unix socket only, and write its URI to
#                                          DIR/conninfo, which the tests read (CREDO_TEST_POSTGRES_FILE)
#   scripts/pg-test-cluster.sh stop DIR    stop that cluster and remove it
#
# Without PostgreSQL's server binaries (Debian package `postgresql`), start
# says why, writes no DIR/conninfo, and succeeds: the PostgreSQL tests skip.
# As root, the server runs as the user `postgres` (it refuses to run as root).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 1; }
[ $# -eq 2 ] || usage
action=$1
dir=$2
mkdir -p "$dir"

# The newest installed server's binaries, e.g. /usr/lib/postgresql/15/bin.
server_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Runs a server binary as the user the cluster belongs to.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$dir/cluster" ] || return 0
  local cluster bin
  cluster=$(cat "$dir/cluster")
  bin=$(server_bin)
  if [ -f "$cluster/data/postmaster.pid" ] && [ -n "$bin" ]; then
    (cd "$cluster" && as_owner "$bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null) || true
  fi
  rm -rf "$cluster" "$dir/cluster" "$dir/conninfo"
}

start() {
  stop  # a cluster an interrupted run left behind
  local bin
  bin=$(server_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "pg-test-cluster: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb; Debian package" \
         "postgresql): the PostgreSQL ledger tests will skip"
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "pg-test-cluster: running as root but there is no user 'postgres' to run the server as:" \
         "the PostgreSQL ledger tests will skip"
    return 0
  fi
  # /tmp rather than DIR: the server's user must reach it, and a socket path is short.
  local cluster
  cluster=$(mktemp -d /tmp/credo-pg.XXXXXX)
  echo "$cluster" >"$dir/cluster"
  chmod 755 "$cluster"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$cluster"
  cd "$cluster"
  if ! as_owner "$bin/initdb" -D "$cluster/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
       >"$cluster/initdb.log" 2>&1; then
    cat "$cluster/initdb.log" >&2
    echo "pg-test-cluster: initdb failed" >&2
    return 1
  fi
  # No TCP (listen_addresses=''): the socket lives in the cluster's own
  # directory, so the port only names it and the default is always free.
  # Durability is not needed for a throwaway cluster: fsync off.
  local port=5432
  if ! as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
       -o "-c listen_addresses='' -c unix_socket_directories='$cluster' -p $port -c fsync=off" \
       -o "-c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
    cat "$cluster/server.log" >&2
    echo "pg-test-cluster: the server did not start" >&2
    return 1
  fi
  echo "postgresql:///postgres?host=$cluster&port=$port&user=postgres" >"$dir/conninfo"
  echo "pg-test-cluster: PostgreSQL $(basename "$(dirname "$bin")") at $(cat "$dir/conninfo")"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
