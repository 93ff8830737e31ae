"""Print the speed figures as ratios measured in one run, next to their targets.

    python -m benchmarks.run [TREE]      # TREE defaults to the standard library without its tests
    python -m benchmarks.run --files N   # also the large-tree figures, with N and N/10 files

The plugin is also measured on code that uses Clarifai throughout: the `clarifai` SDK's own
source (downloaded from PyPI without its dependencies), `clarifai-grpc`'s, and the case table's
scripts; and on adversarial files at two sizes, to show that their cost grows linearly.

Ratios, not absolute times, are the figures: both sides of each ratio run on the same machine in
the same run. Speed is measured here, never asserted in pytest.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import clarifai_grpc
import libcst as cst

from flake8_clarifai_secrets.detector import source_lines
from flake8_clarifai_secrets.plugin import Plugin
from tests.cases import NEGATIVE, POSITIVE
from tests.clarifai_sdk import SDK, download_sdk
from tests.keys import fill, synthetic_key

TEST_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__"}
PLANTED = "import os\nmetadata = (('authorization', 'Key {key}'),)\n"
FLAKE8 = """
import sys
from flake8.main.cli import main
from flake8.plugins import finder

if sys.argv.pop(1) == "without":
    found = finder._find_importlib_plugins
    finder._find_importlib_plugins = lambda: (
        p for p in found() if p.package != "flake8-clarifai-secrets"
    )
