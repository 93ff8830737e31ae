"""CLR005: a key bound to a Clarifai credential name, wherever code binds one.

Assignments (also unpacked and annotated), class and dataclass fields, `Field(default=...)`,
parameter defaults, what a function named for the key returns (a pytest fixture
`clarifai_pat`), arguments to the file's own functions and classes, keyword arguments, dict
entries, `argparse` and `click` options. A generic name (`PAT`, `API_KEY`, `token`) counts in a
file with Clarifai context, unless the call it is given to goes to another service; a name that
says `ID` (`CLARIFAI_APP_ID`) counts only for a legacy v1 credential, and so do the v1 API's OAuth
parameters (`client_id`, `client_secret`) in a file that names that API.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Optional

from flake8_clarifai_secrets.credentials import (
    ENDPOINT_WORDS,
    URL_HOST,
    holds_another_service,
    is_credential_name,
    is_legacy_name,
    is_v1_parameter,
    labels,
    name_words,
    names_another_credential,
    names_another_service,
    names_endpoint,
    names_something_else,
    points_elsewhere,
)
from flake8_clarifai_secrets.detector.context import (
    ALIAS_VARIABLES,
    OPENAI_ENDPOINT_NAMES,
    Context,
    written_to,
)
from flake8_clarifai_secrets.detector.endpoints import (
    models_elsewhere,
    pointed_elsewhere,
    section_elsewhere,
)
from flake8_clarifai_secrets.detector.providers import model_provider
from flake8_clarifai_secrets.detector.scopes import (
    PROPERTIES,
    bound_pairs,
    named_tuple_defaults,
    parametrized,
    set_attribute,
)
from flake8_clarifai_secrets.detector.services import of_another_service
from flake8_clarifai_secrets.detector.sinks import Accept, Hit, sink
from flake8_clarifai_secrets.detector.sinks.clarifai import placed_in_slot
from flake8_clarifai_secrets.detector.tree import (
    arguments,
    called,
    decorated,
    dotted,
    holder_name,
    leaf,
    string,
)
from flake8_clarifai_secrets.detector.values import (
    OPTIONS,
    binary_text,
    declared_default,
    declares,
    dict_entries,
    is_lookup,
    literal_text,
    unwrapped,
    written_text,
    written_texts,
)


def _accept(name: str, context: Context) -> Optional[Accept]:
    """Which credentials a binding to `name` reports, if any."""
    words = leaf(name).strip("[]'\"")
    if is_credential_name(words, clarifai_file=False) or (
        context.legacy_file and is_v1_parameter(words)
    ):
        return Accept.KEY
    if is_credential_name(words, clarifai_file=context.clarifai_file):
        # `SECRET_KEY`, `token`: only a 32-hex value, not a Flask secret of the v1 shape.
        return Accept.HEX
    if words == context.env_var:
        return Accept.KEY
    if is_legacy_name(words):
        return Accept.LEGACY
    return None


def _generic(accept: Optional[Accept], name: str) -> bool:
    """Whether a name that `accept`s a key says no more than that it is a credential: `api_key`,
    `token`, or, in a file that names the v1 API, its OAuth parameters (`client_secret`), which
    other services' clients take too."""
    words = leaf(name).strip("[]'\"")
    return accept is Accept.HEX or (
        accept is Accept.KEY
        and is_v1_parameter(words)
        and not is_credential_name(words, clarifai_file=False)
    )


def _parameter(func: ast.expr, parameter: str, context: Context) -> tuple[Optional[Accept], bool]:
    """What a keyword or argument bound to `parameter` of a call to `func` reports, if any, and
    whether the file's own function or class `func` claims it for Clarifai. Its name decides,
    or, where it has a name of its own, that function giving it to Clarifai as a credential
    (`def make(key): return Model(..., pat=key)`); a generic name given to a function that
    sends it to another service and not to Clarifai is that service's (`def fetch_weather(city,
    api_key)`). `Tagger(pat=key_tagger)` is claimed where this file's `Tagger` sends `pat` to
    Clarifai."""
    accept = _accept(parameter, context)
    if not isinstance(func, ast.Name):
        return accept, False
    # A slot says more than a generic name (`api_secret`, which takes a 32-hex key only), but
    # for a v1 id's slot, which takes no 32-hex key (`def connect(api_key): ClarifaiApp(api_key)`).
    slot = placed_in_slot(func.id, parameter, context) if accept in (None, Accept.HEX) else None
    if slot is not None and not (accept is Accept.HEX and slot is Accept.LEGACY):
        return slot, True
    by_use = accept is None and context.gives_as_credential(func.id, parameter)
    if accept is None and not by_use:
        return None, False
    claims = context.sends_to_clarifai(func.id, parameter)
    if by_use:
        return (Accept.HEX, True) if claims else (None, False)
    if _generic(accept, parameter) and not claims and context.sends_elsewhere(func.id, parameter):
        return None, False
    return accept, claims


