"""The pager of a paged endpoint: first / previous / next, the position, and "fetch all"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, ProgressBar, Static


class Pager(Horizontal):
    DEFAULT_CSS = """
    Pager { height: 1; width: 1fr; display: none; }
    Pager.-paged { display: block; }
    Pager > Button { margin: 0 1 0 0; min-width: 8; }
    Pager > #pager-position { width: 48; height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    Pager > ProgressBar { width: 40; display: none; }
    Pager.-fetching > ProgressBar { display: block; }
    Pager > #pager-status { width: 1fr; height: 1; color: $text-muted; }
    """

    class Go(Message):
        """A pager button: `where` is "first", "prev", "next", "all" or "stop"."""

        def __init__(self, where: str) -> None:
            super().__init__()
            self.where = where

    def compose(self) -> ComposeResult:
        yield Button("⏮ First", id="pager-first", compact=True)
        yield Button("◀ Prev", id="pager-prev", compact=True)
        yield Button("Next ▶", id="pager-next", compact=True)
        yield Static("", id="pager-position")
        yield Button("All pages", id="pager-all", compact=True)
        yield ProgressBar(total=None, show_eta=False, id="pager-progress")
        yield Static("", id="pager-status")

    def set_paged(self, paged: bool) -> None:
        self.set_class(paged, "-paged")

    def show_position(self, text: str, can_prev: bool, can_next: bool) -> None:
        position = self.query_one("#pager-position", Static)
        if getattr(position, "_shown_text", None) != text:  # the same text: no update, no layout pass
            position._shown_text = text
            position.update(Content.styled(text, "bold"), layout=False)  # a fixed width: no layout pass
        self.query_one("#pager-first", Button).disabled = not can_prev
        self.query_one("#pager-prev", Button).disabled = not can_prev
        self.query_one("#pager-next", Button).disabled = not can_next

    @property
    def position_text(self) -> str:
        return str(self.query_one("#pager-position", Static).render())

    def start_fetch(self) -> None:
        self.add_class("-fetching")
        bar = self.query_one("#pager-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self.query_one("#pager-all", Button).label = "Stop (esc)"
        self.status("fetching every page…")

    def progress(self, done: int, total: int | None, items: int, waiting_s: float = 0.0) -> None:
        bar = self.query_one("#pager-progress", ProgressBar)
        bar.update(total=total, progress=done)
        if waiting_s > 0:
            from tui.widgets.rate_meter import _secs

            self.status(f"paused before the rate limit, resumes in {_secs(waiting_s)} · {done} pages, {items} items",
                        warn=True)
        else:
            of = f"/{total}" if total else ""
            self.status(f"page {done}{of} · {items} items")

    def end_fetch(self, text: str) -> None:
        self.remove_class("-fetching")
        self.query_one("#pager-all", Button).label = "All pages"
        self.status(text)

    def status(self, text: str, warn: bool = False) -> None:
        self.query_one("#pager-status", Static).update(Content.styled(text, "bold $warning" if warn else ""))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        where = {"pager-first": "first", "pager-prev": "prev", "pager-next": "next", "pager-all": "all"}[event.button.id]
        if where == "all" and self.has_class("-fetching"):
            where = "stop"
        self.post_message(self.Go(where))
