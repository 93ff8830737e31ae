"""One test per row of the integration table: each callee, imported as users import it, is found."""

from __future__ import annotations

import pytest

from flake8_clarifai_secrets.detector.providers import model_provider, names_provider
from flake8_clarifai_secrets.detector.services import OTHER_SERVICES
from flake8_clarifai_secrets.detector.sinks.integration_table import INTEGRATIONS, Integration
from tests.helpers import results
from tests.keys import fill

ENDPOINT = 'base_url="https://api.clarifai.com/v2/ext/openai/v1", '


def _call(row: Integration, callee: str) -> str:
    module, _, name = callee.rpartition(".")
    keyword = sorted(row.keywords)[0]
    evidence = "" if row.always else ENDPOINT
    call = f'{name}({evidence}{keyword}="<KEY>")'
    return f"from {module} import {name}\nclient = {call}\n"


@pytest.mark.parametrize(
    ("row", "callee"),
    [
        pytest.param(row, callee, id=f"{row.name}: {callee}")
        for row in INTEGRATIONS
        for callee in row.callees
    ],
)
def test_every_callee_of_every_row(row: Integration, callee: str) -> None:
    source = _call(row, callee)
    column = source.splitlines()[1].index('"<KEY>"') + 1
    assert results(fill(source)) == {f"2:{column} CLR003"}


@pytest.mark.parametrize(
    "row", [pytest.param(row, id=row.name) for row in INTEGRATIONS if not row.always]
)
def test_generic_clients_need_evidence(row: Integration) -> None:
    """Without an endpoint, model or provider that names Clarifai, the key is another service's."""
    module, _, name = row.callees[0].rpartition(".")
    keyword = sorted(row.keywords)[0]
    source = f'from {module} import {name}\nclient = {name}({keyword}="<KEY>")\n'
    assert results(fill(source)) == set()


@pytest.mark.parametrize(
    "row",
    [pytest.param(row, id=row.name) for row in INTEGRATIONS if row.positions],
)
def test_positional_slots(row: Integration) -> None:
    module, _, name = row.callees[0].rpartition(".")
    (index,) = row.positions
    args = ", ".join(['"x"'] * index + ['"<KEY>"'])
    evidence = "" if row.always else ", " + ENDPOINT.rstrip(", ")
    source = f"from {module} import {name}\nclient = {name}({args}{evidence})\n"
    column = source.splitlines()[1].index('"<KEY>"') + 1
    assert results(fill(source)) == {f"2:{column} CLR003"}


@pytest.mark.parametrize(
    ("row", "host", "found"),
    [
        pytest.param(row, host, found, id=f"{row.name}: {host}")
        for row in INTEGRATIONS
        if row.environment
        for host, found in (("https://api.clarifai.com/v2/ext/openai/v1", True),
                            ("http://10.0.4.17:8000/v1", False))
    ],
)  # fmt: skip
def test_environment_rows_follow_openai_base_url(row: Integration, host: str, found: bool) -> None:
    """An `environment` row given no endpoint goes where `OPENAI_BASE_URL` points."""
    module, _, name = row.callees[0].rpartition(".")
    keyword = sorted(row.keywords)[0]
    source = (
        f"import os\nfrom {module} import {name}\n"
        f'os.environ["OPENAI_BASE_URL"] = "{host}"\nclient = {name}({keyword}="<KEY>")\n'
    )
    column = source.splitlines()[3].index('"<KEY>"') + 1
    assert results(fill(source)) == ({f"4:{column} CLR003"} if found else set())


@pytest.mark.parametrize(
    ("row", "channel", "found"),
    [
        pytest.param(row, channel, found, id=f"{row.name}: {channel}")
        for row in INTEGRATIONS
        if row.clarifai_file
        for channel, found in (("api.clarifai.com:443", True), ("ledger.internal:443", False))
    ],
)
def test_clarifai_file_rows_follow_the_file(row: Integration, channel: str, found: bool) -> None:
    """A `clarifai_file` row, which takes no endpoint, is Clarifai's in a file that names it."""
    module, _, name = row.callees[0].rpartition(".")
    source = (
        f"import grpc\nfrom {module} import {name}\n"
        f'channel = grpc.secure_channel("{channel}", {name}("<KEY>"))\n'
    )
    column = source.splitlines()[2].index('"<KEY>"') + 1
    assert results(fill(source)) == ({f"3:{column} CLR003"} if found else set())


@pytest.mark.parametrize("package", sorted(OTHER_SERVICES))
@pytest.mark.parametrize(
    "use",
    [
        "{package}.api_key = '<KEY>'\n",
        "{package}.configure(api_key='<KEY>')\n",
        "api_key = '<KEY>'\n{package}.configure(api_key=api_key)\n",
    ],
)
def test_other_services_keep_their_keys(package: str, use: str) -> None:
    """In a Clarifai file, a generic name in another service's package is that service's; in
    a package the table does not name (the file's own `settings`), it is Clarifai's."""
    source = "import {package}\nfrom clarifai.client.model import Model\n" + use
    assert results(fill(source.format(package=package))) == set()
    assert results(fill(source.format(package="settings")))


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("together_ai/meta-llama/Llama-3-70b", "together_ai"),
        ("mistral/mistral-large-latest", "mistral"),
        ("together:meta-llama/Llama-3-70b", "together"),
        ("mistralai:mistral-large-latest", "mistralai"),
        ("groq", "groq"),
        # OpenAI's provider and Clarifai's go wherever the endpoint says.
        ("openai/gpt-4o", None),
        ("openai/https://clarifai.com/openai/chat-completion/models/gpt-4o", None),
        ("clarifai/openai.chat-completion.gpt-4o", None),
        # Hugging Face organisations, URLs and bare models name no provider.
        ("meta-llama/Llama-3-70b", None),
        ("mistralai/Mistral-7B-Instruct", None),
        ("https://api.together.xyz/v1", None),
        ("gpt-4o", None),
    ],
)
def test_a_model_string_names_its_provider(model: str, provider: str | None) -> None:
    assert model_provider(model) == provider


@pytest.mark.parametrize(
    ("key", "names"),
    [
        ("together", True),
        ("TOGETHER_API_KEY", True),
        ("mistral-large", True),
        ("clarifai", False),
        ("clarifai_together", False),
        ("prod", False),
        ("team-a", False),
        ("OPENAI_API_KEY", False),
    ],
)
def test_a_registry_key_names_a_provider(key: str, names: bool) -> None:
    assert names_provider(key) is names