def _values(value: ast.expr, *, dicts: bool = False) -> Iterator[ast.expr]:
    """The value bound, or each item of a list, tuple or set of them: `CLARIFAI_API_KEYS =
    ["<key>", "<key>"]`, but not a pair that its label gives to another credential
    (`("DATADOG_API_KEY", "<key>")`); with `dicts` (a name that says Clarifai), also each value
    of a dict of them under a name that does not say what else it is: `{"ingest": "<key>",
    ...}` or `dict(ingest="<key>")`, not `{"app_id": ...}`. (Under a generic name,
    `{"openweathermap": ...}` is another service's.)"""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        label = string(value.elts[0]) if len(value.elts) == 2 else None
        if label is not None and names_another_credential(label):
            # A labelled pair: `("DATADOG_API_KEY", "<key>")` is Datadog's.
            return
        for item in value.elts:
            yield from _values(item, dicts=dicts)
    elif dicts and dict_entries(value) is not None:
        for name, item in dict_entries(value) or ():
            if name is not None and not names_something_else(name):
                yield from _values(item, dicts=dicts)
    else:
        yield unwrapped(value)


@sink(ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.arguments)
def binding(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`CLARIFAI_PAT = "<key>"`, `USER_ID, PAT = "me", "<key>"`, `def f(pat="<key>")`,
    `for pat in ["<key>", ...]:`."""
    return _bound(node, bound_pairs(node), context)


@sink(ast.Call)
def call_binding(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`setattr(settings, "pat", "<key>")`, `@pytest.mark.parametrize("pat", ["<key>"])`,
    `namedtuple("Auth", "user_id pat", defaults=["me", "<key>"])`."""
    assert isinstance(node, ast.Call)
    pairs = (
        set_attribute(node)
        or named_tuple_defaults(node)
        or [(ast.Name(n), v) for n, v in parametrized(node)]
    )
    return _bound(node, pairs, context)


def _bound(
    node: ast.AST, pairs: list[tuple[ast.expr, ast.expr]], context: Context
) -> Iterator[Hit]:
    for target, value in pairs:
        name = dotted(target)
        accept = None if name is None else _accept(name, context)
        if name is not None and accept is None and _field_of_keys(node, name, context):
            accept = Accept.KEY
        if name is None or accept is None:
            continue
        items = list(_values(value, dicts=accept is Accept.KEY or _says_pat(name)))
        # A value written here, or a name's (`self.api_key = api_key`, `api_key, secret =
        # load()`), is weighed; one computed here (`getpass(...) or "<key>"`) is judged where
        # it goes.
        weighed = any(
            literal_text(item) is not None or binary_text(item) is not None for item in items
        ) or all(dotted(item) or _item_of(node, item) for item in items)
        if _generic(accept, name) and weighed:
            if _elsewhere_bound(name, node, context) or any(
                names_another_service(GETTER_VERB.sub("", _item_of(node, item) or ""))
                for item in items
            ):
                # `api_key, secret = twitter_creds()`: what holds the pair says whose it is.
                continue
        yield from (Hit("CLR005", item, name, accept) for item in items)


def _item_of(node: ast.AST, value: ast.expr) -> Optional[str]:
    """What an item is taken from: by position, `CREDS` of `CREDS[1]`, `creds()` of
    `creds()[1]`, as names unpacked from them read it; what a loop goes over, `GITHUB_TOKENS` of
    `for token in GITHUB_TOKENS`."""
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return holder_name(value)
    if not isinstance(value, ast.Subscript) or not isinstance(value.slice, ast.Constant):
        return None
    return holder_name(value.value)


def _field_of_keys(node: ast.AST, name: str, context: Context) -> bool:
    """A field of a class named for Clarifai's keys, under a name that does not say what else
    it is: `class ClarifaiKey(Enum): PROD = "<key>"`, as `CLARIFAI_API_KEYS = {"prod": ...}`."""
    classes = context.classes_at(getattr(node, "lineno", 0))
    return (
        bool(classes)
        and node in classes[-1].body
        and is_credential_name(classes[-1].name, clarifai_file=False)
        and not names_something_else(name)
    )


def _elsewhere_bound(name: str, node: ast.AST, context: Context) -> bool:
    """Whether a generic name bound to a value written here holds another service's key, or
    this code's own: it is sent to another service, it is only compared (`if key != API_KEY`,
    what a request to this code must carry), it is a setting of that service's package
    (`aai.settings.api_key`), or it is a field of a class of that service's settings (`class
    OpenWeatherConfig`)."""
    if context.sent_elsewhere(name, context.scope):
        return True
    if "." not in name and not _says_pat(name) and context.only_compared(name, context.scope):
        return True
    qualname = context.resolved(name) if "." in name else None
    if qualname is not None and of_another_service(qualname):
        return True
    classes = context.classes_at(getattr(node, "lineno", 0))
    if not classes:
        return False
    definition = classes[-1]
    if node in definition.body and "." not in name:
        # A class field, which its methods read as `self.api_key`, and other code through its
        # class (`Twilio.AUTH_TOKEN`, `Settings.Twilio.AUTH_TOKEN`).
        owners = {"self", definition.name, ".".join(c.name for c in classes)}
        if any(context.sent_elsewhere(f"{owner}.{name}", None) for owner in owners):
            return True
    if _says_pat(name):
        return False
    # A class nested in another is a section of its settings, which says whose key it holds
    # as a dict's section does (`class Twilio:` in `class Settings:`).
    nested = len(classes) > 1 and names_another_service(definition.name)
    pointed = class_points(definition)
    return pointed is not True and (
        pointed is False
        or nested
        and not any("clarifai" in name_words(c.name) for c in classes)
        or holds_another_service(definition.name)
        or _beside_clarifai_class(definition, context)
    )


def class_points(definition: ast.ClassDef) -> Optional[bool]:
    """Where a class's own endpoint or model fields point: True at Clarifai (`api_base =
    "https://api.clarifai.com/..."`, `model = "openai/https://clarifai.com/..."`), False at
    another host or provider (`api_base = "https://contoso.openai.azure.com"`, `model =
    "azure/gpt-4o"`), None where they name neither. The generic credential beside them goes
    there, whichever client the class's name says it configures (`class LiteLLMParams`)."""
    elsewhere = False
    for target, value in (pair for s in definition.body for pair in bound_pairs(s)):
        name = dotted(target) or ""
        words = name_words(name)
        text = (string(unwrapped(value)) or "").lower()
        if not words & (ENDPOINT_WORDS | _MODEL_WORDS):
            continue
        if "clarifai.com" in text or text.startswith("clarifai/") or text == "clarifai":
            return True
        if names_endpoint(name):
            # Where a client goes: not a `DATABASE_URL` or `WEBHOOK_URL` beside the key.
            elsewhere = elsewhere or points_elsewhere([text]) is True
        elif words & _MODEL_WORDS:
            elsewhere = elsewhere or model_provider(text) is not None
    return False if elsewhere else None


_MODEL_WORDS = frozenset({"model", "provider"})


def _beside_clarifai_class(definition: ast.ClassDef, context: Context) -> bool:
    """Whether the file names its classes for their services, one for Clarifai, and this one
    for another: `class ImaggaClient` beside `class ClarifaiClient` (not a base of it; not
    `class Settings`, which names no service)."""
    if not names_another_service(definition.name):
        return False
    classes = {s.name: s for s in context.walker.top_level() if isinstance(s, ast.ClassDef)}
    clarifai = [c for n, c in classes.items() if "clarifai" in name_words(n)]
    if not clarifai:
        return False
    bases: set[str] = set()
    todo = clarifai
    while todo:
        names = {b for c in todo for b in map(dotted, c.bases) if b is not None} - bases
        bases |= names
        todo = [classes[n] for n in names if n in classes]
    return definition.name not in bases


@sink(ast.Return, ast.Yield)
def returned(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`def clarifai_pat(): return "<key>"`: a pytest fixture or a getter named for the key;
    in a file that names Clarifai, also one with a generic name (`def api_key(self): return
    "<key>"`, `get_pat()`, a property), as a binding to that name is, unless it is another
    service's."""
    assert isinstance(node, (ast.Return, ast.Yield))
    function = context.scope
    if node.value is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    # `get_api_key()` is a getter of `api_key`.
    name = GETTER_VERB.sub("", f"{function.name}()")[:-2] or function.name
    accept = _accept(name, context)
    if accept is None or (_generic(accept, name) and _getter_elsewhere(function, context)):
        return
    # A property is read as a field: `cfg.pat`.
    target = function.name if decorated(function, PROPERTIES) else f"{function.name}()"
    yield from (Hit("CLR005", item, target, accept) for item in _values(node.value))


def _getter_elsewhere(function: ast.FunctionDef | ast.AsyncFunctionDef, context: Context) -> bool:
    """Whether a getter with a generic name returns another service's key: its calls
    (`api_key()`; a method's `self.api_key()` in its class, or `Keys.api_key()`; a property's
    `self.api_key`) are sent to another service, or its class holds that service's settings
    (see `_elsewhere_bound`)."""
    name = function.name
    definition = context.class_of(function)
    if definition is None:
        sent = context.sent_elsewhere(f"{name}()", None)
    else:
        own = (definition.lineno, (definition.end_lineno or definition.lineno) + 1)
        sent = any(
            context.sent_elsewhere(f"{owner}.{name}{call}", None, until=until)
            for owner, until in (("self", own), (definition.name, None))
            for call in ("", "()")
        )
    return sent or _elsewhere_bound(name, function, context)


@sink(ast.Dict)
def dict_entry(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`{"pat": "<key>"}`, `{"CLARIFAI_PAT_KEY": "<key>"}`, `CLARIFAI = {"PAT": "<key>"}`, and
    `{CONF_ACCESS_TOKEN: "<key>"}` with `CONF_ACCESS_TOKEN = "access_token"`."""
    assert isinstance(node, ast.Dict)
    for key, value in zip(node.keys, node.values):
        name = string(key) if not isinstance(key, ast.Name) else _constant(key, context)
        accept = None if name is None else _accept(name, context)
        if name in ALIAS_VARIABLES and _environment_at_clarifai(node, context):
            accept = Accept.KEY
        if name is not None and _generic(accept, name) and _elsewhere_held(node, name, context):
            continue
        if name is not None and accept is not None:
            default = _schema_default(value)
            if default is not None:
                yield Hit("CLR005", unwrapped(default), f'"{name}"', accept, lazy=True)
            else:
                yield from (Hit("CLR005", item, f'"{name}"', accept) for item in _values(value))


@sink(ast.Dict)
def labelled_entry(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A variable of a Postman environment or collection, `{"key": "PAT", "value": "<key>"}`:
    its `key` names the value. A generic name (`api_key`) is not weighed: what holds the
    variables (`lastfm_env = {"values": [...]}`) is not known here."""
    assert isinstance(node, ast.Dict)
    entries = {string(key): value for key, value in zip(node.keys, node.values) if key is not None}
    name, value = string(entries.get("key")), entries.get("value")
    accept = None if name is None else _accept(name, context)
    if name is None or value is None or accept is None:
        return
    if not _generic(accept, name) or _says_pat(name):
        yield Hit("CLR005", value, f'"{name}"', accept)


def _environment_at_clarifai(node: ast.Dict, context: Context) -> bool:
    """Whether an environment's dict points OpenAI's clients at Clarifai: `{"OPENAI_API_KEY":
    ..., "OPENAI_BASE_URL": "https://api.clarifai.com/..."}`, a container's or a Modal
    secret's."""
    endpoints = written_to(node, OPENAI_ENDPOINT_NAMES)
    return (
        points_elsewhere([text for value in endpoints for text in context.strings(value)]) is False
    )


def _constant(name: ast.Name, context: Context) -> Optional[str]:
    """The text a constant is bound to, or, for a configuration key of Home Assistant's, bound
    in `homeassistant.const`, what its own name says: `CONF_ACCESS_TOKEN` is `ACCESS_TOKEN`.
    Another name may be a parameter or a loop's variable, whose own name says nothing."""
    text = next(iter(context.strings(name)), None)
    if text is None and name.id.startswith(_CONFIG_PREFIX):
        return name.id.removeprefix(_CONFIG_PREFIX)
    return text


_CONFIG_PREFIX = "CONF_"


# The entries of an option's schema that give its value until it is set.
_SCHEMA_DEFAULTS = frozenset({"default", "initial"})


def _schema_default(value: ast.expr) -> Optional[ast.expr]:
    """The default that an option's schema gives it: `{"api_key": {"help": "API Key",
    "default": "<key>"}}`, as 4CAT's processors and other plugin systems declare options."""
    if not isinstance(value, ast.Dict):
        return None
    entries = {string(key): entry for key, entry in zip(value.keys, value.values)}
    return next((entries[name] for name in _SCHEMA_DEFAULTS if name in entries), None)


@sink(ast.Assign)
def item_store(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`settings["pat"] = "<key>"`, `config["CLARIFAI_PAT"] = "<key>"`: an entry stored as a
    dict display's is bound, unless what holds it goes to another service."""
    assert isinstance(node, ast.Assign)
    for target in node.targets:
        if isinstance(target, ast.Subscript):
            yield from _stored(target.value, target.slice, node.value, context)


@sink(ast.Call)
def item_default(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`kwargs.setdefault("pat", "<key>")`, stored as `kwargs["pat"] = ...` is where the entry
    is missing: read lazily, as Python evaluates the default either way. (An imported store's,
    Airflow's `Variable.setdefault`, is `stored_pair`'s.)"""
    assert isinstance(node, ast.Call)
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "setdefault"
        and len(node.args) == 2
        and not node.keywords
        and leaf(dotted(func.value) or "environ") != "environ"
        and context.qualname(func.value) is None
    ):
        for hit in _stored(func.value, node.args[0], node.args[1], context):
            yield hit._replace(lazy=True)


def _stored(holder: ast.expr, key: ast.expr, value: ast.expr, context: Context) -> Iterator[Hit]:
    name = next(iter(context.strings(key)), None)
    accept = None if name is None else _accept(name, context)
    if name is None or accept is None:
        return
    holder_name = dotted(holder)
    if _generic(accept, name) and (
        holder_name is None
        or context.sent_elsewhere(holder_name, context.scope)
        or _named_elsewhere(holder_name, name, "")
    ):
        return
    yield from (Hit("CLR005", item, f'"{name}"', accept) for item in _values(value))


# Keywords that give a stored entry's name: Airflow's `Variable.set(key="clarifai_pat",
# value="<key>")`.
_NAME_KEYWORDS = frozenset({"key", "name", "secretid"})
_VALUE_KEYWORDS = ("value", "secretstring")


@sink(ast.Call)
def stored_pair(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A key stored under a credential's name by a call, in a secret store, a settings file or a
    cache: Airflow's `Variable.setdefault("clarifai_pat", "<key>")`, `keyring.set_password(
    "clarifai", "pat", "<key>")`, `config.set("clarifai", "pat", "<key>")`, and Prefect's
    `Secret(value="<key>").save("clarifai-pat")`. A generic name (`pat`, `token`) counts only
    beside an argument that names Clarifai (the section or service), not in `print("token",
    ...)`. A lookup's default (`config.get("pat", "<key>")`) is not stored: it is judged where
    it goes."""
    assert isinstance(node, ast.Call)
    if is_lookup(node):
        return
    # A name, then its value; a section or service may come first.
    pairs = list(zip(node.args[:2], node.args[1:3]))
    # boto3 capitalizes: `put_parameter(Name=..., Value=...)`, `create_secret(SecretString=...)`.
    keywords = {k.arg.lower(): k.value for k in node.keywords if k.arg is not None}
    named_by_keyword = [keywords[k] for k in _NAME_KEYWORDS & keywords.keys()]
    value = next((keywords[k] for k in _VALUE_KEYWORDS if k in keywords), None)
    if value is not None:
        pairs += [(named, value) for named in named_by_keyword or node.args[:1]]
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    if isinstance(receiver, ast.Call):
        stored = {k.arg: k.value for k in receiver.keywords}.get("value")
        if stored is None and len(receiver.args) == 1:
            stored = receiver.args[0]
        if stored is not None:
            pairs += [(named, stored) for named in named_by_keyword + node.args[:2]]
    for named, value in pairs:
        name = next(iter(context.strings(named)), None)
        accept = None if name is None else _accept(name, context)
        if name is None or accept is None or isinstance(value, ast.Starred):
            continue
        if not _generic(accept, name) or _names_clarifai_beside(node, (named, value), context):
            yield Hit("CLR005", unwrapped(value), f'"{name}"', accept)


# Where an argument vector is parsed as the program's own options: argparse, click's and typer's
# test runners (`CliRunner().invoke(cli, [...])`), and `sys.argv` itself.
_PARSERS = frozenset({"parse_args", "parse_known_args", "invoke"})


@sink(ast.List, ast.Tuple, ast.Call, ast.Assign, ast.AugAssign)
def argv_option(node: ast.AST, context: Context) -> Iterator[Hit]:
    """A credential's option in an argument vector, the key after it or after its `=`: one that
    names Clarifai (`--clarifai-pat`) given to any program; in a Clarifai file, a generic one
    (`--pat`, `--api-key`) where the program's own options are parsed: `parser.parse_args([
    "--pat", "<key>"])`, `CliRunner().invoke(cli, [...])`, `sys.argv = [...]` (also `+=`,
    `extend`, or patched by `mock.patch` or `monkeypatch.setattr`). A vector given to another
    program (`["owm", "--api-key", ...]`) may hold that program's key."""
    if isinstance(node, (ast.List, ast.Tuple)):
        yield from _options(node, context, generic=False)
        return
    if isinstance(node, ast.Call):
        if called(node.func) in _PARSERS:
            vectors = [*node.args, *(k.value for k in node.keywords if k.arg == "args")]
        elif dotted(node.func) == "sys.argv.extend":
            vectors = node.args[:1]
        else:
            # `mock.patch("sys.argv", [...])`, `monkeypatch.setattr(sys, "argv", [...])`.
            texts = [string(a) or dotted(a) for a in node.args[:2]]
            at = next((i for i, t in enumerate(texts) if t == "sys.argv"), None)
            if at is None and texts[:2] == ["sys", "argv"]:
                at = 1
            vectors = node.args[at + 1 : at + 2] if at is not None else []
    elif isinstance(node, ast.AugAssign):
        vectors = [node.value] if dotted(node.target) == "sys.argv" else []
    else:
        assert isinstance(node, ast.Assign)
        if not any(dotted(target) == "sys.argv" for target in node.targets):
            return
        vectors = [node.value]
    for vector in vectors:
        if isinstance(vector, (ast.List, ast.Tuple)):
            yield from _options(vector, context, generic=True)


def _options(vector: ast.List | ast.Tuple, context: Context, *, generic: bool) -> Iterator[Hit]:
    # Only what is written as an option is read: evaluating every item of every display costs
    # as much as a wide format string.
    for before, item in zip([None, *vector.elts], vector.elts):
        flag = None if before is None else string(before)
        if flag is not None and _credential_option(flag, context, generic=generic):
            yield Hit("CLR005", unwrapped(item), flag)
        # `"--pat=<key>"`, also `f"--pat={key}"` and `"--pat=" + key`.
        flag, equals, _ = _written_first(item).partition("=")
        if equals and _credential_option(flag, context, generic=generic):
            yield Hit("CLR005", item, flag, Accept.EMBEDDED)


def _written_first(item: ast.expr) -> str:
    """The text that `item` starts with where it is written: `"--pat="` of `f"--pat={key}"`
    and of `"--pat=" + key`."""
    while isinstance(item, ast.BinOp) and isinstance(item.op, ast.Add):
        item = item.left
    if isinstance(item, ast.JoinedStr) and item.values:
        item = item.values[0]
    return string(item) or ""


def _credential_option(flag: str, context: Context, *, generic: bool) -> bool:
    """`--clarifai-pat`; with `generic`, in a Clarifai file also `--pat`, `--api-key`."""
    accept = _accept(flag[2:], context) if flag.startswith("--") else None
    return accept is Accept.KEY or generic and accept is Accept.HEX


@sink(ast.Compare)
def compared_credential(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`assert client.call_args.kwargs["pat"] == "<key>"`: a test that pins a credential to the
    key, as `compared_header` does a header."""
    assert isinstance(node, ast.Compare)
    if not all(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
        return
    operands = [node.left, *node.comparators]
    # `kwargs["pat"]` is named by its key, `settings.CLARIFAI_PAT` by its attribute.
    names = [
        string(operand.slice) if isinstance(operand, ast.Subscript) else dotted(operand)
        for operand in operands
    ]
    accepts = [None if name is None else _accept(name, context) for name in names]
    pinned = [
        (operand, name, accept)
        for operand, name, accept in zip(operands, names, accepts)
        if name is not None and accept is not None
    ]
    for operand, name, accept in pinned:
        # A generic name of an imported package's call (`pyowm.OWM.call_args.kwargs[
        # "api_key"]`) is that package's.
        if isinstance(operand, ast.Subscript) and _generic(accept, name):
            if context.qualname(operand.value) and not context.in_clarifai(operand.value):
                return
    if pinned:
        for operand, named in zip(operands, accepts):
            if named is None:
                yield Hit("CLR005", operand, pinned[0][1])


@sink(ast.Call)
def keyring_password(node: ast.AST, context: Context) -> Iterator[Hit]:
    """keyring's `set_password(service, username, password)`: a service that names Clarifai
    says whose password it is, whatever the user's name (`"me@example.com"`), unless that name
    says it is another secret (`"slack_signing_secret"`)."""
    assert isinstance(node, ast.Call)
    if called(node.func) != "set_password":
        return
    given = dict(zip(_KEYRING_PARAMETERS, node.args))
    given.update((k.arg, k.value) for k in node.keywords if k.arg in _KEYRING_PARAMETERS)
    if len(given) != len(_KEYRING_PARAMETERS):
        return
    service = next(iter(context.strings(given["service_name"])), "")
    user = next(iter(context.strings(given["username"])), "")
    if "clarifai" in service.lower() and not (
        names_another_credential(user) or names_something_else(user)
    ):
        yield Hit("CLR005", unwrapped(given["password"]), f'"{service}"')


_KEYRING_PARAMETERS = ("service_name", "username", "password")


def _names_clarifai_beside(
    node: ast.Call, pair: tuple[ast.expr, ast.expr], context: Context
) -> bool:
    """Whether another argument of a call that stores a generic name names Clarifai: the
    section or service it is stored under (`keyring.set_password("clarifai", "pat", ...)`)."""
    return any("clarifai" in text.lower() for text in _beside(node, pair, context))


def _beside(node: ast.Call, pair: tuple[ast.expr, ast.expr], context: Context) -> Iterator[str]:
    """The strings of a call's positional arguments other than a name and its value."""
    return (text for a in node.args if a not in pair for text in context.strings(a))


# What a form field is called: Gradio's and WTForms' `label=`, ipywidgets' `description=`.
_LABELS = frozenset({"label", "description"})


@sink(ast.Call)
def lookup_default(node: ast.AST, context: Context) -> Iterator[Hit]:
    """The fallback of a lookup of a credential's name: `settings.get("pat", "<key>")`,
    configparser's `get("clarifai", "pat", fallback="<key>")`, a form field's value
    (`Textbox(label="Clarifai PAT", value="<key>")`). It is evaluated even where the lookup
    finds a value: the fix reads it with `os.environ.get`."""
    assert isinstance(node, ast.Call)
    default = context.values.default_of(node)
    if default is None:
        return
    labels = (keyword.value for keyword in node.keywords if keyword.arg in _LABELS)
    for named in (*node.args[:2], *labels):
        if named is default:
            continue
        if isinstance(named, ast.Name):
            name = _constant(named, context)
        else:
            name = next(iter(context.strings(named)), None)
        accept = None if name is None else _accept(name, context)
        if name is None or accept is None:
            continue
        if not (_generic(accept, name) and _stored_elsewhere(node, (named, default), context)):
            yield Hit("CLR005", unwrapped(default), f'"{name}"', accept, lazy=True)
            return


def _stored_elsewhere(node: ast.Call, pair: tuple[ast.expr, ast.expr], context: Context) -> bool:
    """Whether a lookup of a generic name reads another service's setting: the call goes to
    one, or another of its strings names one (`config.get("openweather", "api_key", ...)`)."""
    foreign = not declares(node) and context.foreign(node)
    return foreign or any(map(names_another_service, _beside(node, pair, context)))


def _elsewhere_held(holder: ast.expr, credential: str, context: Context) -> bool:
    """Whether a dict (a display or `dict(...)`) holds another service's `credential`: it goes
    to that service, or its name or section names it (`OPENWEATHERMAP = {"api_key": ...}`,
    `{"lastfm": {"api_key": ...}}`), unless the credential is a PAT, as Clarifai calls its
    keys, or a section on the way to it names Clarifai (`CLARIFAI_APPS = {"search": {...}}`).
    An endpoint entry beside it says where it goes first: LiteLLM's `{"api_base":
    "https://contoso.openai.azure.com", "api_key": ...}`; then the config that holds it (a
    `"local"` section beside a `"clarifai"` one)."""
    pointed = pointed_elsewhere(holder, context, models=False)
    if pointed is not None:
        return pointed
    if isinstance(holder, ast.Dict) and _says_pat(credential):
        # Beside Clarifai's other coordinates (`{"user_id": ..., "app_id": ..., "pat": ...}`, a
        # Kubernetes `V1Secret(string_data=...)`), a PAT is Clarifai's wherever the dict goes.
        entries = {(string(key) or "").lower() for key in holder.keys}
        if _COORDINATES <= entries:
            return False
    if isinstance(holder, ast.Dict) and not _says_pat(credential):
        if section_elsewhere(holder, context):
            return True
    name = context.bound_to(holder)
    # A model or provider of another host, unless the dict's name says Clarifai; also beside
    # the `config` it heads (mem0's `{"provider": "together", "config": {"api_key": ...}}`).
    if "clarifai" not in name_words(name or "") and models_elsewhere(holder, context):
        return True
    headed = context.containers.get(id(holder))
    if headed is not None and headed[1] == "config" and models_elsewhere(headed[0], context):
        return True
    if name is not None and _named_elsewhere(name, credential, context.path_to(holder) or ""):
        return True
    # The entry read back where it goes: `CONFIG["api_key"]` in another service's request.
    if name is not None and context.entry_sent_elsewhere(name, credential, holder):
        return True
    return context.goes_elsewhere(holder)


_COORDINATES = frozenset({"user_id", "app_id"})


def _named_elsewhere(holder: str, credential: str, path: str) -> bool:
    """Whether a dict named `holder`, on the `path` of sections to it, says that its generic
    `credential` is another service's: the name (or the section it is stored under,
    `cfg["lastfm"] = {...}`) names one, the credential does not say PAT, and no section on the
    way names Clarifai."""
    cut = holder.rfind(".[")
    section = holder[cut + 2 : -1].strip("'\"") if cut != -1 and holder.endswith("]") else ""
    return (
        not _says_pat(credential)
        and names_another_service(section or GETTER_VERB.sub("", leaf(holder)))
        and "clarifai" not in name_words(path)
    )


# A getter's verb says what it does, not whose the dict it returns is: `get_options()`.
GETTER_VERB = re.compile(r"^(?:get|load|make|build|read|create|fetch|default)_?(?=\w*\(\)$)", re.I)


def _says_pat(name: str) -> bool:
    return bool(name_words(name) & {"pat", "pats"})


@sink(ast.Call)
def keyword_or_option(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`Settings(clarifai_pat="<key>")`, `add_argument("--pat", default="<key>")`, `option()`."""
    assert isinstance(node, ast.Call)
    if leaf(dotted(node.func) or "") in OPTIONS:
        # `option("--pat")`, or click's class form `Option(["--pat"])`, `param_decls=[...]`.
        declared = [*node.args, *(k.value for k in node.keywords if k.arg == "param_decls")]
        flags = [
            flag
            for item in declared
            for flag in (item.elts if isinstance(item, (ast.List, ast.Tuple)) else [item])
        ]
        names = [s.lstrip("-").replace("-", "_") for s in map(string, flags) if s]
        names += [string(k.value) or "" for k in node.keywords if k.arg == "dest"]
        default = declared_default(node)
        for name in names:
            accept = _accept(name, context)
            if default is not None and accept is not None:
                # `--api-key` whose `args.api_key` goes to another service is that service's.
                if not (_generic(accept, name) and context.option_sent_elsewhere(name)):
                    yield Hit("CLR005", default, f"--{name.replace('_', '-')}")
                return
        return
    for keyword in node.keywords:
        if keyword.arg is None:
            continue
        accept, claims = _parameter(context.callee(node)[0], keyword.arg, context)
        if _generic(accept, keyword.arg) and (
            context.foreign(node)
            or not claims
            and pointed_elsewhere(node, context)
            or dotted(node.func) == "dict"
            and _elsewhere_held(node, keyword.arg, context)
        ):
            continue
        if accept is not None:
            target = f"{keyword.arg}="
            # django-environ's scheme, `Env(CLARIFAI_PAT=(str, "<key>"))`: a default that the
            # constructor evaluates before `read_env()` loads `.env`.
            lazy = leaf(dotted(node.func) or "") == "Env" and isinstance(keyword.value, ast.Tuple)
            hits = (
                Hit("CLR005", item, target, accept, claims=claims, lazy=lazy)
                for item in _values(keyword.value)
            )
            yield from hits


@sink(ast.Call)
def local_parameter(node: ast.AST, context: Context) -> Iterator[Hit]:
    """`Sentiment("<key>")` or `make("<key>")`, where this file defines `class Sentiment` with
    `__init__(self, api_key)` or `def make(api_key)`: the call binds the parameter. Where that
    function or class sends the parameter to Clarifai, it says whose key it takes, whatever the
    caller's variable is called (`key_tagger`)."""
    assert isinstance(node, ast.Call)
    func, arguments = context.callee(node)
    if not isinstance(func, ast.Name) or not arguments:
        return
    elsewhere: Optional[bool] = None
    for argument, parameter in zip(arguments, context.parameters(func.id)):
        if isinstance(argument, ast.Starred):
            return
        accept, claims = _parameter(func, parameter, context)
        if _generic(accept, parameter) and not claims:
            if elsewhere is None:
                # What the call makes goes where its endpoint says; an auth object, with the
                # request that it is given to (`requests.get(url, auth=BearerAuth(API_KEY))`).
                caller = context.callers.get(id(node))
                elsewhere = bool(pointed_elsewhere(node, context)) or (
                    caller is not None
                    and context.own_class(func.id)
                    and any(k.arg == "auth" and k.value is node for k in caller.keywords)
                    and context.foreign(caller, by_url=True)
                )
            if elsewhere:
                continue
        if accept is not None:
            yield Hit("CLR005", argument, parameter, accept, claims=claims)


@sink(ast.Call, ast.Assign, ast.AnnAssign, ast.Return, ast.List, ast.Tuple)
def labelled_text(node: ast.AST, context: Context) -> Iterator[Hit]:
    """Text that labels a key with a credential's name, as a `.env` file, YAML or JSON does:
    `path.write_text("CLARIFAI_PAT=<key>\\n")`, `CONFIG = "pat: <key>"`, a command line's
    item (`["docker", "run", "-e", "CLARIFAI_PAT=<key>"]`). A generic name (`api_key=`,
    `token:`) does not count in text that goes to another service: a URL that names no
    Clarifai (`...?api_key=<key>`), a call to another package, or a name passed to one."""
    for value, text in written_texts(node):
        elsewhere: Optional[bool] = None
        said = set()
        for label, token in labels(text, clarifai_file=context.clarifai_file, fields=True):
            whose = label_says(label, text, token.start)
            if whose is None:
                if elsewhere is None:
                    elsewhere = _elsewhere(node, text, context)
                whose = not elsewhere
            if whose and label not in said:
                said.add(label)
                # Each key under its own label: `CLARIFAI_PAT=<k1>`, `CLARIFAI_API_KEY=<k2>`.
                yield Hit("CLR005", value, label, Accept.LABELLED)


def label_says(label: str, text: str, at: int) -> Optional[bool]:
    """Whether a label makes its key Clarifai's: its name, else the sections that hold it
    (see `_sections_say`); None where neither says."""
    return is_credential_name(label, clarifai_file=False) or _sections_say(label, text, at)


def _sections_say(label: str, text: str, at: int) -> Optional[bool]:
    """Whether the sections that hold a generic label make its key Clarifai's, as a dict's
    do: the nearest one's endpoint entries, then a section that names Clarifai, then an
    endpoint that says nothing (a local address) in a section beside one named for Clarifai
    (`local:` beside `clarifai:`), then the nearest one's name; None where they say nothing."""
    sections = _sections(text, at)
    if not sections:
        return None
    endpoints = _endpoint_values(sections[0][1])
    pointed = points_elsewhere(endpoints)
    if pointed is not None:
        return not pointed
    if any("clarifai" in name_words(name) for name, _ in sections):
        return True
    if endpoints and _CLARIFAI_SECTION.search(text):
        return False
    if not _says_pat(label) and names_another_service(sections[0][0]):
        return False
    return None


def _sections(text: str, at: int) -> list[tuple[str, list[str]]]:
    """The sections that hold the entry at `at` in YAML, JSON, INI or TOML text, nearest
    first, each with its name; the nearest also with its lines: the keys of the lines above
    the entry with less indentation (`clarifai:` then `  pat: ...`), and the `[section]` header
    above them. Only `_SECTION_LINES` lines above are read, so that long text costs about its
    length."""
    first = at
    for _ in range(_SECTION_LINES):
        first = text.rfind("\n", 0, max(0, first - 1)) + 1
        if first == 0:
            break
    lines = text[first:at].split("\n")
    indent = _indent(lines[-1])
    offset = at - len(lines[-1])
    found: list[tuple[str, list[str]]] = [(name, []) for name in _opened(lines[-1])]
    for number in range(len(lines) - 2, -1, -1):
        offset -= len(lines[number]) + 1
        stripped = lines[number].lstrip()
        depth = _indent(lines[number])
        opened = _HEADER.match(stripped) or (
            _KEY.match(stripped) if stripped and depth < indent else None
        )
        if opened is None:
            continue
        found.append((opened[1], [] if found else _body(text, offset)))
        if opened.re is _HEADER or depth == 0:
            break
        indent = depth
    return found


def _body(text: str, start: int) -> list[str]:
    """The lines of the section whose own line starts at `start`, as far as `_SECTION_LINES`
    go: up to the next header, or to the next line indented no deeper than its own."""
    lines = text[start : text.find("\n", start) + _SECTION_CHARS].split("\n")[:_SECTION_LINES]
    header = _HEADER.match(lines[0].lstrip()) is not None
    depth = _indent(lines[0])
    body = lines[:1]
    for line in lines[1:]:
        if _HEADER.match(line.lstrip()) if header else line.strip() and _indent(line) <= depth:
            break
        body.append(line)
    return body


def _endpoint_values(body: list[str]) -> list[str]:
    """What a section's endpoint entries give, for `points_elsewhere` to read as it reads a
    dict's: `api_base: https://api.clarifai.com/...` or LiteLLM's `model: clarifai/...` say
    Clarifai, `url: https://api.openweathermap.org/...` another host."""
    values = []
    for line in body:
        key = _KEY.match(line.lstrip())
        if key is not None and (names_endpoint(key[1]) or name_words(key[1]) == {"model"}):
            values.append(line[line.index(key[0]) + len(key[0]) :])
    return values


# A section named for Clarifai in YAML, JSON, INI or TOML text: `clarifai:`, `"clarifai": {`,
# `[clarifai]`.
_CLARIFAI_SECTION = re.compile(
    r"^[ \t]*(?:\[[^\]\n]*clarifai[^\]\n]*\]"
    r"|['\"]?[\w.-]*clarifai[\w.-]*['\"]?[ \t]*:[ \t]*\{?[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _elsewhere(node: ast.AST, text: str, context: Context) -> bool:
    """Whether the text goes to another service: its URLs, or those of the call it is given
    to, name no Clarifai host, or that call goes to another host's URL (`urlopen(BASE +
    "?api_key=" + key)`, `conn.request("GET", "/v2/?apiKey=" + key)` on a connection to one);
    or it is bound to a name passed to another package's call."""
    texts = [text]
    if isinstance(node, ast.Call):
        texts += [written_text(argument) or "" for argument in arguments(node)]
    hosts = [host for text in texts for host in URL_HOST.findall(text)]
    if hosts:
        return not any("clarifai" in host.lower() for host in hosts)
    if isinstance(node, ast.Call) and context.foreign(node, by_url=True):
        return True
    targets = node.targets if isinstance(node, ast.Assign) else []
    names = [name for name in map(dotted, targets) if name is not None]
    return any(context.sent_elsewhere(name, context.scope) for name in names)


def _opened(line: str) -> list[str]:
    """The sections that flow-style text opens on the entry's own line and leaves open, nearest
    first: `{"openweathermap": {"api_key": ` opens `openweathermap`."""
    stack: list[Optional[str]] = []
    for match in _FLOW.finditer(line):
        if match[0] == "}":
            if stack:
                stack.pop()
        else:
            stack.append(match[1])
    return [name for name in reversed(stack) if name is not None]


# A mapping that opens, under its key or none, or closes.
_FLOW = re.compile(r"(?:[\"']?([\w.-]+)[\"']?\s*:\s*)?\{|\}")
_SECTION_LINES = 64
_SECTION_CHARS = 8192
_HEADER = re.compile(r"\[+\s*([\w.-]+)\s*\]+\s*$")
_KEY = re.compile(r"[\"']?([\w.-]+)[\"']?\s*[:=]")
