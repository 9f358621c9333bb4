"""Start-up: the first frame is the ready screen, and what it does not show is mounted after it.

The first provider's panel is composed with the screen (no loading screen replaced later); the
response view's hidden tabs, the filter box and the truncated-body bar are mounted just after the
first paint, and an answer shown before that still lands in them; the endpoint list keeps its
rendered options over a resize that leaves its width alone.
"""

from __future__ import annotations

from tui.app import PlaygroundApp
from tui.core.model import Exchange, PreparedRequest
from tui.widgets.endpoint_list import EndpointOptions
from tui.widgets.response_view import ResponseView
from tui.widgets.tabs import Tabbed

sandbox_url = "http://127.0.0.1:9"  # nothing is sent in these tests


def on_first_frame(app, look) -> list:
    """A list that gets `look()` as it is right after the app's first painted frame."""
    seen: list = []
    display = app._display

    def frame(screen, update) -> None:
        display(screen, update)
        if update is not None and not seen:
            seen.append(look())

    app._display = frame
    return seen


async def test_the_first_frame_shows_the_first_panel_built_and_focused():
    app = PlaygroundApp(sandbox_url=sandbox_url)

    def look():
        panel = app.active_panel
        return (panel is not None and panel.built, bool(panel and panel.query("#endpoint-options")),
                getattr(app.focused, "id", None))

    seen = on_first_frame(app, look)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert seen and seen[0] == (True, True, "endpoint-filter")
        assert [p.id for p in app.providers] == ["gocache", "noosfero", "trackingram"]
        assert app.query_one("#providers", Tabbed).active == "tab-gocache"
        assert not app.query("#app-loading")
        assert app.sub_title == f"{app.providers[0].name} · sandbox"
        # the other panels are built when first shown
        assert not app.panel("noosfero").built
        panel = await app.show_provider("noosfero")
        assert panel.built and panel.query("#endpoint-options")


def _exchange() -> Exchange:
    request = PreparedRequest(provider_id="gocache", endpoint_key="GET /things", method="GET",
                              url="http://example.test/things")
    return Exchange(request=request, status=200, reason="OK", headers=(("x-lazy", "yes"), ("content-type", "text/plain")),
                    body=b"hello", elapsed_s=0.01, size=5)


async def test_an_answer_shown_before_the_hidden_tabs_mounted_is_in_them_when_opened():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.active_panel.query_one(ResponseView)
        # straight after start-up, before the first paint's callbacks: the hidden parts may not be there
        view._hidden_mounted = False
        for widget in view.query("#headers-view, #request-view, #explain-view, #raw-viewer, #body-tree, "
                                 "#truncated-bar, #response-filter"):
            await widget.remove()
        assert not view.query("#headers-view")
        view.show_exchange(_exchange())
        view.show_request("curl http://example.test/things")
        await pilot.pause()
        tabs = view.query_one("#response-tabs", Tabbed)
        tabs.active = "tab-headers"
        await pilot.pause()
        assert "x-lazy: yes" in str(app.query_one("#headers-view").render())
        assert "curl http://example.test/things" in str(app.query_one("#request-view").render())
        assert "Nothing to explain" in str(app.query_one("#explain-view").render())
        for selector in ("#raw-viewer", "#body-tree", "#truncated-bar", "#response-filter"):
            assert len(view.query(selector)) == 1, selector


async def test_hidden_response_parts_are_mounted_after_the_first_paint():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    counts = on_first_frame(app, lambda: len(app.query("#headers-view, #raw-viewer, #body-tree, #response-filter")))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert counts == [0]  # not in the first frame
        view = app.active_panel.query_one(ResponseView)
        assert view._hidden_mounted
        assert len(view.query("#headers-view, #raw-viewer, #body-tree, #response-filter")) == 4


