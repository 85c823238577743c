"""The language server: pygls wiring for :mod:`blueprint.lsp.features`.

Checks run one at a time on a worker thread (so the server keeps reading
messages): on open at once; on a change at once when it is the first for a
while, else after a short pause (:data:`DEBOUNCE`) while typing goes on. A
change cancels the check still waiting, and a result older than the buffer is
never published. Requests (hover, completion...) use the snapshot of the
buffer's current version, checking it first when needed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from blueprint import __version__, config
from blueprint.lsp import features
from blueprint.lsp.index import Snapshot
from blueprint.model import Blueprint
from blueprint.problems import Pos, problem

#: seconds to wait after a change before checking (typing goes on)
DEBOUNCE = 0.15

log = logging.getLogger(__name__)


class BlueprintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "blueprint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.snapshots: dict[str, Snapshot] = {}
        self.last_read: dict[str, Blueprint] = {}  # the newest blueprint read, for completion
        self.pending: dict[str, asyncio.Task] = {}
        self.changed: dict[str, float] = {}  # uri -> when it last changed (monotonic)
        self.config_shown: dict[str, list] = {}  # configuration file uri -> its diagnostics
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blueprint-check")

    def path_of(self, uri: str) -> str:
        path = to_fs_path(uri)
        if path:
            return path
        root = self.workspace.root_path or os.getcwd()
        return os.path.join(root, "untitled.yaml")  # an unsaved buffer: the workspace's config

    @property
    def encoding(self) -> str:
        enc = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return str(getattr(enc, "value", enc))

    def _check(self, uri: str, text: str, version: int | None) -> Snapshot:
        config.forget()  # blueprint.toml may have been edited since the last check
        try:
            snap = Snapshot(text, self.path_of(uri), self.encoding, version)
        except Exception as exc:  # a bug; never for bad input, but the server must live on
            log.exception("checking %s failed", uri)
            snap = Snapshot("{}", self.path_of(uri), self.encoding, version)
            snap.result.problems = [
                problem(
                    snap.path,
                    None,
                    "error",
                    f"blueprint could not check this file ({type(exc).__name__}: {exc}); "
                    "please report this",
                    "rule-error",
                )
            ]
        return snap

    async def snapshot(self, uri: str) -> Snapshot:
        """The snapshot of the buffer's current text."""
        doc = self.workspace.get_text_document(uri)
        snap = self.snapshots.get(uri)
        if snap is not None and snap.version == doc.version and doc.version is not None:
            return snap
        loop = asyncio.get_running_loop()
        snap = await loop.run_in_executor(self.worker, self._check, uri, doc.source, doc.version)
        self._keep(uri, snap)
        return snap

    def _keep(self, uri: str, snap: Snapshot) -> None:
        doc = self.workspace.text_documents.get(uri)
        if doc is None or doc.version != snap.version:
            return  # closed, or changed again while it was checked: stale
        self.snapshots[uri] = snap
        if snap.bp is not None:
            self.last_read[uri] = snap.bp

    async def publish(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        snap = await self.snapshot(uri)
        doc = self.workspace.text_documents.get(uri)
        if doc is None or doc.version != snap.version:
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=snap.version, diagnostics=features.diagnostics(snap)
            )
        )
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(self.worker, self._config_report, snap.path)
        if found is not None and self.config_shown.get(found[0]) != found[1]:
            self.config_shown[found[0]] = found[1]
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(*found))

    def _config_report(self, path: str) -> tuple[str, list[types.Diagnostic]] | None:
        """The project configuration that applies to ``path`` and its problems
        (check refuses to run with them; the server shows them in that file)."""
        from blueprint.rules import all_rules

        cfg = config.find_config(os.path.dirname(os.path.abspath(path)) or ".")
        if not cfg.path:
            return None
        problems = config.config_problems(cfg, set(all_rules()))
        return from_fs_path(cfg.path) or cfg.path, features.config_diagnostics(
            cfg.path, problems, self.encoding
        )

    def changed_now(self, uri: str) -> float:
        """The pause before checking a change: none for the first change in a
        while, :data:`DEBOUNCE` while changes keep coming."""
        now = time.monotonic()
        last = self.changed.get(uri)
        self.changed[uri] = now
        typing = last is not None and now - last < DEBOUNCE
        return DEBOUNCE if typing or uri in self.pending else 0

    def schedule(self, uri: str, delay: float) -> None:
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        task = asyncio.ensure_future(self.publish(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(lambda t: self._done(uri, t))

    def _done(self, uri: str, task: asyncio.Task) -> None:
        if self.pending.get(uri) is task:
            del self.pending[uri]
        if not task.cancelled() and task.exception() is not None:
            log.error("diagnostics for %s failed: %r", uri, task.exception())


def pos(ls: BlueprintServer, snap: Snapshot, position: types.Position) -> Pos:
    return snap.buffer.pos(position)


def make_server() -> BlueprintServer:
    server = BlueprintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: BlueprintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: BlueprintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.schedule(uri, ls.changed_now(uri))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: BlueprintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.snapshots.pop(params.text_document.uri, None)  # a saved blueprint.toml may apply
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: BlueprintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.snapshots.pop(uri, None)
        ls.last_read.pop(uri, None)
        ls.changed.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[":", " ", "[", ",", "-"]),
    )
    async def completion(
        ls: BlueprintServer, params: types.CompletionParams
    ) -> types.CompletionList:
        uri = params.text_document.uri
        snap = await ls.snapshot(uri)
        bp = snap.bp or ls.last_read.get(uri)
        items = features.completion(snap, pos(ls, snap, params.position), bp)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: BlueprintServer, params: types.HoverParams) -> types.Hover | None:
        snap = await ls.snapshot(params.text_document.uri)
        return features.hover(snap, pos(ls, snap, params.position))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(
        ls: BlueprintServer, params: types.DefinitionParams
    ) -> list[types.Location]:
        uri = params.text_document.uri
        snap = await ls.snapshot(uri)
        return features.definition(snap, uri, pos(ls, snap, params.position))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(
        ls: BlueprintServer, params: types.ReferenceParams
    ) -> list[types.Location]:
        uri = params.text_document.uri
        snap = await ls.snapshot(uri)
        return features.references(
            snap, uri, pos(ls, snap, params.position), params.context.include_declaration
        )

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(
        ls: BlueprintServer, params: types.PrepareRenameParams
    ) -> types.Range | None:
        snap = await ls.snapshot(params.text_document.uri)
        return features.prepare_rename(snap, pos(ls, snap, params.position))

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    async def rename(ls: BlueprintServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        uri = params.text_document.uri
        snap = await ls.snapshot(uri)
        try:
            return features.rename(snap, uri, pos(ls, snap, params.position), params.new_name)
        except features.RenameError as exc:
            raise JsonRpcInvalidRequest(str(exc)) from None

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(
        ls: BlueprintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        uri = params.text_document.uri
        snap = await ls.snapshot(uri)
        return features.code_actions(snap, uri, params.range, params.context.diagnostics)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(
        ls: BlueprintServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        snap = await ls.snapshot(params.text_document.uri)
        return features.symbols(snap)

    return server


def serve() -> None:
    """Speak the Language Server Protocol on stdin and stdout until the client exits."""
    logging.basicConfig(level=logging.WARNING, format="blueprint lsp: %(message)s")
    make_server().start_io()
