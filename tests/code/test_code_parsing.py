"""Extraction and reference parsing: pure functions, no sandbox."""

from __future__ import annotations

import pytest

from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.verifiers.code import CodeConfig, SandboxSettings, extract_code, parse_reference

EXTRACT = [
    ("fenced python", "Sure!\n```python\nprint(1)\n```\nDone.", "python", "print(1)\n"),
    ("last python block wins", "```python\na = 1\n```\n```py\nb = 2\n```", "python", "b = 2\n"),
    ("untagged block", "```\nx = 1\n```", "python", "x = 1\n"),
    ("tagged beats untagged", "```python\nx = 1\n```\n```\nnot code\n```", "python", "x = 1\n"),
    ("other language only", "```bash\nls\n```", "python", None),
    ("cpp block", "```c++\nint main() {}\n```", "cpp", "int main() {}\n"),
    ("no fence, code", "def f(x):\n    return x\n", "python", "def f(x):\n    return x\n"),
    ("no fence, prose", "I cannot solve this problem, sorry.", "python", None),
    ("empty block", "```python\n\n```", "python", None),
    ("empty completion", "", "python", None),
    ("think block dropped", "<think>```python\nwrong = 1\n```</think>\n```python\nright = 1\n```", "python",
     "right = 1\n"),
    ("cut off inside the block", "```python\ndef f():\n    return 1\n", "python", "def f():\n    return 1\n"),
    ("tilde fence", "~~~python\nx = 2\n~~~", "python", "x = 2\n"),
]


@pytest.mark.parametrize(("case", "completion", "language", "expected"), EXTRACT, ids=[row[0] for row in EXTRACT])
def test_extract_code(case, completion, language, expected):
    assert extract_code(completion, language) == expected


def test_formats_are_recognised():
    assert parse_reference({"prompt": "def f():\n", "test": "def check(c): pass", "entry_point": "f"}).format == \
        "humaneval"
    suite = parse_reference({"asserts": ["assert f(1) == g(2)", "assert len(f(3)) == 1"], "setup": "def g(x): pass"})
    assert suite.format == "asserts" and suite.names == ("f", "g")  # g is bound only if setup lacks it
    assert parse_reference({"inputs": ["1"], "outputs": ["1"]}).mode == "stdio"
    assert parse_reference({"inputs": [[1]], "outputs": [1], "fn_name": "f"}).mode == "call"
    assert parse_reference({"input_output": '{"inputs": ["1"], "outputs": ["2"]}'}).tests[0]["expected"] == "2"
    assert parse_reference({"tests": [{"input": ["a", "b"], "output": "c"}]}).tests[0]["stdin"] == "a\nb\n"


@pytest.mark.parametrize("reference", [
    {}, {"asserts": "assert f()"}, {"inputs": ["1"], "outputs": []}, {"inputs": [], "outputs": []},
    {"test": "x", "entry_point": "not an identifier"}, {"inputs": ["1"], "outputs": ["1"], "language": "cobol"},
    {"input_output": "{not json"}, {"asserts": ["assert f()"], "language": "cpp"},
])
def test_malformed_references_are_refused(reference):
    with pytest.raises(InvalidReferenceError):
        parse_reference(reference)


def test_humaneval_program_composition():
    suite = parse_reference({"prompt": 'def f(x):\n    """Doc."""\n', "test": "", "entry_point": "f"})
    assert suite.program("    return x\n") == 'def f(x):\n    """Doc."""\n    return x\n\n'
    assert suite.program("return x").endswith('"""\n    return x\n')
    assert suite.program("def f(x):\n    return x").startswith('def f(x):\n    """Doc."""\n\ndef f(x):')


def test_config_and_settings_validate():
    with pytest.raises(ConfigError):
        CodeConfig(test_timeout_s=0)
    with pytest.raises(ConfigError):
        SandboxSettings(backend="podman")
    with pytest.raises(ConfigError):
        SandboxSettings.from_env({"RLVR_SANDBOX_BACKEND": "sockets"})
    settings = SandboxSettings.from_env({"RLVR_SANDBOX_BACKEND": "sockets", "RLVR_SANDBOX_SOCKETS": "/a.sock,/b.sock"})
    assert settings.sockets == ("/a.sock", "/b.sock")
    assert SandboxSettings.from_env({}).backend == "docker"
