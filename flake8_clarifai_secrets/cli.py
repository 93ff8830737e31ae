"""clarifai-secrets-fix: find the files as flake8 does, scan them, plan the whole run, then
check, diff or write. LibCST is imported only when a file is rewritten."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import functools
import io
import json
import multiprocessing
import os
import stat
import sys
import tempfile
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Callable, NoReturn, Optional, TypeVar

from flake8_clarifai_secrets import __version__, envfile, notebooks, report
from flake8_clarifai_secrets.codes import CODES
from flake8_clarifai_secrets.comments import COMMENTED, commented_keys, commented_message
from flake8_clarifai_secrets.credentials import (
    is_clarifai_key,
    is_credential_name,
    is_legacy_secret,
    mask,
)
from flake8_clarifai_secrets.detector import (
    Finding,
    Span,
    find_credentials,
    might_hold_credentials,
    source_lines,
)
from flake8_clarifai_secrets.env_readers import EnvFileReader, env_file_readers
from flake8_clarifai_secrets.fixes import Config, FileFindings, Step, line_place, plan
from flake8_clarifai_secrets.flake8_config import ConfigError, Flake8
from flake8_clarifai_secrets.options import add_variable_arguments
from flake8_clarifai_secrets.output import Output, diff, safe
from flake8_clarifai_secrets.parsing import parse
from flake8_clarifai_secrets.scan import CREDENTIAL_VARIABLE_PREFIX, Facts, facts, reads_of

REVOKE_REMINDER = (
    "A key that was committed or shared stays in version control history and in copies: "
    "revoke it in Clarifai (Settings > Secrets) and put a new one in its variable above."
)
KEEP_REMINDER = (
    "The rewritten files no longer hold these keys: keep them before you commit (git diff shows "
    "them), or run with --env-file PATH to have them written to a .env file."
)
REVOKE_ANY_REMINDER = (
    "A key that was committed or shared stays in version control history and in copies: "
    "revoke it where it was issued (a Clarifai key in Settings > Secrets) and put a new one in "
    "its variable above."
)
STDIN = "-"
NOTEBOOK = ".ipynb"
EXIT_USAGE = 3
EXIT_INTERNAL = 4

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Settings:
    env_var: str
    env_var_for: tuple[tuple[str, str], ...] = ()
    display_name: str = "stdin"
    clear_leaking_outputs: bool = False
    keys: tuple[str, ...] = ()
    """The keys that the run moves and that the env file holds under a credential's name: a
    notebook's output that shows one still leaks it."""

    @property
    def bases(self) -> tuple[bytes, ...]:
        """Every variable the fixer may choose holds one of these: a file that names none
        cannot read one."""
        names = [self.env_var, CREDENTIAL_VARIABLE_PREFIX, *(n for _, n in self.env_var_for)]
        return tuple(name.encode() for name in names)


@dataclass
class Scanned:
    """One file read and parsed; `code` and `data` are kept only when it has findings."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    data: bytes = b""
    code: str = ""
    error: Optional[str] = None
    notebook: Optional[notebooks.Notebook] = None
    commented: list[tuple[int, int, str]] = field(default_factory=list)
    """(line, column, key) of the keys in comments, which no fix rewrites."""
    may_copy: bool = False
    """A file without findings holds a run of 32 hex digits, which may be a copy of a key that
    the run moves."""
    env_readers: tuple[EnvFileReader, ...] = ()
    """Its settings classes that read an env file and refuse entries they have no field for."""
    outputs_checked: bool = True
    """A notebook's outputs and markdown are checked for keys: flake8's configuration reports
    some CLR code in the file (`per-file-ignores = notebooks/*: CLR` says not)."""


@dataclass
class Rewritten:
    """The fixed bytes of one file, the steps that were applied and those left alone; for a
    notebook, also its outputs cleared and the keys shown in outputs and markdown."""

    path: str
    new: Optional[bytes] = None
    moved: list[Step] = field(default_factory=list)
    left: list[Step] = field(default_factory=list)
    error: Optional[str] = None
    cleared: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)


class _NotProcessed(Exception):
    pass


def _guarded(path: str, work: Callable[[], T], failed: Callable[[str], T]) -> T:
    """Run one file's work; a failure is that file's message, never the run's end."""
    try:
        return work()
    except _NotProcessed as error:
        return failed(str(error))
    except (RecursionError, MemoryError) as error:
        return failed(f"too deeply nested to rewrite ({type(error).__name__})")
    except Exception as error:  # noqa: B902 - one file's failure must not end the run
        # The text of an unexpected exception may quote the source, so only its type is shown.
        return failed(f"internal error ({type(error).__name__}); please report it")


