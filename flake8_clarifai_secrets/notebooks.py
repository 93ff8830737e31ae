"""Jupyter notebooks: code cells to one Python module and back, stored outputs, markdown.

The Python code cells, with IPython syntax masked (see magics.py), are joined into one module,
so that a key bound in one cell and sent in a later one is found, and the module goes through
the same fix as a `.py` file. The result is split back into cells and spliced into the file's own
JSON text: every byte outside the changed cell sources and cleared outputs stays as it was.
Cells are numbered as nbqa numbers them: code cells and markdown cells each from 1.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import secrets
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

from flake8_clarifai_secrets import jsonspans
from flake8_clarifai_secrets.credentials import (
    ID_WORDS,
    KEY_IN_TEXT,
    PROSE_CONTEXT,
    PROSE_WORD,
    is_clarifai_key,
    is_credential_name,
    labels_a_key,
    mask,
    name_words,
    names_another_credential,
    redact,
)
from flake8_clarifai_secrets.detector import Finding, Span, might_hold_credentials, source_lines
from flake8_clarifai_secrets.detector.context import ALIAS_VARIABLES
from flake8_clarifai_secrets.magics import Masked, is_foreign, unmask
from flake8_clarifai_secrets.magics import mask as mask_magics

# Half a key: a key split over lines in a cell is split over JSON strings too.
_HEX_BYTES = re.compile(rb"[0-9a-f]{16}")
_AUTHORIZATION = re.compile(r"\b(Key|Bearer)\s+([0-9a-f]{32})(?![0-9A-Za-z])")
# What a line that only shows a variable's value says besides the variable.
_SHOWING = frozenset({"os", "environ", "getenv", "get", "print", "echo", "env", "display"})
_HOLDER = re.compile(r"\b\w+\s*\.\s*(?=[A-Za-z_])")
# The nesting depth of a cell's `source` and `outputs` arrays: document, cells, cell.
_CELL_KEY_DEPTH = 3


class NotReadable(Exception):
    """A notebook that is not UTF-8, not JSON, or not a valid nbformat 4 notebook."""


class Note(NamedTuple):
    """One line of a notebook's report: `line` is 0 for a whole cell or an output."""

    kind: str
    cell: int
    line: int
    col: int
    text: str

    def __str__(self) -> str:
        where = f"cell_{self.cell}:{self.line}:{self.col}" if self.line else f"cell_{self.cell}"
        return f"{'metadata' if self.kind == 'metadata' else where}: {self.text}"

    @property
    def order(self) -> tuple[bool, int, bool, int, int]:
        return (
            self.kind in ("markdown", "raw"),
            self.cell,
            self.kind == "output",
            self.line,
            self.col,
        )


@dataclass
class _Cell:
    kind: str
    number: int
    span: jsonspans.Span
    source: str
    outputs: list[dict[str, Any]] = field(default_factory=list)
    masked: Optional[Masked] = None
    first_line: int = 0


def may_hold_credentials(data: bytes, env_var: str) -> bool:
    """The cheap test: the detector's, or half a key's hex digits in a row (in an output, in
    markdown, or a key split over lines)."""
    return might_hold_credentials(data, env_var) or _HEX_BYTES.search(data) is not None


