"""History screen (filter as you type, enter reopens) and the save-request name dialog."""

from __future__ import annotations

import time

from textual.app import App
from textual.widgets import DataTable, Input

from tui.core.history import History
from tui.core.model import Exchange, PreparedRequest
from tui.core.saved import SavedRequests
from tui.screens.history import HistoryScreen
from tui.screens.save_request import SaveRequestScreen

_NO_RESULT = object()


class Host(App):
    def __init__(self, screen):
        super().__init__()
        self.dialog = screen
        self.result = _NO_RESULT

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self._done)

    def _done(self, value) -> None:
        self.result = value


def fill(history: History) -> list[int]:
    ids = []
    for provider, key, url, status in [
        ("gocache", "GET /domain", "http://h/gocache/v1/domain", 200),
        ("noosfero", "GET /communities", "http://h/noosfero/api/v1/communities?per_page=2", 200),
        ("noosfero", "GET /people/{id}", "http://h/noosfero/api/v1/people/[b]7[/b]", 404),
    ]:
        req = PreparedRequest(provider, key, "GET", url, values={"per_page": 2} if "communities" in key else {})
        ex = Exchange(req, status=status, reason="", body=b'{"k": 1}', size=8, elapsed_s=0.01, started_at=time.time())
        ids.append(history.add(ex, provider_id=provider, target="sandbox"))
    return ids


def text(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


def rows(app) -> list[str]:
    table = app.screen.query_one("#history-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_lists_newest_first_filters_and_reopens():
    h = History()
    a, b, c = fill(h)
    app = Host(HistoryScreen(h))
    async with app.run_test(size=(120, 30)) as pilot:
        assert rows(app) == [str(c), str(b), str(a)]
        table = app.screen.query_one("#history-table", DataTable)
        assert str(table.get_row_at(0)[-1]) == "http://h/noosfero/api/v1/people/[b]7[/b]"  # markup kept as text
        assert text(app, "#history-detail") == "GET /people/{id} · sandbox · 404"
        await pilot.press(*"communities")
        await pilot.pause()
        assert rows(app) == [str(b)]
        assert text(app, "#history-count") == "1 entry matching 'communities'"
        await pilot.press("enter")
        await pilot.pause()
    assert app.result is not _NO_RESULT and app.result.id == b
    assert app.result.values == {"per_page": 2} and app.result.body == b'{"k": 1}'  # read in full


async def test_arrow_into_table_and_pick_with_enter():
    h = History()
    a, b, c = fill(h)
    app = Host(HistoryScreen(h))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("down")  # from the filter into the table
        assert app.focused is app.screen.query_one("#history-table")
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.result.id == b


async def test_provider_scope_delete_and_escape():
    h = History()
    a, b, c = fill(h)
    app = Host(HistoryScreen(h, provider="noosfero"))
    async with app.run_test(size=(120, 30)) as pilot:
        assert rows(app) == [str(c), str(b)]
        await pilot.press("ctrl+t")
        assert rows(app) == [str(c), str(b), str(a)]
        await pilot.press("delete")  # in the filter box: edits the text, deletes nothing
        assert h.get(c) is not None
        await pilot.press("down", "delete")  # in the table: deletes the highlighted (newest) entry
        assert rows(app) == [str(b), str(a)] and h.get(c) is None
        await pilot.press("ctrl+t")
        assert rows(app) == [str(b)]
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_empty_history_says_so():
    app = Host(HistoryScreen(History()))
    async with app.run_test(size=(100, 24)) as pilot:
        assert text(app, "#history-detail") == "No entries yet: send a request first."
        await pilot.press("enter")  # nothing to pick: stays open
        await pilot.pause()
        assert app.result is _NO_RESULT
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_save_request_name_validated():
    store = SavedRequests()
    store.save("existing", "gocache", "GET", "/domain")
    app = Host(SaveRequestScreen("", store=store))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press(*"../x", "enter")
        await pilot.pause()
        assert app.result is _NO_RESULT
        assert "saved request name" in text(app, "#save-error")
        app.screen.query_one("#save-name", Input).value = "existing"
        await pilot.pause()
        assert text(app, "#save-error") == "'existing' exists; saving replaces it"
        app.screen.query_one("#save-name", Input).value = "  my list "
        await pilot.click("#save-ok")
        await pilot.pause()
    assert app.result == "my list"


async def test_save_request_cancel():
    app = Host(SaveRequestScreen("x"))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


async def test_palette_recalls_a_saved_request():
    from tui.screens.save_request import SavedRequestCommands

    SavedRequests().save("two communities", "noosfero", "GET", "/communities", {"per_page": 2, "order": "name"},
                         target="sandbox")
    SavedRequests().save("domains", "gocache", "GET", "/domain")
    opened = []

    class PaletteHost(App):
        COMMANDS = {SavedRequestCommands}

        async def open_request(self, provider_id, endpoint_key, values, *, target=None):
            opened.append((provider_id, endpoint_key, values, target))

    app = PaletteHost()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"two comm")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
    assert opened == [("noosfero", "GET /communities", {"per_page": 2, "order": "name"}, "sandbox")]


def test_value_text_for_the_form():
    from tui.screens.save_request import value_text

    assert [value_text(v) for v in ("a b", 5, True, ["x", "y"], {"k": 1})] == ["a b", "5", "true", '["x", "y"]', '{"k": 1}']