def scan(path: str, settings: Settings) -> Scanned:
    """Read one file and find its keys and the variables it reads. Never raises; never writes."""

    read: list[bytes] = []

    def work() -> Scanned:
        data = _read(path)
        read.append(data)
        if path.endswith(NOTEBOOK) or path == STDIN and _is_notebook(data):
            return _scan_notebook(path, data, settings)
        scanned = python(data)
        readers = env_file_readers(data)
        return dataclasses.replace(scanned, env_readers=readers) if readers else scanned

    def python(data: bytes) -> Scanned:
        kept = data if path == STDIN else b""
        candidate = might_hold_credentials(data, settings.env_var)
        reads = any(base in data for base in settings.bases)
        if not (candidate or reads):
            return Scanned(path, data=kept, may_copy=_hex_run(data))
        try:
            code = _decode(data)
            tree = parse(code)
        except SyntaxError as error:
            if candidate:
                raise _NotProcessed(f"does not parse (line {error.lineno})") from None
            return Scanned(path, data=kept, may_copy=_hex_run(data))
        except _NotProcessed:
            if candidate:
                raise
            return Scanned(path, data=kept, may_copy=_hex_run(data))
        findings = find_credentials(tree, source_lines(code), settings.env_var)
        commented = commented_keys(code, tree, findings, settings.env_var) if candidate else []
        if not (findings or commented):
            return Scanned(
                path, facts=Facts(reads=reads_of(tree)), data=kept, may_copy=_hex_run(data)
            )
        found = facts(tree, findings) if findings else Facts(reads=reads_of(tree))
        return Scanned(path, findings, found, data, code, commented=commented)

    # Standard input that fails is written back as it came (see `_finish`).
    return _guarded(
        path,
        work,
        lambda error: Scanned(path, error=error, data=read[0] if read and path == STDIN else b""),
    )


def _scan_notebook(path: str, data: bytes, settings: Settings) -> Scanned:
    """A notebook's Python cells, joined into one module, scanned as one file."""
    if not notebooks.may_hold_credentials(data, settings.env_var) and not any(
        base in data for base in settings.bases
    ):
        return Scanned(path, may_copy=_hex_run(data))
    try:
        notebook = notebooks.Notebook(data)
    except notebooks.NotReadable as error:
        raise _NotProcessed(str(error)) from None
    code = notebook.code
    tree = parse(code)
    findings = find_credentials(tree, source_lines(code), settings.env_var)
    found = facts(tree, findings) if findings else Facts(reads=reads_of(tree))
    data = code.encode("utf-8")
    commented = commented_keys(code, tree, findings, settings.env_var)
    return Scanned(path, findings, found, data, code, None, notebook, commented)


def _is_notebook(data: bytes) -> bool:
    """Whether standard input is a notebook's JSON, which has no name to say so."""
    if data.lstrip()[:1] != b"{":
        return False
    try:
        document = json.loads(data)
    except ValueError:
        return False
    return isinstance(document, dict) and "cells" in document and "nbformat" in document


# Each byte as `h` for a lowercase hex digit, else a blank.
_HEX_RUNS = bytes(ord("h") if chr(c) in "0123456789abcdef" else 32 for c in range(256))


def _hex_run(data: bytes) -> bool:
    return data.translate(_HEX_RUNS).find(b"h" * 32) != -1


def _read(path: str) -> bytes:
    try:
        if path == STDIN:
            return sys.stdin.buffer.read()
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise _NotProcessed(f"cannot be read ({error.strerror})") from None


def _decode(data: bytes) -> str:
    if b"\0" in data:
        raise _NotProcessed("contains NUL bytes")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        code = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise _NotProcessed(f"cannot be decoded ({error})") from None
    return code


