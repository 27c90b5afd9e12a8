#!/usr/bin/env bash
# Loads the demo institutions, agreements, budget and grant through the public API with fixed ids
# and request ids, so running it again changes nothing. Needs MOBILITY_TOKEN (a coordinator),
# MOBILITY_JWT_PRIVATE_KEY_FILE (to sign each partner's own token) and mobilityctl on PATH.
set -euo pipefail
demo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ctl() { mobilityctl --output=json "$@"; }
# Each partner approves for itself: Kokshetau's coordinator, and Vidzeme's own system with its
# service identity, as EWP's Approval API would deliver it.
as_partner() {
  local institution=$1 role=$2 subject=$3
  shift 3
  MOBILITY_TOKEN=$(mobilityctl token --role "$role" --subject "$subject" \
                     --institution "$institution" 2>/dev/null | tail -n 1) ctl "$@"
}

ctl institutions create --json "$demo/kokshetau.json" --id kokshetau-amu \
  --request_id 6f1c2a10-0001-4a55-9d0e-0c5a1e000001 >/dev/null
ctl institutions create --json "$demo/vidzeme.json" --id vidzeme-via \
  --request_id 6f1c2a10-0002-4a55-9d0e-0c5a1e000002 >/dev/null

# Each agreement is created, then approved by both partners for the content hash it got.
load_agreement() {
  local id=$1 file=$2 n=$3 hash
  hash=$(ctl agreements create --json "$file" --id "$id" \
           --request_id "6f1c2a10-01${n}0-4a55-9d0e-0c5a1e0001${n}0" |
         sed -n 's/.*"contentHash":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$hash" ] || { echo "load.sh: no content hash for $id" >&2; exit 1; }
  as_partner institutions/kokshetau-amu coordinator demo-coordinator \
    agreements approve "agreements/$id" --institution institutions/kokshetau-amu \
    --content_hash "$hash" --request_id "6f1c2a10-01${n}1-4a55-9d0e-0c5a1e0001${n}1" >/dev/null
  as_partner institutions/vidzeme-via service ewp:va.lv \
    agreements approve "agreements/$id" --institution institutions/vidzeme-via \
    --content_hash "$hash" --request_id "6f1c2a10-01${n}2-4a55-9d0e-0c5a1e0001${n}2" >/dev/null
}
load_agreement ka107-2016-kz-lv "$demo/agreement-ka107-2016.json" 1
load_agreement ka171-2025-kz-lv "$demo/agreement-ka171-2025.json" 2
# Kokshetau's share of Vidzeme's KA107 2016 National Agency project, and one student's grant
# under it, agreed.
ctl budgets create --json "$demo/budget-ka107-2016.json" --id ka107-2016-kz \
  --request_id 6f1c2a10-0300-4a55-9d0e-0c5a1e000300 >/dev/null
grant=$(ctl grants create --json "$demo/grant-ka107-2016.json" |
        sed -n 's/.*"name":"\(grants\/[0-9a-f]*\)".*/\1/p')
[ -n "$grant" ] || { echo "load.sh: the demo grant was not created" >&2; exit 1; }
ctl grants agree "$grant" --signed_on 2017-07-03 \
  --request_id 6f1c2a10-0302-4a55-9d0e-0c5a1e000302 >/dev/null
echo "demo data loaded: 2 institutions, 2 approved agreements, 1 budget, 1 agreed grant"
