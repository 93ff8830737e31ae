"""Small facts about `ast` nodes: dotted names, string constants, and walks limited to lines."""

from __future__ import annotations

import ast
import bisect
from collections import deque
from collections.abc import Iterator, Sequence
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


def leaf(name: str) -> str:
    """The last identifier of a dotted name: `pat` for `self.pat`, `config` for `config.['pat']`."""
    for part in reversed(name.split(".")):
        if not part.startswith("["):
            return part
    return name


def string(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def walk_near(tree: ast.AST, lines: Sequence[int]) -> Iterator[ast.AST]:
    """`ast.walk` order, but only the nodes that span one of the sorted `lines`."""
    todo: deque[ast.AST] = deque([tree])
    while todo:
        node = todo.popleft()
        todo.extend(child for child in ast.iter_child_nodes(node) if _spans(child, lines))
        yield node


def _spans(node: ast.AST, lines: Sequence[int]) -> bool:
    start = getattr(node, "lineno", None)
    if start is None:
        return True
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        start = min(start, decorators[0].lineno)
    index = bisect.bisect_left(lines, start)
    end: int = getattr(node, "end_lineno", None) or start
    return index < len(lines) and lines[index] <= end


class Positions:
    """ast's columns are UTF-8 byte offsets; findings use character columns."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines

    def span(self, node: Union[ast.expr, ast.stmt, ast.arg]) -> Span:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset or 0
        return Span(
            node.lineno,
            self._chars(node.lineno, node.col_offset),
            end_line,
            self._chars(end_line, end_col),
        )

    def line(self, number: int) -> str:
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def _chars(self, line: int, byte_col: int) -> int:
        text = self.line(line)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