def rewrite(job: tuple[Scanned, list[Step]], settings: Settings) -> Rewritten:
    """Apply one file's steps with the codemod. Never raises; never writes."""
    scanned, steps = job

    def work() -> Rewritten:
        import libcst as cst
        from libcst.codemod import CodemodContext, SkipFile

        from flake8_clarifai_secrets.codemod import ReadKeyFromEnviron

        code, tail = _blank_tail(scanned.data)
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError as error:
            raise _NotProcessed(f"LibCST cannot parse it (line {error.raw_line})") from None
        if module.bytes != code:
            # LibCST drops a form feed or spaces before a statement at the margin: a rewrite
            # would change other bytes.
            raise _NotProcessed("LibCST would not write its other bytes back unchanged")
        codemod = ReadKeyFromEnviron(
            CodemodContext(filename=scanned.path),
            settings.env_var,
            settings.env_var_for,
            steps,
            None if scanned.notebook is None else scanned.notebook.separator.strip(),
        )
        try:
            new = codemod.transform_module(module).bytes + tail
        except SkipFile as error:
            raise _NotProcessed(str(error)) from None
        if scanned.notebook is not None:
            return _rebuilt(scanned, new.decode("utf-8"), codemod.moved, codemod.left, settings)
        return Rewritten(
            scanned.path, new if new != scanned.data else None, codemod.moved, codemod.left
        )

    return _guarded(scanned.path, work, lambda error: Rewritten(scanned.path, error=error))


def _blank_tail(data: bytes) -> tuple[bytes, bytes]:
    """`data` split before its last lines that hold only blanks and comments, which are no
    code and which LibCST may not write back (`x = 1\\n\\n   `, `x = 1\\n\\n  # end\\n`
    come back without their blank lines); not inside the last statement (a string that ends on
    a line that starts with `#`), nor after a backslash, which joins a line to them."""
    lines = data.splitlines(keepends=True)
    kept = len(lines)
    while kept and (not lines[kept - 1].strip() or lines[kept - 1].lstrip().startswith(b"#")):
        kept -= 1
    if not kept or kept == len(lines):
        return data, b""
    try:
        body = parse(data).body
    except SyntaxError:
        return data, b""
    kept = max(kept, body[-1].end_lineno or kept) if body else kept
    if kept == len(lines) or lines[kept - 1].rstrip(b"\r\n").endswith(b"\\"):
        return data, b""
    cut = sum(map(len, lines[:kept]))
    return data[:cut], data[cut:]


def _rebuilt(
    scanned: Scanned, code: str, moved: list[Step], left: list[Step], settings: Settings
) -> Rewritten:
    """A notebook with the fixed `code` in its cells, and its stored outputs checked."""
    assert scanned.notebook is not None
    keys = list(dict.fromkeys([*(finding.secret for finding in scanned.findings), *settings.keys]))
    checked = scanned.outputs_checked
    try:
        new, cleared, shown = scanned.notebook.rebuild(
            code, keys, settings.clear_leaking_outputs and checked
        )
    except notebooks.NotReadable as error:
        raise _NotProcessed(str(error)) from None
    shown = sorted(
        [*scanned.notebook.unchecked, *(shown if checked else [])], key=lambda note: note.order
    )
    return Rewritten(
        scanned.path, new, moved, left, None, list(map(str, cleared)), list(map(str, shown))
    )


def _unchanged(scanned: Scanned, steps: Sequence[Step], settings: Settings) -> Rewritten:
    """A file that is not rewritten: in --check, or with only refused steps."""
    moved, left = _split(steps)
    if scanned.notebook is None:
        return Rewritten(scanned.path, scanned.data if moved else None, moved, left)
    result = _guarded(
        scanned.path,
        lambda: _rebuilt(scanned, scanned.code, moved, left, settings),
        lambda error: Rewritten(scanned.path, error=error),
    )
    if moved and result.new is None:
        result.new = scanned.data
    return result


_READ_ONLY = "is read-only (no write permission bits); not written"
_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def _read_only(path: str) -> bool:
    return not os.stat(path).st_mode & _WRITE_BITS


