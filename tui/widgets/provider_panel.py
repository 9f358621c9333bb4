"""One provider's playground: target, meter, endpoints, form, preview, pager, response, docs.

The panel owns its state (target, credentials, client, chosen endpoint, last answer) and its
workers. A request runs in one asyncio task at a time (``_run_request``: a new one cancels the
last); like the workers, it never touches widgets: it posts :mod:`tui.messages` messages, and the
``on_*`` handlers below update the widgets. Bodies are prepared (pretty-printed, indexed) in a
thread worker.

Heavy children are mounted only when the panel is first shown (:meth:`ensure_built`).
"""

from __future__ import annotations

import asyncio
import os
from functools import partial
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, ContentSwitcher, Static

from tui import messages as M
from tui.screens.main import MainScreen
from tui.widgets.endpoint_list import EndpointList, method_badge
from tui.widgets.param_form import ParamForm
from tui.widgets.rate_meter import RateMeter
from tui.widgets.request_preview import RequestPreview, mask
from tui.widgets.response_filter import ResponseActions
from tui.widgets.response_view import ResponseView
from tui.widgets.target_bar import TargetBar


def live_credentials(provider) -> dict[str, str]:
    """The user's stored credentials for the live API (the environment first, then the store)."""
    try:
        from tui.core.credentials import CredentialStore

        return {k: v for k, v in CredentialStore().get(provider).items() if v}
    except Exception:  # a broken store must not stop the panel; fall back to the environment
        from tui.core.env import credentials_from_env

        return dict(credentials_from_env(provider, os.environ))


def auth_summary(provider, creds: dict, target: str) -> str:
    if not provider.auth.credentials:
        return "none needed"
    if not creds:
        return "not set (ctrl+l)"
    bits = []
    for c in provider.auth.credentials:
        v = creds.get(c.name)
        if v:
            bits.append(f"{c.name} ••••" if c.secret else f"{c.name} {v}")
    demo = " (sandbox demo)" if target == "sandbox" and creds == dict(provider.auth.sandbox_default) else ""
    return ", ".join(bits) + demo


#: A request still running after this long shows "⟳ sending … · esc cancels" and a Sending button.
BUSY_DELAY_S = 0.1
#: Bodies up to this size are prepared on the spot (well under a millisecond); larger ones in a thread.
INLINE_BODY_BYTES = 16 * 1024


def request_text(prepared, provider, show_secrets: bool) -> str:
    """The Request tab: the request as a curl command, secrets masked unless shown."""
    try:
        from tui.core.export import to_curl

        curl = to_curl(prepared, show_secrets=show_secrets, provider=provider, multiline=True)
    except Exception as exc:
        curl = f"(could not make the curl command: {exc})"
    note = "secrets shown (ctrl+r hides them)" if show_secrets else "secrets masked (ctrl+r reveals them)"
    return f"# {note}\n{curl}"


