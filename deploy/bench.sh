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
"$project_dir/deploy/build.sh" mobility_bench >/dev/null

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

mkdir -p "$var/bench"
status=0
(cd "$project_dir" && "$build/tools/bench/mobility_bench" \
  --signing_key "$var/keys/jwt-private.pem" \
  --pgbench_database_url "$pgbench_url" \
  --agreements_database_url "${agreements_url}?options=-c%20search_path%3Dagreements" \
  --service_pids "$(IFS=,; echo "${pids[*]}")" \
  --output "$var/bench/results.json" "$@") || status=$?
# The allocation script's rows are the bench's, not the office's.
psql -X -qc "DELETE FROM mobility_allocations WHERE allocation_key LIKE 'pgbench/%'" \
  "${agreements_url}?options=-c%20search_path%3Dagreements" >/dev/null
echo "figures: $var/bench/results.json"
exit $status
