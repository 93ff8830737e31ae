"""What a Clarifai credential looks like, what a placeholder looks like, and how to mask one."""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple, Optional

# Secret scanners (Sonar S6686, GitGuardian, TruffleHog) match keys and PATs as 32 lowercase hex.
_KEY = re.compile(r"[0-9a-f]{32}")
_KEY_ANYWHERE = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
# A key as a word of its own in any text: a command line, an output, a comment.
KEY_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])")
# The `clarifai` CLI's credential flags. In a command line, a key follows one (`--pat <key>`,
# `--pat=<key>`), a credential's variable (`CLARIFAI_PAT=<key> clarifai ...`) or the scheme of an
# `Authorization` header (`curl -H "Authorization: Key <key>"`, JSON's `"Authorization": ["Key
# <key>"]`, a YAML cassette's list item; `Bearer` in a Clarifai file).
CLI_FLAGS = frozenset({"--pat", "--token", "--api-key", "--api_key"})
_FLAGS = r"(?<!\S)--(?:pat|token|api[-_]key)(?:=|\s+)|(?<![\w-])\w*(?i:pat|key|token|secret)="
_HEADER = r"(?i:authorization)['\"]?\s*:\s*(?:[-[]\s*)?['\"]?(?i:{schemes})\s+"
_KEY_AFTER = r"([0-9a-f]{32})(?![0-9A-Za-z])"
_KEY_FLAGGED = re.compile(f"(?:{_FLAGS}|{_HEADER.format(schemes='key')})['\"]?{_KEY_AFTER}")
_KEY_OR_BEARER_FLAGGED = re.compile(
    f"(?:{_FLAGS}|{_HEADER.format(schemes='key|bearer')})['\"]?{_KEY_AFTER}"
)
_KEY_HEADER = re.compile(f"(?:{_HEADER.format(schemes='key')}){_KEY_AFTER}")
_KEY_OR_BEARER_HEADER = re.compile(f"(?:{_HEADER.format(schemes='key|bearer')}){_KEY_AFTER}")
# A v1 access token after `Bearer` (`curl -H "Authorization: Bearer <token>"`).
_BEARER_LEGACY = re.compile(_HEADER.format(schemes="bearer") + r"([\w-]{28,44})(?![\w-])")
# Legacy v1 OAuth client ids and secrets (about 40 letters, digits, `-` and `_`) and access
# tokens (about 30 letters and digits): both cases and a digit, as random tokens have.
_LEGACY = re.compile(
    r"(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])(?:[A-Za-z0-9_-]{36,44}|[A-Za-z0-9]{28,34})"
)
# Any other token in an `authorization` value (a `Bearer` JWT, an OpenAI-style key). A digit sets
# it apart from a header name such as `x-clarifai-session-token`.
_GENERIC = re.compile(r"(?=.*[0-9])[A-Za-z0-9._~+/=-]{16,}")
# Random 32-hex keys score 2.8 to 3.95 bits per character; repeated or patterned fakes score less.
MIN_ENTROPY = 3.0
# An `authorization` value longer than this holds no credential that a person pasted.
MAX_VALUE = 4096

_VALUE = re.compile(r"\s*(?:(?P<scheme>[A-Za-z][A-Za-z0-9_-]*)[ \t]+)?(?P<token>\S+)\s*")

