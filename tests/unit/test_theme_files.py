"""Theme files: the shipped ones are complete and valid; broken user files are named, skipped, never fatal."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.color import Color

from tui import themes

REPO = Path(__file__).resolve().parents[2]


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_at_least_four_shipped_themes_including_dark_light_high_contrast(tmp_path):
    loaded, warnings = themes.load_themes(tmp_path / "none")
    names = {t.name for t in loaded}
    assert warnings == []
    assert {"dark", "light", "high-contrast", "apiplay"} <= names
    assert themes.DEFAULT_THEME in names
    assert {t.name: t.dark for t in loaded}["light"] is False


def test_shipped_themes_define_every_apiplay_variable_as_a_colour():
    files = sorted((REPO / "themes").glob("*.toml"))
    assert len(files) >= 4
    for path in files:
        data = tomllib.loads(path.read_text())
        variables = data.get("variables", {})
        missing = [v for v in themes.APIPLAY_VARIABLES if v not in variables]
        assert not missing, f"{path.name} lacks {missing}"
        for name in themes.APIPLAY_VARIABLES:
            Color.parse(variables[name])


def test_package_copy_is_the_source_folder():
    # tui/themes is a link to ../themes, so the wheel ships exactly the files kept at the top level.
    packaged = sorted(p.name for p in (REPO / "tui" / "themes").glob("*.toml"))
    source = sorted(p.name for p in (REPO / "themes").glob("*.toml"))
    assert packaged == source and packaged
    assert themes.shipped_dir().resolve() == (REPO / "themes").resolve()


def test_defaults_cover_every_variable_for_dark_and_light():
    dark, light = themes.theme_variable_defaults(True), themes.theme_variable_defaults(False)
    assert set(dark) == set(light) == set(themes.APIPLAY_VARIABLES)
    assert dark != light
    for value in [*dark.values(), *light.values()]:
        Color.parse(value)


def test_user_theme_is_loaded_and_overrides_shipped_by_name(tmp_path):
    user = tmp_path / "themes"
    _write(user, "mine.toml", 'primary = "#123456"\nbackground = "rgb(1,2,3)"\n[variables]\njson-key = "red"\n')
    _write(user, "dark.toml", 'name = "dark"\nprimary = "#ff0000"\ndark = true\n')
    loaded, warnings = themes.load_themes(user)
    assert warnings == []
    by_name = {t.name: t for t in loaded}
    assert by_name["mine"].primary == "#123456"  # name defaults to the file name
    assert by_name["mine"].variables["json-key"] == "red"
    assert by_name["dark"].primary == "#ff0000"
    assert "mine" in themes.theme_names(user)


def test_default_user_dir_is_under_the_config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("APIPLAY_CONFIG_DIR", str(tmp_path / "cfg"))
    _write(tmp_path / "cfg" / "themes", "ocean.toml", 'primary = "#0077be"\n')
    assert "ocean" in themes.theme_names()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('primary = "blurple"\n', "mytheme.toml: primary: 'blurple' is not a colour"),
        ('primary = 12\n', "mytheme.toml: primary: expected a colour"),
        ('primary = "#fff"\nbackgrund = "#000"\n', "mytheme.toml: backgrund: unknown field"),
        ('background = "#000"\n', "mytheme.toml: primary: missing"),
        ('primary = "#fff"\ndark = "yes"\n', "mytheme.toml: dark: expected true or false"),
        ('primary = "#fff"\ntext_alpha = 3\n', "mytheme.toml: text_alpha: 3 is out of range"),
        ('primary = "#fff"\n[variables]\njson-kye = "#fff"\n', "mytheme.toml: variables.json-kye: unknown variable"),
        ('primary = "#fff"\n[variables]\njson-key = "nope"\n', "mytheme.toml: variables.json-key: 'nope' is not a colour"),
        ('primary = "#fff"\n[variables]\nborder = "#fff 300%"\n', "mytheme.toml: variables.border: "),
        ('primary = "#fff"\n[variables]\nblock-cursor-text-style = "shiny"\n',
         "mytheme.toml: variables.block-cursor-text-style: 'shiny' is not a text style"),
        ('primary = "#fff"\nname = "my theme"\n', "mytheme.toml: name: 'my theme' contains spaces"),
        ('primary = "#fff\n', "mytheme.toml: not valid TOML"),
    ],
)
def test_bad_theme_file_is_skipped_with_a_warning_naming_file_and_field(tmp_path, text, expected):
    user = tmp_path / "themes"
    _write(user, "mytheme.toml", text)
    loaded, warnings = themes.load_themes(user)
    assert "mytheme" not in {t.name for t in loaded}
    assert any(w.startswith(expected) for w in warnings), warnings
    assert {"dark", "light"} <= {t.name for t in loaded}  # the rest still load


def test_every_problem_in_a_file_is_reported(tmp_path):
    user = tmp_path / "themes"
    _write(user, "two.toml", 'primary = "blurple"\nerror = "reddish"\n')
    _, warnings = themes.load_themes(user)
    assert [w.split(":")[1].strip() for w in warnings] == ["primary", "error"]


def test_valid_textual_variables_and_styles_are_accepted(tmp_path):
    user = tmp_path / "themes"
    _write(user, "ok.toml", 'primary = "#fff"\n[variables]\ninput-selection-background = "#81a1c1 35%"\n'
                            'block-cursor-text-style = "bold reverse"\nfooter-key-foreground = "ansi_red"\n')
    loaded, warnings = themes.load_themes(user)
    assert warnings == []
    ok = {t.name: t for t in loaded}["ok"]
    assert ok.variables["input-selection-background"] == "#81a1c1 35%"


def test_unreadable_and_non_utf8_files_warn(tmp_path):
    user = tmp_path / "themes"
    user.mkdir()
    (user / "binary.toml").write_bytes(b"\xff\xfe\x00primary")
    (user / "folder.toml").mkdir()  # not a file: ignored
    loaded, warnings = themes.load_themes(user)
    assert warnings == ["binary.toml: not a UTF-8 text file"]
    assert loaded


def test_missing_user_dir_is_fine(tmp_path):
    loaded, warnings = themes.load_themes(tmp_path / "does-not-exist")
    assert loaded and warnings == []


@pytest.fixture
def fresh_theme_cache(monkeypatch, tmp_path):
    """The parsed-theme cache as a new process finds it: read again, nothing new (conftest gives
    each test its own cache dir)."""
    monkeypatch.setattr(themes, "_cache", None)
    monkeypatch.setattr(themes, "_cache_new", {})


def test_theme_files_are_parsed_once_then_read_from_the_cache(tmp_path, monkeypatch, fresh_theme_cache):
    import tomllib as real_tomllib

    user = tmp_path / "themes"
    mine = _write(user, "mine.toml", 'primary = "#123456"\n[variables]\njson-key = "red"\n')
    _write(user, "broken.toml", 'primary = 12\n')
    first, warnings = themes.load_themes(user)
    assert any("broken.toml: primary" in w for w in warnings)
    assert str(mine) in themes._cache_new
    assert themes.save_cache() is not None
    assert themes.save_cache() is None  # nothing new: nothing written

    parsed: list = []
    with monkeypatch.context() as patch:
        patch.setattr(real_tomllib, "loads", lambda text, **kw: parsed.append(text) or {})
        themes._cache = None  # a new start
        second, warnings_again = themes.load_themes(user)
    assert parsed == []  # every file came from the cache
    assert [(t.name, t.primary, t.variables) for t in second] == [(t.name, t.primary, t.variables) for t in first]
    assert warnings_again == warnings  # a theme the cache holds is still checked on every start

    mine.write_text('primary = "#654321"\n', encoding="utf-8")  # changed: parsed again
    themes._cache = None
    third, _ = themes.load_themes(user)
    assert {t.name: t.primary for t in third}["mine"] == "#654321"


@pytest.mark.parametrize("spoil", ["writable by others", "corrupt", "wrong format"])
def test_a_doubtful_theme_cache_is_ignored(tmp_path, spoil, fresh_theme_cache):
    from tui.core.packcache import cache_dir

    user = tmp_path / "themes"
    _write(user, "mine.toml", 'primary = "#123456"\n')
    themes.load_themes(user)
    path = themes.save_cache()
    if spoil == "writable by others":
        path.chmod(0o666)
    elif spoil == "corrupt":
        path.write_bytes(b"{not json")
    else:
        path.write_text('{"format": 99, "files": {}}', encoding="utf-8")
    assert path.parent == cache_dir()
    themes._cache = None
    loaded, warnings = themes.load_themes(user)
    assert warnings == [] and {t.name: t.primary for t in loaded}["mine"] == "#123456"
    assert str(user / "mine.toml") in themes._cache_new  # parsed from the file
