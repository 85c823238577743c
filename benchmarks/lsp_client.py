"""A small Language Server Protocol client over stdio, for the tests and the benchmark.

It starts ``python -m blueprint lsp`` as a subprocess, reads its messages on a
thread, and waits for answers and notifications with time limits (never sleeps).

    with Client() as c:
        c.initialize()
        c.open(uri, text)
        diags = c.diagnostics(uri)
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

TIMEOUT = 30.0  # seconds: generous, so that a slow shared machine does not fail a test


class ServerDied(RuntimeError):
    pass


class Client:
    def __init__(self, cwd: str | None = None, command: list[str] | None = None) -> None:
        self.proc = subprocess.Popen(
            command or [sys.executable, "-m", "blueprint", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.messages: queue.Queue[dict | None] = queue.Queue()
        self.notifications: list[dict] = []  # read but not yet waited for
        self.next_id = 0
        self.versions: dict[str, int] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.stderr: list[bytes] = []
        self.err_reader = threading.Thread(target=self._read_err, daemon=True)
        self.err_reader.start()

    # --- the wire ----------------------------------------------------------------------

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            self.messages.put(json.loads(out.read(length)))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _next(self, timeout: float) -> dict:
        try:
            msg = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no message from the server within {timeout} s") from None
        if msg is None:
            self.messages.put(None)  # stays closed for later waits
            raise ServerDied(b"".join(self.stderr).decode("utf-8", "replace")[-2000:])
        return msg

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        """Send a request and wait for its response; an error response raises."""
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        while True:
            msg = self._next(timeout)
            if msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    raise LspError(msg["error"])
                return msg.get("result")
            self._other(msg)

    def _other(self, msg: dict) -> None:
        if "method" in msg and "id" in msg:  # a request from the server: answer it
            self.send({"id": msg["id"], "result": None})
        elif "method" in msg:
            self.notifications.append(msg)

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, method: str, match=lambda params: True, timeout: float = TIMEOUT) -> Any:
        """The params of the first notification ``method`` that ``match`` accepts."""
        while True:
            for i, n in enumerate(self.notifications):
                if n["method"] == method and match(n.get("params")):
                    del self.notifications[i]
                    return n.get("params")
            self._other(self._next(timeout))

    # --- the protocol ------------------------------------------------------------------

    def initialize(self, root: str | None = None, encodings: list[str] | None = None) -> dict:
        caps: dict = {
            "textDocument": {
                "rename": {"prepareSupport": True},
                "publishDiagnostics": {"versionSupport": True},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
            }
        }
        if encodings:
            caps["general"] = {"positionEncodings": encodings}
        result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": Path(root).resolve().as_uri() if root else None,
                "capabilities": caps,
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 1
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": self.versions[uri]},
                "contentChanges": [{"text": text}],
            },
        )
        return self.versions[uri]

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = TIMEOUT) -> list:
        """The diagnostics published for ``uri`` (for ``version``, when given)."""
        params = self.wait_for(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
            timeout,
        )
        return params["diagnostics"]

    def at(self, method: str, uri: str, line: int, character: int, **more: Any) -> Any:
        """A request about one position (0-based line and character)."""
        return self.request(
            method,
            {
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character},
                **more,
            },
        )

    def shutdown(self, timeout: float = TIMEOUT) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LspError(RuntimeError):
    def __init__(self, error: dict) -> None:
        super().__init__(error.get("message", "error"))
        self.error = error
