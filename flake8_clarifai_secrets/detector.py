"""ast in, findings out: hard-coded Clarifai credentials, judged by the sink they reach.

Pure: no I/O, no flake8, no libcst. Both the flake8 plugin and the fixer call `find_credentials`.
Positions are 1-based lines and 0-based *character* columns (ast's columns are UTF-8 bytes).
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import itertools
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Optional, Union

from flake8_clarifai_secrets.codes import CODES
from flake8_clarifai_secrets.credentials import Token, find_token, is_credential_name, mask
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR

ALLOWLIST_PRAGMA = "pragma: allowlist secret"

# Every file the detector can flag holds one of these words (lower-cased), or the configured
# variable's name: sinks need an `authorization` key, a clarifai import or a CLARIFAI_* name.
# Without the last two, only the `authorization` sinks are possible, and they sit on its lines.
AUTHORIZATION = b"authorization"
CLARIFAI = b"clarifai"

_CLIENTS = frozenset(
    {
        "User",
        "App",
        "Model",
        "Workflow",
        "Inputs",
        "Dataset",
        "Search",
        "ComputeCluster",
        "Nodepool",
        "Deployment",
        "Pipeline",
        "Runner",
        "ClarifaiAuthHelper",
        "ClarifaiApp",
    }
)
# class -> (positional indexes, keywords) that carry a credential
_CLIENT_ARGS: dict[str, tuple[tuple[int, ...], frozenset[str]]] = {
    "ClarifaiApp": ((0, 1, 3), frozenset({"app_id", "app_secret", "api_key"})),
    "ClarifaiAuthHelper": ((2, 3), frozenset({"pat", "token"})),
}
_SDK_ARGS: tuple[tuple[int, ...], frozenset[str]] = ((), frozenset({"pat", "token", "api_key"}))
_ENV_READS = frozenset({"os.getenv", "os.environ.get"})
_ENV_WRITES = frozenset({"os.environ.setdefault", "os.putenv"})
_MAX_ALTERNATIVES = 32
_MAX_DEPTH = 8
_UNKNOWN = "\x00"
# Fields that hold the statements (or except/case clauses) of a block.
_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*[0-9*]*(?:\.[0-9*]+)?[a-zA-Z%]")
_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")


class Span(NamedTuple):
    line: int
    col: int
    end_line: int
    end_col: int


class Fix(NamedTuple):
    """How the fixer rewrites a finding.

    `literal`: replace the string at `span` by `prefix + os.environ[VAR] + suffix`.
    `env_read`: replace the call or `or` expression at `span` by `os.environ[<its name argument>]`.
    `drop`: remove the statement at `span`, which only writes the key into the environment.
    """

    kind: Literal["literal", "env_read", "drop"]
    span: Span
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    line: int
    col: int
    target: str
    scheme: Optional[str]
    clarifai: bool
    fix: Optional[Fix]
    secret: str = field(repr=False)

    def message(self, env_var: str = DEFAULT_ENV_VAR) -> str:
        if self.clarifai:
            credential, source = "Clarifai key", f'`os.environ["{env_var}"]`'
        else:
            credential = f"`{self.scheme}` credential" if self.scheme else "credential"
            source = "an environment variable"
        text = CODES[self.code].template.format(
            credential=credential, tail=mask(self.secret), target=self.target, source=source
        )
        return f"{self.code} {text}"


class _Part(NamedTuple):
    """A piece of a string value: its text, the literal it was written in, and where in it."""

    text: str
    origin: Optional[ast.expr]
    offset: Optional[int]


_Template = tuple[_Part, ...]
_UNKNOWN_PART = _Part(_UNKNOWN, None, None)


def might_hold_credentials(source: bytes, env_var: str = DEFAULT_ENV_VAR) -> bool:
    """The cheap test on a file's bytes: False means `find_credentials` would find nothing."""
    lowered = source.lower()
    return AUTHORIZATION in lowered or any(word in lowered for word in _other_words(env_var))


