#!/usr/bin/env bash
# The end-to-end build environment, on a machine that reaches Debian's archive but neither Docker Hub
# nor PyPI: Debian's Docker engine, local stand-ins for the python:3.11 and python:3.11-slim images
# (built with debootstrap), and a PEP 503 package index made from Debian packages.
#
# Idempotent: each part is skipped when present, and the slow parts (base images, index) are cached
# under $WHITTLE_E2E_CACHE (default /var/cache/whittle-e2e as root, else ~/.cache/whittle-e2e).
# Needs root (apt-get, dockerd). test/e2e/env.ts finds what this creates.
#   --rebuild   build the base images and the index again, ignoring what is present or cached
set -euo pipefail

log() { printf '[e2e-setup %s] %s\n' "$(date +%T)" "$*"; }
die() { printf '[e2e-setup] error: %s\n' "$*" >&2; exit 1; }

REBUILD=0
case "${1:-}" in
  --rebuild) REBUILD=1 ;;
  "") ;;
  *) die "unknown argument $1 (use --rebuild or nothing)" ;;
esac
[ "$(id -u)" = 0 ] || die "run as root: it installs packages and starts dockerd"

if [ -n "${WHITTLE_E2E_CACHE:-}" ]; then CACHE=$WHITTLE_E2E_CACHE; else CACHE=/var/cache/whittle-e2e; fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DOCKER=${WHITTLE_DOCKER:-/usr/bin/docker}
PY=/usr/bin/python3
SLIM=whittle-e2e/python:3.11-slim
FULL=whittle-e2e/python:3.11
MINBASE=whittle-e2e/debian:bookworm-minbase
# Bump when the recipe of the base images changes: a stale cache or image is then rebuilt.
BASES_VERSION=1
mkdir -p "$CACHE"
start=$SECONDS

# The archive this machine uses (never a host written into the project).
MIRROR=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$MIRROR" ] || MIRROR=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$MIRROR" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"

# --- 1. tools -----------------------------------------------------------------------------------
need=()
for pair in dockerd:docker.io debootstrap:debootstrap docker-registry:docker-registry skopeo:skopeo zstd:zstd \
            "$PY":python3 dpkg-deb:dpkg openssl:openssl db5.3_load:db5.3-util rpmbuild:rpm \
            ssh-keygen:openssh-client /usr/sbin/sshd:openssh-server chromium:chromium; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ -x "$DOCKER" ] || need+=(docker.io)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Tests start their own sshd on loopback; the package must not start a system one on every interface.
  policy=/usr/sbin/policy-rc.d
  own_policy=
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1; fi
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ -z "$own_policy" ] || rm -f "$policy"
fi

# --- 2. engine ----------------------------------------------------------------------------------
if "$DOCKER" version >/dev/null 2>&1; then
  log "engine already running ($("$DOCKER" version --format '{{.Server.Version}}'))"
else
  log "starting dockerd (log: $CACHE/dockerd.log)"
  setsid dockerd >"$CACHE/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    "$DOCKER" version >/dev/null 2>&1 && break
    sleep 0.5
  done
  "$DOCKER" version >/dev/null 2>&1 || { tail -20 "$CACHE/dockerd.log" >&2; die "dockerd did not answer within 60 s"; }
  log "engine up ($("$DOCKER" version --format '{{.Server.Version}}'))"
fi

build() { DOCKER_BUILDKIT=1 "$DOCKER" build --network host --progress plain "$@"; }

# --- 3. base images -----------------------------------------------------------------------------
bases_ready() {
  for image in "$SLIM" "$FULL"; do
    [ "$("$DOCKER" image inspect --format '{{index .Config.Labels "whittle-e2e.version"}}' "$image" 2>/dev/null)" = "$BASES_VERSION" ] || return 1
  done
}

make_rootfs() {
  local rootfs=$1
  log "debootstrap minbase bookworm from $MIRROR"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
  # Trimmed like Debian's slim images: no docs, manuals or translations, apt keeps no caches.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/tmp/*
}

