"""Text tests on a file's bytes: the lines that can hold a credential, before any tree work.

Every sink needs evidence that the text shows: an `authorization` key, the word `clarifai` (an
import, a `CLARIFAI_*` name, a URL, a comment), the configured variable, or the variables of
Clarifai's snippets. A file with none of them is done after a few `bytes.find`s. Otherwise, every
finding sits at a literal whose text holds a credential-shaped token, or, for the `authorization`
sinks that take any scheme, on a line that names `authorization`; `bytes.translate` maps the file
to a small alphabet and `bytes.find` looks for runs, which costs far less than `ast.parse`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence

from flake8_clarifai_secrets.credentials import MIN_ENTROPY, entropy, is_legacy_secret

AUTHORIZATION = b"authorization"
CLARIFAI = b"clarifai"
_DOCS_SNIPPET_NAMES = (b"APP_ID", b"USER_ID", b"PAT")

_HEX_DIGITS = b"0123456789abcdef"
_WORD_CHARS = b"ghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"


def _table(classes: dict[bytes, bytes]) -> bytes:
    table = bytearray(b" " * 256)
    for chars, to in classes.items():
        for char in chars:
            table[char] = to[0]
    return bytes(table)


# h: a lowercase hex digit; w: another character of a token; q: a quote; s: what may stand
# between the two halves of a key split over `+`, a backslash and lines.
_CLASSES = _table({_HEX_DIGITS: b"h", _WORD_CHARS: b"w", b"'\"": b"q", b" \t\r\n\\+(": b"s"})
_H = ord("h")
# A key split in two over `+`, a backslash or lines keeps at least half of it in one literal.
_HALF_RUN = b"h" * 16
_SPLIT_AFTER = re.compile(rb"q[s]*q?[s]*q[h]{4}")
_SPLIT_BEFORE = re.compile(rb"[h]{4}q[s]*q?[s]*q$")
# A legacy token is a literal of its own: long identifiers are runs too, but never after a quote.
# (A pattern that starts with a literal character is searched fast.)
_LEGACY_RUN = re.compile(rb"q[hw]{28}")
_TOKEN_CLASSES = frozenset(b"hw")
_LEGACY_MAX = 44
_NOT_DIGITS = bytes(c for c in range(256) if not chr(c).isdigit())


class Scan:
    """What the text tests learnt about one file."""

    def __init__(self, lines: Sequence[str], env_var: str) -> None:
        self.lines = lines
        self.data = "".join(lines).encode("utf-8", "surrogatepass")
        # bytes.lower() is faster than str.lower(), and no other character lowers to these words.
        self.lowered = self.data.lower()
        self._env_var = env_var.lower().encode("utf-8", "surrogatepass")

    @functools.cached_property
    def evidence(self) -> bool:
        """The file shows what some sink needs: without it, no literal can be reported."""
        return bool(
            self.clarifai_context
            or self.authorization_lines
            or (CLARIFAI not in self._env_var and self._env_var in self.lowered)
        )

    @functools.cached_property
    def clarifai_context(self) -> bool:
        """The file names Clarifai anywhere, or defines the variables of Clarifai's snippets."""
        return CLARIFAI in self.lowered or all(word in self.data for word in _DOCS_SNIPPET_NAMES)

    @functools.cached_property
    def token_lines(self) -> list[int]:
        """The sorted lines that hold a credential-shaped token, whole or split in two."""
        if not self.evidence:
            return []
        classes = self.data.translate(_CLASSES)
        found = set(self._hex_runs(classes))
        if self.clarifai_context:
            found.update(self._legacy_runs(classes))
        return sorted(found)

    @functools.cached_property
    def authorization_lines(self) -> list[int]:
        return self.lines_naming(AUTHORIZATION, lowered=True)

    def lines_naming(self, word: bytes, *, lowered: bool = False) -> list[int]:
        """The sorted lines on which `word` stands as a whole identifier."""
        text = self.lowered if lowered else self.data
        found: list[int] = []
        at = text.find(word)
        while at != -1:
            end = at + len(word)
            if not _is_word_byte(text, at - 1) and not _is_word_byte(text, end):
                line = self.line_of(at)
                if not found or found[-1] != line:
                    found.append(line)
            at = text.find(word, end)
        return found

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._ends, offset) + 1

    @functools.cached_property
    def _ends(self) -> list[int]:
        if len(self.data) == sum(map(len, self.lines)):
            return list(itertools.accumulate(map(len, self.lines)))
        sizes = (len(line.encode("utf-8", "surrogatepass")) for line in self.lines)
        return list(itertools.accumulate(sizes))

    def _hex_runs(self, classes: bytes) -> list[int]:
        """Lines with a 32-hex token, or with half or more of one at a split (`"..." + "..."`)."""
        found = []
        at = classes.find(_HALF_RUN)
        while at != -1:
            end = at + len(_HALF_RUN)
            while end < len(classes) and classes[end] == _H:
                end += 1
            if end - at == 32 and classes[at - 1 : at] != b"w" and classes[end : end + 1] != b"w":
                if entropy(self.data[at:end].decode()) >= MIN_ENTROPY:
                    found.append(self.line_of(at))
            elif end - at < 32:
                after = _SPLIT_AFTER.match(classes, end)
                before = _SPLIT_BEFORE.search(classes, max(0, at - 64), at)
                if after is not None:
                    found += [self.line_of(at), self.line_of(after.end() - 1)]
                if before is not None:
                    found += [self.line_of(before.start()), self.line_of(at)]
            at = classes.find(_HALF_RUN, end)
        return found

    def _legacy_runs(self, classes: bytes) -> list[int]:
        found = []
        for match in _LEGACY_RUN.finditer(classes):
            at, end = match.start() + 1, match.end()
            while end < len(classes) and classes[end] in _TOKEN_CLASSES:
                end += 1
            run = self.data[at:end]
            if (
                end - at <= _LEGACY_MAX
                and not run.islower()
                and run.translate(None, _NOT_DIGITS)
                and is_legacy_secret(run.decode("utf-8", "replace"))
            ):
                found.append(self.line_of(at))
        return found


def _is_word_byte(text: bytes, at: int) -> bool:
    return 0 <= at < len(text) and (text[at : at + 1].isalnum() or text[at] == ord("_"))
