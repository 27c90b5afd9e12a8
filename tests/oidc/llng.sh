#!/usr/bin/env bash
# A real OpenID Connect provider for the tests: LemonLDAP::NG's portal (Debian's lemonldap-ng) with
# its demo user backend (dwho/dwho, rtyler/rtyler, msmith/msmith), served by Starman on loopback,
# everything under DIR. Mobility Office is its client "mobility-office" (public, PKCE required,
# access tokens as JWTs carrying the claims, valid an hour); "mobility-office-brief" is the same
# with tokens valid 3 s, for expiry. The demo users' roles and institution come from
# macros, as a university would map its directory's groups:
#   dwho   coordinator and finance officer of Kokshetau ("mobility-coordinators finance")
#   rtyler inquiry handler of Kokshetau
#   msmith no role of ours
#
#   tests/oidc/llng.sh start DIR PORT REDIRECT_URIS  start; prints the issuer. REDIRECT_URIS: one
#                                                    argument, space-separated
#   tests/oidc/llng.sh rotate DIR                    a new signing key (the old one is dropped)
#   tests/oidc/llng.sh stop DIR
set -euo pipefail
command=${1:?usage: llng.sh start|rotate|stop DIR ...}
dir=${2:?DIR}
bin=/usr/share/lemonldap-ng/bin

# Runs a command on DIR's configuration, as www-data when root (the portal runs as www-data and
# must read what the command writes).
config() {
  local runas=()
  [ "$(id -u)" -ne 0 ] || runas=(runuser -u www-data --)
  (cd / && LLNG_DEFAULTCONFFILE=$dir/lemonldap-ng.ini "${runas[@]}" "$@")
}

stop() {
  [ -f "$dir/pid" ] || return 0
  pkill -TERM -s "$(cat "$dir/pid")" 2>/dev/null || true
  while pgrep -s "$(cat "$dir/pid")" >/dev/null; do sleep 0.1; done  # Its port free again.
  rm -f "$dir/pid"
}

# Starts the portal (plackup as www-data, as Debian runs it) on DIR/port, its session id in DIR/pid,
# and waits for its discovery document; prints the issuer.
serve() {
  local issuer
  issuer=http://localhost:$(cat "$dir/port")
  # Starman's workers: a browser keeps its connection to the portal open, and a server of one
  # connection at a time would keep its next (the page's fetch of the keys) waiting.
  config setsid sh -c 'echo $$ > "$0"; exec "$@"' "$dir/pid" plackup -E deployment \
    -s Starman --workers 4 --host 127.0.0.1 --port "$(cat "$dir/port")" \
    /usr/share/lemonldap-ng/portal/htdocs/index.psgi > "$dir/portal.log" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do
    curl -sf -m 2 "$issuer/.well-known/openid-configuration" >/dev/null && { echo "$issuer"; return; }
    sleep 0.2
  done
  echo "llng.sh: the portal did not start; see $dir/portal.log" >&2
  tail -20 "$dir/portal.log" >&2
  exit 1
}

case $command in
  start)
    port=${3:?PORT}
    redirect=${4:?REDIRECT_URIS}
    issuer=http://localhost:$port
    mkdir -p "$dir"/{conf,sessions/lock,psessions/lock,cache,notifications}
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/sig.pem" 2>/dev/null
    openssl pkey -in "$dir/sig.pem" -pubout -out "$dir/sig.pub"
    sed -e "s|^dirName.*|dirName = $dir/conf|" -e "s|/var/lib/lemonldap-ng/cache|$dir/cache|" \
      -e "s|^logLevel.*|logLevel = error|" /etc/lemonldap-ng/lemonldap-ng.ini > "$dir/lemonldap-ng.ini"
    DIR=$dir ISSUER=$issuer REDIRECT=$redirect /usr/bin/python3 - <<'EOF'
import json, os
d, issuer, redirect = os.environ["DIR"], os.environ["ISSUER"], os.environ["REDIRECT"]
c = json.load(open("/var/lib/lemonldap-ng/conf/lmConf-1.json"))
c.update({
    "cfgNum": 1, "portal": issuer + "/", "domain": "localhost", "securedCookie": 0,
    "globalStorageOptions": {"Directory": d + "/sessions", "LockDirectory": d + "/sessions/lock",
                             "generateModule": "Lemonldap::NG::Common::Apache::Session::Generate::SHA256"},
    "persistentStorageOptions": {"Directory": d + "/psessions", "LockDirectory": d + "/psessions/lock"},
    "localSessionStorageOptions": {"namespace": "lemonldap-ng-sessions", "default_expires_in": 600,
                                   "directory_umask": "007", "cache_root": d + "/cache", "cache_depth": 3},
    "notificationStorageOptions": {"dirName": d + "/notifications"},
    "issuerDBOpenIDConnectActivation": 1,
    "oidcServiceMetaDataIssuer": issuer,
    "oidcServicePrivateKeySig": open(d + "/sig.pem").read(),
    "oidcServicePublicKeySig": open(d + "/sig.pub").read(),
    "oidcServiceKeyIdSig": "first",
    "oidcServiceAllowAuthorizationCodeFlow": 1,
    "macros": {
        "mobility_roles": "$uid eq 'dwho' ? 'mobility-coordinators finance' : "
                          "$uid eq 'rtyler' ? 'inquiry_handler' : ''",
        "mobility_institution": "$uid eq 'msmith' ? '' : 'kokshetau-amu'",
    },
})
def client(client_id, seconds):
    return {
        "oidcRPMetaDataOptionsClientID": client_id,
        "oidcRPMetaDataOptionsPublic": 1,
        "oidcRPMetaDataOptionsRequirePKCE": 1,
        "oidcRPMetaDataOptionsRedirectUris": redirect,
        "oidcRPMetaDataOptionsPostLogoutRedirectUris": redirect,
        "oidcRPMetaDataOptionsAccessTokenJWT": 1,
        "oidcRPMetaDataOptionsAccessTokenClaims": 1,
        "oidcRPMetaDataOptionsAccessTokenSignAlg": "RS256",
        "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
        "oidcRPMetaDataOptionsAccessTokenExpiration": seconds,
        "oidcRPMetaDataOptionsAdditionalAudiences": "mobility-office",
        "oidcRPMetaDataOptionsBypassConsent": 1,
        "oidcRPMetaDataOptionsLogoutBypassConfirm": 1,
        "oidcRPMetaDataOptionsUserIDAttr": "uid",
    }
clients = {"mobility-office": 3600, "mobility-office-brief": 3}
c["oidcRPMetaDataOptions"] = {k: client(k, v) for k, v in clients.items()}
c["oidcRPMetaDataExportedVars"] = {k: {"name": "cn", "email": "mail", "roles": "mobility_roles",
                                       "institution": "mobility_institution"} for k in clients}
c["oidcRPMetaDataOptionsExtraClaims"] = {k: {"mobility": "roles institution"} for k in clients}
json.dump(c, open(d + "/conf/lmConf-1.json", "w"), indent=1)
EOF
    if [ "$(id -u)" -eq 0 ]; then chown -R www-data:www-data "$dir"; fi
    echo "$port" > "$dir/port"
    serve
    ;;
  rotate)
    # The portal reads the new key when it starts again.
    config "$bin/rotateOidcKeys" >/dev/null
    stop
    serve
    ;;
  stop) stop ;;
  *) echo "usage: llng.sh start|rotate|stop DIR ..." >&2; exit 2 ;;
esac
