"""PlaygroundApp: themes, global keys, the command palette and the provider tabs. Nothing else.

The panels (tui/widgets/provider_panel.py) hold the logic. Start-up: the packs are loaded (from
their disk cache, tui.core.packcache) before the first frame and the first provider's panel is
composed with the screen, so the first painted frame is the ready screen (no loading screen
replaced later); what it does not show (pager, docs, the hidden response tabs, the other
providers' panes and panels, whose tab labels show from the start) is mounted just after it, the
other panels' parts when first shown, and the embedded sandbox is started in a thread once the
first screen is painted.

Stable widget ids (snapshot tests, benchmarks and `apiplay screenshot` rely on them):
  #providers                 Tabbed (tui/widgets/tabs.py) of the provider panels; pane ids "tab-<provider id>"
  #panel-<provider id>       ProviderPanel; inside it:
    #target-bar (#target-text, #credentials-button, #target-button)
    #rate-meter                (one line: the meter's text and its sparkline)
    #endpoints (#endpoint-filter, #endpoint-options; option ids are endpoint keys "GET /path")
    #endpoint-title, #param-form (fields "param-<n>-<name>"), #field-help
    #request-preview, #send-button
    #pager (#pager-first, #pager-prev, #pager-next, #pager-position, #pager-all, #pager-progress, #pager-status)
    #response: #status-line, #response-tabs (#tab-body, #tab-headers, #tab-tree, #tab-raw, #tab-request,
               #tab-explain) with #body-viewer, #headers-view, #body-tree, #raw-viewer, #request-view, #explain-view
    #panel-switcher (#workspace | #docs)
  #no-providers              shown instead of the tabs when no pack could be loaded

Deterministic output for snapshots: APIPLAY_FREEZE_TIMINGS=1 (or freeze_timings=True) shows
times and countdowns as fixed text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.core import gcpause

# Importing Textual and building the first screen allocate a few hundred thousand objects that live
# as long as the app, and almost no garbage. The cyclic collector ran about 90 times before the
# first frame, walking them again and again (15-20 ms of start-up here): it is paused from here
# until the first app's first paint (_freeze_heap then collects once and freezes what lives), or
# until that app closes, whichever comes first.
gcpause.hold()
_startup_pause = [True]


def _end_startup_pause() -> None:
    if _startup_pause[0]:
        _startup_pause[0] = False
        gcpause.release()


from textual import on, work  # noqa: E402 - after the collector's pause (above)
from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.widgets import Static  # noqa: E402

from tui.widgets.key_bar import KeyBar  # noqa: E402
from tui.widgets.tabs import Pane, Tabbed  # noqa: E402
from tui.widgets.title_bar import TitleBar  # noqa: E402


def _endpoint_commands():
    from tui.widgets.palette import EndpointCommands

    return EndpointCommands


def _saved_commands():
    from tui.screens.save_request import SavedRequestCommands

    return SavedRequestCommands


def _response_commands():
    from tui.widgets.palette import ResponseCommands

    return ResponseCommands


def _panel_binding(key: str, action: str, description: str, show: bool = True, **kw) -> Binding:
    return Binding(key, f"panel('{action}')", description, show=show, id=action, **kw)


#: Panel actions on the answer (tui.widgets.response_filter.RESPONSE_ACTIONS, not imported at start-up).
_RESPONSE_ACTIONS = ("filter_body", "copy_curl", "copy_httpie", "copy_body", "save_body", "load_more", "download_body")


class PlaygroundApp(App):
    CSS_PATH = str(Path(__file__).with_name("app.tcss"))  # absolute: subclasses elsewhere still find it
    TITLE = "apiplay"
    SUB_TITLE = "REST API playground"
    COMMANDS = App.COMMANDS | {_endpoint_commands, _saved_commands, _response_commands}  # imported when the palette opens
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f1", "help", "Help", id="help"),
        # priority: checked by the app before the key travels through the focused widget and its
        # ancestors (eight hops, about a millisecond of each request); no widget here uses them
        _panel_binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+j", "panel('send')", "Send", show=False, id="send_alt", priority=True),
        _panel_binding("escape", "cancel", "Cancel"),
        _panel_binding("f5", "force_send", "Send anyway"),
        _panel_binding("ctrl+n", "next_page", "Next page"),
        _panel_binding("ctrl+b", "prev_page", "Prev"),
        _panel_binding("ctrl+g", "fetch_all", "All pages"),
        _panel_binding("ctrl+l", "credentials", "Auth"),
        _panel_binding("ctrl+t", "switch_target", "Target"),
        _panel_binding("ctrl+o", "docs", "Docs"),
        _panel_binding("ctrl+f", "filter", "Find"),
        _panel_binding("ctrl+r", "reveal", "Reveal secrets", show=False),
        Binding("f2", "next_provider", "Provider", id="next_provider"),
        Binding("f3", "history", "History", id="history"),
        _panel_binding("f4", "save_request", "Save"),
        # the answer (tui/widgets/response_filter.py); shown only when there is one
        _panel_binding("f6", "filter_body", "Filter"),
        _panel_binding("f7", "copy_curl", "Copy curl"),
        _panel_binding("ctrl+y", "copy_body", "Copy body", show=False),  # copy as HTTPie: the palette
        _panel_binding("f8", "save_body", "Save body"),
        _panel_binding("f10", "load_more", "Load more"),  # only for a body cut at the cap
        _panel_binding("f12", "download_body", "Save whole body"),
        Binding("f9", "save_svg", "Screenshot", id="screenshot"),
    ]

    def __init__(self, target: str | None = None, theme: str | None = None, sandbox_url: str | None = None,
                 sandbox_options: dict[str, Any] | None = None, *, freeze_timings: bool | None = None) -> None:
        from tui.core.allocator import share_one_arena

        share_one_arena()  # before any thread allocates: a large body's peak memory (tui/core/allocator.py)
        from tui import css_cache

        css_cache.install()  # parsed CSS rules from the disk cache (written after the first paint)
        super().__init__()
        from tui.core.settings import load_settings

        self.settings, self.settings_warnings = load_settings()
        self.target = target  # None: each provider's configured target
        self.sandbox_url = sandbox_url or self.settings.sandbox_url
        self.sandbox_options = dict(sandbox_options or {})
        self.sandbox_server = None
        self.providers: list = []
        self.load_warnings: list[str] = []
        self._http_session = None
        self._history = None
        self._active_id: str | None = None
        self._panels: dict = {}  # provider id -> its ProviderPanel, as found (active_panel)
        self._sandbox_started = None  # an asyncio.Event while the embedded sandbox starts
        if freeze_timings:
            from tui.widgets.rate_meter import FREEZE

            FREEZE["on"] = True
        from tui.themes import DEFAULT_THEME, register_themes

        self.theme_warnings = register_themes(self)
        wanted = theme or self.settings.theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self.theme_warnings.append(f"theme {wanted!r} is not known; using {DEFAULT_THEME}")
            self.theme = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        from tui.themes import theme_variable_defaults

        return theme_variable_defaults(self.current_theme)

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications show text as typed: values and server messages may hold `[`…`]` (inert, never markup)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    @property
    def http_session(self):
        """One HttpSession (one httpx client per provider and origin) for the whole app."""
        if self._http_session is None:
            from tui.core.http import HttpSession

            s = self.settings
            self._http_session = HttpSession(timeout=s.read_timeout, connect_timeout=s.connect_timeout,
                                             max_body=s.body_cap)
        return self._http_session

    @property
    def history(self):
        """The history store, or None when it cannot be opened (a warning was shown)."""
        if self._history is None:
            try:
                from tui.core.history import History

                self._history = History.from_settings(self.settings)
            except Exception as exc:
                self._history = False
                self.notify(f"History is off: {exc}", severity="warning")
        return self._history or None

    # ---- start-up ---------------------------------------------------------------------------

    def update_styles(self, node, animate: bool = True) -> None:
        """Textual styles a widget whose classes change at once, even one not mounted yet (a Button
        sets its classes in its constructor): it is styled again when mounted. Only mounted ones here."""
        if node is self or node in self._registry:
            super().update_styles(node, animate)

    def get_default_screen(self):
        from tui.screens.main import MainScreen

        return MainScreen(id="_default")  # start-up and partial frames do only what shows (tui/screens/main.py)

    def compose(self) -> ComposeResult:
        self._quiet_collector()
        self._load_providers()
        yield TitleBar()  # Textual's Header, drawn by one widget instead of four
        if self.providers:
            first = self.providers[0]
            self._active_id = first.id
            # the first panel is composed whole, so the first frame is the ready screen; the others'
            # tabs are labelled, their panels added just after the first paint (_mount_other_panels)
            # and built when first shown (ProviderPanel.ensure_built)
            with Tabbed(id="providers", initial=f"tab-{first.id}",
                        later=[(f"tab-{p.id}", p.name) for p in self.providers[1:]],
                        on_missing=self._mount_other_panels):
                with Pane(first.name, id=f"tab-{first.id}"):
                    panel = self._new_panel(first, eager=True)
                    self.sub_title = f"{first.name} · {panel.target}"  # as _provider_tab sets it
                    yield panel
        else:
            yield Static("No provider pack could be loaded.", id="no-providers")
        yield KeyBar()  # the footer: one line redrawn in place (Textual's Footer rebuilt ~20 widgets)

    def _new_panel(self, provider, eager: bool = False):
        from tui.widgets.provider_panel import ProviderPanel

        return ProviderPanel(provider, target=self.target or self.settings.target_for(provider.id),
                             sandbox_origin=self.sandbox_url or "", id=f"panel-{provider.id}", eager=eager)

    _others_mounted = False

    def _mount_other_panels(self) -> None:
        """Add the tabs of the providers after the first (once): their panes and (unbuilt) panels
        can be looked up as soon as this returns."""
        if self._others_mounted or len(self.providers) < 2 or not self.screen_stack:
            return
        self._others_mounted = True
        others = [(Pane(p.name, id=f"tab-{p.id}"), self._new_panel(p)) for p in self.providers[1:]]
        self.query_one("#providers", Tabbed).add_panes(pane for pane, _ in others)
        for pane, panel in others:
            pane.mount(panel)

    def _load_providers(self) -> None:
        """Load the packs on the event loop before the first frame: a few ms from the disk cache
        (tui.core.packcache; parsing them is about 20 ms), less than a frame that shows a loading
        screen and the second one that replaces it (a thread parsing them competed with that frame
        for the interpreter anyway). The cache is written after the first paint when it changed."""
        from tui.core.packs import load_providers

        try:
            providers, warnings = load_providers(self._extra_pack_dirs(), disk_cache=True)
        except Exception as exc:  # never stop start-up
            providers, warnings = [], [f"The provider packs could not be loaded: {exc}"]
        self.providers = providers
        self.load_warnings.extend(warnings)

    def on_mount(self) -> None:
        for w in self.settings_warnings:
            self.notify(w, title="Settings", severity="warning", timeout=10)
        for w in self.theme_warnings:
            self.notify(w, title="Theme", severity="warning")
        for w in self.load_warnings:
            self.notify(w, title="Providers", severity="warning", timeout=8)
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.call_after_refresh(self._mount_other_panels)  # (before the sandbox starts: it sets their URL)
        if not self.sandbox_url:
            import asyncio

            self._sandbox_started = asyncio.Event()
            self.call_after_refresh(self._start_sandbox)  # after the first panel is painted
        else:  # (with the embedded sandbox, once it has started: one collection, not two)
            self.call_after_refresh(self._freeze_heap)
        self.call_after_refresh(self._save_caches)

    def _save_caches(self) -> None:
        """After the first paint: write the start-up caches (parsed packs, parsed CSS, compiled
        dataclass methods, parsed theme files) that changed."""
        from tui import css_cache, themes
        from tui.core import dccache
        from tui.core.packs import disk_cache_stale

        css = css_cache.take_pending()
        code = dccache.take_pending()
        if css or code or themes.cache_stale() or disk_cache_stale():
            self._write_caches(css, code)

    @work(thread=True, group="caches", description="save the start-up caches")
    def _write_caches(self, css: dict | None, code: dict | None = None) -> None:
        from functools import partial

        from tui import css_cache, themes
        from tui.core import dccache
        from tui.core.packs import save_disk_cache

        writes = [save_disk_cache, themes.save_cache]  # (each writes only what changed)
        if css:
            writes.append(partial(css_cache.write, css))
        if code:
            writes.append(partial(dccache.write, code))
        for write in writes:
            try:
                write()
            except Exception:  # only caches: what cannot be saved is parsed or compiled again next time
                pass

    def _remember_theme(self, theme) -> None:
        if theme.name != self.settings.theme:
            self.settings.theme = theme.name
            self._save_settings({"theme": theme.name})

    @work(thread=True, group="settings")
    def _save_settings(self, update: dict) -> None:
        from tui.core.settings import save_settings

        try:
            save_settings(update)
        except Exception as exc:  # a read-only config dir must not crash the app
            self.call_from_thread(self.notify, f"Could not save the settings: {exc}", severity="warning")

    async def sandbox_ready(self) -> None:
        """Wait until the embedded sandbox has started (or failed to); at once with an external one."""
        if self._sandbox_started is not None:
            await self._sandbox_started.wait()

    @work(thread=True, exclusive=True, group="sandbox", description="start the sandbox")
    def _start_sandbox(self) -> None:
        origin = ""
        try:
            from tui.sandbox.server import SandboxServer

            server = SandboxServer(port=0, **self.sandbox_options)
            origin = server.start()
            self.sandbox_server = server
        except Exception as exc:  # the live target still works
            try:
                self.call_from_thread(self.notify, f"The sandbox could not start: {exc}", title="Providers",
                                      severity="warning", timeout=8)
            except Exception:
                pass
        try:
            self.call_from_thread(self._sandbox_up, origin.rstrip("/"))
        except Exception:  # the app closed meanwhile
            if self.sandbox_server is not None:
                self.sandbox_server.stop()

    def _quiet_collector(self) -> None:
        """Before start-up builds the screen: freeze the heap as it is (modules, almost only) without
        collecting it first, so the collections that start-up's allocations trigger walk only the new
        objects (two or three full passes over Textual's modules took 0.1-0.2 s before the first
        frame). Only when nothing is frozen yet (the process' first app): the garbage frozen with it
        is the few hundred objects the imports left. _freeze_heap collects and freezes once the first
        screen is painted."""
        import gc

        if gc.get_freeze_count() == 0:
            gc.freeze()
        gc.set_threshold(max(gc.get_threshold()[0], 10_000), 20, 20)

    def _freeze_heap(self) -> None:
        """Move everything alive after start-up (modules, widgets, packs, the embedded sandbox's data)
        out of the collector's sight: a full collection then walks only what came later, instead of
        stalling the UI for 0.1-0.3 s while a large body is prepared."""
        import gc

        _end_startup_pause()
        gc.collect()
        gc.freeze()
        # collect young objects less often (a frame allocates thousands): fewer, equally short passes
        gc.set_threshold(max(gc.get_threshold()[0], 10_000), 20, 20)

    def _sandbox_up(self, origin: str) -> None:
        from tui.widgets.provider_panel import ProviderPanel

        if origin:
            self.sandbox_url = origin
            for panel in self.query(ProviderPanel):
                panel.set_sandbox_origin(origin)
        self.call_after_refresh(self._freeze_heap)  # start-up's objects and the sandbox's data
        if self._sandbox_started is not None:
            self._sandbox_started.set()

    def _extra_pack_dirs(self) -> tuple:
        try:
            from tui.core.paths import providers_dir

            d = providers_dir()
            return (d,) if d.is_dir() else ()
        except Exception:
            return ()

    async def active_panel_built(self):
        panel = self.active_panel
        if panel is not None:
            await panel.ensure_built()
        return panel

    @on(Tabbed.TabActivated, "#providers")
    async def _provider_tab(self, event: Tabbed.TabActivated) -> None:
        pane_id = event.pane.id or ""
        if pane_id != event.tabbed.active or not self.screen_stack:  # late: tab already left / closing
            return
        self._active_id = pane_id.removeprefix("tab-") or None
        panel = self.active_panel
        if panel is not None:
            await panel.ensure_built()
            self.sub_title = f"{panel.provider.name} · {panel.target}"
        self.refresh_bindings()

    def on_unmount(self) -> None:
        _end_startup_pause()  # (an app closed before its first paint)
        if self.sandbox_server is not None:
            self.sandbox_server.stop()

    async def action_quit(self) -> None:
        if self._http_session is not None:
            try:
                await self._http_session.aclose()
            except Exception:
                pass
        if self._history:
            self._history.close()
        self.exit()

    # ---- panels -----------------------------------------------------------------------------

    @property
    def active_panel(self):
        pid = self._active_id
        if pid is None:
            return None
        panel = self._panels.get(pid)  # (the footer asks for it about 30 times an answer)
        if panel is not None and panel.is_attached:
            return panel
        try:
            panel = self._panels[pid] = self.panel(pid)
        except Exception:
            return None
        return panel

    def panel(self, provider_id: str):
        from tui.widgets.provider_panel import ProviderPanel

        if not self._others_mounted and provider_id != (self.providers[0].id if self.providers else None):
            self._mount_other_panels()  # (asked for before the first paint added them)
        return self.query_one(f"#panel-{provider_id}", ProviderPanel)

    async def show_provider(self, provider_id: str):
        """Switch to a provider's tab (built if needed) and focus its endpoint filter."""
        panel = self.panel(provider_id)
        if self._active_id != provider_id:
            # a focused widget left in the hidden pane would make Tabbed switch back to it
            self.set_focus(None)
        self._active_id = provider_id
        self.query_one("#providers", Tabbed).active = f"tab-{provider_id}"
        await panel.ensure_built()
        panel.focus_filter()
        return panel

    async def jump_to(self, provider_id: str, key: str):
        """Show a provider's panel with this endpoint chosen (the palette's jump); returns the panel."""
        from tui.widgets.endpoint_list import EndpointList

        panel = await self.show_provider(provider_id)
        panel.query_one(EndpointList).select_key(key)
        return panel

    async def open_request(self, provider_id: str, endpoint_key: str, values: dict, target: str | None = None):
        """Show an endpoint with its form filled from `values` (history, saved requests); returns the panel."""
        from tui.screens.save_request import value_text

        panel = await self.show_provider(provider_id)
        if target in ("sandbox", "live") and target != panel.target:
            panel.switch_target(target)
        raw = {k: value_text(v) for k, v in (values or {}).items() if v is not None}
        if not await panel.open_request(endpoint_key, raw):
            self.notify(f"{panel.provider.name} has no endpoint {endpoint_key}", title="Not found", severity="warning")
        return panel

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        history = self.history
        if history is None:
            return

        def reopen(entry) -> None:
            if entry is not None:
                self.run_worker(self.open_request(entry.provider_id, entry.endpoint_key, entry.values,
                                                  target=entry.target), group="reopen")

        self.push_screen(HistoryScreen(history), reopen)

    async def action_panel(self, name: str) -> None:
        panel = self.active_panel
        if panel is None or not panel.built:
            return
        if name in ("send", "force_send") and panel.target == "sandbox":
            await self.sandbox_ready()  # a key pressed while the embedded sandbox starts
        if name == "send":
            panel.send()
        elif name == "force_send":
            panel.send(force=True)
        elif name == "cancel":
            panel.cancel()
        elif name in ("next_page", "prev_page"):
            panel.page("next" if name == "next_page" else "prev")
        elif name == "fetch_all":
            panel.page("all")
        elif name == "credentials":
            panel.edit_credentials()
        elif name == "switch_target":
            panel.switch_target()
            self.sub_title = f"{panel.provider.name} · {panel.target}"
        elif name == "docs":
            await panel.toggle_docs()
        elif name == "filter":
            panel.focus_filter()
        elif name == "reveal":
            panel.reveal()
        elif name == "save_request":
            panel.save_request()
        elif name in _RESPONSE_ACTIONS:
            await panel.response_action(name)

    #: Panel actions whose state the footer shows (see refresh_bindings).
    _FOOTER_ACTIONS = ("send", "cancel", "force_send", "next_page", "prev_page", "fetch_all", "save_request",
                       *_RESPONSE_ACTIONS)
    _footer_state: tuple | None = None
    _footer_timer = None

    def refresh_bindings(self) -> None:
        """Tell the footer (KeyBar) only when what it shows changes. "Cancel" appears only for a
        request still running after 0.3 s, so a fast request leaves the footer alone."""
        try:
            state = (id(self.screen), len(self.screen_stack), self._active_id,
                     tuple(self.check_action("panel", (n,)) for n in self._FOOTER_ACTIONS))
        except Exception:  # not running yet / closing
            super().refresh_bindings()
            return
        last = self._footer_state
        if state == last:
            return
        if last is not None and state[:3] == last[:3] and [
            i for i, (a, b) in enumerate(zip(state[3], last[3])) if a != b
        ] == [self._FOOTER_ACTIONS.index("cancel")] and state[3][1]:
            if self._footer_timer is None:
                self._footer_timer = self.set_timer(0.3, self._footer_deferred, name="footer-cancel")
            return
        self._footer_state = state
        super().refresh_bindings()

    def _footer_deferred(self) -> None:
        self._footer_timer = None
        try:
            busy = self.check_action("panel", ("cancel",))
        except Exception:
            return
        if busy:  # still running: show "Cancel" now
            self._footer_state = None
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action != "panel":
            return True
        name = parameters[0] if parameters else ""
        if self.screen is not self.screen_stack[0]:  # a dialog is open: its own keys win
            return False
        panel = self.active_panel
        if panel is None or not panel.built:
            return None
        if name == "cancel":
            return panel.in_flight or panel.fetching
        if name == "force_send":
            snap = panel.meter_snapshot()
            return panel.held or bool(snap and snap.blocked_for > 0)
        if name == "save_request":
            return True if panel.endpoint is not None else None
        if name in ("next_page", "prev_page", "fetch_all"):
            return True if (panel.endpoint is not None and panel.endpoint.paging.paged) else None
        if name in _RESPONSE_ACTIONS:
            return panel.response_action_state(name)
        return True

    async def action_next_provider(self) -> None:
        ids = [p.id for p in self.providers]
        if self._active_id in ids:
            await self.show_provider(ids[(ids.index(self._active_id) + 1) % len(ids)])

    def action_help(self) -> None:
        try:
            from tui.screens.help import HelpScreen
        except ImportError:
            keys = ", ".join(f"{b.key} {b.description}" for b in self.BINDINGS if b.description)
            self.notify(keys, title="Keys", timeout=15)
            return
        self.push_screen(HelpScreen())

    def action_save_svg(self) -> None:
        from tui.core.paths import data_dir, ensure_dir

        folder = ensure_dir(data_dir() / "screenshots")
        path = self.save_screenshot(path=str(folder))
        self.notify(f"Saved {path}", title="Screenshot")
