"""Small facts about `ast` nodes: dotted names, string constants, and walks limited to lines."""

from __future__ import annotations

import ast
import bisect
import re
import tokenize
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Optional, Union

from flake8_clarifai_secrets.detector.findings import Span


def dotted(node: ast.AST) -> Optional[str]:
    """`a.b.c` for a name or attribute chain; `a.b.["k"]` steps into string subscripts."""
    parts = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript) and (key := string(node.slice)) is not None:
            parts.append(f"[{key!r}]")
            node = node.value
        else:
            break
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def binds_os_elsewhere(nodes: Iterable[ast.AST]) -> bool:
    """Whether the name `os` means anything but the `os` module somewhere among a file's
    `nodes`."""
    for node in nodes:
        if isinstance(node, ast.Name) and node.id == "os" and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == "os":
                return True
        if isinstance(node, ast.arg) and node.arg == "os":
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                binds = alias.asname or alias.name.partition(".")[0]
                is_module = isinstance(node, ast.Import) and alias.name.partition(".")[0] == "os"
                if binds == "os" and not (is_module and alias.asname in (None, "os")):
                    return True
    return False


def parameter_defaults(arguments: ast.arguments) -> list[tuple[ast.arg, ast.expr]]:
    """Each parameter that has a default, with it: positional ones, then keyword-only ones."""
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults))
    pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None]
    return pairs


def called(func: ast.expr) -> Optional[str]:
    """The name a call is made by: a method's (`invoke` of `CliRunner().invoke`, whatever it is
    called on), else the function's dotted name."""
    return func.attr if isinstance(func, ast.Attribute) else dotted(func)


