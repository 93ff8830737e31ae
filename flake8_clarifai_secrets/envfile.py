"""`--env-file`: keep every moved key in a `NAME=value` file that python-dotenv, direnv, docker
and `set -a; . ./.env` read, so that no key is lost when it leaves the source."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from typing import Optional

# Values made only of these need no quotes in any of those readers; credentials hold no `'`.
_PLAIN = re.compile(r"[A-Za-z0-9_./+=:-]*")


class EnvFileError(Exception):
    pass


def read(path: str) -> dict[str, str]:
    """The file's entries, parsed by python-dotenv itself; none if it does not exist."""
    if not os.path.exists(path):
        return {}
    from dotenv import dotenv_values

    try:
        values = dotenv_values(path, interpolate=False)
    except (OSError, UnicodeDecodeError) as error:
        raise EnvFileError(f"{path}: cannot be read ({error})") from None
    return {name: value for name, value in values.items() if value is not None}


def refuse_tracked(path: str) -> None:
    """A file that git tracks would carry the keys into the history they are leaving."""
    if _git(path, "ls-files", "--error-unmatch") == 0:
        raise EnvFileError(f"{path} is tracked by git: keys written there would be committed")


def write(path: str, entries: Mapping[str, str]) -> None:
    """Append `entries` to the file, atomically, leaving it readable by its owner only."""
    try:
        with open(path, "rb") as file:
            old = file.read()
    except FileNotFoundError:
        old = b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    new = "".join(f"{name}={_quoted(value)}\n" for name, value in entries.items())
    directory, name = os.path.split(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(old + new.encode())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def ignore_in_git(path: str) -> Optional[str]:
    """Add the file to the `.gitignore` beside it if git would not ignore it; say where."""
    if _git(path, "check-ignore", "--quiet") != 1:
        return None
    directory, name = os.path.split(os.path.abspath(path))
    gitignore = os.path.join(directory, ".gitignore")
    try:
        with open(gitignore, "rb") as file:
            old = file.read()
    except FileNotFoundError:
        old = b""
    with open(gitignore, "ab") as file:
        file.write((b"\n" if old and not old.endswith(b"\n") else b"") + f"/{name}\n".encode())
    return os.path.relpath(gitignore)


def _git(path: str, *command: str) -> int:
    """git's exit status for `command` on `path`; 128 where there is no git or no repository."""
    directory, name = os.path.split(os.path.abspath(path))
    try:
        return subprocess.run(
            ["git", "-C", directory, *command, "--", name],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
    except OSError:
        return 128


def _quoted(value: str) -> str:
    if _PLAIN.fullmatch(value):
        return value
    return f"'{value}'"
