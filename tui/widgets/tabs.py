"""Tabs drawn by one widget: `Tabbed` (a strip of labels over panes, one shown at a time).

Textual's TabbedContent builds a tab bar from about ten widgets (ContentTabs, a scroll container,
two bars, one ContentTab per label, an Underline) plus a ContentSwitcher; the app has two of them on
its first screen, and each widget costs its share of styling, layout and painting at start-up.
`TabStrip` draws the same two lines (the labels, then the bar under the active one) in one widget,
with the same colours taken from the same theme variables, and `Tabbed` shows one of its panes by
setting `display` as ContentSwitcher does. tests/ui/test_tabs.py compares the cells with Textual's.

Behaviour kept from TabbedContent: click a label (or the bar under it) to show its pane and focus the
strip; left/right on the focused strip move to the previous/next tab, wrapping around; a label under
the mouse is brightened; focusing a widget inside a hidden pane shows that pane; setting
`Tabbed.active` shows a pane and posts `Tabbed.TabActivated` (not when it is already the active one).
"""

from __future__ import annotations

from typing import Callable, Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

_BAR, _HALF_LEFT, _HALF_RIGHT = "━", "╺", "╸"


def bar_cells(width: int, start: int, end: int) -> list[tuple[str, bool]]:
    """Textual's Bar (textual.renderables.bar) for whole-cell ranges, as runs of (text, highlighted):
    the bar is highlighted on [start, end), with half bars on either side of the highlight."""
    start, end = max(start, 0), min(end, width)
    if (start == end == 0) or end < 0 or start > end:
        return [(_BAR * width, False)]
    runs = [(_BAR * int(start - 0.5), False)]
    if start > 0:
        runs.append((_HALF_RIGHT, False))
    runs.append((_BAR * (end - start), True))
    if end != width:
        runs.append((_HALF_LEFT, False))
    runs.append((_BAR * (width - end - 1), False))
    return [run for run in runs if run[0]]


