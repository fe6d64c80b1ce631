"""Parse Lean 4 source: mask comments and strings, find declarations, split a theorem into its parts.

Everything here works on a *masked* copy of the text, the same length as the original, in which
comments and string/char literals are blanked (newlines kept). Positions found in the mask index the
original text directly, so a candidate's proof can be spliced out verbatim, while keyword scans never
see a `sorry` inside a comment or a `--` inside a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlvr.errors import InvalidReferenceError

_IDENT_CHAR = re.compile(r"[\w'!?₀-₉ₐ-ₜᵢ-ᵪⱼ.]")
_OPEN = "([{⦃⟨"
_CLOSE = ")]}⦄⟩"

# A declaration of a theorem: modifiers, the keyword, then its name (`example` has none).
_DECL = re.compile(
    r"(?m)^[ \t]*(?:@\[[^\]]*\][ \t\n]*)?(?:(?:private|protected|noncomputable|nonrec)[ \t]+)*"
    r"(?:(?P<kind>theorem|lemma)[ \t\n]+(?P<name>[^\s(:{\[⦃]+)|(?P<example>example)(?![\w']))"
)
# A line that starts a new top-level command ends the proof before it.
_COMMAND_START = re.compile(
    r"(?m)^(?:theorem|lemma|def|example|instance|abbrev|structure|class|inductive|namespace|section|end|open"
    r"|set_option|noncomputable|private|protected|attribute|variable|universe|axiom|opaque|mutual|macro"
    r"|syntax|elab|notation|import)(?![\w'])|^@\[|^#[A-Za-z_]"
)


def mask(text: str) -> str:
    """Blank out comments and string/char literals, keeping length and newlines (Lean 4 lexing rules).

    Block comments nest (`/- /- -/ -/`); `--` runs to the end of the line; a `'` starts a char literal
    only where it cannot continue an identifier (`h'` is a name).
    """
    pieces, i, n = [], 0, len(text)
    for match in _SPECIAL.finditer(text):
        start = match.start()
        if start < i:
            continue
        token = match.group()
        if token == "--":
            newline = text.find("\n", start)
            end = n if newline < 0 else newline
        elif token == "/-":
            end = _block_comment_end(text, start)
        elif token == '"' or token == "r" and _starts_token(text, start):
            end = _string_end(text, start)
        elif token == "'" and _starts_token(text, start):
            end = _char_end(text, start)
        else:
            continue
        pieces.append(text[i:start])
        pieces.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        i = max(end, start + 1)
    pieces.append(text[i:])
    return "".join(pieces)


_SPECIAL = re.compile(r"--|/-|\"|'|r(?=#*\")")
_NOT_NEWLINE = re.compile(r"[^\n]")
_COMMENT_DELIM = re.compile(r"/-|-/")
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*"', re.S)
_CHAR_LITERAL = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)|[^'\\\n])'")


def _starts_token(text: str, i: int) -> bool:
    return i == 0 or not _IDENT_CHAR.match(text[i - 1])


def _block_comment_end(text: str, i: int) -> int:
    depth = 0
    for match in _COMMENT_DELIM.finditer(text, i):
        depth += 1 if match.group() == "/-" else -1
        if depth == 0:
            return match.end()
    return len(text)


def _string_end(text: str, i: int) -> int:
    if text[i] == "r":
        hashes = len(text[i + 1:]) - len(text[i + 1:].lstrip("#"))
        if text[i + 1 + hashes:i + 2 + hashes] != '"':
            return i + 1
        closing = '"' + "#" * hashes
        end = text.find(closing, i + 2 + hashes)
        return len(text) if end < 0 else end + len(closing)
    match = _STRING_BODY.match(text, i + 1)
    return match.end() if match else len(text)


def _char_end(text: str, i: int) -> int:
    match = _CHAR_LITERAL.match(text, i)
    return match.end() if match else i + 1


def normalize(text: str) -> str:
    """Whitespace-insensitive form of Lean source: comments dropped, runs of space collapsed,
    no space just inside brackets or before commas."""
    flat = " ".join(mask(text).split())
    flat = re.sub(r"\s*([)\]}⦄⟩,])", r"\1", flat)
    return re.sub(r"([(\[{⦃⟨])\s*", r"\1", flat)


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
    """Every `theorem`/`lemma`/`example` in `text`, with its proof running to the next top-level command."""
    masked = mask(text)
    decls = []
    for match in _DECL.finditer(masked):
        assign = _top_level_assign(masked, match.end())
        sig_end = len(text) if assign < 0 else assign
        proof_start = sig_end if assign < 0 else assign + 2
        nxt = _COMMAND_START.search(masked, proof_start)
        end = len(text) if nxt is None else nxt.start()
        decls.append(Decl(start=match.start(), kind=match["kind"] or "example", name=match["name"] or "",
                          signature=text[match.end():sig_end].strip(),
                          proof=text[proof_start:end].strip(), end=end))
    return decls


def _top_level_assign(masked: str, start: int) -> int:
    """Index of the first `:=` outside brackets at or after `start`, or -1."""
    depth = 0
    for j in range(start, len(masked)):
        ch = masked[j]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and masked.startswith(":=", j):
            return j
        elif depth == 0 and _COMMAND_START.match(masked, j) and j > start and masked[j - 1] == "\n":
            return -1
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
    decls = [d for d in find_theorems(statement) if d.kind != "example"]
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
    for m in import_lines:
        code = code[:m.start()] + " " * (m.end() - m.start()) + code[m.end():]
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

