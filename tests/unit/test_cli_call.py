"""`apiplay call`: output, exit statuses 0/1/2/3, paging flags, live target with env credentials."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tui.cli import main


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(capsys, *argv):
    code = main(["call", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- the done-when ------------------------------------------------------------------------------

def test_trackingram_second_page_with_embedded_sandbox():
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIPLAY_TARGET")}
    out = subprocess.run([sys.executable, "-m", "tui", "call", "trackingram", "GET", "/trackerGps", "limit=50", "skip=50"],
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert len(body["data"]) == 30 and body["has_more"] is False
    assert "\x1b[" not in out.stdout  # no colours when stdout is not a terminal
    assert out.stdout.startswith("{\n  ")  # pretty
    err = out.stderr
    assert "200 OK" in err and " ms" in err and "this minute" in err and "/120" in err
    assert "Traceback" not in err


def test_per_page_abc_exits_2_naming_it(capsys):
    code, out, err = call(capsys, "noosfero", "GET", "/communities", "per_page=abc")
    assert code == 2 and out == ""
    assert "per_page" in err and "whole number" in err and "Traceback" not in err


# ---- exit statuses ------------------------------------------------------------------------------------

def test_ok_first_page_and_stderr_lines(capsys, sandbox_url):
    code, out, err = call(capsys, "trackingram", "GET", "/trackerGps", "limit=50", "--sandbox-url", sandbox_url)
    assert code == 0
    body = json.loads(out)
    assert len(body["data"]) == 50 and body["has_more"] is True
    assert "skip 0 · limit 50 · has_more" in err


def test_http_error_exit_1_with_explanation(capsys, sandbox_url):
    code, out, err = call(capsys, "noosfero", "GET", "/communities/987654321", "--sandbox-url", sandbox_url)
    assert code == 1
    assert json.loads(out)  # the error body is still printed
    assert "404" in err and "Provider says:" in err and "Meaning:" in err


def test_trackingram_bad_credentials_exit_1(capsys, sandbox_url, monkeypatch):
    monkeypatch.setenv("APIPLAY_TRACKINGRAM_URL", sandbox_url + "/trackingram/apiPublic/v1_0")
    monkeypatch.setenv("APIPLAY_TRACKINGRAM_EMAIL", "demo@trackingram.example")
    monkeypatch.setenv("APIPLAY_TRACKINGRAM_TOKEN", "wrong-trackingram-token")
    code, out, err = call(capsys, "trackingram", "GET", "/trackerGps", "--target", "live")
    assert code == 1 and "AUTHENTICATION INCORRECT" in err and "400" in err
    assert "wrong-trackingram-token" not in err


def test_dead_server_exit_3(capsys):
    port = closed_port()
    code, out, err = call(capsys, "noosfero", "GET", "/communities", "--sandbox-url", f"http://127.0.0.1:{port}")
    assert code == 3 and out == ""
    assert f"nothing is listening at 127.0.0.1:{port}" in err


def test_timeout_exit_3(capsys, sandbox_url):
    code, out, err = call(capsys, "noosfero", "GET", "/communities", "X-Apiplay-Fault:slow", "--timeout", "0.2",
                          "--sandbox-url", sandbox_url)
    assert code == 3 and "did not answer within 0.2 s" in err


@pytest.mark.parametrize("argv,words", [
    (["nope", "GET", "/x"], "unknown provider 'nope'"),
    (["noosfero", "GET", "/no/such/thing"], "has no endpoint GET /no/such/thing"),
    (["noosfero", "GET", "/communities", "bogus=1"], "bogus: not a parameter of GET /communities"),
    (["noosfero", "POST", "/communities", "community:={bad"], "community: invalid JSON"),
    (["noosfero", "GET", "/communities", "per_page=0"], "per_page"),
    (["noosfero", "GET", "/articles", "per_page=51"], "per_page: at most 50 for this endpoint"),
    (["noosfero", "GET", "/communities/{id}"], "id: a value is required"),
    (["noosfero", "GET", "/communities/{id}", "--page", "2"], "does not page"),
    (["noosfero", "GET", "/communities", "--page", "0"], "--page"),
])
def test_usage_errors_exit_2(capsys, argv, words):
    port = closed_port()  # nothing may be sent: a send would fail with 3
    code, out, err = call(capsys, *argv, "--sandbox-url", f"http://127.0.0.1:{port}")
    assert code == 2 and words in err and "Traceback" not in err


def test_bad_sandbox_url_exit_2(capsys):
    code, out, err = call(capsys, "noosfero", "GET", "/communities", "--sandbox-url", "127.0.0.1:80")
    assert code == 2 and "base URL" in err


# ---- paths and paging ---------------------------------------------------------------------------------

def test_concrete_path_equals_template(capsys, sandbox_url):
    code, out, _ = call(capsys, "noosfero", "GET", "/communities", "per_page=1", "--sandbox-url", sandbox_url)
    cid = json.loads(out)[0]["id"]
    code1, out1, _ = call(capsys, "noosfero", "GET", f"/communities/{cid}", "--sandbox-url", sandbox_url)
    code2, out2, _ = call(capsys, "noosfero", "GET", "/communities/{id}", f"id={cid}", "--sandbox-url", sandbox_url)
    assert code1 == code2 == 0
    assert json.loads(out1)["id"] == cid and json.loads(out1) == json.loads(out2)


def test_page_flag(capsys, sandbox_url):
    code, out, err = call(capsys, "trackingram", "GET", "/trackerGps", "limit=50", "--page", "2", "--sandbox-url", sandbox_url)
    assert code == 0 and len(json.loads(out)["data"]) == 30 and "skip 50" in err


def test_all_pages_prints_one_combined_list(capsys, sandbox_url):
    code, out, err = call(capsys, "trackingram", "GET", "/trackerGps", "limit=30", "--all-pages", "--sandbox-url", sandbox_url)
    assert code == 0
    items = json.loads(out)
    assert isinstance(items, list) and len(items) == 80 and len({json.dumps(i, sort_keys=True) for i in items}) == 80
    assert "3 pages" in err and "80 items" in err


def test_all_pages_max_pages(capsys, sandbox_url):
    code, out, err = call(capsys, "noosfero", "GET", "/communities", "per_page=2", "--all-pages", "--max-pages", "2",
                          "--sandbox-url", sandbox_url)
    assert code == 0 and len(json.loads(out)) == 4 and "2 pages" in err


def test_html_answer(capsys, sandbox_url):
    code, out, err = call(capsys, "noosfero", "GET", "/communities", "X-Apiplay-Fault:html", "--sandbox-url", sandbox_url)
    assert code == 1 and "HTML, not JSON" in err and "<html" in out.lower()


# ---- live target: credentials from the environment ----------------------------------------------------------

def test_live_missing_credentials_exit_2_nothing_sent(capsys, monkeypatch):
    monkeypatch.setenv("APIPLAY_GOCACHE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    code, out, err = call(capsys, "gocache", "GET", "/domain", "--target", "live")
    assert code == 2 and "APIPLAY_GOCACHE_TOKEN" in err and "nothing was sent" in err


def test_live_noosfero_missing_names_both_ways(capsys, monkeypatch):
    monkeypatch.setenv("APIPLAY_NOOSFERO_URL", f"http://127.0.0.1:{closed_port()}/api/v1")
    code, out, err = call(capsys, "noosfero", "GET", "/people/me", "--target", "live")
    assert code == 2 and "APIPLAY_NOOSFERO_TOKEN" in err and "APIPLAY_NOOSFERO_LOGIN and APIPLAY_NOOSFERO_PASSWORD" in err


def test_live_login_with_env_login_and_password(capsys, sandbox_url, monkeypatch):
    monkeypatch.setenv("APIPLAY_NOOSFERO_URL", sandbox_url + "/noosfero/api/v1")
    monkeypatch.setenv("APIPLAY_NOOSFERO_LOGIN", "ana")
    monkeypatch.setenv("APIPLAY_NOOSFERO_PASSWORD", "sandbox")
    code, out, err = call(capsys, "noosfero", "GET", "/people/me", "--target", "live")
    assert code == 0, err
    assert json.loads(out)["identifier"] == "ana"
    assert "sandbox" not in err  # the password never shows


def test_live_login_wrong_password_exit_1(capsys, sandbox_url, monkeypatch):
    monkeypatch.setenv("APIPLAY_NOOSFERO_URL", sandbox_url + "/noosfero/api/v1")
    monkeypatch.setenv("APIPLAY_NOOSFERO_LOGIN", "ana")
    monkeypatch.setenv("APIPLAY_NOOSFERO_PASSWORD", "wrong-password")
    code, out, err = call(capsys, "noosfero", "GET", "/people/me", "--target", "live")
    assert code == 1 and "login to Noosfero failed" in err and "401" in err
    assert "wrong-password" not in err


def test_live_token_from_env(capsys, sandbox_url, monkeypatch):
    monkeypatch.setenv("APIPLAY_GOCACHE_URL", sandbox_url + "/gocache/v1")
    monkeypatch.setenv("APIPLAY_GOCACHE_TOKEN", "sandbox-gocache-token")
    code, out, err = call(capsys, "gocache", "GET", "/domain", "--target", "live")
    assert code == 0, err
    assert "response" in json.loads(out)


def test_top_level_flags_work_too(capsys, sandbox_url):
    code = main(["--sandbox-url", sandbox_url, "call", "trackingram", "GET", "/trackerGps", "limit=5"])
    out = capsys.readouterr().out
    assert code == 0 and len(json.loads(out)["data"]) == 5


# ---- terminal output ----------------------------------------------------------------------------------

class _Tty:
    def __init__(self):
        self.parts: list[str] = []

    def isatty(self):
        return True

    def write(self, s):
        self.parts.append(s)

    def flush(self):
        pass


def test_colour_only_on_a_terminal():
    from tui.commands.call import _print_json

    tty = _Tty()
    _print_json({"a": [1, "x"]}, tty)
    coloured = "".join(tty.parts)
    assert "\x1b[" in coloured and '"a"' in coloured


def test_control_characters_made_visible():
    from tui.commands.call import _safe

    assert _safe("red \x1b[31m bell \x07 tab\tnl\n\x9b") == "red \\x1b[31m bell \\x07 tab\tnl\n\\x9b"


def test_terminal_escapes_in_json_stay_escaped(capsys, sandbox_url):
    code, out, err = call(capsys, "noosfero", "GET", "/communities", "X-Apiplay-Fault:control", "--sandbox-url", sandbox_url)
    assert code == 0 and "\x1b" not in out and "\\u001b" in out


def test_query_string_in_path(capsys, sandbox_url):
    code, out, err = call(capsys, "trackingram", "GET", "/trackerGps?limit=50&skip=50", "--sandbox-url", sandbox_url)
    assert code == 0 and len(json.loads(out)["data"]) == 30