def holder_name(node: ast.expr) -> Optional[str]:
    """What a value is read from: a dotted name, or `creds()` for a call of a plain name, as a
    getter of the file's own binds what it returns."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id + "()"
    return dotted(node)


def leaf(name: str) -> str:
    """The last identifier of a dotted name: `pat` for `self.pat`, `config` for `config.['pat']`
    and for `config.['a.b']`."""
    while name.endswith("]"):
        cut = name.rfind(".[")
        while cut > 0 and not _is_key(name[cut + 2 : -1]):
            cut = name.rfind(".[", 0, cut)
        if cut <= 0:
            break
        name = name[:cut]
    return name.rpartition(".")[2]


def decorated(node: ast.AST, decorators: Collection[str]) -> bool:
    """Whether a definition has one of `decorators` (by last name: `functools.cached_property`
    is `cached_property`)."""
    return any(leaf(dotted(d) or "") in decorators for d in getattr(node, "decorator_list", []))


def _is_key(text: str) -> bool:
    """Whether `text` is a string's repr, as `dotted` writes a subscript's key."""
    try:
        return isinstance(ast.literal_eval(text), str)
    except (ValueError, SyntaxError):
        return False


def string(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def arguments(call: ast.Call) -> list[ast.expr]:
    """A call's positional arguments, then its keywords' values."""
    return [*call.args, *(keyword.value for keyword in call.keywords)]


def environ_read(node: ast.AST) -> Optional[str]:
    """The variable that `node` reads: `os.environ["X"]`, `os.getenv("X")`,
    `os.environ.get("X")`."""
    if isinstance(node, ast.Subscript):
        return string(node.slice) if leaf(dotted(node.value) or "") == "environ" else None
    if isinstance(node, ast.Call) and node.args:
        callee = dotted(node.func) or ""
        if callee.endswith("environ.get") or leaf(callee) == "getenv":
            return string(node.args[0])
    return None


Scope = Optional[ast.AST]
"""The innermost function or lambda around a node; None at module and class level."""
Walk = list[tuple[ast.AST, Scope]]
_FUNCTIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda})
DECORATED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
# Statement lists, searched by bisection. (`cases` are not: a `match_case` has no line.)
_BLOCKS = frozenset({"body", "handlers", "orelse", "finalbody"})
# `ast.Match` is new in Python 3.10.
MATCH = getattr(ast, "Match", None)
# Contexts and operators hold nothing that a sink or a binding looks at.
_INERT_FIELDS = frozenset({"ctx", "op", "ops"})
UNWALKED = frozenset({ast.Name, ast.Constant})
"""Node types that no sink is registered for and that hold no other node: walks leave them out,
as they are the most common nodes; sinks read them through their parents."""


_FIELDS: dict[type[ast.AST], tuple[tuple[str, bool], ...]] = {}
# A node type's docstring is its ASDL signature, `Name(identifier id, expr_context ctx)`; fields
# of these types hold no node.
_SIGNATURE_FIELD = re.compile(r"(\w+)[?*]? (\w+)")
_SCALARS = frozenset({"identifier", "string", "constant", "int"})


def _fields(node_type: type[ast.AST]) -> tuple[tuple[str, bool], ...]:
    """The fields of `node_type` that may hold nodes, each with whether it is a statement list."""
    fields = _FIELDS.get(node_type)
    if fields is None:
        signature = _SIGNATURE_FIELD.findall(node_type.__doc__ or "")
        scalars = {name for kind, name in signature if kind in _SCALARS}
        names = [name for name in node_type._fields if name not in _INERT_FIELDS | scalars]
        fields = _FIELDS[node_type] = tuple((name, name in _BLOCKS) for name in names)
    return fields


def blocks(statement: ast.AST) -> list[list[ast.AST]]:
    """The statement lists that a statement (or an `except` handler) holds: its body, handlers,
    `else` and `finally`, or a `match` statement's cases' bodies."""
    found = [getattr(statement, name) for name, block in _fields(type(statement)) if block]
    if type(statement) is MATCH:
        found += [case.body for case in statement.cases]  # type: ignore[attr-defined]
    return found


def statements(tree: ast.AST) -> Iterator[ast.AST]:
    """The statements (and `except` handlers) in `tree`'s blocks at any depth, without walking
    expressions."""
    stack = [tree]
    while stack:
        for block in blocks(stack.pop()):
            yield from block
            stack += block


class Walker:
    """Walks one tree, each node with its scope, in breadth-first order."""

    def __init__(self, tree: ast.AST) -> None:
        self._tree = tree
        self._starts: dict[int, list[int]] = {}

    def everything(self) -> Walk:
        return self.near(None)

    def top_level(self) -> list[ast.stmt]:
        """The module's own statements, in order."""
        return list(getattr(self._tree, "body", []))

    def near(self, lines: Optional[Sequence[int]]) -> Walk:
        """Only the nodes that span one of the sorted `lines` (all of them, if None), but for
        names and constants: `UNWALKED`.

        Statement lists are searched by bisection, so a walk costs about the depth of the lines'
        nodes, not the length of the blocks around them; a node whose every line is one of
        `lines` is walked whole, without looking at lines again.
        """
        found: Walk = [(self._tree, None)]
        whole = [lines is None]
        for index, (node, scope) in enumerate(found):
            inner = node if type(node) in _FUNCTIONS else scope
            if whole[index]:
                for name, _ in _fields(type(node)):
                    value = getattr(node, name, None)
                    if type(value) is list:
                        pairs = [
                            (c, inner)
                            for c in value
                            if isinstance(c, ast.AST) and type(c) not in UNWALKED
                        ]
                        found += pairs
                        whole += [True] * len(pairs)
                    elif isinstance(value, ast.AST) and type(value) not in UNWALKED:
                        found.append((value, inner))
                        whole.append(True)
                continue
            assert lines is not None
            for name, block in _fields(type(node)):
                value = getattr(node, name, None)
                if type(value) is not list:
                    children = [value] if isinstance(value, ast.AST) else []
                elif block and len(value) > 8:
                    children = self._spanning(value, lines)
                else:
                    children = [c for c in value if isinstance(c, ast.AST)]
                for child in children:
                    if type(child) in UNWALKED:
                        continue
                    cover = _cover(child, lines)
                    if cover is not None:
                        found.append((child, inner))
                        whole.append(cover)
        return found

    def innermost(self, line: int) -> tuple[Scope, ast.AST, int]:
        """The innermost statement (or handler) that spans `line`, found by bisection without
        looking at expressions; the scope of the nodes on `line` that it holds directly (a
        function's own for its header and decorators); and the first line of any node that may
        reach into `line`: of that statement, and of what stands before it on `line` (statements
        before a `;`, the header of the block it opens)."""
        node: ast.AST = self._tree
        scope: Scope = None
        first = line
        while True:
            inner = node if type(node) in _FUNCTIONS else scope
            found = self._child_statement(node, line)
            if found is None:
                return inner, node, min(first, start_line(node) or line)
            block, index, header = found
            starts = self._block_starts(block)
            if starts[index] == line:
                mate = index
                while mate > 0 and _end_line(block[mate - 1], starts[mate - 1]) >= line:
                    mate -= 1
                first = min(first, starts[mate])
                if mate == 0 and header is not None:
                    first = min(first, start_line(header))
            node, scope = block[index], inner

    def branches(self, line: int) -> list[tuple[ast.AST, Optional[ast.AST]]]:
        """The `if` and `match` statements that hold `line` in one of their blocks, outermost
        first, each with what heads that block: the `if` itself for its body, None for its
        `else`, the case for a case's body."""
        found: list[tuple[ast.AST, Optional[ast.AST]]] = []
        node: ast.AST = self._tree
        while True:
            child = self._child_statement(node, line)
            if child is None:
                return found
            block, index, header = child
            if type(node) is ast.If:
                found.append((node, header))
            elif type(node) is MATCH:
                found.append((node, _case_of(node, line)))
            node = block[index]

    def _child_statement(
        self, node: ast.AST, line: int
    ) -> Optional[tuple[Sequence[ast.AST], int, Optional[ast.AST]]]:
        """The block of `node` with a statement that spans `line`, that statement's index, and
        what heads the block on its first line, if anything may: `node` for its body, the
        pattern for a case's body."""
        if type(node) is MATCH:
            case = _case_of(node, line)
            index = None if case is None else self._index_at(case.body, line)
            return None if case is None or index is None else (case.body, index, case.pattern)
        for name, block in _fields(type(node)):
            value = getattr(node, name) if block else None
            if value:
                index = self._index_at(value, line)
                if index is not None:
                    return value, index, node if name == "body" else None
        return None

    def _index_at(self, block: Sequence[ast.AST], line: int) -> Optional[int]:
        """The last statement of `block` that spans `line`."""
        starts = self._block_starts(block)
        index = bisect.bisect_right(starts, line) - 1
        if index < 0 or line > _end_line(block[index], starts[index]):
            return None
        return index

    def _block_starts(self, block: Sequence[ast.AST]) -> list[int]:
        starts = self._starts.get(id(block))
        if starts is None:
            starts = self._starts[id(block)] = [start_line(statement) for statement in block]
        return starts

    def _spanning(self, block: list[ast.AST], lines: Sequence[int]) -> list[ast.AST]:
        """The statements of `block` that span any of `lines`, several on a line after `;`."""
        starts = self._block_starts(block)
        first = bisect.bisect_left(lines, starts[0])
        last = bisect.bisect_right(lines, _end_line(block[-1], starts[-1]))
        indexes: set[int] = set()
        for line in lines[first:last]:
            index = bisect.bisect_right(starts, line) - 1
            while index >= 0 and _end_line(block[index], starts[index]) >= line:
                indexes.add(index)
                index -= 1
        return [block[index] for index in sorted(indexes)]


