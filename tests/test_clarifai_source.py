"""The Clarifai SDK's own source, clarifai-grpc's and Clarifai's examples give no finding, with or
without text tests.

The SDK is pinned and downloaded from PyPI without its dependencies, which it does not need here.
The examples are the benchmark's tree of Clarifai scripts (`benchmarks/data/README.md`).
"""

from __future__ import annotations

import ast
import tarfile
from pathlib import Path

import pytest

import clarifai_grpc
from flake8_clarifai_secrets.detector import find_credentials, source_lines
from flake8_clarifai_secrets.detector.sinks.clarifai import SIGNATURES
from flake8_clarifai_secrets.detector.sinks import Accept
from tests.clarifai_sdk import download_sdk


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return download_sdk(tmp_path_factory.mktemp("sdk"))


def _findings(root: Path) -> tuple[int, list[str]]:
    files, found = 0, []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text("utf-8")
        tree, lines = ast.parse(text), source_lines(text)
        everything = find_credentials(tree, lines, prefilter=False)
        assert find_credentials(tree, lines) == everything, path
        found += [f"{path.relative_to(root)}:{f.line}: {f.message()}" for f in everything]
        files += 1
    return files, found


def test_the_sdk_gives_no_finding(sdk: Path) -> None:
    files, found = _findings(sdk)
    assert files > 100
    assert found == []


def test_clarifai_grpc_gives_no_finding() -> None:
    files, found = _findings(Path(clarifai_grpc.__file__).parent)
    assert files > 20
    assert found == []


# One example writes "\[" in a plain string, which `ast.parse` warns about, as Python does.
@pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")
def test_clarifai_examples_give_no_finding(tmp_path: Path) -> None:
    examples = Path(__file__).parents[1] / "benchmarks" / "data" / "clarifai-examples.tar.gz"
    with tarfile.open(examples) as archive:
        archive.extractall(tmp_path, filter="data")
    files, found = _findings(tmp_path)
    assert files > 80
    assert found == []


def test_the_positions_of_the_sdks_clients_are_where_its_source_takes_pat_and_token(
    sdk: Path,
) -> None:
    """Each row of `SIGNATURES` for the SDK's own classes, against their `__init__`."""
    taken: dict[str, dict[int, Accept]] = {}
    for path in sorted(sdk.rglob("*.py")):
        for node in ast.parse(path.read_text("utf-8")).body:
            init = next(
                (f for f in getattr(node, "body", []) if getattr(f, "name", "") == "__init__"), None
            )
            if isinstance(node, ast.ClassDef) and isinstance(init, ast.FunctionDef):
                names = [a.arg for a in [*init.args.posonlyargs, *init.args.args]][1:]
                credentials = {"pat", "token"} if node.name != "HuggingFaceLoader" else set()
                positions = {i: Accept.KEY for i, name in enumerate(names) if name in credentials}
                if positions:  # Not another class of the name (a pipeline's config).
                    taken[node.name] = positions
    others = {"ClarifaiApp", "ClarifaiApi", "ApiClient", *_GRPC}
    assert {name: taken.get(name) for name in SIGNATURES if name not in others} == {
        name: signature.positions for name, signature in SIGNATURES.items() if name not in others
    }


_GRPC = {"Key": "id", "GRPCJSONChannel": "key"}


def test_the_rows_of_clarifai_grpc_are_where_its_source_takes_a_key() -> None:
    """`resources_pb2.Key`'s `id` is the key; `GRPCJSONChannel`'s docstring passes `key=`."""
    from clarifai_grpc.channel import grpc_json_channel
    from clarifai_grpc.grpc.api import resources_pb2

    assert {name: list(SIGNATURES[name].keywords) for name in _GRPC} == {
        name: [keyword] for name, keyword in _GRPC.items()
    }
    stubs = Path(resources_pb2.__file__).with_suffix(".pyi").read_text("utf-8")
    assert '"""The id of this key, it is used for authorization."""' in stubs
    assert 'GRPCJSONChannel(key="api key"' in Path(grpc_json_channel.__file__).read_text("utf-8")