async def test_the_first_frame_holds_only_the_shown_tabs_and_no_search_box():
    """The other providers' panes and the response's other panes are added after the first paint
    (their labels show from the start); the body's search box when first opened."""
    from tui.widgets.tabs import TabStrip

    app = PlaygroundApp(sandbox_url=sandbox_url)

    def look():
        strips = [strip.tabs for strip in app.query(TabStrip)]
        return strips, [p.id for p in app.query("Pane")], len(app.query("#json-search, ProviderPanel"))

    seen = on_first_frame(app, look)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        strips, panes, others = seen[0]
        assert [tab_id for tab_id, _ in strips[0]] == ["tab-gocache", "tab-noosfero", "tab-trackingram"]
        assert [label for _, label in strips[1]] == ["Body", "Headers", "Tree", "Raw", "Request", "Explain"]
        assert panes == ["tab-gocache", "tab-body"] and others == 1  # (the shown panel)
        await pilot.pause()
        assert len(app.query("Pane")) == 3 + 6 and len(app.query("ProviderPanel")) == 3
        assert not app.query("#json-search")
        app.active_panel.query_one("#json-viewer").focus()
        await pilot.press("slash")
        await pilot.pause()
        assert app.focused is app.query_one("#json-search")


async def test_the_pager_and_docs_are_mounted_after_the_first_paint_or_when_needed():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    counts = on_first_frame(app, lambda: len(app.query("#pager, #docs")))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert counts == [0]
        assert len(app.active_panel.query("#pager, #docs")) == 2
        # a panel built when shown, an endpoint chosen at once: the pager is there for it
        panel = await app.show_provider("noosfero")
        assert not panel.query("#pager")
        endpoint = next(e for e in panel.provider.endpoints if e.key == "GET /communities")
        await panel.choose(endpoint)
        await pilot.pause()
        pager = panel.query_one("#pager")
        assert pager.has_class("-paged") and pager.display
        await panel.toggle_docs()
        await pilot.pause()
        assert panel.query_one("#panel-switcher").current == "docs"
        assert panel.query_one("#docs-markdown")


async def test_the_endpoint_list_keeps_its_rendered_options_over_a_same_width_resize():
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        options = app.active_panel.query_one("#endpoint-options", EndpointOptions)
        cache = options._option_render_cache
        rendered = {key: cache.get(key) for key in list(cache.keys())}
        assert rendered
        width = options.scrollable_content_region.width
        await pilot.resize_terminal(160, 40)  # shorter: the list keeps its width
        await pilot.pause()
        await pilot.pause()
        assert options.scrollable_content_region.width == width
        kept = [key for key, strips in rendered.items() if options._option_render_cache.get(key) is strips]
        assert kept, "a resize that left the width alone made the list render every option again"
        # a real width change still drops them (they were made for another width)
        options.styles.width = 60
        await pilot.pause()
        await pilot.pause()
        assert options.scrollable_content_region.width != width
        assert not [key for key, strips in rendered.items() if options._option_render_cache.get(key) is strips]
        assert options._render_width == options.scrollable_content_region.width


async def test_the_endpoint_list_draws_each_option_at_the_height_its_line_map_gives_it(monkeypatch):
    """The line map measured one column wider than the list is then drawn (its scrollbar came in
    without a Resize event): a long Noosfero path that wraps only at the narrower width kept a
    two-line slot for a three-line option, and its summary was cut off (a flaky snapshot in CI)."""
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(140, 42)) as pilot:
        panel = await app.show_provider("noosfero")
        while not panel.built:
            await pilot.pause()
        options = panel.query_one("#endpoint-options", EndpointOptions)
        while not options.scrollable_content_region:
            await pilot.pause()
        style = options.get_visual_style("option-list--option")
        real = options.scrollable_content_region
        with monkeypatch.context() as patch:  # measured and drawn while one column wider
            patch.setattr(EndpointOptions, "scrollable_content_region", property(lambda self: real._replace(width=real.width + 1)))
            options._clear_caches()
            wide = dict(options._heights)
            for option in options.options:
                options._get_option_render(option, style)
        # what each option needs at the real width, from its own text
        needed = [options._get_visual(option).get_height(options.styles, real.width) for option in options.options]
        assert any(needed[i] != wide[i] for i in wide), "no option wraps differently one column narrower"
        assert [len(options._get_option_render(option, style)) for option in options.options] == needed
        assert [options._heights[i] for i in range(len(needed))] == needed


