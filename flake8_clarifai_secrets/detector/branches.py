"""Branches that code takes for one provider: `if provider == "together":`, the `else` of `if
provider == "clarifai":`, `case "groq":`. A value bound there is that provider's, even where the
branches' values meet in one client (`OpenAI(base_url=base_url, api_key=api_key)`)."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Optional

from flake8_clarifai_secrets.credentials import ENDPOINT_WORDS, is_credential_name, name_words
from flake8_clarifai_secrets.detector.providers import names_provider
from flake8_clarifai_secrets.detector.tree import MATCH, dotted, leaf

_POSITIVE = (ast.Eq, ast.Is, ast.In)
_NEGATIVE = (ast.NotEq, ast.IsNot, ast.NotIn)


def for_another_provider(path: Sequence[tuple[ast.AST, Optional[ast.AST]]]) -> bool:
    """Whether the innermost branch on `path` (see `Walker.branches`) that says whose it is is
    taken for another provider than Clarifai."""
    found = None
    for statement, header in path:
        whose = branch_for_clarifai(statement, header)
        found = found if whose is None else whose
    return found is False


def branch_for_clarifai(statement: ast.AST, header: Optional[ast.AST]) -> Optional[bool]:
    """Whether the block of `statement` that `header` heads (the `if` itself for its body, None
    for its `else`, a case) is taken for Clarifai (True), for other providers only (False), or
    either (None): `if provider == "clarifai":` or `!= "together"`'s `else` are Clarifai's; `if
    provider in ("together", "groq"):`, `!= "clarifai"`, the `else` of `== "clarifai"`, `case
    "groq":`, and `case _:` beside `case "clarifai":` are not."""
    if type(statement) is MATCH:
        cases = statement.cases  # type: ignore[attr-defined]
        if not isinstance(header, ast.match_case):
            return None
        whose = _whose(_strings(header.pattern))
        wildcard = isinstance(header.pattern, ast.MatchAs) and header.pattern.pattern is None
        if wildcard and any(_whose(_strings(case.pattern)) is True for case in cases):
            whose = False
        block: Sequence[ast.AST] = header.body
    elif isinstance(statement, ast.If):
        whose = _verdict(statement.test, header is not None)
        block = statement.body if header is not None else statement.orelse
    else:
        return None
    if whose is False and _points_at_clarifai(block):
        # Another provider by its test, Clarifai by what it sets: `else:` after `if provider
        # == "clarifai_native":`, or `if api == "openai":`, that gives Clarifai's endpoint.
        return None
    return whose


def _verdict(test: ast.expr, holds: bool) -> Optional[bool]:
    """Whose the branch is that runs where `test` holds (or, without `holds`, where it does
    not): a comparison with provider names (`provider == "clarifai"`, `"clarifai" in model`,
    `provider not in ("together", "groq")`), also under `not`, `and` and `or`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _verdict(test.operand, not holds)
    if isinstance(test, ast.BoolOp):
        # Where `a and b` holds, each holds; where `a or b` fails, each fails.
        verdicts = [_verdict(value, holds) for value in test.values]
        if isinstance(test.op, ast.And) == holds:
            said = {verdict for verdict in verdicts if verdict is not None}
            return said.pop() if len(said) == 1 else None
        return verdicts[0] if len(set(verdicts)) == 1 else None
    name = dotted(test)
    if name is not None:
        # A flag named for a provider: `if use_openai:`, `if settings.USE_CLARIFAI:`; where it
        # is off, another way to the same provider may be taken (`use_clarifai_sdk`).
        return _whose([leaf(name)], flag=True) if holds else None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    op = test.ops[0]
    if not isinstance(op, (*_POSITIVE, *_NEGATIVE)):
        return None
    whose = _whose([text for side in (test.left, *test.comparators) for text in _written(side)])
    # A branch taken for the named providers says whose it is; one taken for all others says
    # so only where the names are Clarifai's.
    if isinstance(op, _POSITIVE) == holds:
        return whose
    return False if whose is True else None


def _whose(names: Sequence[str], *, flag: bool = False) -> Optional[bool]:
    """True if every one of `names` that is a value (not a credential's name, nor a variable's
    as in `"CLARIFAI_PAT" in os.environ`, unless it names a `flag`) names Clarifai, False if every
    one names another provider (OpenAI too, as the value a test compares with), else None."""
    values = [
        name
        for name in names
        if not is_credential_name(name, clarifai_file=True) and (flag or not name.isupper())
    ]
    if values and all("clarifai" in name.lower() for name in values):
        return True
    if values and all(names_provider(name) or "openai" in name_words(name) for name in values):
        return False
    return None


def _points_at_clarifai(block: Sequence[ast.AST]) -> bool:
    """Whether `block` writes Clarifai's endpoint or a model on it (`clarifai.com`,
    `clarifai/...`), or names one (`CLARIFAI_BASE_URL`); not a message that names Clarifai."""
    for node in (node for statement in block for node in ast.walk(statement)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            if "clarifai.com" in text or text.startswith("clarifai/"):
                return True
        elif isinstance(node, (ast.Name, ast.Attribute)):
            words = name_words(node.id if isinstance(node, ast.Name) else node.attr)
            if "clarifai" in words and words & ENDPOINT_WORDS:
                return True
    return False


def _written(side: ast.expr) -> list[str]:
    """The strings a side of a comparison writes: itself, or a display's items."""
    items = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]


def _strings(pattern: ast.AST) -> list[str]:
    return [
        part.value
        for part in ast.walk(pattern)
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    ]
