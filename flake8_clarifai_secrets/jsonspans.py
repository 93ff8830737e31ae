"""Where each value of a JSON document sits in its text, so that a few values can be replaced
and every other byte kept (indentation, key order, escaping, the final newline)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import NamedTuple, Union

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class Span(NamedTuple):
    """A value's place in the text, with the spans of its members if it is an object or array."""

    start: int
    end: int
    members: Union[dict[str, Span], list[Span], None]


def parse(text: str, start: int = 0) -> Span:
    """The spans of a JSON document that `json.loads` has already accepted."""
    start = _skip(text, start)
    opening = text[start]
    if opening not in "{[":
        return Span(start, _DECODER.raw_decode(text, start)[1], None)
    closing = "}" if opening == "{" else "]"
    obj: dict[str, Span] = {}
    array: list[Span] = []
    i = _skip(text, start + 1)
    while text[i] != closing:
        if opening == "{":
            key, i = _DECODER.raw_decode(text, i)
            obj[key] = value = parse(text, _skip(text, i) + 1)
        else:
            value = parse(text, i)
            array.append(value)
        i = _skip(text, value.end)
        if text[i] == ",":
            i = _skip(text, i + 1)
    return Span(start, i + 1, obj if opening == "{" else array)


def array(text: str, span: Span, items: Sequence[str], depth: int) -> str:
    """A JSON array of the encoded `items`, laid out as the array at `span` is.

    An empty array shows no layout: its items are indented one step past its own line, where a
    step is that line's indentation divided by `depth`, the array's nesting depth.
    """
    assert isinstance(span.members, list)
    if not items:
        return "[]"
    old = span.members
    if old:
        opening = text[span.start + 1 : old[0].start]
        closing = text[old[-1].end : span.end - 1]
        between = text[old[0].end : old[1].start] if len(old) > 1 else "," + opening
    elif "\n" in text:
        line = text[text.rfind("\n", 0, span.start) + 1 :]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        step = indent[: len(indent) // depth]
        opening, closing, between = "\n" + indent + step, "\n" + indent, ",\n" + indent + step
    else:
        opening, closing, between = "", "", ", "
    return "[" + opening + between.join(items) + closing + "]"


def _skip(text: str, i: int) -> int:
    match = _WHITESPACE.match(text, i)
    assert match is not None
    return match.end()
