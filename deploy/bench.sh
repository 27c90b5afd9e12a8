#!/usr/bin/env bash
# Measures the running services (start them with deploy/run.sh): memory at rest, then a bounded
# load on loopback, then memory again. Figures go to var/bench/mobility.txt.
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
var=$project_dir/var
build=${MOBILITY_BUILD_DIR:-$project_dir/build}
services=(agreements grants)
"$project_dir/deploy/build.sh" mobility_bench >/dev/null
rss() {
  for s in "${services[@]}"; do
    pid=$(cat "$var/run/$s.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null ||
      { echo "bench.sh: $s is not running; start it with deploy/run.sh" >&2; exit 1; }
    printf '%s_rss_kib_%s=%s ' "$s" "$1" "$(ps -o rss= -p "$pid" | tr -d ' ')"
  done
}
mkdir -p "$var/bench"
out=$var/bench/mobility.txt
at_rest=$(rss at_rest)
"$build/tools/bench/mobility_bench" --signing_key "$var/keys/jwt-private.pem" --output "$out" "$@"
echo "$at_rest$(rss after_load)" | tee -a "$out"
