"""Names and evidence: imports, bindings, and whether a file talks to Clarifai.

Bindings are found through the text: every binding of a name stands on a line that names it, so
the lines that name an identifier are walked the first time a value bound to it is needed, and
for a plain name only those of the scopes that can hold the binding (see `scopes`). With `full`,
the whole tree is indexed at once instead; the tests check that both agree.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Optional, Union

from flake8_clarifai_secrets.credentials import (
    ENDPOINT_WORDS,
    OPENAI_KEY_VARIABLE,
    is_credential_name,
    name_words,
    names_endpoint,
    points_elsewhere,
)
from flake8_clarifai_secrets.detector.findings import Span
from flake8_clarifai_secrets.detector.scopes import (
    BINDERS,
    Uses,
    bound_pairs,
    find_uses,
    named_tuple_fields,
    takes,
)
from flake8_clarifai_secrets.detector.services import of_another_service
from flake8_clarifai_secrets.detector.sinks.integration_table import ROUTED
from flake8_clarifai_secrets.detector.text import AUTHORIZATION, CLARIFAI, Scan
from flake8_clarifai_secrets.detector.tree import (
    binds_os_elsewhere,
    Positions,
    Scope,
    Walker,
    arguments,
    decorated,
    dotted,
    leaf,
    string,
)
from flake8_clarifai_secrets.detector.values import (
    SAME_STRING,
    Values,
    binary_text,
    dict_entries,
    joined,
    written_text,
)

CLARIFAI_PACKAGES = frozenset({"clarifai", "clarifai_grpc"})
# Variables that Clarifai's own examples copy the PAT into, for clients that read no other.
ALIAS_VARIABLES = frozenset({OPENAI_KEY_VARIABLE})
# The variables that OpenAI's clients (and the Agents SDK, LangChain's) read their endpoint from.
OPENAI_ENDPOINT_NAMES = frozenset({"OPENAI_BASE_URL", "OPENAI_API_BASE"})
_OPENAI_ENDPOINT_VARIABLES = [name.encode() for name in sorted(OPENAI_ENDPOINT_NAMES)]
_FEW = 8
_KEY_SCHEME = (b'"Key ', b"'Key ")
# How many names a value is followed through when asking where it is sent.
_CARRIERS = 64
# The methods by which an HTTP client object sends a request: requests' and httpx's, tornado's
# `fetch`, a socket.io or WebSocket client's `connect`, an OAuth session's `fetch_token`.
_REQUESTS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "request", "stream"}
    | {"fetch", "connect", "fetch_token"}
)
_METHOD_FIRST = frozenset({"request", "stream"})
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# What writes the values it is given into text: a URL's query (`urlencode`, `urllib.parse.quote`),
# a shell word (`shlex.quote`).
_ENCODERS = frozenset({"urlencode", "quote", "quote_plus"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1"})
# Calls that do not hand an object on to other code: those that look at it (`print(session)`,
# `logger.debug("%r", s)`, `hasattr(s, ...)`), and `install_opener(opener)`, whose `urlopen`
# calls are asked.
_NOT_HANDING = frozenset(
    {"print", "repr", "str", "len", "id", "type", "isinstance", "hasattr", "install_opener"}
    | {"debug", "info", "warning", "error", "exception", "critical", "log"}
)
# Clarifai's scheme as code writes it: `"Key " + pat`, `f"Key {pat}"`, `"Key %s" % pat`, `"Key
# <key>"`, `SCHEME = "Key"`, a header line `"Authorization: Key ..."`; not prose (`"Key rotation
# failed"`).
_KEY_WRITTEN = re.compile(rb"""["']Key ?(?:["'{%$]|[0-9a-f]{8})|:[ \t]*Key[ \t]""")
# Connections made for a host, named without a scheme, which their requests go to.
_CONNECTIONS = frozenset(
    {"http.client.HTTPSConnection", "http.client.HTTPConnection"}
    | {"urllib3.HTTPSConnectionPool", "urllib3.HTTPConnectionPool"}
    | {"urllib3.connectionpool.HTTPSConnectionPool", "urllib3.connectionpool.HTTPConnectionPool"}
)
_COORDINATES = frozenset({"user_id", "app_id"})
_CHANNELS = frozenset({"grpc.secure_channel", "grpc.insecure_channel"}) | frozenset(
    {"grpc.aio.secure_channel", "grpc.aio.insecure_channel"}
)
_HOSTED = _CONNECTIONS | _CHANNELS
# A connection's host, a channel's target.
_HOST_KEYWORDS = frozenset({"host", "target"})
# Keywords that name where a method of a client sends its request: `endpoint_url`, `base_url`.
_OWN_ENDPOINT = re.compile(r"endpoint(?:_?url)?|base_?ur[il]|api_?base(?:_?url)?", re.IGNORECASE)
# A URL with a known host: `https://api.example.com/...`, not `https://{host}/...`.
_HOST = re.compile(r"://[^/\s?#'\"\0:]+(?:[/\s?#'\":]|$)")


# Statements that bind the names they hold as targets (`os = Env()`, `for os in ...`).
_BINDERS = frozenset(
    {ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith}
)


class Context:
    """What the sinks may ask about the file they look at."""

    def __init__(
        self, tree: ast.AST, scan: Scan, positions: Positions, env_var: str, *, full: bool
    ) -> None:
        self.scan = scan
        self.positions = positions
        self.env_var = env_var
        self.walker = Walker(tree)
        self.values = Values(self.bindings, self.is_credential_var)
        # The scope of the node the sinks are looking at: names in it resolve there.
        self.scope: Scope = None
        # id(call) -> the statement that is only that call; filled as the walk meets them.
        self.statements: dict[int, ast.stmt] = {}
        # id(argument) -> the call it is written in, for the literals and dict displays given
        # to the calls the engine walked.
        self.callers: dict[int, ast.Call] = {}
        # (identifier, id(scope) or None) of the bindings whose reading lines the engine walked.
        self.followed: set[tuple[str, Optional[int]]] = set()
        self._bindings: dict[str, list[tuple[ast.expr, Scope]]] = defaultdict(list)
        self._scoped: dict[tuple[str, int], list[tuple[ast.expr, Scope]]] = defaultdict(list)
        self._walked: set[int] = set()
        self._bound_to: dict[int, str] = {}
        # id() of the values that are dict entries -> their path (`CONFIG.['clarifai']`): what
        # they are bound to is a key, no name.
        self._entries: dict[int, str] = {}
        # id() of a dict's value -> the dict and its key, for the dicts the engine walks.
        self.containers: dict[int, tuple[ast.Dict, Optional[str]]] = {}
        # id() of a tuple that is an item of a list or tuple -> that list or tuple (a header
        # pair's list), for the ones the engine walks.
        self.sequences: dict[int, Union[ast.List, ast.Tuple]] = {}
        self._seen: set[int] = set()
        self._full = full
        self._naming: dict[str, list[int]] = {}
        self._uses_of: dict[str, Uses] = {}
        self._imports: Optional[dict[str, str]] = None
        self._definitions: Optional[dict[str, Definition]] = None
        self._named_tuples: Optional[dict[str, list[str]]] = None
        self._sends_clarifai: dict[tuple[str, str], bool] = {}
        self._sends_other: dict[tuple[str, str], bool] = {}
        self._sent: dict[tuple[str, Optional[int], bool, Optional[tuple[int, int]]], bool] = {}
        self._requested: dict[tuple[str, int], bool] = {}
        self._gives: dict[tuple[str, str], bool] = {}
        self._placed: dict[tuple[str, str], list[tuple[ast.Call, int]]] = {}
        # id(function) -> the names it declares `global`.
        self._globals: dict[int, frozenset[str]] = {}
        if full:
            self.collect(self.walker.everything())

    # -- evidence ------------------------------------------------------------------------

    @property
    def clarifai_file(self) -> bool:
        return self.scan.clarifai_context

    @property
    def legacy_file(self) -> bool:
        """The file names the v1 API: only then does a v1-shaped value count as a credential."""
        return self.scan.legacy_context

    def is_credential_var(self, name: str) -> bool:
        """A Clarifai credential variable: `CLARIFAI_PAT`, `CLARIFAI_API_KEY`, the configured one.

        In a Clarifai file, also `OPENAI_API_KEY`, which Clarifai's examples set to the PAT.
        """
        return (
            name == self.env_var
            or (name.isidentifier() and is_credential_name(name, clarifai_file=False))
            or (
                name in ALIAS_VARIABLES and self.clarifai_file and self.openai_endpoint is not False
            )
        )

    @functools.cached_property
    def openai_endpoint(self) -> Optional[bool]:
        """Where the file points OpenAI's clients through the environment
        (`os.environ["OPENAI_BASE_URL"] = "https://api.clarifai.com/..."`, `setdefault`,
        `update`): True for Clarifai, False for another host (a vLLM server, Together), None
        where it does not say (nowhere, or a local address)."""
        lines = sorted(
            {line for name in _OPENAI_ENDPOINT_VARIABLES for line in self.scan.lines_naming(name)}
        )
        texts = [
            text
            for node, scope in self.walker.near(lines)
            for value in written_to(node, OPENAI_ENDPOINT_NAMES)
            for text in self.values.strings(value, scope)
        ]
        pointed = points_elsewhere(texts)
        return None if pointed is None else not pointed

    def credential_var(self, node: Optional[ast.expr]) -> Optional[str]:
        """The credential variable that `node` spells, if it spells one."""
        if node is None:
            return None
        return next((n for n in self.strings(node) if self.is_credential_var(n)), None)

    def strings(self, node: ast.expr) -> Iterator[str]:
        """The fully known strings that `node`, in the current scope, may evaluate to."""
        return self.values.strings(node, self.scope)

    def texts(self, node: ast.expr) -> list[str]:
        """The strings that `node`, in the current scope, may evaluate to, with `UNKNOWN` for
        the parts that are not known: a command line with a field such as `{payload}`."""
        return [joined(template) for template in self.values.of(node, self.scope)]

    def span(self, node: ast.expr | ast.stmt | ast.arg | ast.keyword) -> Span:
        return self.positions.span(node)

    # -- imports ---------------------------------------------------------------------------

    def qualname(self, node: ast.expr) -> Optional[str]:
        """`clarifai.client.model.Model.from_current_context` for `Model.from_current_context`."""
        name = dotted(node)
        return None if name is None else self.resolved(name)

    def resolved(self, name: str) -> Optional[str]:
        """`assemblyai.settings.api_key` for `aai.settings.api_key`, if `aai` is imported."""
        head, _, rest = name.partition(".")
        base = self.imports.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def in_clarifai(self, node: ast.expr) -> bool:
        qualname = self.qualname(node)
        return qualname is not None and _in_clarifai(qualname)

    def sent_elsewhere(
        self,
        name: str,
        scope: Scope,
        *,
        by_url: bool = False,
        until: Optional[tuple[int, int]] = None,
    ) -> bool:
        """Whether a value bound to `name` is passed to a call that goes to another service
        (`api_key = "..."`, then `flickrapi.FlickrAPI(api_key, secret)`), or written into a
        value bound to a name that is (`url = f"...&appid={api_key}"`, then
        `requests.get(url)`): breadth-first over at most `_CARRIERS` such names, so that the
        answer does not depend on which sink asked first. With `by_url`, and for a value
        carried inside another (`auth=(user, api_key)`), only a call given another service's
        URL counts (see `foreign`). With `until` (the lines from a binding to the next one
        of the name), only what that binding reaches is asked of the name itself."""
        key = (name, None if "." in name else id(scope), by_url, until)
        found = self._sent.get(key)
        if found is None:
            found = self._sent[key] = self._sends(name, scope, by_url, until)
        return found

    def _sends(
        self, name: str, scope: Scope, by_url: bool, until: Optional[tuple[int, int]]
    ) -> bool:
        queue = [(name, scope)]
        seen = {(name, id(scope))}
        for index, (name, scope) in enumerate(queue):
            # Not a function's own binding of the name: `headers` there is another value.
            lines = self.reach(name, scope, everywhere="." in name, exact=True)
            if index == 0 and until is not None:
                lines = [line for line in lines if until[0] <= line < until[1]]
            nodes = self.walker.near(lines)
            on_lines = set(lines)
            passed = _passed_in(nodes, self.own_class)
            calls = list(passed.get(name, ()))
            if ".[" in name:
                # An entry's own entries are its value: `OPTIONS["api_key"]["default"]`.
                calls += [
                    c for n, found in passed.items() if n.startswith(name + ".[") for c in found
                ]
            # Given to a request to Clarifai too (`headers` for `api.clarifai.com` and a backup
            # host), also inside its headers or through a name that carries it (`query =
            # urlencode(...)`), what the binding holds is Clarifai's: where the lines are this
            # binding's.
            if ((index == 0 and until is not None) or len(self.bindings(name, scope)) <= 1) and any(
                line in on_lines and self._toward_clarifai(call, inner)
                for call, line, inner, _ in calls
            ):
                return False
            for call, line, inner, direct in calls:
                if line in on_lines and (
                    self.foreign(call, inner, by_url=by_url or not direct)
                    or (by_url or not direct)
                    and self.client_elsewhere(call, inner)
                    or direct
                    and self._given_elsewhere(call, name)
                ):
                    return True
            for carrier, inner in _carriers(nodes, name):
                if (carrier, id(inner)) not in seen and len(queue) < _CARRIERS:
                    seen.add((carrier, id(inner)))
                    queue.append((carrier, inner))
        return False

    def _given_elsewhere(self, call: ast.Call, name: str) -> bool:
        """Whether `call`, of a function or class of the file's own, gives `name` to a
        parameter that it sends to another service and not to Clarifai (`fetch_weather("Oslo",
        api_key=API_KEY)`)."""
        if not isinstance(call.func, ast.Name) or self._definition(call.func.id) is None:
            return False
        function = call.func.id
        given = [k.arg for k in call.keywords if k.arg and dotted(k.value) == name]
        positional = self.parameters(function)
        given += [p for a, p in zip(call.args, positional) if dotted(a) == name]
        return any(
            self.sends_elsewhere(function, parameter)
            and not self.sends_to_clarifai(function, parameter)
            for parameter in given
        )

    def goes_elsewhere(self, node: ast.expr, *, by_url: bool = False) -> bool:
        """Whether a value written here goes to another service: given to such a call, or
        bound to a name that is (not a dict's entry, whose key is no name); given to
        `urlencode` or `quote`, where the text it writes goes."""
        caller = self.callers.get(id(node))
        if caller is not None and leaf(dotted(caller.func) or "") in _ENCODERS:
            return self.goes_elsewhere(caller, by_url=True)
        if caller is not None and self.foreign(caller, by_url=by_url):
            return True
        name = self.bound_to(node)
        if name is None or id(node) in self._entries:
            return False
        return self.sent_elsewhere(name, self.scope, by_url=by_url, until=self.until(name, node))

    def option_sent_elsewhere(self, dest: str) -> bool:
        """Whether an option's value, read as an attribute named for its `dest` (`args.api_key`,
        whatever the parsed namespace is called), is sent to another service."""
        read = {
            dotted(node)
            for node, _ in self.walker.near(self.lines_naming(dest))
            if isinstance(node, ast.Attribute) and node.attr == dest
        }
        return any(self.sent_elsewhere(name, None) for name in read if name)

    def entry_sent_elsewhere(self, name: str, credential: str, value: ast.expr) -> bool:
        """Whether the `credential` entry of the dict that the plain `name` is bound to here,
        `value`, is read back into a call to another service (`cfg["api_key"]` in another
        host's request): in this binding's scope, before the name is bound again."""
        if "." in name:
            return False
        until = self.until(name, value)
        end = getattr(self.scope, "end_lineno", None)
        last = until[1] if until is not None else (end + 1 if end else sys.maxsize)
        entry = f"{name}.[{credential!r}]"
        return self.sent_elsewhere(entry, self.scope, until=(value.lineno, last))

    def until(self, name: str, value: ast.expr) -> Optional[tuple[int, int]]:
        """The lines from where a plain name is bound to `value` to where it is bound next in
        its scope, as pasted snippets each bind `headers`; None where no later binding is."""
        if "." in name:
            return None
        later = [
            bound.lineno
            for bound, _ in self.bindings(name, self.scope)
            if bound.lineno > value.lineno
        ]
        return (value.lineno, min(later)) if later else None

    def requests_elsewhere(self, owner: str, scope: Scope) -> bool:
        """Whether an object's requests go to another service, and none to Clarifai: it is
        made by a call given that service's URL (`request = Request("https://api.github.com/
        user")`), or its requests, wherever its binding is read (every function that reads a
        module's object), name another host (`session.get("https://...")`); for `self` in a
        session or client class of the file's own (`class SentrySession(requests.Session)`),
        anywhere in that class; for an opener that `urllib`'s `install_opener(opener)`
        installs, also its `urlopen(...)` calls. In a file that writes Clarifai's `Key` scheme,
        and for an installed opener, each request must name another host, and the object must
        not be given to other code nor returned: a request whose URL the code does not spell
        may go to Clarifai. (Else a `Bearer` token's client is judged by the URLs it spells, as
        pagination reads the next page's URL from a response.)"""
        bound = self.bindings(owner, scope)
        homes = {id(where): where for _, where in bound}
        home = scope
        if "." not in owner and owner not in ("self", "cls") and len(homes) == 1:
            # A plain name bound once, in the module or a function around `scope`: that
            # object, wherever it is read.
            (where,) = homes.values()
            if where is None or scope is not None and _encloses(where, scope):
                home = where
        key = (owner, id(home))
        found = self._requested.get(key)
        if found is None:
            found = self._requested[key] = self._requests_elsewhere(owner, scope, home, bound)
        return found

    @functools.cached_property
    def _writes_key(self) -> bool:
        """Whether the file writes Clarifai's `Key` scheme: `"Key " + pat`, `SCHEME = "Key"`, a
        header line `"Authorization: Key ..."`."""
        return _KEY_WRITTEN.search(self.scan.data) is not None

    def _requests_elsewhere(
        self, owner: str, scope: Scope, home: Scope, bound: Sequence[tuple[ast.expr, Scope]]
    ) -> bool:
        strict = self._writes_key
        elsewhere = any(
            isinstance(value, ast.Call) and self.foreign(value, where, by_url=True)
            for value, where in bound
        )
        lines = self.reach(owner, home, everywhere="." in owner, exact=True)
        client = self._client_class(scope) if owner == "self" else None
        if client is not None:
            lines = list(range(client.lineno, (client.end_lineno or client.lineno) + 1))
        installed = b"install_opener" in self.scan.data and self._installed(owner, lines)
        # Every `urlopen` in the file goes through an installed opener, with any URL.
        strict = strict or installed
        if installed:
            lines = sorted(set(lines).union(self.lines_naming("urlopen")))
        for node, inner in self.walker.near(lines):
            if strict and _hands_on(node, owner):
                return False
            if isinstance(node, ast.Call) and (
                isinstance(node.func, ast.Attribute)
                and dotted(node.func.value) == owner
                or installed
                and self.qualname(node.func) == "urllib.request.urlopen"
            ):
                texts = [text for a in _endpoints(node) for text in self._texts(a, inner)]
                if any("clarifai" in text for text in texts):
                    return False
                hosts = any(_HOST.search(text) for text in texts)
                if strict and not hosts and _sends_request(node):
                    return False
                elsewhere = elsewhere or hosts
        return elsewhere

    def _installed(self, owner: str, lines: list[int]) -> bool:
        """Whether one of `lines` installs `owner` as `urllib`'s opener."""
        return any(
            isinstance(node, ast.Call)
            and self.qualname(node.func) == "urllib.request.install_opener"
            and [dotted(a) for a in node.args] == [owner]
            for node, _ in self.walker.near(lines)
        )

    def _client_class(self, scope: Scope) -> Optional[ast.ClassDef]:
        """The class that the method `scope` belongs to, where it subclasses a session or a
        client (`requests.Session`, `httpx.Client`), whose requests it makes itself."""
        definition = self.class_of(scope) if scope is not None else None
        if definition is None:
            return None
        bases = [leaf(dotted(base) or "") for base in definition.bases]
        return definition if any(b.endswith(("Session", "Client")) for b in bases) else None

    def class_of(self, statement: ast.AST) -> Optional[ast.ClassDef]:
        """The class whose own body holds `statement` (a method, a field), if any."""
        classes = self.classes_at(getattr(statement, "lineno", 0))
        return classes[-1] if classes and statement in classes[-1].body else None

    def only_compared(self, name: str, scope: Scope) -> bool:
        """Whether every read of the plain `name` compares it (`if key != API_KEY`,
        `hmac.compare_digest(token.encode(), API_KEY.encode())`): a key that requests to this
        code must carry, not one that it sends."""
        reads: set[int] = set()
        compared: set[int] = set()
        for node, _ in self.walker.near(self.reach(name, scope, everywhere=False, exact=True)):
            reads.update(
                id(child)
                for child in ast.iter_child_nodes(node)
                if isinstance(child, ast.Name)
                and child.id == name
                and isinstance(child.ctx, ast.Load)
            )
            if isinstance(node, ast.Compare):
                operands: list[ast.AST] = [node.left, *node.comparators]
            elif isinstance(node, ast.Call) and leaf(dotted(node.func) or "") == "compare_digest":
                operands = list(node.args)
            else:
                continue
            compared.update(
                id(inner)
                for operand in operands
                for inner in ast.walk(operand)
                if isinstance(inner, ast.Name) and inner.id == name
            )
        return bool(reads) and reads <= compared

    def headers_elsewhere(self, holder: Optional[str], scope: Scope) -> bool:
        """Whether `holder` is the headers of a client whose every request goes to another
        service (`gh.headers`, `opener.addheaders`); not `self.headers`, which every
        `self.x(url)` would judge."""
        owner, _, attribute = (holder or "").rpartition(".")
        return (
            attribute in ("headers", "addheaders")
            and owner.isidentifier()
            and owner not in ("self", "cls")
            and self.requests_elsewhere(owner, scope)
        )

    def client_elsewhere(self, call: ast.Call, scope: Scope) -> bool:
        """Whether the client that `call` makes sends its requests to another service: it is
        bound to a plain name (`with httpx.Client(headers=...) as gh:`), and that name's
        requests go there (see `requests_elsewhere`). A request's response is no client.
        Headers added to a client's own (`session.headers.update(...)`) go where it sends."""
        if isinstance(call.func, ast.Attribute):
            if self.headers_elsewhere(dotted(call.func.value), scope):
                return True
        callee = self.callee(call)[0]
        if isinstance(callee, ast.Attribute) and callee.attr in _REQUESTS:
            return False
        qualname = self.qualname(callee)
        if qualname is not None and leaf(qualname) in _REQUESTS:
            return False
        # `httpx.Client(base_url="https://api.clarifai.com", headers=...)`
        if any("clarifai" in text for a in arguments(call) for text in self._texts(a, scope)):
            return False
        names = [
            target.id
            for node, _ in self.walker.near([call.lineno])
            if type(node) in (ast.Assign, ast.With, ast.AsyncWith)
            for target, value in bound_pairs(node)
            if value is call and isinstance(target, ast.Name)
        ]
        return bool(names) and self.requests_elsewhere(names[0], scope)

    def callee(self, call: ast.Call) -> tuple[ast.expr, list[ast.expr]]:
        """The function a call calls and its positional arguments; `partial(Model, pat=...)`
        passes its arguments on to `Model`, Ray's `Tagger.remote(...)` (also after
        `.options(...)`) to the file's own `Tagger`, and `cls(...)` in a class method to its
        class."""
        if call.args and self.qualname(call.func) == "functools.partial":
            return call.args[0], call.args[1:]
        func = call.func
        method = dotted(func)
        if isinstance(func, ast.Name) and func.id == "cls":
            # `cls("<url>", "<key>")` in a class method makes the class it is defined in.
            classes = self.classes_at(call.lineno)
            if classes and self._definition(classes[-1].name) is not None:
                return ast.copy_location(ast.Name(classes[-1].name, ast.Load()), func), call.args
        if isinstance(func, ast.Attribute) and method and self._definition(method) is not None:
            # `Client.from_key("<key>")`, a class or static method of the file's own class.
            return ast.copy_location(ast.Name(method, ast.Load()), func), call.args
        if isinstance(func, ast.Attribute) and func.attr == "remote":
            target = func.value
            if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute):
                target = target.func.value if target.func.attr == "options" else target
            if isinstance(target, ast.Name) and self._definition(target.id) is not None:
                return target, call.args
        worker = self._worker(call)
        return worker if worker is not None else (func, call.args)

    def _worker(self, call: ast.Call) -> Optional[tuple[ast.expr, list[ast.expr]]]:
        """The file's own function that a call hands to a worker, with the arguments it gets:
        `pool.submit(upload, url, key)`, `loop.run_in_executor(None, upload, url, key)`,
        `Thread(target=upload, args=(url, key))`, `Pool(initializer=init, initargs=(key,))`."""
        func = call.func
        given: list[ast.expr] = []
        if isinstance(func, ast.Attribute) and func.attr in _SUBMITS and call.args:
            skip = 1 if func.attr == "run_in_executor" else 0
            given = call.args[skip:]
        keywords = {k.arg: k.value for k in call.keywords if k.arg} if call.keywords else {}
        for target, handing in _HANDED_TO:
            if target in keywords:
                handed = keywords.get(handing)
                items = handed.elts if isinstance(handed, (ast.Tuple, ast.List)) else []
                given = [keywords[target], *items]
        if given and isinstance(given[0], ast.Name) and self._definition(given[0].id):
            return given[0], given[1:]
        return None

    def foreign(self, call: ast.Call, scope: Scope = None, *, by_url: bool = False) -> bool:
        """Whether `call` (in `scope`, or the current one) goes to another service: its callee
        is imported, its import path names no Clarifai, none of its arguments does, and it is
        given a URL of another host (`requests.get("https://api.example.com", params=...)`), or
        it is a class or a class's method (`NewsApiClient(api_key=...)`,
        `SearchClient.create(...)`), or it is in a package of another service
        (`datadog.initialize`). A generic credential name (`api_key`, `token`) there is that
        service's. With `by_url`, only the URL counts: a transport class
        given headers may be given a Clarifai URL that the code does not spell
        (`StreamableHttpTransport(url=helper.mcp_api_url(), headers=...)`). A method of an
        object that another package made is judged by `_made_elsewhere`."""
        callee, positional = self.callee(call)
        qualname = self.qualname(callee)
        where = self.scope if scope is None else scope
        if qualname is None:
            if not isinstance(callee, ast.Attribute):
                return False
            if callee.attr not in _REQUESTS:
                return self._made_elsewhere(call, callee, where)
            # An HTTP client's request (`session.get(url, params=...)`): its URL says where.
            qualname, by_url = callee.attr, True
        if of_another_service(qualname):
            return True
        if "clarifai" in qualname.lower():
            return False
        if any("clarifai" in text for a in arguments(call) for text in self._texts(a, where)):
            return False
        made_for = self._made_for(call, callee, where) + self._connection_hosts(call, where)
        if any("clarifai" in text for text in made_for):
            return False
        # `partial(requests.post, url, auth=...)` calls `requests.post(url, auth=...)`.
        endpoints = _endpoints(ast.Call(callee, positional, call.keywords))
        if any(_HOST.search(text) for a in endpoints for text in self._texts(a, where)):
            return True
        if any(_HOST.search(text) for text in made_for):
            return True
        if (
            qualname in ROUTED
            and not any(map(_reads_clarifai_variable, arguments(call)))
            and any(text for a in _models(call) for text in self._texts(a, where))
            and not self.routed_by_environment(call, where)
        ):
            return True
        # Past the package, which may be spelt in capitals (`PIL`).
        parts = qualname.split(".")
        return not by_url and any(part[:1].isupper() for part in parts[1:] or parts)

    def _made_elsewhere(self, call: ast.Call, method: ast.Attribute, scope: Scope) -> bool:
        """Whether a method of an object that another package made goes to another host by
        an endpoint keyword of its own: `get_session().create_client("s3", endpoint_url=
        "https://...")`, also where `session = get_session()` is the name's one binding. Not
        by its other URLs, which may be an image's, nor by where the object itself goes, as a
        vault's or a cache's `set(name, value)` stores a value there; a connection's or a gRPC
        stub's calls go where its host or channel does."""
        receiver, made_in = self._made_of(method.value, scope)
        if not isinstance(receiver, ast.Call):
            return False
        made_by = self.qualname(receiver.func)
        if made_by is None or "clarifai" in made_by.lower():
            return False
        if any("clarifai" in text for a in arguments(call) for text in self._texts(a, scope)):
            return False
        # Beside Clarifai's coordinates, given to the method or the object, the endpoint is a
        # source: `push(endpoint_url=..., user_id=..., app_id=..., api_key=...)`.
        if _COORDINATES <= {k.arg for k in [*call.keywords, *receiver.keywords]}:
            return False
        endpoints = [k.value for k in call.keywords if k.arg and _OWN_ENDPOINT.fullmatch(k.arg)]
        texts = [text for a in endpoints for text in self._texts(a, scope)]
        texts += self._connection_hosts(receiver, made_in)
        return not any("clarifai" in text for text in texts) and any(map(_HOST.search, texts))

    def _made_of(self, node: ast.expr, scope: Scope) -> tuple[ast.expr, Scope]:
        """The value that a plain name bound once holds, with its scope (`session` for
        `session = get_session()`); else `node` itself."""
        if isinstance(node, ast.Name):
            bound = self.bindings(node.id, scope)
            if len(bound) == 1:
                return bound[0]
        return node, scope

    def routed_by_environment(self, call: ast.Call, scope: Scope = None) -> bool:
        """Whether a call that LiteLLM routes goes where the file points OpenAI's clients:
        its model is OpenAI's (`openai/gpt-4o`, `gpt-4o`), whose endpoint LiteLLM reads from
        `OPENAI_API_BASE` or `OPENAI_BASE_URL` when the call gives none, and the file points
        those at Clarifai."""
        if not self.openai_endpoint or any(k.arg and names_endpoint(k.arg) for k in call.keywords):
            return False
        where = self.scope if scope is None else scope
        models = {text for a in _models(call) for text in self._texts(a, where)} - {""}
        return bool(models) and all(_openai_model(model) for model in models)

    def _made_for(self, call: ast.Call, callee: ast.expr, scope: Scope) -> list[str]:
        """Where the object that a request is made on goes, as URLs: the host of a connection
        (`conn = http.client.HTTPSConnection("api.example.com")`, then `conn.request(...)`), the
        base URL of a client (`client = httpx.Client(base_url=...)`, then `client.post(...)`).
        Of a name bound more than once (pasted snippets each open `conn`), the binding last
        before the request."""
        if not (isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name)):
            return []
        found = []
        bindings = self.bindings(callee.value.id, scope)
        before = [pair for pair in bindings if pair[0].lineno <= call.lineno]
        for value, where in before[-1:] or bindings:
            if not isinstance(value, ast.Call):
                continue
            found += self._connection_hosts(value, where)
            found += [text for a in _endpoint_keywords(value) for text in self._texts(a, where)]
        return found

    def _connection_hosts(self, call: ast.Call, scope: Scope) -> list[str]:
        """The host that a connection is made for, as a URL: `https://api.example.com` for
        `http.client.HTTPSConnection("api.example.com")`, or a gRPC channel's target, also for a
        stub made on one (`GeoStub(grpc.secure_channel("geo.example.com:443", ...))`); not a
        local one."""
        if self.qualname(call.func) not in _HOSTED:
            given = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "channel")]
            for channel, where in (self._made_of(argument, scope) for argument in given):
                if isinstance(channel, ast.Call) and self.qualname(channel.func) in _CHANNELS:
                    return self._connection_hosts(channel, where)
            return []
        hosts = [*call.args[:1], *(k.value for k in call.keywords if k.arg in _HOST_KEYWORDS)]
        # A local server or proxy says nothing of where requests go.
        return [
            f"https://{text}"
            for a in hosts
            for text in self._texts(a, scope)
            if text and text not in _LOCAL_HOSTS and text.partition(":")[0] not in _LOCAL_HOSTS
        ]

    def _toward_clarifai(self, call: ast.Call, scope: Scope) -> bool:
        """Whether a request names a Clarifai URL: `requests.post("https://api.clarifai.com/
        v2/...", headers=headers)`."""
        return any(
            _HOST.search(text) is not None and "clarifai.com" in text
            for argument in arguments(call)
            for text in self._texts(argument, scope)
        )

    def _texts(self, argument: ast.expr, scope: Scope) -> list[str]:
        """What an argument may say, lowered: its values, its own text, and the value of the
        base a URL is built on (`URL + f"parts/{n}"`); a parameter's value is not known here."""
        texts = [written_text(argument) or ""]
        for part in (argument, _head(argument)):
            if not (isinstance(part, ast.Name) and _is_parameter(part.id, scope)):
                texts += self.values.strings(part, scope)
                if isinstance(part, ast.Name):
                    # A URL bound with fields of its own: `f"https://host/...?q={city}"`, or
                    # on a base: `f"{BASE}/sets/{n}"`.
                    for value, where in self.bindings(part.id, scope):
                        texts.append(_template(value) or "")
                        head = _head(value)
                        if isinstance(head, ast.Name) and head is not value:
                            if not _is_parameter(head.id, where):
                                texts += self.values.strings(head, where)
        return [text.lower() for text in texts]

    @property
    def imports(self) -> dict[str, str]:
        """Local name -> what it imports; `os` is the module unless an import says otherwise,
        as in a snippet or a notebook's later cell that uses it without importing it (the fix
        imports it)."""
        if self._imports is None:
            nodes = (
                self.walker.everything()
                if self._full
                else self.walker.near(self.scan.lines_naming(b"import"))
            )
            self._imports = _imports(node for node, _ in nodes)
            if "os" not in self._imports and not self._binds_os():
                self._imports["os"] = "os"
        return self._imports

    def _binds_os(self) -> bool:
        """Whether the file binds `os` to anything but the module (`os = Env()`, `def
        configure(os)`), looking only at the statements on the lines that name it."""
        nodes = [node for node, _ in self.walker.near(self.scan.lines_naming(b"os"))]
        names = [child for node in nodes if type(node) in _BINDERS for child in ast.walk(node)]
        return binds_os_elsewhere(nodes + names)

    def parameters(self, name: str) -> list[str]:
        """The positional parameters of the function or class that this file defines as `name`
        at its top level (a class's `__init__` without `self`, or a dataclass's, a
        `NamedTuple`'s or a `namedtuple("Auth", "user_id pat")`'s fields), as a call passes
        arguments to them."""
        definition = self._definition(name)
        if definition is not None:
            return _positional(definition)
        if self._named_tuples is None:
            self._named_tuples = dict(
                pair for node in self.walker.top_level() for pair in _named_tuple(node)
            )
        return self._named_tuples.get(name, [])

    def sends_to_clarifai(self, name: str, parameter: str) -> bool:
        """Whether the function or class that this file defines as `name` at its top level
        sends its `parameter` to Clarifai: a statement in it that names the parameter also
        names Clarifai, something the file imports from it (`Model`, `service_pb2_grpc`), or
        Clarifai's `Key` scheme (`f"Key {api_key}"`)."""
        return _asked(self._sends_clarifai, name, parameter, self._sends_to_clarifai)

    def _sends_to_clarifai(self, name: str, parameter: str) -> bool:
        definition = self._definition(name)
        if definition is None:
            return False
        first, last = definition.lineno, definition.end_lineno or definition.lineno
        function = _taking(definition, parameter)
        naming = [line for line in self.lines_naming(parameter) if first <= line <= last]
        # What the class keeps it as: `self._key = key`, then `ClarifaiApp(api_key=self._key)`.
        for attribute in _kept_as(function, parameter) if function is not None else ():
            naming += [
                line
                for line in self.lines_naming(attribute)
                if first <= line <= last
                and self.scan.mentions(b"self." + attribute.encode(), line, line)
            ]
        # What carries it on: `kwargs = {"pat": key}`, then `Workflow(**kwargs)`.
        for carrier in _carried_by(function, parameter) if function is not None else ():
            naming += [line for line in self.lines_naming(carrier) if first <= line <= last]
        naming = sorted(set(naming))
        imported = [local for local, path in self.imports.items() if _in_clarifai(path)]
        clarifai_lines = {line for local in imported for line in self.lines_naming(local)}
        for start, end in self._statements_on(naming):
            if (
                self.scan.mentions(CLARIFAI, start, end, lowered=True)
                or self._writes_key_scheme(start, end)
                or any(start <= line <= end for line in clarifai_lines)
            ):
                return True
        return any(
            self.sends_to_clarifai(*passed) for passed in self._passed_on(function, parameter)
        )

    def _passed_on(self, function: Optional[ast.AST], parameter: str) -> list[tuple[str, str]]:
        """(function, its parameter) for each call in `function` that passes `parameter` on, as
        it is, to another function or class of the file's own: `def run(key): return
        post(API, key)`, also from a function nested in it, which sees the parameter."""
        if function is None:
            return []
        found = []
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            callee = self.callee(node)[0]
            name = dotted(callee)
            if name is None or self._definition(name) is None:
                continue
            positional = self.parameters(name)
            for index, argument in enumerate(node.args[: len(positional)]):
                if isinstance(argument, ast.Name) and argument.id == parameter:
                    found.append((name, positional[index]))
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg and isinstance(value, ast.Name) and value.id == parameter:
                    found.append((name, keyword.arg))
        return found

    def gives_as_credential(self, name: str, parameter: str) -> bool:
        """Whether the function or class that this file defines as `name` at its top level
        gives its `parameter` to a call as a credential keyword (`def make(key): return
        Model(url=..., pat=key)`) or writes it in an `Authorization` header or metadata pair
        with Clarifai's scheme (`{"Authorization": "Key " + key}`), whatever the parameter is
        called."""
        return _asked(self._gives, name, parameter, self._gives_as_credential)

    def _gives_as_credential(self, name: str, parameter: str) -> bool:
        definition = self._definition(name)
        function = _taking(definition, parameter)
        if definition is None or function is None:
            return False
        # In a class, also what its methods give as `self.k` after `self.k = k`.
        kept = _kept_as(function, parameter)
        attributes = {f"self.{attribute}" for attribute in kept}
        if _gives_credential(function, {parameter}) or (
            kept and _gives_credential(definition, attributes)
        ):
            return True
        # An `Authorization` header or metadata pair with Clarifai's scheme: `"Key " + key`,
        # or `"Key " + self.k`; also through a local that writes the scheme first (`st = "Key "
        # + key`, then `{"Authorization": st}`).
        words = {parameter, *kept}
        first, last = definition.lineno, definition.end_lineno or definition.lineno
        naming = [
            line for word in words for line in self.lines_naming(word) if first <= line <= last
        ]
        if any(
            self._writes_key_scheme(start, end)
            and self.scan.mentions(AUTHORIZATION, start, end, lowered=True)
            for start, end in self._statements_on(naming)
        ):
            return True
        own = list(_own_nodes(function, parameter))
        schemed = {
            target.id
            for node in own
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            and node.value is not None
            and _writes_scheme(node.value, parameter)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        if schemed and any(_authorizes(node, schemed) for node in own):
            return True
        return any(
            self.gives_as_credential(*passed) for passed in self._passed_on(function, parameter)
        )

    def placed(self, name: str, parameter: str) -> list[tuple[ast.Call, int]]:
        """The calls in the function or class that this file defines as `name` at its top
        level that pass its `parameter` by position, as it is or as the attribute of `self` it
        is kept as (`ClarifaiApp(self.api_id, self.api_secret)`), each with the position."""
        found = self._placed.get((name, parameter))
        if found is None:
            definition = self._definition(name)
            function = _taking(definition, parameter)
            found = self._placed[name, parameter] = []
            if definition is not None and function is not None:
                kept = {f"self.{attribute}" for attribute in _kept_as(function, parameter)}
                for node, names in ((function, {parameter}), (definition, kept)):
                    found += [
                        (call, index)
                        for call in ast.walk(node)
                        if isinstance(call, ast.Call)
                        for index, argument in enumerate(call.args)
                        if dotted(argument) in names
                    ]
        return found

    def _writes_key_scheme(self, first: int, last: int) -> bool:
        """Whether a string on lines `first` to `last` starts with Clarifai's scheme:
        `"Key "`, `f'Key {pat}'` (not a comment's `the API Key from ...`)."""
        return any(self.scan.mentions(quoted, first, last) for quoted in _KEY_SCHEME)

    def sends_elsewhere(self, name: str, parameter: str) -> bool:
        """Whether the function or class that this file defines as `name` at its top level
        sends its `parameter` to another service (`def fetch_weather(city, api_key)` that gives
        it to `requests.get("https://api.openweathermap.org/...", params=...)`)."""
        return _asked(self._sends_other, name, parameter, self._sends_elsewhere)

    def _sends_elsewhere(self, name: str, parameter: str) -> bool:
        function = _taking(self._definition(name), parameter)
        return function is not None and (
            self.sent_elsewhere(parameter, function)
            or any(self.sends_elsewhere(*passed) for passed in self._passed_on(function, parameter))
        )

    def _statements_on(self, lines: Sequence[int]) -> list[tuple[int, int]]:
        """The first and last lines of the simple statement that holds each of `lines`, if
        any: not a `def` line that only declares a parameter, nor a block around the uses."""
        spans = []
        nodes = [
            node
            for node, _ in self.walker.near(lines)
            if isinstance(node, ast.stmt) and not hasattr(node, "body")
        ]
        for line in lines:
            holding = [
                (node.lineno, node.end_lineno or node.lineno)
                for node in nodes
                if node.lineno <= line <= (node.end_lineno or node.lineno)
            ]
            if holding:
                spans.append(min(holding, key=lambda span: span[1] - span[0]))
        return spans

    def classes_at(self, line: int) -> list[ast.ClassDef]:
        """The classes that `line` stands in (in their bodies or methods), from the top-level
        one to the innermost: `[Settings, Twilio]` for `class Settings:` holding `class Twilio:`."""
        found = []
        statement = self.top_level_at(line)
        while isinstance(statement, ast.ClassDef):
            found.append(statement)
            statement = next(
                (
                    inner
                    for inner in statement.body
                    if isinstance(inner, ast.ClassDef)
                    and inner.lineno <= line <= (inner.end_lineno or inner.lineno)
                ),
                None,
            )
        return found

    def top_level_at(self, line: int) -> Optional[ast.stmt]:
        """The module's own statement that spans `line`, if any."""
        statements, starts = self._top_level
        index = bisect.bisect_right(starts, line) - 1
        if index < 0:
            return None
        statement = statements[index]
        return statement if line <= (statement.end_lineno or statement.lineno) else None

    @functools.cached_property
    def _top_level(self) -> tuple[list[ast.stmt], list[int]]:
        statements = self.walker.top_level()
        return statements, [statement.lineno for statement in statements]

    def _definition(self, name: str) -> Optional[Definition]:
        """The function or class this file defines as `name` at its top level (also a lambda
        bound to it: `auth = lambda k: (("authorization", "Key " + k),)`), or the class or
        static method `Class.method` of such a class."""
        if self._definitions is None:
            self._definitions = {}
            for node in reversed(self.walker.top_level()):
                if isinstance(node, _DEFINITIONS):
                    self._definitions[node.name] = node
                elif (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Lambda)
                    and [type(target) for target in node.targets] == [ast.Name]
                ):
                    self._definitions[node.targets[0].id] = node.value  # type: ignore[attr-defined]
                if isinstance(node, ast.ClassDef):
                    for method in node.body:
                        if isinstance(method, ast.FunctionDef) and decorated(method, _FACTORIES):
                            self._definitions[f"{node.name}.{method.name}"] = method
        return self._definitions.get(name)

    def own_class(self, name: str) -> bool:
        """Whether this file defines a class `name` at its top level."""
        return isinstance(self._definition(name), ast.ClassDef)

    # -- bindings --------------------------------------------------------------------------

    def bindings(self, name: str, scope: Scope) -> Sequence[tuple[ast.expr, Scope]]:
        """The values bound to the dotted `name` as seen from `scope`, in source order.

        A name bound in a function is that function's; otherwise the module's bindings count,
        or, failing those, any. Attributes are the same object everywhere: `self.x` finds every
        `self.x`, or else a class field `x`, as code reads class fields through `self`: its own
        class's, where that class has one (another class's `BASE` is another URL).
        """
        if "." in name:
            self._index(leaf(name), None, everywhere=True)
            found = self._bindings.get(name)
            if found is None and not name.endswith("]"):
                found = self._bindings.get(leaf(name))
                if found and name.count(".") == 1 and name.startswith(("self.", "cls.")):
                    found = self._of_own_class(found, scope) or found
        else:
            found = self._resolve(name, scope)
        # In source order, whichever order the walk met them in.
        return sorted(found or [], key=lambda pair: (pair[0].lineno, pair[0].col_offset))

    def _of_own_class(
        self, found: Sequence[tuple[ast.expr, Scope]], scope: Scope
    ) -> list[tuple[ast.expr, Scope]]:
        """The bindings in `found` that stand in the body of the class whose method `scope` is,
        or of a class of the file derived from it, which may override them."""
        classes = self.classes_at(getattr(scope, "lineno", 0))
        if not classes:
            return []
        own = classes[-1]
        derived = [
            statement
            for statement in self.walker.top_level()
            if isinstance(statement, ast.ClassDef)
            and any(leaf(dotted(base) or "") == own.name for base in statement.bases)
        ]
        return [
            pair
            for pair in found
            if any(
                c.lineno <= pair[0].lineno <= (c.end_lineno or c.lineno) for c in [own, *derived]
            )
        ]

    def reach(self, name: str, scope: Scope, *, everywhere: bool, exact: bool = False) -> list[int]:
        """The sorted lines where a value bound to the dotted `name` in `scope` may be read: all
        that name it if `everywhere`, as for attributes and dicts (`config["pat"]` reads a dict's
        entries from any scope). Unless `exact`, a few lines are all taken: walking them costs
        less than placing them in their scopes."""
        identifier = leaf(name)
        naming = self.lines_naming(identifier)
        if everywhere or (not exact and len(naming) <= _FEW):
            return naming
        uses = self._uses(identifier)
        lines = uses.within(scope)
        if scope is None or id(None) not in uses.binders:
            # Read in every scope that does not bind it; a function's binding only in the
            # function when the module binds the name.
            lines += uses.unbound
        return sorted(set(lines))

    def bound_to(self, literal: ast.expr) -> Optional[str]:
        """The dotted name, or dict key, that `literal` is directly bound to."""
        return self._bound_to.get(id(literal))

    def path_to(self, value: ast.expr) -> Optional[str]:
        """The name a value is bound to, with the dict keys on the way to it for a dict's entry
        (`CLARIFAI_APPS.['moderation']`)."""
        return self._entries.get(id(value)) or self.bound_to(value)

    def _resolve(self, name: str, scope: Scope) -> list[tuple[ast.expr, Scope]]:
        """A plain name's bindings in `scope`, else in the module, else anywhere; each step
        indexes only the lines that can hold them."""
        for where in (scope, None) if scope is not None else (None,):
            self._index(name, where)
            local = self._scoped.get((name, id(where)))
            if local:
                return local
            if _is_parameter(name, where):
                # Its callers give its value: the module's binding is another one.
                return []
        if name.endswith("()"):
            # A getter that neither the scope nor the module defines is not the file's own.
            return []
        self._index(name, None, everywhere=True)
        return self._bindings.get(name) or []

    def _index(self, identifier: str, scope: Scope, *, everywhere: bool = False) -> None:
        """Collect the bindings of `identifier` in `scope`, or in every scope."""
        if self._full:
            return
        lines = self.lines_naming(identifier)
        if not everywhere and len(lines) > _FEW:
            lines = sorted(self._uses(identifier).within(scope))
        missing = [line for line in lines if line not in self._walked]
        if missing:
            self._walked.update(missing)
            self.collect(self.walker.near(missing))

    @functools.cached_property
    def _options(self) -> bool:
        """Whether the file declares `argparse` options."""
        return b"add_argument" in self.scan.data

    def lines_naming(self, identifier: str) -> list[int]:
        """The sorted lines on which `identifier` stands as a whole word; and, in a file with
        `argparse` options, as an option spells it (`--base-url` binds `base_url`)."""
        lines = self._naming.get(identifier)
        if lines is None:
            # A getter's binding (`get_pat()`) is read by its calls, with arguments or none.
            word = identifier.removesuffix("()").encode("utf-8", "surrogatepass")
            lines = self.scan.lines_naming(word)
            if b"_" in word and self._options:
                dashed = self.scan.lines_naming(word.replace(b"_", b"-"))
                lines = sorted(set(lines).union(dashed))
            self._naming[identifier] = lines
        return lines

    def _uses(self, identifier: str) -> Uses:
        uses = self._uses_of.get(identifier)
        if uses is None:
            lines = self.lines_naming(identifier)
            uses = self._uses_of[identifier] = find_uses(self.walker, self.scan, identifier, lines)
        return uses

    def collect(
        self, nodes: Iterable[tuple[ast.AST, Scope]], lines: Iterable[int] = ()
    ) -> list[tuple[str, ast.expr, Scope]]:
        """Index the bindings among `nodes`, which are every node that spans `lines`; return
        the (name, value, scope) triples that were new."""
        self._walked.update(lines)
        found = []
        for node, scope in nodes:
            if type(node) not in BINDERS or id(node) in self._seen:
                continue
            self._seen.add(id(node))
            for target, value in bound_pairs(node):
                name = dotted(target)
                if name is None:
                    continue
                # `global k` then `k = "<key>"` in a function binds the module's `k`.
                where = None if name in self._declared_global(scope) else scope
                found.append((name, value, where))
                self._bindings[name].append((value, where))
                self._scoped[name, id(where)].append((value, where))
                self._bound_to.setdefault(id(value), name)
                if isinstance(value, ast.Dict):
                    self._collect_entries(name, value, where)
        return found

    def _declared_global(self, scope: Scope) -> frozenset[str]:
        if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return frozenset()
        names = self._globals.get(id(scope))
        if names is None and not self.scan.mentions(
            b"global", scope.lineno, scope.end_lineno or scope.lineno
        ):
            names = self._globals[id(scope)] = frozenset()
        if names is None:
            names = self._globals[id(scope)] = frozenset(
                name
                for node in ast.walk(scope)
                if isinstance(node, ast.Global)
                for name in node.names
            )
        return names

    def _collect_entries(self, name: str, value: ast.Dict, scope: Scope) -> None:
        for key, entry in zip(value.keys, value.values):
            text = string(key)
            if text is None:
                continue
            entry_name = f"{name}.[{text!r}]"
            self._bindings[entry_name].append((entry, scope))
            self._scoped[entry_name, id(scope)].append((entry, scope))
            self._bound_to.setdefault(id(entry), text)
            self._entries[id(entry)] = entry_name
            if isinstance(entry, ast.Dict):
                self._collect_entries(entry_name, entry, scope)


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
Definition = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda]


