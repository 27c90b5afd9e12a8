#!/usr/bin/env bash
# Installs every Debian 12 package Mobility Office needs to build, run and test.
# Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl openssl procps
  protobuf-compiler libprotobuf-dev protobuf-compiler-grpc libgrpc++-dev libgrpc-dev
  libabsl-dev libpqxx-dev libpq-dev libssl-dev libcurl4-openssl-dev tzdata libboost-dev
  libxml2-dev libxml2-utils libsaxonhe-java default-jre-headless
  golang-github-grpc-ecosystem-grpc-gateway-dev
  googletest libgtest-dev libgmock-dev python3-aiosmtpd python3-yaml prometheus pgbackrest podman patroni etcd-server
  postgresql-15 postgresql-client-15
  # LemonLDAP::NG's portal, the identity provider of the sign-in tests (tests/oidc/llng.sh), with
  # the modules it loads at start.
  liblemonldap-ng-portal-perl lemonldap-ng-fastcgi-server nginx-light libplack-perl starman
  libgd-securityimage-perl libgd-perl libimage-magick-perl libstring-random-perl libemail-sender-perl
  chromium chromium-driver python3-selenium
  clang-14 libclang-rt-14-dev
)
# Node.js and npm fetch axe-core, the accessibility checker the browser tests inject; a Node.js
# of its own (e.g. NodeSource's, which brings npm) is used as it is.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# axe-core, pinned by tests/browser/package-lock.json, into tests/browser/node_modules.
install_axe() {
  local browser_tests
  browser_tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/browser" && pwd)
  [ -f "$browser_tests/node_modules/axe-core/axe.min.js" ] ||
    (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  install_axe
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_axe
