#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 into build-fuzz/ (AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs each for --seconds (default 10). A crash fails the run;
# its input is in build-fuzz/tests/fuzz/crashes/ and becomes a seed in tests/fuzz/corpus/ with the
# fix. deploy/test.sh runs it with the default; a longer run: deploy/fuzz.sh --seconds 600.
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_FUZZ_BUILD_DIR:-$project_dir/build-fuzz}
seconds=10
if [ "${1:-}" = --seconds ]; then seconds=$2; shift 2; fi

# The contracts compiled once, in the main build, and linked from there.
main_build=${MOBILITY_BUILD_DIR:-$project_dir/build}
"$project_dir/deploy/build.sh" mobility_protos
cmake -S "$project_dir" -B "$build_dir" -DMOBILITY_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DMOBILITY_CONTRACTS_BUILD="$main_build" -DMOBILITY_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build_dir" -j "${MOBILITY_BUILD_JOBS:-2}"
# One target at a time: each takes a core for its time, and the machine has two.
ctest --test-dir "$build_dir" --output-on-failure -j 2 "$@"