def written_to(node: ast.AST, variables: frozenset[str]) -> list[ast.expr]:
    """The values that `node` writes into one of the environment `variables`:
    `os.environ[NAME] = value`, `os.environ.setdefault(NAME, value)`, `os.putenv(NAME, value)`,
    an entry `{NAME: value}` (`os.environ.update({...})`), `update(NAME=value)`, `%env
    NAME=value`."""
    if isinstance(node, ast.Assign):
        return [
            node.value
            for target in node.targets
            if isinstance(target, ast.Subscript) and string(target.slice) in variables
        ]
    if isinstance(node, ast.Dict):
        return [
            v for k, v in zip(node.keys, node.values) if k is not None and string(k) in variables
        ]
    if isinstance(node, ast.Call):
        given = [k.value for k in node.keywords if k.arg in variables]
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if method in _ENV_SETTERS and len(node.args) == 2:
            if string(node.args[0]) in variables:
                given.append(node.args[1])
            elif method == "run_line_magic" and string(node.args[0]) in ("env", "set_env"):
                # `%env OPENAI_BASE_URL=...`, as `jupyter nbconvert` writes it.
                name, _, value = (string(node.args[1]) or "").partition("=")
                if name.strip() in variables:
                    given.append(ast.Constant(value.strip()))
        return given
    return []


