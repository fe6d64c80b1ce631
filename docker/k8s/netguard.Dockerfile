# rlvr-netguard: the init container of docker/k8s/fleet.yaml that cuts the network of the sandbox's job uids in a
# worker pod (the executor sidecar shares the pod's network namespace). iptables and nothing else.
#   docker build -t rlvr-netguard:latest -f docker/k8s/netguard.Dockerfile docker/k8s
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends iptables && rm -rf /var/lib/apt/lists/*
