"""POST /verify and /verify/batch against a real uvicorn: verdicts, bad input, limits, mixed batches."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

MATH = "rlvr/Math-v1"

CASES = [  # (completion, gold, status)
    ("Adding them up gives 7 + 5 = 12, so the answer is \\boxed{12}.", "12", "correct"),
    ("We simplify: 2/4 = 1/2. Final answer: \\boxed{\\frac{1}{2}}", "1/2", "correct"),
    ("Solving 3x + 2 = 11 gives x = 3. \\boxed{x = 3}", "3", "correct"),
    ("I think it is \\boxed{13}.", "12", "wrong"),
    ("The total is somewhere around a dozen, I am not sure.", "12", "no_answer"),
]


@pytest.mark.parametrize(("completion", "gold", "status"), CASES)
def test_verify_scores_real_completions(http: httpx.Client, completion: str, gold: str, status: str) -> None:
    reply = http.post("/verify", json={"env": MATH, "completion": completion, "reference": {"answer": gold}})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["status"] == status
    assert body["reward"] == (1.0 if status == "correct" else 0.0)
    assert set(body) == {"reward", "status", "reason", "details"}


def test_unknown_env_is_an_error_result_not_a_crash(http: httpx.Client) -> None:
    body = http.post("/verify", json={"env": "rlvr/Nope-v9", "completion": "\\boxed{1}", "reference": {}}).json()
    assert body["status"] == "error" and body["reward"] is None
    assert "rlvr/Nope-v9" in body["reason"] and MATH in body["reason"]


@pytest.mark.parametrize(
    "payload",
    [
        {"env": MATH, "completion": 12, "reference": {"answer": "12"}},  # a number is not a completion
        {"env": MATH, "completion": "\\boxed{1}", "reference": "12"},  # reference must be an object
        {"env": MATH, "reference": {"answer": "12"}},  # completion missing
        {"env": ["x"], "completion": "\\boxed{1}"},
        [1, 2, 3],
    ],
)
def test_wrong_types_are_422_with_a_message(http: httpx.Client, payload: object) -> None:
    reply = http.post("/verify", json=payload)
    assert reply.status_code == 422
    assert reply.json()["error"] == "invalid_request" and reply.json()["message"]


@pytest.mark.parametrize("raw", [b"{not json", b'{"env": "rlvr/Math-v1", "completion": "x",', b"\xff\xfe"])
def test_malformed_json_is_400(http: httpx.Client, raw: bytes) -> None:
    reply = http.post("/verify", content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 400
    assert reply.json() == {"error": "invalid_json", "message": "the request body is not valid JSON"}


@pytest.mark.parametrize("raw", [
    b'{"env": "rlvr/Math-v1", "completion": "\xff", "reference": {"answer": "1"}}',  # not UTF-8
    b'{"env": "rlvr/Math-v1", "completion": "x", "reference": {"answer": ' + b"9" * 5000 + b"}}",  # int too long
    b'{"env": "rlvr/Math-v1", "completion": "x", "reference": ' + b"[" * 5000 + b"]" * 5000 + b"}",  # too deep
])
def test_a_body_the_json_parser_cannot_take_is_400_invalid_json(http: httpx.Client, raw: bytes) -> None:
    reply = http.post("/verify", content=raw, headers={"content-type": "application/json"})
    assert reply.status_code == 400 and reply.json()["error"] == "invalid_json", reply.text


def test_oversized_body_is_413_before_it_is_read(http: httpx.Client, server) -> None:
    big = "x" * (server.settings.max_body_bytes + 1)
    reply = http.post("/verify", json={"env": MATH, "completion": big, "reference": {"answer": "1"}})
    assert reply.status_code == 413 and "RLVR_MAX_BODY_BYTES" in reply.json()["message"]


def test_oversized_chunked_body_is_413(http: httpx.Client, server) -> None:
    def chunks():
        for _ in range(server.settings.max_body_bytes // 8192 + 2):
            yield b" " * 8192

    reply = http.post("/verify", content=chunks(), headers={"content-type": "application/json"})
    assert reply.status_code == 413


def test_long_completion_is_413_with_its_limit(http: httpx.Client, server) -> None:
    completion = "a" * (server.settings.max_completion_chars + 1)
    reply = http.post("/verify", json={"env": MATH, "completion": completion, "reference": {"answer": "1"}})
    assert reply.status_code == 413 and "RLVR_MAX_COMPLETION_CHARS" in reply.json()["message"]


def test_batch_of_too_many_items_is_413(http: httpx.Client, server) -> None:
    items = [{"env": MATH, "completion": "\\boxed{1}", "reference": {"answer": "1"}}] * (server.settings.max_batch + 1)
    reply = http.post("/verify/batch", json={"items": items})
    assert reply.status_code == 413 and "RLVR_MAX_BATCH" in reply.json()["message"]


def test_mixed_batch_keeps_order_and_fails_items_alone(http: httpx.Client, server) -> None:
    good = {"env": MATH, "completion": "so \\boxed{12}", "reference": {"answer": "12"}}
    items = [
        good,
        {"env": "rlvr/Nope-v9", "completion": "\\boxed{1}", "reference": {}},
        {"env": MATH, "reference": {"answer": "1"}},
        {"env": MATH, "completion": 7, "reference": {"answer": "7"}},
        "not an object",
        {
            "env": MATH,
            "completion": "b" * (server.settings.max_completion_chars + 1),
            "reference": {"answer": "1"},
        },
        {"env": MATH, "completion": "\\boxed{(a+b+c+d+e)^{40}}", "reference": {"answer": "\\sqrt{2}"}},
        {"env": MATH, "completion": "\\boxed{13}", "reference": {"answer": "12"}},
        {"env": MATH, "completion": "\\boxed{1}", "reference": {"gold": "1"}},
        good,
    ]
    reply = http.post("/verify/batch", json={"items": items})
    assert reply.status_code == 200
    results = reply.json()["results"]
    assert [r["status"] for r in results] == [
        "correct",
        "error",
        "error",
        "error",
        "error",
        "error",
        "timeout",
        "wrong",
        "error",
        "correct",
    ]
    assert [r["reward"] for r in results] == [1.0, None, None, None, None, None, None, 0.0, None, 1.0]
    assert "completion" in results[2]["reason"] and "string" in results[3]["reason"]
    assert "RLVR_MAX_COMPLETION_CHARS" in results[5]["reason"]


def test_error_bodies_never_echo_internals(http: httpx.Client) -> None:
    bodies = [
        http.post("/verify", content=b"{", headers={"content-type": "application/json"}).text,
        http.post("/verify", json={"env": MATH, "completion": 1}).text,
        http.post(
            "/verify/batch",
            json={"items": [{"env": MATH, "completion": "\\boxed{1}", "reference": {"x": []}}]},
        ).text,
        http.get("/no/such/route").text,
    ]
    for body in bodies:
        assert "Traceback" not in body and "Error(" not in body and 'File "' not in body
        json.loads(body)


def test_disconnect_mid_batch_leaves_the_server_serving(http: httpx.Client, server) -> None:
    items = [{"env": MATH, "completion": f"\\boxed{{{i}}}", "reference": {"answer": str(i)}} for i in range(60)]
    items[3] = {"env": MATH, "completion": "\\boxed{(a+b+c+d+e)^{40}}", "reference": {"answer": "\\sqrt{2}"}}
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        _send_batch(sock, server, items)
    reply = http.post("/verify", json={"env": MATH, "completion": "\\boxed{5}", "reference": {"answer": "5"}})
    assert reply.json()["status"] == "correct"
    scorer = server.app.state.scorer
    deadline = time.monotonic() + 20
    while scorer.admission.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scorer.admission.pending == 0  # every abandoned item finished and gave back its queue slot


def _raw(http: httpx.Client, path: str, body: str) -> httpx.Response:
    """POST a JSON text as written: `"\\ud800"` escapes are valid JSON and decode to lone surrogates."""
    return http.post(path, content=body.encode("ascii"), headers={"content-type": "application/json"})


def test_lone_surrogates_come_back_as_valid_utf8_and_fail_nothing(http: httpx.Client) -> None:
    lone = '{"env": "rlvr/Math-v1", "completion": "so \\\\boxed{\\ud800}", "reference": {"answer": "3"}}'
    good = '{"env": "rlvr/Math-v1", "completion": "so \\\\boxed{3}", "reference": {"answer": "3"}}'
    batch = _raw(http, "/verify/batch", f'{{"items": [{lone}, {good}, {lone.replace("d800", "dfff")}]}}')
    assert batch.status_code == 200, batch.text
    batch.content.decode("utf-8")  # strict: the whole body is valid UTF-8
    results = batch.json()["results"]
    assert [r["status"] for r in results] == ["no_answer", "correct", "no_answer"]
    assert results[0]["details"]["extracted"] == "\ufffd"
    single = _raw(http, "/verify", lone)
    assert single.status_code == 200 and single.json()["details"]["extracted"] == "\ufffd"
    pair = _raw(http, "/verify", lone.replace("\\ud800", "\\ud83d\\ude00"))  # a valid pair stays itself
    assert pair.json()["details"]["extracted"] == "\U0001f600"


def test_lone_surrogate_in_a_session_step_answers(http: httpx.Client) -> None:
    session = http.post("/envs/rlvr/Math-v1/reset", json={"seed": 3}).json()["session_id"]
    reply = _raw(http, f"/sessions/{session}/step", '{"action": "\\\\boxed{\\udc00}"}')
    assert reply.status_code == 200, reply.text
    assert reply.json()["info"]["details"]["extracted"] == "\ufffd"


def test_a_disconnected_clients_backlog_is_cancelled(http: httpx.Client, server) -> None:
    hang = {"env": MATH, "completion": "\\boxed{(a+b+c+d+e)^{40}}", "reference": {"answer": "\\sqrt{2}"}}
    scorer = server.app.state.scorer
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        _send_batch(sock, server, [hang] * 40)  # 40 x 1.5 s on 2 workers: 30 s if they all ran
        deadline = time.monotonic() + 10
        while scorer.admission.pending < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert scorer.admission.pending >= 40
    started = time.monotonic()
    reply = http.post("/verify", json={"env": MATH, "completion": "\\boxed{5}", "reference": {"answer": "5"}})
    assert reply.json()["status"] == "correct"
    # At most the two checks already running finish their 1.5 s; the 38 queued ones never start.
    assert time.monotonic() - started < server.settings.verify_timeout_s + 4
    deadline = time.monotonic() + 5
    while scorer.admission.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scorer.admission.pending == 0


def _send_batch(sock: socket.socket, server, items: list) -> None:
    """POST a batch on a raw socket, so the test can hang up without reading the answer."""
    body = json.dumps({"items": items}).encode()
    sock.sendall(
        b"POST /verify/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {server.settings.api_key}\r\n".encode()
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
