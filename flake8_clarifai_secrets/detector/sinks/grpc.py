"""CLR001: a credential in gRPC `authorization` metadata, as Clarifai's gRPC snippets send it."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.sinks import Accept, Hit, sink
from flake8_clarifai_secrets.detector.sinks.http import is_header_pair
from flake8_clarifai_secrets.detector.tree import string

# A key of any shape counts in `authorization`; a session token is a Clarifai key.
METADATA_KEYS = {"authorization": Accept.ANY, "x-clarifai-session-token": Accept.KEY}


@sink(ast.Tuple, ast.List)
def metadata_pair(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`("authorization", "Key <key>")`: any 2-tuple or 2-list."""
    assert isinstance(node, (ast.Tuple, ast.List))
    if len(node.elts) == 2:
        key = string(node.elts[0])
        if key is not None and key.lower() in METADATA_KEYS and not is_header_pair(key):
            yield Hit("CLR001", node.elts[1], key, METADATA_KEYS[key.lower()])
