#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `source scripts/pg-cluster.sh start` initialises a cluster in
# a temporary folder (trust auth, Unix socket only, no TCP), starts it and exports PGHOST, PGPORT, PGUSER and
# PGDATABASE; `scripts/pg-cluster.sh stop` (or the EXIT trap that start sets) stops it and removes the folder.
# Debian's postgresql package puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin; as root the
# cluster runs as the postgres user (initdb refuses root).
set -euo pipefail

pg_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

pg_start() {
  local bin dir
  bin=$(pg_bin) || { echo "pg-cluster: PostgreSQL's initdb not found (apt-get install postgresql)" >&2; return 1; }
  dir=$(mktemp -d /tmp/crm-pg.XXXXXX)
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1"
  as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-c listen_addresses='' -k '$dir' -c fsync=off -c full_page_writes=off\" start >/dev/null"
  export PGHOST="$dir" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres CRM_PG_CLUSTER="$dir"
  echo "pg-cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running in $dir" >&2
}

pg_stop() {
  local bin dir="${1:-${CRM_PG_CLUSTER:-}}"
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  bin=$(pg_bin) || return 0
  as_owner "'$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1" || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) pg_start; trap 'pg_stop' EXIT ;;
  stop) pg_stop "${2:-}" ;;
  *) echo "usage: source scripts/pg-cluster.sh start | scripts/pg-cluster.sh stop [DIR]" >&2; exit 2 ;;
esac
