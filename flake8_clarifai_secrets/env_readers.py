"""pydantic-settings classes that read an env file and refuse entries they have no field for.

`--env-file .env` adds a variable for each moved key; such a class reading the same `.env`
then fails at start (`extra_forbidden`), and pydantic's error shows the whole value.
"""

from __future__ import annotations

import ast
from typing import NamedTuple, Optional

from flake8_clarifai_secrets.detector.tree import dotted, leaf, string
from flake8_clarifai_secrets.detector.values import is_settings_class
from flake8_clarifai_secrets.parsing import parse

# What pydantic-settings lets through besides the fields (its default is "forbid").
_LENIENT = frozenset({"allow", "ignore"})
_ALIASES = frozenset({"alias", "validation_alias", "env"})


class EnvFileReader(NamedTuple):
    line: int
    env_files: frozenset[str]
    """The names of the files it reads, without their directories."""
    variables: frozenset[str]
    """The variables its fields read, lowered: pydantic-settings matches them in any case."""


def env_file_readers(data: bytes) -> tuple[EnvFileReader, ...]:
    """The settings classes in a file's text that read an env file and forbid other entries."""
    if b"env_file" not in data or b"BaseSettings" not in data:
        return ()
    try:
        tree = parse(data)
    except (SyntaxError, ValueError):
        return ()
    return tuple(
        reader
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and is_settings_class(node)
        for reader in [_reader(node)]
        if reader is not None
    )


def _reader(definition: ast.ClassDef) -> Optional[EnvFileReader]:
    files = setting(definition, "env_file")
    extra = setting(definition, "extra")
    if files is None or extra is not None and _LENIENT & setting_words(extra):
        return None
    names = setting_words(files)
    if not names:
        return None
    prefix = next(iter(setting_words(setting(definition, "env_prefix"))), "")
    variables = set()
    for statement in definition.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            value = statement.value
            aliases = [
                text
                for keyword in (value.keywords if isinstance(value, ast.Call) else [])
                if keyword.arg in _ALIASES and (text := string(keyword.value)) is not None
            ]
            variables.add((aliases[0] if aliases else prefix + statement.target.id).lower())
    return EnvFileReader(
        definition.lineno,
        frozenset(name.replace("\\", "/").rpartition("/")[2] for name in names),
        frozenset(variables),
    )


def setting(definition: ast.ClassDef, key: str) -> Optional[ast.expr]:
    """A setting of the class: `model_config = SettingsConfigDict(key=...)` (or a dict), or
    pydantic 1's `class Config: key = ...`."""
    for statement in definition.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            for inner in statement.body:
                if isinstance(inner, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == key for t in inner.targets
                ):
                    return inner.value
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "model_config" for t in statement.targets
        ):
            config = statement.value
            if isinstance(config, ast.Call):
                found = next((k.value for k in config.keywords if k.arg == key), None)
                if found is not None:
                    return found
            if isinstance(config, ast.Dict):
                for name, value in zip(config.keys, config.values):
                    if name is not None and string(name) == key:
                        return value
    return None


def setting_words(node: Optional[ast.expr]) -> set[str]:
    """The strings a setting gives: `".env"`, `(".env", ".env.prod")`, `Extra.ignore`."""
    if node is None:
        return set()
    items = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
    words = {text for item in items if (text := string(item)) is not None}
    words |= {leaf(name) for item in items if (name := dotted(item)) is not None}
    return words
