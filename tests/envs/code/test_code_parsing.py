"""Extraction and reference parsing: pure functions, no sandbox."""

from __future__ import annotations

import pytest

from rlvr.envs.code import CodeConfig, extract_code, parse_reference
from rlvr.errors import ConfigError, InvalidReferenceError
from rlvr.sandbox import SandboxSettings

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
    ("a longer fence holds a shorter one", "````python\ns = '''\n```\n'''\n````", "python", "s = '''\n```\n'''\n"),
    ("a closing fence may be longer", "```python\nx = 3\n`````\n", "python", "x = 3\n"),
    ("a tagged line inside a block does not close it", "```python\nx = '''\n```py\n'''\n```", "python",
     "x = '''\n```py\n'''\n"),
    ("a form feed is not a line break", "```python\nx = 1\x0c```\ny = 2\n```", "python", "x = 1\x0c```\ny = 2\n"),
    ("an unclosed think block is text", "<think>hmm\n```python\nx = 4\n```", "python", "x = 4\n"),
    ("two think blocks", "<think>a</think>```python\nx = 5\n```<think>```python\nx = 6\n```</think>", "python",
     "x = 5\n"),
    ("cut off after blocks of another language", "```bash\nls\n```\n```python\nx = 7\n", "python", None),
]

# Completions built to be slow for a backtracking reader (the old one took over 70 s on two of them).
N = 100_000
WORST = {
    "unclosed fences": "```a\n" * (N // 5),
    "fences of growing length": "".join("`" * (3 + i % 50) + "\n" for i in range(N // 30)),
    "blank lines": "\n" * N,
    "a name then spaces": "a" + " " * N,
    "a call then spaces then a word": "a()" + " " * N + "x",
    "for without in": "for " + "x" * N,
    "from without import": "from " + "x" * N,
    "unclosed think blocks": "<think>" * (N // 7),
    "think blocks": "<think></think>" * (N // 15),
    "spaces and tabs": " \t\n" * (N // 3),
}


@pytest.mark.parametrize(("case", "completion", "language", "expected"), EXTRACT, ids=[row[0] for row in EXTRACT])
def test_extract_code(case, completion, language, expected):
    assert extract_code(completion, language) == expected


@pytest.mark.parametrize("case", sorted(WORST))
def test_extraction_is_linear(case):
    """The bound in docs/envs/code.md: a 100,000-character completion is read in well under 0.5 s."""
    import time

    started = time.perf_counter()
    extract_code(WORST[case])
    assert time.perf_counter() - started < 0.5


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
