"""Secrets: a marker token sent through the CLI and the TUI must not show up in history (the
SQLite file), logs or any other file under the config and data dirs (credentials.toml aside, which
must be 0600), screenshots (SVG), exports without --show-secrets, notifications, the screen, or
stdout/stderr. TLS verification is on: a self-signed local server is refused with a message
naming the host, and it never gets the request."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from helpers import Recorder, dead_origin, json_reply, self_signed_cert
from pilot_helpers import open_endpoint, screen_text, started, status, wait_for
from tui.cli import main
from tui.core.export import to_curl, to_httpie
from tui.core.packs import load_providers
from tui.core.paths import config_dir, data_dir

MARKER = "MARKER-9f3c1d7e2b"  # the token
MARKER_PW = "MARKER-pw-5a8e0c"  # a password / Basic secret
PROVIDERS = {p.id: p for p in load_providers()[0]}


def _variants(secret: str) -> list[bytes]:
    """The ways a secret could be written down: as is, URL-encoded, in Basic auth, JSON-escaped."""
    out = {secret.encode(), secret.replace("-", "%2D").encode()}
    for user in ("", "me@x", "me%40x", "ana"):
        out.add(base64.b64encode(f"{user}:{secret}".encode()))
    return sorted(out)


def files_holding(secret: str, *, skip: tuple[str, ...] = ("credentials.toml",)) -> list[str]:
    hits = []
    for root in (config_dir(), data_dir()):
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file() and path.name not in skip:
                data = path.read_bytes()
                if any(v in data for v in _variants(secret)):
                    hits.append(str(path))
    return hits


def echo_and_complain(req):
    """A server that echoes what it got back in the body (as hostile APIs do) and fails."""
    return json_reply({"error": "denied", "you_sent": req.headers, "path": req.target}, status=403)


# -------------------------------------------------------------------------------------------------
# CLI


@pytest.mark.parametrize("provider,env,path", [
    ("gocache", {"APIPLAY_GOCACHE_TOKEN": MARKER}, "/domain"),
    ("trackingram", {"APIPLAY_TRACKINGRAM_EMAIL": "me@x", "APIPLAY_TRACKINGRAM_TOKEN": MARKER}, "/trackerGps"),
    ("noosfero", {"APIPLAY_NOOSFERO_TOKEN": MARKER}, "/communities"),
])
def test_cli_never_prints_or_stores_the_token(provider, env, path, monkeypatch, capfd):
    with Recorder() as rec:
        monkeypatch.setenv(f"APIPLAY_{provider.upper()}_URL", rec.origin)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        assert main(["call", "--target", "live", provider, "GET", path]) == 0
        sent = repr(rec.seen[0].headers) + rec.seen[0].target
        assert MARKER in sent or base64.b64encode(f"me@x:{MARKER}".encode()).decode() in sent  # it was sent
        out, err = capfd.readouterr()
        assert MARKER not in out + err
        rec.set_responder(echo_and_complain)  # now the server echoes it back in an error
        assert main(["call", "--target", "live", provider, "GET", path]) == 1
    out, err = capfd.readouterr()
    assert MARKER not in err  # stdout is the server's body, as received
    assert files_holding(MARKER) == []


def test_cli_credentials_file_is_0600_and_show_masks(monkeypatch, capfd):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(MARKER + "\n"))
    assert main(["credentials", "gocache", "--token", "-"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(MARKER_PW + "\n"))
    assert main(["credentials", "noosfero", "--login", "ana", "--password", "-"]) == 0
    path = config_dir() / "credentials.toml"
    assert path.read_text().count("MARKER") == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir().stat().st_mode) & 0o077 == 0
    assert main(["credentials", "gocache", "--show"]) == 0
    assert main(["credentials", "noosfero", "--show"]) == 0
    out, err = capfd.readouterr()
    assert MARKER not in out + err and MARKER_PW not in out + err
    assert files_holding(MARKER) == [] and files_holding(MARKER_PW) == []


def test_exports_mask_unless_asked():
    from tui.core.request import build_request

    for pid, creds, path in (("gocache", {"token": MARKER}, "/domain"),
                             ("trackingram", {"email": "me@x", "token": MARKER}, "/trackerGps"),
                             ("noosfero", {"token": MARKER}, "/communities")):
        provider = PROVIDERS[pid]
        ep = provider.endpoint("GET", path)
        for placement in range(len(provider.auth.placements)):
            prepared = build_request(provider, ep, {}, base_url="http://127.0.0.1:9", credentials=creds,
                                     placement=placement)
            for fn in (to_curl, to_httpie):
                masked = fn(prepared, provider=provider)
                assert all(v.decode() not in masked for v in _variants(MARKER)), (pid, fn.__name__, masked)
                shown = fn(prepared, provider=provider, show_secrets=True)
                assert MARKER in shown or base64.b64encode(f"me@x:{MARKER}".encode()).decode() in shown
    login = PROVIDERS["noosfero"].endpoint("POST", "/login")
    prepared = build_request(PROVIDERS["noosfero"], login, {"login": "ana", "password": MARKER_PW},
                             base_url="http://127.0.0.1:9")
    assert MARKER_PW not in to_curl(prepared) and MARKER_PW not in to_httpie(prepared)


# -------------------------------------------------------------------------------------------------
# TUI


async def test_tui_never_shows_or_stores_the_token(monkeypatch):
    with Recorder() as rec:
        monkeypatch.setenv("APIPLAY_GOCACHE_URL", rec.origin)
        async with started(rec.origin, notifications=True) as (app, pilot):
            notes = app.notes
            panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
            panel.switch_target("live")
            panel.set_credentials({"token": MARKER})  # as typed in the credentials dialog
            await wait_for(pilot, lambda: (config_dir() / "credentials.toml").exists())
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: rec.count == 1 and panel.result is not None)
            assert rec.seen[0].headers["gocache-token"] == MARKER
            for tab in ("tab-body", "tab-headers", "tab-raw", "tab-request", "tab-explain"):
                panel.query_one("#response-tabs").active = tab
                await pilot.pause(0.2)
                assert MARKER not in screen_text(app), tab
                if tab == "tab-request":  # the curl command is there, masked
                    assert "GoCache-Token" in screen_text(app)
                    app.action_save_svg()
            # A server that echoes the token back: the body is shown as received (the user's own
            # data), but history, the other tabs, notifications and files never hold it.
            rec.set_responder(echo_and_complain)
            before = panel.result
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: panel.result is not before and rec.count == 2)
            await pilot.pause(0.3)
            for tab in ("tab-headers", "tab-request", "tab-explain"):
                panel.query_one("#response-tabs").active = tab
                await pilot.pause(0.2)
                assert MARKER not in screen_text(app), tab
            app.action_save_svg()
            await pilot.pause(0.3)
            shots = list((data_dir() / "screenshots").glob("*.svg"))
            assert shots, "no screenshot saved"
            history = app.history
            assert history is not None and history.count() >= 2
            assert MARKER not in status(panel)
        assert not any(MARKER in n for n in notes), notes
    cred = config_dir() / "credentials.toml"
    assert MARKER in cred.read_text() and stat.S_IMODE(cred.stat().st_mode) == 0o600
    assert files_holding(MARKER) == []  # history.sqlite3 (+ WAL), screenshots, state.toml, logs...
    assert any(p.suffix == ".sqlite3" for p in data_dir().rglob("*"))


# -------------------------------------------------------------------------------------------------
# TLS verification


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


async def test_core_refuses_a_self_signed_certificate(tls_files):
    from tui.core.client import ProviderClient

    with Recorder(tls=tls_files) as rec:
        assert rec.origin.startswith("https://")
        client = ProviderClient(PROVIDERS["gocache"], target="live", base_url=rec.origin,
                                credentials={"token": MARKER})
        r = await client.send(PROVIDERS["gocache"].endpoint("GET", "/domain"), {})
        await client.aclose()
        assert rec.count == 0  # the request (and its token) never went out
    assert r.exchange.error_kind == "tls"
    assert r.exchange.error == "certificate verification failed for 127.0.0.1"


def test_cli_refuses_a_self_signed_certificate(tls_files, monkeypatch, capfd):
    with Recorder(tls=tls_files) as rec:
        monkeypatch.setenv("APIPLAY_GOCACHE_URL", rec.origin)
        monkeypatch.setenv("APIPLAY_GOCACHE_TOKEN", MARKER)
        code = main(["call", "--target", "live", "gocache", "GET", "/domain"])
        assert rec.count == 0
    out, err = capfd.readouterr()
    assert code == 3
    assert "certificate verification failed for 127.0.0.1" in err and "Traceback" not in err
    assert MARKER not in out + err


def test_environment_cannot_turn_verification_off(tls_files, monkeypatch, capfd):
    """SSL_CERT_FILE / proxies from the environment are not read (trust_env=False)."""
    with Recorder(tls=tls_files) as rec:
        monkeypatch.setenv("SSL_CERT_FILE", tls_files[0])
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
        monkeypatch.setenv("APIPLAY_GOCACHE_URL", rec.origin)
        monkeypatch.setenv("APIPLAY_GOCACHE_TOKEN", MARKER)
        code = main(["call", "--target", "live", "gocache", "GET", "/domain"])
    _, err = capfd.readouterr()
    assert code == 3 and "certificate verification failed" in err


async def test_tui_refuses_a_self_signed_certificate(tls_files, monkeypatch):
    with Recorder(tls=tls_files) as rec:
        monkeypatch.setenv("APIPLAY_GOCACHE_URL", rec.origin)
        monkeypatch.setenv("APIPLAY_GOCACHE_TOKEN", MARKER)
        async with started(dead_origin(), notifications=True) as (app, pilot):
            panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
            panel.switch_target("live")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: panel.result is not None)
            assert "certificate verification failed for 127.0.0.1" in status(panel)
            assert rec.count == 0
