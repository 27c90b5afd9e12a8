#!/usr/bin/env bash
# Runs every test of Mobility Office: installs the Debian packages, builds, starts a throwaway
# PostgreSQL 15 cluster (as the postgres user, on a free loopback port), runs CTest, and stops and
# deletes the cluster whatever the outcome; runs the unit and in-process service tests again under
# ThreadSanitizer (deploy/tsan.sh) while the cluster is up; then checks the lock annotations with
# clang (deploy/thread_safety.sh) and runs each fuzz target for a few seconds (deploy/fuzz.sh).
# Arguments go to CTest, and skip the rest.
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_BUILD_DIR:-$project_dir/build}

"$project_dir/deploy/install-deps.sh"
"$project_dir/deploy/build.sh"

# /var/tmp rather than the checkout: the postgres user may not be able to enter the checkout.
export MOBILITY_PG_DIR
MOBILITY_PG_DIR=$(mktemp -d /var/tmp/mobility-test-pg.XXXXXX)
trap '"$project_dir/deploy/db.sh" destroy' EXIT
url=$(MOBILITY_PG_FAST=1 "$project_dir/deploy/db.sh" start)
# Tests create and drop their own databases from the maintenance database.
export MOBILITY_TEST_DATABASE_URL=${url%/mobility}/postgres

(cd "$build_dir" && ctest --output-on-failure -j "${MOBILITY_TEST_JOBS:-2}" "$@")
[ $# -gt 0 ] && exit 0
"$project_dir/deploy/tsan.sh"
"$project_dir/deploy/thread_safety.sh"
"$project_dir/deploy/fuzz.sh"
