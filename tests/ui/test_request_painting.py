"""What one request costs the screen (issue 5, request overhead).

A fast answer is painted in one frame with no layout pass: no "sending…" flash, no re-layout for
a form that did not change, hidden tabs (Headers, Request, Explain) are not redrawn until shown,
the body's rows are repainted only where the new answer differs, and the meter is drawn in the
same frame. A slow request still shows "sending…" and
the Sending button.
"""

from __future__ import annotations

from textual.screen import Screen

from test_journeys import choose, ready, send_and_wait, status, wait_for
from tui.app import PlaygroundApp
from tui.widgets.provider_panel import BUSY_DELAY_S
from tui.widgets.rate_meter import RateMeter


async def trackers(app, pilot, limit: str | None = None):
    """Trackingram's tracker list, chosen in the panel (with its limit set)."""
    await ready(app, pilot)
    panel = await choose(app, pilot, "trackingram", "GET /trackerGps")
    if limit is not None:
        panel.query_one("#param-form").set_raw("limit", limit)
    return panel


def body_rows(panel) -> list[str]:
    """The rows of the current answer the body viewer should show (from the top)."""
    viewer = panel.query_one("#json-viewer")
    document = viewer.document
    height = viewer.scrollable_content_region.height
    return [document.line(i).rstrip() if i < document.line_count else "" for i in range(height)]


def painted_body(panel) -> list[str]:
    """The rows the body viewer has painted (what its cached lines hold, border excluded)."""
    viewer = panel.query_one("#json-viewer")
    content = viewer.scrollable_content_region
    lines = viewer.render_lines(viewer.outer_size.region)
    top, left = content.y - viewer.region.y, content.x - viewer.region.x
    return [strip.text[left:left + content.width].rstrip() for strip in lines[top:top + content.height]]


def spy(monkeypatch, cls, name: str, see) -> None:
    """Wrap the one-argument method `cls.name` so that `see(argument)` runs before each call."""
    original = getattr(cls, name)

    def wrapper(self, argument):
        see(argument)
        return original(self, argument)

    monkeypatch.setattr(cls, name, wrapper)


def count_calls(monkeypatch, owner, name: str) -> list:
    """Replace `owner.name` (a module's function) by one that notes each call; returns the notes."""
    calls: list = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


class LayoutCounter:
    """Counts the screen's layout passes and the frames, and what each frame redrew."""

    def __init__(self, monkeypatch) -> None:  # before the app starts: its frame timer binds the method
        self.on = False
        self.layouts = 0
        self.frames: list[set[str]] = []
        counter = self
        original_layout = Screen._refresh_layout
        original_update = Screen._on_timer_update

        def refresh_layout(screen, *args, **kwargs):
            counter.layouts += counter.on
            return original_layout(screen, *args, **kwargs)

        def on_timer_update(screen):
            dirty = {w.id or type(w).__name__ for w in screen._dirty_widgets}
            if counter.on and (dirty or screen._layout_required):
                counter.frames.append(dirty)
            return original_update(screen)

        monkeypatch.setattr(Screen, "_refresh_layout", refresh_layout)
        monkeypatch.setattr(Screen, "_on_timer_update", on_timer_update)



async def test_a_fast_repeated_request_is_painted_without_a_layout_pass(sandbox_url, monkeypatch):
    counter = LayoutCounter(monkeypatch)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot)
        await send_and_wait(pilot, panel)  # the first answer may lay out (new tabs, pager, footer keys)
        await send_and_wait(pilot, panel)
        await pilot.pause(0.1)
        counter.on = True
        for _ in range(3):
            await send_and_wait(pilot, panel)
            await pilot.pause(0.05)
        assert "200" in status(panel)
        assert counter.layouts == 0, counter.frames
        drawn = set().union(*counter.frames)
        assert "status-line" in drawn  # (the body's rows are repainted only where they changed)
        assert painted_body(panel) == body_rows(panel)
        # hidden tabs are not redrawn, and nothing says "sending" for an answer this fast
        assert not drawn & {"headers-view", "request-view", "explain-view"}, drawn
        assert "Sending" not in str(panel.query_one("#send-button").label)