def write_atomically(path: str, data: bytes) -> None:
    """Write through a temporary file in the same directory, keeping mode, owner and group."""
    status = os.stat(path)
    if not status.st_mode & _WRITE_BITS:
        raise _NotProcessed(_READ_ONLY)
    directory, name = os.path.split(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        made = os.stat(temporary)
        if (made.st_uid, made.st_gid) != (status.st_uid, status.st_gid):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except PermissionError:
                raise _NotProcessed("cannot keep its owner and group; not written") from None
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _jobs(value: str) -> int:
    if value == "auto":
        return os.cpu_count() or 1
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not `auto` or a positive number")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="clarifai-secrets-fix",
        description="Move hard-coded Clarifai keys out of Python files and into os.environ. "
        "By default the files are rewritten in place; --check and --diff write nothing. "
        "Only what flake8 reports under its configuration is touched.",
        epilog="Exit codes: 0 nothing left to do; 1 work found (--check, --diff) or findings "
        "left alone; 2 a file could not be processed; 3 usage or configuration error; "
        "4 internal error.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files and directories (default: .); `-` reads standard input and writes the "
        "result to standard output",
    )
    parser.add_argument(
        "--stdin-display-name",
        metavar="NAME",
        help="the name of the file that `-` reads, as in flake8: its per-file-ignores apply, "
        "and messages name it (default: stdin)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a diff and write nothing")
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if work is left")
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default="auto",
        help="processes to use, at most one per file (default: auto, the number of CPUs)",
    )
    parser.add_argument(
        "--env-file",
        metavar="PATH",
        help="also write each moved key to PATH as NAME=value (mode 0600; merged with the "
        "entries there; added to .gitignore if git does not ignore it)",
    )
    parser.add_argument(
        "--clear-leaking-outputs",
        action="store_true",
        help="also clear the stored notebook outputs that show a key",
    )
    add_variable_arguments(parser, None)
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text, or only the findings on standard output as JSON or SARIF 2.1.0, with "
        "everything else on standard error (default: %(default)s)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _map(function: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    if jobs == 1 or len(items) < 2:
        yield from map(function, items)
        return
    processes = min(jobs, len(items))
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap(function, items, chunksize=max(1, min(64, len(items) // (jobs * 4))))


@dataclass
class _Run:
    args: argparse.Namespace
    settings: Settings
    output: Output
    errors: int = 0
    left: int = 0
    found: list[report.Reported] = field(default_factory=list)

    @property
    def writing(self) -> bool:
        return not (self.args.diff or self.args.check)

    @property
    def stdin(self) -> bool:
        return bool(self.args.paths == [STDIN])

    @property
    def stdout_taken(self) -> bool:
        """By the fixed source or by a JSON or SARIF document: the rest goes to stderr."""
        return self.args.format != "text" or (self.stdin and self.writing)

    def say(self, text: str) -> None:
        (self.output.err if self.stdout_taken else self.output.out)(text + "\n")

    def failed(self, path: str, reason: str) -> None:
        self.errors += 1
        self.output.err(f"{path}: not processed: {safe(reason, [])}\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    output = Output()
    try:
        return _main(argv, output)
    except (ConfigError, envfile.EnvFileError) as error:
        output.err(f"clarifai-secrets-fix: error: {error}\n")
        return EXIT_USAGE
    except Exception as error:  # noqa: B902 - a crash must not look like "work to do"
        output.err(
            f"clarifai-secrets-fix: internal error ({type(error).__name__}); please report it\n"
        )
        return EXIT_INTERNAL


def _main(argv: Optional[Sequence[str]], output: Output) -> int:
    args = _parser().parse_args(argv)
    if STDIN in args.paths and len(args.paths) > 1:
        _parser().error("`-` (standard input) cannot be mixed with other paths")
    if args.paths == [STDIN] and args.format != "text" and not (args.diff or args.check):
        _parser().error(f"--format {args.format} needs --check or --diff with `-`")
    name = args.stdin_display_name
    flake8 = Flake8([] if name is None else ["--stdin-display-name", name])
    settings = Settings(
        args.env_var or flake8.env_var,
        tuple(args.env_var_for),
        flake8.options.stdin_display_name,
        args.clear_leaking_outputs,
    )
    run = _Run(args, settings, output)
    if not flake8.selects_any(list(CODES)):
        output.err(
            "clarifai-secrets-fix: flake8's configuration selects no CLR code (select, ignore), "
            "so nothing is checked: add CLR to extend-select\n"
        )
    if args.env_file and run.writing:
        envfile.refuse_tracked(args.env_file)
    paths = [STDIN] if run.stdin else flake8.files(args.paths)
    links = {p for p in paths if p != STDIN and os.path.islink(p)}
    if links:
        real = {os.path.realpath(p) for p in paths if p not in links}
        paths = [p for p in paths if p not in links or os.path.realpath(p) not in real]

    scanned = list(_map(functools.partial(scan, settings=settings), paths, args.jobs))
    files = []
    read_only: set[str] = set()
    for item in scanned:
        name = settings.display_name if item.path == STDIN else item.path
        if item.error is not None:
            run.failed(name, item.error)
            continue
        reported = (
            flake8.reported(name, source_lines(item.code), item.findings, settings.env_var)
            if item.findings
            else []
        )
        if item.commented:
            # flake8 decides for a key in a comment as for its CLR006 finding.
            commented = [
                Finding(COMMENTED, line, col, "a comment", None, True, None, secret)
                for line, col, secret in item.commented
            ]
            kept = flake8.reported(name, source_lines(item.code), commented, settings.env_var)
            item.commented = [key for key, keep in zip(item.commented, kept) if keep]
        if item.notebook is not None:
            lines = source_lines(item.code)
            item.outputs_checked = flake8.reports_in_file(name, lines, list(CODES))
        refusal = (
            "a symlink: fix the file it points to"
            if item.path in links
            else _VIRTUAL if item.findings and in_virtualenv(item.path, args.paths) else None
        )
        # `--check` and `--diff` say what the run would do, which refuses such a file.
        if any(reported) and not run.stdin and _read_only(item.path):
            # Planned as left alone, so that its keys take no variable; reported as an error.
            refusal = _READ_ONLY
            read_only.add(item.path)
        place = line_place if item.notebook is None else item.notebook.line_place
        files.append(FileFindings(item.path, item.findings, reported, item.facts, refusal, place))
    stored = envfile.read(args.env_file) if args.env_file else {}
    the_plan = plan(files, Config(settings.env_var, dict(settings.env_var_for), stored))
    keys = _run_keys(list(the_plan.variables.values()), stored, settings.env_var)
    settings = dataclasses.replace(settings, keys=tuple(keys))
    by_path = {item.path: item for item in scanned}
    jobs = [
        (by_path[path], steps)
        for path, steps in the_plan.steps.items()
        if any(step.variable is not None for step in steps)
    ]
    if args.check and args.format != "sarif":  # SARIF's fixes need the rewritten text
        results = [_unchanged(s, steps, settings) for s, steps in jobs]
    else:
        results = list(_map(functools.partial(rewrite, settings=settings), jobs, args.jobs))
    rewritten = {scanned.path for scanned, _ in jobs}
    for item in scanned:
        steps = the_plan.steps.get(item.path, [])
        # A file whose every finding `# noqa` keeps may hold a copy of a key moved elsewhere.
        held = steps or item.findings or item.notebook is not None or item.commented
        if item.path not in rewritten and held:
            results.append(_unchanged(item, [s for s in steps if s.refusal is not None], settings))
    for result in results:
        if result.path in read_only:
            result.error = _READ_ONLY
    return _finish(run, sorted(results, key=lambda r: r.path), by_path, stored)


_VIRTUAL = (
    "in a virtual environment, whose installed files are not yours to rewrite: exclude it "
    "(flake8's extend-exclude)"
)


def in_virtualenv(path: str, roots: Sequence[str]) -> bool:
    """Whether `path` lies in a virtual environment (a directory with `pyvenv.cfg`) below a
    directory named on the command line; a file or a directory named there is processed."""
    target = os.path.abspath(path)
    for root in roots:
        top = os.path.abspath(root)
        if not os.path.isdir(top) or not target.startswith(os.path.join(top, "")):
            continue
        directory = os.path.dirname(target)
        while directory != top:
            if os.path.isfile(os.path.join(directory, "pyvenv.cfg")):
                return True
            directory = os.path.dirname(directory)
    return False


def _split(steps: Sequence[Step]) -> tuple[list[Step], list[Step]]:
    return [s for s in steps if s.variable is not None], [s for s in steps if s.variable is None]


def _moved_keys(results: list[Rewritten]) -> dict[str, str]:
    """Variable -> key, for the keys moved in the files that are (to be) rewritten."""
    variables: dict[str, str] = {}
    for result in results:
        if result.error is None and result.new is not None:
            for step in result.moved:
                assert step.variable is not None
                variables.setdefault(step.variable, step.finding.secret)
    return variables


def _refused_entries(env_file: str, names: Sequence[str], scanned: Iterable[Scanned]) -> list[str]:
    """A warning for each settings class that reads a file of this name and would refuse the
    entries it has no field for."""
    base = env_file.replace("\\", "/").rpartition("/")[2]
    warnings = []
    for item in scanned:
        for reader in item.env_readers:
            refused = sorted(n for n in set(names) if n.lower() not in reader.variables)
            if base in reader.env_files and refused:
                warnings.append(
                    f"{item.path}:{reader.line}: this settings class reads {base} and refuses "
                    f"entries it has no field for ({', '.join(refused)}): name a field for "
                    'each, set extra="ignore", or give --env-file another file.'
                )
    return warnings


def _finish(
    run: _Run, results: list[Rewritten], scanned: dict[str, Scanned], stored: dict[str, str]
) -> int:
    """Write the env file and the files, and report; `stored` is what the env file held."""
    variables = _moved_keys(results)
    notes = []
    if run.writing and run.args.env_file and variables:
        try:
            new = {name: key for name, key in variables.items() if stored.get(name) != key}
            envfile.write(run.args.env_file, new)
        except OSError as error:
            run.failed(run.args.env_file, f"cannot be written ({error.strerror})")
            run.output.err("No file was rewritten, so that no key is lost.\n")
            return 2
        notes.append(
            f"Wrote them to {run.args.env_file} (mode 0600): load it with python-dotenv's "
            f"`load_dotenv()`, or `set -a; . {_shell_path(run.args.env_file)}; set +a`."
        )
        gitignore = envfile.ignore_in_git(run.args.env_file)
        if gitignore is not None:
            notes.append(f"Added {run.args.env_file} to {gitignore}: git did not ignore it.")
        notes += _refused_entries(run.args.env_file, [*stored, *new], scanned.values())
    written = 0
    # A file may hold a copy of a key that the run moves out of another, or that an earlier
    # run moved into the env file: a copy left then is still a leak on every later run.
    run_keys = _run_keys(list(variables.values()), stored, run.settings.env_var)
    for result in results:
        name = run.settings.display_name if result.path == STDIN else result.path
        if result.error is None and result.new is not None and run.writing and not run.stdin:
            try:
                write_atomically(result.path, result.new)
            except _NotProcessed as error:
                result.error = str(error)
            except OSError as error:
                result.error = f"cannot be written ({error.strerror})"
        if result.error is not None:
            run.failed(name, result.error)
            continue
        item = scanned[result.path]
        for step in result.moved:
            finding = step.finding
            variable = f'"{step.variable}"'
            read = f"os.environ[{variable}]"
            if finding.fix is not None and finding.fix.factory:
                read = f"lambda: {read}"
            elif finding.fix is not None and finding.fix.required:
                read = f"os.environ.get({variable}, ...)"
            elif finding.fix is not None and finding.fix.blank:
                read = f'os.environ.get({variable}, "")'
            elif finding.fix is not None and finding.fix.lazy:
                read = f"os.environ.get({variable})"
            where = _where(name, item, finding)
            run.say(f"{where}: {finding.code} key ({mask(finding.secret)}) -> {read}")
        for line in result.cleared:
            run.say(f"{name}:{line}")
        remaining = _still_held(item, result, run_keys)
        for number, col, secret, kind in remaining:
            run.say(f"{_at(name, item, number, col)}: {_LEFT[kind].format(mask(secret))}")
        run.left += len(remaining)
        for step in result.left:
            finding = step.finding
            run.say(f"{_where(name, item, finding)}: {finding.code} left alone: {step.refusal}")
        for line in result.shown:
            run.say(f"{name}:{line}")
        run.left += len(result.left) + len(result.shown)
        if run.args.format != "text":
            _collect(run, name, result, item)
        if result.new is not None:
            written += 1
            if run.args.diff:
                if item.notebook is not None:
                    shown = _notebook_diff(name, item, result.new)
                else:
                    new_code = result.new.decode(_encoding(item.data))
                    shown = diff(name, item.code, new_code, item.findings, run.settings.env_var)
                (run.output.err if run.stdout_taken else run.output.out)(shown)
    run.left += _copies_elsewhere(run, results, scanned, run_keys)
    if run.stdin and run.writing and STDIN in scanned:
        # A filter that failed writes its input back, so that an editor's buffer stays whole.
        fixed = [r.new for r in results if r.new is not None] if run.errors == 0 else []
        sys.stdout.flush()
        try:
            sys.stdout.buffer.write(fixed[0] if fixed else scanned[STDIN].data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            pass
    # A file that could not be written moved nothing.
    changed = [r for r in results if r.error is None and r.new is not None]
    variables = _moved_keys(results)
    moved = sum(len(r.moved) for r in changed)
    keys = len(set(variables.values()))
    if written:
        cleared = sum(len(r.cleared) for r in changed)
        outputs = f", {cleared} notebook output(s) cleared" if cleared else ""
        verb = "Fixed" if run.writing else "Would fix"
        counts = f"{moved} finding(s) of {keys} key(s)"
        run.say(f"{verb} {written} file(s): {counts} moved into the environment{outputs}.")
        ordered = sorted(variables.items(), key=lambda item: _numbered(item[0]))
        readers = _readers(changed, run) if len(ordered) > 1 else {}
        listed = ", ".join(f"{name} ({mask(key)}{readers.get(name, '')})" for name, key in ordered)
        if listed:
            run.say(f"Set before running: {listed}.")
            if run.writing and not run.stdin and not run.args.env_file:
                run.say(KEEP_REMINDER)
        for note in notes:
            run.say(note)
        clarifai = all(step.finding.clarifai for r in changed for step in r.moved)
        run.say(REVOKE_REMINDER if clarifai else REVOKE_ANY_REMINDER)
    if run.args.format == "json":
        summary = {
            "mode": "write" if run.writing else "diff" if run.args.diff else "check",
            "files": written,
            "findings_moved": moved,
            "keys_moved": keys,
            "findings_left": run.left,
            "errors": run.errors,
            "variables": {name: mask(key) for name, key in variables.items()},
        }
        run.output.out(json.dumps(report.json_document(run.found, summary), indent=2) + "\n")
    elif run.args.format == "sarif":
        run.output.out(json.dumps(report.sarif_log(run.found, os.getcwd()), indent=2) + "\n")
    if run.errors:
        return 2
    return 1 if run.left or (written and not run.writing) else 0


def _run_keys(moved: list[str], stored: dict[str, str], env_var: str) -> list[str]:
    """The keys that `moved` holds, then those that an earlier run stored in the env file under
    a credential's name: a copy of any of them left in a file is still a leak."""
    return moved + [
        key
        for name, key in stored.items()
        if (name == env_var or is_credential_name(name, clarifai_file=True))
        and is_clarifai_key(key)
        and key not in moved
    ]


def _copies_elsewhere(
    run: _Run, results: list[Rewritten], scanned: dict[str, Scanned], run_keys: Sequence[str]
) -> int:
    """Report each copy of a key that the run moves in a file with no finding (a fixture, a
    script the detector does not understand), which the fix leaves as it is; how many."""
    done = {result.path for result in results}
    # A v1 credential holds no run of hex digits that a file's scan could have marked.
    legacy = any(is_legacy_secret(secret) for secret in run_keys)
    count = 0
    for item in scanned.values():
        if item.path in done or item.path == STDIN or not (item.may_copy or legacy):
            continue
        try:
            data = _read(item.path)
        except _NotProcessed:
            continue
        if not any(secret.encode() in data for secret in run_keys):
            continue
        lines = source_lines(data.decode("utf-8", "replace"))
        for number, col, secret in _occurrences(lines, run_keys):
            run.say(f"{item.path}:{number}:{col + 1}: {_LEFT['copy'].format(mask(secret))}")
            count += 1
    return count


def _occurrences(lines: Sequence[str], secrets: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """(line, column, key) of each place where one of `secrets` stands in `lines` (a key moved
    into two variables is one key)."""
    for number, text in enumerate(lines, start=1):
        for secret in dict.fromkeys(secrets):
            col = text.find(secret)
            while col != -1:
                yield number, col, secret
                col = text.find(secret, col + len(secret))


def _readers(changed: Sequence[Rewritten], run: _Run) -> dict[str, str]:
    """`, read in a.py, b.py`: where each variable is read after the fix, for a run that sets
    several, so that `CLARIFAI_PAT_2` says which job's key it is (at most 3 files named); or,
    for a key whose write was removed with nothing left to read it (`!export CLARIFAI_PAT=<key>`,
    which set it in a shell that ended, where another key holds `CLARIFAI_PAT`), where it came
    from."""
    files: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for result in changed:
        name = run.settings.display_name if result.path == STDIN else result.path
        for step in result.moved:
            assert step.variable is not None and step.finding.fix is not None
            unread = step.finding.fix.kind == "drop" and step.variable != step.finding.target
            named = (sources if unread else files).setdefault(step.variable, [])
            if name not in named:
                named.append(name)
    readers = {}
    for variable, named in sources.items():
        readers[variable] = f", from {', '.join(named[:3])}, read by no code"
    for variable, named in files.items():
        more = f" and {len(named) - 3} more" if len(named) > 3 else ""
        readers[variable] = f", read in {', '.join(named[:3])}{more}"
    return readers


def _numbered(variable: str) -> tuple[str, int]:
    """`CLARIFAI_PAT_10` after `CLARIFAI_PAT_9`, and `CLARIFAI_PAT` first."""
    base, _, number = variable.rpartition("_")
    return (base, int(number)) if number.isdigit() and base else (variable, 0)


_LEFT = {
    "copy": "the key ({}) is still here, in a comment or a string that the fixer does not "
    "rewrite: remove it by hand",
    "kept": "the key ({}) is still here, where `# noqa` or flake8's configuration keeps it "
    "unreported: remove it by hand",
    "comment": "a Clarifai key ({}) in a comment or a docstring, which the fixer does not "
    "rewrite: remove it by hand",
}


def _still_held(
    item: Scanned, result: Rewritten, run_keys: Sequence[str]
) -> list[tuple[int, int, str, str]]:
    """(line, column, key, kind) for each copy of a key that the run moves (`run_keys`, this
    file's among them) that the fix leaves outside every finding it moves, and each key in a
    comment: a `_LEFT` kind. The findings left alone are reported already."""
    covered = [step.finding.fix.span for step in result.moved if step.finding.fix is not None]
    reported = {*covered, *(s.finding.fix.span for s in result.left if s.finding.fix is not None)}
    unreported = [
        f.fix.span for f in item.findings if f.fix is not None and f.fix.span not in reported
    ]
    left_lines = {step.finding.line for step in result.left}

    def within(spans: Sequence[Span], number: int, col: int) -> bool:
        return any(
            (span.line, span.col) <= (number, col) < (span.end_line, span.end_col) for span in spans
        )

    found = {copy: "comment" for copy in item.commented}
    for number, col, secret in _occurrences(source_lines(item.code), run_keys):
        if number not in left_lines and not within(covered, number, col):
            kept = within(unreported, number, col)
            found[number, col, secret] = "kept" if kept else "copy"
    return sorted((*copy, kind) for copy, kind in found.items())


def _where(name: str, item: Scanned, finding: Finding) -> str:
    return _at(name, item, finding.line, finding.col)


def _at(name: str, item: Scanned, line: int, col: int) -> str:
    if item.notebook is not None:
        return f"{name}:{item.notebook.where(line, col)}"
    return f"{name}:{line}:{col + 1}"


def _notebook_diff(name: str, item: Scanned, new: bytes) -> str:
    """A diff of the notebook's JSON text, with the keys masked."""
    assert item.notebook is not None
    old_lines = item.notebook.text.splitlines(keepends=True)
    new_lines = new.decode("utf-8").splitlines(keepends=True)
    lines = difflib.unified_diff(old_lines, new_lines, f"a/{name}", f"b/{name}")
    return safe("".join(lines), [finding.secret for finding in item.findings])


def _collect(run: _Run, name: str, result: Rewritten, item: Scanned) -> None:
    """The file's findings for JSON or SARIF; a notebook's at their place in its JSON text."""
    moved = [step.finding for step in result.moved]
    left = [step.finding for step in result.left]
    variables = [str(step.variable) for step in result.moved]
    texts = None
    cells: dict[Finding, str] = {}
    if item.notebook is not None:
        notebook = item.notebook
        cells = {notebook.in_file(f): notebook.where(f.line, f.col) for f in [*moved, *left]}
        moved = [notebook.in_file(finding) for finding in moved]
        left = [notebook.in_file(finding) for finding in left]
        if run.args.format == "sarif" and result.new is not None:
            texts = (item.notebook.text, result.new.decode("utf-8"))
    elif run.args.format == "sarif" and result.new is not None:
        texts = (item.code, result.new.decode(_encoding(item.data)))
    found = report.file_findings(
        name,
        moved,
        left,
        run.settings.env_var,
        texts,
        [finding.secret for finding in item.findings],
        cells,
        dict(zip(moved, variables)),
    )
    # Keys in comments and docstrings, which no fix rewrites: CI's code scanning shows them too.
    for line, col, secret in item.commented:
        cell = None
        if item.notebook is not None:
            cell = item.notebook.where(line, col)
            line, col = item.notebook.in_text(line, col)
        message = commented_message(secret).removeprefix(COMMENTED + " ")
        found.append(report.Reported(name, line, col + 1, COMMENTED, message, False, (), cell))
    run.found += sorted(found, key=lambda reported: (reported.line, reported.column))


def _encoding(data: bytes) -> str:
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def _shell_path(path: str) -> str:
    return path if os.path.dirname(path) else f"./{path}"