_ENV_SETTERS = frozenset({"setdefault", "putenv", "run_line_magic"})


def _named_tuple(node: ast.stmt) -> Iterator[tuple[str, list[str]]]:
    """(name, fields) of `name = namedtuple("name", "a b")` (or `["a", "b"]`, `"a, b"`)."""
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call)
    ):
        fields = named_tuple_fields(node.value)
        if fields is not None:
            yield node.targets[0].id, fields


def _gives_credential(node: ast.AST, names: set[str]) -> bool:
    """Whether a call in `node` is given one of the dotted `names` as a credential keyword,
    also from a dict it unpacks (`Workflow(**{"pat": key})`, `Workflow(**kwargs)` after
    `kwargs = {"pat": key}` or `dict(pat=key)`)."""
    unpacked = _unpacked(node)
    for call in (inner for inner in ast.walk(node) if isinstance(inner, ast.Call)):
        for keyword in call.keywords:
            if keyword.arg is None:
                pairs = _entries(keyword.value) or unpacked.get(dotted(keyword.value) or "", [])
            else:
                pairs = [(keyword.arg, keyword.value)]
            if any(
                name is not None
                and dotted(value) in names
                and is_credential_name(name, clarifai_file=True)
                for name, value in pairs
            ):
                return True
    return False


