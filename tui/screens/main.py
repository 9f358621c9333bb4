"""The main screen: a compositor that renders only the widgets a partial update can show, and no repeated start-up passes.

Textual repaints changed widgets by cutting the screen into the rectangles that changed. To fill
them, its compositor asks every widget whose *clip* (its parent's visible area) overlaps the box
around all those rectangles for all of its lines. An answer's frame changes the status line and the
body, so about 30 widgets were drawn for it: the header, the key bar, the endpoint list, the tab bars,
and every container from the screen down, each for its whole height, although none of them had a
cell inside a changed rectangle. That was a third of the frame (tui issue 5, ``request_overhead_ms``).

:class:`LeanCompositor` asks only the widgets whose visible area overlaps one of the changed
rectangles, and only for the lines those rectangles cover. What reaches the terminal is the same
(``tests/ui/test_main_screen.py`` compares the bytes of every partial frame with Textual's own).
Widgets are visited front to back, and once the widgets in front have covered a changed rectangle,
the ones behind (the containers) are not asked for it at all: a widget draws every cell of its
area, Textual never blends one widget over another.
Full frames (start-up, resize, a layout) are made the same way, for the whole screen.

This relies on Textual's compositor internals (``_dirty_regions``, ``_get_renders``,
``visible_widgets``); Textual is pinned exactly in pyproject.toml for that reason.
"""

from __future__ import annotations

from textual._compositor import Compositor
from textual.geometry import Region
from textual.screen import Screen


class LeanCompositor(Compositor):
    """A Compositor whose partial updates render only what the changed rectangles show."""

    def __init__(self) -> None:
        super().__init__()
        self._painting: list[Region] | None = None  # the changed rectangles of the update being made

    def render_partial_update(self):
        self._painting = list(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._painting = None

    def render_full_update(self, simplify: bool = False):
        # the whole screen, drawn front to back the same way: what the widgets in front cover is not
        # asked of those behind (the screen itself, the endpoint list's container around its two
        # children, the form's rows...)
        self._painting = [self.size.region]
        try:
            return super().render_full_update(simplify)
        finally:
            self._painting = None

    def _get_renders(self, crop: Region | None = None):
        painting = self._painting
        if not painting or crop is None:
            yield from super()._get_renders(crop)
            return
        uncovered = painting  # the parts of the changed rectangles no widget in front has drawn
        for widget, (region, clip) in self.visible_widgets.items():  # front to back
            visible = region.intersection(clip)
            top = bottom = None
            for changed in uncovered:
                if changed.overlaps(visible):
                    first = max(changed.y, visible.y)
                    end = min(changed.bottom, visible.bottom)
                    top = first if top is None else min(top, first)
                    bottom = end if bottom is None else max(bottom, end)
            if top is None:
                continue  # nothing of this widget shows in what changed
            # Whole lines of the widget's visible width: the compositor cuts them at widget edges.
            yield region, Region(visible.x, top, visible.width, bottom - top), widget.render_lines(
                Region(visible.x - region.x, top - region.y, visible.width, bottom - top))
            # A widget draws every cell of its visible area (no compositing between widgets):
            # what it covers needs nothing from the widgets behind it.
            uncovered = [piece for changed in uncovered for piece in subtract(changed, visible)]
            if not uncovered:
                return


def subtract(region: Region, cover: Region) -> list[Region]:
    """The parts of `region` outside `cover`: up to four rectangles."""
    if not region.overlaps(cover):
        return [region]
    x, y, right, bottom = region.x, region.y, region.right, region.bottom
    top_y, bottom_y = max(y, cover.y), min(bottom, cover.bottom)
    pieces = []
    if cover.y > y:  # above the cover
        pieces.append(Region(x, y, region.width, cover.y - y))
    if cover.bottom < bottom:  # below it
        pieces.append(Region(x, cover.bottom, region.width, bottom - cover.bottom))
    if cover.x > x:  # left of it, beside the cover
        pieces.append(Region(x, top_y, cover.x - x, bottom_y - top_y))
    if cover.right < right:  # right of it
        pieces.append(Region(cover.right, top_y, right - cover.right, bottom_y - top_y))
    return pieces


class MainScreen(Screen):
    """The app's first screen: a :class:`LeanCompositor`, and two passes of Textual's skipped at
    start-up where they only repeated work (see the two methods below)."""

    _resumed = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._compositor = LeanCompositor()

    def _on_screen_resume(self, event) -> None:
        """Textual restyles a screen's whole tree when it is resumed; on the first resume every
        widget was styled a moment before, as it was mounted (App._register), so that pass only
        repeated the work (15-25 ms of start-up before the first frame, ~70 widgets and their
        component classes). Later resumes (a dialog closed) restyle as usual."""
        # runs before Screen._on_screen_resume (Textual calls each class' handler, subclass first)
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _screen_resized(self, size) -> None:
        """A Resize to the size the screen is already laid out at (at start-up the app and the driver
        each send one just after the first frame) re-arranged and repainted everything pending at once:
        a second full frame (~25 ms) before the one the update timer makes anyway for the same widgets.
        Nothing moved, so what is pending is left to that next frame."""
        if size and size == self._compositor.size:  # (0x0 until the first layout)
            self.check_idle()  # the update timer paints what is pending
            return
        super()._screen_resized(size)

    def paint_changed(self) -> None:
        """Paint the widgets on screen that asked only for a repaint, now: an answer's frame.

        Textual learns of a repaint through messages: a Prompt to each widget, which then posts an
        Update to the screen, which resumes its update timer, which paints at its next 1/60 s slot.
        For an answer (status line, meter, body) that was a round of task switches, and an answer
        that came within 1/60 s after another frame (the meter's countdown) waited up to 16 ms for
        its slot. The panel calls this as the last step of showing an answer, so the frame is made
        there, once. A widget that also needs a layout, a scroll update or new styles is left to
        Textual's path (the next frame)."""
        if self.app._batch_count or not self.is_current or self not in self._compositor:
            return
        queued = False
        for widget in self._compositor.visible_widgets:
            if widget._repaint_required and not (widget._layout_required or widget._scroll_required
                                                 or widget._refresh_styles_required or widget._recompose_required):
                widget._repaint_required = False  # (its Prompt then finds nothing to post)
                self._dirty_widgets.add(widget)
                queued = True
        if queued:
            try:
                self._on_timer_update()  # what the update timer calls: paints _dirty_widgets
            except Exception as error:  # as an error in the update timer's callback would be
                self.app._handle_exception(error)
