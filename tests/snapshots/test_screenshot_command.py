"""`apiplay screenshot`: usage errors, a real headless render, and no secret in any screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.cli import main
from tui.commands import screenshot

REPO = Path(__file__).resolve().parents[2]


def _sandbox_secrets() -> set[str]:
    """Every secret value the sandbox's demo and special accounts use."""
    from tui.core.packs import load_providers

    secrets = set()
    for provider in load_providers()[0]:
        secret_fields = {c.name for c in provider.auth.credentials if c.secret}
        sets = [dict(provider.auth.sandbox_default)] + [dict(a.values) for a in provider.auth.sandbox_accounts]
        for values in sets:
            # (the demo password "sandbox" is also an ordinary word on screen: tokens only)
            secrets.update(v for k, v in values.items() if k in secret_fields and len(v) >= 10)
    assert secrets  # the packs do have demo secrets, so the checks below mean something
    return secrets


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--size", "10x10"], "--size: '10x10' is out of range"),
        (["--size", "wide"], "--size: 'wide' is not COLSxROWS"),
        (["--only", "nope"], "--only: unknown screenshot nope"),
    ],
)
def test_usage_errors_exit_2_with_a_plain_message(tmp_path, capsys, argv, message):
    assert main(["screenshot", "--out", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_out_that_cannot_be_created(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["screenshot", "--out", str(blocker / "sub")]) == 2
    assert "--out: cannot create" in capsys.readouterr().err


def test_default_set_covers_each_provider_errors_paging_and_two_themes():
    shots = screenshot.SHOTS
    assert len(shots) >= 4
    assert len({s.theme for s in shots}) >= 2
    text = " ".join(s.caption for s in shots)
    for word in ("GoCache", "Noosfero", "Trackingram", "page 2", "explained"):
        assert word in text


def test_renders_svg_headless_without_secrets(tmp_path, capsys):
    assert main(["screenshot", "--out", str(tmp_path), "--only", "credentials-dialog"]) == 0
    svg = (tmp_path / "credentials-dialog.svg").read_text()
    assert svg.startswith("<svg") and "Trackingram" in svg and "credentials" in svg
    flat = svg.replace("&#160;", " ")
    assert "demo@trackingram.example" in flat  # the (non-secret) e-mail is there...
    for secret in _sandbox_secrets():
        assert secret not in flat  # ...the tokenApi is not
    assert "APIPLAY_FREEZE_TIMINGS" not in os.environ or os.environ.get("APIPLAY_FREEZE_TIMINGS") != "1"
    assert "credentials-dialog.svg" in capsys.readouterr().out


def test_committed_screenshots_exist_and_hold_no_secret():
    files = sorted((REPO / "screenshots").glob("*.svg"))
    assert {f.stem for f in files} >= {s.name for s in screenshot.SHOTS}
    secrets = _sandbox_secrets()
    for path in files:
        flat = path.read_text().replace("&#160;", " ")
        leaked = [s for s in secrets if s in flat]
        assert not leaked, f"{path.name} shows {leaked}"
    readme = (REPO / "README.md").read_text()
    for shot in screenshot.SHOTS:
        assert f"screenshots/{shot.name}.svg" in readme
