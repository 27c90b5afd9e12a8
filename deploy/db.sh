#!/usr/bin/env bash
# The project's own PostgreSQL 15 cluster, on loopback only.
#
#   deploy/db.sh start    initdb if needed, start, create database "mobility", print its URL
#   deploy/db.sh stop     stop the cluster
#   deploy/db.sh url [SERVICE]
#                         print the URL of the running cluster (the superuser's), or the URL of
#                         SERVICE's own role, which may touch only the SERVICE schema
#   deploy/db.sh destroy  stop and delete the cluster's folder
#
# Settings (environment):
#   MOBILITY_PG_DIR   folder for the cluster; default <project>/var/postgres. PostgreSQL refuses to
#                     run as root and the postgres user cannot enter a checkout under /root, so as
#                     root with such a checkout it moves to /var/tmp/mobility-office-<hash>/postgres
#                     and says so.
#   MOBILITY_PG_PORT  port; default the first free one from 55432.
#   MOBILITY_PG_FAST  1 turns off fsync for throwaway test clusters.
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_bin=/usr/lib/postgresql/15/bin
[ -x "$pg_bin/initdb" ] || { echo "db.sh: PostgreSQL 15 is not installed: run deploy/install-deps.sh" >&2; exit 1; }

as_postgres() {
  # From /, which every user may enter: the caller may sit in a folder postgres cannot read.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pick_dir() {
  local dir=${MOBILITY_PG_DIR:-$project_dir/var/postgres}
  if [ "$(id -u)" -eq 0 ] && [ -z "${MOBILITY_PG_DIR:-}" ]; then
    mkdir -p "$dir"
    if ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
      local hash
      hash=$(printf '%s' "$project_dir" | sha1sum | cut -c1-12)
      dir=/var/tmp/mobility-office-$hash/postgres
      echo "db.sh: the postgres user cannot enter $project_dir; using $dir" >&2
    fi
  fi
  printf '%s' "$dir"
}

dir=$(pick_dir)
data=$dir/data
port_file=$dir/port
password_file=$dir/password

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

choose_port() {
  if [ -n "${MOBILITY_PG_PORT:-}" ]; then printf '%s' "$MOBILITY_PG_PORT"; return; fi
  local p=55432
  while port_in_use "$p"; do p=$((p + 1)); done
  printf '%s' "$p"
}

services=(agreements applications grants inquiries ewp)

url() {
  local service=${1:-}
  if [ -z "$service" ]; then
    printf 'postgresql://postgres:%s@127.0.0.1:%s/mobility\n' "$(cat "$password_file")" "$(cat "$port_file")"
  else
    [ -f "$dir/role-$service.password" ] || { echo "db.sh: no role for $service" >&2; exit 1; }
    printf 'postgresql://mobility_%s:%s@127.0.0.1:%s/mobility\n' "$service" \
      "$(cat "$dir/role-$service.password")" "$(cat "$port_file")"
  fi
}

admin_psql() {
  PGPASSWORD=$(cat "$password_file") PGOPTIONS='-c client_min_messages=warning' \
    psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$(cat "$port_file")" -U postgres "$@"
}

# A login role per service owning its schema (deploy/sql/service_role.sql).
provision_roles() {
  for s in "${services[@]}"; do
    local pw_file=$dir/role-$s.password
    [ -f "$pw_file" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$pw_file")
    admin_psql -d mobility -v role="mobility_$s" -v schema="$s" -v password="$(cat "$pw_file")" \
      -f "$project_dir/deploy/sql/service_role.sql" >/dev/null
  done
}

running() { [ -f "$data/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$password_file"
    chmod 600 "$password_file"
    local pwfile
    pwfile=$(as_postgres mktemp)
    as_postgres sh -c "cat > '$pwfile'" < "$password_file"
    as_postgres "$pg_bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 \
      --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    as_postgres rm -f "$pwfile"
  fi
  if running; then
    provision_roles
    url
    return
  fi
  choose_port > "$port_file"
  local options="-c listen_addresses=127.0.0.1 -c port=$(cat "$port_file") -c unix_socket_directories=$dir -c max_connections=200"
  if [ "${MOBILITY_PG_FAST:-0}" = 1 ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -o "$options" -w -t 60 start >/dev/null
  if ! admin_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'mobility'" | grep -q 1; then
    admin_psql -d postgres -c "CREATE DATABASE mobility"
  fi
  provision_roles
  echo "db.sh: PostgreSQL 15 on 127.0.0.1:$(cat "$port_file"), data in $data" >&2
  url
}

stop() {
  if running; then as_postgres "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running && url "${2:-}" || { echo "db.sh: not running" >&2; exit 1; } ;;
  destroy) stop; rm -rf "$dir" ;;
  *) echo "usage: deploy/db.sh start|stop|url|destroy" >&2; exit 2 ;;
esac