def _carried_by(function: ast.AST, parameter: str) -> list[str]:
    """The names of the dicts that `function` binds with its `parameter` under a credential's
    name and unpacks into a call: `kwargs = {"pat": key}` or `dict(pat=key)`, then
    `Workflow(**kwargs)`."""
    return [
        name
        for name, pairs in _unpacked(function).items()
        if any(
            dotted(value) == parameter
            and key is not None
            and is_credential_name(key, clarifai_file=True)
            for key, value in pairs
        )
    ]


def _unpacked(node: ast.AST) -> dict[str, list[tuple[Optional[str], ast.expr]]]:
    """The entries of each dict that `node` binds to a plain name and unpacks into a call
    (`Workflow(**kwargs)`)."""
    bound: dict[str, list[tuple[Optional[str], ast.expr]]] = {}
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assign):
            for target in inner.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).extend(_entries(inner.value))
    spread = {
        keyword.value.id
        for inner in ast.walk(node)
        if isinstance(inner, ast.Call)
        for keyword in inner.keywords
        if keyword.arg is None and isinstance(keyword.value, ast.Name)
    }
    return {name: pairs for name, pairs in bound.items() if name in spread and pairs}


def _entries(value: ast.expr) -> list[tuple[Optional[str], ast.expr]]:
    """(key, value) of a dict display or a `dict(...)` call's keywords."""
    if isinstance(value, ast.Dict):
        return [(string(k) if k else None, v) for k, v in zip(value.keys, value.values)]
    if isinstance(value, ast.Call) and dotted(value.func) == "dict":
        return [(keyword.arg, keyword.value) for keyword in value.keywords]
    return []


