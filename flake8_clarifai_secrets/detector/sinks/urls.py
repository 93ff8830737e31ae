"""CLR003: a key in the query of a URL toward Clarifai, after a credential's name
(`https://api.clarifai.com/v2/models?pat=<key>`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_clarifai_secrets.credentials import find_in_query
from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.sinks import Accept, Hit, sink
from flake8_clarifai_secrets.detector.values import UNKNOWN, written_texts


@sink(
    ast.Call,
    ast.Assign,
    ast.AnnAssign,
    ast.Return,
    ast.Yield,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.arguments,
)
def query_parameter(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A URL written in text that the code passes, binds, holds, gives as a default, returns
    or yields."""
    for value, text in written_texts(node):
        if "clarifai" in text.lower():
            texts = [text]
        elif UNKNOWN in text and "?" in text:
            # A host the text does not write: `BASE + "/v2/models?pat=<key>"`.
            texts = context.texts(value)
        else:
            continue
        found = (find_in_query(t) for t in texts)
        for name in dict.fromkeys(name for pairs in found for name, _ in pairs):
            yield Hit("CLR003", value, query_target(name), Accept.QUERY)


def query_target(name: str) -> str:
    """What a message says the key is passed to: `a Clarifai URL's ?access_token=`."""
    return f"a Clarifai URL's ?{name}="
