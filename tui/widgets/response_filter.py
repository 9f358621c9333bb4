"""Actions on an answer: a JMESPath filter over the Body, copy / save, and "the body was cut" actions.

* :class:`ResponseFilter` (``#response-filter``, above the Body viewer): an Input (``#filter-input``) and a
  message (``#filter-message``). f6 opens it; typing filters (debounced, ~150 ms); a bad expression shows
  the error in plain English and leaves the viewer alone; escape (or an empty box) shows the whole body
  again. The expression is compiled on the event loop (microseconds); searching the data, dumping the
  result and preparing it for the viewer run in a thread worker, which posts :class:`ResponseFilter.Filtered`.
  The filtered result is a normal Document in the same viewer, so ``/``, n and N search it.
* :class:`TruncatedBar` (``#truncated-bar``, under the status line): shown only when the answer was cut
  at the body cap, with "Load more" (``#load-more``, f10: the same request again with twice the cap)
  and "Save the whole body" (``#save-full``, f12: a fresh request streamed to a file).
* :class:`ResponseActions`: the provider panel's side of these (a mixin of ``ProviderPanel``): copy the
  request as curl (f7) / HTTPie (palette) (secrets masked unless revealed, the pack's variable names),
  copy the body (ctrl+y),
  save it (f8, :mod:`tui.screens.save_body`), load more, save the whole body. Workers never touch widgets.
  The keys avoid those of Input (ctrl+e, ctrl+d...), which would win while a form field has the focus.
"""

from __future__ import annotations

import asyncio
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from tui.widgets.line_input import LineInput

__all__ = ["ResponseFilter", "TruncatedBar", "ResponseActions", "describe_jmespath_error", "default_body_path",
           "RESPONSE_ACTIONS", "COPY_WARN_BYTES"]

#: Debounce of the filter box (seconds).
FILTER_DELAY_S = 0.15
#: Copying more than this many bytes to the clipboard is allowed, with a warning (terminals may refuse).
COPY_WARN_BYTES = 1_000_000
#: Panel actions these provide (the app's bindings and palette call them by name).
RESPONSE_ACTIONS = ("filter_body", "copy_curl", "copy_httpie", "copy_body", "save_body", "load_more",
                    "download_body")

_TOKEN_WORDS = {
    "quoted_identifier": "a name", "unquoted_identifier": "a name", "lbracket": "[", "rbracket": "]",
    "lbrace": "{", "rbrace": "}", "lparen": "(", "rparen": ")", "eof": "the end", "dot": ".",
    "star": "*", "filter": "[?", "flatten": "[]", "number": "a number", "literal": "a `literal`",
    "colon": ":", "comma": ",", "pipe": "|", "current": "@", "expref": "&",
}


def _tokens(names: str) -> str:
    words: list[str] = []
    for raw in re.findall(r"'([a-z_]+)'", names):
        w = _TOKEN_WORDS.get(raw, raw.replace("_", " "))
        if w not in words:
            words.append(w)
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def describe_jmespath_error(exc: BaseException) -> str:
    """A JMESPath compile or search error in plain English (one line)."""
    from jmespath import exceptions as E

    pos = getattr(exc, "lex_position", None)
    where = f" at character {pos + 1}" if isinstance(pos, int) else ""
    if isinstance(exc, E.IncompleteExpressionError):
        return f"The expression is incomplete{where}: something more is expected."
    if isinstance(exc, E.LexerError):
        return f"{getattr(exc, 'message', '') or 'Not a valid token'}{where}."
    if isinstance(exc, E.EmptyExpressionError):
        return "The expression is empty."
    if isinstance(exc, E.ParseError):
        token = getattr(exc, "token_value", "")
        got = "the end of the expression" if getattr(exc, "token_type", "") == "EOF" or not token else repr(token)
        msg = getattr(exc, "msg", "") or ""
        m = re.match(r"Expecting: \[(.*)\], got: ", msg)
        expected = _tokens(m.group(1)) if m else ""
        text = f"Unexpected {got}{where}"
        return text + (f": expected {expected}." if expected else ".")
    if isinstance(exc, E.UnknownFunctionError):
        return f"{exc}. See jmespath.org for the functions."
    if isinstance(exc, E.ArityError):
        return f"{exc}."
    if isinstance(exc, E.JMESPathTypeError):
        fn = getattr(exc, "function_name", "?")
        expected = " or ".join(getattr(exc, "expected_types", []) or [])
        return f"{fn}() cannot take a {getattr(exc, 'actual_type', 'value')} here; it needs {expected}."
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _summary(value: Any) -> str:
    if value is None:
        return "null: nothing matched"
    if isinstance(value, list):
        return f"{len(value):,} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"an object with {len(value):,} key{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__.replace('str', 'string').replace('bool', 'boolean')}"


