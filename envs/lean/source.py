"""Parse Lean 4 source: mask comments and strings, find declarations, split a theorem into its parts.

Everything here works on a *masked* copy of the text (`lexer.mask`), the same length as the original, in
which comments and string/char literals are blanked (newlines kept). Positions found in the mask index
the original text directly, so a candidate's proof can be spliced out verbatim, while keyword scans
never see a `sorry` inside a comment or a `--` inside a string.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from rlvr.envs.lean.errors import UntokenizableSource
from rlvr.envs.lean.lexer import ID_REST, mask
from rlvr.errors import InvalidReferenceError

# A reference larger than this is not a competition statement; refusing it keeps parsing fast.
MAX_STATEMENT_CHARS = 50_000
MAX_HEADER_CHARS = 20_000
_OPEN = "([{⦃⟨"
_CLOSE = ")]}⦄⟩"

# A declaration of a theorem: modifiers, the keyword, then its name (`example` has none).
_DECL = re.compile(
    r"(?m)^[ \t]*(?:@\[[^\]]{0,2000}\][ \t\n]*)?(?:(?:private|protected|noncomputable|nonrec)[ \t]+)*"
    r"(?:(?P<kind>theorem|lemma)[ \t\n]+(?P<name>[^\s(:{\[⦃]+)|(?P<example>example)(?![\w']))"
)
# A line that starts a new top-level command ends the proof before it.
_COMMAND_START = re.compile(
    r"(?m)^(?:theorem|lemma|def|example|instance|abbrev|structure|class|inductive|namespace|section|end|open"
    r"|set_option|noncomputable|private|protected|attribute|variable|universe|axiom|opaque|mutual|macro"
    r"|syntax|elab|notation|import)(?![\w'])|^@\[|^#[A-Za-z_]"
)


def normalize(text: str) -> str:
    """Spacing-insensitive form of Lean source: its tokens (comments dropped) joined by one space, so
    `(h₀: 0 < a)` equals `(h₀ : 0 < a)` and `a*b` equals `a * b`."""
    return " ".join(_TOKEN.findall(mask(text)))


_TOKEN = re.compile(rf"[{ID_REST}.]+|\S")


@dataclass(frozen=True)
class Decl:
    """A theorem found in source: where it starts, its name, signature (binders and type) and proof."""

    start: int
    kind: str
    name: str
    signature: str
    proof: str
    end: int


def find_theorems(text: str) -> list[Decl]:
    """Every `theorem`/`lemma`/`example` in `text`, with its proof running to the next top-level command.

    One pass: each declaration's signature is searched only up to the next command or declaration.
    """
    masked = mask(text)
    commands = [m.start() for m in _COMMAND_START.finditer(masked)]
    matches = list(_DECL.finditer(masked))
    decls = []
    for k, match in enumerate(matches):
        nxt_command = _next(commands, match.end() + 1, len(text))
        limit = min(nxt_command, matches[k + 1].start()) if k + 1 < len(matches) else nxt_command
        assign = _top_level_assign(masked, match.end(), limit)
        sig_end = limit if assign < 0 else assign
        proof_start = limit if assign < 0 else assign + 2
        end = _next(commands, proof_start, len(text))
        decls.append(Decl(start=match.start(), kind=match["kind"] or "example", name=match["name"] or "",
                          signature=text[match.end():sig_end].strip(),
                          proof=text[proof_start:end].strip(), end=end))
    return decls


def _next(positions: list[int], start: int, default: int) -> int:
    """The first of the sorted `positions` at or after `start`."""
    k = bisect_left(positions, start)
    return positions[k] if k < len(positions) else default


_BRACKET_OR_ASSIGN = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]|:=")


def _top_level_assign(masked: str, start: int, end: int) -> int:
    """Index of the first `:=` outside brackets in `masked[start:end]`, or -1."""
    depth = 0
    for match in _BRACKET_OR_ASSIGN.finditer(masked, start, end):
        token = match.group()
        if token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            return match.start()
    return -1


def split_signature(signature: str) -> tuple[str, str]:
    """Split `(a b : ℝ) (h : 0 < a) : a * b > 0` into binders and type at the top-level colon."""
    masked = mask(signature)
    depth = 0
    for j, ch in enumerate(masked):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0 and not masked.startswith(":=", j) and not masked.startswith("::", j) \
                and (j == 0 or masked[j - 1] != ":"):
            return signature[:j].strip(), signature[j + 1:].strip()
    raise InvalidReferenceError(f"theorem signature has no type (no top-level ':'): {signature[:200]!r}")


@dataclass(frozen=True)
class Reference:
    """A task's reference: the import header, lines before the theorem (`open ...`), and the theorem."""

    header: str
    preamble: str
    name: str
    signature: str


