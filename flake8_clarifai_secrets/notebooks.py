"""Jupyter notebooks: code cells to one Python module and back, stored outputs, markdown.

The code cells, with IPython syntax masked (see magics.py), are joined into one module, so that a
key bound in one cell and sent in a later one is found, and the module goes through the same fix
as a `.py` file. The result is split back into cells and spliced into the file's own JSON text:
every byte outside the changed cell sources and cleared outputs stays as it was.
Cells are numbered as nbqa numbers them: code cells and markdown cells each from 1.
"""

from __future__ import annotations

import json
import re
import secrets
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, Union

from flake8_clarifai_secrets.cli import Result, Settings, _fix, _NotProcessed
from flake8_clarifai_secrets.credentials import (
    is_clarifai_key,
    is_credential_name,
    mask,
    name_words,
    redact,
)
from flake8_clarifai_secrets.detector import might_hold_credentials, source_lines
from flake8_clarifai_secrets.magics import Masked, env_assignment, is_foreign, unmask
from flake8_clarifai_secrets.magics import mask as mask_magics

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_POSITION = re.compile(r"(\d+):(\d+): ")
_MOVED = re.compile(r'key \((?P<tail>[^)]*)\) -> os\.environ\["(?P<name>[^"]+)"\]')
_HEX_BYTES = re.compile(rb"[0-9a-f]{32}")
_HEX = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])")
_AUTHORIZATION = re.compile(r"\bKey\s+([0-9a-f]{32})(?![0-9A-Za-z])")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Words that, nearest before a 32-hex value in prose, make it an id rather than a key.
_ID_WORDS = frozenset(
    {"id", "ids", "model", "version", "input", "app", "user", "workflow", "request", "hash"}
    | {"dataset", "concept", "task", "md5", "sha", "commit", "uuid", "url", "digest"}
)
_CONTEXT = 40
_DECODER = json.JSONDecoder()


class _Span(NamedTuple):
    """Where a JSON value sits in the file's text, with the spans of its members."""

    start: int
    end: int
    members: Union[dict[str, _Span], list[_Span], None]


def _parse(text: str, i: int) -> _Span:
    """Spans of an already validated JSON document (so errors are not checked again)."""
    start = _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]
    opening = text[start]
    if opening not in "{[":
        _, end = _DECODER.raw_decode(text, start)
        return _Span(start, end, None)
    closing = "}" if opening == "{" else "]"
    obj: dict[str, _Span] = {}
    array: list[_Span] = []
    j = _WHITESPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    while text[j] != closing:
        if opening == "{":
            key, j = _DECODER.raw_decode(text, j)
            j = _WHITESPACE.match(text, j).end() + 1  # type: ignore[union-attr]
            obj[key] = value = _parse(text, j)
        else:
            value = _parse(text, j)
            array.append(value)
        j = _WHITESPACE.match(text, value.end).end()  # type: ignore[union-attr]
        if text[j] == ",":
            j = _WHITESPACE.match(text, j + 1).end()  # type: ignore[union-attr]
    return _Span(start, j + 1, obj if opening == "{" else array)


@dataclass
class _Cell:
    kind: str
    number: int
    span: _Span
    source: str
    outputs: list[dict[str, Any]] = field(default_factory=list)
    masked: Optional[Masked] = None
    first_line: int = 0
    added_newline: bool = False


class _Report(NamedTuple):
    """One line of the report, sortable by where it points."""

    kind: str
    cell: int
    line: int
    col: int
    text: str
    fixed: bool = False

    def __str__(self) -> str:
        where = f"cell_{self.cell}:{self.line}:{self.col}: " if self.line else f"cell_{self.cell}: "
        return where + self.text


class _EnvKey(NamedTuple):
    """A key that `%env` or `%set_env` puts into a credential variable."""

    cell: int
    line: int
    col: int
    name: str
    key: str
    placeholder: str

    @property
    def moved(self) -> str:
        return f'CLR004 key ({mask(self.key)}) -> os.environ["{self.name}"]'


class _Invalid(Exception):
    pass