sys.exit(main())
"""


def python_files(tree: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d not in TEST_DIRS)
        yield from (Path(root, f) for f in sorted(files) if f.endswith(".py"))


def readable_sources(tree: Path) -> list[tuple[bytes, str]]:
    sources = []
    for path in python_files(tree):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
            ast.parse(data)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        sources.append((data, text))
    return sources


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


class ReadsTextOnce:
    """The least that a plugin which reads the text can do: join flake8's lines, lower them and
    look for one word. Its ratio is the floor under any text test."""

    def __init__(self, tree: ast.AST, lines: list[str]) -> None:
        self._lines = lines

    def run(self) -> bool:
        return b"clarifai" in "".join(self._lines).encode().lower()


def plugin_figures(
    sources: list[tuple[bytes, str]], plugin_class: Callable[[ast.AST, list[str]], Any] = Plugin
) -> tuple[float, float]:
    """(ast.parse time, the plugin's own time) over the same files, each file parsed and then
    checked, as flake8 does: of 3 passes, the one whose ratio is the median."""
    passes = []
    for _ in range(3):
        parse = plugin = 0.0
        for data, text in sources:
            start = time.perf_counter()
            tree = ast.parse(data)
            parse += time.perf_counter() - start
            lines = source_lines(text)
            start = time.perf_counter()
            plugin_class(tree, lines).run()
            plugin += time.perf_counter() - start
        passes.append((parse, plugin))
    return sorted(passes, key=lambda figures: figures[1] / figures[0])[1]


_HEX_CLASS = bytes(ord("h") if chr(c) in "0123456789abcdef" else ord(" ") for c in range(256))


class FindsOneRun:
    """The least that a test for a 32-hex key in the text can do: join flake8's lines, encode
    them, map them to a small alphabet and look for one run of hex digits."""

    def __init__(self, tree: ast.AST, lines: list[str]) -> None:
        self._lines = lines

    def run(self) -> bool:
        return "".join(self._lines).encode().translate(_HEX_CLASS).find(b"h" * 16) != -1


def text_floor(sources: list[tuple[bytes, str]]) -> str:
    parse, once = plugin_figures(sources, ReadsTextOnce)
    parse, run = plugin_figures(sources, FindsOneRun)
    return f"reading the text once: {once / parse:.4f}, one run test: {run / parse:.4f}"


EXAMPLES = Path(__file__).parent / "data" / "clarifai-examples.tar.gz"
CLEAN_SCRIPTS = "the case table's snippets, clean"
KEYED_SCRIPTS = "the same, a key in each"
# The case table's snippets are a few lines each and hold ids beside keys' variables by design:
# a plugin that is only called costs about 2% of their parse. Clarifai's own examples are the
# tree of scripts that the Clarifai target is measured on.
UNTARGETED = frozenset({CLEAN_SCRIPTS, KEYED_SCRIPTS})


def clarifai_trees(root: Path) -> dict[str, Path]:
    """Trees of code that uses Clarifai throughout: the SDK, clarifai-grpc, Clarifai's examples
    (scripts and notebooks exported as scripts, see `data/README.md`), and the case table's
    snippets as a clean project has them (fixed, or holding no key), then as they were."""
    trees = {SDK: download_sdk(root), "clarifai-grpc": Path(clarifai_grpc.__file__).parent}
    with tarfile.open(EXAMPLES) as archive:
        archive.extractall(root, filter="data")
    trees["Clarifai's examples"] = root / "clarifai-examples"
    for name in (CLEAN_SCRIPTS, KEYED_SCRIPTS):
        trees[name] = root / name.replace(" ", "_").replace(",", "").replace("'", "")
        trees[name].mkdir()
    for n, param in enumerate(POSITIVE + NEGATIVE):
        case = param.values[0]
        clean = case.source if case.fixed is None else case.fixed
        if case.fixed is not None or not case.findings:
            (trees[CLEAN_SCRIPTS] / f"case{n}.py").write_text(fill(clean))
        if case.findings:
            (trees[KEYED_SCRIPTS] / f"case{n}.py").write_text(fill(case.source))
    return trees


def _best(work: Callable[[], object], runs: int = 5) -> float:
    return min(timed(work) for _ in range(runs))


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "one name rebound in n functions": lambda n: "pat = '{key}'\n"
    + "".join(
        f"def f{i}(x):\n    pat = x\n    pat = pat.strip() + pat\n"
        "    return (('authorization', 'Key ' + pat),)\n"
        for i in range(n)
    ),
    "a ladder of n names": lambda n: "a0 = '{key}'\n"
    + "".join(f"a{i + 1} = a{i} + ''\n" for i in range(n))
    + f"m = (('authorization', 'Key ' + a{n}),)\n",
    "a format string n fields wide": lambda n: "pat = '{key}'\npat = 'x'\n"
    + "m = (('authorization', 'Key ' + '"
    + "{{}}" * n
    + "'.format("
    + ", ".join(["pat"] * n)
    + ")),)\n",
    "n keys, each in a function": lambda n: "import clarifai\n"
    + "".join(
        f"def f{i}():\n    pat = '{{key}}'\n    return (('authorization', 'Key ' + pat),)\n"
        for i in range(n)
    ),
}


def adversarial_ratio(template: Callable[[int], str], n: int) -> float:
    """The plugin's time over ast.parse's, best of 5, on the file made for `n`."""
    source = template(n).format(key=synthetic_key())
    tree, lines = ast.parse(source), source_lines(source)
    return _best(lambda: list(Plugin(tree, lines).run())) / _best(lambda: ast.parse(source))


def flake8_seconds(tree: Path, with_plugin: bool) -> float:
    """CPU seconds (user + system) of one flake8 run and its workers: steadier than wall time."""
    command = [sys.executable, "-c", FLAKE8, "with" if with_plugin else "without"]
    # As installed for real: bytecode is cached, so imports do not recompile the plugin each run.
    # One hash seed for every run, so that set and dict layouts do not add to the noise.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [*command, "--isolated", "--exit-zero", "--output-file", os.devnull, str(tree)],
        check=True,
        env=env,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def flake8_ratios(tree: Path) -> list[float]:
    """CPU time with / without the plugin, in 9 back-to-back pairs (order alternating), sorted.

    Pairs cancel the slow drift of a shared machine's speed; the median is the figure.
    """
    for warm_up in (False, True):
        flake8_seconds(tree, warm_up)
    ratios = []
    for pair in range(9):
        first = bool(pair % 2)
        times = {first: flake8_seconds(tree, first), not first: flake8_seconds(tree, not first)}
        ratios.append(times[True] / times[False])
    return sorted(ratios)


def fixer_check(tree: Path, marker: str, count: int) -> tuple[float, str]:
    """Time `clarifai-secrets-fix --check` on `tree`; it must report `marker` `count` times."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", "--check", str(tree)],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 1 or result.stdout.count(marker) != count:
        sys.exit(
            f"the fixer missed planted findings:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return seconds, result.stdout.splitlines()[0]


def startup_ratio(directory: Path) -> tuple[float, float, float]:
    """Median wall time of a run with nothing to do / of `flake8 --version`, 9 runs each."""

    def median_seconds(command: list[str]) -> float:
        times = []
        for _ in range(9):
            start = time.perf_counter()
            subprocess.run(command, cwd=directory, capture_output=True, check=False)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    flake8 = median_seconds([sys.executable, "-m", "flake8", "--version"])
    fixer = median_seconds([sys.executable, "-m", "flake8_clarifai_secrets", "--check"])
    return fixer / flake8, fixer, flake8


def libcst_parse_seconds(sources: list[tuple[bytes, str]]) -> float:
    return timed(lambda: [cst.parse_module(data) for data, _ in sources])


def generate_tree(root: Path, count: int, with_findings: int) -> None:
    rng = random.Random(count)
    for n in range(count):
        package = root / f"pkg{n // 500}"
        package.mkdir(exist_ok=True)
        body = [f"def f{i}(x):\n    return x * {rng.randint(0, 99)} + {i}\n" for i in range(20)]
        if n % (count // with_findings) == 0:
            body.append("from clarifai.client.model import Model\n")
            body.append(f"model = Model(url='u', pat='{synthetic_key()}')\n")
        (package / f"m{n}.py").write_text("".join(body))


def fixer_peak_mib(tree: Path) -> float:
    """Peak RSS of the fixer's largest process, measured from a fresh parent."""
    command = ["-m", "flake8_clarifai_secrets", "--check", str(tree)]
    probe = (
        "import resource, subprocess, sys;"
        f"subprocess.run([sys.executable, *{command!r}], capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    return int(output) / 1024


def row(name: str, value: float, target: str, context: str) -> None:
    print(f"{name:<44} {value:>8.4f}   target {target:<8} ({context})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--files", type=int, default=0, help="also time a generated tree")
    args = parser.parse_args()

    sources = readable_sources(args.tree)
    python = sys.version.split()[0]
    print(f"{len(sources)} files from {args.tree}, {os.cpu_count()} CPUs, Python {python}")

    parse, plugin = plugin_figures(sources)
    row(
        "plugin time / ast.parse time",
        plugin / parse,
        "<= 0.02",
        f"{plugin:.3f}s / {parse:.2f}s; {text_floor(sources)}",
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, tree in clarifai_trees(Path(tmp)).items():
            clarifai_sources = readable_sources(tree)
            parse, plugin = plugin_figures(clarifai_sources)
            row(
                "  on Clarifai code: plugin / ast.parse",
                plugin / parse,
                "none" if name in UNTARGETED else "<= 0.03",
                f"{len(clarifai_sources)} files of {name}; {plugin:.3f}s / {parse:.3f}s; "
                + text_floor(clarifai_sources),
            )
    for name, template in ADVERSARIAL.items():
        small, large = adversarial_ratio(template, 100), adversarial_ratio(template, 1000)
        row(f"  {name}: plugin / ast.parse", large, "<= 1", f"n=1000; {small:.2f} at n=100")

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp, "tree")
        for path in python_files(args.tree):
            target = copy / path.relative_to(args.tree)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        (copy / "planted.py").write_text(PLANTED.format(key=synthetic_key()))

        ratios = flake8_ratios(copy)
        row(
            "flake8 with plugin / without",
            statistics.median(ratios),
            "<= 1.02",
            f"CPU time, median of 9 pairs; range {ratios[0]:.3f} to {ratios[-1]:.3f}",
        )

        fixer, first_line = fixer_check(copy, "planted.py", 1)
        libcst = libcst_parse_seconds(sources)
        peak = fixer_peak_mib(copy)
        row(
            "fix --check / LibCST parse",
            fixer / libcst,
            "<= 0.02",
            f"{fixer:.2f}s / {libcst:.2f}s; fixer peak RSS {peak:.0f} MiB",
        )
        print(f"  the planted finding: {first_line.split(':', 1)[0]}")

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "clean.py").write_text("x = 1\n")
        ratio, fixer_start, flake8_start = startup_ratio(Path(tmp))
        row(
            "fix with nothing to do / flake8 --version",
            ratio,
            "<= 1.5",
            f"median of 9 runs, {fixer_start:.2f}s / {flake8_start:.2f}s",
        )

    if args.files:
        figures = []
        for count in (args.files // 10, args.files):
            with tempfile.TemporaryDirectory() as tmp:
                generate_tree(Path(tmp), count, with_findings=5)
                seconds, _ = fixer_check(Path(tmp), "CLR003", 5)
                figures.append((count, seconds, fixer_peak_mib(Path(tmp))))
        (small, t_small, m_small), (large, t_large, m_large) = figures
        row(
            f"fix --check time, {large} / {small} files",
            t_large / t_small,
            f"<= {large / small:.0f}",
            f"{t_large:.2f}s / {t_small:.2f}s",
        )
        row(
            f"fix --check peak RSS, {large} / {small} files",
            m_large / m_small,
            f"<= {large / small:.0f}",
            f"{m_large:.0f} MiB / {m_small:.0f} MiB",
        )


if __name__ == "__main__":
    main()
