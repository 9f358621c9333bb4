"""One line naming what a provider panel talks to: sandbox or live, the base URL, the credentials."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static


class TargetBar(Horizontal):
    DEFAULT_CSS = """
    TargetBar { height: 1; width: 1fr; }
    TargetBar > #target-text { width: 1fr; height: 1; }
    TargetBar > Button { margin: 0 0 0 1; min-width: 10; }
    """

    class SwitchRequested(Message):
        pass

    class CredentialsRequested(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Static("", id="target-text")
        yield Button("Credentials (ctrl+l)", id="credentials-button", compact=True)
        yield Button("Switch target (ctrl+t)", id="target-button", compact=True)

    def show(self, target: str, base_url: str, auth_text: str) -> None:
        badge_style = "bold $background on $success" if target == "sandbox" else "bold $background on $warning"
        text = Content.assemble(
            (f" {target.upper()} ", badge_style),
            " ",
            (base_url or "(no base URL)", "bold"),
            ("  · auth: ", "$text-muted"),
            (auth_text, ""),
        )
        self.query_one("#target-text", Static).update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "target-button":
            self.post_message(self.SwitchRequested())
        elif event.button.id == "credentials-button":
            self.post_message(self.CredentialsRequested())