def _kept_as(function: ast.AST, parameter: str) -> list[str]:
    """The attributes of `self` that `function` sets to its `parameter`: `self.k = k`, also
    annotated (`self.k: str = k`)."""
    return [
        target.attr
        for node in ast.walk(function)
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        and isinstance(node.value, ast.Name)
        and node.value.id == parameter
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and dotted(target.value) == "self"
    ]


def _passed_in(
    nodes: Iterable[tuple[ast.AST, Scope]], own_class: Callable[[str], bool]
) -> dict[str, list[tuple[ast.Call, int, Scope, bool]]]:
    """A dotted name -> the calls among `nodes` it is passed to: the line it stands on, the
    call's scope, and whether it is given directly (the argument itself, or a credential entry
    of a client's options) rather than carried inside one. What an auth object of the file's
    own class (`own_class`) is given is carried by the call that takes the object."""
    passed: dict[str, list[tuple[ast.Call, int, Scope, bool]]] = defaultdict(list)
    for node, scope in nodes:
        if isinstance(node, ast.Call):
            given: list[tuple[ast.expr, Optional[str], bool]] = [(a, None, True) for a in node.args]
            for keyword in node.keywords:
                given.append((keyword.value, keyword.arg, True))
                auth = keyword.value if keyword.arg == "auth" else None
                if (
                    isinstance(auth, ast.Call)
                    and isinstance(auth.func, ast.Name)
                    and own_class(auth.func.id)
                ):
                    # An auth object of the file's own class carries what it is given
                    # (`auth=BearerAuth(API_KEY)`).
                    given += [(a, None, False) for a in arguments(auth)]
            for argument, name_of, itself in given:
                entries = _credential_entries(argument, name_of)
                for carried in _carried(argument):
                    name = _value_name(carried)
                    if name is not None:
                        direct = itself and (carried is argument or carried in entries)
                        passed[name].append((node, carried.lineno, scope, direct))
    return passed


