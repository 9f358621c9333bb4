"""Actions on an answer, driven through the UI against the embedded sandbox: the JMESPath filter (f6) with
text search on its result, copy as curl (f7) / HTTPie (palette) / the body (ctrl+y), save the body (f8), and a
body cut at the body cap: load more (f10) and save the whole body (f12)."""

from __future__ import annotations

import json

import pytest

from test_journeys import body_lines, choose, ready, send_and_wait, status, wait_for  # the shared Pilot helpers
from tui.app import PlaygroundApp
from tui.sandbox.faults import large_body
from tui.screens.save_body import SaveBodyScreen
from tui.widgets.json_viewer import ResponseBody
from tui.widgets.response_filter import ResponseFilter, TruncatedBar
from tui.widgets.response_view import ResponseView


def viewer_lines(panel) -> list[str]:
    doc = panel.query_one(ResponseBody).viewer.document
    return [doc.line(i) for i in range(doc.line_count)] if doc is not None else []


def footer_keys(app) -> set[str]:
    from tui.widgets.key_bar import KeyBar

    return {k.description for k in app.query_one(KeyBar).keys}  # offered (F1 lists those the width drops)


@pytest.fixture
def clipboard(monkeypatch):
    copied: list[str] = []
    orig = PlaygroundApp.copy_to_clipboard

    def capture(self, text: str) -> None:
        copied.append(text)
        orig(self, text)

    monkeypatch.setattr(PlaygroundApp, "copy_to_clipboard", capture)
    return copied


async def communities(app, pilot):
    await ready(app, pilot)
    panel = await choose(app, pilot, "noosfero", "GET /communities")
    await send_and_wait(pilot, panel)
    assert status(panel).startswith("200")
    return panel


async def type_filter(pilot, box: ResponseFilter, text: str, typed: bool = False) -> None:
    """Put `text` in the filter box: typed key by key (slow: ~0.15 s a key), or set (the same Changed)."""
    box.input.value = ""
    if typed:
        await pilot.press(*text)
    else:
        box.input.value = text
        box.input.cursor_position = len(text)


async def test_jmespath_filter_names_bad_expression_search_and_escape(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await communities(app, pilot)
        data = json.loads(panel.result.exchange.body)
        names = [c["name"] for c in data]
        full = panel.query_one(ResponseView).document
        viewer = panel.query_one(ResponseBody).viewer
        assert "Filter" in footer_keys(app)

        await pilot.press("f6")
        box = panel.query_one(ResponseFilter)
        assert box.is_open and box.input.has_focus

        # a bad expression: the error in plain English, the body stays
        await type_filter(pilot, box, "[].]")
        await wait_for(pilot, lambda: box.error is not None and "']'" in box.error)
        assert "Unexpected ']'" in box.error and "character 4" in box.error
        assert "Unexpected" in str(box.query_one("#filter-message").render())
        assert viewer.document is full

        # a good one: only the names, in the same viewer
        await type_filter(pilot, box, "[].name", typed=True)
        await wait_for(pilot, lambda: box.applied == "[].name" and viewer.document is not full)
        assert box.error is None
        assert json.loads("\n".join(viewer_lines(panel))) == names
        assert not any('"id"' in line for line in viewer_lines(panel))
        assert "items" in str(box.query_one("#filter-message").render())

        # text search (/, n, N) runs over the filtered view
        await pilot.press("enter")  # to the result
        assert viewer.has_focus
        await pilot.press("slash")
        panel.query_one(ResponseBody).search_input.value = names[1]
        await pilot.press("enter")
        await wait_for(pilot, lambda: viewer.match_count >= 1)
        line, _col = viewer.current_match
        assert names[1] in viewer.document.line(line)
        first = viewer.current_match
        await pilot.press("n")
        await pilot.press("N")
        assert viewer.current_match == first

        # escape in the filter box: the whole body again
        box.input.focus()
        await pilot.press("escape")
        await wait_for(pilot, lambda: viewer.document is full)
        assert not box.is_open and not box.filtered
        assert any('"id"' in line for line in viewer_lines(panel))


async def test_filter_empty_restores_and_follows_a_new_answer(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await communities(app, pilot)
        viewer = panel.query_one(ResponseBody).viewer
        full = panel.query_one(ResponseView).document
        await pilot.press("f6")
        box = panel.query_one(ResponseFilter)
        await type_filter(pilot, box, "length(@)")
        await wait_for(pilot, lambda: box.applied == "length(@)")
        assert viewer_lines(panel) == [str(len(json.loads(panel.result.exchange.body)))]
        # a runtime error (a function given the wrong type) is explained too; the result stays
        await type_filter(pilot, box, "length(`1`)")
        await wait_for(pilot, lambda: box.error is not None and "length()" in box.error)
        assert "length()" in box.error and "number" in box.error
        # an empty box: the whole body
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: viewer.document is full and not box.filtered)
        # a new answer is filtered with the expression in the box
        await type_filter(pilot, box, "[0].id")
        await wait_for(pilot, lambda: box.applied == "[0].id")
        panel.query_one(ResponseBody).viewer.focus()
        await send_and_wait(pilot, panel, "ctrl+n")
        new_first = json.loads(panel.result.exchange.body)[0]["id"]
        await wait_for(pilot, lambda: viewer_lines(panel) == [str(new_first)])


async def test_copy_request_as_curl_and_httpie_masks_the_token(sandbox_url, clipboard):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await communities(app, pilot)
        token = panel.credentials["token"]
        assert "Copy curl" in footer_keys(app)
        panel.query_one(ResponseBody).viewer.focus()
        await pilot.press("f7")
        await wait_for(pilot, lambda: clipboard)
        curl = clipboard[-1]
        assert curl.startswith("curl ")
        assert token not in curl and "$APIPLAY_NOOSFERO_TOKEN" in curl
        assert curl.split()[1] == f"{panel.base_url}/communities" == panel.result.exchange.request.url
        assert any("copied the curl command" in n.message.lower() and "bytes" in n.message
                   for n in app._notifications)
        await pilot.press("ctrl+p")  # the palette's "Copy request as HTTPie"
        await wait_for(pilot, lambda: app.screen.query("CommandInput"))
        app.screen.query_one("CommandInput").value = "as HTTPie"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(clipboard) == 2)
        assert clipboard[-1].startswith("http ") and token not in clipboard[-1]
        assert "$APIPLAY_NOOSFERO_TOKEN" in clipboard[-1]
        # revealed secrets are copied as they are
        await pilot.press("ctrl+r")
        await pilot.press("f7")
        await wait_for(pilot, lambda: len(clipboard) == 3)
        assert token in clipboard[-1]
        # the body, as received
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: len(clipboard) == 4)
        assert clipboard[-1].encode() == panel.result.exchange.body


