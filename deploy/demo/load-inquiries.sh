#!/usr/bin/env bash
# Loads the inquiries demo: the offices, Kazakhstan's holiday calendar for 2026 and 2027, and
# appeals in several states, one answered and published question to the rector about Erasmus+
# grants. Holidays and offices are set again on every run; the appeals only on the first.
set -euo pipefail
demo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Each role's token is minted once: a mobilityctl process per call costs more than the call.
token_of() {
  mobilityctl token --role "$1" --subject "$2" --institution institutions/kokshetau-amu \
    2>/dev/null | tail -n 1
}
admin_token=$(token_of admin demo-admin)
handler_token=$(token_of inquiry_handler demo-handler)
admin() { MOBILITY_TOKEN=$admin_token mobilityctl --output=json "$@"; }
handler() { MOBILITY_TOKEN=$handler_token mobilityctl --output=json "$@"; }

for office in international-office academic-affairs; do
  admin offices list | grep -q "offices/$office\"" ||
    admin offices create --id "$office" --json "$demo/office-$office.json" >/dev/null
done
grep -v '^#' "$demo/holidays-kz.tsv" | while IFS=$'\t' read -r day kind description; do
  admin holidays set "$day" --kind "$kind" --description "$description" >/dev/null
done

if handler questions list | grep -q publishedQuestions; then
  echo "inquiries demo: already loaded"
  exit 0
fi
name_of() { sed -n 's/.*"inquiry":"\(inquiries\/[0-9a-f]*\)".*/\1/p'; }
submit() {
  local subject=$1 text=$2 n=$3
  printf '{"inquiry": {"kind": "APPLICATION", "subject": "%s", "text": "%s", "language": "ru",
    "author": {"fullName": "Demo Author %s", "email": "demo-author-%s@example.kz"},
    "consentToProcessing": true}}' "$subject" "$text" "$n" "$n" > "$tmp/inquiry-$n.json"
  handler inquiries submit --json "$tmp/inquiry-$n.json" \
    --request_id "6f1c2a10-09${n}0-4a55-9d0e-0c5a1e0009${n}0" | name_of
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grants=$(handler inquiries submit --json "$demo/question-grants.json" \
           --request_id 6f1c2a10-0900-4a55-9d0e-0c5a1e000900 | name_of)
handler inquiries assign "$grants" --office offices/international-office --handler demo-handler >/dev/null
handler inquiries start "$grants" >/dev/null
handler inquiries note "$grants" --text "Checked against the 2025 grant agreement template." >/dev/null
handler inquiries answer "$grants" --language en --text "$(sed -n 's/.*"answer": "\(.*\)",/\1/p' "$demo/published-grants.json")" >/dev/null
handler inquiries publish "$grants" --json "$demo/published-grants.json" >/dev/null

submit "Справка для визы" "Прошу выдать справку с места учёбы для визы в Латвию." 1 >/dev/null
assigned=$(submit "Перезачёт кредитов" "Прошу перезачесть кредиты, полученные в Видземе." 2)
handler inquiries assign "$assigned" --office offices/academic-affairs --handler demo-handler >/dev/null
forwarded=$(submit "Виза" "Почему консульство Латвии задерживает визы?" 3)
handler inquiries forward "$forwarded" --to "Ministry of Foreign Affairs of the Republic of Kazakhstan" \
  --reason "visa processing is outside the university's competence" >/dev/null
echo "inquiries demo loaded: 2 offices, $(grep -vc '^#' "$demo/holidays-kz.tsv") calendar days," \
  "4 appeals, 1 published question"