def process_notebook(path: str, settings: Settings, clear_outputs: bool = False) -> Result:
    """Read one notebook and compute its fixed bytes. Never raises; never writes.

    As for `.py` files, a notebook is read only if the detector's text test says that it may
    hold a credential, or it holds 32 hex digits in a row: no finding is possible otherwise.
    """
    result = Result(path)
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        result.error = f"cannot be read ({error.strerror})"
        return result
    if not might_hold_credentials(data, settings.env_var) and _HEX_BYTES.search(data) is None:
        return result
    try:
        _Notebook(data, settings, clear_outputs).fix(result)
    except (_Invalid, _NotProcessed) as error:
        result.error = str(error)
    except (RecursionError, MemoryError) as error:
        result.error = f"too deeply nested to rewrite ({type(error).__name__})"
    except Exception as error:  # noqa: B902 - one file's failure must not end the run
        result.error = f"internal error ({type(error).__name__}); please report it"
    return result


class _Notebook:
    def __init__(self, data: bytes, settings: Settings, clear_outputs: bool) -> None:
        self.data = data
        self.settings = settings
        self.clear_outputs = clear_outputs
        try:
            self.text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _Invalid(f"cannot be decoded ({error.reason} at byte {error.start})") from None
        self._validate()
        top = _parse(self.text, 0)
        assert isinstance(top.members, dict)
        self.python = _is_python(json.loads(self._raw(top.members["metadata"])))
        self.cells = list(self._cells(top.members["cells"]))
        self.token = self._unused_hex()
        self.placeholders = 0
        self.secrets: list[str] = []

    def _validate(self) -> None:
        try:
            document = json.loads(self.text)
        except ValueError as error:
            raise _Invalid(f"is not JSON ({error})") from None
        version = document.get("nbformat") if isinstance(document, dict) else None
        if not isinstance(version, int):
            raise _Invalid("is not a notebook (it has no `nbformat` version)")
        if version != 4:
            raise _Invalid(
                f"is an nbformat {version} notebook; convert it to version 4 with "
                "`jupyter nbconvert --to notebook`"
            )
        import nbformat

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                nbformat.validate(document)
            except nbformat.ValidationError as error:
                message = redact(str(error.message).splitlines()[0], [])
                raise _Invalid(f"is not a valid notebook ({message})") from None

    def _raw(self, span: _Span) -> str:
        return self.text[span.start : span.end]

    def _cells(self, cells: _Span) -> Iterator[_Cell]:
        assert isinstance(cells.members, list)
        numbers = {"code": 0, "markdown": 0}
        for span in cells.members:
            assert isinstance(span.members, dict)
            kind = json.loads(self._raw(span.members["cell_type"]))
            if kind not in numbers:
                continue
            numbers[kind] += 1
            source = json.loads(self._raw(span.members["source"]))
            source = source if isinstance(source, str) else "".join(source)
            outputs = json.loads(self._raw(span.members["outputs"])) if kind == "code" else []
            yield _Cell(kind, numbers[kind], span, source, outputs)

    def _unused_hex(self) -> str:
        while True:
            token = secrets.token_hex(4)
            if token not in self.text:
                return token

    def _placeholder(self) -> str:
        self.placeholders += 1
        return f"hash(0x{self.token}_{self.placeholders:06x})"

    def fix(self, result: Result) -> None:
        report: list[_Report] = []
        code = [cell for cell in self.cells if cell.kind == "code"] if self.python else []
        separator = self._placeholder() + "\n"
        module = self._module(code, separator, report)
        code = [cell for cell in code if cell.masked is not None]
        view = Result(result.path)
        if module.strip():
            _fix(module.encode("utf-8"), self.settings, view)
        env = self._env_magics(code)
        self.secrets = [*view.secrets, *(e.key for e in env)]
        clash = _clash(env, view.moved)
        if clash is None:
            new_module = module if view.new is None else view.new.decode("utf-8")
            dropped = frozenset(e.placeholder for e in env)
            sources = self._split(code, new_module, separator, dropped)
            report += [self._relocate(code, line, True) for line in view.moved]
            report += [_Report("code", e.cell, e.line, e.col, e.moved, True) for e in env]
            result.variables = list(dict.fromkeys([*view.variables, *(e.name for e in env)]))
        else:
            sources = {cell.number: cell.source for cell in code}
            why = (
                f"left alone: `%env` sets `{clash}` to another key than the code reads from it"
                " - move these keys by hand"
            )
            for line in view.moved:
                moved = self._relocate(code, line, False)
                report.append(moved._replace(text=f"{moved.text.split()[0]} {why}"))
            report += [_Report("code", e.cell, e.line, e.col, f"CLR004 {why}") for e in env]
        report += [self._relocate(code, line, False) for line in view.left]
        cleared = self._outputs(report)
        self._markdown(report)
        report.sort(key=lambda r: (r.kind == "markdown", r.cell, r.kind == "output", r.line, r.col))
        result.moved = [str(r) for r in report if r.fixed]
        result.left = [str(r) for r in report if not r.fixed]
        result.secrets = self.secrets
        new = self._splice(sources, cleared)
        if new != self.text:
            result.old, result.new = self.data, new.encode("utf-8")

    def _module(self, code: list[_Cell], separator: str, report: list[_Report]) -> str:
        """The Python cells as one module; each cell that is not Python is reported."""
        parts: list[str] = []
        line = 1
        for cell in code:
            if is_foreign(cell.source):
                continue
            cell.masked = mask_magics(cell.source, self._placeholder)
            if cell.masked is None:
                why = "not checked: not valid Python, even with IPython syntax masked - fix it"
                report.append(_Report("code", cell.number, 0, 0, why))
                continue
            if parts:
                parts.append(separator)
                line += 1
            text = cell.masked.source
            if text and not text.endswith(("\n", "\r")):
                text += "\n"
                cell.added_newline = True
            cell.first_line = line
            line += len(source_lines(text))
            parts.append(text)
        return "".join(parts)

    @staticmethod
    def _relocate(code: list[_Cell], line: str, fixed: bool) -> _Report:
        """A report line about the joined module, pointed at its cell."""
        match = _POSITION.match(line)
        if match is None:
            return _Report("code", 0, 0, 0, line, fixed)
        row, col = int(match[1]), int(match[2])
        cell = [c for c in code if c.first_line <= row][-1]
        text = line[match.end() :]
        return _Report("code", cell.number, row - cell.first_line + 1, col, text, fixed)

    def _env_magics(self, code: list[_Cell]) -> list[_EnvKey]:
        """`%env NAME=<key>` lines: CLR004, fixed by removing the line."""
        found = []
        for cell in code:
            assert cell.masked is not None
            lines = [line.rstrip("\r\n") for line in source_lines(cell.masked.source)]
            for placeholder in cell.masked.escaped:
                assignment = env_assignment(cell.masked.lines[placeholder])
                if assignment is None or not is_clarifai_key(assignment.value):
                    continue
                name = assignment.name
                if name == self.settings.env_var or is_credential_name(name, clarifai_file=False):
                    line = lines.index(placeholder) + 1
                    found.append(
                        _EnvKey(
                            cell.number,
                            line,
                            assignment.col + 1,
                            name,
                            assignment.value,
                            placeholder,
                        )
                    )
        return found

    def _split(
        self, code: list[_Cell], module: str, separator: str, dropped: frozenset[str]
    ) -> dict[int, str]:
        pieces = module.split(separator)
        if len(pieces) != max(len(code), 1):
            raise _NotProcessed("the rewrite cannot be split back into cells")
        sources = {}
        for cell, piece in zip(code, pieces):
            assert cell.masked is not None
            if not set(cell.masked.lines) <= {line.rstrip("\r\n") for line in source_lines(piece)}:
                raise _NotProcessed(
                    f"cell_{cell.number}: the fix would rewrite a line that holds IPython syntax"
                )
            if cell.added_newline and piece.endswith("\n"):
                piece = piece[:-1]
            sources[cell.number] = unmask(piece, cell.masked.lines, dropped)
        return sources

    def _outputs(self, report: list[_Report]) -> set[tuple[int, int]]:
        """Outputs that show a key from the code or a `Key <key>` value; cleared if asked."""
        cleared = set()
        for cell in [c for c in self.cells if c.kind == "code"]:
            for number, output in enumerate(cell.outputs, start=1):
                key = self._leaked(_strings(output))
                if key is None:
                    continue
                self.secrets.append(key)
                shows = f"output {number} shows a Clarifai key ({mask(key)})"
                if self.clear_outputs:
                    cleared.add((cell.number, number))
                    report.append(
                        _Report("output", cell.number, 0, 0, f"{shows}: cleared", fixed=True)
                    )
                else:
                    report.append(
                        _Report(
                            "output",
                            cell.number,
                            0,
                            0,
                            f"{shows} - clear it, or rerun with --clear-leaking-outputs",
                        )
                    )
        return cleared

    def _leaked(self, text: str) -> Optional[str]:
        for key in self.secrets:
            if key in text:
                return key
        for match in _AUTHORIZATION.finditer(text):
            if is_clarifai_key(match[1]):
                return match[1]
        return None

    def _markdown(self, report: list[_Report]) -> None:
        for cell in self.cells:
            if cell.kind != "markdown":
                continue
            for number, line in enumerate(source_lines(cell.source), start=1):
                for match in _HEX.finditer(line):
                    key = match.group()
                    if key in self.secrets or (
                        is_clarifai_key(key) and _credential_context(line[: match.start()])
                    ):
                        report.append(
                            _Report(
                                "markdown",
                                cell.number,
                                number,
                                match.start() + 1,
                                f"Clarifai key ({mask(key)}) in a markdown cell - remove it "
                                "by hand: the notebook publishes it",
                            )
                        )
                        self.secrets.append(key)

    def _splice(self, sources: dict[int, str], cleared: set[tuple[int, int]]) -> str:
        """The file's text with new sources for the code cells in `sources`, `cleared` outputs
        (cell, output) removed, and every other byte as it was."""
        edits: list[tuple[int, int, str]] = []
        escape = self.text.isascii()
        for cell in self.cells:
            source = sources.get(cell.number, cell.source) if cell.kind == "code" else cell.source
            assert isinstance(cell.span.members, dict)
            if source != cell.source:
                span = cell.span.members["source"]
                edits.append((span.start, span.end, self._source_json(span, source, escape)))
        for cell in self.cells:
            if cell.kind != "code" or not any(c == cell.number for c, _ in cleared):
                continue
            assert isinstance(cell.span.members, dict)
            span = cell.span.members["outputs"]
            assert isinstance(span.members, list)
            kept = [
                self._raw(item)
                for number, item in enumerate(span.members, start=1)
                if (cell.number, number) not in cleared
            ]
            edits.append((span.start, span.end, self._array(span, kept)))
        text = self.text
        for start, end, new in sorted(edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def _source_json(self, span: _Span, source: str, escape: bool) -> str:
        if not isinstance(span.members, list):
            return json.dumps(source, ensure_ascii=escape)
        old = {json.loads(self._raw(item)): self._raw(item) for item in reversed(span.members)}
        lines = source.splitlines(keepends=True)
        return self._array(
            span, [old.get(line) or json.dumps(line, ensure_ascii=escape) for line in lines]
        )

    def _array(self, span: _Span, items: Sequence[str]) -> str:
        """A JSON array of `items` laid out as the array at `span` is."""
        assert isinstance(span.members, list)
        if not items:
            return "[]"
        old = span.members
        if old:
            opening = self.text[span.start + 1 : old[0].start]
            closing = self.text[old[-1].end : span.end - 1]
            between = self.text[old[0].end : old[1].start] if len(old) > 1 else "," + opening
        else:
            line_start = self.text.rfind("\n", 0, span.start) + 1
            indent = re.match(r"[ \t]*", self.text[line_start:]).group()  # type: ignore[union-attr]
            step = indent[: max(1, len(indent) // 3)] if indent else ""
            opening, closing = "\n" + indent + step, "\n" + indent
            between = "," + opening
        return "[" + opening + between.join(items) + closing + "]"


def _clash(env: list[_EnvKey], moved: list[str]) -> Optional[str]:
    """A variable that `%env` sets to one key while the fix would read another from it."""
    for line in moved:
        match = _MOVED.search(line)
        for key in env:
            if match is not None and match["name"] == key.name and match["tail"] != mask(key.key):
                return key.name
    tails: dict[str, str] = {}
    for key in env:
        if tails.setdefault(key.name, mask(key.key)) != mask(key.key):
            return key.name
    return None


def _is_python(metadata: dict[str, Any]) -> bool:
    language = metadata.get("kernelspec", {}).get("language") or metadata.get(
        "language_info", {}
    ).get("name")
    return language in (None, "python")


def _strings(value: Any) -> str:
    """The text of an output: every string in it except base64 images."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_strings(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(
            _strings(item)
            for key, item in value.items()
            if not (key.startswith("image/") and key != "image/svg+xml")
        )
    return ""


def _credential_context(before: str) -> bool:
    """Whether the nearest label before a 32-hex value in prose names a credential."""
    for word in reversed(_WORD.findall(before[-_CONTEXT:])):
        if name_words(word) & _ID_WORDS:
            return False
        if is_credential_name(word, clarifai_file=True):
            return True
    return False
