"""The credentials dialog: fields from the pack, masked secrets, sandbox accounts, live URL, save/cancel."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Button, Input

from tui.core.model import AuthPlacement, AuthSpec, CredentialField, Provider, SandboxAccount
from tui.core.packs import load_providers
from tui.screens.credentials import CredentialsScreen

_NO_RESULT = object()


@pytest.fixture(scope="module")
def providers():
    loaded, warnings = load_providers()
    assert not warnings
    return {p.id: p for p in loaded}


class Host(App):
    def __init__(self, screen: CredentialsScreen):
        super().__init__()
        self.dialog = screen
        self.result = _NO_RESULT

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self._done)

    def _done(self, value) -> None:
        self.result = value


def _inp(app, name) -> Input:
    return app.screen.query_one(f"#cred-{name}", Input)


async def test_sandbox_prefills_demo_values_masks_secrets_and_saves(providers):
    app = Host(CredentialsScreen(providers["trackingram"], {}, "sandbox"))
    async with app.run_test(size=(120, 40)) as pilot:
        assert _inp(app, "email").value == "demo@trackingram.example"
        token = _inp(app, "token")
        assert token.value == "sandbox-trackingram-token" and token.password is True
        assert _inp(app, "email").password is False
        assert not app.screen.query("#cred-url")  # no URL override in the sandbox
        await pilot.click("#save")
        await pilot.pause()
    assert app.result == {"email": "demo@trackingram.example", "token": "sandbox-trackingram-token"}


async def test_secret_never_appears_in_a_screenshot_until_revealed(providers):
    app = Host(CredentialsScreen(providers["gocache"], {"token": "s3cr3t-value-xyz"}, "sandbox"))
    async with app.run_test(size=(120, 40)) as pilot:
        assert "s3cr3t-value-xyz" not in app.export_screenshot()
        await pilot.click("#reveal-token")
        await pilot.pause()
        assert _inp(app, "token").password is False
        assert app.screen.query_one("#reveal-token", Button).label.plain == "Hide"
        assert "s3cr3t-value-xyz" in app.export_screenshot()


async def test_sandbox_account_buttons_fill_the_fields(providers):
    trackingram = providers["trackingram"]
    app = Host(CredentialsScreen(trackingram, {}, "sandbox"))
    async with app.run_test(size=(120, 40)) as pilot:
        labels = [str(b.label) for b in app.screen.query("#accounts Button")]
        assert labels[0] == "Demo account"
        assert "Wrong token (AUTHENTICATION INCORRECT)" in labels
        assert "API not enabled (API NOT ENABLE)" in labels
        wrong = next(i for i, a in enumerate(trackingram.auth.sandbox_accounts) if a.note == "AUTHENTICATION INCORRECT")
        await pilot.click(f"#account-{wrong}")
        await pilot.pause()
        assert _inp(app, "token").value == "wrong-trackingram-token"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == dict(trackingram.auth.sandbox_accounts[wrong].values)


async def test_account_replaces_every_field(providers):
    noosfero = providers["noosfero"]
    invalid = next(i for i, a in enumerate(noosfero.auth.sandbox_accounts) if "token" in a.values)
    app = Host(CredentialsScreen(noosfero, {}, "sandbox"))
    async with app.run_test(size=(120, 40)) as pilot:
        assert _inp(app, "login").value == "ana"
        await pilot.click(f"#account-{invalid}")
        await pilot.click("#save")
        await pilot.pause()
    assert app.result == {"token": noosfero.auth.sandbox_accounts[invalid].values["token"]}


async def test_noosfero_explains_login_flow_and_wants_both_login_and_password(providers):
    app = Host(CredentialsScreen(providers["noosfero"], {}, "sandbox"))
    async with app.run_test(size=(120, 40)) as pilot:
        note = str(app.screen.query_one("#login-note").render())
        assert "login flow" in note and "POST /login" in note
        _inp(app, "password").value = ""
        await pilot.click("#save")
        await pilot.pause()
        assert app.result is _NO_RESULT  # refused
        error = str(app.screen.query_one("#cred-error").render())
        assert "Password: needed" in error
        assert _inp(app, "password").has_class("-invalid")
        _inp(app, "password").value = "sandbox"
        await pilot.press("ctrl+s")  # (a second click within 0.2 s would hit the button's active effect)
        await pilot.pause()
    assert app.result == {"login": "ana", "password": "sandbox"}


async def test_live_target_shows_current_values_and_a_checked_url(providers):
    current = {"token": "live-token-1", "url": "https://example.org/api/v1"}
    app = Host(CredentialsScreen(providers["noosfero"], current, "live"))
    async with app.run_test(size=(120, 40)) as pilot:
        url = _inp(app, "url")
        assert url.value == "https://example.org/api/v1"
        assert "softwarepublico" in url.placeholder  # the default live URL
        helps = " ".join(str(w.render()) for w in app.screen.query(".cred-help"))
        assert "{instance}: Host (and path) of the Noosfero installation" in helps
        assert _inp(app, "login").value == ""  # no demo values outside the sandbox
        assert not app.screen.query("#accounts")
        url.value = "example.org"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is _NO_RESULT
        assert "Base URL: 'example.org' is not a URL" in str(app.screen.query_one("#cred-error").render())
        url.value = "https://noosfero.example.net/api/v1/"
        _inp(app, "token").focus()
        await pilot.press("enter")  # enter in a field saves
        await pilot.pause()
    assert app.result == {"token": "live-token-1", "url": "https://noosfero.example.net/api/v1/"}


async def test_escape_cancels(providers):
    app = Host(CredentialsScreen(providers["gocache"], {}, "sandbox"))
    async with app.run_test(size=(120, 40)) as pilot:
        _inp(app, "token").value = "changed"
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_basic_auth_pair_must_be_complete():
    provider = Provider(
        id="demo", name="Demo",
        auth=AuthSpec(
            credentials=(CredentialField("user", "User"), CredentialField("key", "Key", secret=True)),
            placements=(AuthPlacement("basic", field="user", password_field="key"),),
            sandbox_accounts=(SandboxAccount("Half", {"user": "u"}, ""),),
        ),
    )
    app = Host(CredentialsScreen(provider, {}, "sandbox"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#account-0")
        await pilot.click("#save")
        await pilot.pause()
        assert app.result is _NO_RESULT
        assert "Key: needed together with User" in str(app.screen.query_one("#cred-error").render())
