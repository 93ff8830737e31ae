"""CLR003: a credential in the query of a URL toward Clarifai, as the v1 API took its access
token (`https://api.clarifai.com/v1/tag?url=...&access_token=<token>`) and its OAuth client's
id and secret (`.../v1/token/?grant_type=client_credentials&client_id=...&client_secret=...`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_clarifai_secrets.credentials import find_in_query
from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.sinks import Accept, Hit, sink
from flake8_clarifai_secrets.detector.values import written_texts


@sink(ast.Call, ast.Assign, ast.AnnAssign, ast.Return, ast.List, ast.Tuple)
def query_parameter(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A URL written in text that the code passes, binds or returns."""
    for value, text in written_texts(node):
        if "clarifai" in text.lower():
            for name in dict.fromkeys(
                name for name, _ in find_in_query(text, legacy=context.legacy_file)
            ):
                yield Hit("CLR003", value, query_target(name), Accept.QUERY)


def query_target(name: str) -> str:
    """What a message says the key is passed to: `a Clarifai URL's ?access_token=`."""
    return f"a Clarifai URL's ?{name}="