async def test_a_slow_request_shows_sending_and_the_button_says_so(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        panel = await choose(app, pilot, "gocache", "GET /domain")
        panel.extra_headers = [("X-Apiplay-Fault", "slow"), ("X-Apiplay-Delay", "1")]
        assert panel.send()  # as ctrl+s does; nothing can run between this and the next line
        assert panel.in_flight
        assert "sending" not in status(panel)  # not at once: a fast answer would flash it
        await wait_for(pilot, lambda: "sending" in status(panel), timeout=BUSY_DELAY_S + 2)
        assert "Sending" in str(panel.query_one("#send-button").label)
        assert app.check_action("panel", ("cancel",))
        await wait_for(pilot, lambda: not panel.in_flight, timeout=10)
        await wait_for(pilot, lambda: "200" in status(panel))
        assert "Send ctrl+s" in str(panel.query_one("#send-button").label)


async def test_hidden_tabs_show_the_latest_answer_when_opened(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="3")
        await send_and_wait(pilot, panel)
        panel.query_one("#param-form").set_raw("limit", "4")
        await send_and_wait(pilot, panel)
        # the tab was hidden for both answers: its text is the second request's
        assert "limit=4" in str(panel.query_one("#request-view").render())
        tabs = panel.query_one("#response-tabs")
        tabs.active = "tab-request"
        await pilot.pause(0.1)
        shown = "\n".join(strip.text for strip in panel.query_one("#request-view").render_lines(
            panel.query_one("#request-view").region.reset_offset))
        assert "limit=4" in shown and "limit=3" not in shown
        tabs.active = "tab-headers"
        await pilot.pause(0.1)
        headers = panel.query_one("#headers-view")
        shown = "\n".join(strip.text for strip in headers.render_lines(headers.region.reset_offset))
        assert "content-type" in shown.lower()


async def test_the_meter_is_drawn_in_the_answers_own_frame(sandbox_url, monkeypatch):
    """One frame per answer: the meter with the status line and the body (the main screen's
    compositor draws only what changed, so the meter no longer waits for the next frame)."""
    counter = LayoutCounter(monkeypatch)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot)
        meter = panel.query_one(RateMeter)
        await send_and_wait(pilot, panel)
        await pilot.pause(0.1)
        used = meter.snapshot.used
        counter.on = True
        await send_and_wait(pilot, panel)
        await pilot.pause(0.1)
        assert meter.snapshot.used == used + 1
        assert f"{used + 1}/120" in str(panel.query_one(RateMeter).text)
        answer = [frame for frame in counter.frames if "status-line" in frame]
        assert answer and "rate-meter" in answer[0], counter.frames


async def test_a_shown_tab_gets_an_answer_that_came_while_a_dialog_was_open(sandbox_url):
    from tui.screens.help import HelpScreen

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot)
        panel.query_one("#response-tabs").active = "tab-request"
        panel.query_one("#param-form").set_raw("limit", "3")
        await send_and_wait(pilot, panel)
        await app.push_screen(HelpScreen())
        await pilot.pause()
        panel.query_one("#param-form").set_raw("limit", "4")
        await pilot.pause()
        before = panel.result
        assert panel.send()
        await wait_for(pilot, lambda: panel.result is not before and not panel.in_flight)
        app.pop_screen()
        await pilot.pause(0.1)
        view = panel.query_one("#request-view")
        shown = "\n".join(strip.text for strip in view.render_lines(view.region.reset_offset))
        assert "limit=4" in shown and "limit=3" not in shown


async def test_typing_in_a_field_does_not_lay_the_screen_out_while_the_preview_keeps_its_height(
        sandbox_url, monkeypatch):
    counter = LayoutCounter(monkeypatch)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot)
        field = next(i for i in panel.query("#param-form Input") if (i.id or "").endswith("limit"))
        field.focus()
        await pilot.pause(0.1)
        counter.on = True
        for digit in "123":
            await pilot.press(digit)
            await pilot.pause(0.05)
        preview = str(panel.query_one("#request-preview").render())
        assert "limit=10123" in preview or "limit=123" in preview, preview
        assert counter.layouts == 0, counter.frames


async def test_a_long_value_still_scrolls_inside_its_field(sandbox_url):
    """LineInput sets the field's scrollable width itself: the cursor stays in view past the edge."""
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot)
        field = next(i for i in panel.query("#param-form Input") if (i.id or "").endswith("limit"))
        field.focus()
        field.value = ""
        await pilot.pause()
        width = field.content_region.width
        await pilot.press(*("9" * (width + 20)))
        await pilot.pause()
        assert field.virtual_size.width >= width + 20
        assert field.scroll_offset.x > 0  # scrolled to keep the cursor in view
        assert field.value == "9" * (width + 20)


