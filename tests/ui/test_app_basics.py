"""The playground's shell: start-up, tabs, endpoint filter, form validation, target switch.

These need no answers from a server (nothing is sent), so they use an origin where nothing listens.
"""

from __future__ import annotations

from textual.widgets import Input, OptionList

from tui.app import PlaygroundApp
from tui.widgets.endpoint_list import EndpointList
from tui.widgets.param_form import ParamForm, ParamRow
from tui.widgets.tabs import Tabbed
from test_journeys import choose, ready  # the shared Pilot helpers

sandbox_url = "http://127.0.0.1:9"  # nothing is sent in these tests


async def test_starts_with_a_tab_per_provider():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await ready(app, pilot)
        tabs = app.query_one("#providers", Tabbed)
        ids = [p.id for p in tabs.panes]
        assert {"tab-gocache", "tab-noosfero", "tab-trackingram"} <= set(ids)
        # only the visible panel mounted its heavy parts
        built = [p for p in app.query("ProviderPanel") if p.built]
        assert built == [panel]
        # the target and base URL are on screen
        text = str(panel.query_one("#target-text").render())
        assert "SANDBOX" in text and sandbox_url in text


async def test_filter_finds_one_of_noosferos_125_in_a_few_keys():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await ready(app, pilot, "noosfero")
        elist = panel.query_one(EndpointList)
        assert len(elist.shown) == len(panel.provider.endpoints) >= 100
        panel.focus_filter()
        await pilot.press(*"get comm memb")
        await pilot.pause()
        shown = [e.key for e in elist.shown]
        assert shown and all(k.startswith("GET ") and "communit" in k.lower() or "member" in k.lower() for k in shown)
        assert len(shown) < 10
        await pilot.press("enter")
        await pilot.pause()
        assert panel.endpoint is not None and panel.endpoint.key == shown[0]
        # the form follows: one row per parameter
        assert len(panel.query(ParamRow)) == len(panel.endpoint.params)


async def test_filter_matches_words_in_summaries():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await ready(app, pilot, "gocache")
        panel.focus_filter()
        await pilot.press(*"purge")
        await pilot.pause()
        keys = [e.key for e in panel.query_one(EndpointList).shown]
        assert keys and all("purge" in (e.path + e.summary).lower() for e in panel.query_one(EndpointList).shown)
        assert len(keys) < len(panel.provider.endpoints)
        # a filter matching nothing leaves an empty list, not an error
        panel.query_one("#endpoint-filter", Input).value = "zzzz-nothing"
        await pilot.pause()
        assert panel.query_one("#endpoint-options", OptionList).option_count == 0


async def test_bad_value_is_marked_and_sending_refused():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await choose(app, pilot, "noosfero", "GET /communities")
        form = panel.query_one(ParamForm)
        assert form.set_raw("per_page", "twenty")
        await pilot.pause()
        row = next(r for r in form.rows if r.param.name == "per_page")
        assert row.has_class("-invalid")
        await pilot.pause()
        assert "whole number" in str(row.query_one(".param-error").render())
        # the preview says why it cannot go
        assert "per_page" in str(panel.query_one("#request-preview").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not panel.in_flight
        assert "Not sent" in panel.query_one("#response").status_text
        # fixing it clears the mark and the preview shows the query
        form.set_raw("per_page", "5")
        await pilot.pause()
        assert not row.has_class("-invalid")
        assert "per_page=5" in str(panel.query_one("#request-preview").render())


async def test_missing_required_path_value_refused():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await choose(app, pilot, "noosfero", "GET /communities/{id}")
        assert panel.send() is False
        await pilot.pause()
        await pilot.pause()
        row = next(r for r in panel.query(ParamRow) if r.param.name == "id")
        assert row.has_class("-invalid") and "required" in str(row.query_one(".param-error").render())


async def test_target_switch_changes_base_url():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await ready(app, pilot, "trackingram")
        assert panel.target == "sandbox"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert panel.target == "live"
        text = str(panel.query_one("#target-text").render())
        assert "LIVE" in text and "127.0.0.1" not in text and "https://" in text
        # nothing is configured for live: sending is refused, naming the variables
        await choose(app, pilot, "trackingram", "GET /trackerGps")
        assert panel.send() is False
        assert "APIPLAY_TRACKINGRAM" in panel.query_one("#response").status_text
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert panel.target == "sandbox" and sandbox_url in str(panel.query_one("#target-text").render())


async def test_docs_pane_toggles():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await ready(app, pilot, "gocache")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert panel.query_one("#panel-switcher").current == "docs"
        md = panel.query_one("#docs-markdown")
        assert "GoCache" in md.source
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert panel.query_one("#panel-switcher").current == "workspace"


async def test_the_footer_shows_a_provider_shown_at_once_as_built_and_idle():
    """Another provider's panel is added after the first paint and built when shown. Shown as soon
    as the app starts, the tab's own message and show_provider both asked for the build: the footer
    was refreshed by the one that returned before the build ended and showed an unbuilt panel's keys
    (Send dimmed, Cancel and Send anyway offered) until something else refreshed it."""
    from tui.widgets.key_bar import KeyBar

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await app.show_provider("noosfero")
        assert panel.built
        for _ in range(5):
            await pilot.pause()
        bar = app.query_one(KeyBar)
        enabled = {k.description: k.enabled for k in bar.keys}
        assert enabled.get("Send") is True
        assert "Cancel" not in bar.shown and "Send anyway" not in bar.shown
