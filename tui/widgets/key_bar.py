"""KeyBar: the footer line of keys, as one widget redrawn in place.

Textual's ``Footer`` recomposes itself (one widget per key, ~20 here) whenever the bindings
change: the first answer (its keys appear), a request still running (Cancel), a focus change.
Each rebuild cost 35-55 ms here, plus a layout pass of the whole screen, and landed while the
user typed. KeyBar draws the same keys on its single line: a change repaints one line.

It shows what ``Screen.active_bindings`` offers (bindings with ``show``; one key per action; a key
whose action is disabled is dimmed), the command palette's key on the right, and drops keys from
the end when the line is too narrow (F1 and the palette list them all). A click on a key presses it.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget


class Key(NamedTuple):
    key: str  # the key, as simulate_key takes it
    display: str  # as shown: "^s", "f1"
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: tuple[Key, ...] = ()
        self.palette: Key | None = None
        self._spans: list[tuple[int, int, Key]] = []  # x from, x to, key: for clicks
        self._strip: Strip | None = None

    # ---- what to show -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.update_keys)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.update_keys()

    def update_keys(self) -> None:
        """Read the screen's active bindings; repaint (one line, no layout) if what shows changed."""
        app = self.app
        try:
            active = self.screen.active_bindings
        except Exception:  # the screen is closing
            return
        seen: set[str] = set()
        keys = []
        palette = None
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = Key(binding.key, app.get_key_display(binding), binding.description, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(Key(binding.key, app.get_key_display(binding), binding.description, enabled))
        if tuple(keys) != self.keys or palette != self.palette:
            self.keys, self.palette = tuple(keys), palette
            self._strip = None
            self.refresh()

    @property
    def shown(self) -> list[str]:
        """The descriptions on screen now, in order (the palette's last)."""
        self._line(self.size.width or 10_000)
        return [k.description for _a, _b, k in self._spans]

    # ---- drawing ------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None

    def _line(self, width: int) -> Strip:
        if self._strip is not None and self._strip.cell_length == width:
            return self._strip
        base = self.rich_style
        key_style = base + self.get_component_rich_style("key-bar--key")
        desc_style = base + self.get_component_rich_style("key-bar--description")
        dim = Style(dim=True)

        def parts(k: Key) -> list[Segment]:
            ks, ds = (key_style, desc_style) if k.enabled else (key_style + dim, desc_style + dim)
            return [Segment(f" {k.display} ", ks), Segment(f"{k.description} ", ds)]

        def cells(k: Key) -> int:
            return cell_len(k.display) + cell_len(k.description) + 3

        right = cells(self.palette) if self.palette else 0
        segments: list[Segment] = []
        spans: list[tuple[int, int, Key]] = []
        x = 0
        for k in self.keys:
            if x + cells(k) > width - right - (1 if right else 0):
                break  # too narrow: the rest are in F1's list and the palette
            segments += parts(k)
            spans.append((x, x + cells(k), k))
            x += cells(k)
        if self.palette and x + right <= width:
            gap = width - x - right
            segments.append(Segment(" " * gap, base))
            spans.append((width - right, width, self.palette))
            segments += parts(self.palette)
            x = width
        if x < width:
            segments.append(Segment(" " * (width - x), base))
        self._spans = spans
        self._strip = Strip(segments, width)
        return self._strip

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0 or width <= 0:
            return Strip.blank(width, self.rich_style)
        return self._line(width)

    # ---- clicks -------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self._line(self.size.width)
        for start, end, k in self._spans:
            if start <= event.x < end:
                if k.enabled:
                    self.app.simulate_key(k.key)
                else:
                    self.app.bell()
                return
