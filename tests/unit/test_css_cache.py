"""The disk cache of Textual's parsed CSS rules (tui.css_cache): a hit gives the rules parsing gives,
for each theme's variables; changed CSS or variables are parsed again; a planted or foreign file is
refused without running anything and the app starts, parsing its CSS."""

from __future__ import annotations

import os
import pickle
import re

import pytest
import textual.css.stylesheet as stylesheet_module
from textual.css.stylesheet import Stylesheet

from tui import css_cache
from tui.app import PlaygroundApp
from tui.widgets.tabs import Tabbed

sandbox_url = "http://127.0.0.1:9"  # nothing is sent in these tests
THEMES = ("textual-dark", "textual-light")


async def _start(theme: str | None = None) -> dict:
    """Start the app once (installing the cache); its stylesheet's sources and variables, after the
    cache was written."""
    app = PlaygroundApp(sandbox_url=sandbox_url, theme=theme)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.query_one(Tabbed).active
        return {"variables": dict(app.stylesheet._variables), "source": dict(app.stylesheet.source)}


def _counting_parse(monkeypatch) -> list:
    calls: list = []
    parse = stylesheet_module.parse

    def counting(*args, **kwargs):
        calls.append(args[1][:40])
        return parse(*args, **kwargs)

    monkeypatch.setattr(stylesheet_module, "parse", counting)
    return calls


def _css(rule) -> str:
    try:
        return rule.css
    except AttributeError:  # Textual's own css of some rules fails (link-background: none)
        return ""


def _values(rules: dict) -> dict:
    """A rule's values, a layout by its name (layout objects compare by identity)."""
    return {k: (type(v), v.name) if k == "layout" else v for k, v in rules.items()}


def _look(rules) -> list:
    return [(_css(r), _values(r.styles.get_rules()), r.selector_names, r.pseudo_classes, r.is_default_rules, r.tie_breaker,
             [(s.css, s.specificity) for s in r.selector_set]) for r in rules]


def _parse_all(variables: dict, source: dict, parse_rules) -> list:
    sheet = Stylesheet(variables=variables)
    return [parse_rules(sheet, css.content, read_from, css.is_defaults, css.tie_breaker, css.scope)
            for read_from, css in source.items()]


async def test_a_hit_gives_what_parsing_gives_for_each_theme(monkeypatch):
    started = {theme: await _start(theme) for theme in THEMES}
    assert css_cache.cache_file().is_file()
    assert css_cache.cache_file().stat().st_mode & 0o777 == 0o600
    css_cache.install()  # as a new start: the file has both themes' entries
    calls = _counting_parse(monkeypatch)
    looks = {}
    for theme, got in started.items():
        hits = css_cache.stats["hits"]
        cached = _parse_all(got["variables"], got["source"], Stylesheet._parse_rules)
        assert not calls and css_cache.stats["hits"] - hits == len(got["source"]) > 10
        parsed = _parse_all(got["variables"], got["source"], css_cache._original)
        assert len(calls) == len(got["source"])
        calls.clear()
        assert [_look(r) for r in cached] == [_look(r) for r in parsed]
        looks[theme] = [_look(r) for r in cached]
    assert looks["textual-dark"] != looks["textual-light"]  # the variables are in the key


async def test_changed_css_or_variables_are_parsed_again(monkeypatch):
    got = await _start()
    css_cache.install()
    calls = _counting_parse(monkeypatch)
    sheet = Stylesheet(variables=got["variables"])
    read_from, css, name = next((k, v, n) for k, v in got["source"].items() for n, value in got["variables"].items()
                                if str(value).startswith("#") and re.search(rf"\$\b{re.escape(n)}(?![\w-])", v.content))
    args = (read_from, css.is_defaults, css.tie_breaker, css.scope)
    sheet._parse_rules(css.content, *args)
    assert not calls  # from the file

    changed = css.content + "\nLabel.css-cache-test { color: red; }\n"
    rules = Stylesheet(variables=got["variables"])._parse_rules(changed, *args)
    assert len(calls) == 1 and any("css-cache-test" in _css(r) for r in rules)

    other = dict(got["variables"])
    other[name] = "#123456"
    rules = Stylesheet(variables=other)._parse_rules(css.content, *args)
    assert len(calls) == 2 and _look(rules) != _look(sheet._parse_rules(css.content, *args))

    for key in (read_from[0] + "x", read_from[1]), read_from:  # the place and the flags count too
        Stylesheet(variables=got["variables"])._parse_rules(css.content, key, not css.is_defaults,
                                                            css.tie_breaker, css.scope)
    assert len(calls) == 4


class _Planted:
    """What a planted cache file would carry: an object whose unpickling runs a command."""

    def __reduce__(self):
        return (os.system, ("echo planted > /dev/null",))


class _Reaching:
    """getattr towards something else than a dict's get / __contains__."""

    def __init__(self, obj, name):
        self.obj, self.name = obj, name

    def __reduce__(self):
        return (getattr, (self.obj, self.name))


@pytest.mark.parametrize("planted", [_Planted(), [_Reaching({}, "clear")], [_Reaching(frozenset(), "__class__")],
                                     [_Reaching("text", "format")], "not a list"])
async def test_a_planted_entry_is_refused_and_the_app_starts_parsing(monkeypatch, planted):
    await _start()
    path = css_cache.cache_file()
    data = pickle.loads(path.read_bytes())
    assert data["entries"]
    good = dict(data["entries"])
    data["entries"] = {digest: pickle.dumps(planted) for digest in good}
    path.write_bytes(pickle.dumps(data))
    os.chmod(path, 0o600)
    ran = []
    monkeypatch.setattr(os, "system", lambda cmd: ran.append(cmd) or 0)
    calls = _counting_parse(monkeypatch)
    hits = css_cache.stats["hits"]
    await _start()  # parses its CSS, and replaces the entries
    assert ran == [] and css_cache.stats["hits"] == hits
    assert len(calls) >= len(good)
    assert set(pickle.loads(path.read_bytes())["entries"]) == set(good)

    calls.clear()
    await _start()
    assert not calls  # the rewritten file is used


def test_the_unpickler_names_nothing_else():
    refused = [pickle.dumps(_Planted()), pickle.dumps(_Reaching({}, "clear")), pickle.dumps(eval),
               pickle.dumps(stylesheet_module.Stylesheet), pickle.dumps(os.path.join)]
    for data in refused:
        with pytest.raises(pickle.UnpicklingError):
            css_cache._loads(data)
    assert css_cache._loads(pickle.dumps(_Reaching({"a": 1}, "get")))("a") == 1


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps({"stamp": ("other",), "entries": {}}),
                                     pickle.dumps(["a", "list"])])
async def test_a_corrupt_or_foreign_file_is_ignored(monkeypatch, content):
    path = css_cache.cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    calls = _counting_parse(monkeypatch)
    await _start()
    assert calls and css_cache._read()  # parsed, and the file replaced


async def test_a_file_others_can_write_is_ignored(monkeypatch):
    await _start()
    os.chmod(css_cache.cache_file(), 0o666)
    calls = _counting_parse(monkeypatch)
    await _start()
    assert calls
