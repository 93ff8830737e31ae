"""Findings and configuration in, a plan out: which findings to fix, the variable each key gets,
and why the others are left alone. Pure: no I/O, no flake8, no libcst.

Two keys never share a variable across the whole run, and a key reads one variable unless the
code names several for it (`CLARIFAI_API_KEY = ...`, `CLARIFAI_PAT = ...`). A variable that
any file reads (`os.environ[...]`, `os.getenv(...)`) belongs to whatever the code put there, so a
key takes it only when the code itself says the key is its value: a fallback
(`os.getenv("X", "<key>")`), a write (`os.environ["X"] = "<key>"`), or another value of the name
the key is bound to (`pat = os.getenv("X")`, then `pat = "<key>"`).
"""

from __future__ import annotations

import re

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Optional

from flake8_clarifai_secrets.credentials import is_legacy_secret, mask
from flake8_clarifai_secrets.detector import Finding
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR
from flake8_clarifai_secrets.scan import (
    ALL_VARIABLES,
    CREDENTIAL_VARIABLE_PREFIX,
    Facts,
    credential_variable,
)


@dataclass(frozen=True)
class Config:
    """`env_var_for`: scheme (lower case) -> variable. `stored`: the env file's entries."""

    env_var: str = DEFAULT_ENV_VAR
    env_var_for: Mapping[str, str] = field(default_factory=dict)
    stored: Mapping[str, str] = field(default_factory=dict)


def line_place(line: int) -> str:
    return f"line {line}"


@dataclass(frozen=True)
class FileFindings:
    """One file's findings, flake8's decision to report each, and the file's facts.
    `refusal` leaves every finding of the file alone, for that reason. `place` names a line of
    the file in a refusal: `line 5`, or a notebook's `cell_2:3`."""

    path: str
    findings: Sequence[Finding]
    reported: Sequence[bool]
    facts: Facts
    refusal: Optional[str] = None
    place: Callable[[int], str] = line_place


@dataclass(frozen=True)
class Step:
    """A reported finding: fixed to read `variable`, or left alone for `refusal`."""

    finding: Finding
    variable: Optional[str] = None
    refusal: Optional[str] = None


@dataclass
class Plan:
    steps: dict[str, list[Step]]
    variables: dict[str, str]
    """variable -> the key it must hold, for every variable that a fix reads."""


def refusal(finding: Finding, facts: Facts, config: Config) -> Optional[str]:
    if finding.fix is None:
        return "this form cannot be rewritten safely"
    if not finding.clarifai and (finding.scheme or "").lower() not in config.env_var_for:
        scheme = finding.scheme or "SCHEME"
        return f"not a Clarifai key; name a variable with --env-var-for {scheme}=NAME"
    if facts.os_taken and finding.fix.kind != "drop":
        return "`os` is bound to something else in this file"
    if finding.fix.kind == "drop" and facts.unset & {finding.target, ALL_VARIABLES}:
        # Removed, the write would no longer restore what the deletion took away.
        undone = (
            f"deletes `{finding.target}`"
            if finding.target in facts.unset
            else "clears the environment"
        )
        return f"the file also {undone}, which the write restores: move the key by hand"
    return None


# What a variable holds where a write made only where it is unset needs it to stay so.
_UNSET = ""


