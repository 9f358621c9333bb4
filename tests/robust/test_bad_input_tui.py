"""Bad-input matrix, TUI side (Pilot on PlaygroundApp): the field is marked with the reason,
sending is refused with the reason (status line and a notification), and nothing is sent (the
app's sandbox URL is a local recording server that counts requests). Path values with `/`, `..`,
spaces or unicode are sent encoded in one segment. Broken pack, theme and config files: the app
starts and warns naming the file and the field. Text typed into a field is never read as markup."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import unquote

from textual.widgets import Input, Select, Switch

from pilot_helpers import open_endpoint, row, row_error, screen_text, started, status, wait_for
from tui.widgets.param_form import ParamForm

SIZE = (160, 50)

# (row id, provider, endpoint key, {field: text typed}, field expected marked, words in the reason)
FORM_ROWS = [
    ("int-type", "trackingram", "GET /trackerGps", {"limit": "abc"}, "limit", ["whole number", "'abc'"]),
    ("int-fraction", "trackingram", "GET /trackerGps", {"limit": "2.5"}, "limit", ["whole number"]),
    ("int-below-minimum", "trackingram", "GET /trackerGps", {"limit": "-3"}, "limit", ["at least 0"]),
    ("int-markup-text", "trackingram", "GET /trackerGps", {"limit": "[/]"}, "limit", ["whole number", "'[/]'"]),
    ("number-type", "noosfero", "GET /communities", {"lat": "north"}, "lat", ["a number", "'north'"]),
    ("number-nan", "noosfero", "GET /communities", {"lng": "nan"}, "lng", ["finite number"]),
    ("array-item-type", "noosfero", "GET /articles", {"category_ids": "1,b"}, "category_ids", ["whole number", "'b'"]),
    ("array-bad-json", "noosfero", "GET /articles", {"category_ids": "[1,"}, "category_ids", ["JSON array"]),
    ("array-enum-item", "noosfero", "GET /articles", {"optional_fields": "comments,nope"}, "optional_fields",
     ["one of comments, parent", "'nope'"]),
    ("object-is-list", "gocache", "POST /rules/{type}/{domain}", {"type": "settings", "domain": "x.com", "action": "[1]"},
     "action", ["JSON object"]),
    ("object-bad-json", "gocache", "POST /rules/{type}/{domain}", {"type": "settings", "domain": "x.com", "action": "{oops"},
     "action", ["JSON object"]),
    ("missing-path", "noosfero", "GET /communities/{id}", {}, "id", ["required"]),
    ("missing-body", "gocache", "POST /rules/{type}/{domain}", {"type": "settings", "domain": "x.com"}, "action", ["required"]),
    ("path-blank", "gocache", "GET /domain/{domain}", {"domain": "   "}, "domain", ["required"]),
    ("page-negative", "noosfero", "GET /communities", {"page": "-1"}, "page", ["1 or more"]),
    ("page-zero", "noosfero", "GET /communities", {"page": "0"}, "page", ["1 or more"]),
    ("page-huge", "noosfero", "GET /communities", {"page": "99999999999999999999"}, "page", ["at most 1000000000"]),
    ("per-page-zero", "noosfero", "GET /communities", {"per_page": "0"}, "per_page", ["at least 1"]),
    ("skip-negative", "trackingram", "GET /trackerGps", {"skip": "-5"}, "skip", ["at least 0"]),
    ("limit-zero", "trackingram", "GET /trackerGps", {"limit": "0"}, "limit", ["at least 1"]),
]


async def _refused(app, pilot, panel, recorder, field: str, words: list[str], rid: str) -> None:
    notes = app.notes
    before = len(notes)
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.pause()
    err = row_error(panel, field)
    assert err, f"{rid}: field {field} is not marked"
    reason = status(panel)
    assert reason.startswith("Not sent"), f"{rid}: {reason}"
    assert field in reason, f"{rid}: {reason}"
    for w in words:
        assert w in err or w in reason, f"{rid}: {w!r} not in {err!r} / {reason!r}"
    new = notes[before:]
    assert any(field in n and "Not sent" in n for n in new), f"{rid}: {new}"
    assert not panel.in_flight
    assert recorder.count == 0, f"{rid}: sent {[s.target for s in recorder.seen]}"


async def _form_rows(recorder, rows):
    async with started(recorder.origin, notifications=True) as (app, pilot):
        typed_before: dict[str, dict] = {}
        for rid, pid, key, typed, field, words in rows:
            panel = await open_endpoint(app, pilot, pid, key)
            form = panel.query_one(ParamForm)
            for name in set(typed_before.get(key, {})) - set(typed):  # undo the previous row's values
                form.set_raw(name, "")
            typed_before[key] = typed
            for name, text in typed.items():
                assert form.set_raw(name, text), f"{rid}: no field {name}"
            await pilot.pause()
            await _refused(app, pilot, panel, recorder, field, words, rid)
        assert app.is_running and app._exception is None


async def test_form_bad_values_are_marked_refused_and_not_sent(recorder):
    """Integer, number, array and object rows (the first half of FORM_ROWS)."""
    await _form_rows(recorder, FORM_ROWS[:11])


async def test_form_missing_values_and_absurd_page_numbers_are_refused(recorder):
    """Missing required values, blank path values and absurd page fields (the second half)."""
    await _form_rows(recorder, FORM_ROWS[11:])


async def test_typing_into_the_field_like_a_user(recorder):
    """Real key presses into the Input: the mark appears as you type, and ctrl+s refuses."""
    async with started(recorder.origin) as (app, pilot):
        panel = await open_endpoint(app, pilot, "trackingram", "GET /trackerGps")
        r = row(panel, "limit")
        panel.query_one(f"#{r.fid}", Input).focus()
        await pilot.press(*"12x")
        await pilot.pause()
        assert "whole number" in row_error(panel, "limit")  # marked while typing, before sending
        assert "whole number" in str(panel.query_one("#request-preview").render())
        await _refused(app, pilot, panel, recorder, "limit", ["'12x'"], "typed")
        await pilot.press("backspace")
        await pilot.pause()
        assert row_error(panel, "limit") == ""  # fixed: the mark goes away


async def test_enum_and_boolean_editors_offer_only_valid_values(recorder):
    async with started(recorder.origin) as (app, pilot):
        panel = await open_endpoint(app, pilot, "gocache", "GET /history/")
        r = row(panel, "section")
        select = panel.query_one(f"#{r.fid}", Select)
        offered = [v for _, v in select._options if v is not Select.NULL]
        assert offered == list(r.param.enum)
        panel.query_one(ParamForm).set_raw("section", "nope")  # not an option: stays unset
        assert select.value == Select.NULL
        panel = await open_endpoint(app, pilot, "noosfero", "GET /articles")
        r = row(panel, "archived")
        assert isinstance(panel.query_one(f"#{r.fid}"), Switch)
        assert recorder.count == 0


# Values that reach the panel without the form (the pager, history, the palette): the builder refuses.
PROGRAMMATIC_ROWS = [
    ("enum-string", "gocache", "GET /history/", {"section": "nope"}, "section", ["one of"]),
    ("enum-integer", "gocache", "POST /domain/{domain}", {"domain": "x.com", "cache_ttl": 7}, "cache_ttl", ["one of 300"]),
    ("bool-type", "noosfero", "GET /articles", {"archived": "maybe"}, "archived", ["true or false"]),
    ("bool-typed-wrong", "noosfero", "GET /articles", {"archived": 3}, "archived", ["true or false"]),
    ("object-typed-wrong", "gocache", "POST /rules/{type}/{domain}", {"type": "settings", "domain": "x", "action": 5},
     "action", ["JSON object"]),
    ("unknown-param", "noosfero", "GET /communities", {"bogus": 1}, "bogus", ["not a parameter"]),
    ("path-empty", "gocache", "GET /domain/{domain}", {"domain": ""}, "domain", ["may not be empty"]),
    ("page-huge", "noosfero", "GET /communities", {"page": 10**20}, "page", ["at most"]),
]


async def test_values_from_elsewhere_are_refused_and_not_sent(recorder):
    async with started(recorder.origin) as (app, pilot):
        for rid, pid, key, values, field, words in PROGRAMMATIC_ROWS:
            panel = await open_endpoint(app, pilot, pid, key)
            before = len(app.notes)
            assert panel.send(values=values) is False, rid
            await pilot.pause()
            reason = status(panel)
            assert reason.startswith("Not sent") and field in reason, f"{rid}: {reason}"
            assert all(w in reason for w in words), f"{rid}: {reason}"
            assert any(field in n for n in app.notes[before:]), rid
            assert recorder.count == 0, rid
        # a refused unknown name does not stick: valid values for the same endpoint are sent
        # (a form change still queued when values from elsewhere are refused must not pick up their errors)
        panel = await open_endpoint(app, pilot, "gocache", "GET /history/")
        form = panel.query_one(ParamForm)
        form.set_raw("domain", "example.com")
        await pilot.pause()
        form.recompute()  # queues a Changed message...
        assert panel.send(values={"bogus": 1}) is False  # ...and this refusal happens before it is handled
        await pilot.pause()
        assert "bogus" not in panel._form_errors
        await pilot.press("ctrl+s")
        try:
            await wait_for(pilot, lambda: recorder.count >= 1)
        except AssertionError:
            raise AssertionError(f"not sent: {status(panel)} {panel._form_errors} {app.notes[-3:]}") from None
        assert "domain=example.com" in recorder.seen[-1].target


PATH_VALUES = ["a/b", "..", "a b", "ünï/☃", "?x=1#y", "../../etc"]


async def test_path_values_are_sent_encoded_in_one_segment(recorder):
    async with started(recorder.origin) as (app, pilot):
        panel = await open_endpoint(app, pilot, "gocache", "GET /domain/{domain}")
        form = panel.query_one(ParamForm)
        for n, value in enumerate(PATH_VALUES, 1):
            form.set_raw("domain", value)
            await pilot.pause()
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: recorder.count == n and not panel.in_flight and panel.result is not None)
            segments = recorder.seen[-1].path.split("/")
            assert segments[:4] == ["", "gocache", "v1", "domain"] and len(segments) == 5, (value, segments)
            assert unquote(segments[4]) == value
            assert status(panel).startswith("200")


async def test_invalid_live_base_url_is_refused(recorder):
    async with started(recorder.origin) as (app, pilot):
        panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
        panel.switch_target("live")
        for url in ("not-a-url", "ftp://x"):
            panel.set_credentials({"token": "t0ken", "url": url})
            await pilot.pause()
            assert panel.send() is False
            await pilot.pause()
            reason = status(panel)
            assert "base URL" in reason and url in reason and "http:// or https://" in reason, reason
        assert recorder.count == 0


async def test_invalid_url_in_the_environment_warns_at_start(recorder, monkeypatch):
    monkeypatch.setenv("APIPLAY_GOCACHE_URL", "not-a-url")
    monkeypatch.setenv("APIPLAY_NOOSFERO_URL", "ftp://x")
    async with started(recorder.origin) as (app, pilot):
        notes = "\n".join(app.notes)
        assert "APIPLAY_GOCACHE_URL" in notes and "APIPLAY_NOOSFERO_URL" in notes
        assert app.settings.live_url("gocache") is None  # ignored, not used


async def test_broken_pack_theme_and_config_files_warn_and_the_app_works(recorder):
    from tui.core.paths import config_file, providers_dir, themes_dir

    packs = providers_dir()
    packs.mkdir(parents=True)
    src = Path(__file__).parents[1] / "fixtures" / "packs" / "broken"
    for name in ("bad_fields.json", "truncated.json", "bad_indent.yaml"):
        shutil.copy(src / name, packs / name)
    themes = themes_dir()
    themes.mkdir(parents=True)
    (themes / "neon.toml").write_text('name = "neon"\nprimary = "not-a-colour"\n')
    (themes / "broken.toml").write_text("primary = [[[\n")
    config_file().write_text('theme = "[/]"\n[timeouts]\nread = "soon"\n[providers.gocache]\nurl = "ftp://x"\n'
                             'target = "moon"\n')
    async with started(recorder.origin, notifications=True) as (app, pilot):
        start_notes = app.notes
        await pilot.pause(0.2)
        notes = "\n".join(start_notes)
        for words in (("config.toml line 3", "[timeouts] read", "number of seconds", "'soon'"),
                      ("config.toml line 5", "[providers.gocache] url", "http://", "'ftp://x'"),
                      ("config.toml line 6", "target", "'moon'"), ("neon.toml", "primary", "not a colour"),
                      ("broken.toml", "not valid TOML"),
                      ("bad_fields.json", "schema.type"), ("truncated.json", "JSON"),
                      ("bad_indent.yaml", "line 4")):
            assert all(w in notes for w in words), (words, notes)
        assert "[/]" in notes  # the unknown theme name is shown as typed
        text = screen_text(app)
        shown = [f for f in ("config.toml", "neon.toml", "broken.toml", "bad_fields.json", "truncated.json",
                             "bad_indent.yaml") if f in text]
        assert shown, text  # warnings are on screen as toasts (rendered as plain text, never markup)
        # the good providers still work
        panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: recorder.count == 1 and panel.result is not None)
        assert status(panel).startswith("200")
        assert app._exception is None
