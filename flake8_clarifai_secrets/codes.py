"""The CLR codes: declared once here; the README's table is tested against this table."""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    code: str
    summary: str
    template: str
    # Whether `clarifai-secrets-fix` rewrites it; if not, it reports it until it is removed.
    fixable: bool = True


_READ = "read it from {source}"

CODES: dict[str, Code] = {
    code.code: code
    for code in (
        Code(
            "CLR001",
            "hard-coded credential in gRPC `authorization` metadata",
            "hard-coded {credential} ({tail}) in gRPC `authorization` metadata - " + _READ,
        ),
        Code(
            "CLR002",
            "hard-coded Clarifai key in an HTTP `Authorization` header (`Key ...`, `Bearer ...`)",
            "hard-coded {credential} ({tail}) in an HTTP `Authorization` header - " + _READ,
        ),
        Code(
            "CLR003",
            "hard-coded Clarifai key passed to a Clarifai client or integration",
            "hard-coded {credential} ({tail}) passed to `{target}` - " + _READ,
        ),
        Code(
            "CLR004",
            "hard-coded Clarifai key written to, or as the fallback or the name of, a credential "
            "variable",
            "hard-coded {credential} ({tail}) as the value of `{target}` - "
            'set `{variable}` outside the code and read `os.environ["{variable}"]`',
        ),
        Code(
            "CLR005",
            "hard-coded Clarifai key bound to a credential name (variable, field, default or key)",
            "hard-coded {credential} ({tail}) bound to `{target}` - " + _READ,
        ),
        Code(
            "CLR006",
            "Clarifai key in a comment or a docstring, labelled as one (no fix rewrites it)",
            "{credential} ({tail}) in a comment or a docstring - remove it by hand, and revoke "
            "it",
            fixable=False,
        ),
    )
}


def markdown_table() -> str:
    rows = [f"| {code.code} | {code.summary} |" for code in CODES.values()]
    return "\n".join(["| code | finding |", "|---|---|", *rows])