def _credential_entries(argument: ast.expr, keyword: Optional[str]) -> list[ast.expr]:
    """The values of the credential entries of a client's options, which the client takes as
    it takes a credential argument (`client_options={"api_key": API_KEY}`); not of another
    dict, which may be headers, a child process's environment or a config that the code
    hands on to Clarifai."""
    pairs = dict_entries(argument) if keyword and keyword.endswith("options") else None
    return [
        value
        for name, value in pairs or ()
        if name and name.isidentifier() and is_credential_name(name, clarifai_file=True)
    ]


def _carried(argument: ast.expr) -> Iterator[ast.expr]:
    """The argument, and the values it carries into the text or mapping it builds: an
    f-string's fields, the operands of `+` and `%`, the arguments of `.format()`, a dict's
    values, a tuple's or list's items, the string that `.encode()` and the like give back, the
    text that `urlencode` or `quote` writes (`f"...&appid={API_KEY}"`,
    `"...?api_key={}".format(API_KEY)`, `{"appid": API_KEY}`, `dict(appid=API_KEY)`,
    `auth=(USER, API_KEY)`, `hmac.new(SECRET.encode(), ...)`, `urlencode({"api_key":
    API_KEY})`)."""
    stack = [argument]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.JoinedStr):
            stack += [value.value for value in node.values if isinstance(value, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            stack += (node.left, node.right)
        elif isinstance(node, ast.Dict):
            stack += node.values
        elif isinstance(node, (ast.Tuple, ast.List)):
            stack += node.elts
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in SAME_STRING:
                stack.append(node.func.value)
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "format":
                stack += arguments(node)
            elif isinstance(node.func, ast.Name) and node.func.id == "dict":
                stack += [keyword.value for keyword in node.keywords]
            elif leaf(dotted(node.func) or "") in _ENCODERS:
                stack += arguments(node)


def _encloses(function: ast.AST, scope: ast.AST) -> bool:
    """Whether `scope` stands inside `function`."""
    first, last = getattr(function, "lineno", 0), getattr(function, "end_lineno", 0) or 0
    return function is not scope and first <= getattr(scope, "lineno", -1) <= last


def _hands_on(node: ast.AST, owner: str) -> bool:
    """Whether `node` gives the object `owner` to other code, or returns it: `send(session)`,
    `return session`; not `install_opener(opener)`, whose `urlopen` calls are asked, nor
    `print(session)`."""
    if isinstance(node, ast.Call):
        if leaf(dotted(node.func) or "") in _NOT_HANDING:
            return False
        return any(dotted(argument) == owner for argument in arguments(node))
    return (
        isinstance(node, (ast.Return, ast.Yield))
        and node.value is not None
        and dotted(node.value) == owner
    )


def _sends_request(call: ast.Call) -> bool:
    """Whether a call on a client sends a request (`get`, `fetch`, `send`, `open`, `urlopen`)
    or says where it goes (pycurl's `setopt(pycurl.URL, ...)`), not one that sets it up
    otherwise (`headers.update`, `mount`)."""
    name = leaf(dotted(call.func) or "")
    if name == "setopt":
        return bool(_endpoints(call))
    return name in _REQUESTS or name in ("send", "open", "urlopen")


def _in_clarifai(qualname: str) -> bool:
    return qualname.partition(".")[0] in CLARIFAI_PACKAGES


def _template(value: ast.expr) -> Optional[str]:
    """The text that a value is written from, its fields unknown: an f-string's or a `+`
    chain's, or the template of `.format()` or `%` (`"https://host/?q={}".format(city)`)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr == "format":
            return written_text(value.func.value)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod):
        return written_text(value.left)
    return written_text(value)


def _endpoints(call: ast.Call) -> list[ast.expr]:
    """The arguments that say where a call goes: the first (the second after a method's name,
    `client.request("POST", url)`, `requests.Request("POST", url)`, or after pycurl's option,
    `c.setopt(pycurl.URL, url)`), and endpoint keywords (`url`, `base_url`, `api_base`,
    `host`), not a body that holds URLs of its own."""
    method_first = (
        isinstance(call.func, ast.Attribute)
        and call.func.attr in _METHOD_FIRST
        or bool(call.args)
        and (string(call.args[0]) or "").upper() in _HTTP_METHODS
    )
    if isinstance(call.func, ast.Attribute) and call.func.attr == "setopt":
        named_url = len(call.args) == 2 and leaf(dotted(call.args[0]) or "") == "URL"
        return call.args[1:] if named_url else []
    return [*call.args[: 2 if method_first else 1], *_endpoint_keywords(call)]


def _endpoint_keywords(call: ast.Call) -> list[ast.expr]:
    """The values of a call's endpoint keywords: `url`, `base_url`, `api_base`, `host`."""
    return [k.value for k in call.keywords if k.arg and name_words(k.arg) & ENDPOINT_WORDS]


def _reads_clarifai_variable(argument: ast.expr) -> bool:
    """`os.environ["CLARIFAI_API_BASE"]`, `os.getenv("CLARIFAI_BASE_URL")`: a value the code
    does not show, from a variable named for Clarifai."""
    if isinstance(argument, ast.Call) and argument.args:
        argument = argument.args[0]
    elif isinstance(argument, ast.Subscript):
        argument = argument.slice
    return "clarifai" in (string(argument) or "").lower()


def _models(call: ast.Call) -> list[ast.expr]:
    """The model string of a call that LiteLLM routes: `model=`, or the first argument."""
    return [k.value for k in call.keywords if k.arg in ("model", "model_id")] or call.args[:1]


def _openai_model(model: str) -> bool:
    """A LiteLLM model string of OpenAI's provider: `openai/<model>`, or one of OpenAI's models
    named alone (`gpt-4o`; LiteLLM takes `claude-3-5-sonnet` or `command-r` for other providers').
    """
    provider, slash, name = model.partition("/")
    if slash:
        return provider == "openai" and "://" not in name
    return _OPENAI_MODEL.match(model) is not None


_OPENAI_MODEL = re.compile(r"(?:gpt-|chatgpt-|o\d(?:-|$)|text-embedding-|dall-e-|whisper-|tts-)")


def _own_nodes(function: ast.AST, parameter: str) -> Iterator[ast.AST]:
    """The nodes of `function`, and of the functions nested in it that still see its
    `parameter` (not one that takes a parameter of that name)."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not _is_parameter(parameter, node):
            stack += ast.iter_child_nodes(node)


def _writes_scheme(value: ast.expr, parameter: str) -> bool:
    """Whether `value` is Clarifai's scheme, then `parameter` and nothing else: `"Key " + key`,
    `f"Key {key}"`, `"Key %s" % key`, `"Key {}".format(key)`, `("Key " + key).encode()`,
    `"Key " + key.strip()`; not another service's `f"Key {key_id}:{key_secret}"`."""
    value = _same_string(value)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return string(value.left) == "Key " and _is(value.right, parameter)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod):
        right = value.right
        if isinstance(right, ast.Tuple) and len(right.elts) == 1:
            right = right.elts[0]
        return string(value.left) == "Key %s" and _is(right, parameter)
    if isinstance(value, ast.JoinedStr) and len(value.values) == 2:
        head, field = value.values
        return (
            string(head) == "Key "
            and isinstance(field, ast.FormattedValue)
            and _is(field.value, parameter)
        )
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "format"
        and _KEY_FIELD.fullmatch(string(value.func.value) or "")
    ):
        return False
    given = [*value.args, *(k.value for k in value.keywords)]
    return len(given) == 1 and _is(given[0], parameter)


