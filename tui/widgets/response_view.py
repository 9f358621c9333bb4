"""The response area: a status line and the Body / Headers / Tree / Raw / Request / Explain tabs.

Bodies never go into a TextArea or a Static: the Body and Raw tabs are the virtualised
:class:`~tui.widgets.json_viewer.JsonViewer`, fed a Document prepared in a thread worker by
the panel. The Tree tab is filled only when it is first shown for an answer.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui import messages as M
from tui.core.fmt import human_size
from tui.widgets.json_viewer import JsonViewer, ResponseBody
from tui.widgets.response_filter import ResponseFilter, TruncatedBar
from tui.core.jsonview import inert_text
from tui.widgets.rate_meter import frozen
from tui.widgets.tabs import Pane, Tabbed


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
        head = inert_text(f"{exchange.status} {exchange.reason}".strip())
    ms = "N ms" if frozen() else f"{exchange.elapsed_s * 1000:.0f} ms"
    parts: list = [(head, status_style(exchange.status)), (f"  · {ms} · {human_size(exchange.size)}", "$text-muted")]
    if exchange.status is not None and exchange.error:  # e.g. the connection closed mid-body: not the cap
        parts.append((f"  · {inert_text(exchange.error)}", "bold $error"))
    elif exchange.truncated:
        parts.append(("  · truncated at the body cap", "bold $warning"))
    if note:
        parts.append((f"  · {note}", "$accent"))
    return Content.assemble(*parts)


def headers_text(headers) -> Content:
    """The Headers tab: one `name: value` line a header."""
    lines = [Content.assemble((f"{k}: ", "bold $accent"), (v, "")) for k, v in headers]
    return Content("\n").join(lines) if lines else Content("(no headers)")


def explanation_text(explanation) -> Content:
    """The Explain tab: what the provider said, what it means and what to do."""
    if explanation is None:
        return Content.styled("Nothing to explain: the last answer was not an error.", "$text-muted")
    parts: list = [(explanation.title, "bold $error"), "\n\n"]
    if explanation.provider_message:
        who = "The provider says" if explanation.status is not None else "Detail"
        parts += [(f"{who}: ", "bold"), (inert_text(explanation.provider_message), "bold $warning"), "\n\n"]
    if explanation.message_meaning:
        parts += [("What it means: ", "bold"), explanation.message_meaning, "\n\n"]
    if explanation.meaning and explanation.meaning != explanation.message_meaning:
        label = f"Status {explanation.status}: " if explanation.status is not None else ""
        parts += [(label or "Meaning: ", "bold"), explanation.meaning, "\n\n"]
    for f in explanation.field_errors:
        parts += [("  • ", "$error"), inert_text(f), "\n"]
    if explanation.rate_limited and explanation.wait_s is not None:
        parts += [("\nRate limited: ", "bold $error"), f"wait {explanation.wait_s:g} s before the next request.\n"]
    if explanation.hint:
        parts += [("\nWhat to do: ", "bold $success"), explanation.hint]
    return Content.assemble(*parts)


#: the tabs whose contents are mounted after the first paint: (title, pane id)
_LATER_TABS = (("Headers", "tab-headers"), ("Tree", "tab-tree"), ("Raw", "tab-raw"), ("Request", "tab-request"),
               ("Explain", "tab-explain"))


class TabText(Static):
    """The text of a tab that is often hidden (Headers, Request, Explain).

    While its tab is hidden, new text is only kept, as the function that makes it, and made and
    drawn when the tab is shown (or render() is asked for it): most answers are read in the Body tab,
    so their headers, curl command and explanation were formatted for nothing, and refreshing a
    widget that is not on screen makes Textual re-arrange the whole screen.
    """

    _pending: Content | Callable[[], Content] | None = None

    def set_text(self, content: Content | Callable[[], Content]) -> None:
        """Show `content`, or what `content()` returns, made only once the text can be seen."""
        if self.is_on_screen:
            self._pending = None
            self.update(content() if callable(content) else content)
        else:
            self._pending = content

    @property
    def is_on_screen(self) -> bool:
        try:
            # its screen's map, even under a dialog: the screen repaints what changed when it is back
            return self in self.screen._compositor.visible_widgets
        except Exception:  # not mounted yet / no screen
            return False

    def _made(self) -> Content | None:
        pending = self._pending
        if callable(pending):
            pending = self._pending = pending()
        return pending

    def render(self):
        pending = self._made()
        if pending is not None:
            return pending
        return super().render()

    def on_show(self) -> None:
        content = self._made()
        if content is not None:
            self._pending = None
            self.update(content)


class ResponseView(Vertical):
    DEFAULT_CSS = """
    ResponseView { height: 1fr; }
    ResponseView > #status-line { height: 1; padding: 0 1; background: $boost; }
    ResponseView #headers-view, ResponseView #request-view, ResponseView #explain-view { padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.document = None
        self.body = b""
        self.content_type = None
        self.tree_loaded_for = None
        self.raw_loaded_for = None

    def compose(self) -> ComposeResult:
        # What the first screen shows: the status line and the Body tab's viewer. The rest (the
        # truncated-body bar, the filter box, the other tabs and their contents) is mounted just
        # after the first paint (mount_hidden_parts): fewer widgets to style and lay out before it.
        yield Static(Content.styled("Nothing sent yet · type to find an endpoint, enter, fill the form, ctrl+s"
                                     " · F2 next provider · ctrl+p jump · F1 help", "$text-muted"),
                     id="status-line")
        with Tabbed(id="response-tabs", initial="tab-body", later=[(i, t) for t, i in _LATER_TABS],
                    on_missing=self.mount_hidden_parts):
            with Pane("Body", id="tab-body"):
                yield ResponseBody(id="body-viewer")

    # ---- mounted after the first paint --------------------------------------------------------

    _hidden_mounted = False
    _hidden_mounts: list | tuple = ()  # the mounts started by mount_hidden_parts, until awaited

    def on_mount(self) -> None:
        self.call_after_refresh(self.mount_hidden_parts)

    def mount_hidden_parts(self) -> None:
        """Mount what the first screen does not show (once). The leaf widgets (texts, viewer, tree) can
        be queried and written to as soon as this returns; the filter box and the truncated-body bar
        have their parts once mounted (hidden_parts_mounted)."""
        if self._hidden_mounted or not self.is_attached:
            return
        self._hidden_mounted = True
        mounts = self._hidden_mounts = []
        tabs = super().query_one("#response-tabs", Tabbed)  # (not self.query_one: that comes here)
        mounts.append(tabs.add_panes(Pane(title, id=pane_id) for title, pane_id in _LATER_TABS))
        mounts.append(self.mount(TruncatedBar(id="truncated-bar"), after="#status-line"))  # a body cut at the cap
        mounts.append(self.query_one("#tab-body", Pane).mount(ResponseFilter(id="response-filter"),  # f6
                                                                 before="#body-viewer"))
        self._scrolling_text("#tab-headers", "headers-view")
        from tui.widgets.json_tree import JsonTree  # here: Textual's Tree is not needed before the first paint

        mounts.append(self.query_one("#tab-tree", Pane).mount(JsonTree(id="body-tree")))
        mounts.append(self.query_one("#tab-raw", Pane).mount(JsonViewer(highlight=False, id="raw-viewer")))
        self._scrolling_text("#tab-request", "request-view")
        self._scrolling_text("#tab-explain", "explain-view")

    async def hidden_parts_mounted(self) -> None:
        """Mount the hidden parts now if they are not yet, and wait until they are."""
        self.mount_hidden_parts()
        mounts, self._hidden_mounts = self._hidden_mounts, []
        for mounting in mounts:
            await mounting

    def _scrolling_text(self, pane: str, text_id: str) -> None:
        # mounted one inside the other (not VerticalScroll(Static(...)), whose child would only exist
        # once the scroll composes): the text can be written to at once
        scroll = VerticalScroll()
        self.query_one(pane, Pane).mount(scroll)
        self._hidden_mounts.append(scroll.mount(TabText("", id=text_id)))

    def query_one(self, selector, expect_type=None):
        """Any look-up inside the view first mounts the hidden parts (an answer shown before they were)."""
        if not self._hidden_mounted:
            self.mount_hidden_parts()
        return super().query_one(selector, expect_type)

    # ---- filling ---------------------------------------------------------------------------

    def set_status(self, content: Content | str) -> None:
        # one fixed line: no layout pass (a screen reflow per request is most of a small request's cost)
        self.query_one("#status-line", Static).update(content if isinstance(content, Content) else Content(content),
                                                      layout=False)

    @property
    def status_text(self) -> str:
        return str(self.query_one("#status-line", Static).render())

    def show_exchange(self, exchange, explanation=None, note: str = "") -> None:
        self.set_status(status_line(exchange, note))
        self.query_one(TruncatedBar).show(exchange)
        self.query_one("#headers-view", TabText).set_text(partial(headers_text, exchange.headers))
        self.show_explanation(explanation)
        tabs = self.query_one("#response-tabs", Tabbed)
        if explanation is not None and tabs.active in ("tab-body", "tab-explain", ""):
            tabs.active = "tab-explain"
        elif explanation is None and tabs.active == "tab-explain":
            tabs.active = "tab-body"

    def show_explanation(self, explanation) -> None:
        self.query_one("#explain-view", TabText).set_text(partial(explanation_text, explanation))

    def show_request(self, curl: str | Callable[[], str]) -> None:
        """The Request tab's text: `curl`, or what `curl()` returns (made when the tab is shown)."""
        self.query_one("#request-view", TabText).set_text(
            (lambda: Content(curl())) if callable(curl) else Content(curl))

    def load_document(self, document, body: bytes = b"", content_type: str | None = None) -> None:
        """Show a prepared Document in the Body viewer; Tree and Raw are filled when first shown."""
        self.document = document
        self.body = body
        self.content_type = content_type
        self.tree_loaded_for = None
        self.raw_loaded_for = None
        self.query_one(ResponseBody).load(document)
        self.query_one(ResponseFilter).source_changed(document)  # an open filter runs again on the new body
        active = self.query_one("#response-tabs", Tabbed).active
        if active == "tab-tree":
            self._load_tree()
        elif active == "tab-raw":
            self._load_raw()

    def clear_body(self) -> None:
        self.document = None
        self.body = b""
        self.query_one(ResponseBody).clear()
        self.query_one("#raw-viewer", JsonViewer).clear()
        self.query_one("#body-tree").show_message("")

    @on(Tabbed.TabActivated, "#response-tabs")
    def _tab(self, event: Tabbed.TabActivated) -> None:
        event.stop()
        if event.pane.id == "tab-tree":
            self._load_tree()
        elif event.pane.id == "tab-raw":
            self._load_raw()

    def _load_tree(self) -> None:
        doc = self.document
        if doc is None or self.tree_loaded_for is doc:
            return
        self.tree_loaded_for = doc
        self.query_one("#body-tree").load_document(doc)  # a large body is parsed in a worker

    def _load_raw(self) -> None:
        doc = self.document
        if doc is None or self.raw_loaded_for is doc:
            return
        self.raw_loaded_for = doc
        self._prepare_raw(self.body, self.content_type, doc)

    @work(thread=True, exclusive=True, group="raw", description="prepare raw body")  # no repr() of the body
    def _prepare_raw(self, body: bytes, content_type: str | None, doc) -> None:
        from tui.core.jsonview import prepare_raw

        self.post_message(M.RawPrepared(doc, prepare_raw(body, content_type=content_type)))

    def on_raw_prepared(self, message: M.RawPrepared) -> None:
        message.stop()
        if message.for_document is self.document:
            self.query_one("#raw-viewer", JsonViewer).load(message.document)
