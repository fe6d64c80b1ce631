#!/usr/bin/env bash
# Prepare Docker for the rlvr sandbox on a fresh Debian machine (run as root). Idempotent.
#   1. install docker.io, debootstrap and g++ if missing
#   2. start dockerd in the background if it is not answering, and wait for it
#   3. build the local Debian base image with debootstrap + `docker import` if absent (no registry needed)
#   4. docker build the executor image on top of it (its apt layer installs the ten languages' toolchains
#      from the same Debian mirror: ~1.4 GB, about 3 min; see docs/sandbox.md, Languages)
# Env: RLVR_BASE_IMAGE (default rlvr-base:bookworm), RLVR_EXECUTOR_IMAGE (default rlvr-executor:latest),
#      RLVR_DEBIAN_MIRROR (default: the first `deb` source of this host's apt that serves the suite),
#      RLVR_DEBIAN_SUITE (default bookworm).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="${RLVR_BASE_IMAGE:-rlvr-base:bookworm}"
EXECUTOR_IMAGE="${RLVR_EXECUTOR_IMAGE:-rlvr-executor:latest}"
SUITE="${RLVR_DEBIAN_SUITE:-bookworm}"

log() { echo "[setup-docker] $*" >&2; }

# The mirror this host's apt already uses for $SUITE (one-line and deb822 formats), as sandbox/images.py
# reads it: nothing here names a mirror host.
host_mirror() {
    local f apt="${APT_DIR:-/etc/apt}"  # APT_DIR: for the test of this function only
    for f in "$apt/sources.list" "$apt"/sources.list.d/*.list; do
        [[ -r "$f" ]] || continue
        awk -v suite="$SUITE" '
            { sub(/#.*/, "") }
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == suite) { print $i; exit }
            }' "$f"
    done
    for f in "$apt"/sources.list.d/*.sources; do
        [[ -r "$f" ]] || continue
        awk -v suite="$SUITE" '
            BEGIN { RS = ""; FS = "\n" }
            {
                types = ""; uris = ""; suites = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^#/) continue
                    split($i, kv, ":"); key = tolower(kv[1]); value = substr($i, length(kv[1]) + 2)
                    if (key == "types") types = " " value " "
                    else if (key == "uris") uris = value
                    else if (key == "suites") suites = " " value " "
                    else if (key == "enabled") enabled = tolower(value)
                }
                gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites); gsub(/ /, "", enabled)
                if (types ~ / deb / && suites ~ (" " suite " ") && enabled != "no") {
                    split(uris, u, " "); for (j in u) if (u[j] != "") { print u[j]; exit }
                }
            }' "$f"
    done
}

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
    MIRROR="${RLVR_DEBIAN_MIRROR:-$(host_mirror | head -n 1)}"
    [[ -n "$MIRROR" ]] || { log "no apt source of this host serves $SUITE: set RLVR_DEBIAN_MIRROR"; exit 1; }
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