# Covers the docs' placeholders (`YOUR_PAT_HERE`, `INSERT CLARIFAI API KEY`, `<YOUR CLARIFAI PAT>`,
# `???`) and the other scanners' (`example`, `REDACTED`, `CHANGE_ME`, `xxxx`, `*****`).
_PLACEHOLDER_WORDS = (
    "example", "sample", "redacted", "changeme", "change_me", "placeholder", "your", "insert",
    "xxxx", "***", "???", "...",
)  # fmt: skip
_TEMPLATED = re.compile(r"<.*>|\{.*\}|\$\{.*\}")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
# Plurals name several, as when code rotates keys: `CLARIFAI_API_KEYS = ["<key>", "<key>"]`.
_CREDENTIAL_WORDS = frozenset(
    {"pat", "key", "token", "secret", "auth", "apikey", "password"}
    | {"pats", "keys", "tokens", "secrets", "apikeys"}
)
# What holds a credential in a form (`pat_var`, `token_input`); with a bare `key`, a dict's or a
# cache's (`key_str`, `entry_key`).
_FORM_WORDS = frozenset({"var", "input", "entry", "str"})
# Words that say whose key, which of several, that a test made it up, or what holds it in a
# form, without naming another service.
_QUALIFIER_WORDS = frozenset(
    {
        "api", "access", "personal", "client", "session", "app", "my", "user", "default",
        "fallback", "dev", "prod", "production", "staging", "shared", "backup", "team", "org",
        "test", "testing", "mock", "fake", "stub", "dummy", "demo", "old", "new", "current",
        "previous", "legacy", "secondary", "temp", "tmp",
    }
    | _FORM_WORDS
)  # fmt: skip
# Words that make a name something else: a cache key, a key's name, an id or a digest.
# (`MD5` and `SHA256` are words and digits: `md`, `5`.)
_OTHER_WORDS = frozenset(
    {
        "cache", "hash", "digest", "checksum", "sha", "md", "uuid", "id", "ids", "idempotency",
        "sort", "lookup", "primary", "foreign", "partition", "lock", "index", "cursor", "page",
        "public", "name", "names", "prefix", "suffix", "len",
        "length", "type", "format", "pattern", "regex", "file", "path", "url", "field", "expiry",
        "expires", "ttl", "count", "limit", "max", "min", "size", "model", "version",
        "task", "request", "workflow", "concept", "dataset", "artifact", "label", "enabled",
    }
)  # fmt: skip
# A keyword or key that names an endpoint holds one of these words: `base_url`, `api_base`,
# Haystack's `api_base_url`, `azure_endpoint`, `host`.
ENDPOINT_WORDS = frozenset({"url", "uri", "base", "endpoint", "host"})
# Words that name what holds credentials without saying whose: `CONFIG = {"api_key": ...}`,
# `class Settings: api_key = ...`, `payload = dict(api_key=...)`.
_HOLDER_WORDS = frozenset(
    {
        "config", "configs", "configuration", "cfg", "conf", "settings", "setting", "options",
        "opts", "params", "parameters", "credentials", "credential", "creds", "cred", "env",
        "environ", "os", "environment", "data", "info", "defaults", "kwargs", "args", "payload",
        "body", "json",
        "headers", "query", "form", "extra", "meta", "metadata", "context", "ctx", "state",
        "values", "vars", "constants", "dict", "mapping", "vault", "common", "base", "main",
        "global", "local", "self", "cls", "model", "models", "llm", "llms", "provider",
        "providers", "service", "services", "account", "accounts", "clients", "apis", "apps",
        "users", "teams", "orgs", "profile", "profiles", "connection", "connections",
    }
)  # fmt: skip
# Flask's and Django's `SECRET_KEY` (`app.secret_key`, `SESSION_SECRET_KEY`) signs sessions;
# apps make it with `uuid4().hex`, so it is 32 hex too.
_WEB_SECRET = frozenset({"secret", "key"})
# `key` alone names a dict's, a cache's or a sort's key as often as a credential.
_BARE_KEY = frozenset({"key", "keys"})
# A password is a login's or a database's: Clarifai's keys are never called one.
_PASSWORD = frozenset({"password"})
# Names of legacy v1 credentials say `ID`: only a legacy-shaped value counts there.
_LEGACY_WORDS = frozenset({"id", "client", "auth", "secret"})


class Token(NamedTuple):
    """A credential found inside a string value: where it is, and the scheme word before it."""

    start: int
    end: int
    scheme: str | None
    clarifai: bool


@functools.lru_cache(maxsize=1024)
def entropy(text: str) -> float:
    """Shannon entropy in bits per character. (A file's checks ask it of one token several
    times.)"""
    counts = Counter(text).values()
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts)


