#!/usr/bin/env bash
# Runs Mobility Office on this machine:
#   installs the Debian packages, builds, starts PostgreSQL (unless DATABASE_URL is given), makes a
#   development signing key, starts every service (migrations apply at start), loads the demo data
#   and prints where to call.
#
#   deploy/run.sh          start (or restart) everything
#   deploy/run.sh stop     stop the services and the project's PostgreSQL
#
#   MOBILITY_HA=1 deploy/run.sh    (and to stop) the same, on three PostgreSQL members under
#                                  Patroni and etcd instead of one (deploy/ha.sh)
set -euo pipefail

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
database=$project_dir/deploy/db.sh
[ "${MOBILITY_HA:-0}" != 1 ] || database=$project_dir/deploy/ha.sh
var=$project_dir/var
build=${MOBILITY_BUILD_DIR:-$project_dir/build}
services=(agreements applications grants inquiries ewp gateway)
declare -A default_port=([agreements]=50051 [applications]=50052 [grants]=50053 [inquiries]=50054
                         [ewp]=50055 [gateway]=8080)
ewp_http_port=8090
# Without MOBILITY_SMTP_URL the authors' e-mails go to a local SMTP sink that files them under
# var/mail, so the demo sends nothing out of the machine.
smtp_sink_port=2525