class Notebook:
    """A notebook's Python cells as one module (`code`), and the way back to the file."""

    def __init__(self, data: bytes) -> None:
        try:
            self.text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotReadable(f"cannot be decoded ({error.reason} at byte {error.start})") from None
        _validate(self.text)
        top = jsonspans.parse(self.text)
        assert isinstance(top.members, dict)
        metadata = (
            json.loads(self._raw(top.members["metadata"])) if "metadata" in top.members else {}
        )
        self.cells = list(self._cells(top.members["cells"]))
        # ipywidgets' saved state (a widget's `value`), which the notebook publishes.
        self._widgets = _widget_values(metadata.get("widgets"))
        self._parameters = _papermill_parameters(metadata.get("papermill"))
        self._token = self._unused_hex()
        self._placeholders = 0
        self.separator = self._placeholder() + "\n"
        self.unchecked: list[Note] = []
        python = [c for c in self.cells if c.kind == "code"] if _is_python(metadata) else []
        self.code = self._module(python)
        self._python = [cell for cell in python if cell.masked is not None]
        self._lines = [line.rstrip("\r\n") for line in source_lines(self.code)]

    def _raw(self, span: jsonspans.Span) -> str:
        return self.text[span.start : span.end]

    def _cells(self, cells: jsonspans.Span) -> Iterator[_Cell]:
        assert isinstance(cells.members, list)
        numbers = {"code": 0, "markdown": 0, "raw": 0}
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
        self._placeholders += 1
        return f"hash(0x{self._token}_{self._placeholders:06x})"

    def _module(self, cells: list[_Cell]) -> str:
        """The Python cells joined into one module; each cell that is not Python is reported."""
        parts: list[str] = []
        line = 1
        for cell in cells:
            if is_foreign(cell.source):
                continue
            cell.masked = mask_magics(cell.source, self._placeholder)
            if cell.masked is None:
                why = "not checked: not valid Python, even with IPython syntax masked - fix it"
                self.unchecked.append(Note("code", cell.number, 0, 0, why))
                continue
            if parts:
                parts.append(self.separator)
                line += 1
            text = cell.masked.source
            if text and not text.endswith(("\n", "\r")):
                text += "\n"
            cell.first_line = line
            line += len(source_lines(text))
            parts.append(text)
        return "".join(parts)

    def where(self, line: int, col: int) -> str:
        """`cell_N:LINE:COL` for `line` (1-based) and `col` (0-based) of `code`."""
        cell, row, col = self._in_cell(line, col)
        return f"cell_{cell.number}:{row}:{col + 1}"

    def line_place(self, line: int) -> str:
        """`cell_N:LINE` for `line` (1-based) of `code`."""
        cell, row, _ = self._in_cell(line, 0)
        return f"cell_{cell.number}:{row}"

    def _in_cell(self, line: int, col: int) -> tuple[_Cell, int, int]:
        """The cell, its 1-based line and its 0-based column for a position in `code`."""
        cell = [c for c in self._python if c.first_line <= line][-1]
        assert cell.masked is not None
        columns = cell.masked.columns.get(self._lines[line - 1])
        if columns is not None:
            in_call, in_magic = columns
            col = in_magic + max(0, col - in_call)
        return cell, line - cell.first_line + 1, col

    def in_file(self, finding: Finding) -> Finding:
        """`finding` placed in the notebook's JSON text (for JSON and SARIF reports)."""
        line, col = self.in_text(finding.line, finding.col)
        fix = finding.fix
        if fix is not None:
            start = self.in_text(fix.span.line, fix.span.col)
            end = self.in_text(fix.span.end_line, fix.span.end_col)
            fix = fix._replace(span=Span(*start, *end))
        return dataclasses.replace(finding, line=line, col=col, fix=fix)

    def in_text(self, line: int, col: int) -> tuple[int, int]:
        """The 1-based line and 0-based column in the file's text of a position in `code`."""
        cell, row, col = self._in_cell(line, col)
        offset = sum(len(text) for text in source_lines(cell.source)[: row - 1]) + col
        assert isinstance(cell.span.members, dict)
        source = cell.span.members["source"]
        pieces = source.members if isinstance(source.members, list) else [source]
        escape = self.text.isascii()
        for piece in pieces:
            value = json.loads(self._raw(piece))
            if offset < len(value) or piece is pieces[-1]:
                at = piece.start + len(json.dumps(value[:offset], ensure_ascii=escape)) - 1
                break
            offset -= len(value)
        return self.text.count("\n", 0, at) + 1, at - (self.text.rfind("\n", 0, at) + 1)

    def rebuild(
        self, code: str, keys: Sequence[str], clear: bool
    ) -> tuple[Optional[bytes], list[Note], list[Note]]:
        """The notebook with the fixed `code` in its cells, and its stored outputs cleared where
        they show a key (one of `keys`, found in the code, or a `Key <key>` value) if `clear`.

        Returns the new bytes (None if nothing changed), the cleared outputs, and the keys left:
        in outputs that are not cleared, and in markdown cells.
        """
        sources = self._split(code)
        found = list(keys)
        leaks = self._outputs(found)
        if clear:
            cleared = [note._replace(text=f"{note.text}: cleared") for _, note in leaks]
            shown = []
        else:
            cleared = []
            shown = [
                note._replace(text=f"{note.text} - clear it, or rerun with --clear-leaking-outputs")
                for _, note in leaks
            ]
        shown += self._unread(found)
        metadata = [
            f"saved widget state shows a Clarifai key ({mask(key)}) - remove it by hand "
            "(Widgets > Clear Saved Widget State in Jupyter, or nbstripout)"
            for key in self._widgets
            if key in found or (is_clarifai_key(key) and self._names_clarifai)
        ] + [
            f"papermill's saved parameters show a Clarifai key ({mask(value)}) in `{name}` - "
            "remove it by hand (metadata.papermill.parameters)"
            for name, value in self._parameters
            if value in found
            or is_clarifai_key(value)
            and is_credential_name(name, clarifai_file=self._names_clarifai)
        ]
        shown += [Note("metadata", 0, 0, 0, text) for text in metadata]
        spliced = self._splice(sources, {output for output, _ in leaks} if clear else set())
        new = None if spliced == self.text else spliced.encode("utf-8")
        return new, cleared, shown

    def _split(self, code: str) -> dict[int, str]:
        pieces = code.split(self.separator)
        if len(pieces) != max(len(self._python), 1):
            raise NotReadable("the fix cannot be split back into cells")
        sources = {}
        for cell, piece in zip(self._python, pieces):
            assert cell.masked is not None
            kept = {line.rstrip("\r\n") for line in source_lines(piece)}
            if set(cell.masked.lines) - set(cell.masked.columns) - kept:
                raise NotReadable(
                    f"cell_{cell.number}: the fix would rewrite a line that holds IPython syntax"
                )
            if not cell.source.endswith(("\n", "\r")):
                piece = piece.rstrip("\r\n")
            sources[cell.number] = unmask(piece, cell.masked)
        return sources

    def _outputs(self, keys: list[str]) -> list[tuple[tuple[int, int], Note]]:
        """The (cell, output) numbers of the outputs that show a key, with a note for each."""
        leaks = []
        clarifai = self._names_clarifai
        for cell in self.cells:
            shows = _shows_credential(cell.source, clarifai=clarifai)
            for number, output in enumerate(cell.outputs, start=1):
                key = _leaked(_strings(output), keys, clarifai=clarifai, shows=shows)
                if key is not None:
                    keys.append(key)
                    text = f"output {number} shows a Clarifai key ({mask(key)})"
                    leaks.append(((cell.number, number), Note("output", cell.number, 0, 0, text)))
        return leaks

    @functools.cached_property
    def _names_clarifai(self) -> bool:
        return "clarifai" in self.text.lower()

    def _unread(self, keys: list[str]) -> list[Note]:
        """Keys in the cells that are not Python: markdown, raw cells (which nbconvert
        publishes as they are), and cell magics such as `%%bash` or `%%writefile .env`."""
        notes = []
        for cell in self.cells:
            if cell.kind in ("markdown", "raw"):
                where = f"a {cell.kind} cell"
            elif is_foreign(cell.source):
                where = f"a {cell.source.split(maxsplit=1)[0]} cell"
            else:
                continue
            for number, line in enumerate(source_lines(cell.source), start=1):
                for match in KEY_IN_TEXT.finditer(line):
                    key = match.group()
                    if key in keys or (
                        is_clarifai_key(key) and labels_a_key(line[: match.start()])
                    ):
                        text = (
                            f"Clarifai key ({mask(key)}) in {where} - remove it by hand: "
                            "the notebook publishes it"
                        )
                        notes.append(Note(cell.kind, cell.number, number, match.start() + 1, text))
        return notes

    def _splice(self, sources: dict[int, str], cleared: set[tuple[int, int]]) -> str:
        """The file's text with the new code cell `sources` and without the `cleared` outputs
        (cell, output); every other byte as it was."""
        edits: list[tuple[int, int, str]] = []
        escape = self.text.isascii()
        for cell in [c for c in self.cells if c.kind == "code"]:
            assert isinstance(cell.span.members, dict)
            source = sources.get(cell.number, cell.source)
            if source != cell.source:
                span = cell.span.members["source"]
                edits.append((span.start, span.end, self._source(span, source, escape)))
            outputs = cell.span.members["outputs"]
            assert isinstance(outputs.members, list)
            if any((cell.number, n) in cleared for n in range(1, len(outputs.members) + 1)):
                kept = [
                    self._raw(item)
                    for number, item in enumerate(outputs.members, start=1)
                    if (cell.number, number) not in cleared
                ]
                array = jsonspans.array(self.text, outputs, kept, _CELL_KEY_DEPTH)
                edits.append((outputs.start, outputs.end, array))
        text = self.text
        for start, end, new in sorted(edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def _source(self, span: jsonspans.Span, source: str, escape: bool) -> str:
        """`source` encoded as the cell's source was: one string, or a list of lines in which
        unchanged lines keep their bytes."""
        if not isinstance(span.members, list):
            return json.dumps(source, ensure_ascii=escape)
        old = {json.loads(self._raw(item)): self._raw(item) for item in reversed(span.members)}
        lines = [
            old.get(line) or json.dumps(line, ensure_ascii=escape)
            for line in source.splitlines(keepends=True)
        ]
        return jsonspans.array(self.text, span, lines, _CELL_KEY_DEPTH)


def _validate(text: str) -> None:
    """Raise NotReadable unless `text` is a valid nbformat 4 notebook.

    `nbformat.reads` logs the invalid value, which may be a key, so the JSON is read here and
    only `nbformat.validate` is called; its message is masked.
    """
    try:
        document = json.loads(text)
    except ValueError as error:
        raise NotReadable(f"is not JSON ({error})") from None
    version = document.get("nbformat") if isinstance(document, dict) else None
    if not isinstance(version, int):
        raise NotReadable("is not a notebook (it has no `nbformat` version)")
    if version != 4:
        raise NotReadable(
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
            raise NotReadable(f"is not a valid notebook ({message})") from None


def _is_python(metadata: dict[str, Any]) -> bool:
    language = metadata.get("kernelspec", {}).get("language")
    return (language or metadata.get("language_info", {}).get("name")) in (None, "python")


def _widget_values(widgets: Any) -> list[str]:
    """The values that a notebook's saved widget state holds for password fields, or for fields
    that a credential's name labels (`description="PAT:"`)."""
    found = []
    states = widgets.get(_WIDGET_STATE, {}) if isinstance(widgets, dict) else {}
    # JupyterLab wraps the models (`{"state": {...}, "version_major": 2}`); Colab does not.
    models = states.get("state", states) if isinstance(states, dict) else {}
    for model in models.values() if isinstance(models, dict) else []:
        state = model.get("state", {}) if isinstance(model, dict) else {}
        value = state.get("value") if isinstance(state, dict) else None
        if not isinstance(value, str) or value in found:
            continue
        label = str(state.get("description", ""))
        # A field labelled for another service (`OpenWeatherMap key`) holds its key.
        other = names_another_credential(label) and "pat" not in name_words(label)
        if not other and (model.get("model_name") == "PasswordModel" or labels_a_key(label + " ")):
            found.append(value)
    return found


_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _papermill_parameters(papermill: Any) -> list[tuple[str, str]]:
    """The text parameters that papermill gave the notebook when it ran it, which it saves in
    the notebook's metadata as well as in the cell it injects."""
    parameters = papermill.get("parameters") if isinstance(papermill, dict) else None
    if not isinstance(parameters, dict):
        return []
    return [(str(name), value) for name, value in parameters.items() if isinstance(value, str)]


_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def _strings(value: Any) -> str:
    """The text of an output: every string in it except base64 images, without the terminal's
    colour codes (IPython colours a saved traceback, which splits `pat="<key>"`)."""
    if isinstance(value, str):
        return _COLOUR.sub("", value)
    if isinstance(value, list):
        return "".join(_strings(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(
            _strings(item)
            for key, item in value.items()
            if not (key.startswith("image/") and key != "image/svg+xml")
        )
    return ""


def _leaked(text: str, keys: Sequence[str], *, clarifai: bool, shows: bool) -> Optional[str]:
    """A key that the output shows: one the code held, one in an `Authorization` header (with
    `Bearer`, in a notebook that names Clarifai, as CLR002 reads one), or
    one right after a Clarifai credential's name (`env: CLARIFAI_PAT=<key>`, echoed by `%env`),
    which stays in the output once the fix has moved the code's copy; in a notebook that names
    Clarifai, also one that `PAT`, `api_key` or `OPENAI_API_KEY` labels (`Your PAT is <key>`,
    `env: OPENAI_API_KEY=<key>`); and any key in the output of a
    cell that ends by showing a credential variable (`!echo $CLARIFAI_PAT`). (Output is not prose:
    a `cache key: <hex>` or `csrf token: <hex>` there is no Clarifai key.)"""
    for key in keys:
        if key in text:
            return key
    for match in _AUTHORIZATION.finditer(text):
        if (match[1] == "Key" or clarifai) and is_clarifai_key(match[2]):
            return match[2]
    for match in KEY_IN_TEXT.finditer(text):
        if not is_clarifai_key(match.group()):
            continue
        before = text[max(0, match.start() - PROSE_CONTEXT) : match.start()]
        words = list(PROSE_WORD.finditer(before))
        label = [word.group() for word in words]
        if (
            shows
            or (label and is_credential_name(label[-1], clarifai_file=False))
            or (clarifai and (_labelled_pat(label) or bool(words) and _api_key(words[-1])))
        ):
            return match.group()
    return None


def _shows_credential(source: str, *, clarifai: bool) -> bool:
    """Whether a cell ends with a line that only shows a Clarifai credential variable:
    `%env CLARIFAI_PAT`, `!echo $CLARIFAI_PAT`, `os.environ["CLARIFAI_PAT"]`; in a notebook
    that names Clarifai, also a generic one (`print(PAT)`, `client.api_key`)."""
    lines = [line for line in source.splitlines() if line.strip()]
    # An attribute is shown, not the object that holds it.
    words = PROSE_WORD.findall(_HOLDER.sub("", lines[-1])) if lines else []
    shown = [word for word in words if word not in _SHOWING]
    return len(shown) == 1 and is_credential_name(shown[0], clarifai_file=clarifai)


def _api_key(label: re.Match[str]) -> bool:
    """Whether the word right before a key is `api_key` or a variable that Clarifai's examples
    copy the PAT into (`env: OPENAI_API_KEY=<key>`, an OpenAI client's `'api_key': '<key>'`):
    no OpenAI key is 32 hex. A URL's query parameter (`?api_key=`) is another service's."""
    if label.string[label.start() - 1 : label.start()] in ("?", "&"):
        return False
    return name_words(label.group()) == _API_KEY or label.group() in ALIAS_VARIABLES


_API_KEY = frozenset({"api", "key"})


def _labelled_pat(words: Sequence[str]) -> bool:
    """Whether the nearest of `words` that labels a value says PAT, as Clarifai names its keys
    (`PAT in use: <key>`), before one that says id."""
    for word in reversed(words):
        parts = {w.removesuffix("s") for w in name_words(word)}
        if parts & ID_WORDS:
            return False
        if "pat" in parts:
            return True
    return False
