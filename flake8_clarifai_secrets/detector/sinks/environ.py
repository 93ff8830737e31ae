"""CLR004: a key written to a Clarifai credential variable, or used as its fallback.

Also a key pasted where the variable's name goes (`os.getenv("<key>")`), and the `%env` magic as
`jupyter nbconvert --to script` writes it (`get_ipython().run_line_magic("env", "NAME=<key>")`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from typing import Optional, Union

from flake8_clarifai_secrets.credentials import is_clarifai_key, is_legacy_name, name_words
from flake8_clarifai_secrets.detector.context import ALIAS_VARIABLES, Context
from flake8_clarifai_secrets.detector.findings import Fix, Span
from flake8_clarifai_secrets.detector.sinks import (
    Accept,
    Hit,
    is_shell_call,
    magic_arguments,
    sink,
)
from flake8_clarifai_secrets.detector.tree import dotted, leaf, string
from flake8_clarifai_secrets.detector.values import literal_text

ENV_READS = frozenset({"os.getenv", "os.environ.get"})
ENV_WRITES = frozenset({"os.environ.setdefault", "os.putenv"})
# `%env NAME=value`, `%env NAME value`, `%env NAME = value` (IPython's own forms).
ENV_MAGIC = re.compile(r"\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*|\s+)(?P<value>\S.*?)\s*")
_MAGICS = frozenset({"env", "set_env"})
# Readers of settings that take the variable's name and a fallback: django-environ and environs
# (`env("NAME", default=...)`, `env.str(...)`), python-decouple (`config("NAME", default=...)`).
_FALLBACK_KEYWORDS = ("default", "fallback")
# Readers whose second argument is the fallback: environs' `env.str(NAME, fallback)`,
# python-decouple's `config(NAME, fallback)`. (django-environ's `env(NAME, cast)` is not one.)
_POSITIONAL_FALLBACK = frozenset({"str", "config"})
# `export NAME=value` and nothing else but a comment: one word, or one quoted string, as the
# value.
ONE_EXPORT = re.compile(r"\s*export\s+\w+=(?:\"[^\"]*\"|'[^']*'|[^\s;&|<>()`$#]+)\s*(?:#.*)?")


@sink(ast.Assign)
def environ_item(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.environ["CLARIFAI_PAT"] = "<key>"`: the fix removes the statement. In an
    environment that a process will be given (nox's `session.env[...]`, `env = {}` or
    `env = os.environ.copy()`, then `env[...]`), the fix reads the variable there."""
    assert isinstance(node, ast.Assign)
    for target in node.targets:
        if not isinstance(target, ast.Subscript):
            continue
        name = context.credential_var(target.slice)
        if context.qualname(target.value) == "os.environ":
            drop = Fix("drop", context.span(node)) if len(node.targets) == 1 else None
            if name is not None:
                yield Hit("CLR004", node.value, name, whole=drop, writes=True)
            else:
                yield from _legacy_write(target.slice, node.value, drop, context)
        elif name is not None and name_words(leaf(dotted(target.value) or "")) & _ENVIRONMENT_WORDS:
            yield Hit("CLR004", node.value, name, writes=True)


_ENVIRONMENT_WORDS = frozenset({"env", "environ", "environment"})


def _legacy_write(
    variable: ast.expr,
    value: ast.expr,
    whole: Optional[Fix],
    context: Context,
    *,
    writes: bool = True,
) -> Iterator[Hit]:
    """A v1 credential written to a v1 variable (`os.environ["CLARIFAI_APP_ID"] = ...`), or
    its fallback where the code reads one (`os.getenv("CLARIFAI_APP_ID", ...)`): its name says
    `ID`, so only a value of a v1 credential's shape counts, as for a binding."""
    name = next((n for n in context.strings(variable) if is_legacy_name(n)), None)
    if name is not None:
        yield Hit("CLR004", value, name, Accept.LEGACY, whole, writes=writes)