def random_enough(text: str) -> bool:
    """Whether `text` may be a key: its entropy is a key's, and it does not repeat a shorter
    text (`"0123456789abcdef" * 2` written out scores as much as a key)."""
    return entropy(text) >= MIN_ENTROPY and text not in (text + text)[1:-1]


def is_placeholder(text: str) -> bool:
    lowered = text.lower()
    return (
        any(word in lowered for word in _PLACEHOLDER_WORDS)
        or _TEMPLATED.fullmatch(text) is not None
        or _ENV_NAME.fullmatch(text) is not None
    )


def is_clarifai_key(text: str, *, legacy: bool = True) -> bool:
    """A Clarifai API key or PAT, or, with `legacy`, a v1 client id, secret or access token."""
    return (_KEY.fullmatch(text) is not None and random_enough(text)) or (
        legacy and is_legacy_secret(text)
    )


def is_legacy_secret(text: str) -> bool:
    return _LEGACY.fullmatch(text) is not None and random_enough(text) and not is_placeholder(text)


def is_generic_secret(text: str) -> bool:
    return _GENERIC.fullmatch(text) is not None and random_enough(text) and not is_placeholder(text)


def find_token(value: str, *, any_scheme: bool, legacy: bool = True) -> Token | None:
    """Find the credential in an authorization-style value such as `Key <PAT>` or a bare PAT.

    With `any_scheme`, any scheme word and any secret-looking token count; otherwise only a
    Clarifai key (with `legacy`, also a v1 credential), bare or after `Key`.
    """
    match = _VALUE.fullmatch(value) if len(value) <= MAX_VALUE else None
    if match is None:
        return None
    scheme, token = match["scheme"], match["token"]
    clarifai = scheme is None or scheme.lower() == "key"
    if clarifai and is_clarifai_key(token, legacy=legacy):
        return Token(match.start("token"), match.end("token"), scheme, True)
    if any_scheme and is_generic_secret(token):
        return Token(match.start("token"), match.end("token"), scheme, False)
    return None


@functools.lru_cache(maxsize=4096)
def name_words(name: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _WORDS.findall(name))


def is_credential_name(name: str, *, clarifai_file: bool) -> bool:
    """`CLARIFAI_PAT`, `clarifaiApiKey`; and in a Clarifai file, `PAT` or `API_KEY`.

    Not `CLARIFAI_CACHE_KEY` nor `CLARIFAI_MODEL_ID`: other words make it something else.
    """
    words = name_words(name)
    if not words & _CREDENTIAL_WORDS or words & _OTHER_WORDS:
        return False
    if "clarifai" in words:
        return True
    return (
        clarifai_file
        and words <= _CREDENTIAL_WORDS | _QUALIFIER_WORDS
        and not words <= _BARE_KEY
        and not (words & _FORM_WORDS and words & _CREDENTIAL_WORDS <= _BARE_KEY)
        and not _WEB_SECRET <= words
        and not words & _CREDENTIAL_WORDS <= _PASSWORD
    )


def names_another_credential(name: str) -> bool:
    """`SERPER_API_KEY`, `POSTGRES_PASSWORD`: a credential's name that is not Clarifai's, even in
    a Clarifai file. `key` alone does not say whose."""
    words = name_words(name)
    return (
        bool(words & _CREDENTIAL_WORDS)
        and not words <= _BARE_KEY
        and not is_credential_name(name, clarifai_file=True)
    )


def names_another_service(holder: str) -> bool:
    """`OPENWEATHERMAP`, `"lastfm"`, `weather_cfg`: what holds a generic credential (a dict or
    a dict's section) names a service that is not Clarifai, as `OPENWEATHER_API_KEY` does.
    `CONFIG`, `payload`, `"default"`, `"clarifai"` do not."""
    words = name_words(holder)
    return "clarifai" not in words and bool(
        words - _HOLDER_WORDS - _QUALIFIER_WORDS - _CREDENTIAL_WORDS
    )


