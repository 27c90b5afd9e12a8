#!/usr/bin/env bash
# Backups of the project's PostgreSQL cluster (deploy/db.sh) with pgBackRest: WAL archived as it is
# written, full and incremental backups, and a restore to any point in time into a fresh cluster.
#
#   deploy/backup.sh setup          turn on WAL archiving (restarts the cluster) and create the stanza
#   deploy/backup.sh full|diff|incr take a backup of that type
#   deploy/backup.sh info           what the repository holds
#   deploy/backup.sh check          switch to a new WAL file and wait until the last is archived
#   deploy/backup.sh restore TIME DIR
#                                   restore the state at TIME ("2026-12-03 14:05:00+00") into the
#                                   new folder DIR, start it on a free port, print its URL
#   deploy/backup.sh stop-restored DIR
#
# Settings (environment): MOBILITY_PG_DIR as for deploy/db.sh; MOBILITY_BACKUP_REPO, the
# repository's folder (default: backups/ beside the cluster's folder; in production another
# machine's disk or an object store, see pgBackRest's repo1-type); MOBILITY_BACKUP_FULL_RETENTION,
# how many full backups are kept (default 2: with the WAL between them, any point since the older).
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_bin=/usr/lib/postgresql/15/bin
command -v pgbackrest >/dev/null || { echo "backup.sh: pgbackrest is not installed: run deploy/install-deps.sh" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

db=$project_dir/deploy/db.sh
url=$("$db" url)
dir=$(dirname "$(as_postgres "$pg_bin/psql" -X -At -d "$url" -c 'SHOW data_directory')")
port=$(cat "$dir/port")
repo=${MOBILITY_BACKUP_REPO:-$(dirname "$dir")/backups}
conf=$dir/pgbackrest.conf
stanza=mobility

write_config() {
  mkdir -p "$repo" "$dir/pgbackrest-log" "$dir/pgbackrest-lock"
  chown postgres: "$repo" "$dir/pgbackrest-log" "$dir/pgbackrest-lock" 2>/dev/null || true
  cat > "$conf" <<CONF
[global]
repo1-path=$repo
repo1-retention-full=${MOBILITY_BACKUP_FULL_RETENTION:-2}
log-path=$dir/pgbackrest-log
lock-path=$dir/pgbackrest-lock
log-level-console=warn
start-fast=y
compress-type=zst

[$stanza]
pg1-path=$dir/data
pg1-port=$port
pg1-socket-path=$dir
pg1-user=postgres
CONF
  chmod 0644 "$conf"
}

pgbr() { as_postgres pgbackrest --config="$conf" --stanza="$stanza" "$@"; }

case "${1:-}" in
  setup)
    write_config
    as_postgres "$pg_bin/psql" -X -q -d "$url" \
      -c "ALTER SYSTEM SET wal_level = 'replica'" \
      -c "ALTER SYSTEM SET archive_mode = 'on'" \
      -c "ALTER SYSTEM SET archive_command = 'pgbackrest --config=$conf --stanza=$stanza archive-push %p'" \
      -c "ALTER SYSTEM SET max_wal_senders = 3"
    as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart -l "$dir/postgres.log" >/dev/null
    pgbr stanza-create
    pgbr check
    echo "backup.sh: archiving WAL of $dir/data into $repo" >&2
    ;;
  full|diff|incr)
    pgbr backup --type="$1"
    ;;
  info)
    pgbr info
    ;;
  check)
    pgbr check
    ;;
  restore)
    target=${2:?restore TIME DIR}
    into=${3:?restore TIME DIR}
    [ ! -e "$into" ] || { echo "backup.sh: $into exists; restore into a new folder" >&2; exit 2; }
    mkdir -p "$into/data" && chmod 0700 "$into/data" && chown -R postgres: "$into"
    pgbr restore --pg1-path="$into/data" --type=time "--target=$target" --target-action=promote
    # A port free when probed may be taken before PostgreSQL binds it (55432 and up lie in Linux's
    # ephemeral range, which every outgoing connection draws from): then the next one.
    p=55432
    for attempt in 1 2 3 4 5; do
      while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
      echo "$p" > "$into/port"
      # The restored cluster archives nothing: it is a copy to read, not the office's database.
      as_postgres "$pg_bin/pg_ctl" -D "$into/data" -l "$into/postgres.log" -w -t 120 \
        -o "-c port=$p -c listen_addresses=127.0.0.1 -c unix_socket_directories=$into -c max_connections=200 -c archive_mode=off" \
        start >/dev/null && break
      if [ $attempt = 5 ] || ! grep -q "could not bind" "$into/postgres.log"; then
        echo "backup.sh: the restored cluster did not start on port $p:" >&2
        tail -n 20 "$into/postgres.log" >&2
        exit 1
      fi
      p=$((p + 1))
    done
    # Recovery ends with a promotion; until then the copy is read-only.
    for _ in $(seq 1 300); do
      [ "$(as_postgres "$pg_bin/psql" -X -At -h "$into" -p "$p" -d postgres -c 'SELECT pg_is_in_recovery()')" = f ] && break
      sleep 0.1
    done
    printf 'postgresql://postgres:%s@127.0.0.1:%s/mobility\n' "$(cat "$dir/password")" "$p"
    ;;
  stop-restored)
    as_postgres "$pg_bin/pg_ctl" -D "${2:?stop-restored DIR}/data" -m fast -w stop >/dev/null
    ;;
  *) echo "usage: deploy/backup.sh setup|full|diff|incr|info|check|restore TIME DIR|stop-restored DIR" >&2; exit 2 ;;
esac