async def test_the_line_map_counts_the_lines_of_prompts_that_fit_and_measures_only_those_that_may_wrap(monkeypatch):
    """Every option's height is what Textual's own measure (its prompt wrapped at the list's width)
    gives, for each provider's list at widths where no prompt wraps and where many do; only the
    prompts wider than the list are wrapped to be measured."""
    from textual.content import Content
    from textual.widgets.option_list import Option

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        options = app.active_panel.query_one("#endpoint-options", EndpointOptions)
        lists = [[o.prompt for o in options.options] for options in [options]]
        for provider in app.providers[1:]:
            panel = await app.show_provider(provider.id)
            while not panel.built:
                await pilot.pause()
            lists.append([o.prompt for o in panel.query_one("#endpoint-options", EndpointOptions).options])
        lists.append([Content("tab\there"), "a plain string prompt that is long enough to wrap", Content("")])
        await app.show_provider(app.providers[0].id)  # measured in the list on screen
        measured: list = []
        original = EndpointOptions._get_visual
        monkeypatch.setattr(EndpointOptions, "_get_visual", lambda self, option: (measured.append(option), original(self, option))[1])
        for prompts in lists:
            for width in (60, 46, 44, 40, 30, 20):
                options.styles.width = width
                options.set_options([Option(prompt) for prompt in prompts])
                await pilot.pause()
                room = options.scrollable_content_region.width
                measured.clear()
                options._clear_caches()
                options._update_lines()
                heights = [options._heights[i] for i in range(len(prompts))]
                want = [original(options, option).get_height(options.styles, room) for option in options.options]
                assert heights == want, (width, room)
                fits = [o for o in options.options if isinstance(o.prompt, Content) and "\t" not in o.prompt.plain
                        and max(map(len, o.prompt.plain.split("\n"))) <= room]
                assert not set(map(id, measured)) & set(map(id, fits))
                assert len(measured) == len(prompts) - len(fits)


async def test_the_endpoint_list_draws_every_option_exactly_as_textuals_option_list():
    """The list draws prompts that fit without Textual's wrapping and generic Visual path. Every
    segment must be Textual's: text, colours, text style and the metadata its mouse handling and
    text selection read (the option's index, each span's offset), for every provider's options in
    each state (plain, highlighted, under the mouse, a group title), at widths where prompts fit
    and where they wrap (those go to Textual), and while text is selected (Textual's path too)."""
    from textual.selection import Selection
    from textual.widgets import OptionList

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        prompts = []
        for provider in app.providers:
            panel = await app.show_provider(provider.id)
            while not panel.built:
                await pilot.pause()
            prompts.append([o.prompt for o in panel.query_one("#endpoint-options", EndpointOptions).options])
        await app.show_provider(app.providers[0].id)
        options = app.active_panel.query_one("#endpoint-options", EndpointOptions)
        states = [("option-list--option",), ("option-list--option", "option-list--option-highlighted"),
                  ("option-list--option", "option-list--option-hover"),
                  ("option-list--option", "option-list--option-disabled")]
        fast = 0
        for width in (60, 46, 40, 30):
            options.styles.width = width
            for group in prompts:
                options.set_options(group)  # (a Content each: made into Options as EndpointList does)
                await pilot.pause()
                for option in options.options:
                    for names in states:
                        style = options.get_visual_style(*names)
                        options._option_render_cache.clear()
                        ours = options._get_option_render(option, style)
                        options._option_render_cache.clear()
                        theirs = OptionList._get_option_render(options, option, style)
                        assert [list(strip) for strip in ours] == [list(strip) for strip in theirs], (width, option.prompt)
                        assert [strip.cell_length for strip in ours] == [strip.cell_length for strip in theirs]
                        fast += options._render_unwrapped(option, style, options.get_component_styles(
                            "option-list--option").padding) is not None
        assert fast > 1000  # (most were drawn by the fast path, not all handed back to Textual)
        app.screen.selections = {options: Selection(None, None)}  # text selected: Textual draws it
        assert options.text_selection is not None
        assert options._render_unwrapped(options.options[1], options.get_visual_style("option-list--option"),
                                         options.get_component_styles("option-list--option").padding) is None


