#!/usr/bin/env bash
# Configures (once) and builds the project into build/, two jobs at a time.
#   deploy/build.sh [TARGET...]    default: everything
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_BUILD_DIR:-$project_dir/build}
jobs=${MOBILITY_BUILD_JOBS:-2}

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$project_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
if [ $# -eq 0 ]; then
  cmake --build "$build_dir" -j "$jobs"
else
  for target in "$@"; do cmake --build "$build_dir" -j "$jobs" --target "$target"; done
fi