class _Allocator:
    def __init__(self, reserved: frozenset[str], stored: Mapping[str, str]) -> None:
        self.reserved = reserved
        self.owner = dict(stored)
        # Where the code gave a variable its key, for a refusal to point at: (path, place).
        self.claimed_at: dict[str, tuple[str, str]] = {}
        self.variable_of: dict[str, str] = {}
        self.searched: dict[str, int] = {}
        for name, value in stored.items():
            self.variable_of.setdefault(value, name)

    def free_for(self, variable: str, key: str, *, written: bool = False) -> bool:
        """Whether `variable` may take `key`: no other key holds it, and no code reads it
        unless the code writes `key` there itself."""
        holder = self.owner.get(variable)
        return holder == key or (holder is None and (written or variable not in self.reserved))

    def take(self, variable: str, key: str) -> None:
        self.owner[variable] = key
        self.variable_of.setdefault(key, variable)

    def keep_unset(self, variable: str, key: str, path: str, place: str) -> Optional[str]:
        """Keep `variable` unset for the code at `place` in `path`, which writes `key` there
        only where it is unset; the refusal if another key holds it."""
        holder = self.owner.get(variable)
        if holder:
            return self._held(variable, holder, path, reads=True)
        self.owner[variable] = _UNSET
        self.claimed_at.setdefault(variable, (path, place))
        return None

    def claim(
        self, variable: str, key: str, path: str, place: str, *, reads: bool = False
    ) -> Optional[str]:
        """Give `variable` to `key` because the code at `place` in `path` says so; the refusal
        if another holds it, naming where that one came from, and, where the code `reads` the
        variable once it is set (a fallback), that it then gets the other key."""
        holder = self.owner.get(variable)
        if holder is not None and holder != key:
            return self._held(variable, holder, path, reads=reads)
        self.take(variable, key)
        self.claimed_at.setdefault(variable, (path, place))
        return None

    def _held(self, variable: str, holder: str, path: str, *, reads: bool) -> str:
        at = self.claimed_at.get(variable)
        if at is None:
            source = "the env file"
        else:
            source = f"{at[1]} of {'this file' if at[0] == path else at[0]}"
        if holder == _UNSET:
            return (
                f"`{variable}` must stay unset for {source}, which writes it only where it is "
                "unset; fix it by hand"
            )
        then = ", which this code reads instead once it is set" if reads else ""
        return (
            f"`{variable}` already holds another key ({mask(holder)}, from {source}){then}; "
            "fix it by hand"
        )

    def variable_for(self, base: str, key: str, overwritten: frozenset[str]) -> str:
        """`base` if it holds `key` (the variable flake8's message named), else the variable
        `key` has elsewhere in the run, else the first free one from `base` on; never one that
        the file that reads it has `overwritten`."""
        if self.owner.get(base) == key and base not in overwritten:
            return base
        variable = self.variable_of.get(key)
        if variable is not None and variable not in overwritten:
            return variable
        return self.allocate(base, key, overwritten)

    def allocate(self, base: str, key: str, overwritten: frozenset[str]) -> str:
        """`base`, or `base_2`, `base_3`...: the first that holds nothing, for a key that holds
        none. Variables are never given back, so the search goes on from where it last ended."""
        n = self.searched.get(base, 1)
        variable = base if n == 1 else f"{base}_{n}"
        while variable in overwritten or not self.free_for(variable, key):
            n += 1
            variable = f"{base}_{n}"
        self.searched[base] = n
        self.take(variable, key)
        return variable


