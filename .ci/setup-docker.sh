#!/usr/bin/env bash
# Prepare Docker for the rlvr sandbox on a fresh Debian machine (run as root). Idempotent.
#   1. install docker.io, debootstrap and g++ if missing
#   2. start dockerd in the background if it is not answering, and wait for it
#   3. build the local Debian base image with debootstrap + `docker import` if absent (no registry needed)
#   4. docker build the executor image on top of it
# Env: RLVR_BASE_IMAGE (default rlvr-base:bookworm), RLVR_EXECUTOR_IMAGE (default rlvr-executor:latest),
#      RLVR_DEBIAN_MIRROR (default http://deb.debian.org/debian), RLVR_DEBIAN_SUITE (default bookworm).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="${RLVR_BASE_IMAGE:-rlvr-base:bookworm}"
EXECUTOR_IMAGE="${RLVR_EXECUTOR_IMAGE:-rlvr-executor:latest}"
MIRROR="${RLVR_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE="${RLVR_DEBIAN_SUITE:-bookworm}"

log() { echo "[setup-docker] $*" >&2; }

need=()
command -v dockerd >/dev/null || need+=(docker.io)  # the client alone may be preinstalled
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v g++ >/dev/null || need+=(g++)  # the local backend's C++ test compiles on the host
if ((${#need[@]})); then
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
    log "starting dockerd"
    (nohup dockerd >/var/log/dockerd.log 2>&1 &)
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/dockerd.log"; exit 1; }
fi

if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "building $BASE_IMAGE with debootstrap ($SUITE from $MIRROR)"
    rootfs="$(mktemp -d /var/tmp/rlvr-rootfs.XXXXXX)"
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase --include=python3-minimal,python3,g++ "$SUITE" "$rootfs" "$MIRROR" >/dev/null
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import \
        -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
fi

log "building $EXECUTOR_IMAGE on $BASE_IMAGE"
context="$(mktemp -d)"
cp "$ROOT/docker/Dockerfile" "$ROOT/sandbox/executor.py" "$context/"
docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$EXECUTOR_IMAGE" "$context" >/dev/null
rm -rf "$context"
log "ready: $EXECUTOR_IMAGE"