async def test_drawing_the_endpoint_list_brings_its_line_map_up_to_date_once_a_draw(monkeypatch):
    """Textual's OptionList updated its line map (and measured its width) for every line it drew:
    half the cost of the list, the first frame's costliest widget. Once a draw is enough, and
    what is drawn is the same."""
    from textual.geometry import Region
    from textual.widgets import OptionList

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        options = app.active_panel.query_one("#endpoint-options", EndpointOptions)
        area = Region(0, 0, options.size.width, options.size.height)
        before = [strip.text for strip in options.render_lines(area)]
        updates: list = []
        original = OptionList._update_lines
        monkeypatch.setattr(OptionList, "_update_lines", lambda self: (updates.append(1), original(self))[1])
        options._styles_cache.clear()
        drawn = options.render_lines(area)
        assert len(updates) == 1, len(updates)
        assert [strip.text for strip in drawn] == before
        assert sum(1 for text in before if text.strip()) > 20  # (a full list was drawn)


def test_the_heap_is_frozen_before_start_up_builds_the_screen():
    """In a fresh process (as a user starts it): the modules are frozen out of the collector's sight
    before the first panel is made, so start-up's collections do not walk them; once the screen is
    painted the heap is collected and frozen again."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import asyncio, gc
        assert gc.isenabled()
        from tui.app import PlaygroundApp
        from tui.widgets import provider_panel
        paused_at_import = not gc.isenabled()
        seen = {}
        init = provider_panel.ProviderPanel.__init__
        def spy(self, *a, **k):
            seen.setdefault("frozen_at_first_panel", gc.get_freeze_count())
            seen.setdefault("paused_at_first_panel", not gc.isenabled())
            init(self, *a, **k)
        provider_panel.ProviderPanel.__init__ = spy
        async def main():
            assert gc.get_freeze_count() == 0
            app = PlaygroundApp(sandbox_url="http://127.0.0.1:9")
            async with app.run_test(size=(160, 48)) as pilot:
                for _ in range(50):
                    await pilot.pause(0.02)
                    if gc.get_freeze_count() > seen["frozen_at_first_panel"]:
                        break
                print(seen["frozen_at_first_panel"], gc.get_freeze_count(), gc.get_threshold()[0],
                      int(paused_at_import), int(seen["paused_at_first_panel"]), int(gc.isenabled()))
        asyncio.run(main())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    at_first_panel, after, threshold, paused_at_import, paused_at_first_panel, enabled = map(int, out.stdout.split())
    assert at_first_panel > 10_000  # Textual's and apiplay's modules
    assert after > at_first_panel  # _freeze_heap ran after the first paint (widgets, packs)
    assert threshold >= 10_000
    # the collector is paused from the import of the app to its first paint, then runs again
    assert paused_at_import and paused_at_first_panel and enabled


def test_an_app_closed_before_its_first_paint_leaves_the_collector_running():
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import asyncio, gc
        from tui.app import PlaygroundApp
        assert not gc.isenabled()
        app = PlaygroundApp(sandbox_url="http://127.0.0.1:9")
        app.compose = lambda: iter(())  # nothing to paint: the app closes at once
        async def main():
            async with app.run_test(size=(40, 10)) as pilot:
                app.exit()
        asyncio.run(main())
        print(int(gc.isenabled()))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-1] == "1"


async def test_a_panel_shown_later_is_moved_out_of_the_collectors_sight_once_settled():
    """A full collection would otherwise walk the new panel's widgets (65-120 ms holding the GIL)."""
    import gc

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        panel = await app.show_provider("trackingram")
        for _ in range(100):
            if panel._hidden_ready:
                break
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        viewer = panel.query_one("#body-viewer")
        tracked = gc.get_objects()
        assert not any(o is panel or o is viewer for o in tracked)  # frozen: not in any generation
        del tracked


