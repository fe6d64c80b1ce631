"""The OpenAPI contract of a real server: every status a route can answer is declared, auth is a
bearer scheme, and bodies not sent as JSON or integral floats behave as docs/api.md says."""

from __future__ import annotations

import httpx
import pytest

MATH = "rlvr/Math-v1"
OPEN = {"/healthz", "/readyz"}  # the probes need no key
ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture(scope="module")
def spec(server) -> dict:
    reply = httpx.get(server.url + "/openapi.json", headers={"Authorization": f"Bearer {server.settings.api_key}"},
                      timeout=30)
    assert reply.status_code == 200
    return reply.json()


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def _error_schema(op: dict, status: str) -> str:
    return op["responses"][status]["content"]["application/json"]["schema"]["$ref"]


def test_every_post_route_declares_400_413_and_422_with_the_error_body(spec: dict) -> None:
    posts = [(path, op) for method, path, op in _operations(spec) if method == "POST"]
    assert {path for path, _ in posts} >= {"/verify", "/verify/batch", "/openrlhf/reward"}
    for path, op in posts:
        for status in ("400", "413", "422"):
            assert status in op["responses"], (path, status)
            assert _error_schema(op, status) == ERROR_REF, (path, status)


def test_guarded_routes_declare_401_and_the_bearer_scheme(spec: dict) -> None:
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["HTTPBearer"]["description"],
    }
    for method, path, op in _operations(spec):
        if path in OPEN:
            assert "401" not in op["responses"] and "security" not in op, (method, path)
        else:
            assert _error_schema(op, "401") == ERROR_REF, (method, path)
            assert op["security"] == [{"HTTPBearer": []}], (method, path)


def test_every_route_declares_413_and_the_rest_where_they_apply(spec: dict) -> None:
    for method, path, op in _operations(spec):  # the body limit runs before routing
        assert _error_schema(op, "413") == ERROR_REF, (method, path)
    paths = spec["paths"]
    for path in ("/verify", "/verify/batch", "/openrlhf/reward", "/envs/{env_id}/reset", "/sessions/{session_id}/step"):
        assert _error_schema(paths[path]["post"], "429") == ERROR_REF, path
    assert _error_schema(paths["/sessions/{session_id}"]["delete"], "404") == ERROR_REF
    ready = paths["/readyz"]["get"]["responses"]
    assert ready["503"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ReadyOut"
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # every 422 is our error body


ROUTES = [
    ("/verify", {"env": MATH, "completion": "\\boxed{1}", "reference": {"answer": "1"}}),
    ("/verify/batch", {"items": []}),
    ("/openrlhf/reward", {"query": []}),
    (f"/envs/{MATH}/reset", {"seed": 1}),
    ("/sessions/no-such-session/step", {"action": "x"}),
]


@pytest.mark.parametrize("content_type", ["text/plain", None, "*/*", "application/x-www-form-urlencoded"])
@pytest.mark.parametrize(("path", "body"), ROUTES)
def test_json_sent_as_another_content_type_is_400_invalid_json(http, path, body, content_type) -> None:
    headers = {"content-type": content_type} if content_type else {}
    request = http.build_request("POST", path, json=body)
    request.headers.pop("content-type")
    request.headers.update(headers)
    reply = http.send(request)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"] == "invalid_json"
    assert "content-type: application/json" in reply.json()["message"]
    assert (content_type or "no content-type") in reply.json()["message"]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
def test_json_content_types_with_parameters_or_suffixes_are_json(http, content_type) -> None:
    reply = http.post("/verify/batch", content=b'{"items": []}', headers={"content-type": content_type})
    assert reply.status_code == 200 and reply.json() == {"results": []}, reply.text


def test_a_reset_with_no_body_needs_no_content_type(http) -> None:
    reply = http.post(f"/envs/{MATH}/reset")
    assert reply.status_code == 200, reply.text
    http.delete(f"/sessions/{reply.json()['session_id']}")


def test_an_integral_float_seed_is_that_integer(http) -> None:
    replies = [http.post(f"/envs/{MATH}/reset", json={"seed": seed}) for seed in (198387.0, 198387)]
    assert [r.status_code for r in replies] == [200, 200], [r.text for r in replies]
    assert replies[0].json()["observation"] == replies[1].json()["observation"]
    for reply in replies:
        http.delete(f"/sessions/{reply.json()['session_id']}")


@pytest.mark.parametrize("seed", [1.5, True, "3", -1.0])
def test_a_seed_that_is_no_non_negative_integer_is_still_422(http, seed) -> None:
    reply = http.post(f"/envs/{MATH}/reset", json={"seed": seed})
    assert reply.status_code == 422 and "seed" in reply.json()["message"], reply.text