async def test_the_next_page_is_painted_without_a_layout_pass(sandbox_url, monkeypatch):
    """A new body of another length and a new pager position: the viewer's scrollbars and the
    pager's fixed-width position take it without re-arranging the screen."""
    counter = LayoutCounter(monkeypatch)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="3")
        await send_and_wait(pilot, panel)
        await send_and_wait(pilot, panel)
        await pilot.pause(0.1)
        viewer = panel.query_one("#json-viewer")
        lines_before = viewer.virtual_size.height
        position_before = panel.query_one("#pager").position_text
        counter.on = True
        await send_and_wait(pilot, panel, key="ctrl+n")  # next page
        await pilot.pause(0.1)
        assert panel.query_one("#pager").position_text != position_before
        assert viewer.virtual_size.height != lines_before or viewer.document.line_count == lines_before
        assert counter.layouts == 0, counter.frames


async def test_ctrl_s_is_taken_by_the_app_before_the_focused_widget(sandbox_url, monkeypatch):
    """Send is a priority key: the app runs it at once instead of passing the key through the
    focused widget and each of its ancestors first; with a dialog open it is the dialog's key."""
    from textual import events

    from tui.screens.help import HelpScreen

    from textual.widget import Widget

    seen: list[str] = []  # keys the app passed on to the focused widget
    spy(monkeypatch, Widget, "_forward_event", lambda event: isinstance(event, events.Key) and seen.append(event.key))
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="1")
        panel.query_one("#endpoint-filter").focus()
        await pilot.pause()
        seen.clear()
        await send_and_wait(pilot, panel)
        assert "200" in status(panel)
        assert "ctrl+s" not in seen, seen  # no widget was offered the key
        sent = panel._token
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert panel._token == sent and not panel.in_flight  # the dialog's, not a send
        await pilot.press("escape")


async def test_sending_an_unchanged_form_posts_no_form_change(sandbox_url, monkeypatch):
    """ctrl+s reads the form again; when nothing changed, no Changed message travels up the six
    containers to the panel while the request is in flight."""
    from tui.widgets.param_form import ParamForm

    posted: list = []
    spy(monkeypatch, ParamForm, "post_message",
        lambda message: isinstance(message, ParamForm.Changed) and posted.append(message.values))
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="2")
        await pilot.pause(0.1)
        await send_and_wait(pilot, panel)
        posted.clear()
        await send_and_wait(pilot, panel)
        assert posted == []
        panel.query_one("#param-form").set_raw("limit", "3")  # a change is still told
        await pilot.pause(0.1)
        assert posted and posted[-1].get("limit") == 3
        await send_and_wait(pilot, panel)
        assert "limit=3" in panel.prepared.url


async def test_an_answer_paints_its_frame_itself(sandbox_url, monkeypatch):
    """show_result ends by painting the answer's frame (MainScreen.paint_changed): not after a
    Prompt and an Update message for each widget and the update timer's next 1/60 s slot."""
    counter = LayoutCounter(monkeypatch)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="1")
        await send_and_wait(pilot, panel)
        await pilot.pause(0.1)
        screen = app.screen
        assert not screen._dirty_widgets
        counter.on = True
        panel.show_result(panel.result)  # the same answer again: the status line changes (its time)
        assert counter.frames and {"status-line", "rate-meter"} <= counter.frames[0], counter.frames
        assert not screen._dirty_widgets  # painted before show_result returned
        await pilot.pause(0.1)
        assert "200" in status(panel) and painted_body(panel) == body_rows(panel)
        assert counter.layouts == 0


async def test_reading_the_form_makes_no_dom_queries(sandbox_url, monkeypatch):
    """ctrl+s reads every row of the form: each row keeps its editor and error line instead of
    looking them up (a query per row was half of what sending cost the UI)."""
    from tui.widgets.param_form import ParamRow

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="x")
        form = panel.query_one("#param-form")
        await pilot.pause(0.1)
        queries: list = []
        spy(monkeypatch, ParamRow, "query", queries.append)
        form.recompute(mark_required=True)
        assert queries == []
        assert "limit" in form.errors  # "x" is not a whole number: the row shows it
        row = next(r for r in form.rows if r.param.name == "limit")
        await pilot.pause(0.1)
        monkeypatch.undo()
        assert row.has_class("-invalid") and row.query(".param-error")
        form.set_raw("limit", "2")
        await pilot.pause(0.1)
        assert not row.has_class("-invalid") and not row.query(".param-error")


