# The rlvr reward server. Build context: a folder holding this file and wheels/ (rlvr[server], its
# dependencies and pip), built on the host: .ci/setup-compose.sh assembles it. No network needed here.
# EXTRAS=server,sandbox,ray makes the image of docker/k8s/ (rlvr-fleet: the front and the Ray pods); its wheels/
# then holds those extras' wheels too (docs/scaling.md, "Kubernetes").
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ARG EXTRAS=server
COPY wheels /wheels
RUN python3 -m venv --without-pip /opt/rlvr \
    && /opt/rlvr/bin/python /wheels/$(cd /wheels && ls pip-*.whl)/pip install -q --no-index \
        --find-links /wheels --no-compile "rlvr[${EXTRAS}]"

FROM ${BASE_IMAGE}
COPY --from=build /opt/rlvr /opt/rlvr
ENV PATH=/opt/rlvr/bin:$PATH PYTHONDONTWRITEBYTECODE=1 RLVR_HOST=0.0.0.0 RLVR_PORT=8000
# An unprivileged user; the compose file also makes the root filesystem read-only (tmpfs /tmp).
USER 65534:65534
EXPOSE 8000
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["python3", "-c", \
    "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
CMD ["python3", "-m", "rlvr.server"]
