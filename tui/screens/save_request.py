"""Ask a name for the current request, to save it (``tui.core.saved``).

``SaveRequestScreen(default_name="", *, store=None)`` is a ``ModalScreen[str | None]``: it dismisses with a
valid name (checked by :func:`tui.core.saved.check_name`; the screen says when it would replace an existing
saved request) or ``None`` (escape / Cancel). The caller then stores the request::

    def on_name(name: str | None) -> None:
        if name:
            SavedRequests().save(name, provider.id, endpoint.method, endpoint.path, values, headers,
                                 target=target, secrets=prepared.secrets)
    app.push_screen(SaveRequestScreen("list communities"), on_name)

Widget ids: ``#save-name`` (Input), ``#save-error``, ``#save-ok``, ``#save-cancel``.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.core.saved import SavedError, SavedRequests, check_name
from tui.widgets.palette import EntryCommands


class SaveRequestScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    SaveRequestScreen {
        align: center middle;
        background: $background 60%;
    }
    SaveRequestScreen #save-dialog {
        width: 70;
        max-width: 95%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    SaveRequestScreen #save-title {
        text-style: bold;
        color: $text-primary;
        margin-bottom: 1;
    }
    SaveRequestScreen #save-name {
        background: $panel;
    }
    SaveRequestScreen #save-error {
        color: $text-error;
        height: auto;
    }
    SaveRequestScreen #save-hint {
        color: $text-muted;
        height: auto;
    }
    SaveRequestScreen #save-buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    SaveRequestScreen #save-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="save_request.cancel"),
        Binding("ctrl+s", "save", "Save", id="save_request.save"),
    ]

    def __init__(self, default_name: str = "", *, store: SavedRequests | None = None) -> None:
        super().__init__()
        self.default_name = default_name
        self.store = store if store is not None else SavedRequests()

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Static(Content("Save request as"), id="save-title")
            yield Input(value=self.default_name, placeholder="a name, e.g. list communities", id="save-name",
                        compact=True)
            yield Static("", id="save-error")
            yield Static(Content(f"Stored as a plain file in {self.store.dir}"), id="save-hint")
            with Horizontal(id="save-buttons"):
                yield Button("Save", id="save-ok", variant="primary", compact=True)
                yield Button("Cancel", id="save-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save-name", Input).focus()
        self._check(self.default_name, quiet=True)

    def _check(self, text: str, *, quiet: bool = False) -> str | None:
        error = self.query_one("#save-error", Static)
        try:
            name = check_name(text)
        except SavedError as exc:
            error.update("" if quiet else Content(str(exc)))
            return None
        if self.store.exists(name):
            error.update(Content(f"{name!r} exists; saving replaces it"))
        else:
            error.update("")
        return name

    @on(Input.Changed, "#save-name")
    def _changed(self, event: Input.Changed) -> None:
        self._check(event.value, quiet=not event.value.strip())

    @on(Input.Submitted, "#save-name")
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save-ok")
    def _ok(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        name = self._check(self.query_one("#save-name", Input).value)
        if name is not None:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------------------------------
# Command palette: recall a saved request


def value_text(value) -> str:
    """A stored value as text for the parameter form (JSON for lists, objects, numbers and booleans)."""
    import json

    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


async def open_saved(app, request) -> None:
    """Open a saved request (or a history entry: same provider / endpoint_key / values shape) in the app.

    Uses ``app.open_request(provider_id, endpoint_key, values, target=...)`` when the app has it;
    otherwise jumps to the endpoint (``app.jump_to``) and fills the form field by field.
    """
    provider_id = getattr(request, "provider", None) or getattr(request, "provider_id", "")
    values = dict(getattr(request, "values", {}) or {})
    target = getattr(request, "target", None)
    opener = getattr(app, "open_request", None)
    if opener is not None:
        result = opener(provider_id, request.endpoint_key, values, target=target)
        if hasattr(result, "__await__"):
            await result
        return
    panel = await app.jump_to(provider_id, request.endpoint_key)
    form = None
    try:
        from tui.widgets.param_form import ParamForm

        form = panel.query_one(ParamForm)
    except Exception:  # noqa: BLE001 - no form: the endpoint is shown, nothing to fill
        return
    for name, value in values.items():
        form.set_raw(name, value_text(value))


class SavedRequestCommands(EntryCommands):
    """Palette entries "Saved: <name>  (provider METHOD path)" that reopen a saved request.

    Add to the app: ``COMMANDS = App.COMMANDS | {EndpointCommands, SavedRequestCommands}``.
    """

    def _entries(self):
        from functools import partial

        store = SavedRequests()
        known = {p.id for p in getattr(self.app, "providers", []) or []}
        for req in store.list():
            if known and req.provider not in known:
                continue
            help_text = f"{req.provider} {req.method} {req.path}" + (f" · {req.description}" if req.description else "")
            yield f"Saved: {req.name}", partial(open_saved, self.app, req), help_text
