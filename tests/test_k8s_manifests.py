"""docker/k8s/: every manifest passes `kubernetes-validate --strict` (the RayCluster's pod templates too, as the
PodTemplates they are; its CRD schema is not among the tool's), and the wiring the docs promise holds: probes on
/healthz and /readyz, requests and limits and a locked-down security context on every container, the executor
sidecar sharing its socket directory with the Ray worker, and the job uids' network cut."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[1] / "docker" / "k8s"
MANIFESTS = sorted(K8S.glob("*.yaml"))
DOCS = [doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]
BY_KIND = {(doc["kind"], doc["metadata"]["name"]): doc for doc in DOCS}
FLEET = BY_KIND["RayCluster", "rlvr-fleet"]
WORKER = FLEET["spec"]["workerGroupSpecs"][0]["template"]["spec"]


def test_every_manifest_passes_kubernetes_validate_strict() -> None:
    cli = Path(sys.executable).with_name("kubernetes-validate")
    run = subprocess.run([str(cli), "--strict", *map(str, MANIFESTS)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    unchecked = [line for line in run.stdout.splitlines() if "Couldn't find schema" in line]
    assert len(unchecked) == 1 and "fleet.yaml" in unchecked[0] and "kind RayCluster" in unchecked[0], unchecked
    assert run.stdout.count(" passed for resource ") == len(DOCS) - 1


def _templates() -> list[dict]:
    groups = [FLEET["spec"]["headGroupSpec"], *FLEET["spec"]["workerGroupSpecs"]]
    return [group["template"] for group in groups]


@pytest.mark.parametrize("template", _templates(), ids=["head", "verifiers"])
def test_the_ray_clusters_pods_pass_strict_validation(template: dict) -> None:
    pod_template = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "rlvr-fleet"},
                    "template": template}
    kubernetes_validate.validate(pod_template, kubernetes_validate.latest_version(), strict=True)


def _pod_specs() -> list[dict]:
    specs = [t["spec"] for t in _templates()]
    return specs + [doc["spec"]["template"]["spec"] for doc in DOCS if doc["kind"] == "Deployment"]


@pytest.mark.parametrize("container", [c for spec in _pod_specs() for c in spec["containers"] + spec.get(
    "initContainers", [])], ids=lambda c: c["name"])
def test_every_container_is_bounded_and_locked_down(container: dict) -> None:
    assert set(container["resources"]) == {"requests", "limits"}
    security = container.get("securityContext", {})
    assert security["allowPrivilegeEscalation"] is False and security["readOnlyRootFilesystem"] is True
    assert security["capabilities"]["drop"] == ["ALL"]


def test_the_front_is_probed_served_and_kept_available() -> None:
    front = BY_KIND["Deployment", "rlvr-front"]["spec"]["template"]["spec"]["containers"][0]
    assert front["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert front["readinessProbe"]["httpGet"]["path"] == "/readyz"
    env = {e["name"]: e.get("value") for e in front["env"]}
    assert env["RLVR_RAY_ADDRESS"] == f"ray://{FLEET['metadata']['name']}-head-svc:10001"  # KubeRay's head service
    assert {("Service", "rlvr-front"), ("HorizontalPodAutoscaler", "rlvr-front"), ("PodDisruptionBudget", "rlvr-front"),
            ("PodDisruptionBudget", "rlvr-fleet-workers")} <= set(BY_KIND)


def test_the_executor_sidecar_shares_its_socket_directory_and_its_jobs_have_no_network() -> None:
    ray_worker, executor = WORKER["containers"]
    socket_dir = {e["name"]: e["value"] for e in ray_worker["env"]}["RLVR_SANDBOX_SOCKET_DIR"]
    mounts = {c["name"]: {m["mountPath"]: m["name"] for m in c["volumeMounts"]} for c in (ray_worker, executor)}
    assert mounts["ray-worker"][socket_dir] == mounts["executor"][socket_dir]
    assert socket_dir in " ".join(executor["command"])
    env = {e["name"]: e["value"] for e in executor["env"]}
    slots, uid_base = int(env["RLVR_SLOTS"]), int(env["RLVR_UID_BASE"])
    assert sorted(p for p in mounts["executor"] if p.startswith(env["RLVR_WORK_ROOT"])) == [
        f"/work/s{slot}" for slot in range(slots)]
    (guard,) = WORKER["initContainers"]
    low, high = map(int, re.search(r"--uid-owner (\d+)-(\d+)", guard["command"][-1]).groups())
    assert low <= uid_base and uid_base + slots - 1 <= high
    assert "NET_ADMIN" in guard["securityContext"]["capabilities"]["add"]
    assert executor["securityContext"]["capabilities"]["add"] == ["SETUID", "SETGID", "KILL", "CHOWN"]
