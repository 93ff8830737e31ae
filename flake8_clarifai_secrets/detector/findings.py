"""What the detector reports: a finding, where it is, and how the fixer may rewrite it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Optional

from flake8_clarifai_secrets.codes import CODES
from flake8_clarifai_secrets.credentials import mask
from flake8_clarifai_secrets.options import DEFAULT_ENV_VAR


class Span(NamedTuple):
    """1-based lines, 0-based character columns."""

    line: int
    col: int
    end_line: int
    end_col: int


class Fix(NamedTuple):
    """How the fixer rewrites a finding.

    `literal`: replace the string (or `+` chain of strings) at `span` by
    `prefix + os.environ[VAR] + suffix`.
    `env_read`: replace the call or `or` expression at `span` by `os.environ[<its name argument>]`.
    `drop`: remove the statement at `span`, which only writes the key into the environment.
    `name`: replace the string at `span`, a key pasted where a variable name goes, by `"VAR"`.
    `placeholder`: in the f-string at `span` (or the strings concatenated with one), put
    `{os.environ[VAR]}` where the key stands.
    `lazy`: a `literal` that is a call's default (`config.get("pat", "<key>")`), an option's
    (`add_argument("--pat", default="<key>")`, typer's `Option("<key>")`) or a pydantic
    `Field`'s, which Python evaluates even when the value comes from elsewhere, is read with
    `os.environ.get(VAR)`, so that an unset variable does not raise there (nor on `--help`).
    `factory`: a `lazy` literal that is click's `option(default=...)`, read as `lambda:
    os.environ[VAR]`, which click calls only where the option is not given; click takes a
    default of None as the option's value.
    `required`: a `lazy` literal that typer's `Option` or `Argument`, or pydantic's `Field` or
    settings field, declares, read as `os.environ.get(VAR, ...)`: they take `...` for a value
    that must be given, so an unset variable asks for it instead of giving None.
    `blank`: a `lazy` literal (or `placeholder`) that a form field shows until the user edits
    it (Streamlit's `text_input(value=...)`, Gradio's `Textbox`, ipywidgets' `Password`), or
    that a parameter's default or a decorator's argument holds, read as
    `os.environ.get(VAR, "")`: an empty field's value, where None would let a client given it
    read its own variable (`OPENAI_API_KEY`) and send that key to Clarifai.
    """

    kind: Literal["literal", "env_read", "drop", "name", "placeholder"]
    span: Span
    prefix: str = ""
    suffix: str = ""
    lazy: bool = False
    factory: bool = False
    required: bool = False
    blank: bool = False


@dataclass(frozen=True)
class Finding:
    """One hard-coded credential, reported at the literal that holds it.

    `binding` is the dotted name that the literal is directly assigned to, if any. `writes`: the
    key is written into the variable `target` (`monkeypatch.setenv(target, "<key>")`).
    `fallback`: for a `drop` fix of a write of the key as it is, a `literal` fix of that value:
    where the run gives the written variable to another key, the write stays and reads the
    key's own (`os.environ["CLARIFAI_PAT"] = os.environ["CLARIFAI_PAT_2"]`); for a lone
    `export NAME=<key>`, which sets nothing that outlives its shell, the same `drop`, the key
    taking a variable of its own.
    """

    code: str
    line: int
    col: int
    target: str
    scheme: Optional[str]
    clarifai: bool
    fix: Optional[Fix]
    secret: str = field(repr=False)
    binding: Optional[str] = None
    writes: bool = False
    fallback: Optional[Fix] = None

    def message(self, env_var: str = DEFAULT_ENV_VAR, variable: Optional[str] = None) -> str:
        """The message, naming `variable`, the one the fix reads, where it is known; else the
        variable a write or fallback names, or the configured one."""
        # A key pasted where a variable's name goes takes the name of the variable it reads.
        pasted = self.fix is not None and self.fix.kind == "name"
        variable = variable or (self.target if self.code == "CLR004" and not pasted else env_var)
        if self.clarifai:
            credential, source = "Clarifai key", f'`os.environ["{variable}"]`'
        else:
            credential = f"`{self.scheme}` credential" if self.scheme else "credential"
            source = "an environment variable"
        text = CODES[self.code].template.format(
            credential=credential,
            tail=mask(self.secret),
            # `config.['pat']` is how names are kept: shown as the code spells it.
            target=variable if pasted else self.target.replace(".[", "["),
            variable=variable,
            source=source,
        )
        return f"{self.code} {text}"
