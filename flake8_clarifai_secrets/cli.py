"""clarifai-secrets-fix: find files, read flake8's config, then diff, check or write."""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import io
import multiprocessing
import os
import stat
import sys
import tempfile
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Optional

from flake8.defaults import EXCLUDE
from flake8.discover_files import expand_paths
from flake8.options.config import load_config
from flake8.utils import normalize_paths, parse_comma_separated_list

from flake8_clarifai_secrets import notebooks
from flake8_clarifai_secrets.credentials import mask, redact
from flake8_clarifai_secrets.detector import (
    find_credentials,
    might_hold_credentials,
    source_lines,
)
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR

REVOKE_REMINDER = (
    "The old keys are still in version control history: revoke them in Clarifai "
    "(Settings > Secrets) and put new ones in the variables above."
)


@dataclass
class Settings:
    env_var: str = DEFAULT_ENV_VAR
    env_var_for: Sequence[tuple[str, str]] = ()
    clear_leaking_outputs: bool = False


@dataclass
class Result:
    """What happened to one file. `new` is set only when the file changes."""

    path: str
    new: Optional[bytes] = None
    old: bytes = b""
    encoding: str = "utf-8"
    moved: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    error: Optional[str] = None
    cleared: list[str] = field(default_factory=list)


def process(path: str, settings: Settings) -> Result:
    """Read one file and compute its fixed bytes. Never raises; never writes."""
    result = Result(path)
    try:
        data = _read(path)
    except OSError as error:
        result.error = f"cannot be read ({error.strerror})"
        return result
    notebook = path.endswith(".ipynb")
    if not (notebooks.may_hold_credentials if notebook else might_hold_credentials)(
        data, settings.env_var
    ):
        return result
    try:
        (_fix_notebook if notebook else _fix)(data, settings, result)
    except _NotProcessed as error:
        result.error = str(error)
    except (RecursionError, MemoryError) as error:
        result.error = f"too deeply nested to rewrite ({type(error).__name__})"
    except Exception as error:  # noqa: B902 - one file's failure must not end the run
        # The text of an unexpected exception may quote the source, so only its type is shown.
        result.error = f"internal error ({type(error).__name__}); please report it"
    return result


class _NotProcessed(Exception):
    pass


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _fix(data: bytes, settings: Settings, result: Result) -> None:
    if b"\0" in data:
        raise _NotProcessed("contains NUL bytes")
    try:
        result.encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(result.encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise _NotProcessed(f"cannot be decoded ({error})") from None
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise _NotProcessed(f"does not parse (line {error.lineno})") from None
    if not find_credentials(tree, source_lines(text), settings.env_var):
        return
    import libcst as cst
    from libcst.codemod import CodemodContext

    from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron

    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        raise _NotProcessed(f"LibCST cannot parse it (line {error.raw_line})") from None
    if module.bytes != data:
        # LibCST drops a form feed or spaces before a statement at the margin, and blank lines
        # before a last line of only spaces: a rewrite would change bytes it does not touch.
        raise _NotProcessed("LibCST would not write its other bytes back unchanged") from None
    codemod = ReadKeyFromEnviron(
        CodemodContext(filename=result.path), settings.env_var, settings.env_var_for
    )
    new = codemod.transform_module(module).bytes
    result.secrets = [f.secret for f in codemod.findings]
    result.left = list(codemod.context.warnings)
    for moved in codemod.moved:
        finding = moved.finding
        result.moved.append(
            f"{finding.line}:{finding.col + 1}: {finding.code} key ({mask(finding.secret)}) "
            f'-> os.environ["{moved.env_var}"]'
        )
        if moved.env_var not in result.variables:
            result.variables.append(moved.env_var)
    if new != data:
        result.old, result.new = data, new


def _fix_notebook(data: bytes, settings: Settings, result: Result) -> None:
    """Fix the notebook's Python cells as one module, then check its outputs and markdown."""
    try:
        notebook = notebooks.Notebook(data)
        view = Result(result.path)
        if notebook.code.strip():
            _fix(notebook.code.encode("utf-8"), settings, view)
        code = notebook.code if view.new is None else view.new.decode("utf-8")
        new, cleared, shown = notebook.rebuild(code, view.secrets, settings.clear_leaking_outputs)
    except notebooks.NotReadable as error:
        raise _NotProcessed(str(error)) from None

    def in_cells(lines: list[str]) -> list[notebooks.Note]:
        located = []
        for line in lines:
            row, col, text = line.split(":", 2)
            located.append(notebook.locate(int(row), int(col) - 1, text.lstrip()))
        return located

    def report(notes: list[notebooks.Note]) -> list[str]:
        return [str(note) for note in sorted(notes, key=lambda note: note.order)]

    result.moved = report(in_cells(view.moved))
    result.cleared = report(cleared)
    result.left = report([*notebook.unchecked, *in_cells(view.left), *shown])
    result.variables, result.secrets = view.variables, view.secrets
    if new is not None:
        result.old, result.new = data, new


def write_atomically(path: str, data: bytes) -> None:
    """Write through a temporary file in the same directory, keeping the mode bits."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    directory, name = os.path.split(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _diff(result: Result) -> str:
    assert result.new is not None
    old = result.old.decode(result.encoding).splitlines(keepends=True)
    new = result.new.decode(result.encoding).splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, f"a/{result.path}", f"b/{result.path}")
    return redact("".join(lines), result.secrets)


def _flake8_config() -> tuple[dict[str, str], list[str]]:
    """`clarifai-env-var` and the exclude patterns from flake8's setup.cfg, tox.ini or .flake8."""
    cfg, cfg_dir = load_config(None, [])
    section = dict(cfg.items("flake8")) if cfg.has_section("flake8") else {}
    options = {key.replace("_", "-"): value for key, value in section.items()}
    exclude = list(EXCLUDE)
    if "exclude" in options:
        exclude = normalize_paths(parse_comma_separated_list(options["exclude"]), cfg_dir)
    if "extend-exclude" in options:
        exclude += normalize_paths(parse_comma_separated_list(options["extend-exclude"]), cfg_dir)
    return options, exclude


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of processes")
    return int(value)


def _parser(defaults: dict[str, str]) -> argparse.ArgumentParser:
    from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron

    parser = argparse.ArgumentParser(
        prog="clarifai-secrets-fix",
        description="Move hard-coded Clarifai keys out of Python files and into os.environ.",
    )
    parser.add_argument("paths", nargs="*", default=["."], help="files and directories")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a diff and write nothing")
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if work is left")
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=os.cpu_count() or 1,
        help="processes to use (default: %(default)s)",
    )
    parser.add_argument(
        "--clear-leaking-outputs",
        action="store_true",
        help="also clear the stored notebook outputs that show a key",
    )
    ReadKeyFromEnviron.add_args(parser)
    if "clarifai-env-var" in defaults:
        parser.set_defaults(env_var=defaults["clarifai-env-var"])
    return parser


