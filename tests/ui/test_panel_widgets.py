"""The panel's small widgets on their own: meter text and timer, endpoint list entries, pager."""

from __future__ import annotations

from textual.app import App

from tui.core.model import Endpoint, Param, PagingSpec, Provider
from tui.core.ratemeter import MeterSnapshot
from tui.themes import theme_variable_defaults
from tui.widgets.endpoint_list import EndpointList, endpoint_prompt, matches
from tui.widgets.pager import Pager
from tui.widgets.rate_meter import RateMeter, bar, describe


def snap(**kw) -> MeterSnapshot:
    base = dict(used=0, limit=120, window_s=60.0, reset_in=None, blocked_for=0.0, server_count=None,
                server_reset=None, recent=(0,) * 12, text="0/120 this minute")
    base.update(kw)
    return MeterSnapshot(**base)


class Host(App):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def get_theme_variable_defaults(self):
        return theme_variable_defaults(None)

    def compose(self):
        yield self.widget


def test_meter_text_shows_use_limit_reset_and_server_figures():
    text = describe(snap(used=42, reset_in=17.2, server_count=40, server_reset=16.0)).plain
    assert "42/120" in text and "resets in 18 s" in text
    assert "count_api 40" in text and "reset_count_api 16 s" in text


def test_meter_bar_changes_colour_as_it_fills():
    def style(used):
        return {str(span.style) for span in bar(used, 100).spans if "█" in bar(used, 100).plain[span.start:span.end]}

    assert style(10) == {"$meter-ok"}
    assert style(70) == {"$meter-warn"}
    assert style(95) == {"$meter-full"}
    assert "·" in bar(5, None).plain  # no known limit: no bar


def test_meter_block_is_a_countdown_with_the_override():
    text = describe(snap(used=120, blocked_for=12.3, text="blocked: FLOOD_WAIT, 13 s left")).plain
    assert "BLOCKED" in text and "13 s left" in text and "f5" in text


async def test_meter_ticks_only_while_counting_down():
    current = {"snap": snap()}
    meter = RateMeter(lambda: current["snap"])
    async with Host(meter).run_test() as pilot:
        await pilot.pause()
        assert meter._timer is None  # idle: no timer
        current["snap"] = snap(used=3, reset_in=40.0)
        meter.refresh_meter()
        assert meter._timer is not None
        current["snap"] = snap()
        meter.refresh_meter()
        assert meter._timer is None
        current["snap"] = snap(blocked_for=5.0, text="blocked: x, 5 s left")
        meter.refresh_meter()
        assert meter.has_class("-blocked") and meter._timer is not None


async def test_the_meter_line_draws_the_same_cells_as_a_static_beside_textuals_sparkline():
    """RateMeter draws its text and sparkline as one line; the cells must be those of the Static
    and Textual's Sparkline it replaced, side by side (blocked background, narrow widths, text that
    wraps, and many series for the sparkline's buckets and colours)."""
    from textual.containers import Horizontal
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widgets import Sparkline, Static

    class Pair(App):
        CSS = """
        Horizontal { height: 1; width: 1fr; }
        Horizontal > Static { width: 1fr; height: 1; }
        Horizontal > Sparkline { width: 24; height: 1; }
        .-blocked { background: $error 15%; }
        """

        def compose(self):
            with Horizontal(id="old"):
                yield Static(id="old-text")
                yield Sparkline([0], id="old-spark")
            yield RateMeter(id="new")

        def get_theme_variable_defaults(self):
            return theme_variable_defaults(None)

    series = [[0], [1, 2, 3, 0, 5], list(range(40)), [3] * 10, [], [7, 1], [0, 0, 9], list(range(23)),
              [i % 5 for i in range(24)], [i * i % 11 for i in range(25)], [1.5, 0.25, 3.0, 2.75] * 9,
              [(i * 37) % 101 for i in range(100)], [5] + [0] * 60]
    snaps = [None, snap(), snap(used=42, reset_in=17.2, server_count=40, server_reset=16.0),
             snap(used=119, reset_in=3.0), snap(limit=None, used=7),
             snap(blocked_for=5.0, text="blocked: wait 5 s left"), snap(used=100, limit=100, reset_in=59.0)]
    for width in (160, 90, 60, 47, 40, 38, 37, 33, 25):
        app = Pair()
        async with app.run_test(size=(width, 4)) as pilot:
            old, text, spark, new = (app.query_one(f"#{i}") for i in ("old", "old-text", "old-spark", "new"))
            for i, data in enumerate(series):
                shown = snaps[i % len(snaps)]
                blocked = bool(shown and shown.blocked_for > 0)
                text.update(describe(shown))
                spark.data = data
                new.text, new.spark = describe(shown), data
                new.refresh()
                for widget in (old, new):
                    widget.set_class(blocked, "-blocked")
                await pilot.pause()
                row = Region(0, 0, new.size.width, 1)
                want = Strip.join([text.render_lines(Region(0, 0, text.size.width, 1))[0],
                                   spark.render_lines(Region(0, 0, spark.size.width, 1))[0]])
                got = new.render_lines(row)[0]
                assert list(got.simplify()) == list(want.simplify()), (width, data, shown)
                assert got.cell_length == width


