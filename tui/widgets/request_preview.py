"""The live preview of the exact request (method and URL with query), secrets masked."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.widgets.endpoint_list import method_badge


def mask(text: str, secrets) -> str:
    if not secrets:
        return text
    try:
        from tui.core.export import mask_secrets
    except ImportError:  # pragma: no cover - export not there
        for s in secrets:
            text = text.replace(s, "••••")
        return text
    return mask_secrets(text, secrets)


class RequestPreview(Static):
    DEFAULT_CSS = """
    RequestPreview { height: auto; max-height: 4; width: 1fr; padding: 0 1; background: $boost; }
    """

    _shown: tuple | None = None  # what is on screen: (method, url, body line, problem)

    def show_prepared(self, prepared, problem: str | None = None) -> None:
        """Show a PreparedRequest (secrets masked), and a problem line when it may not be sent."""
        url = mask(prepared.url, prepared.secrets)
        body = f"body: {prepared.content_type or ''} {len(prepared.body)} bytes" if prepared.body else ""
        self._show(prepared.method, url, body, problem or "")

    def show_problem(self, method: str, url: str, problem: str) -> None:
        self._show(method, url, "", problem)

    def _show(self, method: str, url: str, body: str, problem: str) -> None:
        shown = (method, url, body, problem)
        if shown == self._shown:  # unchanged (e.g. sending again): no repaint, no layout pass
            return
        self._shown = shown
        parts: list = [method_badge(method), (url, "bold")]
        if body:
            parts.append((f"\n       {body}", "$text-muted"))
        if problem:
            parts.append(("\n✗ " + problem, "bold $error"))
        content = Content.assemble(*parts)
        # height: auto: lay the screen out again only when the text takes another number of lines
        # (typing in a field changes the URL on every key; a layout pass costs a frame)
        measure = self._measure(content)
        layout = measure is None or measure != self._measured
        self._measured = measure
        self.update(content, layout=layout)

    _measured: tuple[int, int] | None = None  # (width, lines) of what is shown

    def _measure(self, content: Content) -> tuple[int, int] | None:
        width = self.scrollable_content_region.width
        if not self.is_mounted or width <= 0:
            return None
        try:
            return width, min(content.get_height(self.styles, width), 4)  # max-height: 4
        except Exception:  # measuring is an optimisation: on any doubt, lay out
            return None
