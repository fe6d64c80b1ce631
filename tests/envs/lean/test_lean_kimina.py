"""The kimina backend against a FastAPI double of kimina-lean-server, served by uvicorn on loopback."""

from __future__ import annotations

import pytest

from rlvr.envs.lean import LeanConfig, verify
from rlvr.envs.lean.kimina import KiminaClient, check_with_kimina
from rlvr.envs.lean.source import parse_candidate, parse_reference
from rlvr.outcomes import result_for
from rlvr.results import Status
from rlvr.runtime import Runtime

HEADER = "import Mathlib\nimport Aesop\n\nset_option maxHeartbeats 400000\n\nopen Real"
STATEMENT = "theorem sq_ineq (a b : ℝ) : 2 * a * b ≤ a ^ 2 + b ^ 2 := by sorry"
REF = {"statement": STATEMENT, "header": HEADER}
PROOF = "theorem sq_ineq (a b : ℝ) : 2 * a * b ≤ a ^ 2 + b ^ 2 := by\n  nlinarith [sq_nonneg (a - b)]"


def check(url, completion, statement=STATEMENT, **config):
    """The kimina stages directly, bypassing the static scan."""
    config = LeanConfig(backend="kimina", kimina_url=url, timeout_s=5, **config)
    ref = parse_reference(statement, HEADER)
    client = KiminaClient(url, api_key=config.kimina_api_key, endpoint=config.kimina_endpoint)
    try:
        return check_with_kimina(parse_candidate(completion, ref), ref, config, client)
    except Exception as exc:  # a broken check raises; rlvr.outcomes says what it scores
        return result_for(exc)
    finally:
        client.close()


@pytest.mark.parametrize("endpoint", ["api/check", "verify"])
def test_honest_proof_is_correct_on_both_endpoints(kimina_server, endpoint):
    result = check(kimina_server.url, PROOF, kimina_endpoint=endpoint)
    assert result.status == Status.CORRECT and result.reward == 1.0
    assert result.details["axioms"] == ["propext", "Classical.choice", "Quot.sound"]
    sent = kimina_server.app.state.requests[-1]
    code = sent["snippet"]["code"] if endpoint == "api/check" else sent["codes"][0]["proof"]
    assert code.startswith("import Mathlib") and "#print axioms rlvr_check_" in code


@pytest.mark.parametrize(("completion", "reason"), [
    pytest.param("by\n  have h : False := by sorry\n  exact h.elim", "sorry", id="sorry"),
    pytest.param("by\n  native_decide", "Lean.ofReduceBool", id="native_decide"),
    pytest.param("axiom cheat : False\n" + PROOF.replace("nlinarith [sq_nonneg (a - b)]", "exact cheat.elim"),
                 "cheat", id="axiom"),
    pytest.param("by\n  FAKE_ERROR", "Lean rejected the proof", id="lean-error"),
    pytest.param("instance : LE ℝ := ⟨fun _ _ => True⟩\n" + PROOF, "does not prove the reference statement",
                 id="instance-changes-statement"),
])
def test_statement_and_axiom_checks_pass_through(kimina_server, completion, reason):
    result = check(kimina_server.url, completion)
    assert result.status == Status.WRONG and reason in result.reason


def test_messages_are_attributed_to_stages_by_line(kimina_server):
    result = check(kimina_server.url, PROOF, statement=STATEMENT.replace("a ^ 2", "FAKE_BADREF"))
    assert result.status == Status.ERROR and "reference statement" in result.reason


def test_server_timeout_is_a_timeout(kimina_server):
    result = check(kimina_server.url, "by\n  FAKE_SLEEP")
    assert result.status == Status.TIMEOUT and result.reward is None


def test_unreachable_server_is_an_error():
    result = check("http://127.0.0.1:9", PROOF)
    assert result.status == Status.ERROR and "unreachable" in result.reason


def test_api_key_is_sent(kimina_server_with_key):
    assert check(kimina_server_with_key.url, PROOF, kimina_api_key="s3cret").status == Status.CORRECT
    refused = check(kimina_server_with_key.url, PROOF, kimina_api_key="wrong")
    assert refused.status == Status.ERROR and "401" in refused.reason


def test_verify_with_kimina_backend_from_env(kimina_server, monkeypatch):
    monkeypatch.setenv("RLVR_LEAN_BACKEND", "kimina")
    monkeypatch.setenv("RLVR_LEAN_KIMINA_URL", kimina_server.url)
    with Runtime() as runtime:
        result = verify(completion=PROOF, reference=REF, runtime=runtime)
        assert result.status == Status.CORRECT and result.details["backend"] == "kimina"
        assert verify(completion="sorry", reference=REF, runtime=runtime).status == Status.WRONG
