"""The dispatcher: walk the nodes that can matter, ask the sinks, report at the literals.

With the text tests (`prefilter`), only the nodes on lines that hold a credential-shaped token (or,
in a file with `("authorization", ...)` pairs, a token of any shape) are walked, then, line by
line, the nodes on the lines that name what those literals are bound to: every path from a literal
to a sink goes through such names. A file with no key-shaped token is walked only on the lines of
those pairs, if a literal holds a token of any shape.
"""

from __future__ import annotations

import ast
import functools
import itertools
from collections.abc import Iterable
from typing import Optional

from flake8_clarifai_secrets.credentials import (
    Token,
    find_embedded,
    find_commanded,
    find_flagged,
    find_in_query,
    find_token,
    labels,
    is_clarifai_key,
    is_credential_name,
    is_legacy_secret,
    names_another_credential,
    names_another_service,
    names_something_else,
)
from flake8_clarifai_secrets.detector.branches import for_another_provider
from flake8_clarifai_secrets.detector.context import ALIAS_VARIABLES, Context
from flake8_clarifai_secrets.detector.findings import Finding, Fix
from flake8_clarifai_secrets.detector.sinks import SINKS, Accept, Hit, SinkFunction, copied
from flake8_clarifai_secrets.detector.scopes import parametrized
from flake8_clarifai_secrets.detector.sinks.bindings import GETTER_VERB, class_points, label_says
from flake8_clarifai_secrets.detector.sinks.environ import ENV_MAGIC, ONE_EXPORT
from flake8_clarifai_secrets.detector.sinks.grpc import metadata_pair
from flake8_clarifai_secrets.detector.sinks.http import HEADER
from flake8_clarifai_secrets.detector.sinks.urls import query_target
from flake8_clarifai_secrets.detector.text import Scan
from flake8_clarifai_secrets.detector.tree import (
    DECORATED,
    Positions,
    Scope,
    arguments,
    dotted,
    leaf,
    parameter_defaults,
    string,
)
from flake8_clarifai_secrets.detector.values import (
    DECLARED,
    MAX_HOPS,
    REQUIRED_BY_ELLIPSIS,
    Part,
    Template,
    binary_text,
    carries,
    declared_defaults,
    declared_defaults_of,
    declares,
    settings_defaults,
    joined,
    literal_text,
    looked_up,
    wrapped,
)
from flake8_clarifai_secrets.lines import source_lines
from flake8_clarifai_secrets.magics import mask
from flake8_clarifai_secrets.parsing import parse

ALLOWLIST_PRAGMA = "pragma: allowlist secret"
# Arguments whose call the sinks and fixes ask for: a literal that may be the call's default, a
# dict display or `dict(...)` that may go to another service.
_LOOKED_UP = frozenset(
    {ast.Constant, ast.JoinedStr, ast.BinOp, ast.Dict, ast.Call, ast.List, ast.Tuple}
)


# Fixes that put the variable's value where the whole literal was.
_WHOLE_VALUE = frozenset({"drop", "env_read"})
# The lowest code, then the first sink in the source, whichever order the walk met them.
_Rank = tuple[str, int, int, str, str]
_WRITTEN = (Accept.HEADER_TEXT, Accept.COMMANDED, Accept.QUERY)


