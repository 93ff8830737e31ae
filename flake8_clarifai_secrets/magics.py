"""IPython syntax in a notebook cell: mask it so the cell parses, and put it back afterwards.

The rules follow IPython's `TransformerManager`, as nbqa uses it: a cell magic (`%%name`) on the
first line, and lines that start with `%`, `!` or `?`, assign from `%`/`!`, or end in `?`. Each
such line becomes a placeholder on a line of its own, so line numbers do not move and the
original line can be put back. As in nbqa, only the bodies of cell magics that run Python in
the notebook (`%%time`, `%%capture`, ...) are checked. tests/test_notebooks.py checks these
rules against IPython's own.

`%env` and `%set_env` become the call IPython makes for them,
`get_ipython().run_line_magic("env", "NAME=VALUE")`, and a shell escape `!command` becomes
`get_ipython().system("command")` (`!!command` and `x = !command`: `getoutput`), as in a script
written by `jupyter nbconvert --to script`. A shell escape continued over lines with backslashes,
which IPython joins into one command, becomes one call whose string is split over the same
lines:
the detector reads `%env` and `!export NAME=VALUE` (CLR004), which the fixer removes, and a
`!clarifai login --pat ...` command line (CLR003), which it rewrites in that Python form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, Optional

from flake8_clarifai_secrets.lines import source_lines
from flake8_clarifai_secrets.parsing import parse

# Cell magics whose body is Python that runs in the notebook (nbqa checks the same ones).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "pypy", "python", "python3"})
_ESCAPED = re.compile(r"[ \t]*(?:[%!?]|[\w.]+[ \t]*=[ \t]*[%!])")
_HELP = re.compile(r"[ \t]*[\w.]+\?\??[ \t]*")
_ENV = re.compile(r"(?P<indent>[ \t]*)%(?P<magic>env|set_env)[ \t]+(?P<args>.*?)[ \t]*")
# `!command`: IPython runs it in a shell, as `get_ipython().system(...)`; `!!command` and
# `x = !command` keep its output, with `getoutput(...)`.
_SHELL = re.compile(
    r"(?P<indent>[ \t]*)(?:(?P<assign>[\w.]+[ \t]*=[ \t]*)!|(?P<bang>!!?))(?P<args>.*?)[ \t]*"
)


class Masked(NamedTuple):
    """A cell's source with IPython lines replaced.

    `lines` maps each masked line to the original line. `columns` maps a magic turned into a
    call to where its argument starts: in the call's string literal and in the original line.
    `commands` holds the masked lines of each shell escape continued over lines, which are put
    back only all together.
    """

    source: str
    lines: dict[str, str]
    columns: dict[str, tuple[int, int]]
    commands: tuple[tuple[str, ...], ...] = ()


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
        return Masked(cell, {}, {})
    lines = source_lines(cell)
    replaced: dict[str, str] = {}
    columns: dict[str, tuple[int, int]] = {}
    indent, continued, command = "", False, False
    commands: list[list[str]] = []
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        env = _ENV.fullmatch(body)
        shell = _SHELL.fullmatch(body)
        if body.startswith("%%") and not "".join(lines[:i]).strip():
            mark = "# " + placeholder()
        elif env is not None and not continued and not body.endswith("\\"):
            call = f"{env['indent']}get_ipython().run_line_magic({env['magic']!r}, "
            mark = f"{call}{env['args']!r})  # {placeholder()}"
            columns[mark] = (len(call) + 1, env.start("args"))
        elif shell is not None and not continued:
            method = "system" if shell["bang"] == "!" else "getoutput"
            call = f"{shell['indent']}{shell['assign'] or ''}get_ipython().{method}("
            last = i == len(lines) - 1
            mark, command = _piece(call, line, shell.start("args"), last, placeholder)
            columns[mark] = (len(call) + 1, shell.start("args"))
            continued = command
            if command:
                commands.append([mark])
        elif command:
            mark, command = _piece("    ", line, 0, i == len(lines) - 1, placeholder)
            columns[mark] = (len("    ") + 1, 0)
            continued = command
            commands[-1].append(mark)
        else:
            if continued:
                pass
            elif _ESCAPED.match(body) or _HELP.fullmatch(body):
                indent = body[: len(body) - len(body.lstrip(" \t"))]
            else:
                continue
            continued = body.endswith("\\")
            mark = indent + placeholder()
        replaced[mark] = body
        lines[i] = mark + line[len(body) :]
    source = "".join(lines)
    if not _parses(source):
        return None
    return Masked(source, replaced, columns, tuple(map(tuple, commands)))


def _piece(
    before: str, line: str, start: int, last: bool, placeholder: Callable[[], str]
) -> tuple[str, bool]:
    """The masked line for a shell escape's `line`, its command from `start` on, and whether
    the command goes on: IPython drops a backslash that ends a line, and joins the next line
    with a space; on a cell's last line, the backslash stays."""
    body = line.rstrip("\r\n")
    goes_on = body.endswith("\\") and body != line and not last
    piece = body[start:-1] + " " if goes_on else body[start:].rstrip()
    return f"{before}{piece!r}{'' if goes_on else ')'}  # {placeholder()}", goes_on


def unmask(source: str, masked: Masked) -> str:
    """Put the masked lines back into `source`, with a cell magic's header first (a fix may
    have put an import above it). A magic's call that the fix rewrote stays a call, without
    its placeholder."""
    out: list[str] = []
    header = None
    marks = [mark[mark.rindex("  # ") :] for mark in masked.columns]
    lines = source_lines(source)
    bodies = {line.rstrip("\r\n") for line in lines}
    # A continued command the fix rewrote in part stays a call, each of its lines too.
    rewritten = {
        mark for command in masked.commands if not bodies.issuperset(command) for mark in command
    }
    for line in lines:
        body = line.rstrip("\r\n")
        if body.startswith("# ") and body in masked.lines:
            header = len(out)
        kept = None if body in rewritten else masked.lines.get(body)
        if kept is None:
            kept = next((body[: -len(m)] for m in marks if body.endswith(m)), body)
        out.append(kept + line[len(body) :])
    if header is not None and "".join(out[:header]).strip():
        out.insert(0, out.pop(header))
    return "".join(out)


def _parses(source: str) -> bool:
    try:
        parse(source)
    except (SyntaxError, ValueError, RecursionError):
        # Nesting deeper than the parser takes (`1+1+...`) does not parse either.
        return False
    return True
