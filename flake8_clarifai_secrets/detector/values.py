"""What strings an expression can evaluate to: memoized per node and per name, and bounded.

A value is a list of templates (one per alternative); a template is a tuple of parts, each the
text of one literal (or of an unknown value), with where it came from so that a credential found
in the joined text can be reported at, and rewritten in, the literal that holds it.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple, Optional

from flake8_clarifai_secrets.credentials import (
    is_legacy_name,
    name_words,
    names_endpoint,
    points_elsewhere,
)
from flake8_clarifai_secrets.detector.providers import (
    model_provider,
    names_provider,
    rows_elsewhere,
)
from flake8_clarifai_secrets.detector.tree import (
    Scope,
    called,
    dotted,
    environ_read,
    holder_name,
    leaf,
    parameter_defaults,
    string,
)

MAX_ALTERNATIVES = 32
MAX_PARTS = 1024
# Fields of one format string or f-string: with more, its value is unknown. No credential is
# built from more pieces.
MAX_FIELDS = 64
MAX_DEPTH = 64
# Names followed from a sink back to a literal (`a = "<key>"; b = a; ...`): past this, unknown.
MAX_HOPS = 12
# Evaluation steps per file: past this every further value is unknown, so that no file can make
# the plugin hang in an editor.
BUDGET = 20_000
UNKNOWN = "\x00"
_PERCENT_SPEC = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*[0-9*]*(?:\.[0-9*]+)?[a-zA-Z%]")
_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")
_FORMAT_PART = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_TEMPLATE_FIELD = re.compile(r"\$(?:\$|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})")
_SUBSTITUTES = frozenset({"substitute", "safe_substitute"})
_DEPENDENCIES = frozenset({"Depends", "Security"})
# What a loop over a name binds its target to (`for k in KEYS`): a call no code can make.
ANY_ITEM = "<any item of>"
# What a loop over a dict's `.values()` or `.items()` gives: any value of the dicts (or item).
ANY_VALUE = "<any value of>"
# Calls that give the items of what they are given one at a time (`itertools.cycle(KEYS)`,
# then `next(...)`), as code that rotates keys does.
_ITERATORS = frozenset({"cycle", "iter"})


class Extended(ast.BinOp):
    """What `name += value` binds `name` to: any other value of `name`, then `value`
    (`auth = "Key "`, then `auth += pat`). `left` is `name`, read from the same scope."""


SAME_STRING = frozenset(
    {"strip", "lstrip", "rstrip", "encode", "decode", "get_secret_value", "resolve_value"}
)
"""Methods that give back the string they are called on (as far as a credential in it goes),
as text or bytes, or that a secret's wrapper (pydantic's `SecretStr`, Haystack's `Secret`)
holds."""
# Calls that wrap a field's default or a credential as they are given it: pydantic `Field`,
# dataclasses `field`, attrs, `SecretStr`, Haystack's `Secret.from_token`, typer's `Option` and
# `Argument` (whose first argument is the default), Kivy's `StringProperty`, Modal's
# `parameter(default=...)`, Tk's `StringVar(master, value)`, `ContextVar(name, default=...)`,
# Spark's `sc.broadcast(value)`, an HTTP auth helper (fastmcp's and httpx-auth's
# `BearerAuth(token=...)`); and base64, as a Kubernetes Secret's `data` holds its values.
_WRAPPERS = frozenset(
    {"Field", "field", "SecretStr", "Secret", "ib", "attrib", "from_token", "Option", "Argument"}
    | {"Factory"}
    | {"BearerAuth"}
    | {"StringProperty", "parameter", "StringVar", "broadcast", "ContextVar"}
    | {"b64encode", "urlsafe_b64encode", "standard_b64encode"}
)


class Lookup(NamedTuple):
    """Where a call that may give back its default has the name it looks up, if any, and the
    default's position, if it has one, and keywords; `owner`, what the method must be called
    on, if it is too common a name alone (`widgets.text`, not `draw.text`). `declares`: the call
    declares an option or a form field, so its package says nothing about whose key it holds."""

    name: Optional[int]
    default: Optional[int]
    keywords: tuple[str, ...]
    owner: Optional[str] = None
    declares: bool = False


# `config.get(key, default)`, configparser's `get(section, option, fallback=...)`,
# `os.getenv(name, default)`, `getattr(obj, name, default)`, voluptuous' `Required(name,
# default=...)` and `Optional(...)`; and form fields, which give their value until the user edits
# it: Streamlit's `text_input(label, value)`, Gradio's `Textbox(value, label=...)`, Databricks'
# `dbutils.widgets.text(name, default)`, Django's `CharField(label=..., initial=...)` and
# WTForms' `StringField(label, default=...)` and `PasswordField`, ipywidgets' `Password(value=...,
# description=...)` and `widgets.Text(...)`.
DEFAULTS: dict[str, Lookup] = {
    "get": Lookup(0, 1, ("default", "fallback", "default_var")),
    "getenv": Lookup(0, 1, ("default",)),
    "getattr": Lookup(1, 2, ()),
    "Required": Lookup(0, None, ("default",), declares=True),
    "Optional": Lookup(0, None, ("default",), declares=True),
    "text_input": Lookup(None, 1, ("value",), declares=True),
    "text_area": Lookup(None, 1, ("value",), declares=True),
    "text": Lookup(0, 1, ("defaultValue",), "widgets", declares=True),
    "Textbox": Lookup(None, 0, ("value",), declares=True),
    "CharField": Lookup(None, None, ("initial", "default"), declares=True),
    "StringField": Lookup(None, None, ("default",), declares=True),
    "PasswordField": Lookup(None, None, ("default",), declares=True),
    "Password": Lookup(None, None, ("value",), declares=True),
    "Text": Lookup(None, None, ("value",), "widgets", declares=True),
}


def declares(node: ast.Call) -> bool:
    """Whether a call in `DEFAULTS` declares an option or a form field."""
    lookup = _lookup(node)
    return lookup is not None and lookup.declares


def looked_up(node: ast.Call) -> Optional[str]:
    """The name that a call in `DEFAULTS` looks up, which says what its default is:
    `os.environ.get("POSTGRES_PASSWORD", "<hex>")`."""
    lookup = _lookup(node)
    if lookup is None or lookup.name is None or len(node.args) <= lookup.name:
        return None
    return string(node.args[lookup.name])


def is_lookup(node: ast.Call) -> bool:
    """A call in `DEFAULTS`, which gives back a value it looks up or its default."""
    return _lookup(node) is not None


def _lookup(node: ast.Call) -> Optional[Lookup]:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return DEFAULTS.get(leaf(dotted(func) or ""))
    lookup = DEFAULTS.get(func.attr)
    if lookup is not None and lookup.owner is not None:
        return lookup if leaf(dotted(func.value) or "") == lookup.owner else None
    return lookup


# `carries` does not look at owners: a lookup with one (`widgets.text`) passes nothing through.
_UNOWNED = {name for name, lookup in DEFAULTS.items() if lookup.owner is None}
_PASS_THROUGH = (
    SAME_STRING
    | _WRAPPERS
    | _UNOWNED
    | _SUBSTITUTES
    | {"format", "format_map", "str", "dict", "Template", "choice", ANY_ITEM, ANY_VALUE}
    | _ITERATORS
    | {"next"}
    | _DEPENDENCIES
)


def dict_entries(node: ast.AST) -> Optional[list[tuple[Optional[str], ast.expr]]]:
    """The (key, value) entries of a dict display, or of `dict(a=..., b=...)`; None for
    anything else. A key that is not a string is None."""
    if isinstance(node, ast.Dict):
        return [(None if k is None else string(k), v) for k, v in zip(node.keys, node.values)]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "dict"
        and not node.args
        and node.keywords
    ):
        return [(k.arg, k.value) for k in node.keywords]
    return None


_Entries = list[tuple[Optional[str], ast.expr]]


def _names_clarifai(pairs: _Entries) -> bool:
    return any("clarifai" in name_words(key or "") for key, _ in pairs)


def _beside_clarifai(pairs: _Entries) -> _Entries:
    """A dict's entries but, beside one named for Clarifai (a registry keyed by provider), those
    named for another provider (`"together"`): where the code picks one at run time, theirs
    are those providers' keys. (`{"vision": ..., "azure": ...}` names apps or teams.)"""
    if not _names_clarifai(pairs):
        return pairs
    return [(key, value) for key, value in pairs if not names_provider(key or "")]


