"""Where a dict's or a call's endpoint entries say a credential beside them goes.

`{"base_url": "https://api.deepinfra.com/v1/openai", "api_key": ...}` holds another service's key;
`{"api_base": "https://api.clarifai.com/...", ...}` holds Clarifai's. A section of a config that
names no endpoint is judged against its siblings: beside a section named for Clarifai, another
section (`"local"`, `"playwright"`) is another provider's.
"""

from __future__ import annotations

import ast
from typing import Optional

from flake8_clarifai_secrets.credentials import name_words, names_endpoint, points_elsewhere
from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.providers import model_provider
from flake8_clarifai_secrets.detector.tree import string


def pointed_elsewhere(holder: ast.expr, context: Context, *, models: bool = True) -> Optional[bool]:
    """Where the endpoint entries of a dict display or a call say that it goes: True for
    another host, False for Clarifai, None where they name no host. A call's arguments count
    by keyword, and by position where this file defines the callee (`ProviderConfig(base_url,
    api_key)`). With `models`, and no endpoint, a model or provider of another host says it
    too (see `models_elsewhere`)."""
    pairs = _pairs(holder, context)
    endpoints = [value for key, value in pairs if key and names_endpoint(key)]
    pointed = points_elsewhere([text for entry in endpoints for text in context.strings(entry)])
    if pointed is None and models and models_elsewhere(holder, context):
        return True
    return pointed


def models_elsewhere(holder: ast.expr, context: Context) -> bool:
    """Whether a dict display or a call names a model or provider of another host: LiteLLM's
    `{"model": "together_ai/...", "api_key": ...}`, LangChain's `init_chat_model("together:...",
    api_key=...)` or `model_provider="together"`."""
    models = [value for key, value in _pairs(holder, context) if key in _MODEL_KEYS]
    if isinstance(holder, ast.Call):
        models += holder.args[:1]
    return any(model_provider(text) for entry in models for text in context.strings(entry))


def _pairs(holder: ast.expr, context: Context) -> list[tuple[Optional[str], ast.expr]]:
    if isinstance(holder, ast.Dict):
        return [(string(key), value) for key, value in zip(holder.keys, holder.values)]
    if isinstance(holder, ast.Call):
        pairs: list[tuple[Optional[str], ast.expr]] = [
            (keyword.arg, keyword.value) for keyword in holder.keywords
        ]
        if isinstance(holder.func, ast.Name):
            pairs += zip(context.parameters(holder.func.id), holder.args)
        return pairs
    return []


def section_elsewhere(node: ast.expr, context: Context) -> bool:
    """Whether the dict (or list of header pairs) `node` goes to another service by where a
    config holds it: a dict on the way up points elsewhere (`{"url":
    "https://mcp.example.com/mcp", "headers": node}`), or
    a section on the way that names its own endpoint, one that says nothing (a local address),
    is not named for Clarifai while a sibling section is (`{"clarifai": {...}, "local":
    {"base_url": "http://localhost:8000/v1", ...}}`)."""
    section = node
    for _ in range(_DEPTH):
        holder = context.containers.get(id(section))
        if holder is None:
            return False
        outer, name = holder
        pointed = pointed_elsewhere(outer, context, models=False)
        if pointed is not None:
            return pointed
        if name is not None and "clarifai" in name_words(name):
            return False
        sections = [
            string(key) or ""
            for key, value in zip(outer.keys, outer.values)
            if key is not None and isinstance(value, ast.Dict)
        ]
        if (
            isinstance(section, ast.Dict)
            and _names_endpoint_entry(section)
            and any("clarifai" in name_words(sibling) for sibling in sections)
        ):
            return True
        section = outer
    return False


def _names_endpoint_entry(section: ast.Dict) -> bool:
    return any(key is not None and names_endpoint(string(key) or "") for key in section.keys)


# How many dicts up a config's sections are looked for.
_DEPTH = 3
_MODEL_KEYS = frozenset({"model", "provider", "model_provider", "custom_llm_provider"})