def _case_of(match: ast.AST, line: int) -> Optional[ast.match_case]:
    """The case of a `match` statement that spans `line`, if any."""
    assert isinstance(match, ast.Match)
    for case in match.cases:
        if case.pattern.lineno <= line <= (case.body[-1].end_lineno or line):
            return case
    return None


def _end_line(statement: ast.AST, start: int) -> int:
    return getattr(statement, "end_lineno", None) or start


def start_line(node: ast.AST) -> int:
    """The first line of a statement, its decorators' included."""
    if type(node) in DECORATED:
        decorators = node.decorator_list  # type: ignore[attr-defined]
        if decorators:
            return int(decorators[0].lineno)
    return int(getattr(node, "lineno", 0))


def _cover(node: ast.AST, lines: Sequence[int]) -> Optional[bool]:
    """None if `node` spans none of `lines`, True if all its lines are among them, else False."""
    if getattr(node, "lineno", None) is None:
        return False
    start = start_line(node)
    end = _end_line(node, start)
    first = bisect.bisect_left(lines, start)
    if first == len(lines) or lines[first] > end:
        return None
    return end - start < len(lines) - first and lines[first + end - start] == end


def _text_of(token: str) -> str:
    """The text a string token writes: bytes as Latin-1, an f-string's as it is spelt between
    its quotes."""
    try:
        value = ast.literal_eval(token)
    except (ValueError, SyntaxError):
        body = token.lstrip("rRbBfFuU")
        quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
        return body[len(quote) : len(body) - len(quote)]
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _source_between(rows: Sequence[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The source from `start` to `end`, tokenize's (row, column) positions in `rows`."""
    (first, col), (last, end_col) = start, end
    if first == last:
        return rows[first - 1][col:end_col]
    return rows[first - 1][col:] + "".join(rows[first : last - 1]) + rows[last - 1][:end_col]


_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)


class Positions:
    """ast's columns are UTF-8 byte offsets; findings use character columns."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines

    def span(self, node: Union[ast.expr, ast.stmt, ast.arg, ast.keyword]) -> Span:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset or 0
        return Span(
            node.lineno,
            self._chars(node.lineno, node.col_offset),
            end_line,
            self._chars(end_line, end_col),
        )

    def parenthesized(self, span: Span) -> Span:
        """`span` with the parentheses around it (`("<key>")`), which `ast` leaves out."""
        line, col, end_line, end_col = span
        while True:
            before = self.line(line)[:col].rstrip()
            while not before and line > 1:
                line -= 1
                before = self.line(line).rstrip("\r\n").rstrip()
            after = self.line(end_line)[end_col:].lstrip()
            while not after.strip() and end_line < len(self._lines):
                end_line += 1
                after = self.line(end_line).lstrip()
            if not (before.endswith("(") and after.startswith(")")):
                return span
            col = len(before) - 1
            end_col = len(self.line(end_line)) - len(after) + 1
            span = Span(line, col, end_line, end_col)

    def line(self, number: int) -> str:
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def holding(self, node: ast.expr, secret: str, nth: int = 0) -> tuple[int, int]:
        """The line and character column of the literal that holds `secret` (its `nth`
        occurrence) in `node`: a string implicitly concatenated over lines (`"a"  # note` then
        `"b"`) is one node for `ast`, but each of its parts is a literal of its own. In a
        literal over several lines (YAML text in triple quotes), the key's own line and column,
        where an editor marks it and detect-secrets' pragma goes."""
        span = self.span(node)
        if span.line == span.end_line:
            return span.line, span.col
        rows = self._rows(span)
        # From Python 3.12 an f-string is several tokens (PEP 701): its start holds its text.
        fstring: Optional[tuple[int, int]] = None
        # Occurrences are counted in the string tokens only, not in comments between them.
        remaining, seen = nth, 0
        try:
            for token in tokenize.generate_tokens(iter([*rows, ")"]).__next__):
                if token.type == _FSTRING_START:
                    fstring, seen = token.start, 0
                elif token.type == _FSTRING_END:
                    fstring = None
                elif secret in token.string and token.type in (tokenize.STRING, _FSTRING_MIDDLE):
                    count = token.string.count(secret)
                    if remaining >= count:
                        remaining, seen = remaining - count, seen + count
                        continue
                    row, col = fstring or token.start
                    # The source from the literal's start: an f-string's text parts are
                    # tokens of their own, where `{{` is one `{`.
                    source = "".join(rows[row - 1 :])[col:]
                    at = -1
                    for _ in range(remaining + (seen if fstring else 0) + 1):
                        at = source.find(secret, at + 1)
                    before = source[: max(0, at)]
                    if "\n" in before:
                        row += before.count("\n")
                        col = len(before) - before.rindex("\n") - 1
                    return span.line + row - 1, span.col + col - 1 if row == 1 else col
        except (tokenize.TokenError, SyntaxError):
            pass
        return span.line, span.col

    def split_over_laid_out_parts(self, node: ast.expr, secret: str) -> bool:
        """Whether `secret` stands split over the parts of a string concatenated over lines
        that has a layout the fix keeps (comments between its parts, or parts that are lines
        of a text), or also in a comment between them: no part can take a field for the split
        key, and replacing the whole would drop the comments."""
        span = self.span(node)
        if span.line == span.end_line or not isinstance(node, (ast.Constant, ast.JoinedStr)):
            return False
        rows = self._rows(span)
        texts, comments = [], []
        # From Python 3.12 on, an f-string is tokens from FSTRING_START to FSTRING_END.
        depth, start = 0, (0, 0)
        try:
            for token in tokenize.generate_tokens(iter([*rows, ")"]).__next__):
                if token.type == tokenize.COMMENT and not depth:
                    comments.append(token.string)
                elif token.type == tokenize.STRING and not depth:
                    texts.append(_text_of(token.string))
                elif token.type == _FSTRING_START:
                    start = start if depth else token.start
                    depth += 1
                elif token.type == _FSTRING_END:
                    depth -= 1
                    if not depth:
                        texts.append(_text_of(_source_between(rows, start, token.end)))
        except (tokenize.TokenError, SyntaxError):
            return False
        if any(secret in comment for comment in comments):
            return True
        laid_out = bool(comments) or any("\n" in text for text in texts)
        whole = sum(text.count(secret) for text in texts)
        return laid_out and "".join(texts).count(secret) > whole

    def _rows(self, span: Span) -> list[str]:
        """The lines of a node over several lines, cut to it and opened with `(`: what the
        tokenizer reads as one expression once `)` follows."""
        rows = [self.line(n) for n in range(span.line, span.end_line + 1)]
        rows[-1] = rows[-1][: span.end_col]
        rows[0] = "(" + rows[0][span.col :]
        return rows

    def _chars(self, line: int, byte_col: int) -> int:
        text = self.line(line)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
