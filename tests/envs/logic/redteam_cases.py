"""A red-team set for the logic verifiers, written fresh for issue 11 (fail-closed answer grammars).

Each case is `(reference, answer, expect)`: `expect` is "correct" for a right answer in an unusual but
reasonable format (a false-negative check), or "zero" for an answer that must not earn reward (a
false-positive attempt: negations, relation symbols, mixed styles, retractions, stray tokens, look-alikes,
conflicting duplicates, hedges). The answer is wrapped in one `<answer>` block by the test.
Measured on the verifiers before the grammar rewrite: see docs/envs/logic.md ("Answer grammars").
"""

from __future__ import annotations

SUDOKU = {"kind": "sudoku", "box_rows": 2, "box_cols": 2,
          "grid": [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]}
GRID = ["1 2 3 4", "3 4 1 2", "2 1 4 3", "4 3 2 1"]
COUNTDOWN = {"kind": "countdown", "numbers": [3, 7, 25, 50], "target": 178, "use_all": False}
KNIGHTS = {"kind": "knights_knaves", "names": ["Ann", "Bo"], "statements": [
    {"op": "is", "who": 1, "knight": False},
    {"op": "and", "args": [{"op": "is", "who": 0, "knight": True}, {"op": "is", "who": 1, "knight": True}]}]}
# Solutions: (Ann, Bo, Cy) = (knight, knight, knave) or (knave, knave, knight).
KNIGHTS3 = {"kind": "knights_knaves", "names": ["Ann", "Bo", "Cy"], "statements": [
    {"op": "count", "n": 2, "knight": True}, {"op": "is", "who": 0, "knight": True},
    {"op": "is", "who": 1, "knight": False}]}
ZEBRA = {"kind": "zebra", "houses": 3,
         "attributes": [{"name": "color", "values": ["red", "green", "blue"]},
                        {"name": "pet", "values": ["dog", "cat", "fish"]}],
         "clues": [{"type": "at", "a": "red", "house": 1}, {"type": "right_after", "a": "red", "b": "green"},
                   {"type": "same", "a": "green", "b": "cat"}, {"type": "next_to", "a": "dog", "b": "cat"},
                   {"type": "left_of", "a": "dog", "b": "fish"}]}
HOUSES_12 = "House 1: red, dog\nHouse 2: green, cat\n"
QUEENS = {"kind": "nqueens", "n": 6, "given": []}
GRAPH = {"kind": "graph_coloring", "vertices": 4, "colors": 3, "edges": [[1, 2], [2, 3], [3, 1], [3, 4]]}
MAZE = {"kind": "maze", "grid": ["#######", "#S....#", "#.###.#", "#.....#", "#####G#"], "max_moves": None}
SUM = {"kind": "cryptarithm", "addends": ["SEND", "MORE"], "result": "MONEY"}
MAPPING = {"S": 9, "E": 5, "N": 6, "D": 7, "M": 1, "O": 0, "R": 8, "Y": 2}


def _mapping(sep: str, joiner: str = ", ") -> str:
    return joiner.join(f"{letter}{sep}{digit}" for letter, digit in MAPPING.items())


def _colors(sep: str, joiner: str = ", ") -> str:
    return joiner.join(f"{v}{sep}{c}" for v, c in ((1, 1), (2, 2), (3, 3), (4, 1)))


def _queens(template: str, joiner: str = ", ") -> str:
    return joiner.join(template.format(r=r, c=c) for r, c in enumerate((2, 4, 6, 1, 3, 5), 1))


ZERO, CORRECT = "zero", "correct"

