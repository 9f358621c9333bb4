import os
import stat

import pytest

from tui.core import paths
from tui.core.settings import Settings, load_settings, save_settings


@pytest.fixture(scope="module")
def providers():
    from tui.core.packs import load_providers

    ps, _ = load_providers()
    return {p.id: p for p in ps}


def write_config(text):
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_files():
    s, warnings = load_settings(env={})
    assert warnings == []
    assert s == Settings(env={})
    assert s.target_for("noosfero") == "sandbox"
    assert not paths.config_dir().exists()  # reading creates nothing


def test_full_config(providers):
    write_config('''
theme = "light"
target = "live"
rate_limit_guard = false
history_size = 10
history_body_cap = 1000
body_cap = 2048
sandbox_url = "http://127.0.0.1:9999/"

[timeouts]
connect = 2.5
read = 7

[keys]
"send" = ["ctrl+s", "f5"]
quit = "ctrl+q"

[credentials]
store = "keyring"

[providers.noosfero]
target = "sandbox"
[providers.noosfero.variables]
instance = "noosfero.example.org"

[providers.trackingram]
url = "https://tr.example/api/"
''')
    s, warnings = load_settings(env={})
    assert warnings == []
    assert (s.theme, s.target, s.rate_limit_guard, s.history_size, s.history_body_cap, s.body_cap) == (
        "light", "live", False, 10, 1000, 2048)
    assert s.sandbox_url == "http://127.0.0.1:9999"
    assert (s.connect_timeout, s.read_timeout) == (2.5, 7.0)
    assert s.keymap == {"send": "ctrl+s,f5", "quit": "ctrl+q"}
    assert s.credentials_store == "keyring"
    assert s.target_for("noosfero") == "sandbox" and s.target_for("gocache") == "live"
    noos, tr = providers["noosfero"], providers["trackingram"]
    assert s.base_url(noos, target="live") == "https://noosfero.example.org/api/v1"
    assert s.base_url(tr) == "https://tr.example/api"
    assert s.base_url(noos, sandbox_origin="http://127.0.0.1:1") == "http://127.0.0.1:1/noosfero/api/v1"
    assert s.origins["theme"] == "config.toml"


def test_syntax_error_names_line_and_uses_defaults():
    path = write_config('theme = "light"\n\n[timeouts\nread = 3\n')
    before = path.read_bytes()
    s, warnings = load_settings(env={})
    assert len(warnings) == 1
    assert warnings[0].startswith("config.toml line 3: ")
    assert s.theme is None and s.read_timeout == 30.0
    assert path.read_bytes() == before  # never rewritten


def test_bad_values_name_field_and_line_keep_the_rest():
    path = write_config('theme = "nord"\n[providers.noosfero]\n\ntarget = "x"\n[timeouts]\nread = "soon"\n'
                        'connect = 3\n[keys]\nsend = 5\n[bogus]\n')
    before = path.read_bytes()
    s, warnings = load_settings(env={})
    assert "config.toml line 4: [providers.noosfero] target: expected 'sandbox' or 'live', got 'x'" in warnings
    assert "config.toml line 6: [timeouts] read: expected a number of seconds, got 'soon'" in warnings
    assert any(w.startswith("config.toml line 9: [keys] send: expected keys") for w in warnings)
    assert any(w.startswith("config.toml line 10: bogus: unknown setting") for w in warnings)
    assert len(warnings) == 4
    assert s.theme == "nord" and s.connect_timeout == 3.0 and s.read_timeout == 30.0
    assert s.target_for("noosfero") == "sandbox"
    assert path.read_bytes() == before