def holds_another_service(class_name: str) -> bool:
    """`OpenWeatherConfig`, `LastFmSettings`: a class that says it holds settings and names a
    service that is not Clarifai. (`ImageTagger` or `MyBot` may well wrap Clarifai.)"""
    return bool(name_words(class_name) & _HOLDER_WORDS) and names_another_service(class_name)


def names_something_else(name: str) -> bool:
    """`MODEL_VERSION_ID`, `CACHE_KEY`: a value bound to such a name is not a Clarifai key."""
    return bool(name_words(name) & _OTHER_WORDS)


def find_embedded(text: str) -> list[Token]:
    """Clarifai keys anywhere in `text`, such as a command line or `NAME=<key>`."""
    return [
        Token(match.start(), match.end(), None, True)
        for match in KEY_IN_TEXT.finditer(text)
        if random_enough(match.group())
    ]


# A `clarifai` command in text, where a command starts (a line, a CI step's `run:`, a
# Dockerfile's `RUN`, a prompt, after `&&`, `;` or `|`), then a credential flag in it.
_COMMANDED = re.compile(
    r"(?:^[ \t]*(?:-[ \t]+)?(?:run:|RUN|[$!>])?|&&|\|\||[;|(])[ \t]*"
    r"(?:(?:python[\d.]*[ \t]+-m|uvx|pipx[ \t]+run)[ \t]+)?(?:[\w./-]*/)?clarifai(?:\.cli)?"
    r"(?![\w.-])[^\n;&|]*?(?<!\S)--(?:pat|token|api[-_]key)(?:=|\s+)['\"]?" + _KEY_AFTER,
    re.MULTILINE,
)


def find_commanded(text: str) -> list[Token]:
    """Clarifai keys given to a credential flag of a `clarifai` command that text holds: a CI
    workflow's `- run: clarifai login --pat <key>`, a Dockerfile's `RUN clarifai login ...`."""
    return _keys_at(_COMMANDED, text)


def _keys_at(pattern: re.Pattern[str], text: str) -> list[Token]:
    """The keys that `pattern`'s first group finds in `text`."""
    return [
        Token(match.start(1), match.end(1), None, True)
        for match in pattern.finditer(text)
        if random_enough(match.group(1))
    ]


def find_flagged(
    text: str, *, bearer: bool, headers_only: bool = False, legacy: bool = False
) -> list[Token]:
    """Clarifai keys given to a credential flag, variable or header in a command line, not the
    ids beside them (`--model_url .../versions/<id>`); with `bearer`, also after `Bearer`, and
    with `legacy` as well, a v1 access token there; with `headers_only`, only after an
    `Authorization` header's name and scheme."""
    if headers_only:
        pattern = _KEY_OR_BEARER_HEADER if bearer else _KEY_HEADER
    else:
        pattern = _KEY_OR_BEARER_FLAGGED if bearer else _KEY_FLAGGED
    found = _keys_at(pattern, text)
    if bearer and legacy:
        found += [
            Token(match.start(1), match.end(1), None, True)
            for match in _BEARER_LEGACY.finditer(text)
            if is_legacy_secret(match.group(1))
        ]
    return found


# The host of each URL in a text.
URL_HOST = re.compile(r"://([^/\s?#'\"]+)")
# A URL toward Clarifai and its query: `https://api.clarifai.com/v2/models?pat=...`.
_CLARIFAI_QUERY = re.compile(
    r"://(?:[\w-]+\.)*clarifai\.com(?::\d+)?(?:/[^\s?#'\"]*)?\?([^\s#'\"]*)", re.I
)


def find_in_query(text: str) -> list[tuple[str, Token]]:
    """(name, token) for each Clarifai key that a URL toward Clarifai gives a credential
    parameter in its query (`?pat=<key>`). (Not the v1 API's `?access_token=<token>`: another
    pass over every Clarifai file for credentials of an API retired years ago.)"""
    found = []
    for url in _CLARIFAI_QUERY.finditer(text):
        at = url.start(1)
        for parameter in url[1].split("&"):
            name, equals, value = parameter.partition("=")
            if (
                equals
                and is_credential_name(name, clarifai_file=True)
                and is_clarifai_key(value, legacy=False)
            ):
                start = at + len(name) + 1
                found.append((name, Token(start, start + len(value), None, True)))
            at += len(parameter) + 1
    return found


