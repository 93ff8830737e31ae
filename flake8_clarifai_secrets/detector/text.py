"""Text tests on a file's bytes: the lines that can hold a credential, before any tree work.

Every finding sits at a literal whose text holds a credential-shaped token, or, for the
`authorization` sinks that take any scheme, on a line that names `authorization`. So the cheap
first question is whether the bytes hold such a token at all: `bytes.translate` maps the file to a
small alphabet and `bytes.find` looks for runs, which costs far less than `ast.parse`.
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
_DOCS_SNIPPET_NAMES = (b"USER_ID", b"APP_ID", b"PAT")

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
_TOKEN = _table({_HEX_DIGITS + _WORD_CHARS: b"w"})
_HEX_RUN = b"h" * 32
_LEGACY_RUN = b"w" * 28
_LEGACY_MAX = 44
_NOT_DIGITS = bytes(c for c in range(256) if not chr(c).isdigit())
_SPLIT = b"h" * 6 + b"q"
_SPLIT_REST = re.compile(rb"q[s]*q?[s]*q[h]{4}")


class Scan:
    """What the text tests learnt about one file."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.data = "".join(lines).encode("utf-8", "surrogatepass")
        # bytes.lower() is faster than str.lower(), and no other character lowers to these words.
        self.lowered = self.data.lower()

    @functools.cached_property
    def clarifai_context(self) -> bool:
        """The file names Clarifai anywhere, or defines the variables of Clarifai's snippets."""
        return CLARIFAI in self.lowered or all(word in self.data for word in _DOCS_SNIPPET_NAMES)

    @functools.cached_property
    def token_lines(self) -> list[int]:
        """The sorted lines that hold a credential-shaped token, whole or split in two."""
        classes = self.data.translate(_CLASSES)
        found = set(self._hex_runs(classes)) | set(self._split_runs(classes))
        if self.clarifai_context:
            found.update(self._legacy_runs())
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
        found = []
        at = classes.find(_HEX_RUN)
        while at != -1:
            end = at + len(_HEX_RUN)
            while end < len(classes) and classes[end] in b"hw":
                end += 1
            if (
                end - at == len(_HEX_RUN)
                and classes[at - 1 : at] != b"w"
                and entropy(self.data[at:end].decode()) >= MIN_ENTROPY
            ):
                found.append(self.line_of(at))
            at = classes.find(_HEX_RUN, end)
        return found

    def _split_runs(self, classes: bytes) -> list[int]:
        found = []
        at = classes.find(_SPLIT)
        while at != -1:
            end = at + len(_SPLIT) - 1
            rest = _SPLIT_REST.match(classes, end)
            if rest is not None:
                found += [self.line_of(at), self.line_of(rest.end() - 1)]
            at = classes.find(_SPLIT, end + 1)
        return found

    def _legacy_runs(self) -> list[int]:
        tokens = self.data.translate(_TOKEN)
        found = []
        at = tokens.find(_LEGACY_RUN)
        while at != -1:
            end = tokens.find(b" ", at)
            end = len(tokens) if end == -1 else end
            run = self.data[at:end]
            # Long identifiers are runs too: most lack a digit or an upper-case letter.
            if (
                end - at <= _LEGACY_MAX
                and not run.islower()
                and run.translate(None, _NOT_DIGITS)
                and is_legacy_secret(run.decode("utf-8", "replace"))
            ):
                found.append(self.line_of(at))
            at = tokens.find(_LEGACY_RUN, end)
        return found


def _is_word_byte(text: bytes, at: int) -> bool:
    return 0 <= at < len(text) and (text[at : at + 1].isalnum() or text[at] == ord("_"))