def _provider() -> Provider:
    eps = (
        Endpoint("GET", "/things", summary="List things", tag="things", auth="none", evidence="documented",
                 paging=PagingSpec(style="page")),
        Endpoint("POST", "/things/{id}", summary="Change a thing", tag="things", auth="required",
                 evidence="inferred", params=(Param("id", "path", "integer", required=True),)),
        Endpoint("DELETE", "/other", summary="Remove all the other stuff", tag="other", auth="admin"),
    )
    return Provider(id="tiny", name="Tiny", endpoints=eps)


def test_endpoint_entry_shows_method_path_summary_auth_and_evidence():
    ep = _provider().endpoints[1]
    text = endpoint_prompt(ep).plain
    assert text.startswith("POST") and "/things/{id}" in text
    assert "Change a thing" in text and "token" in text and "inferred" in text
    assert matches(ep, ["post", "thing"]) and not matches(ep, ["delete"])


class ListHost(Host):
    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.chosen = []

    def on_endpoint_list_chosen(self, message) -> None:
        self.chosen.append(message.endpoint.key)


async def test_endpoint_list_groups_by_tag_and_filters():
    elist = EndpointList(_provider())
    app = ListHost(elist)
    async with app.run_test() as pilot:
        await pilot.pause()
        ol = elist.option_list
        headers = [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)
                   if ol.get_option_at_index(i).disabled]
        assert [h.split()[0] for h in headers] == ["things", "other"]
        elist.apply_filter("remove")
        assert [e.key for e in elist.shown] == ["DELETE /other"]
        assert elist.select_key("GET /things")  # hidden by the filter: the filter is cleared
        await pilot.pause()
        assert app.chosen == ["GET /things"]
        assert len(elist.shown) == 3


async def test_pager_shows_position_and_disables_what_cannot_be_done():
    pager = Pager()
    async with Host(pager).run_test() as pilot:
        pager.set_paged(True)
        pager.show_position("page 1 of 3 · per_page 20 · Total 50", can_prev=False, can_next=True)
        await pilot.pause()
        assert pager.query_one("#pager-prev").disabled and not pager.query_one("#pager-next").disabled
        assert "Total 50" in pager.position_text
        pager.start_fetch()
        pager.progress(2, 3, 40, waiting_s=7.2)
        await pilot.pause()
        assert "paused" in str(pager.query_one("#pager-status").render())
        assert "resumes in 8 s" in str(pager.query_one("#pager-status").render())
        assert str(pager.query_one("#pager-all").label) == "Stop (esc)"
        pager.end_fetch("fetched 3 pages · 50 items combined")
        assert not pager.has_class("-fetching")
