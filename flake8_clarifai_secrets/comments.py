"""Keys in comments and docstrings, which no fix rewrites: the fixer reports them on every run
until they are removed, as it reports keys in markdown cells, so that a second commit does not
carry them."""

from __future__ import annotations

import ast
import re
import tokenize
from collections.abc import Iterator, Sequence

from flake8_clarifai_secrets.credentials import KEY_IN_TEXT, is_clarifai_key, labels_a_key
from flake8_clarifai_secrets.detector import ALLOWLIST_PRAGMA, source_lines

_COMMENTED = re.compile(r"#[^\n]*?" + KEY_IN_TEXT.pattern)


def commented_keys(code: str, tree: ast.AST) -> list[tuple[int, int, str]]:
    """(line, column, key) for each Clarifai key that a credential's name labels in a comment or
    in a string that is a statement of its own (a docstring, usage text), in a file that names
    Clarifai: `# old: pat="<key>"`, `usage: CLARIFAI_PAT=<key> python tag.py`, not `# model
    version <id>`."""
    if KEY_IN_TEXT.search(code) is None or "clarifai" not in code.lower():
        return []
    lines = source_lines(code)
    return sorted({*_in_comments(code, lines), *_in_docstrings(tree, lines)})


def _in_comments(code: str, lines: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    if _COMMENTED.search(code) is None:
        return
    # Lines as `ast` splits them, also at a lone `\r`.
    read = iter(lines)
    try:
        for token in tokenize.generate_tokens(lambda: next(read, "")):
            if token.type == tokenize.COMMENT:
                line, col = token.start
                yield from ((line, col + c, key) for c, key in _labelled(token.string))
    except (tokenize.TokenError, SyntaxError):
        return


def _in_docstrings(tree: ast.AST, lines: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                yield from ((line, col, key) for col, key in _labelled(lines[line - 1]))


def _labelled(text: str) -> Iterator[tuple[int, str]]:
    """(column, key) for each Clarifai key in `text` that a credential's name labels."""
    if ALLOWLIST_PRAGMA in text:
        return
    for match in KEY_IN_TEXT.finditer(text):
        key = match.group()
        if is_clarifai_key(key) and labels_a_key(text[: match.start()]):
            yield match.start(), key
