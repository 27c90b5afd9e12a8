#!/usr/bin/env bash
# Builds a container image of each service and of the gateway from this build's own binaries, FROM
# scratch. An image holds only what its program opens:
#   - the program, as /usr/local/bin/<program>, and the shared libraries it loads (ldd's list, the
#     dynamic loader among them);
#   - the IANA time zones (--time_zone is a setting, so every zone and alias is there);
#   - the CA bundle, for a program that speaks TLS (one linked with libcurl: mail, EWP partners);
#   - the files it serves: the web pages (gateway), the EWP schemas (ewp);
#   - /etc/passwd and /etc/group naming its one user, nonroot (65532), which it runs as.
# Nothing else: no shell, no package manager. Running the images needs a container runtime;
# tests/images_test.py builds them and runs each program from its image's files under chroot.
#   deploy/images.sh [PROGRAM...]         default: all six; prints each image's name
# Settings: MOBILITY_IMAGE_REGISTRY (default registry.example.kz/mobility-office, as in
# deploy/kubernetes/render.py), MOBILITY_IMAGE_TAG (default 1.0.0), PODMAN_OPTIONS (e.g. --root DIR
# for a store of its own). Builds the binaries first (deploy/build.sh).
set -euo pipefail
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${MOBILITY_BUILD_DIR:-$project_dir/build}
registry=${MOBILITY_IMAGE_REGISTRY:-registry.example.kz/mobility-office}
tag=${MOBILITY_IMAGE_TAG:-1.0.0}
read -r -a podman_options <<< "${PODMAN_OPTIONS:-}"
user=65532

declare -A binary=(
  [agreements]=services/agreements/agreements_server
  [applications]=services/applications/applications_server
  [grants]=services/grants/grants_server
  [inquiries]=services/inquiries/inquiries_server
  [ewp]=services/ewp/ewp_server
  [gateway]=services/gateway/gateway
)
# What a program serves from files, and the setting that tells it where they are.
declare -A served=([gateway]=web [ewp]=services/ewp/specs)
declare -A served_at=([gateway]=/usr/share/mobility-office/web [ewp]=/usr/share/mobility-office/ewp-specs)
declare -A served_setting=([gateway]=MOBILITY_STATIC_DIR [ewp]=MOBILITY_EWP_SCHEMAS_DIR)
declare -A ports=([agreements]="50051 9151" [applications]="50052 9152" [grants]="50053 9153"
                  [inquiries]="50054 9154" [ewp]="50055 8090 9155" [gateway]="8080 9180")

programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(agreements applications grants inquiries ewp gateway)
for p in "${programs[@]}"; do
  [ -n "${binary[$p]:-}" ] || { echo "images: no program '$p'" >&2; exit 2; }
done

command -v podman >/dev/null || { echo "images: podman is not installed (deploy/install-deps.sh)" >&2; exit 1; }
targets=()
for p in "${programs[@]}"; do targets+=("$(basename "${binary[$p]}")"); done
"$project_dir/deploy/build.sh" "${targets[@]}" >/dev/null

# Copies FILE into ROOT at DEST, following links, owned by root and writable by no one else.
put() {
  local file=$1 root=$2 dest=$3
  install -D --mode="$( [ -x "$file" ] && echo 0755 || echo 0644 )" "$file" "$root$dest"
}

# The libraries PROGRAM loads, at the paths the loader looks in: "SOURCE DEST" lines.
libraries() {
  ldd "$1" | awk '
    $2 == "=>" && $3 ~ /^\// { print $3, $1 }           # libfoo.so.1 => /lib/.../libfoo.so.1
    $1 ~ /^\// && $2 ~ /^\(/ { print $1, $1 }' |        # the loader, by its own path
    while read -r source name; do
      case $name in
        /*) echo "$source $name" ;;
        *) echo "$source $(dirname "$(realpath "$source")")/$name" ;;
      esac
    done
}

assemble() {
  local p=$1 root=$2 program
  program=$build_dir/${binary[$p]}
  put "$program" "$root" "/usr/local/bin/$(basename "$program")"
  local uses_tls=
  while read -r source dest; do
    put "$(realpath "$source")" "$root" "$dest"
    case $dest in */libcurl*) uses_tls=1 ;; esac
  done < <(libraries "$program")
  (cd /usr/share/zoneinfo && find . -path ./right -prune -o -path ./posix -prune -o \( -type f -o -type l \) -print) |
    while read -r zone; do put "/usr/share/zoneinfo/$zone" "$root" "/usr/share/zoneinfo/${zone#./}"; done
  [ -z "$uses_tls" ] || put /etc/ssl/certs/ca-certificates.crt "$root" /etc/ssl/certs/ca-certificates.crt
  if [ -n "${served[$p]:-}" ]; then
    (cd "$project_dir/${served[$p]}" && find . -type f ! -name '*.md' -print) |
      while read -r f; do put "$project_dir/${served[$p]}/$f" "$root" "${served_at[$p]}/${f#./}"; done
  fi
  mkdir -p "$root/etc" "$root/tmp"
  chmod 1777 "$root/tmp"
  echo "nonroot:x:$user:$user:nonroot:/nonexistent:/sbin/nologin" > "$root/etc/passwd"
  echo "nonroot:x:$user:" > "$root/etc/group"
  chmod 0644 "$root/etc/passwd" "$root/etc/group"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for p in "${programs[@]}"; do
  context=$work/$p
  mkdir -p "$context/rootfs"
  assemble "$p" "$context/rootfs"
  name=$(basename "${binary[$p]}")
  {
    echo "FROM scratch"
    echo "COPY rootfs/ /"
    [ -z "${served[$p]:-}" ] || echo "ENV ${served_setting[$p]}=${served_at[$p]}"
    echo "USER $user:$user"
    echo "EXPOSE ${ports[$p]}"
    echo "ENTRYPOINT [\"/usr/local/bin/$name\"]"
    echo "LABEL org.opencontainers.image.title=\"Mobility Office $p\"" \
      "org.opencontainers.image.version=\"$tag\""
  } > "$context/Containerfile"
  podman "${podman_options[@]}" build --quiet --tag "$registry/$p:$tag" "$context" >/dev/null
  echo "$registry/$p:$tag"
done
