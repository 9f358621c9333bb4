"""LineInput: Textual's Input without a screen layout pass on every key.

Textual's ``Input`` sets its ``virtual_size`` (a reactive declared with ``layout=True``) to the
width of its text on every change, so each key typed re-arranges the whole screen: 10-25 ms
here on a screen as full as a provider panel, while a large answer is being prepared. The
virtual width only bounds the field's own horizontal scrolling, which Input does itself from the
value, so it is set here without the layout. A field whose size follows its text (``width:
auto``) still asks for one, as Input does.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Input


class LineInput(Input):
    def _watch_value(self, value: str) -> None:
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)  # sets the same virtual size again: no change, no layout