# A name labelling a key in text: `CLARIFAI_PAT=<key>` (.env), `pat: <key>` (YAML), `"api_key":
# "<key>"` (JSON), `CLARIFAI_PAT := <key>` (a Makefile), a Dockerfile's `ENV CLARIFAI_PAT
# <key>` without `=`, and an XML element's `<apiKey><key></apiKey>`.
def _labelling(value: str) -> re.Pattern[str]:
    """A credential's name, then `=` or `:`, then `value`: `.env`, YAML and Dockerfile text."""
    return re.compile(
        r"(?<![\w.-])([A-Za-z_][\w.-]*)['\"]?[ \t]*(?:[:?]?=|:)[ \t]*['\"]?"
        + value
        + r"|^[ \t]*ENV[ \t]+([A-Za-z_]\w*)[ \t]+['\"]?"
        + value
        + r"|<([A-Za-z_][\w.-]*)(?:[ \t][^<>]*)?>[ \t]*"
        + value,
        re.MULTILINE,
    )


_LABELLED = _labelling(r"([0-9a-f]{32})(?![0-9A-Za-z])")
# The variable OpenAI's clients read their key from, and text that points their endpoint at
# Clarifai, where it holds a PAT.
OPENAI_KEY_VARIABLE = "OPENAI_API_KEY"
_OPENAI_AT_CLARIFAI = re.compile(
    r"OPENAI_(?:API_BASE|BASE_URL)['\"]?[ \t]*[:=][ \t]*['\"]?[^\s'\"]*clarifai\.com"
)
# Where written text has a field (`\0`, as `written_text` marks it): `f"CLARIFAI_PAT: {key}"`.
_LABELLED_FIELD = _labelling("(\x00)")


# A variable given as a name and then a value, as Kubernetes' YAML and HTML forms write it:
# `- name: CLARIFAI_PAT` then `value: <key>`, `name="pat" value="<key>"`.
_NAMED = re.compile(r"""\bname['"]?[ \t]*[:=][ \t]*['"]?([A-Za-z_]\w*)['"]?[\s,]*['"]?$""", re.I)
_NAMED_REACH = 200


def labels(text: str, *, clarifai_file: bool, fields: bool = False) -> list[tuple[str, Token]]:
    """The Clarifai keys in `text` that a credential's name labels, each with that name; a
    `value` labels its key with the name before it. With `fields`, also the fields (`\0`) of
    written text that such a name labels, as they may hold a key. `OPENAI_API_KEY` labels one
    where the text points OpenAI's endpoint at Clarifai (`OPENAI_API_BASE=https://api.clarifai
    .com/...` in the same `.env` text)."""
    found = []
    matches = itertools.chain(
        _LABELLED.finditer(text), _LABELLED_FIELD.finditer(text) if fields else ()
    )
    for match in matches:
        # The `ENV` form's groups come after the others', and the XML form's last.
        group = next(g for g in (1, 3, 5) if match[g] is not None)
        label, key = match[group], match[group + 1]
        if label.lower() == "value":
            start = match.start(group)
            named = _NAMED.search(text, max(0, start - _NAMED_REACH), start)
            label = label if named is None else named[1]
        credential = is_credential_name(label, clarifai_file=clarifai_file) or (
            label == OPENAI_KEY_VARIABLE and _OPENAI_AT_CLARIFAI.search(text) is not None
        )
        if credential and (key == "\x00" or random_enough(key)):
            found.append((label, Token(match.start(group + 1), match.end(group + 1), None, True)))
    return found


# The v1 API's OAuth parameters, which REST code sends without naming Clarifai.
_V1_PARAMETERS = frozenset({"client_id", "client_secret", "app_id", "app_secret", "access_token"})