# Entries that name a model or its provider (LiteLLM's, LangChain's).
_MODEL_KEYS = frozenset({"model", "model_provider", "custom_llm_provider"})


def _section_elsewhere(pairs: _Entries, beside_clarifai: bool) -> bool:
    """Whether a section, one of several the code picks among at run time, goes to another
    provider: its endpoint is another host's, or its model another provider's; or, beside a
    section named for Clarifai, it has an endpoint of its own that is not Clarifai's (a local
    server's)."""
    endpoints = [string(v) or "" for k, v in pairs if k is not None and names_endpoint(k)]
    if any("clarifai" in text.lower() for text in endpoints):
        return False
    if points_elsewhere(endpoints) or (beside_clarifai and any(endpoints)):
        return True
    return any(model_provider(string(value) or "") for key, value in pairs if key in _MODEL_KEYS)


# A dict entry's dotted name: `cfg.['key']`.
_ENTRY = re.compile(r"(?P<holder>.+)\.(?P<entry>\[[^][]*\])")


class Part(NamedTuple):
    """A piece of a string value: its text, the literal it was written in, and where in it.

    `offset` is None where the literal cannot be rewritten at that piece (an f-string with
    placeholders). `origin` is a `+` chain when the literal is written as several strings.
    """

    text: str
    origin: Optional[ast.expr]
    offset: Optional[int]


Template = tuple[Part, ...]
UNKNOWN_PART = Part(UNKNOWN, None, None)
_UNKNOWN: list[Template] = [(UNKNOWN_PART,)]


def joined(template: Template) -> str:
    return "".join(part.text for part in template)


# What a text may be written as: a string, an f-string, a `+` chain.
_TEXTS = frozenset({ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call})


def written_texts(node: ast.AST) -> Iterator[tuple[ast.expr, str]]:
    """The texts that a call passes, a list, tuple or dict holds, a function's parameters
    default to, or an assignment, `return` or `yield` writes, each with its node: see
    `written_text`."""
    if isinstance(node, ast.Call):
        values = [*node.args, *(keyword.value for keyword in node.keywords)]
    elif isinstance(node, (ast.List, ast.Tuple)):
        values = node.elts
    elif isinstance(node, ast.Dict):
        values = node.values
    elif isinstance(node, ast.arguments):
        values = [*node.defaults, *(d for d in node.kw_defaults if d is not None)]
    else:
        assert isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return, ast.Yield))
        values = [] if node.value is None else [node.value]
    for value in values:
        text = written_text(value) if type(value) in _TEXTS else None
        if text is not None:
            yield value, text