# `"Key {}"`, `"Key {0}"`, `"Key {pat}"`: the scheme, then one field.
_KEY_FIELD = re.compile(r"Key \{\w*\}")


def _same_string(value: ast.expr) -> ast.expr:
    """`value` without the calls that give the same string back: `key` for `key.strip()`."""
    while (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in SAME_STRING
    ):
        value = value.func.value
    return value


def _is(value: ast.expr, parameter: str) -> bool:
    return _value_name(_same_string(value)) == parameter


def _authorizes(node: ast.AST, names: set[str]) -> bool:
    """Whether `node` gives one of `names` as an `Authorization` header's or metadata's value:
    `{"Authorization": st}`, `(("authorization", st),)`, `headers["Authorization"] = st`,
    `dict(Authorization=st)`, `session.headers.update(Authorization=st)`."""

    def named(key: Optional[ast.expr]) -> bool:
        return (
            key is not None and (string(key) or binary_text(key) or "").lower() == "authorization"
        )

    def carries(value: ast.expr) -> bool:
        return any(_value_name(carried) in names for carried in _carried(value))

    if isinstance(node, ast.Dict):
        return any(named(k) and carries(v) for k, v in zip(node.keys, node.values))
    if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == 2:
        return named(node.elts[0]) and carries(node.elts[1])
    if isinstance(node, ast.Call):
        return any(
            (k.arg or "").lower() == "authorization" and carries(k.value) for k in node.keywords
        )
    if isinstance(node, ast.Assign):
        return any(
            isinstance(target, ast.Subscript) and named(target.slice) and carries(node.value)
            for target in node.targets
        )
    return False