build_bases() {
  local rootfs
  rootfs=$(mktemp -d)
  make_rootfs "$rootfs"
  log "importing the root filesystem as $MINBASE"
  tar -C "$rootfs" --numeric-owner -c . | "$DOCKER" import -c 'CMD ["bash"]' - "$MINBASE" >/dev/null
  rm -rf "$rootfs"
  log "building $SLIM"
  # The official images keep pip usable as root: remove Debian's PEP 668 marker, as they have none.
  build -t "$SLIM" --label "whittle-e2e.version=$BASES_VERSION" - >"$CACHE/bases-build.log" 2>&1 <<EOF || { tail -30 "$CACHE/bases-build.log" >&2; die "building $SLIM failed"; }
FROM $MINBASE
ENV LANG=C.UTF-8
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip python-is-python3 ca-certificates && rm -rf /var/lib/apt/lists/* && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED
CMD ["python3"]
EOF
  log "building $FULL"
  build -t "$FULL" --label "whittle-e2e.version=$BASES_VERSION" - >>"$CACHE/bases-build.log" 2>&1 <<EOF || { tail -30 "$CACHE/bases-build.log" >&2; die "building $FULL failed"; }
FROM $SLIM
RUN apt-get update && apt-get install -y --no-install-recommends build-essential pkg-config libpq-dev libffi-dev libssl-dev python3-dev git curl && rm -rf /var/lib/apt/lists/*
EOF
  "$DOCKER" image rm "$MINBASE" >/dev/null 2>&1 || true
}

bases_cache="$CACHE/bases-v$BASES_VERSION.tar.zst"
if [ $REBUILD = 0 ] && bases_ready; then
  log "base images present: $SLIM, $FULL"
elif [ $REBUILD = 0 ] && [ -s "$bases_cache" ]; then
  log "loading base images from $bases_cache"
  zstd -dc "$bases_cache" | "$DOCKER" load >/dev/null
  bases_ready || die "$bases_cache did not hold the expected images; delete it and run again"
else
  build_bases
  log "caching base images in $bases_cache"
  "$DOCKER" save "$SLIM" "$FULL" | zstd -q -T0 -3 -o "$bases_cache.tmp" && mv "$bases_cache.tmp" "$bases_cache"
fi
log "$SLIM $("$DOCKER" image inspect --format '{{.Size}}' "$SLIM" | awk '{ printf "%.0f MB", $1 / 1e6 }'), $FULL $("$DOCKER" image inspect --format '{{.Size}}' "$FULL" | awk '{ printf "%.0f MB", $1 / 1e6 }')"

# --- 4. package index ---------------------------------------------------------------------------
# Debian packages (from trixie, whose versions match what the reference apps ask for) and the
# upstream version each must have: a version ending in "." is a prefix (Django follows its LTS point
# releases in Debian's stable updates); the others are exact. The served files are listed in
# $CACHE/index/manifest.txt.
PINS=(
  python3-django=4.2. python3-asgiref=3.8.1 python3-sqlparse=0.5.3
  python3-gunicorn=23.0.0 python3-packaging=25.0
  python3-flask=3.1.1 python3-werkzeug=3.1.3 python3-jinja2=3.1.6 python3-markupsafe=2.1.5
  python3-itsdangerous=2.2.0 python3-click=8.2.0+0.really.8.1.8 python3-blinker=1.9.0
  python3-requests=2.32.3 python3-urllib3=2.3.0 python3-idna=3.10 python3-certifi=2025.1.31
  python3-charset-normalizer=3.4.2 python3-six=1.17.0
  python3-pip-whl=25.1.1 python3-setuptools-whl=78.1.1 python3-wheel-whl=0.46.1
)
SDISTS=(psycopg2=2.9.10)
index_key=$(printf '%s\n' "${PINS[@]}" "${SDISTS[@]}" | cat - "$HERE/build-index.py" | sha256sum | cut -c1-16)
index_dir="$CACHE/index"

apt_private() {
  local dir="$CACHE/apt-trixie"
  mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/etc/preferences.d" "$dir/etc/sources.list.d"
  touch "$dir/status"
  cat >"$dir/etc/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main
EOF
  cat >"$dir/apt.conf" <<EOF
Dir::State "$dir";
Dir::State::lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir";
Dir::Cache::archives "$dir/archives";
Dir::Etc::SourceList "$dir/etc/sources.list";
Dir::Etc::SourceParts "$dir/etc/sources.list.d";
Dir::Etc::Preferences "$dir/etc/preferences";
Dir::Etc::PreferencesParts "$dir/etc/preferences.d";
Acquire::Languages "none";
APT::Architecture "$(dpkg --print-architecture)";
APT::Sandbox::User "root";
EOF
  echo "$dir/apt.conf"
}

# The newest version of a package whose upstream part matches the pin.
resolve() {
  local name=$1 pin=$2 v up
  while read -r v; do
    up=${v#*:}
    if [[ $pin == *. ]]; then [[ $up == "$pin"* ]] && { echo "$v"; return; }
    else [[ $up == "$pin" || $up == "$pin"[-+~]* ]] && { echo "$v"; return; }
    fi
  done < <(apt-cache madison "$name" | awk -F' [|] ' '$3 ~ /Packages/ { print $2 }')
  die "no version of $name matching $pin in the archive"
}

build_index() {
  local work tmp
  APT_CONFIG=$(apt_private)
  export APT_CONFIG
  log "reading trixie package lists"
  apt-get update -qq
  work=$(mktemp -d)
  local args=()
  (
    cd "$work"
    for pin in "${PINS[@]}"; do
      name=${pin%%=*}
      apt-get download -qq "$name=$(resolve "$name" "${pin#*=}")" >/dev/null
    done
  )
  for deb in "$work"/*.deb; do args+=("$deb"); done
  for sdist in "${SDISTS[@]}"; do
    name=${sdist%%=*} version=${sdist#*=}
    # The upstream tarball of Debian's source package is the project's release: served as an sdist.
    uri=$(apt-get source --print-uris -qq "$name" | awk -v f="${name}_${version}.orig.tar.gz" '$2 == f { gsub("\047", "", $1); print $1 }')
    [ -n "$uri" ] || die "no ${name}_${version}.orig.tar.gz in the archive"
    /usr/lib/apt/apt-helper download-file "$uri" "$work/$name-$version.tar.gz" >/dev/null
    args+=("$work/$name-$version.tar.gz")
  done
  unset APT_CONFIG
  tmp="$index_dir.tmp"
  rm -rf "$tmp"
  "$PY" "$HERE/build-index.py" "$tmp" "${args[@]}" >"$work/manifest.txt"
  mv "$work/manifest.txt" "$tmp/manifest.txt"
  echo "$index_key" >"$tmp/.key"
  rm -rf "$index_dir" "$work"
  mv "$tmp" "$index_dir"
}

if [ $REBUILD = 0 ] && [ "$(cat "$index_dir/.key" 2>/dev/null)" = "$index_key" ]; then
  log "package index present: $index_dir ($(tail -1 "$index_dir/manifest.txt"))"
else
  log "building the package index"
  build_index
  log "package index: $index_dir ($(tail -1 "$index_dir/manifest.txt"))"
fi

log "ready in $((SECONDS - start)) s"