def written_text(value: ast.expr) -> Optional[str]:
    """The text written in a string, f-string or `+` chain itself, or in the format string of
    `%`, `.format(...)` or `Template(...).substitute(...)`, `\\0` standing for each part it
    reads: what a node says without evaluating names, which would spend the file's evaluation
    budget where every call or assignment is asked."""
    text = literal_text(value)
    if text is not None:
        return text
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod):
        text = literal_text(value.left)
        return None if text is None else _PERCENT_SPEC.sub(_marked_field, text)
    if isinstance(value, ast.Call):
        func = value.func
        if not isinstance(func, ast.Attribute):
            return None
        if func.attr == "format":
            text = literal_text(func.value)
            return None if text is None else _FORMAT_PART.sub(_marked_field, text)
        made = func.value
        if func.attr in _SUBSTITUTES and isinstance(made, ast.Call) and made.args:
            # `string.Template("CLARIFAI_PAT=$pat").substitute(pat=...)`
            text = (
                literal_text(made.args[0]) if leaf(dotted(made.func) or "") == "Template" else None
            )
            return None if text is None else _TEMPLATE_FIELD.sub(_marked_field, text)
        return None
    if isinstance(value, ast.JoinedStr):
        parts = value.values
    else:
        # A `+` chain nests to the left: `(a + b) + c`.
        parts = []
        while isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            parts[:0] = [value.right]
            value = value.left
        if not parts:
            return None
        parts[:0] = [value]
        # An f-string in the chain is written out too: `f"https://host/?q={q}&key=" + key`.
        parts = [
            p for part in parts for p in (part.values if type(part) is ast.JoinedStr else [part])
        ]
    return "\0".join(string(part) or "" for part in parts)


def _marked_field(match: re.Match[str]) -> str:
    """`\\0` for a format field; the character for an escape (`%%`, `{{`)."""
    return _ESCAPES.get(match[0], "\0")


_ESCAPES = {"%%": "%", "{{": "{", "}}": "}", "$$": "$"}


def literal_text(node: ast.expr) -> Optional[str]:
    """The text of a literal: a string, an f-string without placeholders, or a `+` chain of them."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        texts = [string(value) for value in node.values]
        return None if None in texts else "".join(t or "" for t in texts)
    chain: list[str] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        right = string(node.right)
        if right is None:
            return None
        chain.append(right)
        node = node.left
    first = string(node) if chain else None
    return None if first is None else first + "".join(reversed(chain))


def binary_text(node: ast.expr) -> Optional[str]:
    """The text of a bytes literal, a character per byte (`b"Key <key>"`, as `base64.b64encode`
    and HTTP headers take it)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return node.value.decode("latin-1")
    return None


