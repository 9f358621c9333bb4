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

SCREENS = {
    "gocache_explained_error": scenes.scene_gocache_409,
    "noosfero_json_page_two": scenes.scene_noosfero_page2,
    "trackingram_trackers": scenes.scene_trackingram_trackers,
    "endpoint_filter": scenes.scene_endpoint_filter,
    "credentials_dialog": scenes.scene_credentials,
    "help_screen": scenes.scene_help,
}
#: Every screen in apiplay's own theme and in the light one (Trackingram's list only in the first).
CASES = [(name, theme) for name in SCREENS for theme in ("apiplay", "light")
         if not (name == "trackingram_trackers" and theme == "light")]


@pytest.mark.parametrize(("screen", "theme"), CASES, ids=[f"{n}-{t}" for n, t in CASES])
def test_screen(snap_compare, snapshot_sandbox, screen, theme):
    from tui.app import PlaygroundApp

    app = PlaygroundApp(theme=theme, sandbox_url=snapshot_sandbox)
    assert snap_compare(app, terminal_size=scenes.SIZE, run_before=SCREENS[screen])
