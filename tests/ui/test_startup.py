"""Start-up: the first frame is the ready screen, and what it does not show is mounted after it.

The first provider's panel is composed with the screen (no loading screen replaced later); the
response view's hidden tabs, the filter box and the truncated-body bar are mounted just after the
first paint, and an answer shown before that still lands in them; the endpoint list keeps its
rendered options over a resize that leaves its width alone.
"""

from __future__ import annotations

from textual.widgets import TabbedContent

from tui.app import PlaygroundApp
from tui.widgets.endpoint_list import EndpointOptions

sandbox_url = "http://127.0.0.1:9"  # nothing is sent in these tests


async def test_the_first_frame_shows_the_first_panel_built_and_focused():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    seen = []
    display = app._display

    def first_frame(screen, update) -> None:
        display(screen, update)
        if update is not None and not seen:
            panel = app.active_panel
            seen.append((panel is not None and panel.built, bool(panel and panel.query("#endpoint-options")),
                         getattr(app.focused, "id", None)))

    app._display = first_frame
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert seen and seen[0] == (True, True, "endpoint-filter")
        assert [p.id for p in app.providers] == ["gocache", "noosfero", "trackingram"]
        assert app.query_one("#providers", TabbedContent).active == "tab-gocache"
        assert not app.query("#app-loading")
        assert app.sub_title == f"{app.providers[0].name} · sandbox"
        # the other panels are built when first shown
        assert not app.panel("noosfero").built
        panel = await app.show_provider("noosfero")
        assert panel.built and panel.query("#endpoint-options")


async def test_the_endpoint_list_keeps_its_rendered_options_over_a_same_width_resize():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        options = app.active_panel.query_one("#endpoint-options", EndpointOptions)
        cache = options._option_render_cache
        rendered = {key: cache.get(key) for key in list(cache.keys())}
        assert rendered
        width = options.scrollable_content_region.width
        await pilot.resize_terminal(160, 40)  # shorter: the list keeps its width
        await pilot.pause()
        await pilot.pause()
        assert options.scrollable_content_region.width == width
        kept = [key for key, strips in rendered.items() if options._option_render_cache.get(key) is strips]
        assert kept, "a resize that left the width alone made the list render every option again"
        # a real width change still drops them (they were made for another width)
        options.styles.width = 60
        await pilot.pause()
        await pilot.pause()
        assert options.scrollable_content_region.width != width
        assert not [key for key, strips in rendered.items() if options._option_render_cache.get(key) is strips]
        assert options._render_widths <= {options.scrollable_content_region.width}
