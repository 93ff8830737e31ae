"""Sinks are data: each module registers, per node type, what it looks for and with which code.

A sink function takes a node and the file's `Context` and yields `Hit`s: an expression whose value
goes somewhere a key must not be written. The engine evaluates the value, finds the credential in
it, and reports it at the literal that holds it; when several sinks reach one literal, the lowest
code wins.
"""

from __future__ import annotations

import ast
import enum
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import NamedTuple, Optional, TypeVar

from flake8_clarifai_secrets.detector.context import ALIAS_VARIABLES, Context
from flake8_clarifai_secrets.detector.findings import Fix
from flake8_clarifai_secrets.detector.tree import string


class Accept(enum.Enum):
    """Which credentials a sink reports."""

    ANY = "a token with any scheme, or none"  # gRPC `authorization` metadata
    HEADER = "`Key <key>`, or `Bearer <key>` in a Clarifai file"  # HTTP `Authorization`
    KEY = "a Clarifai key, bare or after `Key`"  # clients, the environment, bindings
    HEX = "a 32-hex Clarifai key, bare or after `Key`"  # names that do not say Clarifai
    LEGACY = "a legacy v1 client id, secret or access token"  # names that say `ID`
    EMBEDDED = "a Clarifai key anywhere in the text"  # `export NAME=<key>`, `%env NAME=<key>`
    FLAGGED = "a Clarifai key after a credential flag or header"  # `clarifai login --pat <key>`
    HEADER_TEXT = "a Clarifai key after an `Authorization` header in text"  # a page's JavaScript
    LABELLED = "a Clarifai key after a credential's name and `=` or `:`"  # `.env` or YAML text
    COMMANDED = "a Clarifai key after a `clarifai` command's credential flag"  # a CI workflow
    CODE = "a key that Python code in text holds, where its own sink takes it"  # `%%capture`
    QUERY = "a Clarifai key in a URL's query toward Clarifai"  # `?access_token=<token>`


class Hit(NamedTuple):
    code: str
    value: ast.expr
    target: str
    accept: Accept = Accept.KEY
    whole: Optional[Fix] = None
    """The fix to use when `value` itself is the literal, instead of rewriting the literal."""
    writes: bool = False
    """`value` is written into the variable `target`, which then holds the key."""
    claims: bool = False
    """The sink says the value is Clarifai's whatever name it is bound to (`key_tagger`), as
    the file's own function that talks to Clarifai does of its `pat` parameter."""
    lazy: bool = False
    """`value` is a fallback that is evaluated even where the value is found elsewhere (a
    settings reader's `default=`): the fix reads it with `os.environ.get`."""
    pointed: bool = False
    """The call is Clarifai's only by where it points (an endpoint, a model or a provider
    string), which the values given in a branch taken for another provider do not share."""


def copied(hit: Hit) -> Hit:
    """A key written into another service's variable that Clarifai's examples give the PAT
    (`os.environ["OPENAI_API_KEY"] = "<key>"`) moves into a Clarifai variable, and the code
    copies it from there: removing the write would hand the client whatever that variable holds
    for its own service."""
    if hit.writes and hit.target in ALIAS_VARIABLES:
        return hit._replace(whole=None, writes=False)
    return hit


SinkFunction = Callable[[ast.AST, Context], Iterable[Hit]]
SINKS: dict[type[ast.AST], list[SinkFunction]] = defaultdict(list)
_F = TypeVar("_F", bound=SinkFunction)


def sink(*types: type[ast.AST]) -> Callable[[_F], _F]:
    """Register a sink function for the node types it looks at."""

    def register(function: _F) -> _F:
        for node_type in types:
            SINKS[node_type].append(function)
        return function

    return register


SHELL_CALLS = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
    }
)


def magic_arguments(node: ast.Call, method: str, magics: Collection[str]) -> list[ast.expr]:
    """The arguments of a magic in `magics` as nbconvert writes it (`get_ipython().
    run_line_magic("env", "NAME=<key>")`, `run_cell_magic("capture", "", "<code>")`), the
    magic's name first; none for any other call."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == method and node.args:
        return node.args if string(node.args[0]) in magics else []
    return []


def is_shell_call(node: ast.Call, context: Context) -> bool:
    """`os.system(...)`, `subprocess.run(...)`, or a notebook's `!command` after nbconvert."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("system", "getoutput"):
        value = func.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            return value.func.id == "get_ipython"
    return context.qualname(func) in SHELL_CALLS
