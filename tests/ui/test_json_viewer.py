"""JsonViewer / ResponseBody: a virtualised, highlighted, searchable body view."""

from __future__ import annotations

import orjson
from textual.app import App, ComposeResult

from tui.core import jsonview
from tui.widgets.json_viewer import JsonViewer, ResponseBody


class ViewerApp(App):
    def __init__(self, highlight: bool = True) -> None:
        super().__init__()
        self._highlight = highlight

    def compose(self) -> ComposeResult:
        yield ResponseBody(highlight=self._highlight, id="body")


def row_text(viewer: JsonViewer, y: int) -> str:
    return "".join(segment.text for segment in viewer.render_line(y)).rstrip()


def rows(viewer: JsonViewer, count: int = 5) -> list[str]:
    return [row_text(viewer, y) for y in range(count)]


def big_document(count: int = 40_000) -> jsonview.Document:
    items = [{"id": i, "name": f"item {i}", "email": f"user{i}@example.com", "tags": ["a", "b"],
              "address": {"city": "Porto Alegre", "zip": "90000-000"}} for i in range(count)]
    return jsonview.prepare(orjson.dumps(items))


async def test_a_5mb_document_is_shown_and_scrolls_by_page():
    doc = big_document()
    assert doc.size > 4_500_000
    app = ViewerApp()
    async with app.run_test(size=(80, 30)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.focus()
        viewer.load(doc)
        await pilot.pause()
        assert rows(viewer, 3) == ["[", "  {", '    "id": 0,']  # shown while the rest is formatted
        assert doc.wait(30)
        for _ in range(100):  # the viewer follows the growing document
            if viewer.virtual_size.height == doc.line_count:
                break
            await pilot.pause(0.02)
        assert viewer.virtual_size.height == doc.line_count
        await pilot.pause()
        assert viewer.border_subtitle == f"line 1 of {doc.line_count:,}"
        height = viewer.scrollable_content_region.height
        await pilot.press("pagedown")
        assert viewer.scroll_offset.y == height
        assert row_text(viewer, 0) == doc.line(height).rstrip()
        assert viewer.border_subtitle.startswith(f"line {height + 1:,} of")
        await pilot.press("end")
        assert viewer.scroll_offset.y == doc.line_count - height
        assert row_text(viewer, height - 1) == "]"
        await pilot.press("home")
        assert viewer.scroll_offset.y == 0


async def test_json_tokens_are_coloured_from_component_classes_and_follow_the_theme():
    app = ViewerApp()
    async with app.run_test(size=(60, 12)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(jsonview.prepare(b'{"key": "value", "n": 12, "b": true}'))
        await pilot.pause()
        segments = {seg.text: seg.style for seg in viewer.render_line(1) if seg.text.strip()}
        key_colour = segments['"key"'].color
        assert key_colour == viewer.get_component_rich_style("json-viewer--key").color
        assert segments['"value"'].color == viewer.get_component_rich_style("json-viewer--string").color
        assert key_colour != segments['"value"'].color
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        after = {seg.text: seg.style for seg in viewer.render_line(1) if seg.text.strip()}
        assert after['"key"'].color != key_colour


async def test_raw_mode_does_not_highlight():
    app = ViewerApp(highlight=False)
    async with app.run_test(size=(60, 12)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(jsonview.prepare_raw(b'{"key": "value"}'))
        await pilot.pause()
        assert row_text(viewer, 0) == '{"key": "value"}'
        styles = {seg.style for seg in viewer.render_line(0) if seg.text.strip()}
        assert len(styles) == 1


async def test_markup_and_control_characters_are_shown_inert():
    app = ViewerApp()
    async with app.run_test(size=(80, 12)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(jsonview.prepare(b'{"m": "[bold red]x[/] \\u001b[2J"}'))
        await pilot.pause()
        assert row_text(viewer, 1) == '  "m": "[bold red]x[/] \\u001b[2J"'
        viewer.load(jsonview.prepare(b"oops \x1b[2J", content_type="text/plain"))
        await pilot.pause()
        assert row_text(viewer, 0) == "oops \u241b[2J"
        assert "not JSON" in viewer.border_title


async def test_search_opens_with_slash_and_n_and_shift_n_step_through_matches():
    doc = jsonview.prepare(orjson.dumps([{"id": i, "name": f"name {i}"} for i in range(3000)]))
    app = ViewerApp()
    async with app.run_test(size=(80, 20)) as pilot:
        body = app.query_one(ResponseBody)
        viewer = body.viewer
        viewer.focus()
        viewer.load(doc)
        await pilot.press("slash")
        assert body.search_input.has_focus
        await pilot.press(*"name 2999", "enter")
        assert viewer.has_focus
        line, col = viewer.current_match
        assert doc.line(line)[col : col + 9] == "name 2999"
        top = viewer.scroll_offset.y
        assert top <= line < top + viewer.scrollable_content_region.height
        assert "match 1 of 1" in viewer.border_subtitle
        # the current match is painted with its own style
        y = line - top
        styles = [seg.style for seg in viewer.render_line(y) if seg.text == "name 2999"]
        assert styles and styles[0].bgcolor == viewer.get_component_rich_style(
            "json-viewer--current-match").bgcolor
        viewer.search("name 1")  # name 1, name 10..19, name 100..199, name 1000..1999
        first = viewer.current_match
        assert doc.line(first[0])[first[1] : first[1] + 6] == "name 1"
        await pilot.press("n")
        second = viewer.current_match
        assert second[0] > first[0]
        await pilot.press("N")
        assert viewer.current_match == first
        await pilot.press("N")  # wraps round to the last match
        assert viewer.current_match[0] > second[0]
        assert "match 1,111 of 1,111" in viewer.border_subtitle
        await pilot.press("slash", "escape")
        assert viewer.has_focus and not body.has_class("-searching")


async def test_no_match_is_reported_and_clear_and_show_text_work():
    app = ViewerApp()
    async with app.run_test(size=(60, 12)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(jsonview.prepare(b'{"a": 1}'))
        assert viewer.search("zzz") is False
        assert "no matches" in viewer.border_subtitle
        viewer.show_text("Sending GET /communities…")
        await pilot.pause()
        assert row_text(viewer, 0) == "Sending GET /communities…"
        viewer.clear()
        await pilot.pause()
        assert viewer.line_count == 0 and row_text(viewer, 0) == ""


async def test_a_very_long_line_is_cut_with_a_note():
    app = ViewerApp()
    async with app.run_test(size=(60, 12)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(jsonview.prepare(orjson.dumps({"s": "x" * 50_000})))
        await pilot.pause()
        await pilot.press("end")
        strip = viewer._cache.get(1)
        assert strip is not None and "more characters" in "".join(s.text for s in strip)
        assert viewer.virtual_size.width < 50_000


async def test_a_search_made_while_a_large_body_is_formatted_runs_when_it_is_ready(monkeypatch):
    monkeypatch.setattr(jsonview, "CHUNKED_LIMIT", 50_000)
    monkeypatch.setattr(jsonview, "CHUNK_BYTES", 5_000)
    monkeypatch.setattr(jsonview, "KEEP_DATA_LIMIT", 50_000)
    release = __import__("threading").Event()
    real = jsonview._continue_chunks
    monkeypatch.setattr(jsonview, "_continue_chunks",
                        lambda doc, chunker, pause=0.0: (release.wait(10), real(doc, chunker)))
    doc = jsonview.prepare(orjson.dumps([{"id": i, "name": f"name {i}"} for i in range(4000)]))
    assert not doc.complete
    app = ViewerApp()
    async with app.run_test(size=(80, 20)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(doc)
        await pilot.pause()
        assert "formatting" in viewer.border_subtitle
        assert viewer.search("name 3999") is False  # not there yet: deferred
        assert "once the body is ready" in viewer.border_subtitle
        release.set()
        assert doc.wait(10)
        for _ in range(100):
            if viewer.current_match is not None:
                break
            await pilot.pause(0.02)
        line, col = viewer.current_match
        assert doc.line(line)[col : col + 9] == "name 3999"
        assert viewer.virtual_size.height == doc.line_count
        assert "match 1 of 1" in viewer.border_subtitle


async def test_notes_and_searches_with_markup_are_shown_literally():
    app = ViewerApp()
    async with app.run_test(size=(90, 12)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(jsonview.prepare(b"<x>", content_type="text/[bold]html[/]"))
        await pilot.pause()
        # the server's content type is shown as sent, never parsed as markup
        assert "text/[bold]html[/]" in viewer._border_title.plain
        viewer.load(jsonview.prepare(b'{"a": "[/]"}'))
        viewer.search("[/]")
        await pilot.pause()
        assert viewer.current_match == (1, 8)


async def test_lines_shared_with_the_last_answer_are_not_tokenized_again(monkeypatch):
    """Sending again or paging: most lines repeat ("  },", '"moving": true,'): their strips are reused."""
    first = jsonview.prepare(orjson.dumps({"count_api": 1, "data": [{"id": 1, "moving": True}]}))
    second = jsonview.prepare(orjson.dumps({"count_api": 2, "data": [{"id": 1, "moving": True}]}))
    tokenized: list[str] = []
    real = jsonview.tokenize_line

    def counting(line):
        tokenized.append(line)
        return real(line)

    monkeypatch.setattr(jsonview, "tokenize_line", counting)
    app = ViewerApp()
    async with app.run_test(size=(80, 20)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(first)
        await pilot.pause()
        shown_first = rows(viewer, first.line_count)
        tokenized.clear()
        viewer.load(second)
        await pilot.pause()
        assert rows(viewer, second.line_count) == [second.line(i) for i in range(second.line_count)]
        assert shown_first != rows(viewer, second.line_count)
        assert tokenized == ['  "count_api": 2,']  # only the line that changed
        # a search match is never served from the shared strips
        viewer.search("moving")
        await pilot.pause()
        index = next(i for i in range(second.line_count) if "moving" in second.line(i))
        match_style = viewer._resolve_styles()["current-match"]
        assert any(seg.style == match_style for seg in viewer.render_line(index - int(viewer.scroll_offset.y)))


async def test_a_growing_document_updates_the_scrollbar_without_laying_the_screen_out(monkeypatch):
    """Each growth tick used to set virtual_size, a layout reactive: a full layout pass of the
    screen four times a second while the user typed. Only the scrollbar (and the lines on screen
    if they were past the end) change."""
    import threading

    monkeypatch.setattr(jsonview, "CHUNKED_LIMIT", 50_000)
    monkeypatch.setattr(jsonview, "CHUNK_BYTES", 5_000)
    monkeypatch.setattr(jsonview, "KEEP_DATA_LIMIT", 50_000)
    monkeypatch.setattr("tui.widgets.json_viewer.GROWTH_POLL_S", 0.02)
    step = threading.Semaphore(0)
    real_piece = jsonview._Chunker.next_piece

    def gated(self):
        step.acquire(timeout=10)
        return real_piece(self)

    items = [{"id": i, "name": f"name {i}"} for i in range(4000)]
    doc = jsonview.prepare(orjson.dumps(items))  # the first piece is made before gating
    monkeypatch.setattr(jsonview._Chunker, "next_piece", gated)
    app = ViewerApp()
    async with app.run_test(size=(80, 20)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(doc)
        await pilot.pause()
        layouts = []
        real_refresh = viewer.refresh

        def refresh(*regions, **kwargs):
            if kwargs.get("layout"):
                layouts.append(kwargs)
            return real_refresh(*regions, **kwargs)

        monkeypatch.setattr(viewer, "refresh", refresh)
        first = viewer.virtual_size.height
        for _ in range(5):  # five more pieces, each seen by a growth tick
            lines = doc.line_count
            step.release()
            for _ in range(200):
                if doc.line_count > lines and viewer.virtual_size.height == doc.line_count:
                    break
                await pilot.pause(0.01)
            assert viewer.virtual_size.height == doc.line_count > lines
        assert layouts == []
        assert viewer.virtual_size.height > first
        assert viewer.vertical_scrollbar.window_virtual_size == doc.line_count
        assert "formatting" in viewer.border_subtitle
        for _ in range(1000):
            step.release()
        assert doc.wait(10)
        for _ in range(200):
            if "formatting" not in viewer.border_subtitle:
                break
            await pilot.pause(0.02)
        assert viewer.virtual_size.height == doc.line_count
        assert f"of {doc.line_count:,}" in viewer.border_subtitle
        viewer.focus()
        await pilot.press("end")
        await pilot.pause()
        assert int(viewer.scroll_offset.y) + viewer.scrollable_content_region.height == doc.line_count
        assert row_text(viewer, viewer.scrollable_content_region.height - 1).strip() == "]"


def _answer(count: int, **changes) -> jsonview.Document:
    items = [{"id": i, "name": f"tracker {i}", "moving": False} for i in range(4)]
    return jsonview.prepare(orjson.dumps({"object": "list", "data": items, "count_api": count, **changes}))


async def test_a_new_answer_repaints_only_the_rows_that_changed():
    """An answer sent again differs in a counter: only its row is repainted (issue 5, request
    overhead), and every row on screen shows the new answer."""
    app = ViewerApp()
    async with app.run_test(size=(80, 40)) as pilot:
        viewer = app.query_one(JsonViewer)
        viewer.load(_answer(1))
        await pilot.pause()
        viewer._repaint_regions.clear()  # what the next load asks to repaint
        second = _answer(2)
        viewer.load(second)
        changed = [row for row in range(second.line_count) if second.line(row) != _answer(1).line(row)]
        assert len(changed) == 1
        assert viewer._repaint_regions, "nothing repainted"
        assert {region.height for region in viewer._repaint_regions} == {1}
        assert {region.y - viewer.content_offset.y for region in viewer._repaint_regions} == set(changed)
        await pilot.pause()
        assert rows(viewer, second.line_count) == [second.line(i).rstrip() for i in range(second.line_count)]
        assert viewer.border_subtitle == f"line 1 of {second.line_count:,}"


async def test_a_new_answer_is_repainted_whole_when_scrolled_searched_or_titled_differently():
    app = ViewerApp()
    async with app.run_test(size=(80, 12)) as pilot:
        viewer = app.query_one(JsonViewer)

        async def repainted_whole(prepare) -> bool:
            viewer.load(_answer(1))
            await pilot.pause()
            prepare()
            await pilot.pause()
            viewer._repaint_regions.clear()
            viewer.load(_answer(2))
            return viewer.outer_size.region in viewer._repaint_regions

        assert not await repainted_whole(lambda: None)  # the case above, for contrast
        assert await repainted_whole(lambda: viewer.scroll_to(0, 3, animate=False, immediate=True))
        assert await repainted_whole(lambda: viewer.search("tracker"))
        viewer.load(_answer(1))
        await pilot.pause()
        viewer._repaint_regions.clear()
        viewer.load(jsonview.prepare(b'{"count_api": 2', content_type="application/json"))  # a problem title
        assert viewer.outer_size.region in viewer._repaint_regions
        await pilot.pause()
        assert rows(viewer, 1) == ['{"count_api": 2']
