#!/usr/bin/env bash
# Measures the running services (start them with deploy/run.sh): memory at rest, then a bounded
# load on loopback. Figures go to var/bench/agreements.txt.
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var=$project_dir/var
build=${MOBILITY_BUILD_DIR:-$project_dir/build}
"$project_dir/deploy/build.sh" agreements_bench >/dev/null
pid=$(cat "$var/run/agreements.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null ||
  { echo "bench.sh: agreements is not running; start it with deploy/run.sh" >&2; exit 1; }
mkdir -p "$var/bench"
out=$var/bench/agreements.txt
rss_at_rest=$(ps -o rss= -p "$pid" | tr -d ' ')
"$build/tools/bench/agreements_bench" --signing_key "$var/keys/jwt-private.pem" --output "$out" "$@"
rss_after=$(ps -o rss= -p "$pid" | tr -d ' ')
echo "agreements_server rss_kib_at_rest=$rss_at_rest rss_kib_after_load=$rss_after" | tee -a "$out"