def _is_parameter(name: str, scope: Scope) -> bool:
    return isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and takes(
        scope.args, name
    )


def _head(text: ast.expr) -> ast.expr:
    """The part that text built with `+` or an f-string starts with; the base URL that
    `urljoin(BASE, path)` joins a path to."""
    if isinstance(text, ast.Call) and leaf(dotted(text.func) or "") == "urljoin" and text.args:
        return text.args[0]
    while isinstance(text, ast.BinOp) and isinstance(text.op, ast.Add):
        text = text.left
    if isinstance(text, ast.JoinedStr) and text.values:
        first = text.values[0]
        if isinstance(first, ast.FormattedValue):
            return first.value
    return text


def _value_name(node: ast.expr) -> Optional[str]:
    """What a value is read from, as a name: `api_key`, `self.api_key`, or a getter's call,
    `api_key()`, `self.api_key()`."""
    if isinstance(node, ast.Call) and (called := dotted(node.func)):
        return called + "()"
    return dotted(node)


def _carriers(nodes: Iterable[tuple[ast.AST, Scope]], name: str) -> Iterator[tuple[str, Scope]]:
    """The names, with their scopes, that assignments among `nodes` bind to a value carrying
    `name`: `url` for `url = f"...&appid={api_key}"` or `url += "&appid=" + api_key`."""
    for node, scope in nodes:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            if any(_value_name(carried) == name for carried in _carried(node.value)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    carrier = dotted(target)
                    if carrier is not None and carrier != name:
                        yield carrier, scope


def _taking(definition: Optional[Definition], parameter: str) -> Optional[ast.AST]:
    """The function that takes `parameter` when `definition` is called: itself, or a class's
    `__init__`."""
    function = _init(definition) if isinstance(definition, ast.ClassDef) else definition
    return function if _is_parameter(parameter, function) else None


def _init(definition: ast.ClassDef) -> Optional[ast.FunctionDef]:
    return next(
        (n for n in definition.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"),
        None,
    )


def _asked(
    answers: dict[tuple[str, str], bool],
    name: str,
    parameter: str,
    answer: Callable[[str, str], bool],
) -> bool:
    """`answer(name, parameter)`, kept in `answers`; False while it is being asked, so that
    functions that pass a parameter on to each other end there."""
    found = answers.get((name, parameter))
    if found is None:
        answers[name, parameter] = False
        found = answers[name, parameter] = answer(name, parameter)
    return found


def _positional(definition: ast.AST) -> list[str]:
    if isinstance(definition, ast.ClassDef):
        init = _init(definition)
        if init is not None:
            return _positional(init)[1:]
        decorators = [dotted(getattr(d, "func", d)) or "" for d in definition.decorator_list]
        bases = [leaf(dotted(base) or "") for base in definition.bases]
        if "dataclass" in map(leaf, decorators) or "NamedTuple" in bases:
            return [
                n.target.id
                for n in definition.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            ]
        return []
    if isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        names = [arg.arg for arg in [*definition.args.posonlyargs, *definition.args.args]]
        # A class method's first parameter is the class.
        return names[1:] if decorated(definition, {"classmethod"}) else names
    return []


# What runs a function in a worker with the arguments after it, and the keywords that hand one
# with its arguments.
_SUBMITS = frozenset({"submit", "run_in_executor", "apply_async", "to_thread"})
_HANDED_TO = (("target", "args"), ("initializer", "initargs"))
# Methods called on the class itself: `Client.from_key(...)`.
_FACTORIES = frozenset({"classmethod", "staticmethod"})


def _imports(nodes: Iterable[ast.AST]) -> dict[str, str]:
    imports = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                imports[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return imports
