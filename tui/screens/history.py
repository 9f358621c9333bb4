"""The history screen: browse past exchanges, filter as you type, enter reopens one.

``HistoryScreen(history=None, *, provider=None, limit=500)`` is a ``ModalScreen[HistoryEntry | None]``.
It dismisses with the chosen entry, read in full (``History.get``: headers and bodies), or ``None`` when
closed with escape::

    def reopen(entry: HistoryEntry | None) -> None:
        if entry is not None:
            ...  # select entry.provider_id's panel, endpoint entry.endpoint_key, fill entry.values
    app.push_screen(HistoryScreen(), reopen)

Typing in the filter box narrows the table (every word must appear in the method, URL, endpoint, status
or provider); down moves into the table; enter (in the box or on a row) picks the highlighted entry.
``provider`` starts the list on one provider (ctrl+t toggles between it and all providers); delete (in the
table) removes the highlighted entry.

Widget ids: ``#history-filter`` (Input), ``#history-table`` (DataTable, row keys are entry ids),
``#history-detail``, ``#history-count``.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from tui.core.history import History, HistoryEntry

COLUMNS = ("#", "When", "Provider", "Method", "Status", "ms", "Size", "URL")


def _when(ts: float) -> str:
    now = time.time()
    if now - ts < 20 * 3600:
        return time.strftime("%H:%M:%S", time.localtime(ts))
    return time.strftime("%Y-%m-%d", time.localtime(ts))


def _plain(text: str) -> str:
    return "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)


class HistoryScreen(ModalScreen[HistoryEntry | None]):
    """Pick a past exchange."""

    DEFAULT_CSS = """
    HistoryScreen {
        align: center middle;
        background: $background 60%;
    }
    HistoryScreen #history-dialog {
        width: 95%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HistoryScreen #history-title {
        text-style: bold;
        color: $text-primary;
    }
    HistoryScreen #history-filter {
        margin: 1 0 0 0;
        background: $panel;
    }
    HistoryScreen #history-table {
        height: 1fr;
        margin-top: 1;
    }
    HistoryScreen #history-detail {
        height: auto;
        max-height: 3;
        color: $text-muted;
    }
    HistoryScreen #history-count {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="history.close"),
        Binding("ctrl+t", "toggle_scope", "All providers", id="history.toggle_scope"),
        Binding("delete", "delete_entry", "Delete entry", id="history.delete"),
    ]

    def __init__(self, history: History | None = None, *, provider: str | None = None, limit: int = 500) -> None:
        super().__init__()
        self.history = history if history is not None else History()
        self.provider = provider
        self.scope_provider = provider
        self.limit = limit
        self.entries: dict[int, HistoryEntry] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(Content("History"), id="history-title")
            yield Input(placeholder="Filter: words in the URL, method, status or provider", id="history-filter",
                        compact=True)
            table: DataTable = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            yield table
            yield Static("", id="history-detail")
            yield Static("", id="history-count")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#history-filter", Input).focus()

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Read the entries matching the filter and fill the table (newest first)."""
        query = self.query_one("#history-filter", Input).value.strip() or None
        entries = self.history.list(limit=self.limit, query=query, provider=self.provider)
        self.entries = {e.id: e for e in entries}
        table = self.query_one("#history-table", DataTable)
        table.clear()
        for e in entries:
            table.add_row(
                Text(str(e.id)), Text(_when(e.created_at)), Text(_plain(e.provider_id)), Text(e.method),
                Text(_plain(e.status_text)), Text(f"{e.elapsed_s * 1000:.0f}", justify="right"),
                Text(e.size_text, justify="right"), Text(_plain(e.url), no_wrap=True, overflow="ellipsis"),
                key=str(e.id),
            )
        scope = f" for {self.provider}" if self.provider else ""
        shown = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}{scope}"
        if query:
            shown += f" matching {query!r}"
        self.query_one("#history-count", Static).update(Content(shown))
        self._show_detail(entries[0] if entries else None)

    def _show_detail(self, entry: HistoryEntry | None) -> None:
        detail = self.query_one("#history-detail", Static)
        if entry is None:
            detail.update(Content("No entries yet: send a request first." if not self.entries else ""))
            return
        line = f"{entry.endpoint_key} · {entry.target} · {entry.status_text}"
        if entry.error:
            line += f" · {entry.error}"
        detail.update(Content(_plain(line)))

    def highlighted(self) -> HistoryEntry | None:
        table = self.query_one("#history-table", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no cursor yet
            return None
        return self.entries.get(int(key)) if key is not None else None

    # ------------------------------------------------------------------ events

    @on(Input.Changed, "#history-filter")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#history-filter")
    def _filter_submitted(self) -> None:
        self._choose(self.highlighted())

    @on(DataTable.RowSelected, "#history-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        self._choose(self.entries.get(int(key)) if key is not None else None)

    @on(DataTable.RowHighlighted, "#history-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        self._show_detail(self.entries.get(int(key)) if key is not None else None)

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#history-filter", Input):
            table = self.query_one("#history-table", DataTable)
            if table.row_count:
                table.focus()
                event.stop()

    def _choose(self, entry: HistoryEntry | None) -> None:
        if entry is None:
            return
        full = self.history.get(entry.id)
        self.dismiss(full)

    # ------------------------------------------------------------------ actions

    def action_close(self) -> None:
        self.dismiss(None)

    def action_toggle_scope(self) -> None:
        """All providers <-> the provider the screen was opened for."""
        self.provider = None if self.provider else self.scope_provider
        self.reload()

    def action_delete_entry(self) -> None:
        entry = self.highlighted()
        if entry is not None:
            self.history.delete(entry.id)
            self.reload()