def _in_a_fresh_process(code: str) -> str:
    """Run `code` in a new interpreter (as a user starts apiplay: nothing imported yet); its stdout."""
    import subprocess
    import sys
    import textwrap

    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_the_first_frame_imports_only_what_it_shows():
    """The HTTP client (the rate meter's key is in tui.core.ratemeter), TextArea and Switch (form fields
    only some endpoints have), the JSON tree (the hidden Tree tab), the pager and the docs pane
    (mounted after the first paint) are imported when first needed, not before the first frame:
    together about 20 ms of start-up."""
    out = _in_a_fresh_process("""
        import asyncio, sys
        from tui.app import PlaygroundApp
        async def main():
            app = PlaygroundApp(sandbox_url="http://127.0.0.1:9")
            seen = []
            display = app._display
            def frame(screen, update):
                display(screen, update)
                if update is not None and not seen:
                    seen.append(sorted(m for m in ("tui.core.client", "textual.widgets._text_area",
                                                   "textual.widgets._switch", "tui.widgets.json_tree",
                                                   "tui.widgets.pager", "tui.widgets.docs_pane")
                                       if m in sys.modules))
            app._display = frame
            async with app.run_test(size=(160, 48)) as pilot:
                await pilot.pause()
                print(seen[0])
        asyncio.run(main())
    """)
    assert out.strip() == "[]"


async def test_the_first_resume_does_not_restyle_the_screen_but_later_ones_do(monkeypatch):
    """Every widget is styled as it mounts; the first screen's first resume used to restyle the whole
    tree again just before the first frame (15-25 ms). A later resume that asks for it still restyles."""
    from textual import events

    from tui.screens.main import MainScreen

    restyled: list = []
    update = MainScreen.update_node_styles

    def spy(self, animate: bool = True) -> None:
        restyled.append(self)
        update(self, animate)

    monkeypatch.setattr(MainScreen, "update_node_styles", spy)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    seen = on_first_frame(app, lambda: list(restyled))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert seen == [[]]
        screen = app.screen
        screen.post_message(events.ScreenResume())  # as App.switch_screen / switch_mode send it
        await pilot.pause()
        assert restyled == [screen]


async def test_a_widget_is_styled_once_it_is_mounted_not_each_time_its_classes_change_before():
    """A Button sets classes in its constructor; Textual styled it for each of them there and then,
    and again when mounted (a third of start-up's styling). It is styled when mounted, with the
    classes it has then, and restyled for each change after that."""
    from textual.widgets import Button

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        applied: list = []
        apply = app.stylesheet.apply

        def spy(node, *args, **kwargs):
            applied.append(node)
            return apply(node, *args, **kwargs)

        app.stylesheet.apply = spy
        button = Button("Later", compact=True, variant="primary", id="later")
        button.add_class("-made-before")
        assert applied == []
        await app.screen.mount(button)
        assert applied.count(button) == 1 and button.styles.border_top[0] in ("", "none")  # compact
        applied.clear()
        button.compact = False  # a change once mounted is styled at once
        assert applied.count(button) == 1 and button.styles.border_top[0] not in ("", "none")


