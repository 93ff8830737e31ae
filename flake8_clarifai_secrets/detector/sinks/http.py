"""CLR002: a Clarifai key in an HTTP `Authorization` header.

Headers that go to a URL of another service (`requests.get("https://rebrickable.com/api/v3/...",
headers=headers)`, an MCP server's `{"url": "https://mcp.example.com/mcp", "headers": ...}`) hold
that service's key, whatever their scheme: Rebrickable's is `key` too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Optional

from flake8_clarifai_secrets.credentials import ENDPOINT_WORDS, URL_HOST, name_words
from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.endpoints import section_elsewhere
from flake8_clarifai_secrets.detector.sinks import Accept, Hit, is_shell_call, sink
from flake8_clarifai_secrets.detector.tree import dotted, leaf, string
from flake8_clarifai_secrets.detector.values import binary_text, written_texts

HEADER = "authorization"


@sink(ast.Dict)
def header_dict(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`{"Authorization": "Key <key>"}`, also with bytes; a header's values as a list (treq's
    and Twisted's `{b"Authorization": [b"Key <key>"]}`)."""
    assert isinstance(node, ast.Dict)
    for key, value in zip(node.keys, node.values):
        name = None if key is None else string(key) or binary_text(key)
        if name is not None and name.lower() == HEADER:
            if not _headers_elsewhere(node, node, context, frozenset({"update"})):
                values = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                yield from (Hit("CLR002", item, name, Accept.HEADER) for item in values)


# Mappings that hold headers, made from a dict or from pairs: they go where they are given.
_HEADER_MAPPINGS = frozenset(
    {"dict", "Headers", "CIMultiDict", "MultiDict", "CaseInsensitiveDict", "HTTPHeaderDict"}
)


def _wrapped_elsewhere(caller: Optional[ast.Call], context: Context) -> bool:
    """`httpx.Headers([...])`, aiohttp's `CIMultiDict({...})`, `dict([...])` given to a
    request to another host."""
    return (
        caller is not None
        and leaf(dotted(caller.func) or "") in _HEADER_MAPPINGS
        and context.goes_elsewhere(caller, by_url=True)
    )