def _product(pieces: Sequence[list[Template]]) -> list[Template]:
    """Every way to pick one template per piece, joined; at most `MAX_ALTERNATIVES`, and
    fewer for long templates, so that a wide format string costs about its width."""
    parts = sum(len(piece[0]) for piece in pieces)
    most = max(1, min(MAX_ALTERNATIVES, MAX_PARTS // max(1, parts)))
    combos = itertools.islice(itertools.product(*pieces), most)
    return [tuple(itertools.chain.from_iterable(combo)) for combo in combos]


class Values:
    """Evaluates expressions of one file; `bindings(name)` gives the values bound to a name."""

    def __init__(
        self,
        bindings: Callable[[str, Scope], Sequence[tuple[ast.expr, Scope]]],
        is_credential_var: Callable[[str], bool],
    ) -> None:
        self._bindings = bindings
        self._is_credential_var = is_credential_var
        self._nodes: dict[int, list[Template]] = {}
        self._names: dict[tuple[str, int], list[Template]] = {}
        self._active: set[tuple[str, int]] = set()
        # Entry names whose holders are being looked through: `cfg = cfg["x"]` loops.
        self._looking: set[tuple[str, int]] = set()
        self._steps = 0
        self._depth = 0
        self._hops = 0
        # How often a limit cut an evaluation short: what it cut depends on where the
        # evaluation started, so such results are not kept.
        self._cuts = 0

    def of(self, node: ast.expr, scope: Scope) -> list[Template]:
        """Every string `node`, in `scope`, may evaluate to; `UNKNOWN` stands for unknown text."""
        if type(node) is ast.Name:
            return self._name(node.id, scope)
        known = self._nodes.get(id(node))
        if known is not None:
            return known
        if self._depth >= MAX_DEPTH or self._steps >= BUDGET:
            self._cuts += 1
            return _UNKNOWN
        self._steps += 1
        self._depth += 1
        cuts = self._cuts
        try:
            known = self._evaluate(node, scope)
        finally:
            self._depth -= 1
        if cuts == self._cuts:
            self._nodes[id(node)] = known
        return known

    def strings(self, node: ast.expr, scope: Scope) -> Iterator[str]:
        """The fully known strings that `node` may evaluate to."""
        if type(node) is ast.Constant:
            if isinstance(node.value, str) and UNKNOWN not in node.value:
                yield node.value
            return
        for template in self.of(node, scope):
            text = joined(template)
            if UNKNOWN not in text:
                yield text

    def _evaluate(self, node: ast.expr, scope: Scope) -> list[Template]:
        if type(node) is Extended:
            return self._extended(node, scope)
        if isinstance(node, ast.Constant):
            text = node.value if isinstance(node.value, str) else binary_text(node)
            return _UNKNOWN if text is None else [(Part(text, node, 0),)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            chain = literal_text(node)
            if chain is not None:
                return [(Part(chain, node, 0),)]
            return _product([self.of(node.left, scope), self.of(node.right, scope)])
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self._percent(node, scope)
        if isinstance(node, ast.Call):
            return self._call(node, scope)
        if isinstance(node, ast.NamedExpr):
            return self.of(node.value, scope)
        if isinstance(node, ast.IfExp):
            # Which one is not known: a name that says another provider holds its key
            # (`args.clarifai_pat if ... else args.together_key`).
            names = [leaf(dotted(value) or "") for value in (node.body, node.orelse)]
            beside = any("clarifai" in name_words(name) for name in names)
            chosen = [
                value
                for value, name in zip((node.body, node.orelse), names)
                if not (beside and names_provider(name))
            ]
            return self._either(chosen, scope) or _UNKNOWN
        if isinstance(node, ast.BoolOp):
            # `os.getenv("CLARIFAI_PAT") or "<key>"` is the variable's fallback, which CLR004
            # reports and rewrites as a whole.
            if any(self._reads_credential_var(value) for value in node.values):
                return _UNKNOWN
            return self._either(node.values, scope)
        if self._reads_credential_var(node):
            return _UNKNOWN
        if isinstance(node, ast.Attribute) and node.attr == "value":
            # An `Enum` member's value (`ClarifaiAuth.PROD.value`, where `PROD = "<key>"`), or
            # a Spark broadcast's (`sc.broadcast("<key>").value`).
            member = dotted(node.value)
            bound = self._bindings(member, scope) if member is not None else []
            if bound and all(string(unwrapped(value)) is not None for value, _ in bound):
                return self._either([unwrapped(value) for value, _ in bound], scope)
        name = dotted(node)
        if name is not None:
            return self._name(name, scope)
        if isinstance(node, ast.Subscript) and string(node.slice) is None:
            index = node.slice.value if isinstance(node.slice, ast.Constant) else None
            return self._any_entry(node.value, scope, index if isinstance(index, int) else None)
        return _UNKNOWN

    def _any_entry(
        self,
        mapping: ast.expr,
        scope: Scope,
        index: Optional[int] = None,
        *,
        items: bool = False,
        element: Optional[int] = None,
    ) -> list[Template]:
        """`KEYS[env]`: any value of the dicts, or item of the lists and tuples, written for
        `KEYS`, as which one is not known here; `KEYS[0]`: that item; with `items` (`for k in
        KEYS`, `random.choice(KEYS)`), any item of the lists and tuples only; with `element`
        (`for env, k in KEYS`), that element of each item that is a tuple or list."""
        # Also what a getter of the file's own returns: `creds()[1]`, as `USER_ID, PAT =
        # creds()` unpacks it.
        holder = holder_name(mapping)
        if isinstance(mapping, (ast.Dict, ast.List, ast.Tuple)):
            # `{"dev": "<key>", "prod": "<key>"}[ENV]`, read where it is written.
            displays: Sequence[tuple[ast.expr, Scope]] = [(mapping, scope)]
        elif holder is not None:
            displays = self._displays(holder, scope)
        else:
            return _UNKNOWN
        found: list[Template] = []
        for display, where in displays:
            if isinstance(display, ast.Call) and leaf(dotted(display.func) or "") in _ITERATORS:
                # `_cycle = itertools.cycle(KEYS)`, then `next(_cycle)`.
                found += [t for t in self.of(display, where) if t != (UNKNOWN_PART,)]
                continue
            pairs = dict_entries(display)
            if pairs is not None and not items:
                # Which entry is not known: beside one named for Clarifai, one named for another
                # provider holds its key.
                entries = [value for _, value in _beside_clarifai(pairs)]
            elif isinstance(display, (ast.List, ast.Tuple)):
                entries = [item for item in display.elts if not isinstance(item, ast.Starred)]
                if index is not None:
                    # After a `*rest`, no position is known.
                    fixed = len(entries) == len(display.elts)
                    entries = (
                        [entries[index]] if fixed and -len(entries) <= index < len(entries) else []
                    )
            else:
                continue
            if element is not None:
                rows = [
                    e.elts
                    for e in entries
                    if isinstance(e, (ast.Tuple, ast.List)) and element < len(e.elts)
                ]
                elsewhere = rows_elsewhere(rows, element)
                entries = [row[element] for row, away in zip(rows, elsewhere) if not away]
            for entry in entries:
                found += [t for t in self.of(entry, where) if t != (UNKNOWN_PART,)]
        return found[:MAX_ALTERNATIVES] or _UNKNOWN

    def _name(self, name: str, scope: Scope) -> list[Template]:
        key = (name, id(scope))
        known = self._names.get(key)
        if known is not None:
            return known
        if key in self._active:
            # What a cycle cuts depends on where the evaluation entered it.
            self._cuts += 1
            return _UNKNOWN
        if self._hops >= MAX_HOPS:
            self._cuts += 1
            return _UNKNOWN
        self._active.add(key)
        self._hops += 1
        cuts = self._cuts
        try:
            found: list[Template] = []
            for value, where in self._bindings(name, scope):
                found += [t for t in self.of(value, where) if t != (UNKNOWN_PART,)]
                if len(found) >= MAX_ALTERNATIVES:
                    break
            if not found and _ENTRY.fullmatch(name):
                # `cfg["key"]` where `cfg` holds a dict that the file writes elsewhere:
                # `for app, cfg in APPS.items()`, `cfg = APPS["catalog"]`, `cfg["keys"]["prod"]`.
                for value, where in self._displays(name, scope):
                    found += [t for t in self.of(value, where) if t != (UNKNOWN_PART,)]
        finally:
            self._active.discard(key)
            self._hops -= 1
        found = found[:MAX_ALTERNATIVES] or _UNKNOWN
        if cuts == self._cuts:
            self._names[key] = found
        return found

    def _displays(self, name: str, scope: Scope) -> list[tuple[ast.expr, Scope]]:
        """What a dotted name is bound to; for a dict's entry that none binds (`cfg.['key']`),
        that entry of the dicts its holder may be (see `_entry_values`)."""
        bound = list(self._bindings(name, scope))
        entry = _ENTRY.fullmatch(name)
        if bound or entry is None or (name, id(scope)) in self._looking:
            return bound
        if self._steps >= BUDGET:
            self._cuts += 1
            return bound
        self._steps += 1
        self._looking.add((name, id(scope)))
        try:
            return [
                pair
                for value, where in self._displays(entry["holder"], scope)
                for pair in self._entry_values(value, entry["entry"], where)
            ][:MAX_ALTERNATIVES]
        finally:
            self._looking.discard((name, id(scope)))

    def _entry_values(
        self,
        holder: ast.expr,
        entry: str,
        scope: Scope,
        *,
        chosen: bool = False,
        beside_clarifai: bool = False,
    ) -> list[tuple[ast.expr, Scope]]:
        """The values of the entry `entry` (as `dotted` spells it: `['key']`) of the dicts that
        `holder` may be: a dict display or `dict(...)`, any value or item of a name's (a loop's),
        or a name's entry. Of a dict `chosen` at run time among several, not one whose other
        entries say that it goes to another provider (`{"base_url":
        "https://api.together.xyz/v1", ...}`), nor, `beside_clarifai` (a section named for
        Clarifai), one with an endpoint of its own that is not Clarifai's (a local server's)."""
        pairs = dict_entries(holder)
        if pairs is not None:
            if chosen and _section_elsewhere(pairs, beside_clarifai):
                return []
            return [
                (value, scope) for key, value in pairs if key is not None and f"[{key!r}]" == entry
            ]
        mapping: Optional[ast.expr] = None
        # Any value of a dict or item of a list: a loop's (`for cfg in APPS.values()`), or a
        # lookup's that is not known here (`svc = SERVICES[provider]`).
        items_only = False
        if isinstance(holder, ast.Subscript) and string(holder.slice) is None:
            mapping = holder.value
        elif (
            isinstance(holder, ast.Call)
            and isinstance(holder.func, ast.Name)
            and holder.func.id in (ANY_VALUE, ANY_ITEM)
            and holder.args
            and (holder.func.id == ANY_VALUE or len(holder.args) == 1)
        ):
            mapping, items_only = holder.args[0], holder.func.id == ANY_ITEM
        if mapping is not None:
            name = dotted(mapping)
            displays = [(mapping, scope)] if name is None else self._displays(name, scope)
            found = []
            for display, where in displays:
                section = dict_entries(display)
                beside = False
                if section is not None and not items_only:
                    items = [value for _, value in _beside_clarifai(section)]
                    beside = _names_clarifai(section)
                elif isinstance(display, (ast.List, ast.Tuple)):
                    items = list(display.elts)
                else:
                    items = []
                for item in items:
                    found += self._entry_values(
                        item, entry, where, chosen=True, beside_clarifai=beside
                    )
            return found
        name = dotted(holder)
        return [] if name is None else self._displays(f"{name}.{entry}", scope)

    def _extended(self, node: Extended, scope: Scope) -> list[Template]:
        name = dotted(node.left)
        assert name is not None
        earlier: list[Template] = []
        for value, where in self._bindings(name, scope):
            if type(value) is not Extended:
                earlier += [t for t in self.of(value, where) if t != (UNKNOWN_PART,)]
        return _product([earlier[:MAX_ALTERNATIVES] or _UNKNOWN, self.of(node.right, scope)])

    def _fstring(self, node: ast.JoinedStr, scope: Scope) -> list[Template]:
        if sum(type(value) is not ast.Constant for value in node.values) > MAX_FIELDS:
            return _UNKNOWN
        pieces: list[list[Template]] = []
        offset = 0
        placeholders = False
        for value in node.values:
            text = string(value)
            if text is not None:
                pieces.append([(Part(text, node, offset),)])
                offset += len(text)
                continue
            placeholders = True
            if (
                isinstance(value, ast.FormattedValue)
                and value.format_spec is None
                and value.conversion in (-1, ord("s"))
            ):
                pieces.append(self.of(value.value, scope))
            else:
                pieces.append(_UNKNOWN)
        templates = _product(pieces)
        if not placeholders:
            return templates
        # An f-string with placeholders: its own text can be reported, not rewritten.
        return [
            tuple(p._replace(offset=None) if p.origin is node else p for p in template)
            for template in templates
        ]

    def _percent(self, node: ast.BinOp, scope: Scope) -> list[Template]:
        right = node.right
        mapping = _keyed(right) if isinstance(right, ast.Dict) else None

        def fields(text: str) -> Optional[list[_Filled]]:
            if text.count("%") > MAX_FIELDS:
                return None
            args = iter(right.elts if isinstance(right, ast.Tuple) else [right])
            found: list[_Filled] = []
            for spec in _PERCENT_SPEC.finditer(text):
                if spec.group() == "%%":
                    found.append((spec, [(Part("%", None, None),)]))
                    continue
                if not spec.group().endswith("s"):
                    return None
                arg = mapping.get(spec.group(1)) if mapping is not None else next(args, None)
                found.append((spec, _UNKNOWN if arg is None else self.of(arg, scope)))
            return found

        return self._filled(node.left, scope, fields)

    def _filled(
        self, fmt: ast.expr, scope: Scope, fields: Callable[[str], Optional[list[_Filled]]]
    ) -> list[Template]:
        """Each format string that `fmt` is (see `_formats`) with its fields, as `fields` reads
        them from its text, filled in; unknown where `fields` cannot read one."""
        found: list[Template] = []
        for part in self._formats(fmt, scope):
            filled = fields(part.text)
            if filled is None:
                return _UNKNOWN
            found += self._fill(part, filled)
        return found[:MAX_ALTERNATIVES] or _UNKNOWN

    def _formats(self, node: ast.expr, scope: Scope) -> list[Part]:
        """The format strings that `node` is: a literal, or the literals a name is bound to
        (`AUTH = "Key {}"`, then `AUTH.format(key)`); none if any is not a whole literal."""
        text = string(node)
        if text is not None:
            return [Part(text, node, 0)]
        if dotted(node) is None and type(node) is not ast.JoinedStr:
            return []
        parts = []
        # A name's literals, or those an f-string's value is (`f"{AUTH}".format(key)`).
        for template in self.of(node, scope):
            part = template[0]
            if len(template) > 1 or part.origin is None or part.offset is None:
                return []
            parts.append(part)
        return parts

    def _either(self, nodes: Sequence[ast.expr], scope: Scope) -> list[Template]:
        return [t for node in nodes for t in self.of(node, scope)][:MAX_ALTERNATIVES]

    def _reads_credential_var(self, node: ast.expr) -> bool:
        """`os.environ["CLARIFAI_PAT"]`, `os.getenv("CLARIFAI_PAT", ...)`: what the code writes
        there or gives as the fallback is CLR004's, which removes the write or rewrites the read
        as a whole, so the variable keeps its one value."""
        variable = environ_read(node)
        if variable is None:
            return False
        # A v1 credential's variable read with its fallback (`os.getenv("CLARIFAI_APP_ID",
        # "<v1 id>")`): CLR004's too, where the fallback has a v1 credential's shape.
        legacy = isinstance(node, ast.Call) and len(node.args) == 2 and is_legacy_name(variable)
        return legacy or self._is_credential_var(variable)

    def default_of(self, node: ast.Call) -> Optional[ast.expr]:
        """The default that a call in `DEFAULTS` may give back, if it has one."""
        lookup = _lookup(node)
        if lookup is None or self._reads_credential_var(node):
            return None
        for argument in node.keywords:
            if argument.arg in lookup.keywords:
                return argument.value
        position = lookup.default
        return node.args[position] if position is not None and len(node.args) > position else None

    def _call(self, node: ast.Call, scope: Scope) -> list[Template]:
        default = self.default_of(node)
        if default is not None:
            return self._either([default], scope)
        func = node.func
        if leaf(dotted(func) or "") in _WRAPPERS:
            inner = wrapped(node)
            return _UNKNOWN if inner is None else self.of(inner, scope)
        if isinstance(func, ast.Name) and func.id == "str" and len(node.args) == 1:
            return self.of(node.args[0], scope)
        if leaf(dotted(func) or "") in _DEPENDENCIES and node.args:
            # FastAPI's `Depends(get_pat)` gives what `get_pat()` returns.
            provider = node.args[0]
            return (
                self._name(provider.id + "()", scope)
                if isinstance(provider, ast.Name)
                else _UNKNOWN
            )
        if isinstance(func, ast.Name) and func.id == ANY_ITEM and node.args:
            marked = node.args[1] if len(node.args) > 1 else None
            element = marked.value if isinstance(marked, ast.Constant) else None
            assert element is None or isinstance(element, int)
            return self._any_entry(node.args[0], scope, items=True, element=element)
        if isinstance(func, ast.Name) and func.id == ANY_VALUE and len(node.args) == 1:
            return self._any_entry(node.args[0], scope)
        if isinstance(func, ast.Name) and func.id == "next" and node.args:
            return self._any_entry(node.args[0], scope, items=True)
        if leaf(dotted(func) or "") in _ITERATORS and len(node.args) == 1:
            return self._any_entry(node.args[0], scope, items=True)
        if isinstance(func, ast.Name):
            # A getter of the file's own: `def get_pat(): return "<key>"` binds `get_pat()`,
            # as does `def pat_for(env)` whose every return gives a string written there.
            return self._name(func.id + "()", scope)
        if not isinstance(func, ast.Attribute):
            return _UNKNOWN
        if func.attr in SAME_STRING and not node.keywords:
            return self.of(func.value, scope)
        if func.attr == "get" and not node.args and not node.keywords:
            # What a Tk variable or a `ContextVar` holds: `pat_var.get()`.
            return self.of(func.value, scope)
        if func.attr == "choice" and len(node.args) == 1:
            # `random.choice(KEYS)`, as code that rotates keys picks one.
            return self._any_entry(node.args[0], scope, items=True)
        if func.attr == "join":
            return self._join(func.value, node, scope)
        if func.attr == "format":
            if type(func.value) is ast.JoinedStr:
                # `f"Key {PAT}".format(...)`: where the f-string's value writes no brace,
                # `.format` leaves it as it is.
                values = self.of(func.value, scope)
                if not any("{" in joined(t) or "}" in joined(t) for t in values):
                    return values
            keywords: _Fields = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    keywords.update(self._unpacked(keyword.value, scope))
                else:
                    keywords[keyword.arg] = (keyword.value, scope)
            return self._format(func.value, node.args, keywords, scope)
        if func.attr == "format_map" and len(node.args) == 1:
            mapping = node.args[0]
            if isinstance(mapping, ast.Dict):
                return self._format(func.value, [], _entries(mapping, scope), scope)
        if func.attr in _SUBSTITUTES:
            return self._substitute(func.value, node, scope)
        return _UNKNOWN

    def _format(
        self, fmt: ast.expr, args: Sequence[ast.expr], keywords: _Fields, scope: Scope
    ) -> list[Template]:
        def fields(text: str) -> Optional[list[_Filled]]:
            if "{{" in text or "}}" in text or text.count("{") > MAX_FIELDS:
                return None
            found: list[_Filled] = []
            auto = 0
            for match in _FORMAT_FIELD.finditer(text):
                name = match.group(1)
                if name == "":
                    name, auto = str(auto), auto + 1
                if name.isdecimal():
                    # An index, as `str.format` reads one; none that long has an argument.
                    position = int(name) if len(name) < 10 else len(args)
                    value = (args[position], scope) if position < len(args) else None
                else:
                    value = keywords.get(name)
                found.append((match, self._field(value)))
            return found

        return self._filled(fmt, scope, fields)

    def _field(self, value: Optional[tuple[ast.expr, Scope]]) -> list[Template]:
        return _UNKNOWN if value is None else self.of(*value)

    def _unpacked(self, mapping: ast.expr, scope: Scope) -> _Fields:
        """The entries of `**mapping`: a dict display, or the one a name is bound to, each
        with the scope it is evaluated in."""
        name = dotted(mapping)
        if name is not None:
            bound = self._bindings(name, scope)
            if len(bound) == 1:
                mapping, scope = bound[0]
        return _entries(mapping, scope) if isinstance(mapping, ast.Dict) else {}

    def _substitute(self, template: ast.expr, node: ast.Call, scope: Scope) -> list[Template]:
        """`string.Template("Key $pat").substitute(pat=key)`, or given a dict display; the
        template may be bound to a name."""
        name = dotted(template)
        where = scope
        if name is not None:
            bound = self._bindings(name, scope)
            if len(bound) != 1:
                return _UNKNOWN
            template, where = bound[0]
        if not (
            isinstance(template, ast.Call)
            and leaf(dotted(template.func) or "") == "Template"
            and len(template.args) == 1
            and not template.keywords
        ):
            return _UNKNOWN
        mapping: _Fields = {}
        if node.args:
            if len(node.args) > 1 or not isinstance(node.args[0], ast.Dict):
                return _UNKNOWN
            mapping = _entries(node.args[0], scope)
        mapping.update((k.arg, (k.value, scope)) for k in node.keywords if k.arg)

        def fields(text: str) -> Optional[list[_Filled]]:
            if text.count("$") > MAX_FIELDS:
                return None
            found: list[_Filled] = []
            for match in _TEMPLATE_FIELD.finditer(text):
                if match.group() == "$$":
                    found.append((match, [(Part("$", None, None),)]))
                else:
                    name = match.group(1) or match.group(2)
                    found.append((match, self._field(mapping.get(name))))
            return found

        return self._filled(template.args[0], where, fields)

    def _join(self, separator: ast.expr, node: ast.Call, scope: Scope) -> list[Template]:
        """`" ".join(["Key", key])`: a list or tuple display joined by a literal."""
        text = string(separator)
        items = _joined_items(node)
        if text is None or not items or len(items) > MAX_FIELDS:
            return _UNKNOWN
        between: list[Template] = [(Part(text, separator, 0),)]
        pieces: list[list[Template]] = []
        for item in items:
            pieces += [between, self.of(item, scope)]
        return _product(pieces[1:])

    @staticmethod
    def _fill(fmt: Part, fields: Iterable[_Filled]) -> list[Template]:
        """The format string `fmt` with each field's span replaced by that field's values."""
        text, origin, base = fmt
        assert base is not None
        pieces: list[list[Template]] = []
        position = 0
        for match, templates in fields:
            between = Part(text[position : match.start()], origin, base + position)
            pieces += [[(between,)], templates]
            position = match.end()
        pieces.append([(Part(text[position:], origin, base + position),)])
        return _product(pieces)


# A format string's named fields: each one's value, and the scope it is evaluated in.
_Fields = dict[Optional[str], tuple[ast.expr, Scope]]
# A field's place in a format string, and the values that fill it.
_Filled = tuple[re.Match[str], list[Template]]


def _entries(node: ast.Dict, scope: Scope) -> _Fields:
    return {name: (value, scope) for name, value in _keyed(node).items()}


def _keyed(node: ast.Dict) -> dict[Optional[str], ast.expr]:
    return {string(key): value for key, value in zip(node.keys, node.values) if key is not None}


# Calls that declare a default that their framework replaces with what it reads (the command
# line, the environment, a `.env` file): typer's options and pydantic's fields, whose default
# they wrap; and `argparse`, `click` and pytest options, which take it as `default=`.
DECLARED = frozenset({"Option", "Argument", "Field"})
# Those that take `...` for a value that must be given: typer's, and pydantic's (so also
# pydantic-settings' fields).
REQUIRED_BY_ELLIPSIS = frozenset(
    {"typer.Option", "typer.Argument", "typer.params.Option", "typer.params.Argument"}
    | {"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field"}
)
OPTIONS = frozenset({"add_argument", "option", "Option", "argument", "addoption"})


def declared_default(call: ast.Call) -> Optional[ast.expr]:
    """The default of an `argparse` or `click` option, a typer `Option` or a pydantic `Field`,
    which Python evaluates when it is declared, even where the value comes from elsewhere."""
    callee = leaf(dotted(call.func) or "")
    if callee in DECLARED:
        return wrapped(call)
    if callee not in OPTIONS:
        return None
    return next((k.value for k in call.keywords if k.arg == "default"), None)


def declared_defaults_of(call: ast.Call) -> list[ast.expr]:
    """Every default that a call declares: its one (see `declared_default`), or each that
    argparse's `parser.set_defaults(pat=..., ...)` gives."""
    if isinstance(call.func, ast.Attribute) and call.func.attr == "set_defaults":
        return [k.value for k in call.keywords if k.arg is not None]
    default = declared_default(call)
    return [] if default is None else [default]


def settings_defaults(definition: ast.ClassDef) -> list[tuple[ast.expr, ast.expr]]:
    """The defaults of a pydantic-settings class's fields (`clarifai_pat: str = "<key>"` in a
    class derived from `BaseSettings`), which the settings read from the environment or `.env`
    first: each with the value it stands in (`Field("<key>")`). Not a `ClassVar`, which is no
    field, nor what a factory makes (`Field(default_factory=lambda: "<key>")`), which the
    settings call only where they read nothing."""
    if not is_settings_class(definition):
        return []
    return [
        (unwrapped(statement.value), statement.value)
        for statement in definition.body
        if isinstance(statement, ast.AnnAssign)
        and statement.value is not None
        and not _class_variable(statement.annotation)
        and not (isinstance(statement.value, ast.Call) and _factory(statement.value))
    ]


def _class_variable(annotation: ast.expr) -> bool:
    held = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return leaf(dotted(held) or "") == "ClassVar"


def _factory(call: ast.Call) -> Optional[ast.expr]:
    """What a call is given to make its default: `field(default_factory=...)`, attrs'
    `field(factory=...)` and `Factory(...)`."""
    if leaf(dotted(call.func) or "") == "Factory" and call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg in _FACTORY_KEYWORDS), None)


def is_settings_class(definition: ast.ClassDef) -> bool:
    """A class derived from pydantic-settings' `BaseSettings`."""
    return any(leaf(dotted(base) or "") == "BaseSettings" for base in definition.bases)


def unwrapped(value: ast.expr) -> ast.expr:
    """What wrappers wrap: `Field(default="<key>")`, `Field(default=SecretStr("<key>"))`."""
    while isinstance(value, ast.Call):
        inner = wrapped(value)
        if inner is None:
            break
        value = inner
    return value


def declared_defaults(arguments: ast.arguments) -> list[tuple[ast.expr, ast.Call]]:
    """The defaults of parameters annotated `Annotated[str, typer.Option(...)]`, each with the
    call that declares it: typer (or pydantic) replaces them with what it reads, but Python
    evaluates them all the same."""
    declared = []
    for arg, default in parameter_defaults(arguments):
        call = _declaring(arg.annotation)
        if call is not None:
            declared.append((default, call))
    return declared


def _declaring(annotation: Optional[ast.expr]) -> Optional[ast.Call]:
    if not isinstance(annotation, ast.Subscript) or leaf(dotted(annotation.value) or "") != (
        "Annotated"
    ):
        return None
    items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
    return next(
        (
            item
            for item in items
            if isinstance(item, ast.Call) and leaf(dotted(item.func) or "") in DECLARED
        ),
        None,
    )


def wrapped(call: ast.Call) -> Optional[ast.expr]:
    """What a wrapper call (`Field(default=x)`, `SecretStr(x)`) wraps, if it wraps anything;
    or what the lambda it is given to make its default returns (`field(default_factory=lambda:
    x)`, attrs' `Factory(lambda: x)`)."""
    callee = leaf(dotted(call.func) or "")
    if callee not in _WRAPPERS:
        return None
    factory = _factory(call)
    if factory is not None:
        return factory.body if isinstance(factory, ast.Lambda) and not _takes(factory) else None
    inner = next((k.value for k in call.keywords if k.arg in _DEFAULT_KEYWORDS), None)
    position = _DEFAULT_POSITIONS.get(callee, 0)
    return inner if inner is not None or len(call.args) <= position else call.args[position]


def _takes(function: ast.Lambda) -> bool:
    given = function.args
    return bool(given.posonlyargs or given.args or given.vararg or given.kwonlyargs)


# Dagster's `Field(StringSource, default_value=...)` names its default so; Tk, `value`;
# `BearerAuth`, `token`.
_DEFAULT_KEYWORDS = frozenset({"default", "default_value", "value", "token"})
_DEFAULT_POSITIONS = {"StringVar": 1, "ContextVar": 1}
_FACTORY_KEYWORDS = frozenset({"default_factory", "factory"})


def _joined_items(call: ast.Call) -> Optional[list[ast.expr]]:
    """The items that `sep.join(...)` joins, where its one argument displays them."""
    if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], (ast.List, ast.Tuple)):
        return None
    items = call.args[0].elts
    return None if any(isinstance(item, ast.Starred) for item in items) else items


