"""Text tests on a file's text: the lines that can hold a credential, before any tree work.

Every sink needs evidence that the text shows: the word `authorization`, the word `clarifai` (an
import, a `CLARIFAI_*` name, a URL, a comment), the configured variable, or the variables of
Clarifai's snippets (or the SDK's keywords for them). A file with none of them is done after a
`lower()` and a few `find`s.
Otherwise, every finding sits at a literal whose text holds a credential-shaped token, or, where
the file writes gRPC `("authorization", ...)` pairs, which take any scheme, a token of any shape;
`bytes.translate` maps the file to a small alphabet and `bytes.find` looks for runs, which costs
far less than `ast.parse`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Optional

from flake8_clarifai_secrets.credentials import (
    MIN_ENTROPY,
    entropy,
    is_generic_secret,
    is_legacy_secret,
)

AUTHORIZATION = b"authorization"
CLARIFAI = b"clarifai"
_HEX_DIGITS = b"0123456789abcdef"
_WORD_CHARS = b"ghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"


def _table(classes: dict[bytes, bytes]) -> bytes:
    table = bytearray(b" " * 256)
    for chars, to in classes.items():
        for char in chars:
            table[char] = to[0]
    return bytes(table)


# h: a lowercase hex digit; w: another character of a name or key; p: another character of a
# token; q: a quote; s: a blank, a backslash or `(`, as after a token's scheme word.
_CLASSES = _table(
    {
        _HEX_DIGITS: b"h",
        _WORD_CHARS: b"w",
        b".~/=+": b"p",
        b"'\"": b"q",
        b" \t\r\n\\(": b"s",
    }
)
_HEX_TAIL = re.compile(rb"h*")
# A key split in two over `+`, a backslash or lines keeps at least half of it in one literal.
_HALF_RUN = b"h" * 16
# The halves' literals may have a prefix (`r"..."`, `f"..."`), and comments between them. (In
# the text itself: the alphabet does not keep comments apart; such runs are rare.)
_BETWEEN = rb"""['"](?:[ \t\r\n\\(+]|#[^\n]*)*[rRbBfFuU]{0,2}['"]"""
_SPLIT_AFTER = re.compile(_BETWEEN + rb"[0-9a-f]{4}")
_SPLIT_BEFORE = re.compile(rb"[0-9a-f]{4}" + _BETWEEN + rb"$")
_SPLIT_REACH = 256
# gRPC metadata takes a token of any shape: one literal holds it, from its start or after its
# scheme word and spaces. A pair's key ends with a quote, and a comma comes next.
_SCHEME_RUN = re.compile(rb"q(?:[hw]*s+)?([hwp]{16,})")
_PAIR_KEY_END = re.compile(rb"\\?['\"](?:[\s\\]|#[^\n]*)*,")
# The v1 API's clients (and `clarifai.rest`, the 2.x client's module), credential names and
# endpoints; only a file that names them holds v1 credentials (`ClarifaiAuthHelper` is not v1).
_V1_NAMES = re.compile(
    rb"clarifai(?:ap[ip]\b|_?(?:app_?)?(?:id|client|secret)|_?auth(?!helper)"
    rb"|\.com/v(?:1\b|2/token\b)|\.rest\b)"
)
# The early v2 API's OAuth flow, which swapped those credentials for a token.
_V1_GRANT = b"client_credentials"
# A legacy token is a literal of its own: long identifiers are runs too, but never after a quote.
# (A pattern that starts with a literal character is searched fast.)
_LEGACY_RUN = re.compile(rb"q([hw]{28,})")
# Where a header's text holds a v1 token: after a blank, not only a quote.
_ANYWHERE = re.compile(rb"(?<![hw])([hw]{28,})")
_LEGACY_MAX = 44
_BLANK = frozenset(b" \t\f\\\r\n")
_DOT = ord(".")
_DOT_BLANKS = (b". ", b".\t", b".\f", b".\\")
_IDENTIFIER_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_NOT_DIGITS = bytes(c for c in range(256) if not chr(c).isdigit())
# The longest escape that may stand right before a key in a string literal: `\\U0001f600`.
_LONGEST_ESCAPE = 10


class Scan:
    """What the text tests learnt about one file; each test runs only if the ones before leave
    it open, as most files are done after the evidence words."""

    __slots__ = (
        "lines", "data", "lowered", "clarifai_context", "evidence", "_legacy", "token_lines",
        "metadata_lines", "any_token_lines", "may_hold", "_classes", "_ends", "_dots",
    )  # fmt: skip

    def __init__(self, lines: Sequence[str], env_var: str) -> None:
        self.lines = lines
        # `bytes.lower()` costs half of `str.lower()`, more than paying for the copy; and no
        # character outside ASCII lowers to the words looked for. Most files are small: each
        # step below costs more in Python than in C, so only a file with evidence takes them.
        data = self.data = "".join(lines).encode("utf-8", "surrogatepass")
        lowered = self.lowered = data.lower()
        context = self.clarifai_context = _clarifai_context(data, lowered)
        variable = _lowered_variable(env_var)
        self.evidence = (
            context or AUTHORIZATION in lowered or (variable is not None and variable in lowered)
        )
        self._legacy: Optional[bool] = None
        self.token_lines: Sequence[int] = ()
        self.metadata_lines: Sequence[int] = ()
        # Lines with a literal that holds a token of any shape, which only gRPC metadata pairs
        # take: looked for only if the file has such pairs.
        self.any_token_lines: Sequence[int] = ()
        # Whether a literal may hold a credential: a key-shaped token, or a token of any shape
        # where gRPC metadata pairs may take it.
        self.may_hold = False
        self._classes = b""
        self._ends: Optional[list[int]] = None
        self._dots: dict[Optional[bytes], set[int]] = {}
        if self.evidence:
            self._classes = data.translate(_CLASSES)
            self.token_lines = self._token_lines()
            if AUTHORIZATION in lowered:
                if self.legacy_context:
                    # A v1 access token after `Bearer` in a header's text.
                    self.token_lines = sorted({*self.token_lines, *self._legacy_runs(_ANYWHERE)})
                self.metadata_lines = self._metadata_lines()
                if self.metadata_lines:
                    self.any_token_lines = self._any_token_lines()
            self.may_hold = bool(self.token_lines or self.any_token_lines)

    @property
    def legacy_context(self) -> bool:
        """The file names the v1 API: only then does a v1-shaped value count as a credential.
        Asked only where it decides something, as a pattern costs more than the other tests."""
        if self._legacy is None:
            self._legacy = self.clarifai_context and (
                _V1_NAMES.search(self.lowered) is not None or _V1_GRANT in self.lowered
            )
        return self._legacy

    def lines_naming(self, word: bytes, *, lowered: bool = False) -> list[int]:
        """The sorted lines on which `word` stands as a whole identifier."""
        found: list[int] = []
        at = next(self._naming(word, lowered=lowered), -1)
        while at != -1:
            found.append(self.line_of(at))
            # The rest of the line cannot add a line.
            end = self._line_ends()[found[-1] - 1]
            at = next(self._naming(word, lowered=lowered, start=end), -1)
        return found

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_ends(), offset) + 1

    def mentions(self, word: bytes, first: int, last: int, *, lowered: bool = False) -> bool:
        """Whether `word` stands anywhere on lines `first` to `last`, even inside a longer word;
        with `lowered`, in any case."""
        text = self.lowered if lowered else self.data
        return text.find(word, self._line_start(first), self._line_ends()[last - 1]) != -1

    def after_dot(self, word: bytes, line: int) -> bool:
        """Whether `word` may stand on `line` as an attribute's name (`obj.word`, `obj.\\`
        then `word`): a `.` comes before it, past blanks and line breaks, or a comment might."""
        if line in self._dot_lines(b"." + word):
            return True
        first, last = self._line_start(line), self._line_ends()[line - 1]
        occurrences: Iterable[int] = self._naming(word, lowered=False, start=first)
        if line not in self._dot_lines(None):
            # No `.` then a blank on this line: only one that ends an earlier line can come
            # before the word, if the word starts the line.
            occurrences = itertools.islice(occurrences, 1)
        data = self.data
        for at in occurrences:
            if at >= last:
                break
            before = at - 1
            while before >= 0 and data[before] in _BLANK:
                before -= 1
            if before >= 0 and data[before] == _DOT:
                return True
            if 0 <= before < first:
                # A comment may stand between the `.` and the line break.
                start = self._line_start(self.line_of(before))
                if data.find(b"#", start, before) != -1:
                    return True
        return False

    def _dot_lines(self, dotted: Optional[bytes]) -> set[int]:
        """The lines where `dotted` (`.word`) stands, not inside a longer word; or, for None,
        where a `.` is followed by a blank."""
        found = self._dots.get(dotted)
        if found is None:
            found = self._dots[dotted] = set()
            needles = _DOT_BLANKS if dotted is None else (dotted,)
            for needle in needles:
                at = self.data.find(needle)
                while at != -1:
                    end = at + len(needle)
                    if (
                        dotted is None
                        or end == len(self.data)
                        or (self.data[end] not in _IDENTIFIER_BYTES)
                    ):
                        found.add(self.line_of(at))
                    at = self.data.find(needle, end)
        return found

    def _line_start(self, line: int) -> int:
        return self._line_ends()[line - 2] if line > 1 else 0

    def _line_ends(self) -> list[int]:
        if self._ends is None:
            if len(self.data) == sum(map(len, self.lines)):
                self._ends = list(itertools.accumulate(map(len, self.lines)))
            else:
                # `bytes.splitlines` splits where `ast` does: at `\n`, `\r\n` and `\r` only.
                sizes = map(len, self.data.splitlines(keepends=True))
                self._ends = list(itertools.accumulate(sizes))
        return self._ends

    def _naming(self, word: bytes, *, lowered: bool, start: int = 0) -> Iterator[int]:
        """Where `word` stands as a whole identifier, from `start` on. (A pattern per word would
        cost more to compile than most files take to search.)"""
        text = self.lowered if lowered else self.data
        size = len(word)
        # An empty name (`{"": ...}`) names nothing, and `find` would not move past it.
        at = text.find(word, start) if size else -1
        while at != -1:
            end = at + size
            if (at == 0 or text[at - 1] not in _IDENTIFIER_BYTES) and (
                end == len(text) or text[end] not in _IDENTIFIER_BYTES
            ):
                yield at
            at = text.find(word, end)

    def _token_lines(self) -> Sequence[int]:
        """The sorted lines that hold a credential-shaped token, whole or split in two."""
        classes = self._classes
        at = classes.find(_HALF_RUN)
        found = self._hex_runs(classes, at) if at != -1 else []
        if self.clarifai_context:
            # A v1-shaped literal is rarer than a file that names `clarifai_grpc` many times,
            # where the v1 names cost more to rule out.
            legacy = self._legacy_runs(_LEGACY_RUN)
            if legacy and self.legacy_context:
                found += legacy
        return sorted(set(found)) if found else ()

    def _metadata_lines(self) -> list[int]:
        """The sorted lines where `authorization` is a pair's first item: `("authorization", x)`."""
        return sorted(
            {
                self.line_of(at)
                for at in self._naming(AUTHORIZATION, lowered=True)
                if _PAIR_KEY_END.match(self.lowered, at + len(AUTHORIZATION))
            }
        )

    def _any_token_lines(self) -> list[int]:
        """The sorted lines with a literal that holds a token of any shape, from its start or
        after a scheme word."""
        found = set()
        for match in _SCHEME_RUN.finditer(self._classes):
            run = self.data[match.start(1) : match.end(1)]
            # The run is ASCII: it is made of the classes of ASCII characters.
            if run.translate(None, _NOT_DIGITS) and is_generic_secret(run.decode("ascii")):
                found.add(self.line_of(match.start(1)))
        return sorted(found)

    def _hex_runs(self, classes: bytes, at: int) -> list[int]:
        """Lines with a 32-hex token, or with half or more of one at a split (`"..." + "..."`),
        from the run of half a key at `at` on."""
        found = []
        while at != -1:
            tail = _HEX_TAIL.match(classes, at + len(_HALF_RUN))
            assert tail is not None  # `h*` matches anywhere
            end = tail.end()
            if (
                end - at == 32 and classes[at - 1 : at] != b"w" or self._escaped(at, end)
            ) and classes[end : end + 1] != b"w":
                if entropy(self.data[end - 32 : end].decode()) >= MIN_ENTROPY:
                    found.append(self.line_of(at))
            elif end - at < 32:
                after = _SPLIT_AFTER.match(self.data, end)
                before = _SPLIT_BEFORE.search(self.data, max(0, at - _SPLIT_REACH), at)
                if after is not None:
                    found += [self.line_of(at), self.line_of(after.end() - 1)]
                if before is not None:
                    found += [self.line_of(before.start()), self.line_of(at)]
            at = classes.find(_HALF_RUN, end)
        return found

    def _escaped(self, at: int, end: int) -> bool:
        """Whether the run `at`..`end` ends in a 32-hex key that an escape comes right before:
        `\\t<key>`, `\\a<key>`, `\\040<key>`, `\\x20<key>`, `\\x3D<key>`, `\\u00a0<key>`: a
        backslash, then letters and digits only, up to the key."""
        key = end - 32
        if key < at:
            return False
        backslash = self.data.rfind(b"\\", max(0, key - _LONGEST_ESCAPE), key)
        return backslash != -1 and self.data[backslash + 1 : key].isalnum()

    def _legacy_runs(self, pattern: re.Pattern[bytes]) -> list[int]:
        found = []
        for match in pattern.finditer(self._classes):
            at, end = match.span(1)
            run = self.data[at:end]
            if (
                end - at <= _LEGACY_MAX
                and not run.islower()
                and run.translate(None, _NOT_DIGITS)
                and is_legacy_secret(run.decode("utf-8", "replace"))
            ):
                found.append(self.line_of(at))
        return found


def _clarifai_context(data: bytes, lowered: bytes) -> bool:
    """The file names Clarifai, or defines the variables of Clarifai's snippets (`USER_ID`,
    `APP_ID`, `PAT`), or the SDK's keywords for them (`user_id`, `app_id`, `pat`)."""
    return CLARIFAI in lowered or (
        b"user_id" in lowered and b"app_id" in lowered and _PAT.search(data) is not None
    )


_PAT = re.compile(rb"(?<!\w)(?:PAT|pat)(?!\w)")


@functools.lru_cache(maxsize=None)
def _lowered_variable(env_var: str) -> Optional[bytes]:
    """The configured variable as the evidence test looks for it, unless it names Clarifai, as
    files that name Clarifai are already evidence."""
    variable = env_var.encode("utf-8", "surrogatepass").lower()
    return None if CLARIFAI in variable else variable