@functools.cache
def _other_words(env_var: str) -> tuple[bytes, ...]:
    """The lower-cased words, besides `authorization`, that a file with any other sink holds."""
    variable = env_var.lower().encode()
    return (CLARIFAI,) if CLARIFAI in variable else (CLARIFAI, variable)


def source_lines(code: str) -> list[str]:
    """Split lines as `ast` counts them: at `\\n`, `\\r\\n` and `\\r` only."""
    return io.StringIO(code, newline="").readlines()


def find_credentials(
    tree: ast.AST, lines: Sequence[str], env_var: str = DEFAULT_ENV_VAR, *, prefilter: bool = True
) -> list[Finding]:
    """Findings in `tree`, whose source is `lines`, in source order; one per literal.

    With `prefilter`, text tests first rule out files that cannot hold a finding, and limit the
    walk of files that name only `authorization` to the nodes on those lines. Without it, the
    whole tree is walked: the tests check that both give the same findings.
    """
    if not prefilter:
        return _Detector(tree, lines, env_var).run()
    # bytes.lower() is faster than str.lower(), and no other character lowers to these words.
    lowered = "".join(lines).encode("utf-8", "surrogatepass").lower()
    if any(word in lowered for word in _other_words(env_var)):
        return _Detector(tree, lines, env_var).run()
    if AUTHORIZATION not in lowered:
        return []
    return _Detector(tree, lines, env_var, _lines_naming(AUTHORIZATION, lines, lowered)).run()


def _lines_naming(word: bytes, lines: Sequence[str], lowered: bytes) -> list[int]:
    """The sorted numbers of the lines that hold `word`; `lowered` is their lower-cased bytes."""
    ends = list(itertools.accumulate(map(len, lines)))
    if ends[-1] != len(lowered):  # not ASCII: byte positions are not character positions
        return [
            n
            for n, line in enumerate(lines, 1)
            if word in line.encode("utf-8", "surrogatepass").lower()
        ]
    found = []
    at = lowered.find(word)
    while at != -1:
        found.append(bisect.bisect_right(ends, at) + 1)
        at = lowered.find(word, at + len(word))
    return found


def _walk_statements(tree: ast.AST) -> Iterator[ast.AST]:
    """The statements and except/case clauses of `tree`, in `ast.walk` order."""
    todo: deque[ast.AST] = deque([tree])
    while todo:
        node = todo.popleft()
        for name in _block_fields(node._fields):
            todo.extend(getattr(node, name))
        yield node


@functools.cache
def _block_fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in fields if name in _BLOCKS)


def _dotted(node: ast.expr) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _product(pieces: list[list[_Template]]) -> list[_Template]:
    """Every way to pick one template per piece, joined; at most `_MAX_ALTERNATIVES`."""
    combos = itertools.islice(itertools.product(*pieces), _MAX_ALTERNATIVES)
    return [tuple(itertools.chain.from_iterable(combo)) for combo in combos]


