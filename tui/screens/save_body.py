"""Ask where to save a response body.

``SaveBodyScreen(default_path, *, title=..., note=...)`` is a ``ModalScreen[tuple[str, bool] | None]``: it
dismisses with ``(path, overwrite)`` or ``None`` (escape / Cancel). It never writes: the caller does
(:func:`tui.core.export.save_body`, atomically, in a thread). The path is checked as typed: a folder that
does not exist or a directory is refused; an existing file is replaced only after the user confirms
(enter again, or the "Overwrite" button), and then ``overwrite`` is True.

Widget ids: ``#save-body-path`` (Input), ``#save-body-error``, ``#save-body-ok``, ``#save-body-cancel``.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


def resolve_path(text: str) -> Path:
    """The path typed, ``~`` expanded, relative to the current directory."""
    p = Path(text.strip()).expanduser()
    return p if p.is_absolute() else Path.cwd() / p


class SaveBodyScreen(ModalScreen[tuple[str, bool] | None]):
    DEFAULT_CSS = """
    SaveBodyScreen {
        align: center middle;
        background: $background 60%;
    }
    SaveBodyScreen #save-body-dialog {
        width: 90;
        max-width: 95%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    SaveBodyScreen #save-body-title {
        text-style: bold;
        color: $text-primary;
        margin-bottom: 1;
    }
    SaveBodyScreen #save-body-path {
        background: $panel;
    }
    SaveBodyScreen #save-body-error {
        color: $text-error;
        height: auto;
    }
    SaveBodyScreen #save-body-note {
        color: $text-muted;
        height: auto;
    }
    SaveBodyScreen #save-body-buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    SaveBodyScreen #save-body-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="save_body.cancel"),
        Binding("ctrl+s", "save", "Save", id="save_body.save"),
    ]

    def __init__(self, default_path: str, *, title: str = "Save the body to a file", note: str = "") -> None:
        super().__init__()
        self.default_path = default_path
        self.title_text = title
        self.note = note
        self._confirmed: Path | None = None  # the existing file the user agreed to replace

    def compose(self) -> ComposeResult:
        with Vertical(id="save-body-dialog"):
            yield Static(Content(self.title_text), id="save-body-title")
            yield Input(value=self.default_path, placeholder="a file path", id="save-body-path", compact=True)
            yield Static("", id="save-body-error")
            yield Static(Content(self.note or "Written atomically; an existing file is replaced only if you confirm."),
                         id="save-body-note")
            with Horizontal(id="save-body-buttons"):
                yield Button("Save", id="save-body-ok", variant="primary", compact=True)
                yield Button("Cancel", id="save-body-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save-body-path", Input).focus()
        self._check(self.default_path)

    def _error(self, text: str) -> None:
        self.query_one("#save-body-error", Static).update(Content(text))

    def _check(self, text: str) -> tuple[Path | None, bool]:
        """(path, exists) when the path can be written, else (None, False) with the reason shown."""
        ok = self.query_one("#save-body-ok", Button)
        ok.label = "Save"
        if not text.strip():
            self._error("Type a file name.")
            return None, False
        try:
            path = resolve_path(text)
            if path.is_dir():
                self._error(f"{path} is a folder: add a file name.")
                return None, False
            if not path.parent.is_dir():
                self._error(f"The folder {path.parent} does not exist.")
                return None, False
            exists = path.exists()
        except (OSError, RuntimeError, ValueError) as exc:
            self._error(f"Not a usable path: {exc}")
            return None, False
        if exists:
            self._error(f"{path} already exists." + (" Save again to replace it." if self._confirmed == path else
                                                     " Saving asks you to confirm replacing it."))
            if self._confirmed == path:
                ok.label = "Overwrite"
        else:
            self._error("")
        return path, exists

    @on(Input.Changed, "#save-body-path")
    def _changed(self, event: Input.Changed) -> None:
        self._confirmed = None
        self._check(event.value)

    @on(Input.Submitted, "#save-body-path")
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save-body-ok")
    def _ok(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save-body-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        text = self.query_one("#save-body-path", Input).value
        path, exists = self._check(text)
        if path is None:
            return
        if exists and self._confirmed != path:
            self._confirmed = path  # the next save replaces it
            self._check(text)
            return
        self.dismiss((str(path), exists))

    def action_cancel(self) -> None:
        self.dismiss(None)
