"""Put an expression where a key stands inside an f-string or a string concatenated with one.

`f"user: {user}\\npat: <key>"` cannot become `"..." + os.environ[...] + "..."` without taking
the f-string apart; a placeholder `{os.environ['CLARIFAI_PAT']}` takes the key's place instead.
A plain string concatenated with an f-string (`"pat: <key>\\n" f"user: {user}"`) becomes an
f-string of its own, its braces doubled. Every other part, and the whitespace and comments
between parts, stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Optional, Union

import libcst as cst

# A brace of the text, or an escape to keep as it is: `\\`, then `\N{...}`.
_BRACES = re.compile(r"(\\\\|\\N\{[^}]*\})|[{}]")
Strings = Union[cst.SimpleString, cst.FormattedString, cst.ConcatenatedString]
# The expression to put in the key's place, given the quotes it may not use.
Expression = Callable[[frozenset[str]], Optional[cst.BaseExpression]]


def with_placeholders(node: Strings, secret: str, expression: Expression) -> Optional[Strings]:
    """`node` with each `secret` in its text replaced by a placeholder, or None if one cannot
    be written there (a bytes literal, or no quote left for the expression)."""
    if isinstance(node, cst.ConcatenatedString):
        left, right = node.left, node.right
        assert isinstance(left, (cst.SimpleString, cst.FormattedString))
        assert isinstance(right, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString))
        new_left = with_placeholders(left, secret, expression)
        new_right = with_placeholders(right, secret, expression)
        if new_left is None or new_right is None:
            return None
        assert not isinstance(new_left, cst.ConcatenatedString)
        return node.with_changes(left=new_left, right=new_right)
    if isinstance(node, cst.SimpleString):
        return _simple(node, secret, expression)
    return _formatted(node, secret, expression)


def _simple(
    node: cst.SimpleString, secret: str, expression: Expression
) -> Optional[Union[cst.SimpleString, cst.FormattedString]]:
    prefix = node.prefix
    body = node.value[len(prefix) + len(node.quote) : -len(node.quote)]
    if secret not in body:
        return node
    if "b" in prefix.lower():
        return None
    # An f-string reads `\N{BULLET}` as a plain string does: its braces stay single (in a
    # raw string it is text).
    if "r" in prefix.lower():
        text = body.replace("{", "{{").replace("}", "}}")
    else:
        text = _BRACES.sub(lambda match: match[1] or match[0] * 2, body)
    parts = _split(text, secret, expression, frozenset({node.quote[0]}))
    if parts is None:
        return None
    start = "f" + prefix.replace("u", "").replace("U", "") + node.quote
    return cst.FormattedString(parts, start=start, end=node.quote, lpar=node.lpar, rpar=node.rpar)


def _formatted(
    node: cst.FormattedString, secret: str, expression: Expression
) -> Optional[cst.FormattedString]:
    quote = node.end[0]
    parts: list[cst.BaseFormattedStringContent] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText) and secret in part.value:
            split = _split(part.value, secret, expression, frozenset({quote}))
            if split is None:
                return None
            parts += split
        else:
            parts.append(part)
    return node.with_changes(parts=parts)


def _split(
    text: str, secret: str, expression: Expression, quotes: frozenset[str]
) -> Optional[list[cst.BaseFormattedStringContent]]:
    value = expression(quotes)
    if value is None:
        return None
    parts: list[cst.BaseFormattedStringContent] = []
    for index, piece in enumerate(text.split(secret)):
        if index:
            parts.append(cst.FormattedStringExpression(value))
        if piece:
            parts.append(cst.FormattedStringText(piece))
    return parts