def is_v1_parameter(name: str) -> bool:
    """`client_secret`, `clientId`, `ACCESS_TOKEN`: a v1 OAuth parameter's name."""
    return snake_case(name).lower() in _V1_PARAMETERS


def snake_case(name: str) -> str:
    """`client_Secret` for `clientSecret`, `client_secret` as it is."""
    return "_".join(_WORDS.findall(name))


def is_legacy_name(name: str) -> bool:
    """`CLARIFAI_APP_ID`, `CLARIFAI_CLIENT_ID`, `CLARIFAI_ID`, `CLARIFAI_AUTH`: legacy v1 names."""
    words = name_words(name)
    return "clarifai" in words and bool(words & _LEGACY_WORDS)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with each of `secrets`, and anything shaped like a key, masked."""
    for secret in secrets:
        text = text.replace(secret, mask(secret))
    return _KEY_ANYWHERE.sub(lambda match: mask(match.group()), text)


def mask(secret: str) -> str:
    """The only form of a secret that may be printed: its last 4 characters."""
    return "..." + secret[-4:]


# Words that, nearest before a 32-hex value in prose, make it an id rather than a key.
ID_WORDS = frozenset(
    {"id", "ids", "model", "version", "input", "app", "user", "workflow", "request", "hash"}
    | {"dataset", "concept", "task", "md", "sha", "commit", "uuid", "url", "digest"}
)
_OWNERS = frozenset({"model", "input", "app", "user", "workflow", "dataset", "concept", "task"})
# How far before a value in prose its label may stand.
PROSE_CONTEXT = 40
PROSE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def labels_a_key(before: str) -> bool:
    """Whether the nearest label before a 32-hex value in prose (a markdown cell, a comment)
    names a credential: `Your PAT: <key>`, `# old: pat="<key>"`.

    A value in a URL's path (after `/`) is an id, as in `.../models/<id>/versions/<id>`.
    """
    if before.endswith("/"):
        return False
    words = PROSE_WORD.findall(before[-PROSE_CONTEXT:])
    for index in reversed(range(len(words))):
        word = words[index]
        said = {w.removesuffix("s") for w in name_words(word)} & ID_WORDS
        # What owns an id labels the value only right before it (`app: <id>`), not in a phrase
        # that says whose key it is (`PAT for the demo app is <key>`).
        if said - _OWNERS or said and index == len(words) - 1:
            return False
        # `Key <key>` is the header's scheme word; `key` alone is not a credential's name, and
        # a `cache key` or an `idempotency key` is none.
        if word.lower() == "key":
            return index == 0 or not name_words(words[index - 1]) & _OTHER_WORDS
        if is_credential_name(word, clarifai_file=True):
            return True
    return False


def names_endpoint(key: str) -> bool:
    """`url`, `base_url`, `api_base`, `host`, `server_url`, and any name with a base, an
    endpoint or a host (mem0's `openai_base_url`, `azure_endpoint`): where a client goes, not
    `image_url`."""
    words = name_words(key)
    return bool(words & _STRONG_ENDPOINT_WORDS) or (
        bool(words & ENDPOINT_WORDS) and words <= _ENDPOINT_KEY_WORDS
    )


_ENDPOINT_KEY_WORDS = ENDPOINT_WORDS | {"api", "server", "service"}
_STRONG_ENDPOINT_WORDS = frozenset({"base", "endpoint", "host"})


def points_elsewhere(endpoints: list[str]) -> Optional[bool]:
    """What endpoint texts say: True for another host, False for Clarifai, None where they
    name no host. A local address (a proxy, a runner) says nothing about whose key it is."""
    texts = [text.lower() for text in endpoints]
    if any("clarifai" in text for text in texts):
        return False
    hosts = [host for text in texts for host in URL_HOST.findall(text)]
    return True if any(not _LOCAL.match(host) for host in hosts) else None


_LOCAL = re.compile(r"(?:localhost|127\.|0\.0\.0\.0|\[::1\])(?::|$)")