@sink(ast.Subscript)
def pasted_name(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.environ["<key>"]`: the key pasted where the variable's name goes.

    The fix names the configured variable there, so the message does too.
    """
    assert isinstance(node, ast.Subscript)
    if context.qualname(node.value) == "os.environ":
        yield from _pasted(node.slice, context)


def _pasted(node: Optional[ast.expr], context: Context) -> Iterator[Hit]:
    """Only in a Clarifai file: elsewhere the key may be any service's."""
    text = string(node)
    if (
        node is not None
        and text is not None
        and context.clarifai_file
        and is_clarifai_key(text, legacy=context.legacy_file)
    ):
        yield Hit("CLR004", node, context.env_var, whole=Fix("name", context.span(node)))


@sink(ast.Call)
def environ_call(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.getenv(NAME, "<key>")`, `setdefault`, `putenv`, `env(NAME, default=...)`."""
    assert isinstance(node, ast.Call)
    qualname = context.qualname(node.func)
    if qualname in ENV_READS or qualname in ENV_WRITES:
        yield from _pasted(node.args[0] if node.args else None, context)
    name = context.credential_var(node.args[0] if node.args else None)
    if name is None:
        if qualname in ENV_WRITES and len(node.args) > 1:
            yield from _legacy_write(node.args[0], node.args[1], None, context)
        elif qualname in ENV_READS and len(node.args) > 1:
            read = Fix("env_read", context.span(node))
            yield from _legacy_write(node.args[0], node.args[1], read, context, writes=False)
        return
    statement = context.statements.get(id(node))
    if qualname in ENV_READS or qualname in ENV_WRITES:
        defaults = node.args[1:2] or [
            k.value for k in node.keywords if k.arg in ("default", "value")
        ]
        if not defaults:
            return
        if qualname in ENV_READS or (qualname == "os.environ.setdefault" and statement is None):
            whole: Optional[Fix] = Fix("env_read", context.span(node))
        else:
            whole = _dropped(statement, context)
        yield Hit("CLR004", defaults[0], name, whole=whole, writes=qualname in ENV_WRITES)
    elif leaf(qualname or dotted(node.func) or "") == "setenv" and len(node.args) > 1:
        # pytest's `monkeypatch.setenv(NAME, value)`: removed as `os.environ[NAME] = ...` is.
        yield Hit("CLR004", node.args[1], name, whole=_dropped(statement, context), writes=True)
    else:
        # The reader may find the value in a `.env` file that it does not export: its
        # fallback must not fail when the variable is unset.
        for keyword in node.keywords:
            if keyword.arg in _FALLBACK_KEYWORDS:
                yield Hit("CLR004", keyword.value, name, lazy=True)
        if leaf(dotted(node.func) or "") in _POSITIONAL_FALLBACK and len(node.args) > 1:
            yield Hit("CLR004", node.args[1], name, lazy=True)


@sink(ast.Call)
def environ_setitem(node: ast.AST, context: Context) -> Iterator[Hit]:
    """pytest's `monkeypatch.setitem(os.environ, NAME, "<key>")`."""
    assert isinstance(node, ast.Call)
    if leaf(dotted(node.func) or "") != "setitem" or len(node.args) < 3:
        return
    name = context.credential_var(node.args[1])
    if name is not None and context.qualname(node.args[0]) == "os.environ":
        whole = _dropped(context.statements.get(id(node)), context)
        yield Hit("CLR004", node.args[2], name, whole=whole, writes=True)


def _dropped(statement: Optional[ast.stmt], context: Context) -> Optional[Fix]:
    """The fix that removes a statement that only writes the key, if the call is one."""
    return None if statement is None else Fix("drop", context.span(statement))


@sink(ast.Call)
def env_file_write(node: ast.AST, context: Context) -> Iterator[Hit]:
    """python-dotenv's `set_key(".env", "CLARIFAI_PAT", "<key>")`, also with its parameters'
    names (`set_key(dotenv_path=..., key_to_set=..., value_to_set=...)`)."""
    assert isinstance(node, ast.Call)
    if leaf(dotted(node.func) or "") != "set_key":
        return
    variable, value = (_argument(node, index, name) for index, name in _SET_KEY)
    name = context.credential_var(variable)
    if name is not None and value is not None:
        yield Hit("CLR004", value, name, writes=True)


# `set_key(dotenv_path, key_to_set, value_to_set, ...)`: the variable's and the value's slots.
_SET_KEY = ((1, "key_to_set"), (2, "value_to_set"))


def _argument(call: ast.Call, index: int, name: str) -> Optional[ast.expr]:
    if index < len(call.args):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


@sink(ast.Call)
def environ_mapping(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.environ.update(...)`, `subprocess.run(..., env={...})`, `patch.dict(os.environ, ...)`."""
    assert isinstance(node, ast.Call)
    qualname = context.qualname(node.func)
    if qualname == "os.environ.update":
        statement = context.statements.get(id(node))
        entries = [entry for mapping in node.args[:1] for entry in _entries(mapping, context)]
        entries += [(k, k.value, _variable(k.arg, context)) for k in node.keywords]
        yield from _updated(entries, statement, context)
        return
    mappings: list[ast.expr] = []
    if leaf(dotted(node.func) or "") == "dict" and node.args:
        target = node.args[0]
        if context.qualname(target) == "os.environ" or string(target) == "os.environ":
            mappings = node.args[1:2]
            for keyword in node.keywords:
                name = _variable(keyword.arg, context)
                if name is not None:
                    yield Hit("CLR004", keyword.value, name, writes=True)
    # `env=os.environ | {...}` as `env={**os.environ, ...}`.
    mappings += [m for k in node.keywords if k.arg == "env" for m in _merged(k.value)]
    for mapping in mappings:
        for _, value, name in _entries(mapping, context):
            if name is not None:
                yield Hit("CLR004", value, name, writes=True)


@sink(ast.Dict)
def environ_copy(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`{**os.environ, "CLARIFAI_PAT": "<key>"}`: the environment of a child process, also
    where a name holds it before `subprocess.run(..., env=env)`."""
    assert isinstance(node, ast.Dict)
    spread = (v for k, v in zip(node.keys, node.values) if k is None)
    if any(context.qualname(value) == "os.environ" for value in spread):
        for _, value, name in _entries(node, context):
            if name is not None:
                yield Hit("CLR004", value, name, writes=True)


@sink(ast.AugAssign)
def environ_merged(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.environ |= {"CLARIFAI_PAT": "<key>"}`, as `os.environ.update(...)`."""
    assert isinstance(node, ast.AugAssign)
    if isinstance(node.op, ast.BitOr) and context.qualname(node.target) == "os.environ":
        entries = [entry for mapping in _merged(node.value) for entry in _entries(mapping, context)]
        yield from _updated(entries, node, context)


def _merged(value: ast.expr) -> list[ast.expr]:
    """The mappings that `a | b | c` merges, or `value` itself."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
        return _merged(value.left) + _merged(value.right)
    return [value]


# An entry that an update writes: where it stands (its key, or the keyword; None for a mapping
# that is not a display), its value, and the credential variable it writes, if any.
_Entry = tuple[Union[ast.expr, ast.keyword, None], ast.expr, Optional[str]]


def _entries(mapping: ast.expr, context: Context) -> list[_Entry]:
    if not isinstance(mapping, ast.Dict):
        return [(None, mapping, None)]
    return [
        (key, value, None if key is None else context.credential_var(key))
        for key, value in zip(mapping.keys, mapping.values)
    ]


def _variable(name: Optional[str], context: Context) -> Optional[str]:
    return name if name is not None and context.is_credential_var(name) else None


def _updated(
    entries: Sequence[_Entry], statement: Optional[ast.stmt], context: Context
) -> Iterator[Hit]:
    """The credential variables that one update writes into `os.environ`, where the variable
    then holds the key: the fix removes the statement if it writes nothing else, else each
    such entry (a variable that the code copies the key into, `OPENAI_API_KEY`, stays)."""
    dropped = []
    unknown = False
    for where, value, name in entries:
        # After `**base`, the entry wins over what `base` may hold for the variable: it stays.
        dropped.append(
            not unknown
            and where is not None
            and name is not None
            and name not in ALIAS_VARIABLES
            and literal_text(value) is not None
        )
        unknown = unknown or where is None or isinstance(where, ast.keyword) and where.arg is None
    for (where, value, name), drops in zip(entries, dropped):
        if name is None:
            continue
        if statement is not None and all(dropped):
            whole: Optional[Fix] = Fix("drop", context.span(statement))
        elif drops and isinstance(where, ast.keyword):
            whole = Fix("drop", context.span(where))
        elif drops and where is not None:
            # The entry as LibCST spans it: from its key to its value, their parentheses too.
            key = context.positions.parenthesized(context.span(where))
            end = context.positions.parenthesized(context.span(value))
            whole = Fix("drop", Span(key.line, key.col, end.end_line, end.end_col))
        else:
            whole = None
        yield Hit("CLR004", value, name, whole=whole, writes=True)


@sink(ast.Dict, ast.Call)
def name_value_pair(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A variable that a container or service is given as a name and a value: Kubernetes',
    ECS's and BentoML's `{"name": "CLARIFAI_PAT", "value": "<key>"}`,
    `V1EnvVar(name="CLARIFAI_PAT", value="<key>")`."""
    assert isinstance(node, (ast.Dict, ast.Call))
    if isinstance(node, ast.Dict):
        pairs = [(string(key), value) for key, value in zip(node.keys, node.values)]
    else:
        pairs = [(keyword.arg, keyword.value) for keyword in node.keywords]
    entries = {key.lower(): value for key, value in pairs if key is not None}
    value = entries.get("value")
    name = context.credential_var(entries.get("name"))
    if name is not None and value is not None:
        yield Hit("CLR004", value, name, writes=True)


# Flags that give a command the value of the variable or secret named before them:
# `gh secret set CLARIFAI_PAT --body <key>`.
_VALUE_FLAGS = ("--body", "-b", "--value", "--secret-string")


@sink(ast.List, ast.Tuple)
def stored_by_command(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A command that stores a key as the variable or secret named before it: `["gh", "secret",
    "set", "CLARIFAI_PAT", "--body", "<key>"]`. Only the word that the flag gives counts."""
    assert isinstance(node, (ast.List, ast.Tuple))
    words = [string(item) for item in node.elts]
    stored = _stored_value(words, context)
    if stored is not None:
        name, index = stored
        accept = Accept.KEY if words[index - 1] in _VALUE_FLAGS else Accept.EMBEDDED
        yield Hit("CLR004", node.elts[index], name, accept, writes=True)


def _stored_value(words: Sequence[Optional[str]], context: Context) -> Optional[tuple[str, int]]:
    """The credential variable a command names and the index of the word that gives its value:
    the word after a value flag (`--body <key>`), or the flag itself (`--body=<key>`)."""
    first = next((i for i, w in enumerate(words) if w and context.is_credential_var(w)), None)
    if first is None:
        return None
    name = words[first] or ""
    for index in range(first + 1, len(words)):
        flag, equals, _ = (words[index] or "").partition("=")
        if flag in _VALUE_FLAGS and (equals or index + 1 < len(words)):
            return name, index if equals else index + 1
    return None


@sink(ast.BoolOp)
def or_fallback(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`os.environ.get("CLARIFAI_PAT") or "<key>"`, also with other values between them
    (`os.getenv("CLARIFAI_PAT") or config.get("pat") or "<key>"`): the first variable read
    gives the key once it holds it."""
    assert isinstance(node, ast.BoolOp)
    if not isinstance(node.op, ast.Or):
        return
    *before, last = node.values
    names = (
        context.credential_var(value.args[0] if value.args else None)
        for value in before
        if isinstance(value, ast.Call) and context.qualname(value.func) in ENV_READS
    )
    name = next((name for name in names if name is not None), None)
    if name is not None:
        whole = Fix("env_read", context.span(node)) if len(node.values) == 2 else None
        yield Hit("CLR004", last, name, whole=whole)


@sink(ast.Call)
def shell_export(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`!export CLARIFAI_PAT=<key>` in a notebook, `os.system("export CLARIFAI_PAT=<key>")`,
    `CLARIFAI_PAT=<key> clarifai ...`."""
    assert isinstance(node, ast.Call)
    if not node.args or not is_shell_call(node, context):
        return
    for text in context.strings(node.args[0]):
        words = text.split(None, 1)
        if len(words) == 2 and words[0] == "export":
            name = words[1].partition("=")[0]
            if context.is_credential_var(name):
                # Only a command that does nothing else goes: `export X=<key> && python app.py`
                # keeps its command, reading the variable.
                statement = context.statements.get(id(node))
                alone = statement is not None and ONE_EXPORT.fullmatch(text) is not None
                drop = Fix("drop", context.span(statement)) if alone and statement else None
                yield Hit("CLR004", node.args[0], name, Accept.EMBEDDED, drop, writes=True)
                return
        if words and "=" in words[0]:
            # `CLARIFAI_PAT=<key> clarifai model predict ...`: the command's own environment.
            name = words[0].partition("=")[0]
            if context.is_credential_var(name):
                yield Hit("CLR004", node.args[0], name, Accept.EMBEDDED, writes=True)
                return


@sink(ast.Call)
def env_magic(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`get_ipython().run_line_magic("env", "CLARIFAI_PAT=<key>")`: the fix removes the line."""
    assert isinstance(node, ast.Call)
    args = magic_arguments(node, "run_line_magic", _MAGICS)
    if len(args) < 2:
        return
    for text in context.strings(args[1]):
        match = ENV_MAGIC.fullmatch(text)
        if match is not None and context.is_credential_var(match["name"]):
            statement = context.statements.get(id(node))
            drop = Fix("drop", context.span(statement)) if statement is not None else None
            yield Hit("CLR004", args[1], match["name"], Accept.EMBEDDED, drop, writes=True)
            return
