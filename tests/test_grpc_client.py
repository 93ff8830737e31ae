"""A real clarifai-grpc client against a V2 server on loopback, before and after the fix."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest
from dotenv import dotenv_values
from clarifai_grpc.grpc.api import resources_pb2, service_pb2, service_pb2_grpc
from clarifai_grpc.grpc.api.status import status_code_pb2, status_pb2

from flake8_clarifai_secrets.detector import find_credentials, source_lines
from tests.keys import GENERATED

EXAMPLE = Path(__file__).parent.parent / "examples" / "grpc_predict.py"


class RecordingV2(service_pb2_grpc.V2Servicer):  # type: ignore[misc]
    def __init__(self) -> None:
        self.headers: list[str] = []

    def PostModelOutputs(self, request: Any, context: Any) -> Any:
        self.headers += [v for k, v in context.invocation_metadata() if k == "authorization"]
        concept = resources_pb2.Concept(name="train", value=0.99)
        return service_pb2.MultiOutputResponse(
            status=status_pb2.Status(code=status_code_pb2.SUCCESS),
            outputs=[resources_pb2.Output(data=resources_pb2.Data(concepts=[concept]))],
        )


@pytest.fixture
def server() -> Iterator[tuple[RecordingV2, int]]:
    servicer = RecordingV2()
    grpc_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    service_pb2_grpc.add_V2Servicer_to_server(servicer, grpc_server)
    port = grpc_server.add_insecure_port("127.0.0.1:0")
    grpc_server.start()
    yield servicer, port
    grpc_server.stop(grace=None)


def example_key() -> str:
    source = EXAMPLE.read_text()
    (finding,) = find_credentials(ast.parse(source), source_lines(source))
    GENERATED.add(finding.secret)
    return finding.secret


def run_script(path: Path, port: int, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLARIFAI_")}
    result = subprocess.run(
        [sys.executable, str(path)],
        env={**environ, "CLARIFAI_GRPC_PORT": str(port), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_server_gets_the_same_header_after_the_fix(
    server: tuple[RecordingV2, int], tmp_path: Path
) -> None:
    servicer, port = server
    key = example_key()
    script = tmp_path / "grpc_predict.py"
    shutil.copy(EXAMPLE, script)

    before = run_script(script, port)
    assert (before.returncode, before.stdout) == (0, "train 0.99\n")

    fixed = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", str(script)],
        capture_output=True,
        text=True,
    )
    assert fixed.returncode == 0
    assert 'PAT = os.environ["CLARIFAI_PAT"]\n' in script.read_text()

    after = run_script(script, port, CLARIFAI_PAT=key)
    assert (after.returncode, after.stdout) == (0, "train 0.99\n")
    assert servicer.headers == ["Key " + key, "Key " + key]

    unset = run_script(script, port)
    assert unset.returncode == 1
    assert unset.stderr.splitlines()[-1] == "KeyError: 'CLARIFAI_PAT'"
    assert len(servicer.headers) == 2


def test_the_env_file_holds_what_the_fixed_program_needs(
    server: tuple[RecordingV2, int], tmp_path: Path
) -> None:
    """Fixed with --env-file, then run with only that file's values: the same header arrives."""
    servicer, port = server
    key = example_key()
    script = tmp_path / "grpc_predict.py"
    shutil.copy(EXAMPLE, script)
    before = run_script(script, port)
    assert before.returncode == 0

    fixed = subprocess.run(
        [sys.executable, "-m", "flake8_clarifai_secrets", "--env-file", ".env", "grpc_predict.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert fixed.returncode == 0, fixed.stderr
    assert key not in script.read_text() + fixed.stdout + fixed.stderr
    values = {k: v for k, v in dotenv_values(tmp_path / ".env").items() if v is not None}
    assert list(values) == ["CLARIFAI_PAT"]

    after = run_script(script, port, **values)
    assert (after.returncode, after.stdout) == (0, "train 0.99\n")
    assert servicer.headers == ["Key " + key, "Key " + key]