def _results(paths: list[str], settings: Settings, jobs: int) -> Iterator[Result]:
    work = functools.partial(process, settings=settings)
    if jobs == 1 or len(paths) < 2:
        yield from map(work, paths)
        return
    with multiprocessing.get_context("fork").Pool(min(jobs, len(paths))) as pool:
        yield from pool.imap(work, paths, chunksize=max(1, min(64, len(paths) // (jobs * 4))))


def main(argv: Optional[Sequence[str]] = None) -> int:
    defaults, exclude = _flake8_config()
    args = _parser(defaults).parse_args(argv)
    settings = Settings(args.env_var, args.env_var_for, args.clear_leaking_outputs)
    paths = []
    for path in sorted(
        expand_paths(
            paths=args.paths,
            stdin_display_name="stdin",
            filename_patterns=["*.py", "*.ipynb"],
            exclude=exclude,
        )
    ):
        if os.path.islink(path):
            print(f"{path}: skipped: symlinks are not followed", file=sys.stderr)
        else:
            paths.append(path)
    writing = not (args.diff or args.check)
    errors, changed, moved, cleared, left = 0, 0, 0, 0, 0
    variables: list[str] = []
    for result in _results(paths, settings, args.jobs):
        if result.new is not None and writing:
            try:
                write_atomically(result.path, result.new)
            except OSError as error:
                result.error = f"cannot be written ({error.strerror})"
        if result.error is not None:
            errors += 1
            print(f"{result.path}: not processed: {redact(result.error, [])}", file=sys.stderr)
            continue
        for line in [*result.moved, *result.cleared, *result.left]:
            print(f"{result.path}:{line}")
        left += len(result.left)
        if result.new is not None:
            if args.diff:
                sys.stdout.write(_diff(result))
            changed += 1
            moved += len(result.moved)
            cleared += len(result.cleared)
            variables += [v for v in result.variables if v not in variables]
    if changed:
        verb = "Fixed" if writing else "Would fix"
        outputs = f", {cleared} notebook output(s) cleared" if cleared else ""
        print(f"{verb} {changed} file(s): {moved} key(s) moved into the environment{outputs}.")
        if variables:
            print(f"Set before running: {', '.join(variables)}.")
        print(REVOKE_REMINDER)
    if errors:
        return 2
    return 1 if left or (changed and not writing) else 0
