#!/usr/bin/env bash
# Loads the demo institutions, agreements, budget and grant through the public API with fixed ids
# and request ids, so running it again changes nothing. Needs MOBILITY_TOKEN (a coordinator),
# MOBILITY_JWT_PRIVATE_KEY_FILE (to sign each partner's own token) and mobilityctl on PATH.
set -euo pipefail
demo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ctl() { mobilityctl --output=json "$@"; }
# Each identity's token is minted once (outside command substitutions, which forget it): a
# mobilityctl process per call costs more than the call.
declare -A tokens
mint() {
  local key=$1
  shift
  [ -n "${tokens[$key]:-}" ] || tokens[$key]=$(mobilityctl token "$@" 2>/dev/null | tail -n 1)
}
# Each partner approves for itself: Kokshetau's coordinator, and Vidzeme's own system (a partner
# system, acting as Vidzeme's coordinator), as EWP's Approval API would deliver it.
as_partner() {
  local institution=$1 role=$2 subject=$3
  shift 3
  mint "$institution $role $subject" --role "$role" --subject "$subject" \
    --institution "$institution"
  MOBILITY_TOKEN=${tokens["$institution $role $subject"]} ctl "$@"
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
  as_partner institutions/vidzeme-via partner_system ewp:va.lv \
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

# "Apply online": Kokshetau's share of Vidzeme's KA171 2024 project (to 31 July 2027: the 2023 one
# ended by 31 July 2026, before the term), and a call for the spring term
# of 2026/2027 whose window opened 30 days before this load and closes 60 days after it (each load
# moves the closing day on, so the demo call is always open).
ctl budgets create --json "$demo/budget-ka171-2024.json" --id ka171-2024-kz \
  --request_id 6f1c2a10-0400-4a55-9d0e-0c5a1e000400 >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e "s/__OPEN__/$(date -u -d '-30 days' +%Y-%m-%dT00:00:00Z)/" \
    -e "s/__CLOSE__/$(date -u -d '+60 days' +%Y-%m-%dT00:00:00Z)/" \
    "$demo/call-spring-2027.json" > "$tmp/call.json"
coordinator() { as_partner institutions/kokshetau-amu coordinator demo-coordinator "$@"; }
coordinator calls get calls/spring-2027 >/dev/null 2>&1 ||
  coordinator calls create --json "$tmp/call.json" --id spring-2027 >/dev/null
coordinator calls update calls/spring-2027 --json "$tmp/call.json" --update_mask close_time >/dev/null

# Four students, each applying with a token of their own: one still drafting, one submitted, one
# on the reserve list, and one selected, with an agreed grant and an approved learning agreement.
applicant() {
  local subject=$1
  shift
  mint "$subject" --role applicant --subject "$subject"
  MOBILITY_TOKEN=${tokens[$subject]} ctl "$@"
}
apply() {
  local n=$1 given=$2 family=$3
  sed -e "s/__GIVEN__/$given/" -e "s/__FAMILY__/$family/" \
      -e "s/__EMAIL__/demo-student-$n@example.kz/" -e "s/__NUMBER__/S-2026-0$n/" \
      "$demo/application-student.json" > "$tmp/application-$n.json"
  applicant "demo-student-$n" applications create --json "$tmp/application-$n.json" \
      --request_id "6f1c2a10-05${n}0-4a55-9d0e-0c5a1e0005${n}0" |
    sed -n 's/.*"name":"\(applications\/[0-9a-f]*\)".*/\1/p'
}
submit_and_score() {
  local n=$1 name=$2 scores=$3
  applicant "demo-student-$n" applications submit "$name" \
    --request_id "6f1c2a10-05${n}1-4a55-9d0e-0c5a1e0005${n}1" >/dev/null
  coordinator applications evaluate "$name" --scores "$scores" \
    --request_id "6f1c2a10-05${n}2-4a55-9d0e-0c5a1e0005${n}2" >/dev/null
}
apply 1 Dana Seitkali >/dev/null
submitted=$(apply 2 Arman Zhaksylykov)
applicant demo-student-2 applications submit "$submitted" \
  --request_id 6f1c2a10-0521-4a55-9d0e-0c5a1e000521 >/dev/null
reserve=$(apply 3 Madina Ospanova)
submit_and_score 3 "$reserve" grades=78,language=7,motivation=8
coordinator applications decide "$reserve" --decision RESERVE \
  --request_id 6f1c2a10-0533-4a55-9d0e-0c5a1e000533 >/dev/null
selected=$(apply 4 Aigerim Bekova)
submit_and_score 4 "$selected" grades=91,language=9,motivation=9
grant=$(coordinator applications decide "$selected" --decision SELECTED \
          --request_id 6f1c2a10-0543-4a55-9d0e-0c5a1e000543 |
        sed -n 's/.*"grant":"\(grants\/[0-9a-f]*\)".*/\1/p')
[ -n "$grant" ] || { echo "load.sh: the demo selection made no grant" >&2; exit 1; }
ctl grants agree "$grant" --signed_on 2026-11-20 \
  --request_id 6f1c2a10-0544-4a55-9d0e-0c5a1e000544 >/dev/null
applicant demo-student-4 applications propose-la "$selected" --json "$demo/learning-agreement.json" \
  --request_id 6f1c2a10-0545-4a55-9d0e-0c5a1e000545 >/dev/null
applicant demo-student-4 applications sign-la "$selected" --version 1 --signer_name "Aigerim Bekova" \
  --position student --request_id 6f1c2a10-0546-4a55-9d0e-0c5a1e000546 >/dev/null
coordinator applications sign-la "$selected" --version 1 --signer_name "International Office" \
  --position "Erasmus+ coordinator" --request_id 6f1c2a10-0547-4a55-9d0e-0c5a1e000547 >/dev/null
as_partner institutions/vidzeme-via partner_system ewp:va.lv \
  applications sign-la "$selected" --version 1 --signer_name "International Office, Valmiera" \
  --position "Erasmus+ coordinator" --request_id 6f1c2a10-0548-4a55-9d0e-0c5a1e000548 >/dev/null
echo "demo data loaded: 2 institutions, 2 approved agreements, 2 budgets, 2 agreed grants," \
  "1 open call with 4 applications"
"$demo/load-inquiries.sh"
