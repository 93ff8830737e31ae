"""What the fixer prints: lines that a closed pipe cannot interrupt, and diffs with keys masked
where the detector found them."""

from __future__ import annotations

import ast
import bisect
import difflib
import itertools
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from flake8_clarifai_secrets.credentials import entropy, mask, redact
from flake8_clarifai_secrets.detector import Finding, find_credentials, source_lines
from flake8_clarifai_secrets.parsing import parse

# Shorter runs of a key's characters are left: they occur by chance in ordinary text.
_SHORTEST_PIECE = 3
_LONGEST_SAFE_RUN = 7


class Output:
    """Writes lines; a stream whose reader has gone is silenced, and the work goes on."""

    def __init__(self) -> None:
        self._gone: set[int] = set()

    def out(self, text: str) -> None:
        self._write(sys.stdout, text)

    def err(self, text: str) -> None:
        self._write(sys.stderr, text)

    def _write(self, stream: TextIO, text: str) -> None:
        if id(stream) in self._gone:
            return
        try:
            stream.write(text)
            stream.flush()
        except BrokenPipeError:
            self._gone.add(id(stream))
            # Python flushes the stream again at exit: point it at /dev/null so that cannot fail.
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
            except (OSError, ValueError, AttributeError):
                pass


def masked(code: str, findings: Iterable[Finding]) -> str:
    """`code` with every piece of each finding's key, within the literal that holds it, masked
    (a finding stands where its literal starts, or on the key's own line within it)."""
    lines = source_lines(code)
    starts = [0, *itertools.accumulate(map(len, lines))]
    literals = _literal_spans(code, lines, starts)
    pieces = []
    position = 0
    for finding in sorted(findings, key=lambda f: (f.line, f.col)):
        at = starts[finding.line - 1] + finding.col
        index = bisect.bisect_right(literals, (at, len(code) + 1)) - 1
        while index >= 0 and not at < literals[index][1]:
            index -= 1
        if index < 0:
            continue
        start, end = literals[index]
        if start < position:
            continue
        pieces += [code[position:start], _mask_run(code[start:end], finding.secret, whole=True)]
        position = end
    pieces.append(code[position:])
    return "".join(pieces)


def diff(path: str, old: str, new: str, old_findings: Sequence[Finding], env_var: str) -> str:
    """A unified diff of `old` to `new` that shows no more of any key than its last 4."""
    secrets = {f.secret for f in old_findings}
    try:
        new_findings = find_credentials(parse(new), source_lines(new), env_var, prefilter=False)
    except SyntaxError:
        new_findings = []
    lines = difflib.unified_diff(
        masked(old, old_findings).splitlines(keepends=True),
        masked(new, new_findings).splitlines(keepends=True),
        f"a/{path}",
        f"b/{path}",
    )
    return safe("".join(lines), secrets)


def safe(text: str, secrets: Iterable[str]) -> str:
    """The last net: no run of 8 characters of any of `secrets`, nor a key's shape, nor another
    service's secret on a context line (`sk-proj-...`, an AWS secret key), survives."""
    for secret in secrets:
        text = _mask_run(text, secret, _LONGEST_SAFE_RUN + 1)
    return _TOKEN.sub(_masked_token, redact(text, []))


# A run of token characters long enough to be a secret; `_masked_token` decides whether it is.
_TOKEN = re.compile(r"(?<![\w+/-])[\w+/-]{24,}={0,2}(?![\w+/=-])")
# Within it, a run of letters and digits long enough to say, and the words and numbers in that.
_RANDOM_RUN = re.compile(r"[A-Za-z0-9]{16,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
# Names split into words of 3 or more characters on average; random text into shorter pieces.
_LONGEST_RANDOM_PIECE = 3
_RANDOM_ENTROPY = 3.3
# Prefixes that vendors give their secrets: such a token is masked whatever its letters, as
# `-` and `_` in `token_urlsafe` text may leave no long run to read (OpenAI, Anthropic, GitHub,
# GitLab, Slack, Hugging Face, Groq, Replicate, Stripe, Google).
_SECRET_PREFIXES = (
    "sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-",
    "xoxa-", "xapp-", "hf_", "gsk_", "r8_", "sk_live_", "sk_test_", "rk_live_", "AIza",
)  # fmt: skip


def _masked_token(match: re.Match[str]) -> str:
    """A token with a vendor's secret prefix (`sk-`, `ghp_`), or with a run of letters and
    digits that reads as random, masked: its case and digits change every few characters (an
    AWS secret, a Telegram bot token, a 40-hex token), or a UUID; names, words, dates and paths
    kept."""
    token = match.group()
    prefix = next((p for p in _SECRET_PREFIXES if token.startswith(p)), None)
    if prefix is not None and any(c.isupper() or c.isdigit() for c in token[len(prefix) :]):
        # Not a name that starts so (`hf_hub_download_to_local_dir`).
        return mask(token)
    if _UUID.fullmatch(token):
        # Pinecone's and others' keys are UUIDs; an id shown as one loses little in a diff.
        return mask(token)
    for run in _RANDOM_RUN.findall(token):
        pieces = _PIECE.findall(run)
        if len(run) < _LONGEST_RANDOM_PIECE * len(pieces) and entropy(run) >= _RANDOM_ENTROPY:
            return mask(token)
    return token


def _mask_run(
    text: str, secret: str, shortest: int = _SHORTEST_PIECE, *, whole: bool = False
) -> str:
    """`text` with each run of at least `shortest` characters found in `secret` masked; with
    `whole`, only a run that no other letter or digit touches: a piece of another 32-hex
    value in the same literal (another service's key, an id) stays whole, for the key-shape
    net to mask it as one."""
    pieces = []
    i = 0
    while i < len(text):
        length = 0
        while i + length < len(text) and text[i : i + length + 1] in secret:
            length += 1
        end = i + length
        touched = whole and (
            (i > 0 and text[i - 1].isalnum()) or (end < len(text) and text[end].isalnum())
        )
        if length >= shortest and not touched:
            piece = text[i : i + length]
            pieces.append(mask(piece) if secret.endswith(piece) else "...")
            i += length
        else:
            pieces.append(text[i])
            i += 1
    return "".join(pieces)


def _literal_spans(code: str, lines: Sequence[str], starts: Sequence[int]) -> list[tuple[int, int]]:
    """The (start, end) character offsets of each string literal in `code`, sorted; `starts`
    are the offsets of its `lines`."""
    return sorted(
        (
            starts[node.lineno - 1] + _chars(lines, node.lineno, node.col_offset),
            starts[node.end_lineno - 1] + _chars(lines, node.end_lineno, node.end_col_offset or 0),
        )
        for node in ast.walk(parse(code))
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno is not None
    )


def _chars(lines: Sequence[str], line: int, byte_col: int) -> int:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
