#!/usr/bin/env bash
# Configures (once) and builds the project into build/, two jobs at a time, with Ninja in one build
# so that both cores stay busy across targets (a target's files compile while the libraries it
# links are still being made). Release (-O2) without debug info: the test executables' own code
# keeps it (mobility_test), and the fuzz build has its own.
#   deploy/build.sh [TARGET...]    default: everything
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_BUILD_DIR:-$project_dir/build}
jobs=${MOBILITY_BUILD_JOBS:-2}

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$project_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" -j "$jobs" ${1:+--target "$@"}
