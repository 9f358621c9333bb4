"""The response body viewer: a virtualised, highlighted, searchable view of a prepared Document.

`JsonViewer` is a Line-API ``ScrollView``: it renders only the lines on screen, tokenises only those
lines, and keeps the strips it made in an LRU cache (cleared when the theme, the styles or the
search change). Loading a :class:`tui.core.jsonview.Document` is instant: the document was made in
a worker by :func:`tui.core.jsonview.prepare`; this widget never parses.

`ResponseBody` wraps a viewer with a search bar (``/`` or ctrl+f opens it; enter searches; ``n`` and
``N`` step through matches; escape closes it).

Colours come from component classes, so themes restyle them::

    JsonViewer > .json-viewer--key { color: $json-key; }
"""

from __future__ import annotations

from typing import Iterator

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from tui.core import jsonview
from tui.core.jsonview import Document
from tui.widgets.line_input import LineInput

__all__ = ["JsonViewer", "ResponseBody"]

#: A line is rendered up to this many characters (the rest is summarised); the Raw tab wraps instead.
MAX_LINE_CHARS = 10_000
#: Lines up to this long are also kept by their text (see JsonViewer._text_cache).
TEXT_CACHE_MAX_CHARS = 240
#: Search as you type only in documents up to this many bytes (larger ones search on enter).
LIVE_SEARCH_LIMIT = 2_000_000
#: How often a document still being prepared is checked for new lines (seconds).
GROWTH_POLL_S = 0.25  # each growth step re-lays the screen out: not too often
#: Stop counting matches after this many (the count then shows "+").
MAX_COUNTED_MATCHES = 100_000

_KINDS = ("key", "string", "number", "literal", "punct")


