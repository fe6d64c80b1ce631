"""A test double of the leanprover-community `repl`: its JSON protocol over stdin/stdout, fake Lean inside.

No Lean runs on the test machines, so the protocol is the seam. The double answers like the REPL:
a command without `env` starts a file (the header), one with `env` extends that environment, an
unknown env gets `{"message": ...}`, and answers are pretty-printed JSON followed by a blank line.

"Lean" here is a toy: declarations are split at top-level keywords; a theorem's axioms are the base
three plus those of the declarations it names, `sorry` adds `sorryAx` and a warning, `native_decide`
adds `Lean.ofReduceBool`, an `instance` makes later proofs not match their goal, `#print axioms`
prints in the REPL's format. Magic words make it misbehave: FAKE_SLEEP (hang), FAKE_CRASH (exit),
FAKE_GARBAGE (not JSON), FAKE_ERROR (a Lean error), FAKE_BADREF (the goal does not elaborate).
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
import time

BASE_AXIOMS = ["propext", "Classical.choice", "Quot.sound"]
_CHUNK = re.compile(r"(?m)^(?=(?:theorem|lemma|def|#print|axiom|instance|example|namespace)(?![\w']))")
_WORD = re.compile(r"[A-Za-z_][\w.']*")


def _message(severity: str, line: int, data: str) -> dict:
    return {"severity": severity, "pos": {"line": line, "column": 0}, "endPos": {"line": line, "column": 1},
            "data": data}


def run_lean(text: str, env: dict) -> tuple[list[dict], list[dict]]:
    """Elaborate `text` in `env` (mutated); returns (messages, sorries) with 1-based lines of `text`."""
    messages: list[dict] = []
    sorries: list[dict] = []
    starts = [m.start() for m in _CHUNK.finditer(text)]
    for index, start in enumerate(starts):
        chunk = text[start:starts[index + 1] if index + 1 < len(starts) else len(text)]
        line = text.count("\n", 0, start) + 1
        _run_chunk(chunk.strip(), line, env, messages, sorries)
    return messages, sorries


def _resolve(name: str, env: dict) -> str:
    """A name as Lean resolves it: inside the open namespace first, then at the root."""
    scoped = f"{env['namespace']}.{name}" if env.get("namespace") else name
    return scoped if scoped in env["decls"] else name


def _declare(name: str, env: dict) -> str:
    return f"{env['namespace']}.{name}" if env.get("namespace") else name


def _run_chunk(chunk: str, line: int, env: dict, messages: list, sorries: list) -> None:
    decls = env.setdefault("decls", {})
    words = chunk.split()
    if chunk.startswith("namespace"):
        env["namespace"] = words[1]
    elif chunk.startswith("#print axioms"):
        name = _resolve(words[2] if len(words) > 2 else "", env)
        if name not in decls:
            messages.append(_message("error", line, f"unknown constant '{name}'"))
        elif decls[name]["axioms"]:
            listed = ", ".join(decls[name]["axioms"])
            messages.append(_message("info", line, f"'{name}' depends on axioms: [{listed}]"))
        else:
            messages.append(_message("info", line, f"'{name}' does not depend on any axioms"))
    elif chunk.startswith("axiom"):
        decls[words[1]] = {"axioms": [words[1]], "changed": False}
    elif chunk.startswith("instance"):
        env["instance"] = True
    elif chunk.startswith("def"):
        if "FAKE_BADREF" in chunk:
            messages.append(_message("error", line, "unknown identifier 'FAKE_BADREF'"))
        else:
            decls[words[1]] = {"axioms": [], "changed": False}
    elif chunk.startswith(("theorem", "lemma")):
        _theorem(chunk, _declare(words[1], env), line, env, messages, sorries)


def _theorem(chunk: str, name: str, line: int, env: dict, messages: list, sorries: list) -> None:
    decls = env["decls"]
    if name.split(".")[-1].startswith("rlvr_check_"):
        match = re.search(r":\s*(\S+)\s*:=\s*@?(\S+)", chunk)
        goal, proof = (_resolve(match[1], env), _resolve(match[2], env)) if match else ("", "")
        if goal not in decls or proof not in decls:
            messages.append(_message("error", line, f"unknown identifier '{proof}'"))
        elif decls[proof]["changed"]:
            messages.append(_message("error", line, "type mismatch"))
        else:
            decls[name] = {"axioms": list(decls[proof]["axioms"]), "changed": False}
        return
    if "FAKE_ERROR" in chunk:
        messages.append(_message("error", line, "linarith failed to find a contradiction"))
        return
    axioms = [] if "FAKE_NOAXIOMS" in chunk else list(BASE_AXIOMS)
    proof = chunk.split(":=", 1)[1] if ":=" in chunk else ""
    if re.search(r"\bsorry\b", proof):
        messages.append(_message("warning", line, "declaration uses 'sorry'"))
        sorries.append({"pos": {"line": line, "column": 0}, "endPos": {"line": line, "column": 5},
                        "goal": "⊢ False"})
        axioms.append("sorryAx")
    if "native_decide" in proof:
        axioms.append("Lean.ofReduceBool")
    for word in set(_WORD.findall(proof)):
        for used in {word, word.split(".")[0]} & decls.keys():
            axioms.extend(a for a in decls[used]["axioms"] if a not in axioms)
    decls[name] = {"axioms": axioms, "changed": bool(env.get("instance"))}


def _answer(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n\n")
    sys.stdout.flush()


def _commands():
    block: list[str] = []
    for line in sys.stdin:
        if line.strip():
            block.append(line)
        elif block:
            yield "".join(block)
            block = []
    if block:
        yield "".join(block)


def main() -> None:
    envs: dict[int, dict] = {}
    for raw in _commands():
        try:
            command = json.loads(raw)
        except ValueError:
            _answer({"message": "Could not parse JSON"})
            continue
        text = command.get("cmd", "")
        if "FAKE_SLEEP" in text:
            time.sleep(3600)
        if "FAKE_CRASH" in text:
            os._exit(3)
        if "FAKE_GARBAGE" in text:
            sys.stdout.write("PANIC at Lean.Elab.Command\n\n")
            sys.stdout.flush()
            continue
        if "env" in command and command["env"] not in envs:
            _answer({"message": f"Unknown environment {command['env']}."})
            continue
        env = copy.deepcopy(envs[command["env"]]) if "env" in command else {}
        if "env" not in command and "import NoSuchModule" in text:
            _answer({"env": len(envs), "messages": [_message("error", 1, "unknown module prefix")]})
            continue
        messages, sorries = run_lean(text, env)
        envs[len(envs)] = env
        answer: dict = {"env": len(envs) - 1}
        if messages:
            answer["messages"] = messages
        if sorries:
            answer["sorries"] = sorries
        _answer(answer)


if __name__ == "__main__":
    main()
