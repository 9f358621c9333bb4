"""Issue 6's done-when in the TUI: a third-party OpenAPI file, added with `apiplay add-provider`,
becomes a panel of its own that talks to its live URL with the user's stored credentials."""

from __future__ import annotations

import json

import yaml

from test_journeys import body_lines, ready, send_and_wait, status, wait_for
from tui.app import PlaygroundApp
from tui.cli import main


def _spec(base_url: str) -> dict:
    # A plain OpenAPI 3.0 document with $refs and no x-apiplay at all: a fleet API that happens to
    # live at the sandbox's Trackingram base URL.
    return {
        "openapi": "3.0.3",
        "info": {"title": "Fleet Viewer", "version": "1.0"},
        "servers": [{"url": base_url}],
        "components": {
            "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}},
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
        },
        "security": [{"basic": []}],
        "paths": {
            "/trackerGps": {
                "get": {
                    "summary": "List trackers",
                    "tags": ["trackers"],
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "responses": {"200": {"description": "the trackers"}},
                }
            }
        },
    }


async def test_an_added_openapi_file_gets_a_panel_that_talks_live(sandbox_url, tmp_path, capsys):
    spec = tmp_path / "fleet.yaml"
    spec.write_text(yaml.safe_dump(_spec(f"{sandbox_url}/trackingram/apiPublic/v1_0")))
    assert main(["add-provider", str(spec), "--name", "fleet"]) == 0, capsys.readouterr().err
    from tui.core.credentials import CredentialStore  # what the credentials dialog stores

    CredentialStore().set("fleet", {"username": "demo@trackingram.example",
                                    "password": "sandbox-trackingram-token"})

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        assert "fleet" in [p.id for p in app.providers]
        panel = await app.jump_to("fleet", "GET /trackerGps")
        await wait_for(pilot, lambda: panel.endpoint is not None and panel.endpoint.key == "GET /trackerGps")
        assert panel.target == "live"  # a custom provider has no simulator
        assert panel.base_url == f"{sandbox_url}/trackingram/apiPublic/v1_0"
        panel.switch_target("sandbox")  # refused, with a message
        assert panel.target == "live"
        panel.query_one("#param-form").set_raw("limit", "3")
        await pilot.pause()
        await send_and_wait(pilot, panel)
        assert status(panel).startswith("200"), status(panel)
        body = json.loads("\n".join(body_lines(panel)))
        assert len(body["data"]) == 3


async def test_credentials_dialog_shows_the_live_url_override_again(sandbox_url):
    from textual.widgets import Input

    from tui.screens.credentials import CredentialsScreen

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await ready(app, pilot, "noosfero")
        panel.switch_target("live")
        panel.set_credentials({"url": "https://rede.example.org/api/v1", "token": "t" * 32})
        await pilot.pause()
        assert panel.base_url == "https://rede.example.org/api/v1"
        panel.edit_credentials()
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialsScreen))
        await pilot.pause()
        assert app.screen.query_one("#cred-url", Input).value == "https://rede.example.org/api/v1"