class TabStrip(Widget, can_focus=True):
    """A row of tab labels with a bar under the active one (two lines); posts `Selected`."""

    ALLOW_SELECT = False
    BINDINGS = [
        Binding("left", "previous_tab", "Previous tab", show=False),
        Binding("right", "next_tab", "Next tab", show=False),
    ]
    COMPONENT_CLASSES = {"tab-strip--label", "tab-strip--hover", "tab-strip--active", "tab-strip--bar"}
    # The rules of Textual's Tab, Tabs and Underline, on component classes (in ANSI colours, Textual's
    # ANSI rules win over its focus rules: they come last)
    DEFAULT_CSS = """
    TabStrip {
        width: 1fr;
        height: 2;
        & > .tab-strip--label { color: $foreground 50%; }
        & > .tab-strip--hover { color: $foreground; }
        & > .tab-strip--active { color: $foreground; }
        & > .tab-strip--bar { color: $block-cursor-background; background: $foreground 10%; }
        &:focus {
            & > .tab-strip--bar { background: $foreground 30%; }
            & > .tab-strip--active {
                text-style: $block-cursor-text-style;
                color: $block-cursor-foreground;
                background: $block-cursor-background;
            }
        }
        &:ansi {
            & > .tab-strip--label { text-style: dim; }
            & > .tab-strip--hover { text-style: dim; }
            & > .tab-strip--active { text-style: not dim bold; }
            & > .tab-strip--bar { color: $block-cursor-background; background: $border-blurred; }
        }
    }
    """

    class Selected(Message):
        """A label was clicked, or left/right moved to another tab."""

        def __init__(self, strip: TabStrip, tab_id: str) -> None:
            super().__init__()
            self.strip = strip
            self.tab_id = tab_id

    def __init__(self, tabs: Iterable[tuple[str, str]], active: str = "", **kwargs) -> None:
        """`tabs`: (id, label) pairs, in order."""
        super().__init__(**kwargs)
        self.tabs: list[tuple[str, str]] = list(tabs)
        self.active = active or (self.tabs[0][0] if self.tabs else "")
        self.hover: str | None = None

    # ---- geometry ----------------------------------------------------------------------------

    def spans(self) -> list[tuple[str, int, int]]:
        """(id, x, width) of each label, padding included, before scrolling."""
        spans, x = [], 0
        for tab_id, label in self.tabs:
            width = cell_len(label) + 2
            spans.append((tab_id, x, width))
            x += width
        return spans

    def _scroll(self, spans: list[tuple[str, int, int]]) -> int:
        """How far the labels are scrolled left: 0 when they fit, else the active label centred."""
        width = self.size.width
        total = spans[-1][1] + spans[-1][2] if spans else 0
        if total <= width:
            return 0
        for tab_id, x, w in spans:
            if tab_id == self.active:
                return max(0, min(total - width, x + w // 2 - width // 2))
        return 0

    def tab_at(self, x: int) -> str | None:
        spans = self.spans()
        x += self._scroll(spans)
        for tab_id, left, w in spans:
            if left <= x < left + w:
                return tab_id
        return None

    # ---- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y > 1 or not width:
            return Strip.blank(width, base)
        spans = self.spans()
        scroll = self._scroll(spans)
        if y == 0:
            segments = []
            for tab_id, label in self.tabs:
                name = ("tab-strip--active" if tab_id == self.active else
                        "tab-strip--hover" if tab_id == self.hover else "tab-strip--label")
                style = self.get_component_rich_style(name)
                pad = Segment(" ", Style.from_color(None, style.bgcolor))  # padding: background only
                segments += [pad, Segment(label, style), pad]
            line = Strip(segments)
            if scroll:
                line = line.crop(scroll, scroll + width)
            return line.adjust_cell_length(width, Style.from_color(None, base.bgcolor))
        bar = self.get_component_rich_style("tab-strip--bar")
        lit, unlit = base + Style.from_color(bar.color), base + Style.from_color(bar.bgcolor)
        start = end = 0
        for tab_id, x, w in spans:
            if tab_id == self.active:
                start, end = x + 1 - scroll, x + w - 1 - scroll  # under the label, not its padding
        return Strip([Segment(text, lit if on else unlit) for text, on in bar_cells(width, start, end)], width)

    # ---- input -------------------------------------------------------------------------------

    def select(self, tab_id: str) -> None:
        """Make `tab_id` the active label and say so (Selected)."""
        self.post_message(self.Selected(self, tab_id))

    def show_active(self, tab_id: str) -> None:
        """Draw `tab_id` as the active label (no message)."""
        if tab_id != self.active:
            self.active = tab_id
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        tab_id = self.tab_at(event.x)
        self.focus()
        if tab_id is not None:
            self.select(tab_id)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self.tab_at(event.x) if event.y == 0 else None
        if hover != self.hover:
            self.hover = hover
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self.hover is not None:
            self.hover = None
            self.refresh()

    def _move(self, step: int) -> None:
        ids = [tab_id for tab_id, _ in self.tabs]
        if not ids:
            return
        index = ids.index(self.active) + step if self.active in ids else (0 if step > 0 else -1)
        self.select(ids[index % len(ids)])

    def action_next_tab(self) -> None:
        self._move(+1)

    def action_previous_tab(self) -> None:
        self._move(-1)


class Pane(Widget):
    """One page of a `Tabbed`, with the title its label shows."""

    DEFAULT_CSS = "Pane { height: 1fr; }"

    def __init__(self, title: str, *children: Widget, **kwargs) -> None:
        super().__init__(*children, **kwargs)
        self.title = title


class Tabbed(Widget):
    """A TabStrip over `Pane`s, the active one shown (the others have display: none)."""

    DEFAULT_CSS = "Tabbed { height: 1fr; }"

    class TabActivated(Message):
        """Posted when another pane is shown: `pane` (the Pane), `tabbed` (this widget)."""

        ALLOW_SELECTOR_MATCH = {"pane"}

        def __init__(self, tabbed: Tabbed, pane: Pane) -> None:
            super().__init__()
            self.tabbed = tabbed
            self.pane = pane

        @property
        def control(self) -> Tabbed:
            return self.tabbed

    def __init__(self, *, initial: str = "", later: Iterable[tuple[str, str]] = (),
                 on_missing: Callable[[], object] | None = None, **kwargs) -> None:
        """`later`: (id, title) of panes added after the first paint (add_panes), labelled from the
        start; `on_missing()` is called to add them when one is asked for before that."""
        super().__init__(**kwargs)
        self._panes: list[Pane] = []
        self._active = initial
        self._later = list(later)
        self._on_missing = on_missing

    def compose_add_child(self, widget: Widget) -> None:
        if not isinstance(widget, Pane):
            raise TypeError(f"a Tabbed holds Panes, not {type(widget).__name__}")
        self._panes.append(widget)

    def compose(self):
        panes, self._panes = self._panes, []
        if not self._active and panes:
            self._active = panes[0].id or ""
        for pane in panes:
            pane.display = pane.id == self._active  # set before mounting: no restyle
        yield TabStrip([(pane.id or "", pane.title) for pane in panes] + self._later, self._active)
        yield from panes

    def add_panes(self, panes: Iterable[Pane]):
        """Add panes announced with `later` (hidden unless active); returns Textual's AwaitMount.
        They can be looked up as soon as this returns."""
        panes = list(panes)
        for pane in panes:
            pane.display = pane.id == self._active
        self._later = [(i, t) for i, t in self._later if i not in {p.id for p in panes}]
        return self.mount_all(panes)

    @property
    def strip(self) -> TabStrip:
        return self.query_one(TabStrip)

    @property
    def panes(self) -> list[Pane]:
        return [child for child in self.children if isinstance(child, Pane)]

    @property
    def active(self) -> str:
        """The id of the shown pane."""
        return self._active

    @active.setter
    def active(self, pane_id: str) -> None:
        if pane_id == self._active:
            return
        pane = next((p for p in self.panes if p.id == pane_id), None)
        if pane is None and self._on_missing is not None and any(i == pane_id for i, _ in self._later):
            self._on_missing()  # (asked for before it was added after the first paint)
            pane = next((p for p in self.panes if p.id == pane_id), None)
        if pane is None:
            raise ValueError(f"no tab {pane_id!r} here")
        self._active = pane_id
        for other in self.panes:
            other.display = other is pane
        self.strip.show_active(pane_id)
        self.post_message(self.TabActivated(self, pane))

    def on_tab_strip_selected(self, event: TabStrip.Selected) -> None:
        if event.strip.parent is self:
            event.stop()
            self.active = event.tab_id

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A widget focused inside a hidden pane: show that pane (as TabbedContent does), if it still
        has the focus: the message comes up the tree after the fact, and one from a pane the user
        has already left (focus moved on meanwhile) must not switch back to it."""
        if self.screen.focused is not event.widget:
            return
        node = event.widget
        while node is not None and node.parent is not self:
            node = node.parent
        if isinstance(node, Pane) and node.id and node.id != self._active:
            self.active = node.id
