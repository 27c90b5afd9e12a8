#!/usr/bin/env bash
# Each service's own database role reaches its own schema and nothing else
# (deploy/sql/service_role.sql). Runs against the cluster deploy/test.sh started.
set -u
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -n "${MOBILITY_PG_DIR:-}" ] || { echo "MOBILITY_PG_DIR is not set: run deploy/test.sh"; exit 1; }

passed=0 failed=0
as_role() { psql "$("$project_dir/deploy/db.sh" url "$1")" -X -q -v ON_ERROR_STOP=1 -c "$2"; }
expect() {
  local expected=$1 what=$2 role=$3 sql=$4 got
  if as_role "$role" "$sql" >/dev/null 2>&1; then got=allowed; else got=refused; fi
  if [ "$got" = "$expected" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $what: $got, expected $expected"
  fi
}

expect allowed "grants creates in its own schema" grants "CREATE TABLE grants.role_probe (x int)"
expect allowed "grants reads its own table" grants "SELECT * FROM grants.role_probe"
expect refused "agreements reads the grants schema" agreements "SELECT * FROM grants.role_probe"
expect refused "grants creates in the agreements schema" grants "CREATE TABLE agreements.role_probe (x int)"
expect refused "agreements creates a schema" agreements "CREATE SCHEMA intruder"
expect refused "inquiries creates in public" inquiries "CREATE TABLE public.role_probe (x int)"
expect refused "applications drops the grants table" applications "DROP TABLE grants.role_probe"
as_role grants "DROP TABLE grants.role_probe" >/dev/null 2>&1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