class ProviderPanel(ResponseActions, Vertical):  # ResponseActions: filter, copy, save, load more
    DEFAULT_CSS = """
    ProviderPanel { height: 1fr; }
    ProviderPanel > #panel-top { height: 2; padding: 0 1; background: $panel; }
    ProviderPanel #panel-main { height: 1fr; }
    ProviderPanel #workspace { width: 1fr; height: 1fr; }
    ProviderPanel #request-side { height: auto; max-height: 50%; border-bottom: solid $primary 40%; }
    ProviderPanel #endpoint-title { height: auto; max-height: 2; padding: 0 1; }
    ProviderPanel #param-form { height: auto; max-height: 14; }
    ProviderPanel #field-help { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    ProviderPanel #send-row { height: auto; }
    ProviderPanel #send-button { margin: 0 1; min-width: 16; }
    ProviderPanel #panel-switcher { width: 1fr; height: 1fr; }
    ProviderPanel #panel-loading { padding: 1 2; color: $text-muted; }
    """

    def __init__(self, provider, *, target: str = "sandbox", sandbox_origin: str = "", eager: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.provider = provider
        self._eager = eager  # composed whole (the first panel at start-up), not built when first shown
        if not provider.targets.sandbox_path:  # a custom provider: there is no simulator to talk to
            target = "live"
        self.target = target
        self.sandbox_origin = sandbox_origin
        self.credentials: dict[str, str] = self._initial_credentials(target)
        self.built = False
        self._building = False
        self._build_ended = asyncio.Event()  # set when a build ends (ensure_built calls made meanwhile wait)
        self._choosing = None  # the endpoint whose form is being built
        self._send_when_chosen = False
        self.held = False  # the last send was refused by the rate limit (f5 overrides)
        self.endpoint = None
        self.result = None  # the last core Result shown
        self.prepared = None  # the last PreparedRequest sent
        self.show_secrets = False
        self.in_flight = False
        self.fetching = False
        self._client = None
        self._token = 0  # bumps with each request, so late answers are ignored
        self._raw_cache: dict[str, dict[str, str]] = {}
        self._values: dict[str, Any] = {}
        self._form_errors: dict[str, str] = {}
        self._busy_timer = None  # shows "sending…" for a request that takes a while (see send)
        self._busy_shown = False
        self.live_url: str | None = None  # set from the credentials dialog
        #: extra request headers sent with every request of this panel (name, value)
        self.extra_headers: list[tuple[str, str]] = []

    # ---- state ------------------------------------------------------------------------------

    def _initial_credentials(self, target: str) -> dict[str, str]:
        if target == "sandbox":
            return dict(self.provider.auth.sandbox_default)
        return live_credentials(self.provider)

    @property
    def settings(self):
        return getattr(self.app, "settings", None)

    @property
    def base_url(self) -> str:
        p = self.provider
        if self.target == "live" and self.live_url:
            return self.live_url.rstrip("/")
        if self.settings is not None:
            return self.settings.base_url(p, sandbox_origin=self.sandbox_origin, target=self.target)
        if self.target == "live":
            return p.base_url("live", override=os.environ.get(f"APIPLAY_{p.id.upper()}_URL"))
        return p.base_url("sandbox", sandbox_origin=self.sandbox_origin)

    @property
    def client(self):
        if self._client is None:
            from tui.core.client import ProviderClient

            settings = self.settings
            self._client = ProviderClient(
                self.provider, target=self.target, base_url=self.base_url,
                credentials=dict(self.credentials), session=getattr(self.app, "http_session", None),
                timeout=settings.read_timeout if settings is not None else 30.0,
            )
        return self._client

    def meter_snapshot(self):
        if self._client is None:
            try:
                from tui.core.ratemeter import credential_key, meter_for  # not the client: start-up

                key = credential_key(self.target, self.base_url, self.credentials)
                return meter_for(self.provider, key).snapshot()
            except Exception:
                return None
        return self._client.meter.snapshot()

    def set_sandbox_origin(self, origin: str) -> None:
        self.sandbox_origin = origin
        if self.target == "sandbox":
            self._client = None
            self._refresh_target()

    def switch_target(self, target: str | None = None) -> None:
        target = target or ("live" if self.target == "sandbox" else "sandbox")
        if target == "sandbox" and not self.provider.targets.sandbox_path:
            self.app.notify(f"{self.provider.name} has no sandbox: it always talks to its live URL.",
                            title="Target", severity="warning")
            return
        self.target = target
        self.credentials = self._initial_credentials(self.target)
        self._client = None
        self._refresh_target()
        self._update_preview()
        self.app.notify(f"{self.provider.name}: now talking to the {self.target} ({self.base_url})",
                        title="Target")

    def set_credentials(self, creds: dict) -> None:
        creds = dict(creds)
        url = creds.pop("url", None)
        if url and self.target == "live":
            self.live_url = url
        self.credentials = {k: v for k, v in creds.items() if v}
        if self.target == "live":
            self._store_credentials(dict(self.credentials))
        self._client = None
        self._refresh_target()
        self._update_preview()

    # ---- building ---------------------------------------------------------------------------

    def _parts(self) -> tuple:
        """The panel's children: the top bars; the endpoint list; the workspace (beside the list)."""
        top = Vertical(TargetBar(id="target-bar"), RateMeter(self.meter_snapshot, id="rate-meter"), id="panel-top")
        request_side = Vertical(
            Static(Content.styled("No endpoint chosen yet.", "$text-muted"), id="endpoint-title"),
            ParamForm(id="param-form"),
            Static("", id="field-help"),
            Horizontal(RequestPreview(id="request-preview"), Button("Send ctrl+s", id="send-button", variant="primary"),
                       id="send-row"),
            id="request-side",
        )
        # the pager (hidden until a paged endpoint is chosen) and the docs pane: mount_hidden_parts
        workspace = Vertical(request_side, ResponseView(id="response"), id="workspace")
        switcher = ContentSwitcher(workspace, initial="workspace", id="panel-switcher")
        return top, EndpointList(self.provider, id="endpoints"), switcher

    _hidden_mounts: tuple = ()
    _hidden_ready = False

    def mount_hidden_parts(self) -> None:
        """Mount what the first screen does not show (once): the pager, hidden until a paged endpoint
        is chosen, and the docs pane. Runs just after the panel is first painted, or earlier when
        something needs them (choosing an endpoint, the docs: see hidden_parts_mounted)."""
        if self._hidden_mounts or not self.built or not self.is_attached:
            return
        from tui.widgets.docs_pane import DocsPane
        from tui.widgets.pager import Pager  # here: neither is on the first screen

        docs = DocsPane(self.provider, id="docs")
        docs.display = False  # as ContentSwitcher does for a child that is not the current one
        self._hidden_mounts = (self.query_one("#workspace").mount(Pager(id="pager"), after="#request-side"),
                               self.query_one("#panel-switcher", ContentSwitcher).mount(docs))

    async def hidden_parts_mounted(self) -> None:
        """Mount the hidden parts now if they are not yet, and wait until they are (the pager's
        buttons exist once it has composed), the response view's too: an endpoint is chosen
        (this runs) before anything is sent."""
        if self._hidden_ready:
            return
        self.mount_hidden_parts()
        for mounting in self._hidden_mounts:
            await mounting
        if self._hidden_mounts:
            await self.query_one(ResponseView).hidden_parts_mounted()  # before any answer is shown
            self._hidden_ready = True

    def compose(self) -> ComposeResult:
        if self._eager:
            top, endpoints, switcher = self._parts()
            yield top
            yield Horizontal(endpoints, switcher, id="panel-main")
        else:
            yield Static(f"Loading {self.provider.name}…", id="panel-loading")

    def on_mount(self) -> None:
        if self._eager:
            self._building = True
            self._built()

    def _built(self) -> None:
        if getattr(self.app, "_active_id", None) == self.provider.id:
            # (focusing a widget in a hidden pane would make Tabbed switch to it)
            self.query_one("#endpoint-filter").focus()
        self.built = True
        self._refresh_target()
        self.call_after_refresh(self._settle)

    async def _settle(self) -> None:
        """After the first paint: mount the hidden parts, then freeze the heap (no collection, just a
        move out of the collector's sight). The panel lives as long as the app: without this, a full
        collection walks its ~90,000 objects, 65-120 ms holding the GIL, e.g. while the user types
        and a large answer is prepared."""
        await self.hidden_parts_mounted()  # mounts them first
        import gc

        gc.freeze()

    async def ensure_built(self) -> None:
        """Mount the heavy children (first time the panel is shown)."""
        if self.built:
            return
        if self._building:  # a build under way (the tab's own message and show_provider both ask):
            await self._build_ended.wait()  # return when it is built, not before
            return
        self._building = True
        try:
            if not self.is_mounted:  # (added a moment ago, not composed yet: its placeholder is not there)
                await self._mounted_event.wait()
            await self.query_one("#panel-loading").remove()
            top, endpoints, switcher = self._parts()
            # the endpoint list first, focused at once, so keys typed while the rest mounts are not lost
            main = Horizontal(endpoints, id="panel-main")
            await self.mount_all([top, main])
            if getattr(self.app, "_active_id", None) == self.provider.id:
                self.query_one("#endpoint-filter").focus()
            await main.mount(switcher)
            self._built()
        finally:  # (a build cut short, the app closing: nobody waits for it forever)
            self._build_ended.set()

    @work(thread=True, group="store")
    def _store_credentials(self, creds: dict) -> None:
        """Keep live credentials in the user's store (0600 file or keyring), as the CLI does."""
        try:
            from tui.core.credentials import CredentialStore

            CredentialStore().set(self.provider.id, creds, replace=True)
        except Exception as exc:
            self.app.call_from_thread(self.app.notify, f"The credentials were not saved: {exc}",
                                      severity="warning")

    def _refresh_target(self) -> None:
        bars, meters = self.query(TargetBar), self.query(RateMeter)
        if not self.built or not bars or not meters:  # not built, or the app is closing
            return
        bars.first().show(self.target, self.base_url, auth_summary(self.provider, self.credentials, self.target))
        meters.first().refresh_meter()

    # ---- endpoint and form ------------------------------------------------------------------

    @on(EndpointList.Chosen)
    async def _chosen(self, event: EndpointList.Chosen) -> None:
        event.stop()
        if self.endpoint is not None and self.endpoint.key == event.endpoint.key:
            self.query_one(ParamForm).focus_first()  # already shown: keep what was typed
            return
        await self.choose(event.endpoint)
        if self.endpoint is event.endpoint:  # ready to type the values
            self.query_one(ParamForm).focus_first()

    async def choose(self, endpoint) -> None:
        await self.hidden_parts_mounted()  # the pager
        if self.endpoint is not None:
            self._raw_cache[self.endpoint.key] = self.query_one(ParamForm).raw_values()
        self.endpoint = None  # set again once the form is built
        self._choosing = endpoint
        self._values, self._form_errors = {}, {}
        summary = endpoint.summary or endpoint.description or ""
        bits = [f"auth: {endpoint.auth}"]
        if endpoint.evidence:
            bits.append(f"evidence: {endpoint.evidence}")
        if endpoint.paging.paged:
            bits.append(f"paged ({endpoint.paging.style})")
        title = Content.assemble(method_badge(endpoint.method), (endpoint.path, "bold"), "  ",
                                 (summary, ""), ("  · " + " · ".join(bits), "$text-muted"))
        self.query_one("#endpoint-title", Static).update(title)
        self.query_one("#pager").set_paged(endpoint.paging.paged)
        self.query_one("#pager").show_position("", False, False)
        await self.query_one(ParamForm).show_endpoint(endpoint, self._raw_cache.get(endpoint.key))
        self.query_one("#field-help", Static).update("")
        self.endpoint = endpoint
        self._update_preview()
        if self._choosing is endpoint:
            self._choosing = None
            if self._send_when_chosen:  # ctrl+s pressed while the form was being built
                self._send_when_chosen = False
                self.send()

    @on(ParamForm.Changed)
    def _form_changed(self, event: ParamForm.Changed) -> None:
        event.stop()
        if event.values == self._values and event.errors == self._form_errors and self.endpoint is not None:
            return  # ctrl+s re-reads the form: unchanged values need no new preview (a layout pass)
        self._values = dict(event.values)
        self._form_errors = dict(event.errors)
        self._update_preview()

    @on(ParamForm.FieldFocused)
    def _field_focused(self, event: ParamForm.FieldFocused) -> None:
        p = event.param
        bits = [p.description or "(no description)"]
        extra = []
        if p.default is not None:
            extra.append(f"default {p.default}")
        if p.enum:
            extra.append("one of " + ", ".join(str(v) for v in p.enum[:12]))
        if p.minimum is not None or p.maximum is not None:
            extra.append(f"range {p.minimum if p.minimum is not None else '…'}–{p.maximum if p.maximum is not None else '…'}")
        if p.format:
            extra.append(f"format {p.format}")
        text = Content.assemble((p.name, "bold"), ": ", bits[0], ("  (" + "; ".join(extra) + ")" if extra else "", "$text-muted"))
        self.query_one("#field-help", Static).update(text)

    def _prepare(self, values: dict | None = None):
        """(prepared, problem): the PreparedRequest, or None and a plain reason."""
        from tui.core.model import ValidationError

        values = self._values if values is None else values
        if self._form_errors:
            name, msg = next(iter(self._form_errors.items()))
            return None, f"{name}: {msg}"
        try:
            return self.client.prepare(self.endpoint, values, headers=self.extra_headers), None
        except ValidationError as exc:
            return None, str(exc)

    def _update_preview(self) -> None:
        if not self.built or self.endpoint is None:
            return
        prepared, problem = self._prepare()
        preview = self.query_one(RequestPreview)
        if prepared is not None:
            preview.show_prepared(prepared)
        else:
            preview.show_problem(self.endpoint.method, self.base_url + self.endpoint.path, problem or "")

    # ---- sending ----------------------------------------------------------------------------

    def refuse(self, reason: str, title: str = "Not sent") -> None:
        self.app.notify(reason, title=title, severity="error")
        if self.built:
            self.query_one(ResponseView).set_status(Content.assemble(("Not sent: ", "bold $error"), reason))

    def send(self, force: bool = False, values: dict | None = None) -> bool:
        """Validate and send the form's request in a worker. False (with the reason shown) if refused."""
        if self.built and self.endpoint is None and self._choosing is not None and values is None:
            self._send_when_chosen = True
            return True
        if not self.built or self.endpoint is None:
            self.refuse("choose an endpoint first: type in the filter box, then enter.")
            return False
        form = self.query_one(ParamForm)
        if values is None:
            form.recompute(mark_required=True)  # the form as it is now (its Changed message comes later)
            if form.errors:
                name, msg = next(iter(form.errors.items()))
                self.refuse(f"{name}: {msg}")
                return False
        values = dict(form.values if values is None else values)
        prepared, problem = self._prepare(values)
        if prepared is None:
            from tui.core import request as rq

            errors = {e.field: e.message for e in rq.validate_values(self.endpoint, values) if e.field}
            form.mark_errors(errors)
            self.refuse(problem or "the values do not fit the endpoint")
            return False
        from tui.core.auth import missing_message

        missing = missing_message(self.provider, self.credentials, self.endpoint)
        if missing:
            self.refuse(f"{missing} (or press ctrl+l to enter them)")
            return False
        snap = self.meter_snapshot()
        if snap is not None and snap.blocked_for > 0 and not force:
            self.held = True
            self.app.refresh_bindings()
            self.refuse(f"{snap.text}. Sending is held until it ends; press f5 to send anyway.", title="Held")
            return False
        self._token += 1
        self.in_flight = True
        self.prepared = prepared
        # "sending…" shows only for a request still running after BUSY_DELAY_S: a fast answer is
        # then painted in one frame, with no flash of a status it replaces at once
        # (an event-loop timer, not a Textual Timer: that one is a task of its own for each request)
        self._stop_busy_timer()
        self._busy_timer = asyncio.get_running_loop().call_later(BUSY_DELAY_S, self._show_busy, self._token)
        self._run_request(self._send_worker(self.endpoint, values, force, self._token, (self._client, prepared)))
        return True

    # A request runs as a plain asyncio task, not a Textual worker: a worker's object, its manager's
    # bookkeeping and its three state messages were about a tenth of a small request's overhead.
    # Like a worker, the task never touches widgets: it posts its answer (RequestFinished).
    _request_task: asyncio.Task | None = None

    def _run_request(self, coroutine) -> None:
        """Run `coroutine` as the panel's one request in flight (it cancels the one before)."""
        self._cancel_request()
        task = self._request_task = asyncio.create_task(coroutine)
        task.add_done_callback(self._request_done)

    def _cancel_request(self) -> None:
        task, self._request_task = self._request_task, None
        if task is not None and not task.done():
            task.cancel()

    def _request_done(self, task: asyncio.Task) -> None:
        if self._request_task is task:
            self._request_task = None
        if not task.cancelled() and task.exception() is not None:  # (the coroutines post every Exception)
            self.app._handle_exception(task.exception())  # as a worker's error: the app stops and shows it

    def on_unmount(self) -> None:
        self._cancel_request()

    def _show_busy(self, token: int) -> None:
        self._busy_timer = None
        if token != self._token or not self.in_flight or self.prepared is None or not self.is_attached:
            return
        prepared = self.prepared
        self._busy_shown = True
        self.query_one(ResponseView).set_status(Content.assemble(
            ("⟳ sending ", "bold $accent"), (prepared.method + " " + mask(prepared.url, prepared.secrets), ""),
            ("  · esc cancels", "$text-muted")))
        self.query_one("#send-button", Button).label = "Sending… (esc)"
        self.app.refresh_bindings()

    def _stop_busy_timer(self) -> None:
        if self._busy_timer is not None:
            self._busy_timer.cancel()
            self._busy_timer = None

    def _end_busy(self) -> None:
        """The request ended (answer, error or cancel): undo what _show_busy showed, if it did."""
        self._stop_busy_timer()
        if self._busy_shown:
            self._busy_shown = False
            self.query_one("#send-button", Button).label = "Send ctrl+s"

    async def _send_worker(self, endpoint, values: dict, force: bool, token: int, built=(None, None)) -> None:
        """`built`: (client, request) as send() prepared it; the request is sent as it is unless the
        client was made anew meanwhile (the embedded sandbox came up: a new base URL)."""
        pid = self.provider.id
        if self.target == "sandbox" and hasattr(self.app, "sandbox_ready"):
            await self.app.sandbox_ready()  # the embedded sandbox starts after the first paint
        client = self.client
        prepared = built[1] if built[0] is client else None
        try:
            login = self.provider.auth.login
            had_token = bool(login and client.credentials.get(login.stores))
            result = await client.send(endpoint, values, headers=self.extra_headers, force=force,
                                       prepared=prepared)  # logs in if needed
            if login and not had_token and client.credentials.get(login.stores):
                self.post_message(M.LoginFinished(pid, token=client.credentials[login.stores]))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # RateLimited, ValidationError, anything else: a plain message
            from tui.core.ratemeter import RateLimited

            held = isinstance(exc, RateLimited)
            message = getattr(exc, "message", None) or str(exc)
            if held:
                message = f"Held: {message} Press f5 to send anyway."
            self.post_message(M.RequestFinished(pid, token, error=message, held=held))
            return
        self.post_message(M.RequestFinished(pid, token, result=result))  # history: once it is painted

    def on_login_finished(self, message: M.LoginFinished) -> None:
        message.stop()
        if message.token:
            login = self.provider.auth.login
            self.credentials[login.stores] = message.token
            self._refresh_target()
            self.app.notify(f"{self.provider.name}: logged in, token kept for this session.", title="Login")
        elif message.error:
            self.app.notify(message.error, title="Login failed", severity="error")

    def on_request_finished(self, message: M.RequestFinished) -> None:
        message.stop()
        if message.result is not None:
            self._record_history(message.result.exchange)
        if message.token != self._token:
            return
        self.in_flight = False
        self.held = message.held
        self._end_busy()
        if message.error:
            self.refuse(message.error, title="Held" if message.held else "Failed")
            self.query_one(RateMeter).refresh_meter()
            self.app.refresh_bindings()  # redraws the footer only if what it shows changed
            return
        self.show_result(message.result)

    def show_result(self, result, note: str = "") -> None:
        self.result = result
        view = self.query_one(ResponseView)
        view.show_exchange(result.exchange, result.explanation, note)
        self.prepared = result.exchange.request
        self._show_request()
        self.query_one(RateMeter).refresh_meter(result.meter)
        page = result.page
        if page is not None:
            self.query_one("#pager").show_position(page.position, page.has_prev, page.has_next)
        body, content_type = result.exchange.body, result.exchange.header("content-type")
        if len(body) <= INLINE_BODY_BYTES:  # a small body is prepared at once: one frame shows the whole answer
            from tui.core.jsonview import prepare

            view.load_document(prepare(body, content_type=content_type, truncated=result.exchange.truncated),
                               body, content_type)
        else:
            self._prepare_body(body, content_type, self._token, result.exchange.truncated)
        if result.explanation is not None and result.exchange.status is not None:
            self.app.notify(result.explanation.title, title=f"{self.provider.name} answered an error",
                            severity="warning", timeout=4)
        self.app.refresh_bindings()  # the footer's keys for this answer (f10 / f12 for a cut body…)
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.paint_changed()  # the answer's frame without a message round through each widget

    def _show_request(self) -> None:
        if self.prepared is not None:  # the curl command is made when the Request tab is shown
            self.query_one(ResponseView).show_request(
                partial(request_text, self.prepared, self.provider, self.show_secrets))

    @work(thread=True, exclusive=True, group="body", description="prepare body")  # no repr() of the body
    def _prepare_body(self, body: bytes, content_type: str | None, token: int, truncated: bool = False) -> None:
        from tui.core.jsonview import prepare

        document = prepare(body, content_type=content_type, truncated=truncated)
        self.post_message(M.BodyPrepared(token, document, body, content_type))

    def on_body_prepared(self, message: M.BodyPrepared) -> None:
        message.stop()
        if message.token == self._token:
            self.query_one(ResponseView).load_document(message.document, message.body, message.content_type)

    def cancel(self) -> bool:
        """Cancel a request or a fetch-all in flight."""
        if not (self.in_flight or self.fetching):
            return False
        self._cancel_request()
        self.workers.cancel_group(self, "pages")
        self._token += 1
        was_fetching = self.fetching
        self.in_flight = self.fetching = False
        self._end_busy()
        self.query_one(ResponseView).set_status(Content.styled("Cancelled: nothing more will be shown for that request.", "bold $warning"))
        if was_fetching:
            self.query_one("#pager").end_fetch("fetch all cancelled")
        self.app.refresh_bindings()
        return True

    # ---- paging -----------------------------------------------------------------------------

    def page(self, where: str) -> bool:
        from tui.core import paging

        ep = self.endpoint
        if ep is None or not ep.paging.paged:
            self.app.notify("This endpoint does not page.", title="Pager")
            return False
        info = self.result.page if self.result is not None and self.result.exchange.request.endpoint_key == ep.key else None
        if where == "all":
            return self.fetch_all()
        if where == "stop":
            return self.cancel()
        if where == "next" and info is not None and not info.has_next:
            self.app.notify("This is the last page.", title="Pager")
            return False
        fn = {"first": paging.first_values, "prev": paging.prev_values, "next": paging.next_values}[where]
        values = fn(ep, self._values, info)
        form = self.query_one(ParamForm)
        for name in (ep.paging.page_param, ep.paging.offset_param, ep.paging.size_param):
            if name in values and ep.param(name) is not None:
                form.set_raw(name, str(values[name]))
        return self.send(values=values)

    def fetch_all(self) -> bool:
        if self.fetching:
            return self.cancel()
        prepared, problem = self._prepare()
        if prepared is None:
            self.refuse(problem or "the values do not fit the endpoint")
            return False
        self.fetching = True
        self._token += 1
        self.query_one("#pager").start_fetch()
        self.app.refresh_bindings()
        self._fetch_worker(self.endpoint, dict(self._values))
        return True

    @work(exclusive=True, group="pages")
    async def _fetch_worker(self, endpoint, values: dict) -> None:
        from tui.core import paging

        pid = self.provider.id
        client = self.client
        results = []
        items = 0
        total_pages = None

        def on_wait(seconds: float) -> None:
            self.post_message(M.PagesProgress(pid, len(results), total_pages, items, waiting_s=seconds))

        try:
            async for result in paging.iter_pages(client, endpoint, values, on_wait=on_wait):
                results.append(result)
                page_items = paging.items_of(result.page.items_field if result.page else None, result.data)
                items += len(page_items or [])
                if result.page is not None and result.page.last_page:
                    total_pages = result.page.last_page - (result.page.page or 1) + len(results)
                self.post_message(M.PagesProgress(pid, len(results), total_pages, items, meter=result.meter))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.post_message(M.PagesFinished(pid, paging.combine(results), len(results),
                                              results[-1] if results else None, error=str(exc)))
            return
        self.post_message(M.PagesFinished(pid, paging.combine(results), len(results), results[-1] if results else None))

    def on_pages_progress(self, message: M.PagesProgress) -> None:
        message.stop()
        if not self.fetching:
            return
        self.query_one("#pager").progress(message.done, message.total, message.items, message.waiting_s)
        self.query_one(RateMeter).refresh_meter(message.meter)

    def on_pages_finished(self, message: M.PagesFinished) -> None:
        message.stop()
        if not self.fetching:
            return
        self.fetching = False
        pager = self.query_one("#pager")
        text = f"fetched {message.pages} pages · {len(message.items)} items combined"
        if message.error:
            text += f" · stopped: {message.error}"
        pager.end_fetch(text)
        if message.result is not None:
            last = message.result
            self.result = last
            view = self.query_one(ResponseView)
            bad = last.explanation is not None
            view.show_exchange(last.exchange, last.explanation, note="" if bad else f"all {message.pages} pages combined")
            self.query_one(RateMeter).refresh_meter(last.meter)
            if not bad:
                self._token += 1
                self._prepare_combined(message.items, self._token)
            else:
                self._prepare_body(last.exchange.body, last.exchange.header("content-type"), self._token,
                                   last.exchange.truncated)
        self.app.refresh_bindings()  # after the result changed: the footer's keys depend on it

    @work(thread=True, exclusive=True, group="body", description="prepare pages")  # no repr() of the items
    def _prepare_combined(self, items: list, token: int) -> None:
        import json

        from tui.core.jsonview import prepare

        body = json.dumps(items, ensure_ascii=False).encode()
        self.post_message(M.BodyPrepared(token, prepare(body), body, "application/json"))

    # ---- other events -----------------------------------------------------------------------

    def on_pager_go(self, event) -> None:  # Pager.Go (by name: the pager is imported when mounted)
        event.stop()
        self.page(event.where)

    @on(Button.Pressed, "#send-button")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.in_flight:
            self.cancel()
        else:
            self.send()

    @on(TargetBar.SwitchRequested)
    def _switch(self, event) -> None:
        event.stop()
        self.switch_target()

    @on(TargetBar.CredentialsRequested)
    def _creds(self, event) -> None:
        event.stop()
        self.edit_credentials()

    @on(RateMeter.Unblocked)
    def _unblocked(self, event) -> None:
        event.stop()
        self.app.notify(f"{self.provider.name}: the block is over, sending is allowed again.", title="Rate limit")

    def reveal(self) -> None:
        self.show_secrets = not self.show_secrets
        self._show_request()
        self.app.notify("Secrets are shown in the Request tab." if self.show_secrets else "Secrets are masked again.")

    async def toggle_docs(self) -> None:
        await self.hidden_parts_mounted()
        switcher = self.query_one("#panel-switcher", ContentSwitcher)
        if switcher.current == "docs":
            switcher.current = "workspace"
        else:
            await self.query_one("#docs").ensure_loaded()
            switcher.current = "docs"

    async def open_request(self, key: str, raw: dict[str, str]) -> bool:
        """Choose endpoint `key` with its form filled from `raw` (name -> text)."""
        endpoint = next((e for e in self.provider.endpoints if e.key == key), None)
        if endpoint is None:
            return False
        self._raw_cache[key] = dict(raw)
        self.endpoint = None  # so the current form is not cached over `raw`
        await self.choose(endpoint)
        self.query_one(ParamForm).focus_first()
        return True

    def save_request(self) -> None:
        """Ask a name and keep the filled form as a saved request (a plain file; secrets left out)."""
        if self.endpoint is None:
            return
        from tui.screens.save_request import SaveRequestScreen

        endpoint, values, headers = self.endpoint, dict(self._values), list(self.extra_headers)
        prepared, _problem = self._prepare()
        secrets = set(prepared.secrets) if prepared is not None else set()

        def done(name: str | None) -> None:
            if not name:
                return
            try:
                from tui.core.saved import SavedRequests

                SavedRequests().save(name, self.provider.id, endpoint.method, endpoint.path, values, headers,
                                     target=self.target, secrets=secrets)
            except Exception as exc:
                self.app.notify(f"Not saved: {exc}", title="Save request", severity="error")
                return
            self.app.notify(f"Saved as {name!r}: find it in the palette (ctrl+p, 'Saved').", title="Save request")

        import re

        default = re.sub(r"[^A-Za-z0-9_.-]+", " ", f"{self.provider.id} {endpoint.method} {endpoint.path}")
        self.app.push_screen(SaveRequestScreen(default.strip()[:64]), done)

    def focus_filter(self) -> None:
        for widget in self.query("#endpoint-filter"):
            widget.focus()

    def edit_credentials(self) -> None:
        from tui.screens.credentials import CredentialsScreen

        def done(result: dict | None) -> None:
            if result is not None:
                self.set_credentials(result)
                self.app.notify(f"{self.provider.name}: credentials updated.", title="Credentials")

        current = dict(self.credentials)
        if self.live_url:
            current["url"] = self.live_url  # the live URL override, shown again when the dialog reopens
        self.app.push_screen(CredentialsScreen(self.provider, current, self.target), done)