async def test_a_resize_to_the_size_the_screen_has_lays_nothing_out_again(monkeypatch):
    """At start-up the app and the driver each send a Resize just after the first frame, both to the
    size the screen was laid out at: each was a full re-arrangement and repaint (~25 ms) before the
    frame the update timer makes anyway. A real size change is laid out at once, as before."""
    from textual import events
    from textual.geometry import Size

    from tui.screens.main import MainScreen

    layouts: list = []
    refresh_layout = MainScreen._refresh_layout

    def spy(self, size=None, scroll: bool = False) -> None:
        layouts.append(size)
        refresh_layout(self, size, scroll)

    monkeypatch.setattr(MainScreen, "_refresh_layout", spy)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert layouts[0] == Size(160, 48)  # the first frame's
        assert Size(160, 48) not in layouts[1:]  # no Resize laid it out again
        del layouts[:]
        app.screen.post_message(events.Resize(Size(160, 48), Size(160, 48)))
        await pilot.pause()
        assert Size(160, 48) not in layouts
        await pilot.resize_terminal(150, 40)
        await pilot.pause()
        assert Size(150, 40) in layouts
        assert app.screen.outer_size == Size(150, 40)
        assert app.active_panel.query_one("#endpoint-options").region.height > 0


async def test_containers_their_children_cover_are_not_painted_but_everything_in_them_is():
    """The panel's nested full-area containers (provider tabs, panel, workspace, response tabs…) are
    transparent and covered by their children: painting them was most of the lines of each full frame.
    They are left out of the painted map; what they hold, also parts mounted later, is painted."""
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        panel = app.active_panel

        def painted(selector: str) -> bool:
            return app.query_one(selector) in app.screen._compositor.visible_widgets

        for selector in ("#providers", "#panel-gocache", "#panel-main", "#panel-switcher", "#workspace", "#response",
                         "#response-tabs", "#tab-body", "#body-viewer"):
            assert not painted(selector), selector
        for selector in ("#target-bar", "#endpoint-filter", "#endpoint-options", "#param-form", "#send-button",
                         "#status-line", "#json-viewer", "KeyBar"):
            assert painted(selector), selector
        await panel.toggle_docs()
        await pilot.pause()
        assert painted("#docs") and painted("#docs-markdown")
        await panel.toggle_docs()
        for tab, selector in (("tab-headers", "#headers-view"), ("tab-tree", "#body-tree"), ("tab-raw", "#raw-viewer"),
                              ("tab-request", "#request-view"), ("tab-explain", "#explain-view")):
            panel.query_one("#response-tabs").active = tab
            await pilot.pause()
            assert painted(selector), selector
        panel.query_one("#response-tabs").active = "tab-body"
        panel.query_one("#response-filter").display = True
        panel.query_one("#truncated-bar").display = True
        panel.query_one("#body-viewer").action_open_search()
        await pilot.pause()
        for selector in ("#response-filter", "#truncated-bar", "#json-search", "#json-viewer"):
            assert painted(selector), selector
        endpoint = next(e for e in panel.provider.endpoints if e.paging.paged)
        await panel.choose(endpoint)
        await pilot.pause()
        assert painted("#pager") and painted("#param-form")
        panel = await app.show_provider("noosfero")
        await pilot.pause()
        assert painted("#panel-noosfero #endpoint-options")


def test_a_second_start_parses_no_css():
    """Textual's CSS parsing (about 25 ms a start) is done once: the rules are written to the disk
    cache after the first paint (tui/css_cache.py) and a new process reads them back."""
    code = """
        import asyncio
        import textual.css.stylesheet as stylesheet_module
        calls = []
        parse = stylesheet_module.parse
        stylesheet_module.parse = lambda *a, **k: calls.append(1) or parse(*a, **k)
        from tui.app import PlaygroundApp
        async def main():
            app = PlaygroundApp(sandbox_url="http://127.0.0.1:9")
            async with app.run_test(size=(160, 48)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                from tui import css_cache
                print(len(calls), css_cache.stats["hits"])
        asyncio.run(main())
    """
    first = _in_a_fresh_process(code).split()
    assert int(first[0]) > 10 and first[1] == "0"
    second = _in_a_fresh_process(code).split()
    assert second == ["0", str(first[0])]