CASES: list[tuple[dict, str, str]] = [
    # --- sudoku ---
    (SUDOKU, "1 2 3 4 3\n4 1 2\n2 1 4 3\n4 3 2 1", ZERO),                      # rows of 5 and 3 digits
    (SUDOKU, "Row 2: 1 2 3 4\nRow 1: 3 4 1 2\nRow 3: 2 1 4 3\nRow 4: 4 3 2 1", ZERO),  # labels say rows swapped
    (SUDOKU, "\n".join(GRID) + "\nRow 5:", ZERO),                                 # a fifth row label
    (SUDOKU, "1 2 3 4\n3 4 1 2\n2 1 4 3\n4 3 2 -1", ZERO),                        # a negative cell
    (SUDOKU, "R1: 1 2 3 4\nR1: 3 4 1 2\nR3: 2 1 4 3\nR4: 4 3 2 1", ZERO),         # row 1 twice
    (SUDOKU, "[[1,2,3,4],[3,4,1,2],[2,1,4,3],[4,3,2],[1]]", ZERO),                # a five-row list
    (SUDOKU, "\n".join(GRID) + " ?", ZERO),
    (SUDOKU, "\n".join(GRID) + "\n(no wait)", ZERO),
    (SUDOKU, "\n".join(GRID) + " ≠", ZERO),
    (SUDOKU, "1 2 3 4\n3 4 1 2\n2 1 4 3\n4 3 2 1\n1 2 3 4 ← not", ZERO),
    (SUDOKU, "１ 2 3 4\n3 4 1 2\n2 1 4 3\n4 3 2 1", ZERO),                        # a fullwidth digit
    (SUDOKU, "1 2 3 4\n3 4 1 2\n2 1 4 3\n4 3 2 1 ~", ZERO),
    (SUDOKU, "1 2 3 4\n3 4 1 2\n2 1 4 3\n4 3 2 1 ✗", ZERO),
    (SUDOKU, "1 2 3 4\n3 4 1 2 2 1 4 3\n4 3 2 1", ZERO),                          # three lines of digits
    (SUDOKU, "Row 1: 1 2 3 4\nRow 2: 3 4 1 2\nRow 3: 2 1 4 3\nRow 4: 4 3 2 1\nRow 4: 4 3 1 2?", ZERO),
    (SUDOKU, "1 2 3 4\n3 4 1 2\n2 1 4 3\n4 3 2 1\n(4 3 1 2 also works)", ZERO),
    (SUDOKU, "1 2 | 3 4\n3 4 | 1 2\n----+----\n2 1 | 4 3\n4 3 | 2 1", CORRECT),
    (SUDOKU, "│ 1 2 │ 3 4 │\n│ 3 4 │ 1 2 │\n├─────┼─────┤\n│ 2 1 │ 4 3 │\n│ 4 3 │ 2 1 │", CORRECT),
    (SUDOKU, "[[1, 2, 3, 4], [3, 4, 1, 2], [2, 1, 4, 3], [4, 3, 2, 1]]", CORRECT),
    (SUDOKU, "1,2,3,4\n3,4,1,2\n2,1,4,3\n4,3,2,1", CORRECT),
    (SUDOKU, "**Row 1:** 1 2 3 4\n**Row 2:** 3 4 1 2\n**Row 3:** 2 1 4 3\n**Row 4:** 4 3 2 1", CORRECT),
    (SUDOKU, "1234 3412 2143 4321", CORRECT),
    # --- countdown ---
    (COUNTDOWN, "7 * 25 + 3 = 178, no wait", ZERO),
    (COUNTDOWN, "7 * 25 + 3 ≠ 178", ZERO),
    (COUNTDOWN, "7 * 25 + 3 != 178", ZERO),
    (COUNTDOWN, "7 * 25 + 3 (not sure)", ZERO),
    (COUNTDOWN, "7 * 25 + 3 = 178?", ZERO),
    (COUNTDOWN, "$7 \\times 25 + 3 \\neq 178$", ZERO),
    (COUNTDOWN, "7 * 25 + 3 \\leftarrow wrong", ZERO),
    (COUNTDOWN, "7 * 25 + 3 \\rightarrow 178", ZERO),
    (COUNTDOWN, "7 * 25 + 3 ≈ 178", ZERO),
    (COUNTDOWN, "7 * 25 + 3 = 178 = 180", ZERO),
    (COUNTDOWN, "７ * 25 + 3", ZERO),
    (COUNTDOWN, "7 * 25 + 3 = 178\n7 * 25 + 4 = 179", ZERO),
    (COUNTDOWN, "7 * 25 + 3 < 179", ZERO),
    (COUNTDOWN, "7 * 25 + 3 \\quad \\text{(or 50 + 25)}", ZERO),
    (COUNTDOWN, "7 * 25 + 3 = 178 ✓ (I think)", ZERO),
    (COUNTDOWN, "7 * 25 + 3 = 178 is incorrect", ZERO),
    (COUNTDOWN, "(7 * 25 + 3]", ZERO),                                            # brackets do not match
    (COUNTDOWN, "178 = 7 * 25 + 3", CORRECT),
    (COUNTDOWN, "\\(7 \\times 25 + 3 = 178\\)", CORRECT),
    (COUNTDOWN, "((7 · 25) + 3)", CORRECT),
    (COUNTDOWN, "7×25+3=178.", CORRECT),
    (COUNTDOWN, "$$\\left(7 \\cdot 25\\right) + 3$$", CORRECT),
    # --- knights and knaves (KNIGHTS: Ann knight, Bo knave) ---
    (KNIGHTS3, "Knights: Ann, Bo: knave, Cy: knave", ZERO),                      # the heading claims Bo
    (KNIGHTS3, "Knights - Ann, Bo = knave, Cy = knave", ZERO),
    (KNIGHTS3, "Knights: Ann, Bo -> knave. Knaves: Cy", ZERO),
    (KNIGHTS3, "The knights: Ann, Bo: knave, Cy: knave", ZERO),
    (KNIGHTS, "Knight: Ann, Bo: knave", ZERO),                                    # the issue's own example
    (KNIGHTS, "Ann ≠ knight, Bo ≠ knave", ZERO),
    (KNIGHTS, "Ann != knight; Bo != knave", ZERO),
    (KNIGHTS, "Ann =/= knight, Bo =/= knave", ZERO),
    (KNIGHTS, "Ann is a knight, Bo is a knave (not sure)", ZERO),
    (KNIGHTS, "Ann is a knight and Bo is a knave, no wait", ZERO),
    (KNIGHTS, "Ann is a knight. Bo is a knave. Actually Ann is a knave", ZERO),
    (KNIGHTS, "Ann: knight (or knave), Bo: knave", ZERO),
    (KNIGHTS, "Аnn: knight, Bo: knave", ZERO),                                    # Cyrillic A
    (KNIGHTS, "Ann is a knight, Bo is not", ZERO),
    (KNIGHTS, "Ann: knight\nBo: knave\nBo: knave?", ZERO),
    (KNIGHTS, "Ann: knight, Bo: knave -- just kidding, swap them", ZERO),
    (KNIGHTS, "Ann: knight-ish, Bo: knave", ZERO),
    (KNIGHTS, "Ann: knight\nBo: knave\nAnn: knave", ZERO),
    (KNIGHTS, "Ann (knight), Bo (knave)", CORRECT),
    (KNIGHTS, "- **Ann**: Knight\n- **Bo**: Knave", CORRECT),
    (KNIGHTS, "Ann → knight; Bo → knave", CORRECT),
    (KNIGHTS, "Ann is the knight and Bo is the knave.", CORRECT),
    (KNIGHTS, "Final answer: Ann is a knight, Bo is a knave", CORRECT),
    (KNIGHTS3, "Knights: Ann and Bo\nKnaves: Cy", CORRECT),
    # --- zebra ---
    (ZEBRA, HOUSES_12 + "House 3: blue, fish-free", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: all but blue, fish", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: fish; blue belongs elsewhere", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue, fish. Scratch that.", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: anything but blue, fish", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue is incorrect, fish", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: lacks blue, fish", ZERO),
    (ZEBRA, HOUSES_12 + "House 3 ≠ blue, fish", ZERO),
    (ZEBRA, HOUSES_12 + "House 3 != blue, fish", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue (doubtful), fish", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue, fish\nHouse 4: none", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue, fish -- unverified", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue, fish\nI doubt this", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue, fish, but the clues contradict", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue, fish\nHouse 1 < House 2", ZERO),
    (ZEBRA, HOUSES_12 + "House 3: blue, fish (no wait)", ZERO),
    (ZEBRA, "| House | Color | Pet |\n|---|---|---|\n| 1 | dog | red |\n| 2 | cat | green |\n| 3 | fish | blue |",
     ZERO),                                                                       # columns swapped
    (ZEBRA, "**House 1**: Red, Dog\n**House 2**: Green, Cat\n**House 3**: Blue, Fish", CORRECT),
    (ZEBRA, "House 1: color red, pet dog\nHouse 2: color green, pet cat\nHouse 3: color blue, pet fish", CORRECT),
    (ZEBRA, "1. red, dog\n2. green, cat\n3. blue, fish", CORRECT),
    (ZEBRA, "- House 1 - red / dog\n- House 2 - green / cat\n- House 3 - blue / fish", CORRECT),
    (ZEBRA, "| | House 1 | House 2 | House 3 |\n|---|---|---|---|\n| Color | red | green | blue |\n"
            "| Pet | dog | cat | fish |", CORRECT),
    # --- n-queens (2 4 6 1 3 5) ---
    (QUEENS, "2 4 6 1 3 5?", ZERO),
    (QUEENS, "Columns ≠ 2 4 6 1 3 5", ZERO),
    (QUEENS, _queens("Row {r} != column {c}"), ZERO),
    (QUEENS, _queens("Row {r} < column {c}"), ZERO),
    (QUEENS, _queens("r{r} ≠ c{c}"), ZERO),
    (QUEENS, _queens("Row {r} is not column {c}"), ZERO),
    (QUEENS, "2 4 6 1 3 5 (no wait)", ZERO),
    (QUEENS, "2 4 6 1 3 5 or 3 6 2 5 1 4", ZERO),
    (QUEENS, _queens("({r}, {c})") + " !", ZERO),
    (QUEENS, "2 4 6 1 3 5 ✗", ZERO),
    (QUEENS, "2 4 6 1 3 5 ~", ZERO),
    (QUEENS, _queens("Row {r} =/= column {c}"), ZERO),
    (QUEENS, _queens("row {r} -/-> column {c}"), ZERO),
    (QUEENS, "2 4 6 1 3 5 %", ZERO),
    (QUEENS, _queens("({r}, {c})", "; ") + "; (6, 6)?", ZERO),
    (QUEENS, "[2, 4, 6, 1, 3, 5]", CORRECT),
    (QUEENS, "[" + _queens("({r}, {c})") + "]", CORRECT),
    (QUEENS, _queens("{r} {c}", "\n"), CORRECT),
    (QUEENS, _queens("Row {r} -> Column {c}", "\n"), CORRECT),
    (QUEENS, _queens("Queen at row {r}, column {c}", "\n"), CORRECT),
    # --- graph coloring (1:1, 2:2, 3:3, 4:1) ---
    (GRAPH, _colors(" ≠ "), ZERO),
    (GRAPH, _colors(" != "), ZERO),
    (GRAPH, _colors(" =/= "), ZERO),
    (GRAPH, _colors(" < "), ZERO),
    (GRAPH, _colors(" <= "), ZERO),
    (GRAPH, _colors(" ≥ "), ZERO),
    (GRAPH, _colors(" -/-> "), ZERO),
    (GRAPH, _colors(" ↛ "), ZERO),
    (GRAPH, ", ".join(f"vertex {v} is not color {c}" for v, c in ((1, 1), (2, 2), (3, 3), (4, 1))), ZERO),
    (GRAPH, _colors(": ") + " (no wait)", ZERO),
    (GRAPH, _colors(": ") + "?", ZERO),
    (GRAPH, _colors(": ") + ", 4: 2", ZERO),
    (GRAPH, _colors("→", " ") + " ~~", ZERO),
    (GRAPH, _colors(" ⇏ "), ZERO),
    (GRAPH, _colors(": ") + " ✗", ZERO),
    (GRAPH, "{" + _colors(": ") + "}", CORRECT),
    (GRAPH, _colors(" -> ", "\n"), CORRECT),
    (GRAPH, "\n".join(f"- Vertex {v}: Color {c}" for v, c in ((1, 1), (2, 2), (3, 3), (4, 1))), CORRECT),
    (GRAPH, "(1, 1), (2, 2), (3, 3), (4, 1)", CORRECT),
    (GRAPH, "\n".join(f"Vertex {v} = {c}" for v, c in ((1, 1), (2, 2), (3, 3), (4, 1))), CORRECT),
    # --- maze (RRRRDDD) ---
    (MAZE, "R R R R D D D (no wait)", ZERO),
    (MAZE, "RRRRDDD?", ZERO),
    (MAZE, "R R R R D D D, not L", ZERO),
    (MAZE, "RRRRDDD (7 moves)", ZERO),
    (MAZE, "RRRRDDD - maybe", ZERO),
    (MAZE, "R R R R D D D !", ZERO),
    (MAZE, "RRRR DDD <- reversed", ZERO),
    (MAZE, "RRRRDDD ⟂", ZERO),
    (MAZE, "Ｒ R R R D D D", ZERO),
    (MAZE, "R R R R D D D is wrong", ZERO),
    (MAZE, "R R R R D D D ≠ L", ZERO),
    (MAZE, "R R R R D D D ✗", ZERO),
    (MAZE, "→ → → → ↓ ↓ ↓ R", ZERO),                                              # arrows and letters mixed
    (MAZE, "R R R R D D D or D D R R R R D", ZERO),
    (MAZE, "R R R R D D D ~", ZERO),
    (MAZE, "R → R → R → R → D → D → D", CORRECT),
    (MAZE, "Right, Right, Right, Right, Down, Down, Down", CORRECT),
    (MAZE, "[R, R, R, R, D, D, D]", CORRECT),
    (MAZE, "east east east east south south south", CORRECT),
    (MAZE, "R-R-R-R-D-D-D", CORRECT),
    # --- cryptarithm ---
    (SUM, _mapping("≠"), ZERO),
    (SUM, _mapping(" != "), ZERO),
    (SUM, _mapping(" =/= "), ZERO),
    (SUM, _mapping(" < "), ZERO),
    (SUM, _mapping(" is not "), ZERO),
    (SUM, _mapping("=") + " (no wait)", ZERO),
    (SUM, _mapping(" ≤ "), ZERO),
    (SUM, _mapping(" -/-> "), ZERO),
    (SUM, _mapping("=", " ") + " ?", ZERO),
    (SUM, _mapping("=") + " ✗", ZERO),
    (SUM, "SEND + MORE = MONEY → 9567 + 1085 = 10652 ✗", ZERO),
    (SUM, _mapping("=") + " is incorrect", ZERO),
    (SUM, _mapping(" ~ "), ZERO),
    (SUM, _mapping("≈"), ZERO),
    (SUM, "9567 + 1085 ≠ 10652", ZERO),
    (SUM, "9567 - 1085 = 10652", ZERO),
    (SUM, "9567 + 1085 = 10652?", ZERO),
    (SUM, _mapping(" >= "), ZERO),
    (SUM, _mapping(" -> ", "\n"), CORRECT),
    (SUM, "SEND = 9567, MORE = 1085, MONEY = 10652", CORRECT),
    (SUM, _mapping(" is "), CORRECT),
    (SUM, _mapping("=", "; "), CORRECT),
    (SUM, "Mapping: " + _mapping("=") + "\nCheck: 9567 + 1085 = 10652", CORRECT),
]
