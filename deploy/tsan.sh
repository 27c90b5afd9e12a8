#!/usr/bin/env bash
# Builds the unit and in-process service tests with clang-14 and ThreadSanitizer into build-tsan/
# (with clang's lock analysis as an error) and runs them. A data race or a lock-order inversion
# fails the run with both stacks. deploy/test.sh runs it while its PostgreSQL is up; alone, set
# MOBILITY_TEST_DATABASE_URL as deploy/test.sh does. Arguments go to CTest.
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_TSAN_BUILD_DIR:-$project_dir/build-tsan}

# The contracts compiled once, in the main build, and linked from there.
main_build=${MOBILITY_BUILD_DIR:-$project_dir/build}
"$project_dir/deploy/build.sh" mobility_protos mobility_grpc_protos mobility_descriptor_set
cmake -S "$project_dir" -B "$build_dir" -G Ninja -DMOBILITY_TSAN=ON \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DMOBILITY_CONTRACTS_BUILD="$main_build" >/dev/null
cmake --build "$build_dir" -j "${MOBILITY_BUILD_JOBS:-2}" --target tsan_tests
# A report fails the test's process (exit code 66). Accesses made inside Debian's uninstrumented
# libraries (gRPC sending a buffer, freeing its own objects) are not ours to check; the second stack
# of a lock-order report helps; tests/tsan/suppressions.txt names the one race of gRPC's own.
export TSAN_OPTIONS="ignore_noninstrumented_modules=1 second_deadlock_stack=1 history_size=4 \
suppressions=$project_dir/tests/tsan/suppressions.txt ${TSAN_OPTIONS:-}"
ctest --test-dir "$build_dir" --output-on-failure -j "${MOBILITY_TEST_JOBS:-2}" "$@"