class Detector:
    def __init__(self, tree: ast.AST, scan: Scan, env_var: str, *, prefilter: bool) -> None:
        self._tree = tree
        self._scan = scan
        self._positions = Positions(scan.lines)
        self._prefilter = prefilter
        self.context = Context(tree, self._scan, self._positions, env_var, full=not prefilter)
        # (id(literal), key, line, column) -> its finding, with the rank of the hit that
        # reported it: the lowest wins. A key is reported on each line of a literal it stands on.
        self._findings: dict[tuple[int, str, int, int], tuple[_Rank, Finding]] = {}
        # Hits whose literal is bound to another service's credential name (`openai.api_key`):
        # reported only if the same key is a Clarifai key elsewhere in the file.
        self._copies: list[tuple[Hit, Part, int, Token, str, Optional[Fix], int]] = []
        # id() of the parameter defaults that typer or pydantic declare, which are read lazily
        # -> whether their declaration takes `...` where a value must be given.
        self._declared: dict[int, bool] = {}
        # id() of the values read with a blank where the variable is unset (not None, which a
        # client may read as "use my own variable"): parameters' own defaults, which a caller
        # may give instead, and `parametrize` rows and other decorators' arguments, evaluated
        # when the tests are collected.
        self._blank: set[int] = set()

    def run(self) -> list[Finding]:
        nodes, only = self._nodes()
        for node, _ in nodes:
            if type(node) in DECORATED:
                # A decorator is called when the module is imported, as a row is:
                # `@override_settings(CLARIFAI_PAT="<key>")` on a test's class.
                given = [
                    id(argument)
                    for decorator in node.decorator_list  # type: ignore[attr-defined]
                    if isinstance(decorator, ast.Call)
                    for argument in arguments(decorator)
                ]
                self._declared.update((argument, False) for argument in given)
                self._blank.update(given)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                self.context.statements[id(node.value)] = node
            elif isinstance(node, ast.Call):
                for argument in arguments(node):
                    if type(argument) in _LOOKED_UP:
                        self.context.callers[id(argument)] = node
                # A test module is imported to collect every test: a row's key is read lazily.
                rows = [id(value) for _, value in parametrized(node)]
                self._declared.update((row, False) for row in rows)
                self._blank.update(rows)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    self.context.containers[id(value)] = (
                        node,
                        None if key is None else string(key),
                    )
            elif isinstance(node, (ast.List, ast.Tuple)):
                for item in node.elts:
                    if type(item) is ast.Tuple:
                        self.context.sequences[id(item)] = node
            elif isinstance(node, ast.arguments):
                self._blank.update(id(d) for _, d in parameter_defaults(node))
                for default, declaring in declared_defaults(node):
                    self._declared[id(default)] = self._takes_ellipsis(declaring)
                    self._blank.discard(id(default))
            elif isinstance(node, ast.ClassDef):
                defaults = settings_defaults(node)
                pydantic = defaults and any(
                    (self.context.qualname(base) or "").startswith("pydantic")
                    for base in node.bases
                )
                for default, value in defaults:
                    self._declared[id(default)] = bool(pydantic) and (
                        value is default
                        or isinstance(value, ast.Call)
                        and self._takes_ellipsis(value)
                        and wrapped(value) is default
                    )
        for node, scope in nodes:
            self.context.scope = scope
            for function in SINKS.get(type(node), ()):
                if only is None or function is only:
                    for hit in function(node, self.context):
                        self._check(copied(hit), scope)
        keys = {finding.secret for finding in self._chosen(allowed=True)}
        for hit, part, start, token, secret, fix, nth in self._copies:
            if secret in keys:
                origin = part.origin
                assert origin is not None
                binding = self.context.bound_to(origin)
                self._report(hit, part, start, token, secret, binding, fix, nth=nth)
        return sorted(self._chosen(allowed=False), key=lambda f: (f.line, f.col))

    def _chosen(self, *, allowed: bool) -> list[Finding]:
        """A finding per key in a literal; without `allowed`, those whose line the pragma does
        not allow (YAML text may allow one key of two)."""
        return [
            finding
            for _, finding in self._findings.values()
            if allowed or not self._allowlisted(finding)
        ]

    def _nodes(self) -> tuple[list[tuple[ast.AST, Scope]], Optional[SinkFunction]]:
        """The nodes to ask the sinks about, each with its scope, and the one sink to ask if
        not all."""
        walker = self.context.walker
        if not self._prefilter:
            return list(walker.everything()), None
        if not self._scan.token_lines:
            # Only gRPC metadata takes tokens that are not shaped like a Clarifai key.
            return list(walker.near(self._scan.metadata_lines)), metadata_pair
        return self._relevant_nodes(), None

    def _relevant_nodes(self) -> list[tuple[ast.AST, Scope]]:
        nodes: dict[int, tuple[ast.AST, Scope]] = {}
        # A literal reaches a sink through names bound on its line, or stands on the sink's line.
        lines = set(self._scan.token_lines) | set(self._scan.any_token_lines)
        frontier = sorted(lines)
        followed = self.context.followed
        # A value crosses at most MAX_HOPS names on its way from a literal to a sink. A binding
        # is in `followed` once the lines that read it are walked.
        for hop in range(MAX_HOPS + 1):
            new = [pair for pair in self.context.walker.near(frontier) if id(pair[0]) not in nodes]
            nodes.update((id(pair[0]), pair) for pair in new)
            more: set[int] = set()
            for name, value, scope in self.context.collect(new, frontier):
                if hop == MAX_HOPS or not carries(value) or self._inert(value):
                    continue
                # A plain name is followed per scope; attributes and dicts' entries are read
                # from anywhere.
                identifier = leaf(name)
                everywhere = "." in name or isinstance(value, ast.Dict)
                key = (identifier, None if everywhere else id(scope))
                if key not in followed:
                    followed.add(key)
                    more.update(self.context.reach(name, scope, everywhere=everywhere))
            frontier = sorted(more - lines)
            lines |= more
            if not frontier:
                break
        return list(nodes.values())

    def _inert(self, value: ast.expr) -> bool:
        """A literal that no sink can report, whatever it reaches: bound to a name that says
        what else it is (`MODEL_ID = "<32 hex>"`), with no v1-shaped token in it."""
        binding = self.context.bound_to(value)
        text = string(value)
        return (
            binding is not None
            and text is not None
            and _names_something_else(binding)
            and not any(is_legacy_secret(word) for word in text.split())
        )

    # -- findings --------------------------------------------------------------------------

    def _check(self, hit: Hit, scope: Scope) -> None:
        """Report every credential literal that `hit.value` can carry into its sink."""
        read = [
            (template, text, list(self._tokens(text, hit.accept, hit.target)))
            for template in self.context.values.of(hit.value, scope)
            for text in [joined(template)]
        ]
        if hit.writes and len({t[k.start : k.end] for _, t, tokens in read for k in tokens}) > 1:
            # One of several keys is written, as the code picks it (`{"dev": "<key>", "prod":
            # "<key>"}[STAGE]`): the variable is none of theirs to read.
            hit = hit._replace(writes=False, whole=None)
        for template, text, tokens in read:
            for token in tokens:
                located = _part_at(template, token)
                if located is None:
                    continue
                part, start = located
                secret = text[token.start : token.end]
                origin = part.origin
                assert origin is not None
                nth = _occurrence(template, token.start, origin, secret)
                binding = self.context.bound_to(origin)
                named = binding or self._looked_up(hit, origin)
                fix = hit.whole if hit.whole is not None and origin is hit.value else None
                # `os.environ["CLARIFAI_AUTH"] = "Key <key>"`: the variable would hold the key
                # alone, and reading it into the text it is written with would repeat the text
                # on each run: no fix. (`%env NAME=<key>` is read as the key written into NAME.)
                rewritable = not (
                    fix is not None
                    and fix.kind in _WHOLE_VALUE
                    and hit.accept is not Accept.EMBEDDED
                    and literal_text(origin) != secret
                )
                # A header with Clarifai's scheme, a `clarifai` command or a Clarifai URL's query
                # written in text says whose the key is, whatever the text is bound to (`PAGE`,
                # `WORKFLOW`, `API_URL`); one read through a name is judged by that name.
                written = hit.accept in _WRITTEN and origin is hit.value
                if (
                    named is not None
                    and not written
                    and not self._may_be_clarifai(hit, named, secret)
                ):
                    if not _names_something_else(named):
                        self._copies.append((hit, part, start, token, secret, fix, nth))
                    continue
                if (
                    self._pointed(hit, token)
                    and not written
                    and self._for_another_provider(binding or hit.target, origin)
                ):
                    # `else: api_key = "<key>"` after `if provider == "clarifai":`, whichever
                    # client the branches' values meet in; not a sink of Clarifai's own.
                    self._copies.append((hit, part, start, token, secret, fix, nth))
                    continue
                if hit.code == "CLR005" and not hit.claims and self._another_holder(hit.target):
                    # `openai.api_key = key`: what the key is bound to says whose it is.
                    self._copies.append((hit, part, start, token, secret, fix, nth))
                    continue
                self._report(hit, part, start, token, secret, binding, fix, rewritable, nth)

    @staticmethod
    def _pointed(hit: Hit, token: Token) -> bool:
        """Whether the sink is Clarifai's only by where the code points it, as a branch taken
        for another provider may not: a client's endpoint or model (`Hit.pointed`), a generic
        binding, `OPENAI_API_KEY`, a header without Clarifai's `Key` scheme."""
        return (
            hit.pointed
            or hit.code == "CLR005"
            and not hit.claims
            or hit.code == "CLR004"
            and hit.target in ALIAS_VARIABLES
            or hit.accept is Accept.HEADER
            and (token.scheme or "").lower() != "key"
        )

    def _for_another_provider(self, binding: str, literal: ast.expr) -> bool:
        """A literal bound to a name that does not say Clarifai, in a branch taken for another
        provider, or in a class whose endpoint or model fields point at another provider
        (`class AzureProvider: base_url = "https://contoso.openai.azure.com"`)."""
        if "clarifai" in binding.lower():
            return False
        classes = self.context.classes_at(literal.lineno)
        return for_another_provider(self.context.walker.branches(literal.lineno)) or (
            bool(classes) and class_points(classes[-1]) is False
        )

    def _looked_up(self, hit: Hit, literal: ast.expr) -> Optional[str]:
        """The name a lookup reads, which says what its default is where the sink's own name
        does not: `{"password": os.environ.get("POSTGRES_PASSWORD", "<hex>")}`. A Clarifai
        client, metadata, a header, a credential variable or a Clarifai name outweigh it."""
        if hit.code != "CLR005" or is_credential_name(
            leaf(hit.target).strip("-=[]'\""), clarifai_file=False
        ):
            return None
        caller = self.context.callers.get(id(literal))
        if caller is None or self.context.values.default_of(caller) is not literal:
            return None
        return looked_up(caller)

    def _may_be_clarifai(self, hit: Hit, binding: str, secret: str) -> bool:
        """What the literal's own name says: `MODEL_ID` holds no key, `SERPER_API_KEY` holds
        another service's, which only a sink of Clarifai's own can claim. Text that labels the
        key with a Clarifai credential's name (`CLARIFAI_PAT=<key>`) says whose it is: the name
        the text is bound to (`ENV_TEMPLATE`) says what the text is."""
        if hit.accept is Accept.LABELLED and is_credential_name(hit.target, clarifai_file=False):
            return True
        if _names_something_else(binding):
            return is_legacy_secret(secret)
        # `get_pat()` names a getter of `pat`, not a service called `get`.
        last = GETTER_VERB.sub("", binding.rpartition(".")[2])
        another = names_another_credential(last) or self._another_holder(binding)
        return hit.claims or not (hit.code == "CLR005" and another)

    def _another_holder(self, name: str) -> bool:
        """`self.pat` is as generic as `pat`; `openai.api_key` is OpenAI's; `litellm.clarifai_key`
        is Clarifai's; and an object that the Clarifai packages made holds Clarifai's
        (`model = Model(...)`, then `model.pat = "<key>"`)."""
        holder, _, attribute = name.rpartition(".")
        return (
            bool(holder)
            and names_another_service(leaf(holder))
            and not is_credential_name(attribute, clarifai_file=False)
            and not any(
                isinstance(value, ast.Call) and self.context.in_clarifai(value.func)
                for value, _ in self.context.bindings(holder, self.context.scope)
            )
        )

    def _tokens(self, text: str, accept: Accept, target: str) -> Iterable[Token]:
        if accept is Accept.CODE:
            found = code_findings(text, self.context.env_var)
            return [token for finding, token in found if finding.target == target]
        if accept is Accept.COMMANDED:
            return find_commanded(text)
        if accept is Accept.QUERY:
            queried = find_in_query(text)
            return [token for name, token in queried if query_target(name) == target]
        if accept is Accept.EMBEDDED:
            # The key written into the variable comes first; ids may follow (`--model_url`).
            return find_embedded(text)[:1]
        if accept is Accept.FLAGGED or accept is Accept.HEADER_TEXT:
            headers_only = accept is Accept.HEADER_TEXT
            return find_flagged(
                text,
                bearer=self.context.clarifai_file,
                headers_only=headers_only,
                legacy=self.context.legacy_file,
            )
        if accept is Accept.LABELLED:
            # Each under its own label; a generic label's key where its section says whose
            # (`[clarifai] api_key = ...`, not `[lastfm] api_key = ...`).
            return [
                token
                for label, token in labels(text, clarifai_file=self.context.clarifai_file)
                if label == target and label_says(label, text, token.start) is not False
            ]
        legacy = self.context.legacy_file
        token = find_token(text, any_scheme=accept in (Accept.ANY, Accept.HEADER), legacy=legacy)
        if token is None:
            return ()
        secret = text[token.start : token.end]
        scheme = (token.scheme or "").lower()
        if accept is Accept.HEADER:
            if scheme == "key" and token.clarifai:
                return (token,)
            clarifai_file = self.context.clarifai_file
            if scheme == "bearer" and clarifai_file and is_clarifai_key(secret, legacy=legacy):
                return (token._replace(clarifai=True),)
            return ()
        if accept is Accept.LEGACY and not is_legacy_secret(secret):
            return ()
        if accept is Accept.HEX and is_legacy_secret(secret):
            return ()
        return (token,)

    def _report(
        self,
        hit: Hit,
        part: Part,
        start: int,
        token: Token,
        secret: str,
        binding: Optional[str],
        fix: Optional[Fix],
        rewritable: bool = True,
        nth: int = 0,
    ) -> None:
        origin = part.origin
        assert origin is not None
        rank = (hit.code, hit.value.lineno, hit.value.col_offset, hit.target, hit.accept.name)
        # Where this occurrence stands: a key that text repeats is reported on each line.
        line, col = self._positions.holding(origin, secret, nth)
        existing = self._findings.get((id(origin), secret, line, col))
        if existing is not None and existing[0] <= rank:
            return
        span = self._positions.span(origin)
        if not rewritable or self._positions.split_over_laid_out_parts(origin, secret):
            fix = None
        elif fix is None and part.offset is not None:
            literal = literal_text(origin) or binary_text(origin) or ""
            begin = part.offset + start
            prefix, suffix = literal[:begin], literal[begin + len(secret) :]
            given, caller = origin, self.context.callers.get(id(origin))
            # What a wrapper wraps is given with it: `Field(default=SecretStr("<key>"))`.
            while (
                caller is not None
                and wrapped(caller) is given
                and leaf(dotted(caller.func) or "") not in DECLARED
            ):
                given, caller = caller, self.context.callers.get(id(caller))
            # A parameter's default, a decorator's argument or a `parametrize` row is evaluated
            # where the code is defined or collected, also with the key around other text
            # (`url="...?pat=<key>"`).
            lazy = id(origin) in self._blank or (
                not prefix
                and not suffix
                and (
                    hit.lazy
                    and origin is hit.value
                    or id(origin) in self._declared
                    or caller is not None
                    and (
                        given is self.context.values.default_of(caller)
                        or any(given is d for d in declared_defaults_of(caller))
                    )
                )
            )
            # click calls a callable default only where the option is not given, or to offer
            # it in a prompt, which an unset variable would break.
            factory = (
                lazy
                and caller is not None
                and self.context.qualname(caller.func) == "click.option"
                and any(k.arg == "default" and k.value is origin for k in caller.keywords)
                and not any(k.arg == "prompt" for k in caller.keywords)
            )
            # typer and pydantic take `...` for a value that must be given.
            required = (
                lazy
                and not factory
                and (
                    self._declared.get(id(origin), False)
                    or caller is not None
                    and given is origin
                    and self._takes_ellipsis(caller)
                    and wrapped(caller) is origin
                )
            )
            # A form field shows its default: empty where the variable is unset.
            blank = (
                lazy
                and not factory
                and not required
                and (
                    caller is not None
                    and declares(caller)
                    and given is self.context.values.default_of(caller)
                    or id(origin) in self._blank
                )
            )
            # A key that the literal repeats: a field wherever it stands.
            repeated = secret in prefix or secret in suffix
            fix = (
                Fix("placeholder", span, lazy=blank, blank=blank)
                if repeated
                else Fix("literal", span, prefix, suffix, lazy, factory, required, blank)
            )
            if lazy and not blank and binary_text(origin) is not None:
                # `os.environ.get(VAR)` may be None, which has no `.encode()`.
                fix = None
        elif fix is None and isinstance(origin, ast.JoinedStr):
            blank = id(origin) in self._blank
            fix = Fix("placeholder", span, lazy=blank, blank=blank)
        # A write of the key as it is, or as `%env NAME=<key>` (or `NAME <key>`) writes it.
        text = literal_text(origin) if fix is not None and fix.kind == "drop" else None
        magic = ENV_MAGIC.fullmatch(text) if text is not None else None
        written = text == secret or (
            magic is not None
            and magic["name"] == hit.target
            and magic["value"] == secret
            and magic.end("value") == len(magic.string)
        )
        if written:
            assert text is not None
            fallback: Optional[Fix] = Fix("literal", span, text.removesuffix(secret))
        elif fix is not None and fix.kind == "drop" and ONE_EXPORT.fullmatch(text or ""):
            # `!export NAME=<key>` alone sets NAME in a shell that ends with it: removed, it
            # changes nothing, whichever variable the key is given.
            fallback = fix
        else:
            fallback = None
        finding = Finding(
            hit.code,
            line,
            col,
            hit.target,
            token.scheme,
            token.clarifai,
            fix,
            secret,
            binding,
            hit.writes,
            fallback,
        )
        self._findings[id(origin), secret, line, col] = (rank, finding)

    def _takes_ellipsis(self, declaring: ast.Call) -> bool:
        return self.context.qualname(declaring.func) in REQUIRED_BY_ELLIPSIS

    def _allowlisted(self, finding: Finding) -> bool:
        return ALLOWLIST_PRAGMA in self._positions.line(finding.line)