def carries(value: ast.expr) -> bool:
    """Whether a string, or a name's value, may pass through `value` unchanged: a cheap
    over-approximation of what `Values` follows, used to decide which names to follow."""
    todo = [value]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (str, bytes)):
                return True
        elif isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            if dotted(node) is not None:
                return True
            if isinstance(node, ast.Subscript):
                todo.append(node.value)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and not node.args and not node.keywords:
                # A getter of the file's own, which `Values` reads as a name.
                return True
            if isinstance(func, ast.Attribute) and func.attr == "join":
                todo += _joined_items(node) or []
            name = called(func)
            if name is not None and name.rpartition(".")[2] in _PASS_THROUGH:
                todo += [*node.args, *(k.value for k in node.keywords)]
                if isinstance(func, ast.Attribute):
                    todo.append(func.value)
        elif isinstance(
            node,
            (ast.JoinedStr, ast.FormattedValue, ast.BinOp, ast.BoolOp, ast.IfExp, ast.Dict)
            + (ast.List, ast.Tuple),
        ):
            # A list's or tuple's item is read through its name too (`KEYS[0]`).
            todo += [n for n in ast.iter_child_nodes(node) if isinstance(n, ast.expr)]
        elif isinstance(node, ast.Lambda):
            # What a wrapper's factory returns: `field(default_factory=lambda: "<key>")`.
            todo.append(node.body)
    return False
