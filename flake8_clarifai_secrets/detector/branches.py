"""Branches that code takes for one provider: `if provider == "together":`, the `else` of `if
provider == "clarifai":`, `case "groq":`. A value bound there is that provider's, even where the
branches' values meet in one client (`OpenAI(base_url=base_url, api_key=api_key)`)."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Optional

from flake8_clarifai_secrets.detector.providers import names_provider
from flake8_clarifai_secrets.detector.tree import MATCH


def for_another_provider(path: Sequence[tuple[ast.AST, Optional[ast.AST]]]) -> bool:
    """Whether a branch on `path` (see `Walker.branches`) is taken for another provider than
    Clarifai: an `if` body whose test names another provider and not Clarifai, or asks for
    anything but Clarifai (`!= "clarifai"`); the `else` of a test that asks for Clarifai; a case
    that names another provider, or any case of a `match` whose other case names Clarifai."""
    for statement, header in path:
        if type(statement) is MATCH:
            cases = statement.cases  # type: ignore[attr-defined]
            pattern = header.pattern if isinstance(header, ast.match_case) else None
            if pattern is not None and (
                tests_another_provider(pattern)
                or not _names_clarifai(pattern)
                and any(_names_clarifai(case.pattern) for case in cases)
            ):
                return True
        elif isinstance(statement, ast.If):
            asks = _asks_for_clarifai(statement.test)
            if header is None and asks is True or header is not None and asks is False:
                return True
            if header is not None and tests_another_provider(statement.test):
                return True
    return False


def tests_another_provider(test: ast.AST) -> bool:
    """Whether a test or pattern names another provider and not Clarifai."""
    texts = _texts(test)
    return any(map(names_provider, texts)) and not any("clarifai" in t.lower() for t in texts)


def _asks_for_clarifai(test: ast.expr) -> Optional[bool]:
    """True for `x == "clarifai"` (or `in`, with every item naming Clarifai), False for `!=` or
    `not in`; None for any other test."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    texts = [t for side in (test.left, *test.comparators) for t in _written(side)]
    if not texts or not all("clarifai" in t.lower() for t in texts):
        return None
    op = test.ops[0]
    if isinstance(op, (ast.Eq, ast.In, ast.Is)):
        return True
    if isinstance(op, (ast.NotEq, ast.NotIn, ast.IsNot)):
        return False
    return None


def _written(side: ast.expr) -> list[str]:
    """The strings a side of a comparison writes: itself, or a display's items."""
    items = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def _names_clarifai(node: ast.AST) -> bool:
    return any("clarifai" in t.lower() for t in _texts(node))


def _texts(node: ast.AST) -> list[str]:
    return [
        part.value
        for part in ast.walk(node)
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    ]
