"""IPython syntax in a notebook cell: mask it so the cell parses, and read `%env` assignments.

The rules follow IPython's `TransformerManager`, as nbqa uses it: a cell magic (`%%name`) on the
first line, and lines that start with `%`, `!` or `?`, assign from `%`/`!`, or end in `?`. Each
such line becomes a placeholder on a line of its own, so line numbers do not move and the
original line can be put back. As in nbqa, only the bodies of cell magics that run Python in
the notebook (`%%time`, `%%capture`, ...) are checked. tests/test_notebooks.py checks these
rules against IPython's own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import NamedTuple, Optional

from flake8_clarifai_secrets.detector import source_lines

# Cell magics whose body is Python that runs in the notebook (nbqa checks the same ones).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "pypy", "python", "python3"})
_ESCAPED = re.compile(r"[ \t]*(?:[%!?]|[\w.]+[ \t]*=[ \t]*[%!])")
_HELP = re.compile(r"[ \t]*[\w.]+\?\??[ \t]*")
_ENV = re.compile(r"[ \t]*%(?:env|set_env)(?=[ \t])")


class Masked(NamedTuple):
    """A cell's source with IPython lines replaced; `lines` maps each placeholder to its line.

    `escaped` holds the placeholders of line magics (not of a cell magic's body).
    """

    source: str
    lines: dict[str, str]
    escaped: frozenset[str] = frozenset()


class EnvAssignment(NamedTuple):
    """`%env NAME=VALUE`: the variable, its literal value and the value's column in the line."""

    name: str
    value: str
    col: int


def is_foreign(cell: str) -> bool:
    """Whether `cell` is a cell magic whose body is not Python (`%%bash`, `%%html`, ...)."""
    first = cell.lstrip("\r\n")
    if not first.startswith("%%"):
        return False
    name = first[2:].split(maxsplit=1)
    return not name or name[0] not in PYTHON_CELL_MAGICS


def mask(cell: str, placeholder: Callable[[], str]) -> Optional[Masked]:
    """`cell` with its IPython lines masked, or None if the result is still not Python.

    `placeholder()` gives a new expression, unique in the notebook, for each masked line. A
    Python cell magic's header (`%%time`) becomes a comment, so that a module that starts with
    it gets new imports below it.
    """
    if _parses(cell):
        return Masked(cell, {})
    lines = source_lines(cell)
    replaced = {}
    escaped = set()
    indent, continued = "", False
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if body.startswith("%%") and not "".join(lines[:i]).strip():
            mark = "# " + placeholder()
        else:
            if continued:
                pass
            elif _ESCAPED.match(body) or _HELP.fullmatch(body):
                indent = body[: len(body) - len(body.lstrip(" \t"))]
            else:
                continue
            continued = body.endswith("\\")
            mark = indent + placeholder()
            escaped.add(mark)
        replaced[mark] = body
        lines[i] = mark + line[len(body) :]
    source = "".join(lines)
    return Masked(source, replaced, frozenset(escaped)) if _parses(source) else None


def unmask(source: str, masked: dict[str, str], dropped: frozenset[str] = frozenset()) -> str:
    """Put the masked lines back into `source`; remove those whose placeholder is in `dropped`.

    A dropped line inside a block becomes `pass`, so that the block keeps a statement.
    """
    out = []
    for line in source_lines(source):
        body = line.rstrip("\r\n")
        if body in dropped:
            indent = body[: len(body) - len(body.lstrip(" \t"))]
            if indent:
                out.append(indent + "pass" + line[len(body) :])
            continue
        out.append(masked.get(body, body) + line[len(body) :])
    return "".join(out)


def env_assignment(line: str) -> Optional[EnvAssignment]:
    """The variable that `%env` or `%set_env` on `line` sets, as IPython's magics split it."""
    match = _ENV.match(line)
    if match is None or line.rstrip().endswith("\\"):
        return None
    rest = line[match.end() :]
    start = len(line) - len(rest.lstrip())
    params = line[start:]
    split = "=" if "=" in params else " "
    bits = params.split(split, 1)
    if len(bits) < 2 or not bits[0].strip() or re.search(r"\s", bits[0].strip()):
        return None
    raw = bits[1]
    value = raw.strip()
    col = start + len(bits[0]) + 1 + (len(raw) - len(raw.lstrip()))
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value, col = value[1:-1], col + 1
    return EnvAssignment(bits[0].strip(), value, col) if value else None


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True
