"""Where a dict's or a call's endpoint entries say a credential beside them goes.

`{"base_url": "https://api.deepinfra.com/v1/openai", "api_key": ...}` holds another service's key;
`{"api_base": "https://api.clarifai.com/...", ...}` holds Clarifai's. A section of a config that
names no endpoint is judged against its siblings: beside a section named for Clarifai, another
section (`"local"`, `"playwright"`) is another provider's.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from flake8_clarifai_secrets.credentials import ENDPOINT_WORDS, URL_HOST, name_words
from flake8_clarifai_secrets.detector.context import Context
from flake8_clarifai_secrets.detector.tree import string


def pointed_elsewhere(holder: ast.expr, context: Context) -> Optional[bool]:
    """Where the endpoint entries of a dict display or a call say that it goes: True for
    another host, False for Clarifai, None where they name no host. A call's arguments count
    by keyword, and by position where this file defines the callee (`ProviderConfig(base_url,
    api_key)`)."""
    if isinstance(holder, ast.Dict):
        pairs = [(string(key), value) for key, value in zip(holder.keys, holder.values)]
    elif isinstance(holder, ast.Call):
        pairs = [(keyword.arg, keyword.value) for keyword in holder.keywords]
        if isinstance(holder.func, ast.Name):
            pairs += zip(context.parameters(holder.func.id), holder.args)
    else:
        return None
    endpoints = [value for key, value in pairs if key and names_endpoint(key)]
    return points_elsewhere([text for entry in endpoints for text in context.strings(entry)])


def points_elsewhere(endpoints: list[str]) -> Optional[bool]:
    """What endpoint texts say: True for another host, False for Clarifai, None where they
    name no host. A local address (a proxy, a runner) says nothing about whose key it is."""
    texts = [text.lower() for text in endpoints]
    if any("clarifai" in text for text in texts):
        return False
    hosts = [host for text in texts for host in URL_HOST.findall(text)]
    return True if any(not _LOCAL.match(host) for host in hosts) else None


def names_endpoint(key: str) -> bool:
    """`url`, `base_url`, `api_base`, `host`, `server_url`, and any name with a base, an
    endpoint or a host (mem0's `openai_base_url`, `azure_endpoint`): where a client goes, not
    `image_url`."""
    words = name_words(key)
    return bool(words & _STRONG_ENDPOINT_WORDS) or (
        bool(words & ENDPOINT_WORDS) and words <= _ENDPOINT_KEY_WORDS
    )


def section_elsewhere(node: ast.Dict, context: Context) -> bool:
    """Whether the dict `node` goes to another service by where a config holds it: a dict on
    the way up points elsewhere (`{"url": "https://mcp.example.com/mcp", "headers": node}`), or
    a section on the way is not named for Clarifai while a sibling is (`{"clarifai": {...},
    "local": node}`)."""
    section = node
    for _ in range(_DEPTH):
        holder = context.containers.get(id(section))
        if holder is None:
            return False
        outer, name = holder
        if name is not None and "clarifai" in name_words(name):
            return False
        siblings = (string(key) for key in outer.keys if key is not None)
        if any(sibling and "clarifai" in name_words(sibling) for sibling in siblings):
            return True
        pointed = pointed_elsewhere(outer, context)
        if pointed is not None:
            return pointed
        section = outer
    return False


# How many dicts up a config's sections are looked for.
_DEPTH = 3
_ENDPOINT_KEY_WORDS = ENDPOINT_WORDS | {"api", "server", "service"}
_STRONG_ENDPOINT_WORDS = frozenset({"base", "endpoint", "host"})
_LOCAL = re.compile(r"(?:localhost|127\.|0\.0\.0\.0|\[::1\])(?::|$)")