def _str(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Detector:
    def __init__(
        self,
        tree: ast.AST,
        lines: Sequence[str],
        env_var: str,
        near: Optional[Sequence[int]] = None,
    ) -> None:
        """`near`: the sorted lines that name `authorization`, when no other sink is possible."""
        self._tree = tree
        self._lines = lines
        self._env_var = env_var
        self._near = near
        self._findings: dict[int, Finding] = {}

    def run(self) -> list[Finding]:
        if self._near is None:
            nodes = list(ast.walk(self._tree))
            sinks: tuple[Callable[[ast.AST], None], ...] = (
                self._grpc_metadata,
                self._http_header,
                self._client_call,
                self._environ,
                self._bound_name,
            )
        else:
            nodes = list(self._walk_near())
            sinks = (self._grpc_metadata, self._http_header)
        for check in sinks:
            for node in nodes:
                check(node)
        return sorted(
            (f for f in self._findings.values() if not self._allowlisted(f)),
            key=lambda f: (f.line, f.col),
        )

    def _walk_near(self) -> Iterator[ast.AST]:
        """`ast.walk`, skipping the nodes that span none of the `near` lines."""
        todo: deque[ast.AST] = deque([self._tree])
        while todo:
            node = todo.popleft()
            todo.extend(child for child in ast.iter_child_nodes(node) if self._spans_near(child))
            yield node

    def _spans_near(self, node: ast.AST) -> bool:
        assert self._near is not None
        start = getattr(node, "lineno", None)
        if start is None:
            return True
        index = bisect.bisect_left(self._near, start)
        end: int = getattr(node, "end_lineno", None) or start
        return index < len(self._near) and self._near[index] <= end

    # -- names: computed on first use, as most files never need them ------------------------

    @functools.cached_property
    def _statements(self) -> list[ast.AST]:
        return list(_walk_statements(self._tree))

    @functools.cached_property
    def _imports(self) -> dict[str, str]:
        """Local name -> what it imports."""
        imports = {}
        for node in self._statements:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.partition(".")[0]
                    imports[alias.asname or top] = alias.name if alias.asname else top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return imports

    @functools.cached_property
    def _clarifai_file(self) -> bool:
        return any(
            module.partition(".")[0] in ("clarifai", "clarifai_grpc")
            for module in self._imports.values()
        )

    @functools.cached_property
    def _bindings(self) -> dict[str, list[ast.expr]]:
        """Dotted name -> every value assigned to it."""
        bindings: dict[str, list[ast.expr]] = defaultdict(list)
        for node in self._statements:
            if isinstance(node, ast.Assign):
                pairs = [(target, node.value) for target in node.targets]
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                pairs = [(node.target, node.value)]
            else:
                continue
            for target, value in pairs:
                name = _dotted(target)
                if name is not None:
                    bindings[name].append(value)
        return bindings

    @functools.cached_property
    def _statement_calls(self) -> dict[int, ast.Expr]:
        """id(call) -> the statement that is only that call."""
        return {
            id(node.value): node
            for node in self._statements
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        }

    def _qualname(self, node: ast.expr) -> Optional[str]:
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self._imports.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    # -- values --------------------------------------------------------------------------

    def _templates(self, node: ast.expr, depth: int = 0) -> list[_Template]:
        """Every string `node` may evaluate to, as parts; `_UNKNOWN` stands for unknown text."""
        if depth > _MAX_DEPTH:
            return [(_UNKNOWN_PART,)]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [(_Part(node.value, node, 0),)]
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._concat([node.left, node.right], depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self._percent(node, depth)
        if isinstance(node, ast.Call):
            return self._format_call(node, depth)
        name = _dotted(node)
        if name is not None and name in self._bindings:
            bound = self._bindings[name]
            alternatives = [t for value in bound for t in self._templates(value, depth + 1)]
            return alternatives[:_MAX_ALTERNATIVES]
        return [(_UNKNOWN_PART,)]

    def _concat(self, nodes: Iterable[ast.expr], depth: int) -> list[_Template]:
        return _product([self._templates(n, depth + 1) for n in nodes])

    def _fstring(self, node: ast.JoinedStr, depth: int) -> list[_Template]:
        pieces: list[list[_Template]] = []
        offset = 0
        for value in node.values:
            text = _str(value)
            if text is not None:
                pieces.append([(_Part(text, node, offset),)])
                offset += len(text)
            elif (
                isinstance(value, ast.FormattedValue)
                and value.format_spec is None
                and value.conversion in (-1, ord("s"))
            ):
                pieces.append(self._templates(value.value, depth + 1))
            else:
                pieces.append([(_UNKNOWN_PART,)])
        templates = _product(pieces)
        if any(isinstance(value, ast.FormattedValue) for value in node.values):
            return [self._opaque(template, node) for template in templates]
        return templates

    @staticmethod
    def _opaque(template: _Template, node: ast.JoinedStr) -> _Template:
        """An f-string with placeholders: its own text can be reported, not rewritten."""
        return tuple(p._replace(offset=None) if p.origin is node else p for p in template)

    def _percent(self, node: ast.BinOp, depth: int) -> list[_Template]:
        text = _str(node.left)
        if text is None:
            return [(_UNKNOWN_PART,)]
        args = iter(node.right.elts if isinstance(node.right, ast.Tuple) else [node.right])
        fields: list[tuple[re.Match[str], list[_Template]]] = []
        for spec in _PERCENT_SPEC.finditer(text):
            if spec.group() == "%%":
                fields.append((spec, [(_Part("%", None, None),)]))
            elif spec.group() == "%s" and (arg := next(args, None)) is not None:
                fields.append((spec, self._templates(arg, depth + 1)))
            else:
                return [(_UNKNOWN_PART,)]
        return self._fill(node.left, text, fields)

    def _format_call(self, node: ast.Call, depth: int) -> list[_Template]:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "format":
            return [(_UNKNOWN_PART,)]
        text = _str(func.value)
        if text is None or "{{" in text or "}}" in text:
            return [(_UNKNOWN_PART,)]
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        fields: list[tuple[re.Match[str], list[_Template]]] = []
        auto = 0
        for match in _FORMAT_FIELD.finditer(text):
            name = match.group(1)
            if name == "":
                name, auto = str(auto), auto + 1
            if name.isdigit():
                value = node.args[int(name)] if int(name) < len(node.args) else None
            else:
                value = keywords.get(name)
            templates: list[_Template] = [(_UNKNOWN_PART,)]
            if value is not None:
                templates = self._templates(value, depth + 1)
            fields.append((match, templates))
        return self._fill(func.value, text, fields)

    @staticmethod
    def _fill(
        fmt: ast.expr, text: str, fields: list[tuple[re.Match[str], list[_Template]]]
    ) -> list[_Template]:
        """The format string `text` with each field's span replaced by that field's values."""
        pieces: list[list[_Template]] = []
        position = 0
        for match, templates in fields:
            pieces += [[(_Part(text[position : match.start()], fmt, position),)], templates]
            position = match.end()
        pieces.append([(_Part(text[position:], fmt, position),)])
        return _product(pieces)

    # -- findings ------------------------------------------------------------------------

    def _check(
        self,
        value: ast.expr,
        code: str,
        target: str,
        *,
        any_scheme: bool = False,
        key_scheme: bool = False,
        whole: Optional[Fix] = None,
    ) -> None:
        """Report every credential literal that `value` can carry into a sink.

        `whole` is the fix to use when `value` itself is the literal (a call or statement
        rewrite) instead of rewriting the literal.
        """
        for template in self._templates(value):
            text = "".join(part.text for part in template)
            token = find_token(text, any_scheme=any_scheme)
            if token is None or (key_scheme and (token.scheme or "").lower() != "key"):
                continue
            part, start = self._part_at(template, token)
            if part is None or part.origin is None:
                continue
            fix = whole if whole is not None and part.origin is value else None
            self._report(code, part, start, token, text[token.start : token.end], target, fix)

    @staticmethod
    def _part_at(template: _Template, token: Token) -> tuple[Optional[_Part], int]:
        position = 0
        for part in template:
            end = position + len(part.text)
            if position <= token.start and token.end <= end:
                return part, token.start - position
            position = end
        return None, 0

    def _report(
        self,
        code: str,
        part: _Part,
        start: int,
        token: Token,
        secret: str,
        target: str,
        fix: Optional[Fix],
    ) -> None:
        origin = part.origin
        assert origin is not None
        if id(origin) in self._findings:
            return
        span = self._span(origin)
        if fix is None and part.offset is not None:
            literal = "".join(_str(v) or "" for v in getattr(origin, "values", [origin]))
            begin = part.offset + start
            fix = Fix("literal", span, literal[:begin], literal[begin + len(secret) :])
        self._findings[id(origin)] = Finding(
            code, span.line, span.col, target, token.scheme, token.clarifai, fix, secret
        )

    def _span(self, node: Union[ast.expr, ast.stmt]) -> Span:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset or 0
        return Span(
            node.lineno,
            self._chars(node.lineno, node.col_offset),
            end_line,
            self._chars(end_line, end_col),
        )

    def _chars(self, line: int, byte_col: int) -> int:
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def _allowlisted(self, finding: Finding) -> bool:
        line = finding.line
        return 0 < line <= len(self._lines) and ALLOWLIST_PRAGMA in self._lines[line - 1]

    # -- sinks ---------------------------------------------------------------------------

    def _grpc_metadata(self, node: ast.AST) -> None:
        if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == 2:
            key = _str(node.elts[0])
            if key is not None and key.lower() == "authorization":
                self._check(node.elts[1], "CLR001", key, any_scheme=True)

    def _http_header(self, node: ast.AST) -> None:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                name = _str(key)
                if name is not None and name.lower() == "authorization":
                    self._check(value, "CLR002", name, key_scheme=True)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "dict":
                for keyword in node.keywords:
                    if keyword.arg and keyword.arg.lower() == "authorization":
                        self._check(keyword.value, "CLR002", keyword.arg, key_scheme=True)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    name = _str(target.slice)
                    if name is not None and name.lower() == "authorization":
                        self._check(node.value, "CLR002", name, key_scheme=True)

    def _client_call(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Call):
            return
        qualname = self._qualname(node.func)
        if qualname is None or not qualname.startswith("clarifai."):
            return
        cls = qualname.rpartition(".")[2]
        if cls not in _CLIENTS:
            return
        positions, keywords = _CLIENT_ARGS.get(cls, _SDK_ARGS)
        for index in positions:
            if index < len(node.args):
                self._check(node.args[index], "CLR003", f"{cls}(...)")
        for keyword in node.keywords:
            if keyword.arg in keywords:
                self._check(keyword.value, "CLR003", f"{cls}({keyword.arg}=...)")

    def _environ(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and self._is_environ(target.value):
                    name = self._credential_var(target.slice)
                    if name is not None:
                        drop = Fix("drop", self._span(node)) if len(node.targets) == 1 else None
                        self._check(node.value, "CLR004", name, whole=drop)
        elif isinstance(node, ast.Call):
            self._environ_call(node)
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            self._or_fallback(node)

    def _environ_call(self, call: ast.Call) -> None:
        qualname = self._qualname(call.func)
        if qualname not in _ENV_READS and qualname not in _ENV_WRITES:
            return
        name = self._credential_var(call.args[0] if call.args else None)
        defaults = call.args[1:2] or [
            k.value for k in call.keywords if k.arg in ("default", "value")
        ]
        if name is None or not defaults:
            return
        statement = self._statement_calls.get(id(call))
        if qualname in _ENV_READS or (qualname == "os.environ.setdefault" and statement is None):
            whole: Optional[Fix] = Fix("env_read", self._span(call))
        elif statement is not None:
            whole = Fix("drop", self._span(statement))
        else:
            whole = None
        self._check(defaults[0], "CLR004", name, whole=whole)

    def _or_fallback(self, node: ast.BoolOp) -> None:
        *_, before, last = node.values
        if not isinstance(before, ast.Call) or self._qualname(before.func) not in _ENV_READS:
            return
        name = self._credential_var(before.args[0] if before.args else None)
        if name is not None:
            whole = Fix("env_read", self._span(node)) if len(node.values) == 2 else None
            self._check(last, "CLR004", name, whole=whole)

    def _is_environ(self, node: ast.expr) -> bool:
        return self._qualname(node) == "os.environ"

    def _credential_var(self, node: Optional[ast.expr]) -> Optional[str]:
        """The name of a Clarifai credential variable that `node` spells, if it spells one."""
        if node is None:
            return None
        for template in self._templates(node):
            name = "".join(part.text for part in template)
            if name == self._env_var or is_credential_name(name, clarifai_file=False):
                return name
        return None

    def _bound_name(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            return
        if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
            return
        for target in targets:
            name = _dotted(target)
            if name is None:
                continue
            leaf = name.rpartition(".")[2]
            if is_credential_name(leaf, clarifai_file=self._clarifai_file):
                self._check(value, "CLR005", name)
