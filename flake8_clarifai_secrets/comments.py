"""Keys in comments, which no fix rewrites: the fixer reports them on every run until they are
removed, as it reports keys in markdown cells, so that a second commit does not carry them."""

from __future__ import annotations

import re
import tokenize

from flake8_clarifai_secrets.credentials import KEY_IN_TEXT, is_clarifai_key, labels_a_key
from flake8_clarifai_secrets.detector import ALLOWLIST_PRAGMA, source_lines

_COMMENTED = re.compile(r"#[^\n]*?" + KEY_IN_TEXT.pattern)


def commented_keys(code: str) -> list[tuple[int, int, str]]:
    """(line, column, key) for each Clarifai key in a comment that a credential's name labels,
    in a file that names Clarifai: `# old: pat="<key>"`, not `# model version <id>`."""
    if _COMMENTED.search(code) is None or "clarifai" not in code.lower():
        return []
    found = []
    # Lines as `ast` splits them, also at a lone `\r`.
    lines = iter(source_lines(code))
    try:
        for token in tokenize.generate_tokens(lambda: next(lines, "")):
            if token.type != tokenize.COMMENT or ALLOWLIST_PRAGMA in token.string:
                continue
            for match in KEY_IN_TEXT.finditer(token.string):
                key = match.group()
                if is_clarifai_key(key) and labels_a_key(token.string[: match.start()]):
                    found.append((token.start[0], token.start[1] + match.start(), key))
    except (tokenize.TokenError, SyntaxError):
        return []
    return found
