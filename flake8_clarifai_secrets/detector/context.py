"""Names and evidence: imports, bindings, and whether a file talks to Clarifai.

Bindings are found through the text: every binding of a name stands on a line that names it, so
the lines that name an identifier are walked the first time a value bound to it is needed. With
`full`, the whole tree is indexed at once instead; the tests check that both agree.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Optional

from flake8_clarifai_secrets.credentials import is_credential_name
from flake8_clarifai_secrets.detector.findings import Span
from flake8_clarifai_secrets.detector.text import Scan
from flake8_clarifai_secrets.detector.tree import Positions, dotted, leaf, string, walk_near
from flake8_clarifai_secrets.detector.values import Values

CLARIFAI_PACKAGES = frozenset({"clarifai", "clarifai_grpc"})
# Variables that Clarifai's own examples copy the PAT into, for clients that read no other.
ALIAS_VARIABLES = frozenset({"OPENAI_API_KEY"})


class Context:
    """What the sinks may ask about the file they look at."""

    def __init__(
        self, tree: ast.AST, scan: Scan, positions: Positions, env_var: str, *, full: bool
    ) -> None:
        self.tree = tree
        self.scan = scan
        self.positions = positions
        self.env_var = env_var
        self.values = Values(self.bindings)
        # id(call) -> the statement that is only that call; filled as the walk meets them.
        self.statements: dict[int, ast.stmt] = {}
        self._bindings: dict[str, list[ast.expr]] = defaultdict(list)
        self._bound_to: dict[int, str] = {}
        self._seen: set[int] = set()
        self._indexed: Optional[set[str]] = None if full else set()
        self._imports: Optional[dict[str, str]] = None
        if full:
            self.collect(ast.walk(tree))

    # -- evidence ------------------------------------------------------------------------

    @property
    def clarifai_file(self) -> bool:
        return self.scan.clarifai_context

    def is_credential_var(self, name: str) -> bool:
        """A Clarifai credential variable: `CLARIFAI_PAT`, `CLARIFAI_API_KEY`, the configured one.

        In a Clarifai file, also `OPENAI_API_KEY`, which Clarifai's examples set to the PAT.
        """
        return (
            name == self.env_var
            or (name.isidentifier() and is_credential_name(name, clarifai_file=False))
            or (name in ALIAS_VARIABLES and self.clarifai_file)
        )

    def credential_var(self, node: Optional[ast.expr]) -> Optional[str]:
        """The credential variable that `node` spells, if it spells one."""
        if node is None:
            return None
        return next((n for n in self.values.strings(node) if self.is_credential_var(n)), None)

    def span(self, node: ast.expr | ast.stmt | ast.arg) -> Span:
        return self.positions.span(node)

    # -- imports ---------------------------------------------------------------------------

    def qualname(self, node: ast.expr) -> Optional[str]:
        """`clarifai.client.model.Model.from_current_context` for `Model.from_current_context`."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        base = self.imports.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def in_clarifai(self, node: ast.expr) -> bool:
        qualname = self.qualname(node)
        return qualname is not None and qualname.partition(".")[0] in CLARIFAI_PACKAGES

    @property
    def imports(self) -> dict[str, str]:
        """Local name -> what it imports."""
        if self._imports is None:
            nodes: Iterable[ast.AST] = (
                ast.walk(self.tree)
                if self._indexed is None
                else walk_near(self.tree, self.scan.lines_naming(b"import"))
            )
            self._imports = _imports(nodes)
        return self._imports

    # -- bindings --------------------------------------------------------------------------

    def bindings(self, name: str) -> Sequence[ast.expr]:
        """Every value bound to the dotted `name` anywhere in the file.

        `self.x` also finds a class field `x`, as code reads class fields through `self`.
        """
        self._index(leaf(name))
        found = self._bindings.get(name)
        if found is None and "." in name and not name.endswith("]"):
            found = self._bindings.get(leaf(name))
        return found or ()

    def bound_to(self, literal: ast.expr) -> Optional[str]:
        """The dotted name, or dict key, that `literal` is directly bound to."""
        return self._bound_to.get(id(literal))

    def _index(self, identifier: str) -> None:
        if self._indexed is None or identifier in self._indexed:
            return
        self._indexed.add(identifier)
        lines = self.scan.lines_naming(identifier.encode("utf-8", "surrogatepass"))
        self.collect(walk_near(self.tree, lines))

    def collect(self, nodes: Iterable[ast.AST]) -> list[str]:
        """Index the bindings among `nodes`; return the names they bind."""
        names = []
        for node in nodes:
            if id(node) in self._seen:
                continue
            self._seen.add(id(node))
            for target, value in bound_pairs(node):
                name = dotted(target)
                if name is None:
                    continue
                names.append(name)
                self._bindings[name].append(value)
                self._bound_to.setdefault(id(value), name)
                if isinstance(value, ast.Dict):
                    self._collect_entries(name, value, names)
        return names

    def _collect_entries(self, name: str, value: ast.Dict, names: list[str]) -> None:
        for key, entry in zip(value.keys, value.values):
            text = string(key)
            if text is None:
                continue
            entry_name = f"{name}.[{text!r}]"
            names.append(entry_name)
            self._bindings[entry_name].append(entry)
            self._bound_to.setdefault(id(entry), text)
            if isinstance(entry, ast.Dict):
                self._collect_entries(entry_name, entry, names)


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


def bound_pairs(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    """(target, value) pairs that `node` binds: assignments, unpacking, parameter defaults."""
    if isinstance(node, ast.Assign):
        return [pair for target in node.targets for pair in _unpack(target, node.value)]
    if isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        return _unpack(node.target, node.value)
    if isinstance(node, ast.arguments):
        positional = [*node.posonlyargs, *node.args]
        pairs = list(zip(positional[len(positional) - len(node.defaults) :], node.defaults))
        pairs += [(arg, d) for arg, d in zip(node.kwonlyargs, node.kw_defaults) if d is not None]
        return [(ast.Name(arg.arg), default) for arg, default in pairs]
    return []


def _unpack(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(target, (ast.Tuple, ast.List)):
        if not isinstance(value, (ast.Tuple, ast.List)) or len(value.elts) != len(target.elts):
            return []
        if any(isinstance(e, ast.Starred) for e in [*target.elts, *value.elts]):
            return []
        return [pair for t, v in zip(target.elts, value.elts) for pair in _unpack(t, v)]
    return [(target, value)]
