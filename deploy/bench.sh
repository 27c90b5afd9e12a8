#!/usr/bin/env bash
# Measures the running services (start them with deploy/run.sh) against this machine's limits, in
# one run: each service's health Check, pgbench on the same cluster, and every workload at
# concurrency 1, 8 and 64. Figures go to var/bench/results.json; a table with each workload's ratio
# to its limit is printed. Extra arguments go to mobility_bench (e.g. --seconds 5).
# With --scale it measures the reads that must not slow down with the office's size on the bench's
# own stack, loads that stack with deploy/load-scale.sh, and measures them again.
set -euo pipefail
scale=0
for arg in "$@"; do [ "$arg" = --scale ] && scale=1; done
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var=$project_dir/var
build=${MOBILITY_BUILD_DIR:-$project_dir/build}
db=$project_dir/deploy/db.sh
services=(agreements applications grants inquiries)
export PATH=/usr/lib/postgresql/15/bin:$PATH
"$project_dir/deploy/build.sh" mobility_bench agreements_server applications_server grants_server \
  inquiries_server ewp_server gateway ewp_registry >/dev/null

pids=()
for s in "${services[@]}"; do
  pid=$(cat "$var/run/$s.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null ||
    { echo "bench.sh: $s is not running; start it with deploy/run.sh" >&2; exit 1; }
  pids+=("$s=$pid")
done
admin_url=$("$db" url) ||
  { echo "bench.sh: needs the project's own PostgreSQL (deploy/run.sh without DATABASE_URL)" >&2; exit 1; }

# pgbench's own tables live in a database of their own on the same cluster.
pgbench_url=${admin_url%/mobility}/pgbench
if ! psql -X -tAc "SELECT 1 FROM pg_database WHERE datname = 'pgbench'" "$admin_url" | grep -q 1; then
  psql -X -qc "CREATE DATABASE pgbench" "$admin_url"
  pgbench -i -q -s 1 "$pgbench_url" >/dev/null 2>&1
fi

# What the bench writes goes to a database of its own, never the office's: every registration
# takes a number of the gap-free legal sequence, every selection a place and a grant, and the
# bench's agreement would otherwise be among the agreements in force the public pages list. On
# that database runs, for the bench only, every service and a gateway in front of them: the office
# the writes are measured on (no rate limit worth the name on inquiries, no mail sent).
bench_db=mobility_bench
bench_url=${admin_url%/mobility}/$bench_db
# Below Linux's ephemeral range (32768-60999): no outgoing connection can hold one of them when the
# bench's services start.
declare -A bench_port=([agreements]=30151 [applications]=30152 [grants]=30153 [inquiries]=30154
                       [ewp]=30155 [gateway]=8180)
ewp_http=127.0.0.1:8190
bench_pids=() bench_service_pids=()
stop_bench_services() {
  for pid in "${bench_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  done
  psql -X -qc "DROP DATABASE IF EXISTS $bench_db" "$admin_url" >/dev/null 2>&1 || true
}
trap stop_bench_services EXIT
psql -X -qc "DROP DATABASE IF EXISTS $bench_db" -c "CREATE DATABASE $bench_db" "$admin_url"
export MOBILITY_JWT_PUBLIC_KEY_FILE=$var/keys/jwt-public.pem MOBILITY_PAGE_TOKEN_KEY_FILE=$var/keys/page-token.key
export MOBILITY_INTERNAL_JWT_PUBLIC_KEY_FILE=$var/keys/internal-jwt-public.pem
export MOBILITY_EWP_JWT_PUBLIC_KEY_FILE=$var/keys/ewp-token-public.pem
# The bench poses as Vidzeme's system on the EWP endpoints of its stack: a key of its own, listed
# for va.lv in that stack's catalogue.
partner_key=$var/keys/ewp-bench-partner.pem
[ -f "$partner_key" ] || (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$partner_key" 2>/dev/null)
mkdir -p "$var/bench"
"$build/tools/ewp_registry/ewp_registry" "client:va.lv=$partner_key" > "$var/bench/ewp-catalogue.xml"
export MOBILITY_INSTITUTION=institutions/kokshetau-amu
export MOBILITY_SMTP_URL=
bench_address() { echo "127.0.0.1:${bench_port[$1]}"; }
export MOBILITY_AGREEMENTS_ADDRESS=$(bench_address agreements) \
  MOBILITY_APPLICATIONS_ADDRESS=$(bench_address applications) \
  MOBILITY_GRANTS_ADDRESS=$(bench_address grants) MOBILITY_INQUIRIES_ADDRESS=$(bench_address inquiries) \
  MOBILITY_EWP_ADDRESS=$(bench_address ewp)
for s in agreements applications grants inquiries ewp gateway; do
  binary=$build/services/$s/${s}_server args=()
  [ "$s" = gateway ] && binary=$build/services/gateway/gateway
  [ "$s" = inquiries ] && args=(--submissions_per_hour 1000000000)
  [ "$s" = ewp ] && args=(--http_listen "$ewp_http" --public_url "http://$ewp_http" --hei_id kuam.kz
    --hei_name "Abay Myrzakhmetov Kokshetau University" --admin_email ewp-admin@example.kz
    --client_key_file "$var/keys/ewp-client.pem" --server_key_file "$var/keys/ewp-server.pem"
    --token_key_file "$var/keys/ewp-token.pem" --registry "$var/bench/ewp-catalogue.xml"
    --agreements_address "$(bench_address agreements)" --allow_plain_http)
  DATABASE_URL=$bench_url MOBILITY_SERVICE_TOKEN_FILE=$var/keys/$s-service.token \
    "$binary" --listen "$(bench_address "$s")" --metrics_listen 127.0.0.1:0 "${args[@]}" \
    >>"$var/log/bench-services.log" 2>&1 &
  bench_pids+=($!)
  [ "$s" = gateway ] || bench_service_pids+=("$s=$!")
done
ready=0
for _ in $(seq 1 100); do
  curl -sf "http://$(bench_address gateway)/readyz" >/dev/null && { ready=1; break; }
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "bench.sh: the bench's services did not start; see $var/log/bench-services.log" >&2; exit 1; }

bench_stack=$(for s in agreements applications grants inquiries gateway; do printf '%s,' "$(bench_address "$s")"; done)
bench_stack=${bench_stack%,}
if [ "$scale" = 1 ]; then
  # The memory that counts is the loaded stack's.
  pids=("${bench_service_pids[@]}")
  set -- "$@" --scale_loader "$project_dir/deploy/load-scale.sh --stack $bench_stack --database_url $bench_url ${MOBILITY_SCALE_DIVISOR:+--divisor $MOBILITY_SCALE_DIVISOR}"
fi
output=$var/bench/results.json
[ "$scale" = 1 ] && output=$var/bench/scale.json

# The peer built the usual way in another stack (../shared/peers/read-peer: grpc-go and pgx on the
# same database), when it is built: peer.GetAgreement, measured against our GetAgreement.
peer_args=()
peer_bin=${PEER_WORK_DIR:-/var/tmp/mobility-peers}/read-peer
if [ -x "$peer_bin" ]; then
  DATABASE_URL=$("$db" url agreements) "$peer_bin" -listen 127.0.0.1:30161 \
    -pubkey "$var/keys/jwt-public.pem" 2>"$var/log/read-peer.log" &
  peer_pid=$!
  bench_pids+=("$peer_pid")
  peer_args=(--peer_address 127.0.0.1:30161)
  pids+=("peer=$peer_pid")
fi

status=0
(cd "$project_dir" && "$build/tools/bench/mobility_bench" \
  --signing_key "$var/keys/jwt-private.pem" \
  --internal_signing_key "$var/keys/internal-jwt-private.pem" \
  --pgbench_database_url "$pgbench_url" \
  --agreements_database_url "${bench_url}?options=-c%20search_path%3Dagreements" \
  --service_pids "$(IFS=,; echo "${pids[*]}")" \
  --bench_stack "$bench_stack" \
  --ewp_address "$ewp_http" --ewp_partner_key "$partner_key" \
  "${peer_args[@]}" --output "$output" "$@") || status=$?
echo "figures: $output"
exit $status