async def test_save_body_writes_the_same_bytes_and_never_overwrites_unasked(sandbox_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await communities(app, pilot)
        body = panel.result.exchange.body
        panel.query_one(ResponseBody).viewer.focus()
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveBodyScreen))
        path_input = app.screen.query_one("#save-body-path")
        default = tmp_path / "noosfero-get-communities-200.json"
        assert path_input.value == str(default)
        await pilot.press("enter")
        await wait_for(pilot, lambda: default.exists())
        assert default.read_bytes() == body
        assert not isinstance(app.screen, SaveBodyScreen)

        # the file exists: enter asks to confirm, escape leaves it alone
        default.write_bytes(b"keep me")
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveBodyScreen))
        error = app.screen.query_one("#save-body-error")
        assert "already exists" in str(error.render())
        await pilot.press("enter")
        assert isinstance(app.screen, SaveBodyScreen)
        assert "Save again to replace it" in str(error.render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SaveBodyScreen))
        await pilot.pause(0.1)
        assert default.read_bytes() == b"keep me"

        # confirmed: replaced
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveBodyScreen))
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: default.read_bytes() == body)
        # a folder that does not exist is refused in the dialog
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveBodyScreen))
        app.screen.query_one("#save-body-path").value = str(tmp_path / "nope" / "x.json")
        await pilot.press("enter")
        assert isinstance(app.screen, SaveBodyScreen)
        assert "does not exist" in str(app.screen.query_one("#save-body-error").render())
        await pilot.press("escape")


async def cut_answer(app, pilot, size: int):
    await ready(app, pilot)
    panel = await choose(app, pilot, "gocache", "GET /plan")
    panel.extra_headers = [("X-Apiplay-Fault", "large"), ("X-Apiplay-Size", str(size))]
    await send_and_wait(pilot, panel)
    assert panel.result.exchange.truncated and len(panel.result.exchange.body) == 1024
    assert "truncated at the body cap" in status(panel)
    return panel


async def test_truncated_answer_offers_load_more_until_whole(sandbox_url, monkeypatch):
    monkeypatch.setenv("APIPLAY_BODY_CAP", "1024")
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await cut_answer(app, pilot, 3000)
        await wait_for(pilot, lambda: app.history.count() == 1)
        bar = panel.query_one(TruncatedBar)
        assert bar.display and bar.has_class("-shown")
        assert {"Load more", "Save whole body"} <= footer_keys(app)
        panel.query_one(ResponseBody).viewer.focus()
        await send_and_wait(pilot, panel, "f10")  # twice the cap: 2048, still cut
        assert panel.result.exchange.truncated and len(panel.result.exchange.body) == 2048
        assert bar.display
        await pilot.click("#load-more")  # the button does the same: 4096, all of it
        await wait_for(pilot, lambda: not panel.in_flight and not panel.result.exchange.truncated)
        await wait_for(pilot, lambda: panel.query_one(ResponseView).body == large_body(3000))
        assert "truncated" not in status(panel)
        assert not bar.display
        await wait_for(pilot, lambda: json.loads("\n".join(body_lines(panel))) == json.loads(large_body(3000)))
        await pilot.pause()
        assert "Load more" not in footer_keys(app)
        # each answer loaded is in the history too, the whole body last
        await wait_for(pilot, lambda: app.history.count() == 3)
        assert app.history.list(limit=1)[0].size == len(large_body(3000))


async def test_truncated_answer_saves_the_whole_body_to_a_file(sandbox_url, monkeypatch, tmp_path):
    monkeypatch.setenv("APIPLAY_BODY_CAP", "1024")
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await cut_answer(app, pilot, 200_000)
        shown = panel.result
        panel.query_one(ResponseBody).viewer.focus()
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveBodyScreen))
        target = tmp_path / "whole.json"
        app.screen.query_one("#save-body-path").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists())
        assert target.read_bytes() == large_body(200_000)
        assert panel.result is shown  # the panel still shows the cut answer
        await wait_for(pilot, lambda: any("Saved 200,000 bytes" in n.message for n in app._notifications))
        assert [p.name for p in tmp_path.iterdir()] == ["whole.json"] or not any(
            p.name.endswith(".part") for p in tmp_path.iterdir())