def plan(files: Sequence[FileFindings], config: Config) -> Plan:
    reads = frozenset().union(*(file.facts.reads for file in files))
    allocator = _Allocator(reads, config.stored)
    decided: dict[tuple[int, int], Step] = {}
    named: list[tuple[int, int, Finding, str]] = []
    unnamed: list[tuple[int, int, Finding]] = []
    # A write that can stay and read the key's own variable claims its variable last: a
    # fallback or a write made only where the variable is unset (`os.environ.setdefault`)
    # gives the code that key whenever the variable is set, so it must own it.
    order = sorted(
        (
            finding.fallback is not None and index not in file.facts.conditional,
            n,
            index,
        )
        for n, file in enumerate(files)
        for index, (finding, shown) in enumerate(zip(file.findings, file.reported))
        if shown
    )
    for stays, n, index in order:
        file = files[n]
        finding = file.findings[index]
        reason = file.refusal or refusal(finding, file.facts, config)
        binding = file.facts.bindings.get(index)
        claimed = None if reason else _claimed(finding, index, file.facts)
        if (
            claimed in _overwritten_before(finding, file.facts)
            and finding.fallback is not None
            and finding.fix is not None
            and finding.fix.kind == "drop"
        ):
            # The file also writes something else there, which this write replaces: the write
            # stays, and reads the key's own variable.
            finding = dataclasses.replace(finding, fix=finding.fallback, writes=False)
            claimed = None
        unset = file.facts.conditional.get(index)
        if reason is None and claimed is None and unset is not None:
            # A write made only where the variable is unset, which stays and reads the key's
            # own variable: no other key may then be set there.
            place = file.place(finding.line)
            reason = allocator.keep_unset(unset, finding.secret, file.path, place)
        if claimed is not None:
            place = file.place(finding.line)
            read_once_set = not finding.writes or index in file.facts.conditional
            reason = allocator.claim(claimed, finding.secret, file.path, place, reads=read_once_set)
            if reason is not None and stays:
                # Another key holds the variable the code writes: the write stays, and
                # reads the key's own variable.
                finding = dataclasses.replace(finding, fix=finding.fallback, writes=False)
                reason = claimed = None
        # A write that stays (`subprocess.run(env={"X": ...})`) names its variable, as
        # flake8's message does; a binding named for a variable names that one.
        legacy = is_legacy_secret(finding.secret)
        if finding.writes:
            named_variable: Optional[str] = finding.target
        elif binding is not None:
            # `PAT = "<key>"`, then `os.environ["CLARIFAI_PAT"] = PAT`: the variable it fills.
            copies = (
                v for v in file.facts.copies.get(index, ()) if credential_variable(v, legacy=legacy)
            )
            named_variable = credential_variable(binding, legacy=legacy) or next(copies, None)
        elif legacy and (slot := _SLOT.search(finding.target)):
            # A v1 credential given to a v1 client's `app_id` or `app_secret`, by name or place.
            named_variable = credential_variable(slot[1], legacy=True)
        elif finding.target.startswith(CREDENTIAL_VARIABLE_PREFIX) and finding.target[-1] == "=":
            # A keyword named for a variable, as a dict's key is: `config.from_mapping(
            # CLARIFAI_API_KEY="<key>")`.
            named_variable = credential_variable(finding.target[:-1], legacy=legacy)
        else:
            named_variable = None
        if reason is not None:
            decided[n, index] = Step(finding, refusal=reason)
        elif claimed is not None:
            decided[n, index] = Step(finding, claimed)
        elif named_variable is not None:
            named.append((n, index, finding, named_variable))
        else:
            unnamed.append((n, index, finding))
    # A name whose variable is taken reads the variable its key has elsewhere in the run, if
    # any: one key, one variable, where the code allows it.
    taken = []
    for n, index, finding, variable in named:
        # A copy of the binding fills the variable, where no other file names it.
        copy = variable in files[n].facts.copies.get(index, ()) and not any(
            variable in other.facts.reads for m, other in enumerate(files) if m != n
        )
        written = finding.writes or copy
        free = allocator.free_for(variable, finding.secret, written=written)
        if free and variable not in _overwritten_before(finding, files[n].facts):
            allocator.take(variable, finding.secret)
            decided[n, index] = Step(finding, variable)
        else:
            taken.append((n, index, finding, variable))
    for n, index, finding in unnamed:
        avoid = _overwritten_before(finding, files[n].facts)
        decided[n, index] = Step(
            finding, allocator.variable_for(_base(finding, config), finding.secret, avoid)
        )
    for n, index, finding, variable in taken:
        avoid = _overwritten_before(finding, files[n].facts)
        decided[n, index] = Step(finding, allocator.variable_for(variable, finding.secret, avoid))
    # A key that a file keeps on one line stays in the file whatever the fix does elsewhere in
    # it: moving its other copies would only make the code need a variable more for it.
    kept: dict[tuple[int, str], int] = {}
    for (n, _), step in sorted(decided.items()):
        if step.refusal is not None:
            kept.setdefault((n, step.finding.secret), step.finding.line)
    for (n, index), step in decided.items():
        line = kept.get((n, step.finding.secret))
        if step.refusal is None and line is not None:
            reason = f"{files[n].place(line)} of this file keeps the key: move both by hand"
            decided[n, index] = Step(step.finding, refusal=reason)
    steps: dict[str, list[Step]] = {file.path: [] for file in files}
    variables: dict[str, str] = {}
    for n, index in sorted(decided):
        step = decided[n, index]
        steps[files[n].path].append(step)
        if step.variable is not None:
            variables.setdefault(step.variable, step.finding.secret)
    return Plan(steps, variables)


def file_variables(
    findings: Sequence[Finding], reported: Sequence[bool], facts: Facts, env_var: str
) -> list[Optional[str]]:
    """The variable the fix reads for each finding of one file fixed on its own: what flake8's
    message names. (In a run, another file may give the variable to another key.)"""
    alone = FileFindings("", findings, reported, facts)
    variables = iter(step.variable for step in plan([alone], Config(env_var)).steps[""])
    return [next(variables) if shown else None for shown in reported]


def _overwritten_before(finding: Finding, facts: Facts) -> frozenset[str]:
    """The variables that the file writes something else into before the finding's place:
    what it reads or writes there is that value's, not the key's."""
    return frozenset(v for v, at in facts.overwritten.items() if at < (finding.line, finding.col))


def _claimed(finding: Finding, index: int, facts: Facts) -> Optional[str]:
    """The variable the code itself says holds the key: the one a fallback or write names, or
    the one that another value of the key's binding reads."""
    assert finding.fix is not None
    # A settings reader's fallback (`env.str("X", "<key>")`) is read lazily but is still X's.
    fallback = finding.code == "CLR004" and finding.fix.lazy and not finding.writes
    if finding.fix.kind in KEEPS_VARIABLE or fallback:
        return finding.target
    return facts.fallbacks.get(index)


# The parameter a message names for a call's argument: `ClarifaiApp(app_secret=...)`.
_SLOT = re.compile(r"\((\w+)=\.\.\.\)$")
# Fixes that keep the variable the code names: a written or read variable.
KEEPS_VARIABLE = frozenset({"env_read", "drop"})


def _base(finding: Finding, config: Config) -> str:
    if finding.clarifai:
        return config.env_var
    return config.env_var_for[(finding.scheme or "").lower()]