class JsonViewer(ScrollView, can_focus=True):
    """Shows a Document line by line, highlighted (or plain in raw mode), with search."""

    ALLOW_SELECT = False  # see render_line: selection offsets would double the paint cost

    COMPONENT_CLASSES = {
        "json-viewer--key",
        "json-viewer--string",
        "json-viewer--number",
        "json-viewer--literal",
        "json-viewer--punct",
        "json-viewer--match",
        "json-viewer--current-match",
        "json-viewer--more",
    }

    DEFAULT_CSS = """
    JsonViewer {
        height: 1fr;
        border: tall $border-blurred;
        border-subtitle-color: $text-muted;
        border-title-color: $text-warning;
        padding: 0 1;
        background: $surface;
        scrollbar-gutter: stable;
        overflow-y: scroll;  /* always there: its coming and going would lay the screen out */
    }
    JsonViewer:focus {
        border: tall $border;
    }
    JsonViewer > .json-viewer--key { color: $text-accent; }
    JsonViewer > .json-viewer--string { color: $text-success; }
    JsonViewer > .json-viewer--number { color: $text-warning; }
    JsonViewer > .json-viewer--literal { color: $text-primary; text-style: bold; }
    JsonViewer > .json-viewer--punct { color: $text-muted; }
    JsonViewer > .json-viewer--match { background: $warning-muted; }
    JsonViewer > .json-viewer--current-match { background: $accent; color: $text; text-style: bold; }
    JsonViewer > .json-viewer--more { color: $text-muted; text-style: italic; }
    """

    BINDINGS = [
        Binding("n", "next_match", "Next match", id="json_viewer.next_match"),
        Binding("N", "previous_match", "Previous match", id="json_viewer.previous_match"),
        Binding("pageup", "page_up", "Page up", show=False, id="json_viewer.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="json_viewer.page_down"),
        Binding("space", "page_down", "Page down", show=False, id="json_viewer.space_page_down"),
        Binding("home", "scroll_home", "Top", show=False, id="json_viewer.top"),
        Binding("end", "scroll_end", "Bottom", show=False, id="json_viewer.bottom"),
        Binding("g", "scroll_home", "Top", show=False, id="json_viewer.g_top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="json_viewer.g_bottom"),
    ]

    def __init__(
        self,
        document: Document | None = None,
        *,
        highlight: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.highlight = highlight
        self.document: Document | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        #: strips by line text, kept across documents: an answer sent again, the next page of a
        #: list or a scroll back shares most of its lines ("  },", "\"moving\": true,") with what
        #: was drawn before, and those are not tokenized again (cleared only when styles change)
        self._text_cache: LRUCache[tuple[str, bool], Strip] = LRUCache(4096)
        self._prefetch_pending = False
        self._styles: dict[str, Style] | None = None  # base style + component style, per kind
        self._base_style: Style | None = None
        self._query = ""
        self._case_sensitive = False
        self._matches: list[tuple[int, int]] = []
        self._match_iter: Iterator[tuple[int, int]] | None = None
        self._matches_done = True
        self._current = -1
        self._width_pending: Document | None = None
        self._growth_timer = None
        self._pending_search: tuple[str, bool] | None = None
        self._subtitle: str | None = None  # the text under the body, as last set
        if document is not None:
            self.load(document)

    # ------------------------------------------------------------------ public API

    def load(self, document: Document) -> None:
        """Show `document` (instant: nothing is parsed here). Scrolls to the top.

        A document still being prepared (a large body) is shown as it grows.
        """
        kept = self._unchanged_rows(document)
        self.document = document
        strips = {row: self._cache.get(row) for row in kept or ()}
        self._cache.clear()
        for row, strip in strips.items():  # (the same text: the same strip)
            if strip is not None:
                self._cache[row] = strip
        self._reset_search()
        self._pending_search = None
        self._set_virtual_size(document, repaint=kept is None)
        if kept is None:  # (the same problem otherwise: setting a title repaints the whole widget)
            self.border_title = Content(document.problem or "")  # Content: never parsed as markup
        if self.scroll_offset != (0, 0) or self.scroll_target_x or self.scroll_target_y:
            self.scroll_to(0, 0, animate=False, immediate=True)
        if document.complete:
            self._measure_width(document)
        elif self._growth_timer is None:
            self._growth_timer = self.set_interval(GROWTH_POLL_S, self._check_growth)
        self._update_subtitle()
        if kept is None:
            self.refresh()
        else:  # the same view of a new answer: repaint only the rows whose text changed
            width = self.scrollable_content_region.width  # (not the scrollbar beside it)
            for row in range(self.scrollable_content_region.height):
                if row not in kept:
                    self.refresh(Region(0, row, width, 1))
        self._schedule_prefetch()

    def _unchanged_rows(self, document: Document) -> set[int] | None:
        """The rows on screen that would show the same line in `document` as now, or None when the
        whole view must be repainted. An answer sent again, or the next page of a list, changes a
        few lines of the screen (a counter, an id); repainting only those makes its frame small.
        Only for complete documents shown from the top, with no search highlights and no title
        change (a full repaint asked for by anything else still happens)."""
        old = self.document
        if (old is None or not self.is_mounted or not old.complete or not document.complete
                or self.scroll_offset != (0, 0) or self._query
                or (old.problem or "") != (document.problem or "")):
            return None
        height = self.scrollable_content_region.height
        olds, news = old.head(height), document.head(height)
        kept = set()
        for row in range(height):
            before = olds[row] if row < len(olds) else None
            after = news[row] if row < len(news) else None
            if before == after and (before is None or old.is_json_line(row) == document.is_json_line(row)):
                kept.add(row)
        return kept

    def _virtual_size_for(self, document: Document) -> Size:
        if document.width_known:
            width = document.max_width
        else:  # estimated once per document (2000 lines decoded): not on every growth tick
            cached = getattr(self, "_estimate", None)
            if cached is None or cached[0] is not document:
                cached = self._estimate = (document, document.estimated_width())
            width = cached[1]
        return Size(min(width, MAX_LINE_CHARS + 40), document.line_count)

    def _set_virtual_size(self, document: Document, repaint: bool = True) -> None:
        """Set the scrollable size for `document` (a new one, or more lines of the same: a growth
        tick). Setting ``virtual_size`` lays the whole screen out (3-8 ms a tick on a busy 2-core
        machine, 30 ms for an answer's frame, competing with the frames of keys typed meanwhile);
        the viewer's own size does not depend on its content unless its height is auto, so only the
        scrollbars change, and the vertical one is always shown (overflow-y: scroll). A layout pass
        is left for when the horizontal scrollbar appears or goes. `repaint=False`: the caller
        repaints what changed itself."""
        old = self.virtual_size
        size = self._virtual_size_for(document)
        height = self.styles.height
        if height is None or height.is_auto or not self.is_mounted:
            self.virtual_size = size
            return
        if size == old:
            return  # the same scrollable size: the scrollbars stand as they are
        bars = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        self.set_reactive(JsonViewer.virtual_size, size)
        self._scroll_update(size)
        if (self.show_vertical_scrollbar, self.show_horizontal_scrollbar) != bars:
            self.refresh(layout=True)  # a scrollbar appeared or went: the content region changes
        elif repaint:
            self.refresh()

    def _measure_width(self, document: Document) -> None:
        if not document.width_known:
            self._width_pending = document
            self.run_worker(lambda: document.max_width, thread=True, exclusive=True,
                            group="json-viewer-width", name="json-viewer-width")

    def _check_growth(self) -> None:
        """Follow a document that is still being prepared (a timer while it grows)."""
        document = self.document
        if document is None:
            self._stop_growth()
            return
        complete = document.complete  # read before the counts: nothing is missed
        if document.line_count != self.virtual_size.height or complete:
            self._set_virtual_size(document)
            self.border_title = Content(document.problem or "")  # Content: never parsed as markup
            self._update_subtitle()
        if complete:
            self._stop_growth()
            self._measure_width(document)
            if self._pending_search is not None:
                text, case = self._pending_search
                self._pending_search = None
                self.search(text, case_sensitive=case)

    def _stop_growth(self) -> None:
        if self._growth_timer is not None:
            self._growth_timer.stop()
            self._growth_timer = None

    def clear(self) -> None:
        """Show nothing."""
        self._stop_growth()
        self._pending_search = None
        self.document = None
        self._cache.clear()
        self._reset_search()
        self.virtual_size = Size(0, 0)
        self.border_title = ""
        self._set_subtitle("")
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def show_text(self, text: str) -> None:
        """Show a short message (plain, inert)."""
        self.load(jsonview.text_document(text))

    @property
    def line_count(self) -> int:
        return self.document.line_count if self.document is not None else 0

    @property
    def match_count(self) -> int:
        """Matches found so far (all of them once `matches_complete`)."""
        return len(self._matches)

    @property
    def matches_complete(self) -> bool:
        return self._matches_done

    @property
    def current_match(self) -> tuple[int, int] | None:
        """(line, column) of the current match."""
        return self._matches[self._current] if 0 <= self._current < len(self._matches) else None

    def search(self, text: str, *, case_sensitive: bool = False) -> bool:
        """Search for `text`; the first match becomes current and is scrolled into view.

        Returns True when there is a match. An empty `text` clears the search.
        """
        self._reset_search()
        if text and self.document is not None and not self.document.complete:
            # the rest of a large body is still being prepared: search once it is all there
            self._pending_search = (text, case_sensitive)
            self._set_subtitle(f"searching for {text!r} once the body is ready…")
            return False
        self._query = text
        self._case_sensitive = case_sensitive
        if text and self.document is not None:
            self._match_iter = jsonview.search(self.document, text, case_sensitive)
            self._matches_done = False
        self._cache.clear()
        found = self.next_match() if text else False
        self._update_subtitle()
        self.refresh()
        return found

    def next_match(self) -> bool:
        """Go to the next match (wrapping round); False when there is none."""
        if not self._query:
            return False
        if self._current + 1 < len(self._matches) or self._pull(1):
            self._go(self._current + 1)
        elif self._matches:
            self._go(0)
        else:
            self._update_subtitle()
            return False
        return True

    def previous_match(self) -> bool:
        """Go to the previous match (wrapping round to the last); False when there is none."""
        if not self._query:
            return False
        if self._current > 0:
            self._go(self._current - 1)
            return True
        self._pull(MAX_COUNTED_MATCHES)
        if not self._matches:
            return False
        self._go(len(self._matches) - 1)
        return True

    # ------------------------------------------------------------------ actions

    def action_next_match(self) -> None:
        self.next_match()

    def action_previous_match(self) -> None:
        self.previous_match()

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_match", "previous_match"):
            return True if self._query else None
        return True

    # ------------------------------------------------------------------ search internals

    def _reset_search(self) -> None:
        self._query = ""
        self._matches = []
        self._match_iter = None
        self._matches_done = True
        self._current = -1

    def _pull(self, count: int) -> bool:
        """Find up to `count` more matches; True if at least one was added."""
        if self._match_iter is None or self._matches_done:
            return False
        added = 0
        for match in self._match_iter:
            self._matches.append(match)
            added += 1
            if added >= count or len(self._matches) >= MAX_COUNTED_MATCHES:
                break
        else:
            self._matches_done = True
        if len(self._matches) >= MAX_COUNTED_MATCHES:
            self._matches_done = True
        return added > 0

    def _go(self, index: int) -> None:
        old = self.current_match
        self._current = index
        line, col = self._matches[index]
        if old is not None:
            self._cache.discard(old[0])
        self._cache.discard(line)
        self._scroll_to_match(line, col)
        self._update_subtitle()
        self.refresh()

    def _scroll_to_match(self, line: int, col: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        width = max(1, self.scrollable_content_region.width)
        y = self.scroll_offset.y
        if not y <= line < y + height:
            y = max(0, line - height // 2)
        text = self.document.line(line) if self.document is not None else ""
        from rich.cells import cell_len

        x_cell = cell_len(text[:col])
        x = self.scroll_offset.x
        if not x <= x_cell < x + width - len(self._query):
            x = max(0, x_cell - width // 3)
        self.scroll_to(x, y, animate=False, immediate=True)

    def _update_subtitle(self) -> None:
        count = self.line_count
        if not count:
            self._set_subtitle("")
            return
        top = min(count, int(self.scroll_offset.y) + 1)
        ready = self.document is None or self.document.complete
        parts = [f"line {top:,} of {count:,}" + ("" if ready else "+ (formatting…)")]
        if self._query:
            if self._matches:
                total = f"{len(self._matches):,}" + ("" if self._matches_done else "+")
                parts.append(f"match {self._current + 1:,} of {total}")
            else:
                parts.append("no matches")
        self._set_subtitle(" · ".join(parts))

    def _set_subtitle(self, text: str) -> None:
        """Set the line under the body, only if it changed: each set repaints the whole widget."""
        if text != self._subtitle:
            self._subtitle = text
            self.border_subtitle = Content(text)

    # ------------------------------------------------------------------ rendering

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._base_style = None
        self._cache.clear()
        self._text_cache.clear()

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._styles = None
        self._base_style = None
        self._cache.clear()
        self._text_cache.clear()
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._update_subtitle()
        self._schedule_prefetch()

    def _schedule_prefetch(self) -> None:
        if not self._prefetch_pending:
            self._prefetch_pending = True
            self.call_after_refresh(self._prefetch)

    def _prefetch(self) -> None:
        """After a frame, make the strips of the next page (a page-down then only crops cached strips)."""
        self._prefetch_pending = False
        document = self.document
        if document is None or not self.is_attached:
            return
        height = self.scrollable_content_region.height
        start = int(self.scroll_offset.y) + height
        stop = min(document.line_count, start + height)
        cache = self._cache
        base = self._base()
        for index in range(start, stop):
            if cache.get(index) is None:
                cache[index] = self._make_strip(index, base)

    def _resolve_styles(self) -> dict[str, Style]:
        if self._styles is None:
            base = self._base()
            self._styles = {
                kind: base + self.get_component_rich_style(f"json-viewer--{kind}")
                for kind in (*_KINDS, "match", "current-match", "more")
            }
            self._styles["space"] = self._styles["punct"]
        return self._styles

    def _base(self) -> Style:
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._base()
        document = self.document
        if document is None or index >= document.line_count:
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._make_strip(index, base)
            self._cache[index] = strip
        # No apply_offsets (mouse text selection): it doubles the cost of painting a new page.
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _make_strip(self, index: int, base: Style) -> Strip:
        assert self.document is not None
        line = self.document.line(index)
        more = ""
        if len(line) > MAX_LINE_CHARS:
            more = f" … {len(line) - MAX_LINE_CHARS:,} more characters (see the Raw tab)"
            line = line[:MAX_LINE_CHARS]
        styles = self._resolve_styles()
        highlight = self.highlight and self.document.is_json_line(index)
        matches = jsonview.find_in_line(line, self._query, self._case_sensitive) if self._query else []
        if not matches and len(line) <= TEXT_CACHE_MAX_CHARS:
            key = (line, highlight)
            strip = self._text_cache.get(key)
            if strip is None:
                strip = self._text_cache[key] = self._plain_strip(line, highlight, styles, base)
            return strip
        if not matches:  # a long line: kept by index only (the text cache holds short lines)
            segments = list(self._plain_strip(line, highlight, styles, base))
        else:
            text = Text(no_wrap=True, end="")
            if highlight:
                get = styles.get
                for kind, piece in jsonview.tokenize_line(line):
                    text.append(piece, get(kind, base))
            else:
                text.append(line, base)
            current = self.current_match
            size = len(self._query)
            for col in matches:
                is_current = current is not None and current == (index, col)
                text.stylize(styles["current-match" if is_current else "match"], col, col + size)
            segments = list(text.render(self.app.console))
        if more:
            segments.append(Segment(more, styles["more"]))
        return Strip(segments)

    @staticmethod
    def _plain_strip(line: str, highlight: bool, styles: dict[str, Style], base: Style) -> Strip:
        """A line with no search match: highlighted tokens, or one plain segment."""
        if not highlight:
            return Strip([Segment(line, base)])
        # Whitespace takes the punctuation style (invisible either way), so ": " and "  ]," become
        # one segment each: fewer segments, less work per painted line.
        get = styles.get
        segments: list[Segment] = []
        last_style = None
        for kind, piece in jsonview.tokenize_line(line):
            style = get(kind, base)
            if style is last_style:
                segments[-1] = Segment(segments[-1].text + piece, style)
            else:
                segments.append(Segment(piece, style))
                last_style = style
        return Strip(segments)

    def on_worker_state_changed(self, event) -> None:
        worker = event.worker
        if worker.name != "json-viewer-width" or event.state.name != "SUCCESS":
            return
        event.stop()
        document = self._width_pending
        if document is not None and document is self.document:
            self._width_pending = None
            self.virtual_size = Size(min(int(worker.result), MAX_LINE_CHARS + 40), document.line_count)


class ResponseBody(Vertical):
    """A JsonViewer with a search bar: ``/`` or ctrl+f opens it, enter searches, escape closes."""

    DEFAULT_CSS = """
    ResponseBody {
        height: 1fr;
    }
    ResponseBody > #json-search {
        display: none;
        height: 3;
    }
    ResponseBody.-searching > #json-search {
        display: block;
    }
    """

    BINDINGS = [
        Binding("slash", "open_search", "Search", id="response_body.search"),
        Binding("ctrl+f", "open_search", "Search", show=False, id="response_body.search_ctrl_f"),
    ]

    def __init__(
        self,
        *,
        highlight: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._highlight = highlight

    def compose(self):
        # the search box is mounted when first opened: an Input is one of the costliest widgets to
        # style and mount, and the first screen never shows it
        yield JsonViewer(highlight=self._highlight, id="json-viewer")

    @property
    def viewer(self) -> JsonViewer:
        return self.query_one(JsonViewer)

    @property
    def search_input(self) -> Input:
        """The search box (mounted now if it was not yet: it can be written to at once)."""
        found = self.query("#json-search")
        if found:
            return found.first(Input)
        box = LineInput(placeholder="Search (enter: find · n/N: next/previous · esc: close)", id="json-search")
        self.mount(box, before=self.viewer)
        return box

    def load(self, document: Document) -> None:
        self.viewer.load(document)

    def clear(self) -> None:
        self.viewer.clear()

    def show_text(self, text: str) -> None:
        self.viewer.show_text(text)

    def action_open_search(self) -> None:
        box = self.search_input
        self.add_class("-searching")
        box.focus()  # (Textual focuses it once mounted: focus() waits for the message loop)

    def close_search(self) -> None:
        self.remove_class("-searching")
        self.viewer.focus()

    @on(Input.Submitted, "#json-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        viewer = self.viewer
        if event.value != viewer._query:
            viewer.search(event.value)
        else:
            viewer.next_match()
        viewer.focus()

    @on(Input.Changed, "#json-search")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        viewer = self.viewer
        document = viewer.document
        if document is not None and document.size <= LIVE_SEARCH_LIMIT:
            viewer.search(event.value)

    def on_key(self, event) -> None:
        if event.key == "escape" and self.has_class("-searching"):
            event.stop()
            event.prevent_default()
            self.close_search()
