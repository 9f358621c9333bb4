"""`apiplay call` follows the settings file: live URLs, targets, timeouts; a broken file is named, not fatal."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tui.cli import main


def _config(text: str) -> Path:
    path = Path(os.environ["APIPLAY_CONFIG_DIR"]) / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_live_url_and_target_come_from_config_toml(sandbox_url, capsys, monkeypatch):
    _config(f'[providers.noosfero]\ntarget = "live"\nurl = "{sandbox_url}/noosfero/api/v1"\n')
    monkeypatch.setenv("APIPLAY_NOOSFERO_LOGIN", "ana")
    monkeypatch.setenv("APIPLAY_NOOSFERO_PASSWORD", "sandbox")
    code = main(["call", "noosfero", "GET", "/communities", "per_page=3"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert len(json.loads(out.out)) == 3
    assert "warning" not in out.err


def test_broken_config_is_named_and_the_call_still_runs(sandbox_url, capsys):
    _config('[providers.noosfero]\ntarget = "staging"\n')
    code = main(["call", "--sandbox-url", sandbox_url, "trackingram", "GET", "/trackerGps", "limit=2"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "config.toml" in out.err and "target" in out.err and "staging" in out.err
    assert len(json.loads(out.out)["data"]) == 2


def test_read_timeout_from_settings(make_sandbox, capsys, monkeypatch):
    origin = make_sandbox()
    monkeypatch.setenv("APIPLAY_TIMEOUT", "0.5")
    code = main(["call", "--sandbox-url", origin, "trackingram", "GET", "/trackerGps", "limit=1",
                 "X-Apiplay-Fault:slow", "X-Apiplay-Delay:3"])
    out = capsys.readouterr()
    assert code == 3, out.err
    assert "time" in out.err.lower()


def test_upload_reaches_the_sandbox_as_a_file(sandbox_url, capsys, tmp_path):
    f = tmp_path / "notas.txt"
    f.write_text("olá, mundo\n" * 50)
    code = main(["call", "--sandbox-url", sandbox_url, "noosfero", "POST", "/profiles/{id}/uploaded_files",
                 "id=1", f"file={f}"])
    out = capsys.readouterr()
    assert code == 0, out.err
    created = json.loads(out.out)
    assert created["title"] == "notas.txt"
