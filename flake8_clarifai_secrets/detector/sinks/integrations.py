"""CLR003: a key passed to an integration that talks to Clarifai.

A callee in `INTEGRATIONS` that is Clarifai's own takes a PAT as it is. Any other call (listed or
not) counts once it points at Clarifai: an endpoint argument naming `clarifai.com`, a LiteLLM model
`clarifai/...` or a model URL on `clarifai.com`, or `provider="clarifai"`. Config dicts are judged
by the same evidence among their entries.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import Optional

from flake8_clarifai_secrets.credentials import ENDPOINT_WORDS, name_words, names_endpoint
from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.sinks import Hit, sink
from flake8_clarifai_secrets.detector.sinks.integration_table import INTEGRATIONS, Integration
from flake8_clarifai_secrets.detector.tree import dotted, environ_read, leaf, string
from flake8_clarifai_secrets.detector.values import UNKNOWN, looked_up

# `password`: an HTTP connection's (Airflow's `Connection(host=..., password=...)`).
CREDENTIAL_KEYWORDS = frozenset(
    {"api_key", "openai_api_key", "pat", "token", "auth", "api_token", "access_token", "key",
     "clarifai_pat", "PAT", "CLARIFAI_PAT", "password"}
)  # fmt: skip
_EVIDENCE_KEYS = frozenset({"model", "provider", "provider_type"})
# Sections of a config that hold a provider's settings.
_NESTED_CONFIGS = ("config", "litellm_params")
_API_HOST = "api.clarifai.com"
_BY_CALLEE = {callee: row for row in INTEGRATIONS for callee in row.callees}


def _row(qualname: Optional[str]) -> Optional[Integration]:
    """The row of a callee, or of the class whose classmethod it is (`Clarifai.from_texts`)."""
    while qualname:
        row = _BY_CALLEE.get(qualname)
        if row is not None:
            return row
        qualname = qualname.rpartition(".")[0]
    return None


def _is_evidence_key(name: str) -> bool:
    """`model`, `model_id` (smolagents), `base_url`, `provider`: what says where a call goes."""
    return name in _EVIDENCE_KEYS or bool(name_words(name) & _EVIDENCE_WORDS)


_EVIDENCE_WORDS = ENDPOINT_WORDS | {"model"}


def _names_clarifai(texts: Iterable[str]) -> bool:
    return any(_clarifai_evidence(text) for text in texts)


def _clarifai_evidence(text: str) -> Optional[str]:
    """What in `text` points at Clarifai: a host on `clarifai.com` (not a path on another
    host), the path of Clarifai's OpenAI-compatible API on a host the code works out
    (`f"https://{channel._target}/v2/ext/openai/v1"`), a LiteLLM model `clarifai/...`, or the
    provider `clarifai`."""
    lowered = text.lower().strip()
    if lowered.startswith("clarifai/") or lowered == "clarifai" or lowered.endswith("::clarifai"):
        return lowered  # llama-stack's provider_type is `remote::clarifai`
    host = lowered.partition("://")[2] if "://" in lowered else lowered
    host, _, path = host.partition("/")
    host = host.rpartition("@")[2].partition(":")[0]
    if host == "clarifai.com" or host.endswith(".clarifai.com"):
        return host
    return "clarifai.com" if host == UNKNOWN and f"/{path}/".startswith(_OPENAI_PATH) else None


_OPENAI_PATH = "/v2/ext/openai/"


@sink(ast.Call)
def integration_call(node: ast.AST, context: Context) -> Iterator[Hit]:
    """LangChain's `Clarifai(pat=...)`; `OpenAI(base_url="https://api.clarifai.com/...")`."""
    assert isinstance(node, ast.Call)
    func, args = context.callee(node)
    name = dotted(func)
    if name is None or context.in_clarifai(func):
        return
    qualname = context.qualname(func)
    row = _row(qualname)
    evidence = [k.value for k in node.keywords if k.arg and _is_evidence_key(k.arg)]
    # A listed callee's positions other than its credential's may say where it goes
    # (smolagents' `OpenAIServerModel(model_id, api_base, api_key)`); any other's first.
    given = [a for i, a in enumerate(args) if i not in row.positions] if row else args[:1]
    found = _evidence([*evidence, *given], context)
    if found <= {None} and not (
        row is not None
        and (
            row.always
            or row.environment
            and context.openai_endpoint
            and not _endpoint(node)
            or row.clarifai_file
            and context.clarifai_file
            or row.routed
            and context.routed_by_environment(node)
        )
    ):
        return
    callee = leaf(name)
    pointed = row is None or not row.always
    keywords = CREDENTIAL_KEYWORDS if row is None else row.keywords | CREDENTIAL_KEYWORDS
    if _API_HOST not in found:
        # An HTTP connection's password is Clarifai's only on Clarifai's API host.
        keywords -= {"password"}
    if row is not None and qualname in row.callees:
        for index in row.positions:
            if index < len(args) and not isinstance(args[index], ast.Starred):
                yield Hit("CLR003", args[index], f"{callee}(...)", pointed=pointed)
    for keyword in node.keywords:
        if keyword.arg in keywords:
            yield Hit("CLR003", keyword.value, f"{callee}({keyword.arg}=...)", pointed=pointed)
        elif keyword.arg is not None and isinstance(keyword.value, ast.Dict):
            # Parameters for every request: LiteLLM `Router(default_litellm_params={...})`.
            for key, value in _entries(keyword.value).items():
                # A bare `key` in such a dict is as often a cache's.
                if key in keywords and key != "key":
                    target = f'"{key}" of {callee}({keyword.arg}=...)'
                    yield Hit("CLR003", value, target, pointed=pointed)


