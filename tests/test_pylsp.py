"""Editors: the real python-lsp-server, with its flake8 plugin, over stdio.

The client speaks LSP with python-lsp-jsonrpc's stream reader and writer, which pylsp itself
depends on, so the test needs no other client library.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pylsp_jsonrpc.streams import JsonRpcStreamReader, JsonRpcStreamWriter

from tests.checkout import ROOT
from tests.keys import GENERATED, KEY, fill

BAD = "import os\nmetadata = (('authorization', 'Key <KEY>'),)\n"
GOOD = "import os\nmetadata = (('authorization', 'Key ' + os.environ['CLARIFAI_PAT']),)\n"
README = (ROOT / "README.md").read_text().split("\n## Editors\n", 1)[1].split("\n## ")[0]
# The README's settings, with the flake8 of this environment, whose directory is not on PATH.
SETTINGS = json.loads(re.findall(r"```json\n(.*?)```", README, re.S)[1])
SETTINGS["pylsp"]["plugins"]["flake8"]["executable"] = str(Path(sys.executable).parent / "flake8")
TIMEOUT = 30.0


class Client:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self._writer = JsonRpcStreamWriter(process.stdin)
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        reader = JsonRpcStreamReader(process.stdout)
        threading.Thread(target=reader.listen, args=(self._messages.put,), daemon=True).start()
        self._next_id = 0

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._writer.write({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        request_id = self._next_id
        self._writer.write({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return self.wait(lambda message: message.get("id") == request_id)["result"]

    def wait(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first message from the server that is `wanted`; others are dropped."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
            assert not any(secret in str(message) for secret in GENERATED)
            if wanted(message):
                return message

    def diagnostics(self, uri: str, version: int) -> list[dict[str, Any]]:
        def published(message: dict[str, Any]) -> bool:
            params = message.get("params", {})
            return (
                message.get("method") == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and params.get("version", version) == version
            )

        return list(self.wait(published)["params"]["diagnostics"])


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pylsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    try:
        client = Client(process)
        client.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": {}},
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
        yield client
        client.request("shutdown", {})
        client.notify("exit", {})
        process.wait(timeout=TIMEOUT)
    finally:
        process.kill()
        process.wait()


def test_diagnostic_appears_then_clears_after_the_fix(client: Client, tmp_path: Path) -> None:
    uri = (tmp_path / "app.py").as_uri()
    text = fill(BAD)
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    assert [d for d in client.diagnostics(uri, 1) if d["code"].startswith("CLR")] == [
        {
            "source": "flake8",
            "code": "CLR001",
            "range": {
                "start": {"line": 1, "character": 30},
                "end": {"line": 1, "character": len(text.splitlines(True)[1])},
            },
            "message": f"CLR001 hard-coded Clarifai key (...{KEY[-4:]}) in gRPC `authorization` "
            'metadata - read it from `os.environ["CLARIFAI_PAT"]`',
            "severity": 2,
        }
    ]
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": GOOD}]},
    )
    assert client.diagnostics(uri, 2) == []


def test_readme_turns_on_the_flake8_plugin_only() -> None:
    assert SETTINGS["pylsp"]["plugins"] == {
        "flake8": {"enabled": True, "executable": str(Path(sys.executable).parent / "flake8")},
        **{name: {"enabled": False} for name in ("pycodestyle", "pyflakes", "mccabe")},
    }
