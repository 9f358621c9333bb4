import io
import os
import stat
import tomllib

import pytest

from tui.cli import main
from tui.core import paths


def creds_file():
    return tomllib.loads(paths.credentials_file().read_text())


def test_store_token_from_argument_and_show(capsys):
    assert main(["credentials", "gocache", "--token", "tok-from-arg-123456"]) == 0
    out = capsys.readouterr().out
    assert "stored token" in out and "tok-from-arg" not in out
    assert creds_file() == {"gocache": {"token": "tok-from-arg-123456"}}
    assert stat.S_IMODE(os.stat(paths.credentials_file()).st_mode) == 0o600
    assert main(["credentials", "gocache", "--show"]) == 0
    out = capsys.readouterr().out
    assert "token: to…56 (19 chars)" in out and "tok-from-arg" not in out
    assert str(paths.credentials_file()) in out


def test_secret_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("pw-from-stdin\n"))
    assert main(["credentials", "noosfero", "--login", "ana", "--password", "-"]) == 0
    assert creds_file() == {"noosfero": {"login": "ana", "password": "pw-from-stdin"}}
    assert "pw-from-stdin" not in capsys.readouterr().out


def test_empty_stdin_is_usage_error(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["credentials", "gocache", "--token", "-"]) == 2
    assert "stdin was empty" in capsys.readouterr().err
    assert not paths.credentials_file().exists()


def test_two_stdin_values_refused(capsys):
    assert main(["credentials", "trackingram", "--email", "-", "--token", "-"]) == 2
    assert "only one value" in capsys.readouterr().err


def test_unknown_field_and_provider(capsys):
    assert main(["credentials", "gocache", "--email", "a@b.c"]) == 2
    assert "GoCache has no credential 'email' (its credentials: token)" in capsys.readouterr().err
    assert main(["credentials", "nope", "--token", "x"]) == 2
    assert "unknown provider 'nope'" in capsys.readouterr().err


def test_forget_and_env_note(monkeypatch, capsys):
    main(["credentials", "trackingram", "--email", "me@x.example", "--token", "tk"])
    capsys.readouterr()
    monkeypatch.setenv("APIPLAY_TRACKINGRAM_TOKEN", "from-env")
    assert main(["credentials", "trackingram", "--forget"]) == 0
    captured = capsys.readouterr()
    assert "forgotten" in captured.out and "APIPLAY_TRACKINGRAM_TOKEN still set" in captured.err
    assert creds_file() == {}
    assert main(["credentials", "trackingram"]) == 0  # no flags: show
    out = capsys.readouterr().out
    assert "token: ****  from environment (APIPLAY_TRACKINGRAM_TOKEN)" in out
    assert "email: not set" in out


def test_url_saved_in_state_not_config(capsys):
    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("# mine\n")
    assert main(["credentials", "noosfero", "--url", "https://noosfero.example.org/api/v1"]) == 0
    assert cfg.read_text() == "# mine\n"
    from tui.core.settings import load_settings

    assert load_settings()[0].live_url("noosfero") == "https://noosfero.example.org/api/v1"
    assert main(["credentials", "noosfero", "--url", "ftp://bad"]) == 2
    assert "expected an http:// or https:// URL" in capsys.readouterr().err


def test_broken_credentials_file_not_overwritten(capsys):
    f = paths.credentials_file()
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text("[gocache\n")
    assert main(["credentials", "gocache", "--token", "x"]) == 2
    assert "line 1" in capsys.readouterr().err
    assert f.read_text() == "[gocache\n"
