#!/usr/bin/env bash
# Measures the running services (start them with deploy/run.sh) against this machine's limits, in
# one run: each service's health Check, pgbench on the same cluster, and every workload at
# concurrency 1, 8 and 64. Figures go to var/bench/results.json; a table with each workload's ratio
# to its limit is printed. Extra arguments go to mobility_bench (e.g. --seconds 5).
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var=$project_dir/var
build=${MOBILITY_BUILD_DIR:-$project_dir/build}
db=$project_dir/deploy/db.sh
services=(agreements grants inquiries)
export PATH=/usr/lib/postgresql/15/bin:$PATH
"$project_dir/deploy/build.sh" mobility_bench inquiries_server gateway >/dev/null

pids=()
for s in "${services[@]}"; do
  pid=$(cat "$var/run/$s.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null ||
    { echo "bench.sh: $s is not running; start it with deploy/run.sh" >&2; exit 1; }
  pids+=("$s=$pid")
done
admin_url=$("$db" url) ||
  { echo "bench.sh: needs the project's own PostgreSQL (deploy/run.sh without DATABASE_URL)" >&2; exit 1; }
agreements_url=$("$db" url agreements)

# pgbench's own tables live in a database of their own on the same cluster.
pgbench_url=${admin_url%/mobility}/pgbench
if ! psql -X -tAc "SELECT 1 FROM pg_database WHERE datname = 'pgbench'" "$admin_url" | grep -q 1; then
  psql -X -qc "CREATE DATABASE pgbench" "$admin_url"
  pgbench -i -q -s 1 "$pgbench_url" >/dev/null 2>&1
fi

# Registration is measured on a registry of the bench's own: every registration takes a number of
# the gap-free legal sequence, which the office's registry must not lose to a load test. An
# inquiries service on a database of its own (no rate limit worth the name, no mail sent) and a
# gateway in front of it live for the bench only.
registry_db=mobility_bench_registry
registry_url=${admin_url%/mobility}/$registry_db
registry_port=50154 registry_gateway_port=8180
registry_pids=()
stop_registry() {
  for pid in "${registry_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${registry_pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  done
  psql -X -qc "DROP DATABASE IF EXISTS $registry_db" "$admin_url" >/dev/null 2>&1 || true
}
trap stop_registry EXIT
psql -X -qc "DROP DATABASE IF EXISTS $registry_db" -c "CREATE DATABASE $registry_db" "$admin_url"
DATABASE_URL=$registry_url MOBILITY_SMTP_URL= MOBILITY_JWT_PUBLIC_KEY_FILE=$var/keys/jwt-public.pem \
  MOBILITY_PAGE_TOKEN_KEY_FILE=$var/keys/page-token.key "$build/services/inquiries/inquiries_server" \
  --listen "127.0.0.1:$registry_port" --submissions_per_hour 1000000000 \
  >>"$var/log/bench-registry.log" 2>&1 &
registry_pids+=($!)
"$build/services/gateway/gateway" --listen "127.0.0.1:$registry_gateway_port" \
  --inquiries_address "127.0.0.1:$registry_port" \
  --service_token_file "$var/keys/gateway-service.token" >>"$var/log/bench-registry.log" 2>&1 &
registry_pids+=($!)
ready=0
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$registry_gateway_port/readyz" >/dev/null && { ready=1; break; }
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "bench.sh: the bench's registry did not start; see $var/log/bench-registry.log" >&2; exit 1; }

mkdir -p "$var/bench"
status=0
(cd "$project_dir" && "$build/tools/bench/mobility_bench" \
  --signing_key "$var/keys/jwt-private.pem" \
  --pgbench_database_url "$pgbench_url" \
  --agreements_database_url "${agreements_url}?options=-c%20search_path%3Dagreements" \
  --service_pids "$(IFS=,; echo "${pids[*]}")" \
  --registry_inquiries_address "127.0.0.1:$registry_port" \
  --registry_gateway_address "127.0.0.1:$registry_gateway_port" \
  --output "$var/bench/results.json" "$@") || status=$?
# The allocation script's rows are the bench's, not the office's.
psql -X -qc "DELETE FROM mobility_allocations WHERE allocation_key LIKE 'pgbench/%'" \
  "${agreements_url}?options=-c%20search_path%3Dagreements" >/dev/null
echo "figures: $var/bench/results.json"
exit $status
