#!/usr/bin/env bash
# Configures (once) and builds the project into build/, two jobs at a time, in one build so that
# both cores stay busy across targets. Release (-O2) without debug info: the test executables'
# own code keeps it (mobility_test), and the sanitizer and fuzz builds have theirs.
#   deploy/build.sh [TARGET...]    default: everything
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_BUILD_DIR:-$project_dir/build}
jobs=${MOBILITY_BUILD_JOBS:-2}

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$project_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build_dir" -j "$jobs" ${1:+--target "$@"}
