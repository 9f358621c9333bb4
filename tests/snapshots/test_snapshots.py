"""SVG snapshots of the main screens, in two themes (apiplay, light).

Each provider's playground appears with a typical answer: GoCache with an explained 409, Noosfero with
page 2 of its communities as highlighted JSON, Trackingram with a page of trackers and the server's
counters on the meter; then the endpoint filter, the credentials dialog and the help screen. The scenes
are the ones `apiplay screenshot` uses (tui/commands/screenshot.py).

After a deliberate UI change: ``pytest tests/snapshots --snapshot-update``, look at the SVGs (the
report, or any SVG viewer), then commit them.
"""

from __future__ import annotations

import pytest

from tui.commands import screenshot as scenes

THEMES = ("apiplay", "light")
SIZE = scenes.SIZE  # 140x42


def _app(theme: str, origin: str):
    from tui.app import PlaygroundApp

    return PlaygroundApp(theme=theme, sandbox_url=origin)


@pytest.mark.parametrize("theme", THEMES)
def test_gocache_explained_error(snap_compare, snapshot_sandbox, theme):
    assert snap_compare(_app(theme, snapshot_sandbox), terminal_size=SIZE, run_before=scenes.scene_gocache_409)


@pytest.mark.parametrize("theme", THEMES)
def test_noosfero_highlighted_json_page_two(snap_compare, snapshot_sandbox, theme):
    assert snap_compare(_app(theme, snapshot_sandbox), terminal_size=SIZE, run_before=scenes.scene_noosfero_page2)


def test_trackingram_trackers_and_server_counters(snap_compare, snapshot_sandbox):
    assert snap_compare(_app("apiplay", snapshot_sandbox), terminal_size=SIZE,
                        run_before=scenes.scene_trackingram_trackers)


@pytest.mark.parametrize("theme", THEMES)
def test_endpoint_filter(snap_compare, snapshot_sandbox, theme):
    assert snap_compare(_app(theme, snapshot_sandbox), terminal_size=SIZE, run_before=scenes.scene_endpoint_filter)


@pytest.mark.parametrize("theme", THEMES)
def test_credentials_dialog(snap_compare, snapshot_sandbox, theme):
    assert snap_compare(_app(theme, snapshot_sandbox), terminal_size=SIZE, run_before=scenes.scene_credentials)


@pytest.mark.parametrize("theme", THEMES)
def test_help_screen(snap_compare, snapshot_sandbox, theme):
    assert snap_compare(_app(theme, snapshot_sandbox), terminal_size=SIZE, run_before=scenes.scene_help)
