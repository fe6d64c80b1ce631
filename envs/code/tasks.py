"""Code tasks: the built-in problems and loaders for HumanEval, MBPP-style and stdin/stdout JSONL.

Every loader returns `CodeTasks` whose references are exactly what `rlvr.envs.code.verify` reads,
so `rlvr.verify("rlvr/Code-v1", completion=..., reference=task.reference)` scores a task of any source.
A task's id is its record's (`task_id`, `id` or `problem_id`); a record without one gets `code-` and a hash of
its prompt and reference, so the id is the same on every load. Two records with one id are refused.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from rlvr.envs.base import Task, TaskList
from rlvr.envs.code.reference import language_name, parse_reference
from rlvr.errors import InvalidReferenceError

SYSTEM_PROMPT = ("You are an expert programmer. Reply with your solution in one fenced code block "
                 "(```python ... ```); the last such block is the one that is run.")


def system_prompt(language: str) -> str:
    return SYSTEM_PROMPT.replace("```python", f"```{language}")
_HUMANEVAL_FIELDS = ("prompt", "test", "entry_point")


CodeTasks = TaskList  # the code tasks of an env: its built-in problems or a loaded file


def humaneval_task(record: Mapping[str, Any]) -> Task:
    """A HumanEval record (`task_id`, `prompt`, `test`, `entry_point`, `canonical_solution`)."""
    missing = [key for key in _HUMANEVAL_FIELDS if key not in record]
    if missing:
        raise InvalidReferenceError(f"HumanEval record lacks {', '.join(missing)}")
    reference = {key: record[key] for key in _HUMANEVAL_FIELDS}
    prompt = ("Complete this Python function. Reply with the whole function in a ```python block.\n\n"
              f"```python\n{record['prompt']}```")
    return _task(_record_id(record, "task_id", "entry_point"), prompt, reference, record)


def mbpp_task(record: Mapping[str, Any]) -> Task:
    """An MBPP record (`task_id`, `text`, `code`, `test_list`, `test_setup_code`, `test_imports`) or the
    same with `asserts`/`description` names."""
    asserts = record.get("asserts", record.get("test_list"))
    text = record.get("text", record.get("description", record.get("prompt", "")))
    if not asserts or not text:
        raise InvalidReferenceError("an MBPP record needs text (or description) and test_list (or asserts)")
    reference = {"asserts": list(asserts)}
    for key in ("test_setup_code", "setup", "test_imports", "imports", "partial_credit", "timeout_s"):
        if record.get(key):
            reference[key] = record[key]
    prompt = (f"{str(text).strip()}\nYour code should pass tests like this one:\n\n```python\n{asserts[0]}\n```\n\n"
              "Reply with the Python code in a ```python block.")
    return _task(_record_id(record, "task_id", "id"), prompt, reference, record)


def stdio_task(record: Mapping[str, Any], language: str | None = None) -> Task:
    """A stdin/stdout record: `question` (or `prompt`/`description`) and `inputs`/`outputs` (or APPS'
    `input_output` JSON), optionally `fn_name` (call-based), `language` (else `language`, else python),
    `float_tol`, `checker`, and the limits `timeout_s`, `memory_mb`, `output_bytes`."""
    text = record.get("question", record.get("prompt", record.get("description", "")))
    if not text:
        raise InvalidReferenceError("a stdin/stdout record needs a question (or prompt/description)")
    keys = ("inputs", "outputs", "input_output", "fn_name", "language", "float_tol", "partial_credit", "timeout_s",
            "memory_mb", "output_bytes", "checker")
    reference = {key: record[key] for key in keys if key in record}
    if language and not record.get("language"):
        reference["language"] = language
    language = str(reference.get("language") or "python")
    if reference.get("fn_name") or (isinstance(record.get("input_output"), str)
                                    and '"fn_name"' in record["input_output"]):
        how = "Write the function it asks for, in Python."
    else:
        how = "Read the input from stdin and write the answer to stdout."
    prompt = f"{str(text).strip()}\n\n{how} Reply with the {language} code in a ```{language} block."
    return _task(_record_id(record, "id", "problem_id", "task_id"), prompt, reference, record, language)


def _record_id(record: Mapping[str, Any], *keys: str) -> str | None:
    """The first of `keys` the record has a value for (MBPP's ids are ints), or None."""
    return next((str(record[key]) for key in keys if record.get(key) not in (None, "")), None)


def _task(task_id: str | None, prompt: str, reference: dict[str, Any], record: Mapping[str, Any],
          language: str = "python") -> Task:
    parse_reference(reference)  # refuse a malformed record when loading, not when scoring
    if task_id is None:
        content = json.dumps([prompt, reference], sort_keys=True, default=str).encode()
        task_id = "code-" + hashlib.sha256(content).hexdigest()[:12]
    metadata = {key: value for key, value in record.items() if key in ("canonical_solution", "code", "solution",
                                                                         "difficulty", "source", "tags")}
    return Task(id=task_id, prompt=prompt, reference=reference, system_prompt=system_prompt(language),
                metadata=metadata)


LOADERS = {"humaneval": humaneval_task, "mbpp": mbpp_task, "stdio": stdio_task}


def load_jsonl(path: str | Path, *, format: str = "auto", limit: int | None = None,
               language: str | None = None) -> CodeTasks:
    """Tasks from a JSONL file (`.gz` too: HumanEval ships `HumanEval.jsonl.gz`).

    format: humaneval, mbpp, stdio, or auto (decided per record by its fields).
    language: the language of stdin/stdout records that name none (HumanEval and MBPP are Python).
    """
    if format not in (*LOADERS, "auto"):
        raise InvalidReferenceError(f"format must be one of auto, {', '.join(LOADERS)}; got {format!r}")
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        lines = handle.read().splitlines()
    tasks = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InvalidReferenceError(f"{path}:{number} is not JSON") from None
        kind = format if format != "auto" else _guess(record)
        tasks.append(stdio_task(record, language) if kind == "stdio" else LOADERS[kind](record))
        if limit is not None and len(tasks) >= limit:
            break
    return CodeTasks(tasks, name=str(path))


def _guess(record: Mapping[str, Any]) -> str:
    if all(key in record for key in ("test", "entry_point")):
        return "humaneval"
    if "test_list" in record or "asserts" in record:
        return "mbpp"
    return "stdio"


def builtin_records() -> list[dict[str, Any]]:
    """The raw records of the built-in problems (with their solutions and known wrong solutions)."""
    text = resources.files("rlvr.envs.code").joinpath("data/problems.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def builtin_task(record: Mapping[str, Any], language: str = "python") -> Task:
    """A built-in problem: MBPP-style asserts or stdin/stdout cases, written by the rlvr team; stdin/stdout
    problems also in the languages of their `solutions`."""
    if "asserts" in record:
        signature = record["signature"]
        prompt = (f"{record['description'].strip()}\n\nWrite a Python function `{signature}`. It must pass tests "
                  f"such as:\n\n```python\n{record['asserts'][0]}\n```\n\nReply with the code in a ```python "
                  "block.")
        reference: dict[str, Any] = {"asserts": list(record["asserts"])}
    else:
        prompt = (f"{record['description'].strip()}\n\nRead the input from stdin and write the answer to stdout. "
                  f"Reply with the code in a ```{language} block.")
        reference = {"inputs": list(record["inputs"]), "outputs": list(record["outputs"])}
        if language != "python":
            reference["language"] = language
    parse_reference(reference)
    solution = record["solution"] if language == "python" else record["solutions"][language]
    metadata = {"solution": solution, "tags": record.get("tags", [])}
    return Task(id=record["id"], prompt=prompt, reference=reference, system_prompt=system_prompt(language),
                metadata=metadata)


def builtin_tasks(language: str = "python") -> CodeTasks:
    """The problems shipped with rlvr: all of them in Python; in another language, those with a reference
    solution in it (stdin/stdout problems: C++ and Java)."""
    language = language_name(language)
    records = [record for record in builtin_records()
               if language == "python" or language in record.get("solutions", {})]
    if not records:
        raise InvalidReferenceError(f"no built-in problem has a {language} solution; languages with some: "
                                    f"{', '.join(builtin_languages())}")
    return CodeTasks((builtin_task(record, language) for record in records),
                     name=f"the built-in code problems ({language})")


def builtin_languages() -> list[str]:
    """The languages the built-in problems have reference solutions in."""
    return sorted({"python", *(name for record in builtin_records() for name in record.get("solutions", {}))})
