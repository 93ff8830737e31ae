"""Keys in comments and docstrings, which no fix rewrites: the fixer reports them on every run
until they are removed, as it reports keys in markdown cells, so that a second commit does not
carry them."""

from __future__ import annotations

import ast
import bisect
import functools
import itertools
import re
import tokenize
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Optional

from flake8_clarifai_secrets.codes import CODES
from flake8_clarifai_secrets.credentials import (
    KEY_IN_TEXT,
    PROSE_CONTEXT,
    PROSE_WORD,
    is_clarifai_key,
    is_credential_name,
    labels_a_key,
    mask,
)
from flake8_clarifai_secrets.detector import ALLOWLIST_PRAGMA, Finding, source_lines
from flake8_clarifai_secrets.detector.tree import Walker, dotted, environ_read, leaf, statements
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR

COMMENTED = "CLR006"
# The names that hold the file's key (see `_key_names`), worked out where a label needs them.
_Names = Callable[[], frozenset[str]]
_COMMENTED = re.compile(r"#[^\n]*?" + KEY_IN_TEXT.pattern)


def commented_keys(
    code: str, tree: ast.AST, findings: Iterable[Finding] = (), env_var: str = DEFAULT_ENV_VAR
) -> list[tuple[int, int, str]]:
    """(line, column, key) for each Clarifai key that a credential's name labels in a comment or
    in a string that is a statement of its own (a docstring, usage text), in a file that names
    Clarifai: `# old: pat="<key>"`, `usage: CLARIFAI_PAT=<key> python tag.py`, not `# model
    version <id>`; or a name that holds the file's key (see `_key_names`), as it labels an
    earlier version of its line (`# API_KEY='<old key>'` above `API_KEY = '<key>'`).
    `findings`: the file's, under `env_var`."""
    if KEY_IN_TEXT.search(code) is None or "clarifai" not in code.lower():
        return []
    lines = source_lines(code)
    bound = functools.cache(lambda: _key_names(tree, findings, env_var))
    return sorted({*_in_comments(code, lines, bound), *_in_docstrings(tree, code, lines, bound)})


def _key_names(tree: ast.AST, findings: Iterable[Finding], env_var: str) -> frozenset[str]:
    """The names that hold the file's Clarifai key, as a commented-out line spells them: those
    that its reported keys are bound to, and those bound to a read of Clarifai's variable
    (`API_KEY = os.environ["CLARIFAI_PAT"]`), as the fix leaves them."""
    names = {leaf(f.binding) for f in findings if f.binding}
    for node in statements(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            variable = environ_read(node.value)
            if variable is not None and ("CLARIFAI" in variable.upper() or variable == env_var):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(leaf(name) for name in map(dotted, targets) if name)
    return frozenset(names)


def commented_message(key: str) -> str:
    """flake8's message for a key in a comment or a docstring."""
    text = CODES[COMMENTED].template.format(credential="Clarifai key", tail=mask(key))
    return f"{COMMENTED} {text}"


def _in_comments(code: str, lines: Sequence[str], bound: _Names) -> Iterator[tuple[int, int, str]]:
    """Keys in comments."""
    if _COMMENTED.search(code) is None:
        return
    # Lines as `ast` splits them, also at a lone `\r`.
    read = iter(lines)
    try:
        for token in tokenize.generate_tokens(lambda: next(read, "")):
            if token.type == tokenize.COMMENT:
                line, col = token.start
                found = _labelled(token.string, bound)
                yield from ((line, col + c, key) for c, key in found)
    except (tokenize.TokenError, SyntaxError):
        return


def _in_docstrings(
    tree: ast.AST, code: str, lines: Sequence[str], bound: _Names
) -> Iterator[tuple[int, int, str]]:
    """Keys in strings that are statements of their own (docstrings, usage text), among the
    statements on the lines with a key-shaped token."""
    ends = list(itertools.accumulate(map(len, lines)))
    keyed = sorted({bisect.bisect_right(ends, m.start()) + 1 for m in KEY_IN_TEXT.finditer(code)})
    for node, _ in Walker(tree).near(keyed):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            last = node.end_lineno or node.lineno
            for line in range(node.lineno, last + 1):
                text = lines[line - 1]
                if line == last:
                    text = _before(text, node.end_col_offset)
                begin = len(_before(text, node.col_offset)) if line == node.lineno else 0
                found = _labelled(text[begin:], bound)
                yield from ((line, begin + col, key) for col, key in found)


def _before(text: str, offset: Optional[int]) -> str:
    """What stands before a column of ast's, which counts UTF-8 bytes."""
    return text.encode()[:offset].decode(errors="ignore")


def _labelled(text: str, bound: _Names) -> Iterator[tuple[int, str]]:
    """(column, key) for each Clarifai key in `text` (a comment, or a line of a docstring) that
    a name that says Clarifai's credential, or `PAT`, labels, or a generic one on a line that
    names Clarifai: comments and docstrings are mostly prose about tokens of every kind
    (`# stripe secret: <hex>`, `a CSRF token, e.g. <hex>`)."""
    if ALLOWLIST_PRAGMA in text:
        return
    for match in KEY_IN_TEXT.finditer(text):
        key, before = match.group(), text[: match.start()]
        # A generic label counts where the line names Clarifai anywhere (a doctest's
        # `OpenAI(base_url="https://api.clarifai.com/...", api_key="<key>")`).
        said = _says_clarifai(before) or "clarifai" in text.lower()
        if is_clarifai_key(key) and (
            labels_a_key(before) and said or _last_word(before) in bound()
        ):
            yield match.start(), key


def _last_word(before: str) -> Optional[str]:
    words = PROSE_WORD.findall(before[-PROSE_CONTEXT:])
    return words[-1] if words else None


def _says_clarifai(before: str) -> bool:
    """Whether the text before a key says it is Clarifai's: `PAT` or a Clarifai credential's
    name, a callee named for Clarifai (`# app = ClarifaiApp(api_key="<key>")`), or Clarifai's
    header (`Authorization: Key <key>`, `('authorization', 'Key <key>')`)."""
    words = PROSE_WORD.findall(before[-PROSE_CONTEXT:])
    lowered = [w.lower() for w in words]
    return (
        any(w == "pat" or "clarifai" in w for w in lowered)
        or any(is_credential_name(w, clarifai_file=False) for w in words)
        or lowered[-2:] == ["authorization", "key"]
    )