# SIGTERM lets calls in flight finish within the services' 20 s grace, after which they cancel
# their database work and exit; a process still there 10 s later is killed.
stop_services() {
  local pids=()
  for s in "${services[@]}"; do
    local pid_file=$var/run/$s.pid
    if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      pids+=("$(cat "$pid_file")")
      kill -TERM "$(cat "$pid_file")"
    fi
    rm -f "$pid_file"
  done
  if [ -f "$var/run/smtp-sink.pid" ]; then
    kill -TERM "$(cat "$var/run/smtp-sink.pid")" 2>/dev/null || true
    rm -f "$var/run/smtp-sink.pid"
  fi
  if [ -f "$var/run/token-renewal.pid" ]; then
    pkill -P "$(cat "$var/run/token-renewal.pid")" 2>/dev/null || true
    kill "$(cat "$var/run/token-renewal.pid")" 2>/dev/null || true
    rm -f "$var/run/token-renewal.pid"
  fi
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "run.sh: process $pid did not stop 30 s after SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

if [ "${1:-}" = stop ]; then
  stop_services
  [ -n "${DATABASE_URL:-}" ] || "$database" stop
  echo "Mobility Office stopped."
  exit 0
fi

"$project_dir/deploy/install-deps.sh"
"$project_dir/deploy/build.sh" agreements_server applications_server grants_server inquiries_server \
  ewp_server gateway mobilityctl ewp_registry

mkdir -p "$var/run" "$var/log" "$var/keys"
# With its own cluster each service connects as its own role, which may touch only its schema;
# a given DATABASE_URL serves every service.
own_cluster=0
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$("$database" start)
  own_cluster=1
fi
service_database_url() {
  if [ "$own_cluster" = 1 ]; then "$database" url "$1"; else printf '%s' "$DATABASE_URL"; fi
}

# A development key pair: the services verify tokens with the public half, mobilityctl signs with
# the private half. Production uses the university identity provider's public key instead.
private_key=$var/keys/jwt-private.pem
public_key=$var/keys/jwt-public.pem
if [ ! -f "$private_key" ]; then
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$private_key" 2>/dev/null)
  openssl pkey -in "$private_key" -pubout -out "$public_key"
fi
export MOBILITY_JWT_PUBLIC_KEY_FILE=$public_key MOBILITY_JWT_PRIVATE_KEY_FILE=$private_key
# The applications service's own key pair for the applicants' sign-in tokens, which every service
# trusts for the applicant role only (kept in production too: no identity provider is involved).
applicant_private_key=$var/keys/applicant-jwt-private.pem
if [ ! -f "$applicant_private_key" ]; then
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$applicant_private_key" 2>/dev/null)
  openssl pkey -in "$applicant_private_key" -pubout -out "$var/keys/applicant-jwt-public.pem"
fi
export MOBILITY_APPLICANT_JWT_PUBLIC_KEY_FILE=$var/keys/applicant-jwt-public.pem
export MOBILITY_APPLICANT_SIGNING_KEY_FILE=$applicant_private_key
# Our own services' internal key pair: the only key that makes a `service` identity (taking
# places, making and settling the grants of a selection, vouching for a client's address). No
# identity provider, partner or person holds it; in production it stays with the deployment.
internal_private_key=$var/keys/internal-jwt-private.pem
if [ ! -f "$internal_private_key" ]; then
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$internal_private_key" 2>/dev/null)
  openssl pkey -in "$internal_private_key" -pubout -out "$var/keys/internal-jwt-public.pem"
fi
export MOBILITY_INTERNAL_JWT_PUBLIC_KEY_FILE=$var/keys/internal-jwt-public.pem
# Erasmus Without Paper: our client key signs our requests to partners, our server key our answers
# (both published in our manifest, which the registry copies); the EWP service signs the tokens of
# verified partners' systems with a key of its own, which every service trusts for the
# partner_system role only. TLS ends in front of the EWP endpoints in production (README).
for k in ewp-client ewp-server ewp-token; do
  [ -f "$var/keys/$k.pem" ] || (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$var/keys/$k.pem" 2>/dev/null)
done
openssl pkey -in "$var/keys/ewp-token.pem" -pubout -out "$var/keys/ewp-token-public.pem"
export MOBILITY_EWP_JWT_PUBLIC_KEY_FILE=$var/keys/ewp-token-public.pem \
  MOBILITY_EWP_TOKEN_KEY_FILE=$var/keys/ewp-token.pem \
  MOBILITY_EWP_CLIENT_KEY_FILE=$var/keys/ewp-client.pem \
  MOBILITY_EWP_SERVER_KEY_FILE=$var/keys/ewp-server.pem
export MOBILITY_EWP_HTTP_LISTEN=${MOBILITY_EWP_HTTP_LISTEN:-127.0.0.1:$ewp_http_port}
export MOBILITY_EWP_PUBLIC_URL=${MOBILITY_EWP_PUBLIC_URL:-http://$MOBILITY_EWP_HTTP_LISTEN}
export MOBILITY_EWP_HEI_ID=${MOBILITY_EWP_HEI_ID:-kuam.kz}
export MOBILITY_EWP_HEI_NAME=${MOBILITY_EWP_HEI_NAME:-Abay Myrzakhmetov Kokshetau University}
export MOBILITY_EWP_ADMIN_EMAIL=${MOBILITY_EWP_ADMIN_EMAIL:-ewp-admin@example.kz}
# Without a registry URL, a local catalogue: this instance and the manifests named in
# MOBILITY_EWP_PARTNER_MANIFESTS, read again every minute (README, "Two instances").
mkdir -p "$var/ewp"
local_registry=0
if [ -z "${MOBILITY_EWP_REGISTRY:-}" ]; then
  export MOBILITY_EWP_REGISTRY=$var/ewp/catalogue.xml MOBILITY_EWP_REGISTRY_REFRESH_MINUTES=1
  local_registry=1
fi
case "$MOBILITY_EWP_PUBLIC_URL" in http://*) export MOBILITY_EWP_ALLOW_PLAIN_HTTP=1 ;; esac
# The key every replica signs page tokens with.
page_token_key=$var/keys/page-token.key
[ -f "$page_token_key" ] || (umask 077 && head -c 32 /dev/urandom > "$page_token_key")
export MOBILITY_PAGE_TOKEN_KEY_FILE=$page_token_key
# The university the appeals are addressed to: only its staff handle them.
export MOBILITY_INSTITUTION=${MOBILITY_INSTITUTION:-institutions/kokshetau-amu}

# Each service calls the others with its own internal identity (a `service` token naming the
# service, signed with the internal key) beside the end user's; applications takes places and
# makes grants on that authority, and only the gateway's vouches for a client's address.
# Development tokens live at most 24 h, so a background loop renews the files twice a day; the
# services re-read them each minute.
export PATH=$build/tools/mobilityctl:$PATH
renew_service_tokens() {
  for s in "${services[@]}"; do
    mobilityctl token --role service --subject "$s" --internal_signing_key "$internal_private_key" \
      --ttl_hours 24 2>/dev/null |
      tail -n 1 > "$var/keys/$s-service.token.new" &&
      mv "$var/keys/$s-service.token.new" "$var/keys/$s-service.token"
  done
}

stop_services
(umask 077 && renew_service_tokens)
(while sleep 43200; do renew_service_tokens; done) >/dev/null 2>&1 &
echo $! > "$var/run/token-renewal.pid"
if [ -z "${MOBILITY_SMTP_URL:-}" ]; then
  mkdir -p "$var/mail/tmp" "$var/mail/new" "$var/mail/cur"
  nohup /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_sink_port" -c aiosmtpd.handlers.Mailbox \
    "$var/mail" >>"$var/log/smtp-sink.log" 2>&1 &
  echo $! > "$var/run/smtp-sink.pid"
  export MOBILITY_SMTP_URL=smtp://127.0.0.1:$smtp_sink_port
fi
for s in "${services[@]}"; do
  binary=$build/services/$s/${s}_server url=
  # The gateway holds no data: it reaches the services, never the database.
  if [ "$s" = gateway ]; then binary=$build/services/gateway/gateway; else url=$(service_database_url "$s"); fi
  # The demo's staff sign-in (/dev/token) signs with the development key; production has none.
  DATABASE_URL=$url MOBILITY_SERVICE_TOKEN_FILE=$var/keys/$s-service.token MOBILITY_STATIC_DIR=$project_dir/web \
    MOBILITY_DEV_SIGNING_KEY_FILE=$private_key nohup "$binary" >>"$var/log/$s.log" 2>&1 &
  echo $! > "$var/run/$s.pid"
done

MOBILITY_TOKEN=$(mobilityctl token --role coordinator --subject demo-coordinator \
  --institution institutions/kokshetau-amu 2>/dev/null | tail -n 1)
export MOBILITY_TOKEN
for _ in $(seq 1 100); do
  mobilityctl institutions list >/dev/null 2>&1 && mobilityctl grants rates >/dev/null 2>&1 &&
    mobilityctl calls list >/dev/null 2>&1 && mobilityctl offices list >/dev/null 2>&1 &&
    curl -sf "http://127.0.0.1:${default_port[gateway]}/readyz" >/dev/null && break
  for s in "${services[@]}"; do
    kill -0 "$(cat "$var/run/$s.pid")" 2>/dev/null || { echo "run.sh: $s failed to start; see $var/log/$s.log" >&2; tail -n 5 "$var/log/$s.log" >&2; exit 1; }
  done
  sleep 0.2
done
"$project_dir/deploy/demo/load.sh"
if [ "$local_registry" = 1 ]; then
  # shellcheck disable=SC2086
  "$build/tools/ewp_registry/ewp_registry" --allow_plain_http "$MOBILITY_EWP_PUBLIC_URL/ewp/manifest.xml" \
    ${MOBILITY_EWP_PARTNER_MANIFESTS:-} > "$var/ewp/catalogue.xml.new" &&
    mv "$var/ewp/catalogue.xml.new" "$var/ewp/catalogue.xml"
fi

cat <<TXT

Mobility Office is running.
  agreements    gRPC  127.0.0.1:${default_port[agreements]}   (log: var/log/agreements.log)
  applications  gRPC  127.0.0.1:${default_port[applications]}   (log: var/log/applications.log)
  grants        gRPC  127.0.0.1:${default_port[grants]}   (log: var/log/grants.log)
  inquiries     gRPC  127.0.0.1:${default_port[inquiries]}   (log: var/log/inquiries.log)
  ewp           gRPC  127.0.0.1:${default_port[ewp]}   (log: var/log/ewp.log)
  EWP network   HTTP  $MOBILITY_EWP_PUBLIC_URL/ewp/manifest.xml   (HEI $MOBILITY_EWP_HEI_ID; registry: $MOBILITY_EWP_REGISTRY)
  gateway       HTTP  http://127.0.0.1:${default_port[gateway]}   (log: var/log/gateway.log)
  web pages           http://127.0.0.1:${default_port[gateway]}/   (API reference: /docs)
  metrics       HTTP  http://127.0.0.1:9151/metrics ... 9155, gateway 9180   (Prometheus: deploy/prometheus)
  e-mail        ${MOBILITY_SMTP_URL}$( [ -f "$var/run/smtp-sink.pid" ] && echo "   (demo sink: var/mail/new)")
  database    ${DATABASE_URL%%://*}://…@${DATABASE_URL##*@}

Try it over HTTP (no token needed for the public routes):
  curl -s 'http://127.0.0.1:${default_port[gateway]}/v1/publishedQuestions?query=grant'
  curl -s -X POST http://127.0.0.1:${default_port[gateway]}/v1/inquiries -H 'Content-Type: application/json' -d @deploy/demo/question-web.json

Or with the command line:
  export PATH=$build/tools/mobilityctl:\$PATH
  export MOBILITY_JWT_PRIVATE_KEY_FILE=$private_key
  export MOBILITY_TOKEN=\$(mobilityctl token --role coordinator --subject alice --institution institutions/kokshetau-amu | tail -n 1)
  mobilityctl agreements list
  mobilityctl agreements quota agreements/ka171-2025-kz-lv --year 2025/2026
  mobilityctl grants calculate --json deploy/demo/calculation.json
  mobilityctl calls list --open
  mobilityctl budgets report budgets/ka107-2016-kz
  mobilityctl questions list --query grant
  MOBILITY_TOKEN=\$(mobilityctl token --role inquiry_handler --subject handler --institution institutions/kokshetau-amu | tail -n 1) \\
    mobilityctl inquiries list --due_within 5

Stop with: deploy/run.sh stop
TXT
