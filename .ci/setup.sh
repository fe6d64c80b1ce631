#!/usr/bin/env bash
# Everything a fresh Debian machine needs, idempotent: the Python environment (.venv with every extra, Ray too),
# then, as root, Docker with the sandbox images and the compose plugin with the server image.
# Without root (or with RLVR_SKIP_DOCKER=1) the Docker part is skipped and the sandbox runs only where a
# daemon and its images already exist; `rlvr serve` then falls back to the local backend, loudly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { echo "[setup] $*" >&2; }

PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.rlvr-installed"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
    log "installing rlvr and its extras into .venv (torch is pinned to the CPU build 2.13.0)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[server,sandbox,data,trainer,lean,ray,dev]"
    touch "$stamp"
fi

# tests/evaluation open `rlvr eval`'s report.html in headless Chromium (Debian's package); root only, as apt is.
if [[ "$(id -u)" == 0 ]] && ! command -v chromium >/dev/null; then
    log "installing chromium (tests/evaluation render report.html in it)"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

if [[ "${RLVR_SKIP_DOCKER:-0}" != 1 && "$(id -u)" == 0 ]]; then
    bash .ci/setup-docker.sh
    bash .ci/setup-compose.sh
else
    log "skipping Docker setup (needs root; RLVR_SKIP_DOCKER=${RLVR_SKIP_DOCKER:-0})"
fi
log "ready"
