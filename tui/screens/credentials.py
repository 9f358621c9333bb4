"""The credentials dialog: one field per credential of a provider, secrets masked.

``CredentialsScreen(provider, current, target)`` is a ``ModalScreen[dict | None]``. It dismisses with
the new credential values (field name -> text, only the fields that are filled; for a live target the
base URL override under ``"url"``), or ``None`` when cancelled (escape or Cancel)::

    def on_done(values: dict | None) -> None: ...
    app.push_screen(CredentialsScreen(provider, {"token": "..."}, "sandbox"), on_done)

In the sandbox, when ``current`` holds nothing, the pack's demo values are filled in, and a button per
``provider.auth.sandbox_accounts`` (plus "Demo account") fills the fields with that account's values.
For a provider with a login flow (Noosfero) a note says that login + password run the flow and the token
it returns is kept.

Widget ids: ``#cred-<field>`` inputs (``#cred-url`` for the live base URL), ``#reveal-<field>`` toggles,
``#account-demo`` / ``#account-<n>`` sandbox buttons, ``#save``, ``#cancel``, ``#cred-error``.
"""

from __future__ import annotations

import re
from typing import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.model import Provider, SandboxAccount

URL_KEY = "url"


def field_id(name: str) -> str:
    """The widget id suffix for a credential field name."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def account_label(account: SandboxAccount) -> str:
    """ "Read-only token (every write answers 403)"; the note is left out when it repeats the label."""
    note = account.note.strip()
    if not note or note.lower() == account.label.lower():
        return account.label
    return f"{account.label} ({note})"


class CredentialsScreen(ModalScreen[dict | None]):
    """Edit one provider's credentials (and, live, its base URL)."""

    DEFAULT_CSS = """
    CredentialsScreen {
        align: center middle;
        background: $background 60%;
    }
    CredentialsScreen #credentials-dialog {
        width: 100;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CredentialsScreen #credentials-title {
        text-style: bold;
        color: $text-primary;
        width: 1fr;
        margin-bottom: 1;
    }
    CredentialsScreen #credentials-body {
        height: auto;
        max-height: 30;
    }
    CredentialsScreen .cred-label {
        width: 18;
        text-style: bold;
    }
    CredentialsScreen .cred-help, CredentialsScreen #credentials-description {
        color: $text-muted;
    }
    CredentialsScreen .cred-help {
        padding-left: 18;
    }
    CredentialsScreen .cred-note {
        color: $text-accent;
        margin-top: 1;
    }
    CredentialsScreen .cred-row {
        height: auto;
        margin-top: 1;
    }
    CredentialsScreen .cred-row Input {
        width: 1fr;
        background: $panel;
    }
    CredentialsScreen .cred-row Input:focus {
        background: $boost;
    }
    CredentialsScreen .reveal, CredentialsScreen #accounts Button {
        background: $panel;
    }
    CredentialsScreen .reveal {
        min-width: 8;
        width: 8;
        margin-left: 1;
    }
    CredentialsScreen #accounts {
        height: auto;
        layout: grid;
        grid-size: 2;
        grid-rows: 1;
        grid-gutter: 1 2;
        margin-top: 1;
    }
    CredentialsScreen #accounts Button {
        width: 100%;
        content-align: left middle;
        padding: 0 1;
    }
    CredentialsScreen #cred-error {
        color: $text-error;
        height: auto;
    }
    CredentialsScreen #cred-buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    CredentialsScreen #cred-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="credentials.cancel"),
        Binding("ctrl+s", "save", "Save", id="credentials.save"),
    ]

    def __init__(self, provider: Provider, current: Mapping[str, str] | None, target: str = "sandbox") -> None:
        super().__init__()
        self.provider = provider
        self.target = target
        self.current = {k: str(v) for k, v in (current or {}).items() if v is not None}
        self.sandbox = target != "live"
        field_names = {f.name for f in provider.auth.credentials}
        has_values = any(self.current.get(n) for n in field_names)
        if self.sandbox and not has_values:
            self.initial = {**self.current, **dict(provider.auth.sandbox_default)}
        else:
            self.initial = dict(self.current)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        provider = self.provider
        where = "sandbox" if self.sandbox else "live"
        with Vertical(id="credentials-dialog"):
            yield Static(Content(f"{provider.name} credentials · {where}"), id="credentials-title")
            with VerticalScroll(id="credentials-body"):
                if provider.auth.description:
                    yield Static(Content(provider.auth.description), id="credentials-description")
                if not self.sandbox:
                    with Horizontal(classes="cred-row"):
                        yield Label("Base URL", classes="cred-label")
                        yield Input(
                            value=self.initial.get(URL_KEY, ""),
                            placeholder=provider.base_url("live") or "https://…",
                            id=f"cred-{URL_KEY}",
                            compact=True,
                        )
                    yield Static(Content(self._url_help()), classes="cred-help")
                login_note = self._login_note()
                if login_note:
                    yield Static(Content(login_note), classes="cred-note", id="login-note")
                for cred in provider.auth.credentials:
                    fid = field_id(cred.name)
                    with Horizontal(classes="cred-row"):
                        yield Label(Content(cred.label or cred.name), classes="cred-label")
                        yield Input(
                            value=self.initial.get(cred.name, ""),
                            placeholder=cred.name,
                            password=cred.secret,
                            id=f"cred-{fid}",
                            compact=True,
                        )
                        if cred.secret:
                            yield Button("Show", id=f"reveal-{fid}", classes="reveal", compact=True)
                    help_text = cred.description
                    if cred.env:
                        help_text = f"{help_text} Environment: {cred.env}.".strip()
                    if help_text:
                        yield Static(Content(help_text), classes="cred-help")
                if self.sandbox and (provider.auth.sandbox_default or provider.auth.sandbox_accounts):
                    yield Static(
                        Content("Sandbox accounts: each fills the fields above; some trigger a documented error."),
                        classes="cred-note",
                    )
                    with Vertical(id="accounts"):
                        if provider.auth.sandbox_default:
                            yield Button("Demo account", id="account-demo", compact=True)
                        for n, account in enumerate(provider.auth.sandbox_accounts):
                            yield Button(Content(account_label(account)), id=f"account-{n}", compact=True)
            yield Static("", id="cred-error")
            with Horizontal(id="cred-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def _url_help(self) -> str:
        """What the base URL field is for, naming the live URL's template variables if any."""
        text = "Leave empty to use the default shown."
        for name, variable in self.provider.targets.variables.items():
            what = variable.description or name
            text += f" {{{name}}}: {what} (default {variable.default or 'empty'})."
        return text

    def _login_note(self) -> str:
        login = self.provider.auth.login
        if login is None:
            return ""
        labels = {c.name: c.label or c.name for c in self.provider.auth.credentials}
        inputs = " and ".join(labels.get(f, f) for f in login.fields.values())
        stored = labels.get(login.stores, login.stores)
        return (
            f"Fill {inputs} and apiplay runs the login flow ({login.method} {login.path}) and keeps the "
            f"{stored} it returns; or paste a {stored} you already have."
        )

    def on_mount(self) -> None:
        first = self.query(Input).first(None)
        if first is not None:
            first.focus()

    # ------------------------------------------------------------------ behaviour

    def _input(self, name: str) -> Input:
        return self.query_one(f"#cred-{field_id(name)}", Input)

    @on(Button.Pressed, ".reveal")
    def _toggle_reveal(self, event: Button.Pressed) -> None:
        event.stop()
        name = (event.button.id or "").removeprefix("reveal-")
        field = self.query_one(f"#cred-{name}", Input)
        field.password = not field.password
        event.button.label = "Show" if field.password else "Hide"

    @on(Button.Pressed, "#accounts Button")
    def _fill_account(self, event: Button.Pressed) -> None:
        event.stop()
        bid = event.button.id or ""
        if bid == "account-demo":
            values = dict(self.provider.auth.sandbox_default)
        else:
            values = dict(self.provider.auth.sandbox_accounts[int(bid.removeprefix("account-"))].values)
        self.fill(values)

    def fill(self, values: Mapping[str, str]) -> None:
        """Replace every credential field with `values` (missing fields are cleared)."""
        for cred in self.provider.auth.credentials:
            self._input(cred.name).value = str(values.get(cred.name, ""))
        self.query_one("#cred-error", Static).update("")

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def values(self) -> dict[str, str]:
        """What the fields hold now: filled fields only ("url" too for a live target)."""
        out: dict[str, str] = {}
        for cred in self.provider.auth.credentials:
            raw = self._input(cred.name).value
            value = raw if cred.name == "password" else raw.strip()
            if value:
                out[cred.name] = value
        if not self.sandbox:
            url = self._input(URL_KEY).value.strip()
            if url:
                out[URL_KEY] = url
        return out

    def problems(self, values: Mapping[str, str]) -> list[tuple[str, str]]:
        """(field, message) for values that cannot work; empty when they can be saved."""
        out: list[tuple[str, str]] = []
        url = values.get(URL_KEY)
        if url is not None and not re.match(r"^https?://[^\s/]+", url):
            out.append((URL_KEY, f"Base URL: {url!r} is not a URL (expected https://host/path)"))
        labels = {c.name: c.label or c.name for c in self.provider.auth.credentials}
        login = self.provider.auth.login
        if login is not None:
            needed = list(login.fields.values())
            filled = [f for f in needed if values.get(f)]
            if filled and len(filled) != len(needed):
                for name in needed:
                    if not values.get(name):
                        out.append((name, f"{labels.get(name, name)}: needed with "
                                          f"{', '.join(labels.get(f, f) for f in filled)} to log in"))
        for placement in self.provider.auth.placements:
            if placement.location == "basic" and placement.password_field:
                pair = (placement.field, placement.password_field)
                if bool(values.get(pair[0])) != bool(values.get(pair[1])):
                    missing = pair[1] if values.get(pair[0]) else pair[0]
                    other = pair[0] if missing == pair[1] else pair[1]
                    out.append((missing, f"{labels.get(missing, missing)}: needed together with "
                                         f"{labels.get(other, other)}"))
        return out

    def action_save(self) -> None:
        values = self.values()
        problems = self.problems(values)
        for inp in self.query(Input):
            inp.remove_class("-invalid")
        if problems:
            for name, _ in problems:
                self._input(name).add_class("-invalid")
            self.query_one("#cred-error", Static).update(Content("\n".join(m for _, m in problems)))
            self._input(problems[0][0]).focus()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