@sink(ast.Tuple, ast.List)
def header_pair(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`[("Authorization", "Key <key>")]`: httpx's and aiohttp's `headers=`, urllib's
    `opener.addheaders`; judged as a dict of headers is, by where its list goes."""
    assert isinstance(node, (ast.Tuple, ast.List))
    if len(node.elts) == 2:
        name = string(node.elts[0])
        if name is not None and is_header_pair(name):
            pairs = context.sequences.get(id(node), node)
            if not _headers_elsewhere(pairs, node, context, _ADDS):
                yield Hit("CLR002", node.elts[1], name, Accept.HEADER)


_ADDS = frozenset({"append", "extend", "insert", "update"})


def _headers_elsewhere(
    headers: ast.expr, at: ast.expr, context: Context, adds: frozenset[str]
) -> bool:
    """Whether `headers` (a dict, or a list of pairs) go to another service: added to headers
    held for one (`session.headers.update(...)`, `headers.append(pair)`), beside its URL in a
    config, given to a call, client or header mapping for one, or set on a client whose
    requests go there."""
    caller = context.callers.get(id(headers))
    added = (
        caller is not None
        and isinstance(caller.func, ast.Attribute)
        and caller.func.attr in adds
        and _held_elsewhere(dotted(caller.func.value), context, at)
    )
    return (
        added
        or section_elsewhere(headers, context)
        or context.goes_elsewhere(headers, by_url=True)
        or _wrapped_elsewhere(caller, context)
        or caller is not None
        and context.client_elsewhere(caller, context.scope)
        or context.headers_elsewhere(context.bound_to(headers), context.scope)
    )


def is_header_pair(name: str) -> bool:
    """Whether a pair named `name` is an HTTP header's: gRPC refuses a metadata key with a
    capital ("Illegal header key"), so `("Authorization", ...)` is no gRPC metadata."""
    return name.lower() == HEADER and not name.islower()


@sink(ast.Call)
def header_keyword(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`dict(Authorization=...)`, `headers.update(Authorization=...)`."""
    assert isinstance(node, ast.Call)
    for keyword in node.keywords:
        if keyword.arg is not None and keyword.arg.lower() == HEADER:
            if isinstance(node.func, ast.Attribute):
                elsewhere = _held_elsewhere(dotted(node.func.value), context, node)
            else:
                elsewhere = context.goes_elsewhere(node, by_url=True)
            if not elsewhere:
                yield Hit("CLR002", keyword.value, keyword.arg, Accept.HEADER)


@sink(ast.Call)
def header_argument(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`request.add_header("Authorization", ...)`, `connection.putheader(...)`,
    `headers.add(...)`: the header's name, then its value."""
    assert isinstance(node, ast.Call)
    if len(node.args) >= 2:
        name = string(node.args[0])
        if name is not None and name.lower() == HEADER:
            holder = dotted(node.func.value) if isinstance(node.func, ast.Attribute) else None
            if not _held_elsewhere(holder, context, node.args[1]):
                yield Hit("CLR002", node.args[1], name, Accept.HEADER)


@sink(ast.Assign)
def header_item(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`headers["Authorization"] = ...`."""
    assert isinstance(node, ast.Assign)
    for target in node.targets:
        if isinstance(target, ast.Subscript):
            name = string(target.slice)
            if name is not None and name.lower() == HEADER:
                if not _held_elsewhere(dotted(target.value), context, node.value):
                    yield Hit("CLR002", node.value, name, Accept.HEADER)


def _held_elsewhere(holder: Optional[str], context: Context, at: ast.expr) -> bool:
    """Whether headers that `holder` holds at `at` go to a URL of another service: a mapping
    passed to such a call (`headers`) before the name is bound again, or an object whose
    requests go there (`session.headers`, the `request` of `request.add_header(...)`)."""
    if holder is None:
        return False
    until = context.until(holder, at)
    if context.sent_elsewhere(holder, context.scope, by_url=True, until=until):
        return True
    owner = holder.removesuffix(".headers").removesuffix(".addheaders")
    return context.requests_elsewhere(owner, context.scope)


@sink(ast.Call)
def shell_header(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.system('curl -H "Authorization: Key <key>" ...')`, `!curl ...` in a notebook."""
    assert isinstance(node, ast.Call)
    if not node.args or not is_shell_call(node, context):
        return
    texts = [text.lower() for text in context.texts(node.args[0])]
    # A command's URLs may be a body's (`-d '{"url": ...}'`): only where no variable that names
    # an endpoint (`$CLARIFAI_API`, `$BASE_URL`) may say where it goes do they.
    if any(
        HEADER in text and (_names_endpoint_variable(text) or _toward_clarifai(text))
        for text in texts
    ):
        yield Hit("CLR002", node.args[0], "Authorization", Accept.FLAGGED)


def _names_endpoint_variable(command: str) -> bool:
    return any(
        name_words(name) & _ENDPOINT_VARIABLE_WORDS for name in _SHELL_VARIABLE.findall(command)
    )


_SHELL_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)")
_ENDPOINT_VARIABLE_WORDS = ENDPOINT_WORDS | {"clarifai", "api"}


def _toward_clarifai(text: str) -> bool:
    """Whether text that holds a header may send it to Clarifai: it names no host, or one of
    Clarifai's (not `curl -H "Authorization: Bearer ..." https://api.github.com/user`)."""
    hosts = URL_HOST.findall(text)
    return not hosts or any("clarifai" in host for host in hosts)


@sink(ast.List, ast.Tuple)
def header_line(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`["curl", "-H", "Authorization: Key <key>", url]`, pycurl's `HTTPHEADER` list: a header
    given as one `Name: value` line."""
    assert isinstance(node, (ast.List, ast.Tuple))
    for elt in node.elts:
        if any(_LINE.match(text) for text in context.texts(elt)):
            if not _lines_elsewhere(node, context):
                yield Hit("CLR002", elt, "Authorization", Accept.FLAGGED)


def _lines_elsewhere(node: ast.List | ast.Tuple, context: Context) -> bool:
    """Whether header lines go to another service: set on a pycurl handle whose URL is that
    service's (`c.setopt(pycurl.URL, "https://slack.com/...")`), given to a call for another
    host (`websocket.create_connection(url, header=[...])`), or a command whose URLs all name
    another host (`["curl", "-H", ..., "https://api.github.com/user"]`)."""
    caller = context.callers.get(id(node))
    if caller is not None and isinstance(caller.func, ast.Attribute):
        holder = dotted(caller.func.value)
        if caller.func.attr == "setopt" and holder is not None:
            return context.requests_elsewhere(holder, context.scope)
    if context.goes_elsewhere(node, by_url=True):
        return True
    # A URL of its own in the list, not one inside a header (`Referer: ...`) or a body.
    urls = [t for elt in node.elts for t in context.texts(elt) if _URL.match(t)]
    return bool(urls) and not any("clarifai" in url.lower() for url in urls)


@sink(ast.Compare)
def compared_header(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`assert request.headers["Authorization"] == "Key <key>"`: a test that pins the header
    to the key."""
    assert isinstance(node, ast.Compare)
    operands = [node.left, *node.comparators]
    if any(_names_header(operand) for operand in operands):
        for operand in operands:
            if not _names_header(operand):
                yield Hit("CLR002", operand, "Authorization", Accept.HEADER)


def _names_header(node: ast.expr) -> bool:
    """`headers["Authorization"]`, `headers.get("authorization")`."""
    if isinstance(node, ast.Subscript):
        name = string(node.slice)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        name = string(node.args[0]) if node.func.attr == "get" else None
    else:
        return False
    return name is not None and name.lower() == HEADER


@sink(ast.Call, ast.Assign, ast.AnnAssign, ast.Return, ast.List, ast.Tuple)
def header_text(node: ast.AST, context: Context) -> Iterator[Hit]:
    """An `Authorization` header written in text that the code binds, passes or returns: JSON
    or JavaScript in a page (`"Authorization": "Key <key>"`), a curl line printed for the user;
    not text whose URLs all name another host (Rebrickable's scheme is `key` too)."""
    for value, text in written_texts(node):
        lowered = text.lower()
        if HEADER in lowered and _toward_clarifai(lowered):
            # A URL may stand in a field (`f"curl ... {BASE_URL}/v1/..."`): its value says.
            if "\0" in text and not URL_HOST.search(lowered):
                evaluated = [t.lower() for t in context.texts(value)]
                if not any(map(_toward_clarifai, evaluated)):
                    continue
            if (
                isinstance(node, (ast.List, ast.Tuple))
                and _LINE.match(text)
                and _lines_elsewhere(node, context)
            ):
                continue
            yield Hit("CLR002", value, "Authorization", Accept.HEADER_TEXT)


_LINE = re.compile(r"\s*authorization\s*:", re.IGNORECASE)
# A command's URL argument: `https://...`, curl's `--url=https://...`.
_URL = re.compile(r"(?:--url=)?(?:https?|wss?)://[^/\s?#'\"\0]+", re.IGNORECASE)