def parse_reference(statement: str, header: str) -> Reference:
    """Read the reference theorem; a trailing `:= by sorry` (miniF2F style) is ignored, and lines before
    the theorem (`open ...`) are kept without their comments."""
    if len(statement) > MAX_STATEMENT_CHARS or len(header) > MAX_HEADER_CHARS:
        raise InvalidReferenceError(f"the reference statement ({len(statement)} characters) or header "
                                    f"({len(header)}) is over its limit ({MAX_STATEMENT_CHARS}, "
                                    f"{MAX_HEADER_CHARS})")
    try:
        decls = [d for d in find_theorems(statement) if d.kind != "example"]
        mask(header)
    except UntokenizableSource as exc:
        raise InvalidReferenceError(f"the reference could not be tokenised safely: {exc}") from exc
    if len(decls) != 1:
        raise InvalidReferenceError(f"reference statement must hold exactly one theorem, found {len(decls)}")
    decl = decls[0]
    split_signature(decl.signature)
    # Comments go: a docstring before the theorem would otherwise attach to whatever we put next.
    preamble = "\n".join(line.rstrip() for line in mask(statement[:decl.start]).splitlines() if line.strip())
    return Reference(header=header.strip(), preamble=preamble, name=decl.name, signature=decl.signature)


_FENCE = re.compile(r"```[ \t]*(?:lean4?|Lean4?)?[ \t]*\n(.*?)(?:```|\Z)", re.S)


def extract_code(completion: str) -> str:
    """The Lean code of a completion: the last fenced block if there is one, else the whole text."""
    blocks = _FENCE.findall(completion)
    return (blocks[-1] if blocks else completion).strip("\n")


@dataclass(frozen=True)
class Candidate:
    """What the model wrote, split for checking: imports, code before the main theorem, the main
    theorem's signature as written (None for a bare tactic block), its proof, and code after it."""

    imports: tuple[str, ...]
    before: str
    signature: str | None
    proof: str
    after: str

    @property
    def source(self) -> str:
        """All of the candidate's code, for the static scan (imports excluded)."""
        return "\n".join(part for part in (self.before, self.signature or "", self.proof, self.after) if part)


_IMPORT = re.compile(r"(?m)^[ \t]*import[ \t]+([^\s]+)[ \t]*$")


def parse_candidate(completion: str, reference: Reference) -> Candidate:
    """Split a completion into the main theorem's proof and its surroundings.

    A completion holding theorems picks the one named like the reference, else the last one. One
    holding none is a tactic block for the reference statement (a leading `by` is optional).
    """
    code = extract_code(completion)
    masked = mask(code)
    import_lines = list(_IMPORT.finditer(masked))
    imports = tuple(m[1] for m in import_lines)
    pieces, i = [], 0
    for m in import_lines:
        pieces += [code[i:m.start()], " " * (m.end() - m.start())]
        i = m.end()
    code = "".join(pieces) + code[i:]
    decls = find_theorems(code)
    if not decls:
        proof = code.strip()
        if proof and not re.match(r"by(?![\w'])", mask(proof)):
            proof = "by\n" + "\n".join("  " + line for line in proof.splitlines())
        return Candidate(imports=imports, before="", signature=None, proof=proof, after="")
    named = [d for d in decls if d.name == reference.name]
    main = named[-1] if named else decls[-1]
    return Candidate(imports=imports, before=code[:main.start].strip(), signature=main.signature,
                     proof=main.proof, after=code[main.end:].strip())