async def test_history_is_written_after_the_answers_frame_is_painted(sandbox_url, monkeypatch):
    """The history thread starts only once the answer is on screen: started at once, it shared the
    GIL with the answer's frame. Every answer is still written."""
    import threading

    from tui.core.history import History

    counter = LayoutCounter(monkeypatch)
    events: list = []
    original_add = History.add

    def add(self, exchange, **kwargs):
        events.append(("add", threading.current_thread() is threading.main_thread()))
        return original_add(self, exchange, **kwargs)

    monkeypatch.setattr(History, "add", add)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="1")
        await send_and_wait(pilot, panel)
        await wait_for(pilot, lambda: app.history.count() == 1)
        counter.on = True
        original_show = type(panel).show_result

        def show_result(self, result, note=""):
            events.append(("shown", len(counter.frames)))
            return original_show(self, result, note)

        monkeypatch.setattr(type(panel), "show_result", show_result)
        events.clear()
        await send_and_wait(pilot, panel)
        await wait_for(pilot, lambda: app.history.count() == 2)
        assert [e[0] for e in events] == ["shown", "add"], events
        assert events[1] == ("add", False)  # in a thread
        # the add came after the answer's frame: a frame was made after show_result ran
        assert len(counter.frames) > events[0][1]
        frames_when_added = []
        monkeypatch.setattr(History, "add", lambda self, exchange, **kw: (
            frames_when_added.append(len(counter.frames)), original_add(self, exchange, **kw))[1])
        shown_at = len(counter.frames)
        await send_and_wait(pilot, panel)
        await wait_for(pilot, lambda: app.history.count() == 3)
        answer_frame = next(i for i, f in enumerate(counter.frames) if i >= shown_at and "status-line" in f)
        assert frames_when_added and frames_when_added[0] > answer_frame, (frames_when_added, counter.frames)


async def test_hidden_tabs_make_their_text_only_when_shown(sandbox_url, monkeypatch):
    """Headers, Request (its curl command) and Explain are made when their tab is shown, not for
    every answer read in the Body tab."""
    import tui.core.export as export

    made = count_calls(monkeypatch, export, "to_curl")
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="2")
        for _ in range(3):
            await send_and_wait(pilot, panel)
        assert made == []
        panel.query_one("#response-tabs").active = "tab-request"
        await pilot.pause(0.1)
        view = panel.query_one("#request-view")
        shown = "\n".join(strip.text for strip in view.render_lines(view.region.reset_offset))
        assert made == [1] and "curl" in shown and "limit=2" in shown
        await send_and_wait(pilot, panel)  # shown tab: made at once for the new answer
        assert made == [1, 1]


async def test_a_send_builds_its_request_once(sandbox_url, monkeypatch):
    """The form's values are checked by building the request; that request is the one sent."""
    import tui.core.client as client_module

    built = count_calls(monkeypatch, client_module, "build_request")
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        panel = await trackers(app, pilot, limit="2")
        await send_and_wait(pilot, panel)
        await pilot.pause(0.1)
        built.clear()
        await send_and_wait(pilot, panel)
        assert len(built) == 1, built
        assert "limit=2" in panel.result.exchange.request.url


async def test_a_request_is_one_task_that_a_new_request_escape_or_closing_cancels(sandbox_url, monkeypatch):
    """A request is a plain task, not a Textual worker (no worker object or state messages for each
    request); as with the worker, a newer request, esc, and the panel going away each cancel it."""
    import asyncio

    from textual.worker import Worker

    groups: list = []
    original_init = Worker.__init__

    def init(self, *args, **kwargs):
        groups.append(kwargs.get("group"))
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(Worker, "__init__", init)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        panel = await choose(app, pilot, "gocache", "GET /domain")
        groups.clear()
        await send_and_wait(pilot, panel)
        assert "200" in status(panel) and "request" not in groups, groups

        panel.extra_headers = [("X-Apiplay-Fault", "slow"), ("X-Apiplay-Delay", "5")]
        assert panel.send()
        first = panel._request_task
        assert panel.send()  # a newer request replaces it
        second = panel._request_task
        await pilot.pause(0.05)
        assert first.cancelled() and not second.done()
        await pilot.press("escape")
        await pilot.pause(0.05)
        assert second.cancelled() and panel._request_task is None and not panel.in_flight
        assert panel.send()
        third = panel._request_task
        await panel.remove()
        await asyncio.sleep(0.05)
        assert third.cancelled()
