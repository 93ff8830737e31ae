"""Add `import os` where isort and ruff put a standard-library import.

After the docstring and `__future__` imports, in the top import block: among the standard
library's `import x` lines in name order, else before its `from x import y` lines, else as a
section of its own before the other imports (or the code), followed by a blank line. Comments
directly above a statement stay with it: the import never lands between them, but for the
comments above the first import, which isort keeps above the import block, and a cell's marker
(`# %%`, Colab's `#@title`), below which the import goes, into the cell.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Union

import libcst as cst
import libcst.matchers as m

_COOKIE = re.compile(r"^[ \t\f]*#(!|.*?coding[:=])")
# Colab's form lines (`#@title`, `#@markdown`) head a cell too: Colab reads `#@title` only
# from a cell's first line.
_CELL_MARKER = re.compile(r"#\s*(?:%%|In\[[\d ]*\]:|@title\b|@markdown\b)")


def _stdlib() -> frozenset[str]:
    """The standard library's top-level modules; before Python 3.10, which lists them, the
    built-in ones and those that stand beside `os`."""
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return frozenset(names)
    lib = Path(os.__file__).parent
    found = {path.name.partition(".")[0] for path in (lib / "lib-dynload").glob("*.so")}
    found |= {path.stem for path in lib.glob("*.py")}
    found |= {path.parent.name for path in lib.glob("*/__init__.py")}
    return frozenset(sys.builtin_module_names) | found


_STDLIB = _stdlib()
_IMPORT_OS = cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.Name("os"))])])


def with_os_import(module: cst.Module, cell: int = 0) -> cst.Module:
    """`module` with `import os` added at the top, or of the notebook cell that starts at
    statement `cell`; the caller knows that none comes in time."""
    body = list(module.body)
    start = cell
    if not cell and body and m.matches(body[0], m.SimpleStatementLine([m.Expr(m.SimpleString())])):
        start = 1
    while start < len(body) and m.matches(
        body[start], m.SimpleStatementLine([m.ImportFrom(module=m.Name("__future__"))])
    ):
        start += 1
    end = start
    while end < len(body) and _module_of(body[end]) is not None:
        end += 1
    stdlib = [i for i in range(start, end) if _is_stdlib(_module_of(body[i]) or "")]
    plain = [i for i in stdlib if m.matches(body[i], m.SimpleStatementLine([m.Import()]))]
    later = [i for i in plain if (_module_of(body[i]) or "").lower() > "os"]
    if later:
        return _insert(module, body, later[0], separate=False, heads=later[0] == start)
    if plain:
        body.insert(plain[-1] + 1, _IMPORT_OS)
        return module.with_changes(body=body)
    if stdlib:
        return _insert(module, body, stdlib[0], separate=False, heads=stdlib[0] == start)
    return _insert(module, body, start, separate=True, heads=end > start)


def _insert(
    module: cst.Module,
    body: list[Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]],
    index: int,
    *,
    separate: bool,
    heads: bool,
) -> cst.Module:
    """Insert before `body[index]`, below the lines that are not its own comments; where
    `body[index]` is the first import, below all of them, as isort keeps the comments that head
    the imports above them."""
    new = _IMPORT_OS
    header = list(module.header)
    if index < len(body):
        following = body[index]
        own: Sequence[cst.EmptyLine] = []
        if heads:
            new = new.with_changes(leading_lines=following.leading_lines)
            attached: list[cst.EmptyLine] = []
        elif index == 0:
            header, attached = _split(header, keep_cookies=True)
            # The statement's own lines: comments carried from a statement that was removed.
            own = following.leading_lines
        else:
            detached, attached = _split(following.leading_lines, keep_cookies=False)
            new = new.with_changes(leading_lines=detached)
            if separate and len(detached) > 1 and all(line.comment is None for line in detached):
                # Below a docstring, one blank line, as isort leaves; the statement keeps its
                # own (two above a `def`).
                new = new.with_changes(leading_lines=detached[:1])
                attached = [*detached[1:], *attached]
        separated = attached or not own or own[0].comment is not None
        blank = [cst.EmptyLine()] if separate and separated else []
        body[index] = following.with_changes(leading_lines=[*blank, *attached, *own])
    elif index > 0 and separate:
        new = new.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(index, new)
    return module.with_changes(header=header, body=body)


def _split(
    lines: Sequence[cst.EmptyLine], *, keep_cookies: bool
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """(lines before the comment block directly above a statement, that comment block). A
    cell's marker (`# %%` of Jupytext and VS Code, `# In[1]:` of nbconvert) heads the cell, and
    what comes before it is another cell's: the block starts below it."""
    cut = 0
    for i, line in enumerate(lines):
        if (
            line.comment is None
            or (keep_cookies and i == cut and i < 2 and _COOKIE.match(line.comment.value))
            or _CELL_MARKER.match(line.comment.value)
        ):
            cut = i + 1
    return list(lines[:cut]), list(lines[cut:])


def notebook_cell(module: cst.Module, separator: str, used_in: int) -> int:
    """Where a notebook's `import os` goes, as the index of its cell's first statement in
    `module`, the notebook's cells joined by `separator` statements: the first cell that imports
    anything, or else cell `used_in` (0-based), where the fix first reads it; not the first
    cell, which installs packages (`!pip install ...`) and is skipped once they are."""
    starts = [0] + [
        index + 1 for index, statement in enumerate(module.body) if separates(statement, separator)
    ]
    for number, start in enumerate(starts[: used_in + 1]):
        end = starts[number + 1] - 1 if number + 1 < len(starts) else len(module.body)
        if any(_module_of(statement) is not None for statement in module.body[start:end]):
            return start
    return starts[min(used_in, len(starts) - 1)]


def separates(statement: cst.BaseStatement, separator: str) -> bool:
    """Whether `statement` is the `separator` that joins cells, whatever comments stand above
    it (a removed line's move there)."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and cst.Module([]).code_for_node(statement.body[0]) == separator
    )


def _module_of(statement: cst.BaseStatement) -> str | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Import):
        return _dotted(small.names[0].name)
    if isinstance(small, cst.ImportFrom):
        return "." if small.relative or small.module is None else _dotted(small.module)
    return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


def _is_stdlib(module: str) -> bool:
    return module.partition(".")[0] in _STDLIB


def imports_os(statement: cst.BaseStatement) -> bool:
    return m.matches(
        statement,
        m.SimpleStatementLine(
            [
                m.ZeroOrMore(),
                m.Import(
                    [
                        m.ZeroOrMore(),
                        m.ImportAlias(
                            name=m.Name("os") | m.Attribute(value=m.Name("os")), asname=None
                        ),
                        m.ZeroOrMore(),
                    ]
                ),
                m.ZeroOrMore(),
            ]
        ),
    )
