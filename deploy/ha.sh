#!/usr/bin/env bash
# PostgreSQL without a single point of failure, on this machine: three PostgreSQL 15 members run by
# Patroni, which keeps its leader lock in a three-member etcd cluster, with synchronous replication
# (Patroni's synchronous_mode: a commit is acknowledged once a second member has it). When the
# primary dies, Patroni promotes the synchronous standby once the primary's lock expires (ttl 10 s);
# the services, given the multi-host URL this prints (target_session_attrs=read-write), connect to
# whichever member is primary. The same commands as deploy/db.sh, so deploy/run.sh can use either:
#
#   deploy/ha.sh start      start etcd and the members (first time: bootstrap), create database
#                           "mobility" and the services' roles, print the multi-host URL
#   deploy/ha.sh stop       stop the members, then etcd
#   deploy/ha.sh url [SERVICE]
#                           the superuser's URL, or SERVICE's own role's (deploy/sql/service_role.sql)
#   deploy/ha.sh status     patronictl's view: who leads, who is the synchronous standby, lag
#   deploy/ha.sh leader     the leading member's name (pg1, pg2, pg3)
#   deploy/ha.sh crash-leader
#                           a failover drill: SIGKILL to the leader's Patroni and to every process of
#                           its PostgreSQL at once, as if its machine were lost; prints its name.
#                           `start` brings it back, as a replica of the new leader (pg_rewind)
#   deploy/ha.sh destroy    stop and delete the folder
#
# Settings (environment):
#   MOBILITY_HA_DIR   folder; default <project>/var/ha (as root with a checkout the postgres user
#                     cannot enter: /var/tmp/mobility-office-<hash>/ha)
#   MOBILITY_PG_FAST  1 turns off fsync, for throwaway test clusters (a killed process still leaves
#                     its writes in the page cache; a lost machine would not).
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_bin=/usr/lib/postgresql/15/bin
members=(pg1 pg2 pg3)
services=(agreements applications grants inquiries ewp)
command -v patroni >/dev/null && command -v etcd >/dev/null ||
  { echo "ha.sh: patroni and etcd are not installed: run deploy/install-deps.sh" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pick_dir() {
  local dir=${MOBILITY_HA_DIR:-$project_dir/var/ha}
  if [ "$(id -u)" -eq 0 ] && [ -z "${MOBILITY_HA_DIR:-}" ]; then
    mkdir -p "$dir"
    if ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
      dir=/var/tmp/mobility-office-$(printf '%s' "$project_dir" | sha1sum | cut -c1-12)/ha
      echo "ha.sh: the postgres user cannot enter $project_dir; using $dir" >&2
    fi
  fi
  printf '%s' "$dir"
}
dir=$(pick_dir)

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Chooses the ports once, the first free ones from 55532, and keeps them in $dir/ports.
ports() {
  if [ ! -f "$dir/ports" ]; then
    local p=55532 chosen=()
    while [ ${#chosen[@]} -lt 12 ]; do
      port_in_use "$p" || chosen+=("$p")
      p=$((p + 1))
    done
    echo "${chosen[*]}" > "$dir/ports"
  fi
  read -r -a port < "$dir/ports"
  # 0-2 PostgreSQL, 3-5 Patroni's REST API, 6-8 etcd clients, 9-11 etcd peers.
}

secret() {
  local file=$dir/$1.password
  [ -f "$file" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$file")
  cat "$file"
}


write_configs() {
  local cluster="" i
  for i in 0 1 2; do cluster+="${cluster:+,}e$((i + 1))=http://127.0.0.1:${port[$((9 + i))]}"; done
  echo "$cluster" > "$dir/etcd-cluster"
  local hosts="127.0.0.1:${port[6]},127.0.0.1:${port[7]},127.0.0.1:${port[8]}"
  local fsync=on
  [ "${MOBILITY_PG_FAST:-0}" = 1 ] && fsync=off
  for i in 0 1 2; do
    local name=${members[$i]}
    mkdir -p "$dir/$name"
    cat > "$dir/$name.yml" <<EOF
scope: mobility
namespace: /mobility-office/
name: $name
log: {level: WARNING}
restapi:
  listen: 127.0.0.1:${port[$((3 + i))]}
  connect_address: 127.0.0.1:${port[$((3 + i))]}
etcd3:
  hosts: $hosts
bootstrap:
  dcs:
    # The primary's lock lasts 10 s without renewal; members look every second.
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    synchronous_mode: true
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 200
        synchronous_commit: "on"
        wal_log_hints: "on"
        fsync: "$fsync"
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
postgresql:
  listen: 127.0.0.1:${port[$i]}
  connect_address: 127.0.0.1:${port[$i]}
  data_dir: $dir/$name/data
  bin_dir: $pg_bin
  pgpass: $dir/$name/pgpass
  authentication:
    superuser: {username: postgres, password: "$(secret postgres)"}
    replication: {username: replicator, password: "$(secret replicator)"}
    rewind: {username: postgres, password: "$(secret postgres)"}
  pg_hba:
    - local all all peer
    - host all all 127.0.0.1/32 scram-sha-256
    - host replication replicator 127.0.0.1/32 scram-sha-256
  parameters:
    unix_socket_directories: "$dir/$name"
    password_encryption: scram-sha-256
EOF
    chmod 600 "$dir/$name.yml"
  done
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$dir"; fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Starts a program as the postgres user in the background, its pid in PID_FILE, its output in LOG.
spawn() {
  local pid_file=$1 log=$2
  shift 2
  alive "$pid_file" && return
  as_postgres setsid sh -c 'echo $$ > "$0"; exec "$@"' "$pid_file" "$@" >> "$log" 2>&1 < /dev/null &
}

rest() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$((3 + $1))]}/$2" || true; }

start() {
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
  ports
  write_configs
  local i state=new
  [ -d "$dir/e1" ] && state=existing
  for i in 0 1 2; do
    spawn "$dir/etcd$((i + 1)).pid" "$dir/etcd$((i + 1)).log" etcd --name "e$((i + 1))" \
      --data-dir "$dir/e$((i + 1))" --initial-cluster "$(cat "$dir/etcd-cluster")" \
      --initial-cluster-state "$state" --initial-cluster-token mobility-office \
      --listen-client-urls "http://127.0.0.1:${port[$((6 + i))]}" \
      --advertise-client-urls "http://127.0.0.1:${port[$((6 + i))]}" \
      --listen-peer-urls "http://127.0.0.1:${port[$((9 + i))]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${port[$((9 + i))]}"
  done
  for i in 0 1 2; do
    spawn "$dir/${members[$i]}.pid" "$dir/${members[$i]}.log" patroni "$dir/${members[$i]}.yml"
  done
  # A leader, a synchronous standby, and the third member streaming.
  local waited=0
  until [ "$(leader_index)" != "" ] && [ "$(count sync)" = 1 ] && [ "$(count replica)" = 2 ]; do
    sleep 1
    waited=$((waited + 1))
    if [ $waited -ge 120 ]; then
      echo "ha.sh: the cluster did not form in 120 s; see $dir/*.log" >&2
      exit 1
    fi
  done
  local leader
  leader=$(leader_index)
  if ! admin_psql "$leader" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'mobility'" | grep -q 1; then
    admin_psql "$leader" -d postgres -c "CREATE DATABASE mobility"
  fi
  local s
  for s in "${services[@]}"; do
    admin_psql "$leader" -d mobility -v role="mobility_$s" -v schema="$s" -v password="$(secret "role-$s")" \
      -f "$project_dir/deploy/sql/service_role.sql" >/dev/null
  done
  echo "ha.sh: PostgreSQL 15 on 127.0.0.1:${port[0]},${port[1]},${port[2]} (Patroni, etcd on ${port[6]}-${port[8]}), leader ${members[$leader]}, data in $dir" >&2
  url
}

leader_index() { local i; for i in 0 1 2; do [ "$(rest "$i" primary)" = 200 ] && { echo "$i"; return; }; done; }
count() { local i n=0; for i in 0 1 2; do [ "$(rest "$i" "$1")" = 200 ] && n=$((n + 1)); done; echo "$n"; }

admin_psql() {
  local member=$1
  shift
  PGPASSWORD=$(secret postgres) PGOPTIONS='-c client_min_messages=warning' \
    psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${port[$member]}" -U postgres "$@"
}

url() {
  local service=${1:-} user=postgres password
  password=$(secret postgres)
  if [ -n "$service" ]; then
    [ -f "$dir/role-$service.password" ] || { echo "ha.sh: no role for $service" >&2; exit 1; }
    user=mobility_$service password=$(secret "role-$service")
  fi
  # connect_timeout: a member that does not answer is passed over after 2 s.
  printf 'postgresql://%s:%s@127.0.0.1:%s,127.0.0.1:%s,127.0.0.1:%s/mobility?target_session_attrs=read-write&connect_timeout=2\n' \
    "$user" "$password" "${port[0]}" "${port[1]}" "${port[2]}"
}

# Waits up to 60 s for the processes in PID_FILES to end, after TERM.
stop_all() {
  local f waited=0
  for f in "$@"; do alive "$f" && kill -TERM "$(cat "$f")" || true; done
  for f in "$@"; do
    while alive "$f" && [ $waited -lt 600 ]; do sleep 0.1; waited=$((waited + 1)); done
    alive "$f" && kill -KILL "$(cat "$f")" || true
    rm -f "$f"
  done
}

stop() {
  [ -d "$dir" ] || return 0
  stop_all "$dir"/pg?.pid
  # A member whose Patroni was killed leaves its postmaster behind.
  local m
  for m in "${members[@]}"; do
    [ -f "$dir/$m/data/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$dir/$m/data" -m immediate stop >/dev/null 2>&1 || true
  done
  stop_all "$dir"/etcd?.pid
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) ports; [ -n "$(leader_index)" ] && url "${2:-}" || { echo "ha.sh: no primary" >&2; exit 1; } ;;
  status) ports; patronictl -c "$dir/pg1.yml" list ;;
  leader)
    ports
    i=$(leader_index)
    [ -n "$i" ] || { echo "ha.sh: no primary" >&2; exit 1; }
    echo "${members[$i]}" ;;
  crash-leader)
    ports
    i=$(leader_index)
    [ -n "$i" ] || { echo "ha.sh: no primary" >&2; exit 1; }
    m=${members[$i]}
    # Patroni starts PostgreSQL in a process group of its own: the postmaster and its backends.
    postmaster=$(head -1 "$dir/$m/data/postmaster.pid")
    kill -KILL -- "$(cat "$dir/$m.pid")" "-$(ps -o pgid= -p "$postmaster" | tr -d ' ')"
    rm -f "$dir/$m.pid"
    echo "$m" ;;
  destroy) stop; rm -rf "$dir" ;;
  *) echo "usage: deploy/ha.sh start|stop|url [SERVICE]|status|leader|crash-leader|destroy" >&2; exit 2 ;;
esac