class ResponseFilter(Horizontal):
    """The JMESPath box over the Body viewer (hidden until opened)."""

    DEFAULT_CSS = """
    ResponseFilter { display: none; height: auto; padding: 0 1; background: $boost; }
    ResponseFilter.-open { display: block; }
    ResponseFilter > #filter-label { width: auto; color: $text-muted; padding-right: 1; }
    ResponseFilter > #filter-input { width: 1fr; min-width: 20; }
    ResponseFilter > #filter-message { width: 1fr; height: auto; padding-left: 1; color: $text-muted; }
    ResponseFilter > #filter-message.-error { color: $text-error; }
    """

    class Filtered(Message):
        """A filter ran (in a thread): `document` to show, or `error` in plain English."""

        def __init__(self, generation: int, expression: str, document: Any = None, body: bytes = b"",
                     summary: str = "", error: str | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.expression = expression
            self.document = document
            self.body = body
            self.summary = summary
            self.error = error

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = None  # the full body's Document
        self.applied = ""  # the expression whose result is shown ("" = the whole body)
        self.result_body: bytes | None = None  # the shown result as JSON text
        self.error: str | None = None
        self._generation = 0
        self._timer = None

    def compose(self) -> ComposeResult:
        yield Static("JMESPath", id="filter-label")
        yield LineInput(placeholder="e.g. [].name  ·  [?id > `3`]  (enter: to the result · esc: whole body)",
                    id="filter-input", compact=True)
        yield Static("", id="filter-message")

    # ---- public -------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def filtered(self) -> bool:
        """A filter result (not the whole body) is shown."""
        return bool(self.applied)

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    def open(self) -> None:
        self.add_class("-open")
        self.input.focus()

    def close(self) -> None:
        """Hide the box and show the whole body again."""
        self.remove_class("-open")
        self._cancel_timer()
        with self.input.prevent(Input.Changed):
            self.input.value = ""
        self._restore()
        self._message("")
        self._viewer().focus()

    def source_changed(self, document) -> None:
        """A new body was loaded into the viewer: filter it again with the same expression."""
        self.source = document
        self.applied = ""
        self.result_body = None
        self._generation += 1
        if self.is_open and self.input.value.strip():
            self.apply(self.input.value)

    def apply(self, expression: str) -> None:
        """Compile `expression` now and filter the body in a worker (an empty one restores the body)."""
        self._cancel_timer()
        expression = expression.strip()
        self._generation += 1
        if not expression:
            self._restore()
            self._message("")
            return
        import jmespath
        from jmespath.exceptions import JMESPathError

        try:
            compiled = jmespath.compile(expression)
        except JMESPathError as exc:
            self._message(describe_jmespath_error(exc), error=True)
            return
        except Exception as exc:  # noqa: BLE001 - the parser must not take the app down
            self._message(f"Not a valid expression ({type(exc).__name__}).", error=True)
            return
        if self.source is None:
            self._message("Nothing to filter yet: send a request first.", error=True)
            return
        self._message("filtering…")
        self._run(compiled, expression, self.source, self._generation)

    # ---- internals ----------------------------------------------------------------------------

    def _viewer(self):
        from tui.widgets.json_viewer import ResponseBody

        return self.parent.query_one(ResponseBody).viewer

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _message(self, text: str, *, error: bool = False) -> None:
        self.error = text if error else None
        msg = self.query_one("#filter-message", Static)
        msg.set_class(error, "-error")
        msg.update(Content(text))

    def _restore(self) -> None:
        was = self.applied
        self.applied = ""
        self.result_body = None
        if was and self.source is not None:
            self._show(self.source)

    def _show(self, document) -> None:
        viewer = self._viewer()
        query, case = getattr(viewer, "_query", ""), getattr(viewer, "_case_sensitive", False)
        viewer.load(document)
        if query:  # keep the text search going on what is shown now
            viewer.search(query, case_sensitive=case)

    @work(thread=True, exclusive=True, group="response-filter", description="filter the body")
    def _run(self, compiled, expression: str, source, generation: int) -> None:
        from jmespath.exceptions import JMESPathError

        from tui.core.jsonview import prepare

        try:
            if not source.is_json:
                cut = " (it was cut at the body cap: load more first)" if "cut" in (source.problem or "") else ""
                self.post_message(self.Filtered(generation, expression,
                                                error=f"The body is not JSON{cut}: nothing to filter."))
                return
            value = compiled.search(source.data)
            body = json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
            document = prepare(body, content_type="application/json")
        except JMESPathError as exc:
            self.post_message(self.Filtered(generation, expression, error=describe_jmespath_error(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - say what happened, keep running
            self.post_message(self.Filtered(generation, expression,
                                            error=f"The filter failed: {type(exc).__name__}: {exc}"[:300]))
            return
        self.post_message(self.Filtered(generation, expression, document, body, _summary(value)))

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_timer()
        value = event.value
        self._timer = self.set_timer(FILTER_DELAY_S, lambda: self.apply(value), name="filter-debounce")

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() != self.applied or self.error:
            self.apply(event.value)
        self._viewer().focus()

    def on_response_filter_filtered(self, message: "ResponseFilter.Filtered") -> None:
        message.stop()
        if message.generation != self._generation:
            return  # typed on, or a new body arrived
        if message.error:
            self._message(message.error, error=True)
            return
        self.applied = message.expression
        self.result_body = message.body
        self._message(message.summary)
        self._show(message.document)

    def on_key(self, event) -> None:
        if event.key == "escape" and self.is_open:
            event.stop()
            event.prevent_default()
            self.close()


class TruncatedBar(Horizontal):
    """Under the status line when the body was cut at the cap: Load more / Save the whole body."""

    DEFAULT_CSS = """
    TruncatedBar { display: none; height: 1; padding: 0 1; background: $warning-muted; }
    TruncatedBar.-shown { display: block; }
    TruncatedBar > #truncated-text { width: auto; padding-right: 1; }
    TruncatedBar > Button { margin-right: 1; }
    """

    class LoadMore(Message):
        """The user asked to load more of a cut body."""

    class SaveFull(Message):
        """The user asked to save the whole body to a file."""

    def compose(self) -> ComposeResult:
        yield Static("", id="truncated-text")
        yield Button("Load more f10", id="load-more", compact=True)
        yield Button("Save whole body to a file f12", id="save-full", compact=True)

    def show(self, exchange) -> None:
        cut = bool(exchange is not None and exchange.truncated and exchange.status is not None
                   and not exchange.error)
        if cut:
            from tui.core.fmt import human_size

            self.query_one("#truncated-text", Static).update(
                Content(f"Only the first {human_size(len(exchange.body))} are shown."))
        self.set_class(cut, "-shown")  # (the panel refreshes the footer's f10 / f12 after the answer)

    @on(Button.Pressed, "#load-more")
    def _load_more(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.LoadMore())

    @on(Button.Pressed, "#save-full")
    def _save_full(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.SaveFull())


# --------------------------------------------------------------------------------------------------
# The panel's side


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "body"


def default_body_path(provider_id: str, endpoint_key: str, status: int | None, kind: str = "json",
                      folder: Path | None = None) -> Path:
    """<cwd>/<provider>-<endpoint slug>-<status>.json (``.txt`` for text, ``.bin`` for binary)."""
    ext = {"json": "json", "hex": "bin"}.get(kind, "txt")
    name = f"{_slug(provider_id)}-{_slug(endpoint_key)}-{status if status is not None else 'no-status'}.{ext}"
    return (folder or Path.cwd()) / name


class ResponseActions:
    """Mixed into ProviderPanel: filter, copy, save, load more, save the whole body."""

    # ---- what the footer shows ----------------------------------------------------------------

    def _cut_answer(self) -> bool:
        r = getattr(self, "result", None)
        ex = r.exchange if r is not None else None
        return bool(ex is not None and ex.truncated and ex.status is not None and not ex.error)

    def response_action_state(self, name: str) -> bool:
        """For the app's check_action: True (shown, enabled) or False (hidden: not in the footer)."""
        if name in ("load_more", "download_body"):
            return self._cut_answer()
        if name in ("copy_curl", "copy_httpie"):
            return self.endpoint is not None or self.prepared is not None
        return getattr(self, "result", None) is not None

    async def response_action(self, name: str) -> None:
        if name == "filter_body":
            self.filter_body()
        elif name in ("copy_curl", "copy_httpie"):
            self.copy_request("curl" if name == "copy_curl" else "httpie")
        elif name == "copy_body":
            self.copy_body()
        elif name == "save_body":
            self.save_body()
        elif name == "load_more":
            self.load_more()
        elif name == "download_body":
            self.download_body()

    # ---- filter -------------------------------------------------------------------------------

    def _response_view(self):
        from tui.widgets.response_view import ResponseView

        return self.query_one(ResponseView)

    def filter_body(self) -> None:
        """Show the Body tab and open (or, when focused, close) the JMESPath box."""
        from textual.widgets import ContentSwitcher

        from tui.widgets.tabs import Tabbed

        switcher = self.query_one("#panel-switcher", ContentSwitcher)
        if switcher.current != "workspace":
            switcher.current = "workspace"
        self.query_one("#response-tabs", Tabbed).active = "tab-body"
        box = self.query_one(ResponseFilter)
        if box.is_open and box.input.has_focus:
            box.close()
        else:
            box.open()

    # ---- copy ---------------------------------------------------------------------------------

    def _request_to_export(self):
        """The form's request when it is valid, else the last one sent."""
        prepared = None
        if self.endpoint is not None:
            try:
                prepared, _problem = self._prepare()
            except Exception:  # noqa: BLE001
                prepared = None
        return prepared if prepared is not None else self.prepared

    def copy_request(self, fmt: str = "curl") -> str | None:
        from tui.core.export import to_curl, to_httpie

        prepared = self._request_to_export()
        if prepared is None:
            self.app.notify("Choose an endpoint and fill the form first.", title="Copy", severity="warning")
            return None
        make = to_curl if fmt == "curl" else to_httpie
        try:
            text = make(prepared, show_secrets=self.show_secrets, provider=self.provider)
        except Exception as exc:  # noqa: BLE001
            self.app.notify(f"Could not make the command: {exc}", title="Copy", severity="error")
            return None
        self.app.copy_to_clipboard(text)
        name = "curl" if fmt == "curl" else "HTTPie"
        secrets = ("secrets shown" if self.show_secrets else "secrets as $VARIABLES") if prepared.secrets else ""
        self.app.notify(f"Copied the {name} command ({len(text.encode()):,} bytes{', ' + secrets if secrets else ''}).",
                        title="Copy")
        return text

    def copy_body(self) -> str | None:
        view = self._response_view()
        box = self.query_one(ResponseFilter)
        what = "body"
        if box.filtered and box.result_body is not None:
            data, what = box.result_body, "filtered result"
        else:
            data = view.body
        if not data:
            self.app.notify("There is no body to copy.", title="Copy", severity="warning")
            return None
        text = data.decode("utf-8", errors="replace")
        self.app.copy_to_clipboard(text)
        size = len(text.encode("utf-8"))
        if size > COPY_WARN_BYTES:
            from tui.core.fmt import human_size

            self.app.notify(f"Copied the {what}: {size:,} bytes ({human_size(size)}). Many terminals refuse "
                            "clipboard text this large; save it to a file instead (f8).", title="Copy",
                            severity="warning", timeout=8)
        else:
            self.app.notify(f"Copied the {what}: {size:,} bytes.", title="Copy")
        return text

    # ---- save ---------------------------------------------------------------------------------

    def _default_path(self) -> Path:
        r = self.result
        view = self._response_view()
        kind = view.document.kind if view.document is not None else "json"
        key = (r.exchange.request.endpoint_key if r is not None else "") or (self.endpoint.key if self.endpoint else "")
        return default_body_path(self.provider.id, key, r.exchange.status if r is not None else None, kind)

    def save_body(self) -> None:
        """Ask a path and write the body (as received) there, atomically, in a thread."""
        view = self._response_view()
        body = view.body
        if self.result is None or not body:
            self.app.notify("There is no body to save.", title="Save body", severity="warning")
            return
        from tui.screens.save_body import SaveBodyScreen

        note = ""
        if self._cut_answer():
            note = "This body was cut at the body cap: f12 saves the whole body instead."

        def done(choice) -> None:
            if choice:
                path, overwrite = choice
                self._save_body_worker(path, body, overwrite)

        self.app.push_screen(SaveBodyScreen(str(self._default_path()), title="Save the body to a file",
                                            note=note), done)

    @work(thread=True, group="save-body", description="save the body")  # no repr() of the body
    def _save_body_worker(self, path: str, body: bytes, overwrite: bool) -> None:
        from tui.core.export import SaveBodyError, save_body

        try:
            saved = save_body(path, body, overwrite=overwrite)
        except SaveBodyError as exc:
            self.app.call_from_thread(self.app.notify, f"Not saved: {exc}", title="Save body", severity="error")
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.app.notify, f"Not saved: {exc}", title="Save body", severity="error")
            return
        self.app.call_from_thread(self.app.notify, f"Saved {len(body):,} bytes to {saved}", title="Save body")

    # ---- a body cut at the cap ----------------------------------------------------------------

    def on_truncated_bar_load_more(self, message: TruncatedBar.LoadMore) -> None:
        message.stop()
        self.load_more()

    def on_truncated_bar_save_full(self, message: TruncatedBar.SaveFull) -> None:
        message.stop()
        self.download_body()

    def load_more(self) -> bool:
        """Send the same request again with twice the body cap (the answer replaces this one)."""
        if not self._cut_answer():
            self.app.notify("The body is complete: there is nothing more to load.", title="Load more")
            return False
        if self.in_flight or self.fetching:
            self.app.notify("A request is still running (esc cancels it).", title="Load more", severity="warning")
            return False
        from tui.core.export import mask_secrets
        from tui.core.fmt import human_size

        result = self.result
        prepared = result.exchange.request
        cap = max(len(result.exchange.body), 1024) * 2
        self._token += 1
        self.in_flight = True
        self.prepared = prepared
        self._response_view().set_status(Content.assemble(
            ("⟳ loading up to ", "bold $accent"), (human_size(cap), "bold $accent"), " of ",
            (prepared.method + " " + mask_secrets(prepared.url, prepared.secrets), ""), ("  · esc cancels", "$text-muted")))
        self.app.refresh_bindings()
        self._run_request(self._load_more_worker(result.endpoint or self.endpoint, prepared, cap, self._token))
        return True

    async def _load_more_worker(self, endpoint, prepared, cap: int, token: int) -> None:
        from tui import messages as M
        from tui.core.client import LARGE_BODY, _decode_large, _needs_decoding

        pid = self.provider.id
        client = self.client
        try:
            client.meter.record()
            exchange = await client.session.send(prepared, timeout=client.timeout, max_body=cap)
            decoded = None
            if exchange.status is not None and len(exchange.body) > LARGE_BODY and _needs_decoding(exchange):
                decoded = await asyncio.to_thread(_decode_large, exchange.body)  # never on the event loop
            result = client.interpret(endpoint, exchange, decoded=decoded)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a plain message, the app keeps running
            self.post_message(M.RequestFinished(pid, token, error=str(exc) or type(exc).__name__))
            return
        self.post_message(M.RequestFinished(pid, token, result=result))  # history: once it is painted

    def _record_history(self, exchange) -> None:
        """Add an exchange to the history in a thread, started once the frame being made (the
        answer's) is painted: a thread writing it at once shared the GIL with that frame (~0.7 ms
        of every answer). History is a convenience: a failure to write it is ignored."""
        history = getattr(self.app, "history", None)
        if history is not None:
            self.call_after_refresh(self._write_history, partial(
                history.add, exchange, provider_id=self.provider.id, target=self.client.target))

    def _write_history(self, add) -> None:
        if self.is_attached:  # (not when the panel went away meanwhile: the app is closing)
            self.run_worker(add, thread=True, group="history", exit_on_error=False, description="write history")

    def download_body(self) -> None:
        """Ask a path, then send the request again and stream the whole body into that file."""
        if self.result is None:
            self.app.notify("Send a request first.", title="Save whole body", severity="warning")
            return
        from tui.screens.save_body import SaveBodyScreen

        prepared = self.result.exchange.request

        def done(choice) -> None:
            if choice:
                path, overwrite = choice
                self.app.notify(f"Fetching the whole body into {path}…", title="Save whole body")
                self._download_worker(prepared, path, overwrite)

        self.app.push_screen(SaveBodyScreen(
            str(self._default_path()), title="Save the whole body to a file",
            note="The request is sent again and its whole body streamed to the file (never held in memory)."),
            done)

    @work(group="download", description="save the whole body")
    async def _download_worker(self, prepared, path: str, overwrite: bool) -> None:
        from tui.core.fmt import human_size

        client = self.client
        try:
            client.meter.record()
            exchange = await client.session.download(prepared, path, timeout=client.timeout, overwrite=overwrite)
        except asyncio.CancelledError:
            raise
        except FileExistsError:
            self.app.notify(f"Not saved: {path} already exists.", title="Save whole body", severity="error")
            return
        except OSError as exc:
            self.app.notify(f"Not saved: cannot write {path}: {exc.strerror or exc}", title="Save whole body",
                            severity="error")
            return
        except Exception as exc:  # noqa: BLE001
            self.app.notify(f"Not saved: {exc}", title="Save whole body", severity="error")
            return
        if exchange.error or exchange.status is None:
            self.app.notify(f"Not saved: {exchange.error or 'no answer'}", title="Save whole body", severity="error")
            return
        status = "" if exchange.ok else f" (the server answered {exchange.status} {exchange.reason})"
        self.app.notify(f"Saved {exchange.size:,} bytes ({human_size(exchange.size)}) to "
                        f"{Path(path).expanduser().resolve()}{status}", title="Save whole body",
                        severity="information" if exchange.ok else "warning")
