"""The response area: a status line and the Body / Headers / Tree / Raw / Request / Explain tabs.

Bodies never go into a TextArea or a Static: the Body and Raw tabs are the virtualised
:class:`~tui.widgets.json_viewer.JsonViewer`, fed a Document prepared in a thread worker by
the panel. The Tree tab is filled only when it is first shown for an answer.
"""

from __future__ import annotations

import os

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane

from tui.widgets.rate_meter import frozen


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def status_style(status: int | None) -> str:
    if status is None:
        return "bold $error"
    if status < 300:
        return "bold $success"
    if status < 400:
        return "bold $warning"
    return "bold $error"


def status_line(exchange, note: str = "") -> Content:
    """`200 OK · 12 ms · 3.4 KB` (times as fixed text when APIPLAY_FREEZE_TIMINGS=1)."""
    if exchange.status is None:
        head = f"✗ {exchange.error or 'no answer'}"
    else:
        head = f"{exchange.status} {exchange.reason}".strip()
    ms = "N ms" if frozen() else f"{exchange.elapsed_s * 1000:.0f} ms"
    parts: list = [(head, status_style(exchange.status)), (f"  · {ms} · {human_size(exchange.size)}", "$text-muted")]
    if exchange.truncated:
        parts.append(("  · truncated at the body cap", "bold $warning"))
    if note:
        parts.append((f"  · {note}", "$accent"))
    return Content.assemble(*parts)


def _viewer(raw: bool, id: str):
    try:
        from tui.widgets.json_viewer import JsonViewer
    except ImportError:  # pragma: no cover - until the viewer lands
        return Static("(the JSON viewer is not available)", id=id)
    try:
        return JsonViewer(id=id, raw=raw)
    except TypeError:
        v = JsonViewer(id=id)
        if raw and hasattr(v, "raw"):
            try:
                v.raw = True
            except Exception:
                pass
        return v


class ResponseView(Vertical):
    DEFAULT_CSS = """
    ResponseView { height: 1fr; }
    ResponseView > #status-line { height: 1; padding: 0 1; background: $boost; }
    ResponseView > TabbedContent { height: 1fr; }
    ResponseView TabPane { padding: 0; }
    ResponseView #headers-view, ResponseView #request-view, ResponseView #explain-view { padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.document = None
        self.tree_loaded_for = None
        self.curl_plain = ""

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("No request sent yet. Pick an endpoint, fill the form, press ctrl+s.", "$text-muted"),
                     id="status-line")
        with TabbedContent(id="response-tabs"):
            with TabPane("Body", id="tab-body"):
                yield _viewer(False, "body-viewer")
            with TabPane("Headers", id="tab-headers"):
                with VerticalScroll():
                    yield Static("", id="headers-view")
            with TabPane("Tree", id="tab-tree"):
                yield Static("", id="tree-holder")
            with TabPane("Raw", id="tab-raw"):
                yield _viewer(True, "raw-viewer")
            with TabPane("Request", id="tab-request"):
                with VerticalScroll():
                    yield Static("", id="request-view")
            with TabPane("Explain", id="tab-explain"):
                with VerticalScroll():
                    yield Static("", id="explain-view")

    # ---- filling ---------------------------------------------------------------------------

    def set_status(self, content: Content | str) -> None:
        self.query_one("#status-line", Static).update(content if isinstance(content, Content) else Content(content))

    @property
    def status_text(self) -> str:
        return str(self.query_one("#status-line", Static).render())

    def show_exchange(self, exchange, explanation=None, note: str = "") -> None:
        self.set_status(status_line(exchange, note))
        hdrs = [Content.assemble((f"{k}: ", "bold $accent"), (v, "")) for k, v in exchange.headers]
        self.query_one("#headers-view", Static).update(Content("\n").join(hdrs) if hdrs else Content("(no headers)"))
        self.show_explanation(explanation)
        tabs = self.query_one("#response-tabs", TabbedContent)
        if explanation is not None and tabs.active in ("tab-body", "tab-explain", ""):
            tabs.active = "tab-explain"
        elif explanation is None and tabs.active == "tab-explain":
            tabs.active = "tab-body"

    def show_explanation(self, explanation) -> None:
        view = self.query_one("#explain-view", Static)
        if explanation is None:
            view.update(Content.styled("Nothing to explain: the last answer was not an error.", "$text-muted"))
            return
        parts: list = [(explanation.title, "bold $error"), "\n\n"]
        if explanation.provider_message:
            who = "The provider says" if explanation.status is not None else "Detail"
            parts += [(f"{who}: ", "bold"), (explanation.provider_message, "bold $warning"), "\n\n"]
        if explanation.message_meaning:
            parts += [("What it means: ", "bold"), explanation.message_meaning, "\n\n"]
        if explanation.meaning and explanation.meaning != explanation.message_meaning:
            label = f"Status {explanation.status}: " if explanation.status is not None else ""
            parts += [(label or "Meaning: ", "bold"), explanation.meaning, "\n\n"]
        for f in explanation.field_errors:
            parts += [("  • ", "$error"), f, "\n"]
        if explanation.rate_limited and explanation.wait_s is not None:
            parts += [("\nRate limited: ", "bold $error"), f"wait {explanation.wait_s:g} s before the next request.\n"]
        if explanation.hint:
            parts += [("\nWhat to do: ", "bold $success"), explanation.hint]
        view.update(Content.assemble(*parts))

    def show_request(self, curl: str) -> None:
        self.query_one("#request-view", Static).update(Content(curl))

    def load_document(self, document) -> None:
        """Show a prepared Document in the Body and Raw viewers (Tree on first show)."""
        self.document = document
        self.tree_loaded_for = None
        for vid in ("#body-viewer", "#raw-viewer"):
            viewer = self.query_one(vid)
            if hasattr(viewer, "load"):
                viewer.load(document)
        if self.query_one("#response-tabs", TabbedContent).active == "tab-tree":
            self._load_tree()

    def clear_body(self, text: str = "") -> None:
        self.document = None
        for vid in ("#body-viewer", "#raw-viewer"):
            viewer = self.query_one(vid)
            if hasattr(viewer, "clear"):
                viewer.clear()

    @on(TabbedContent.TabActivated, "#response-tabs")
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        if event.pane.id == "tab-tree":
            self._load_tree()

    def _load_tree(self) -> None:
        doc = self.document
        if doc is None or self.tree_loaded_for is doc:
            return
        self.tree_loaded_for = doc
        holder = self.query_one("#tab-tree", TabPane)
        try:
            from tui.widgets.json_tree import JsonTree
        except ImportError:  # pragma: no cover
            return
        for child in list(holder.children):
            child.remove()
        data = doc.data if getattr(doc, "has_data", True) else None
        try:
            tree = JsonTree(data, id="body-tree")
        except TypeError:
            tree = JsonTree(id="body-tree")
            if hasattr(tree, "load"):
                tree.load(data)
        holder.mount(tree)