def test_environment_wins(providers):
    write_config('theme = "light"\ntarget = "sandbox"\n[providers.noosfero]\nurl = "https://a.example/api/v1"\n')
    env = {"APIPLAY_THEME": "dark", "APIPLAY_NOOSFERO_URL": "https://b.example/api/v1",
           "APIPLAY_GOCACHE_TARGET": "live", "APIPLAY_TIMEOUT": "5", "APIPLAY_CONNECT_TIMEOUT": "1",
           "APIPLAY_RATE_GUARD": "off", "APIPLAY_TRACKINGRAM_VERSION": "latest", "APIPLAY_HISTORY_SIZE": "7",
           "APIPLAY_KEYRING": "1", "APIPLAY_SANDBOX_URL": "http://127.0.0.1:5"}
    s, warnings = load_settings(env=env)
    assert warnings == []
    assert s.theme == "dark" and s.origins["theme"] == "APIPLAY_THEME"
    assert s.live_url("noosfero") == "https://b.example/api/v1"
    assert s.target_for("gocache") == "live" and s.target_for("noosfero") == "sandbox"
    assert (s.read_timeout, s.connect_timeout, s.rate_limit_guard, s.history_size) == (5.0, 1.0, False, 7)
    assert s.credentials_store == "keyring" and s.sandbox_url == "http://127.0.0.1:5"
    assert s.base_url(providers["trackingram"], target="live").endswith("/apiPublic/latest")


def test_bad_environment_values_warn():
    s, warnings = load_settings(env={"APIPLAY_TARGET": "prod", "APIPLAY_TIMEOUT": "-1",
                                     "APIPLAY_NOOSFERO_URL": "ftp://x"})
    assert "APIPLAY_TARGET: expected 'sandbox' or 'live', got 'prod'; ignored" in warnings
    assert any(w.startswith("APIPLAY_TIMEOUT: expected a number of seconds between") for w in warnings)
    assert any(w.startswith("APIPLAY_NOOSFERO_URL: expected an http:// or https:// URL") for w in warnings)
    assert s.target == "sandbox" and s.read_timeout == 30.0 and s.live_url("noosfero") is None


def test_save_round_trip_into_state_never_config():
    cfg = write_config('# mine\ntarget = "sandbox"\n')
    before = cfg.read_bytes()
    notes = save_settings({"theme": "nord", "providers": {"noosfero": {"url": "https://n.example/api/v1",
                                                                       "variables": {"instance": "n.example"}}}},
                          env={})
    assert notes == []
    assert cfg.read_bytes() == before
    s, warnings = load_settings(env={})
    assert warnings == []
    assert s.theme == "nord" and s.origins["theme"] == "state.toml"
    assert s.live_url("noosfero") == "https://n.example/api/v1"
    assert s.provider("noosfero").variables == {"instance": "n.example"}
    # change one thing, forget another: the rest is kept
    save_settings({"theme": "light", "providers": {"noosfero": {"url": None}}}, env={})
    s, _ = load_settings(env={})
    assert s.theme == "light" and s.live_url("noosfero") is None
    assert s.provider("noosfero").variables == {"instance": "n.example"}


def test_config_wins_over_state_and_save_says_so():
    write_config('theme = "mine"\n')
    notes = save_settings({"theme": "nord"}, env={})
    assert notes == ["theme is also set in config.toml, which wins at the next start"]
    assert load_settings(env={})[0].theme == "mine"
    notes = save_settings({"target": "live"}, env={"APIPLAY_TARGET": "sandbox"})
    assert notes == ["target is also set by APIPLAY_TARGET, which wins"]


def test_save_rejects_bad_value_and_writes_nothing():
    with pytest.raises(ValueError, match="target: expected 'sandbox' or 'live', got 'x'"):
        save_settings({"providers": {"gocache": {"target": "x"}}}, env={})
    assert not paths.state_file().exists()


def test_save_replaces_broken_state_with_backup():
    st = paths.state_file()
    st.parent.mkdir(parents=True)
    st.write_text("theme = \n")
    notes = save_settings({"theme": "nord"}, env={})
    assert any("state.toml.bak" in n for n in notes)
    assert st.with_name("state.toml.bak").read_text() == "theme = \n"
    assert load_settings(env={})[0].theme == "nord"