@functools.lru_cache(maxsize=64)
def code_findings(code: str, env_var: str) -> tuple[tuple[Finding, Token], ...]:
    """The findings in Python code that a file holds as text (the body of a `%%capture` cell
    as nbconvert writes it, IPython's syntax masked as in a notebook's cell), each with where
    its key stands in that text."""
    placeholders = itertools.count()
    masked = mask(code, lambda: f"hash({next(placeholders)})")
    if masked is None:
        return ()
    lines = source_lines(masked.source)
    scan = Scan(lines, env_var)
    if not scan.may_hold:
        return ()
    starts = [0, *itertools.accumulate(map(len, source_lines(code)))]
    found = []
    for finding in Detector(parse(masked.source), scan, env_var, prefilter=True).run():
        # A masked line keeps its number, not its columns.
        line = lines[finding.line - 1].rstrip("\r\n")
        col = 0 if line in masked.lines else finding.col
        start = code.find(finding.secret, starts[finding.line - 1] + col)
        if start != -1:
            end = start + len(finding.secret)
            found.append((finding, Token(start, end, finding.scheme, finding.clarifai)))
    return tuple(found)


def _names_something_else(binding: str) -> bool:
    """`MODEL_ID`, `MODEL_IDS.['general']`; but an entry or attribute that is a credential's
    name, or the `Authorization` header, is named so, whatever holds it (`env.['CLARIFAI_PAT']`,
    `cache.['pat']`, `model.pat`, `request.headers.['Authorization']`)."""
    holder, _, last = binding.rpartition(".")
    key = last.strip("[]'\"")
    if holder and (key.lower() == HEADER or is_credential_name(key, clarifai_file=True)):
        return names_something_else(key)
    return names_something_else(binding)


def _occurrence(template: Template, start: int, origin: ast.expr, secret: str) -> int:
    """How many times `secret` stands in `origin`'s own parts of `template` before `start`."""
    count = position = 0
    for part in template:
        if position >= start:
            break
        if part.origin is origin:
            count += part.text[: start - position].count(secret)
        position += len(part.text)
    return count


def _part_at(template: Template, token: Token) -> Optional[tuple[Part, int]]:
    """The literal part that holds all of `token`, and where in it the token starts."""
    position = 0
    for part in template:
        end = position + len(part.text)
        if position <= token.start and token.end <= end:
            return (part, token.start - position) if part.origin is not None else None
        position = end
    return None