def _evidence(values: list[ast.expr], context: Context) -> set[Optional[str]]:
    """What `values` say of Clarifai, through lists and dicts displayed in them: a LiteLLM
    `Router(model_list=[{"litellm_params": {"model": "clarifai/..."}}])`."""
    found: set[Optional[str]] = set()
    todo = list(values)
    while todo:
        value = todo.pop()
        if isinstance(value, (ast.List, ast.Tuple)):
            todo += value.elts
        elif isinstance(value, ast.Dict):
            entries = _entries(value).items()
            todo += [v for k, v in entries if _is_evidence_key(k) or k in _NESTED_CONFIGS]
        else:
            texts = list(context.strings(value))
            # An endpoint on a host the code works out: `f"https://{host}/v2/ext/openai/v1"`.
            found |= {_clarifai_evidence(text) for text in texts or context.texts(value)}
            name = _read_name(value) or dotted(value)
            words = name_words(leaf(name)) if name is not None and not texts else frozenset()
            if "clarifai" in words and words & ENDPOINT_WORDS:
                # An endpoint whose value the file does not show, named for Clarifai's:
                # `base_url=CLARIFAI_OPENAI_BASE`, imported from the project's settings, or
                # `base_url=os.environ["CLARIFAI_API_BASE"]`.
                found.add("clarifai.com")
    return found


def _read_name(value: ast.expr) -> Optional[str]:
    """The variable or setting that a value is read from: `os.environ["NAME"]`,
    `os.getenv("NAME")`, `settings.get("NAME")`."""
    return environ_read(value) or (looked_up(value) if isinstance(value, ast.Call) else None)


def _endpoint(node: ast.Call) -> bool:
    """Whether the call gives its own endpoint (`base_url=`), which wins over the environment."""
    return any(k.arg and names_endpoint(k.arg) for k in node.keywords)


@sink(ast.Dict)
def integration_config(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`{"provider": "clarifai", "config": {"api_key": ...}}`, `{"model": "clarifai/...", ...}`."""
    assert isinstance(node, ast.Dict)
    entries = _entries(node)
    evidence = [v for k, v in entries.items() if _is_evidence_key(k)]
    if not _names_clarifai(t for value in evidence for t in context.strings(value)):
        return
    for config in (node, *(entries.get(key) for key in _NESTED_CONFIGS)):
        if isinstance(config, ast.Dict):
            for key, value in _entries(config).items():
                if key in CREDENTIAL_KEYWORDS:
                    yield Hit("CLR003", value, f'"{key}" of a Clarifai config', pointed=True)


@sink(ast.Assign)
def module_setting(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`openai.api_key = ...` beside `openai.base_url = "https://api.clarifai.com/..."`, and
    `litellm.api_key = ...` beside `litellm.completion(model="clarifai/...")`: an imported
    client module's global settings, pointed at Clarifai."""
    assert isinstance(node, ast.Assign)
    for target in node.targets:
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.attr in CREDENTIAL_KEYWORDS
            and target.value.id in context.imports
            and _points_at_clarifai(target.value.id, context)
        ):
            yield Hit("CLR003", node.value, f"{target.value.id}.{target.attr}", pointed=True)


def _points_at_clarifai(module: str, context: Context) -> bool:
    """Whether the file sets an endpoint of `module` to Clarifai (`openai.base_url = ...`), or
    calls into it with one (`litellm.completion(model="clarifai/...")`, also as `completion`
    imported from it)."""
    path = context.imports[module]
    names = [local for local, p in context.imports.items() if p == path or p.startswith(path + ".")]
    lines = sorted({line for name in names for line in context.lines_naming(name)})
    for node, _ in context.walker.near(lines):
        if isinstance(node, ast.Assign):
            evidence = [
                node.value
                for target in node.targets
                if isinstance(target, ast.Attribute)
                and dotted(target.value) == module
                and _is_evidence_key(target.attr)
            ]
        elif isinstance(node, ast.Call) and (context.qualname(node.func) or "").startswith(path):
            evidence = [k.value for k in node.keywords if k.arg and _is_evidence_key(k.arg)]
        else:
            continue
        if _names_clarifai(t for value in evidence for t in context.strings(value)):
            return True
    return False


def _entries(node: ast.Dict) -> dict[str, ast.expr]:
    found = {}
    for key, value in zip(node.keys, node.values):
        text = string(key)
        if text is not None:
            found[text] = value
    return found
