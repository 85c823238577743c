"""``blueprint lsp``: the checks, ids and analysis inside any editor.

A language server over stdin/stdout (pygls): diagnostics for every problem
``check`` finds, completion, hover, definition, references, rename, quick
fixes and the outline. The parts:

* :mod:`blueprint.lsp.text`: the buffer's lines, positions in the client's units,
  token spans and the keys around the cursor;
* :mod:`blueprint.lsp.index`: one checked version of a buffer and where each id is written;
* :mod:`blueprint.lsp.features`: the answers, pure functions of a snapshot;
* :mod:`blueprint.lsp.server`: the protocol wiring, debounced checks on a worker thread.

docs/editors.md shows how to attach it in VS Code, Neovim, Helix and Emacs.
"""
