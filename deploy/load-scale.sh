#!/usr/bin/env bash
# Loads Mobility Office to a university's size: 1,000 agreements, 100 calls with 100,000 submitted
# applications and 100,000 registered inquiries (one in ten through the web form, the others as
# the registry registers appeals that came by e-mail), all through the API; then 100,000 grants with
# 200,000 payments, copied in SQL from one grant made through the API (selected, agreed,
# prefinanced, the prefinancing reversed) with the grant's id replaced in its stored body, since
# making each through four calls would take most of an hour. The copies count in no budget's
# commitments. Into the stack deploy/run.sh started unless told otherwise; deploy/bench.sh --scale
# loads a stack of its own this way. Takes about 10 minutes; --divisor N loads an office N times
# smaller.
#   deploy/load-scale.sh [--stack AGREEMENTS,APPLICATIONS,GRANTS,INQUIRIES,GATEWAY] [--database_url URL]
#                        [--divisor N]
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MOBILITY_BUILD_DIR:-$project_dir/build}
stack=127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053,127.0.0.1:50054,127.0.0.1:8080
database_url= divisor=1
while [ $# -gt 0 ]; do
  case $1 in
    --stack) stack=$2; shift 2 ;;
    --database_url) database_url=$2; shift 2 ;;
    --divisor) divisor=$2; shift 2 ;;
    *) echo "load-scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$database_url" ] || database_url=$("$project_dir/deploy/db.sh" url) ||
  { echo "load-scale.sh: give --database_url, or start the project's own PostgreSQL" >&2; exit 1; }
"$project_dir/deploy/build.sh" mobility_bench >/dev/null

grant=$(cd "$project_dir" && "$build/tools/bench/mobility_bench" --load_scale --bench_stack "$stack" \
          --signing_key "$project_dir/var/keys/jwt-private.pem" \
          --internal_signing_key "$project_dir/var/keys/internal-jwt-private.pem" \
          --scale_divisor "$divisor" | tail -n 1)
[[ $grant =~ ^[0-9a-f]{32}$ ]] || { echo "load-scale.sh: no grant to copy" >&2; exit 1; }

grants=$((100000 / divisor))
echo "grants and payments: copying grants/$grant $grants times" >&2
/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -v template="$grant" -v grants="$grants" \
  "$database_url" <<'SQL'
BEGIN;
-- Same-length ids (md5 is 32 hex digits, as the service's are), so the body stays well formed.
CREATE TEMP TABLE copies AS
  SELECT md5('scale-grant-' || n) AS id FROM generate_series(1, :grants) n;
INSERT INTO grants.grants (id, budget_id, state, participant_reference, revision, body)
  SELECT c.id, g.budget_id, g.state, g.participant_reference, g.revision,
         decode(replace(encode(g.body, 'hex'), encode(convert_to(g.id, 'UTF8'), 'hex'),
                        encode(convert_to(c.id, 'UTF8'), 'hex')), 'hex')
  FROM grants.grants g CROSS JOIN copies c WHERE g.id = :'template';
INSERT INTO grants.payments (grant_id, seq, kind, amount_cents, travel_cents, individual_cents,
                             inclusion_cents, due_date, reverses, create_time)
  SELECT c.id, p.seq, p.kind, p.amount_cents, p.travel_cents, p.individual_cents,
         p.inclusion_cents, p.due_date, p.reverses, p.create_time
  FROM grants.payments p CROSS JOIN copies c WHERE p.grant_id = :'template' ORDER BY p.seq;
COMMIT;
ANALYZE grants.grants;
ANALYZE grants.payments;
SQL
echo "loaded: $((1000 / divisor)) agreements, $((100000 / divisor)) applications," \
  "$((100000 / divisor)) inquiries, $grants grants, $((2 * grants)) payments" >&2
