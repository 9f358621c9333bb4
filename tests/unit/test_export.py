import os
import shlex
import shutil
import subprocess

import pytest

from tui.core.export import mask_secrets, secret_env_names, to_curl, to_httpie
from tui.core.model import PreparedRequest


def argv(cmd, env=None):
    """The argument list a real shell passes to curl/http for `cmd` (variables expanded)."""
    fake = 'curl() { printf "%s\\0" curl "$@"; }; http() { printf "%s\\0" http "$@"; }; '
    full_env = {"PATH": os.environ["PATH"], **(env or {})}
    out = subprocess.run(["sh", "-c", fake + cmd], env=full_env, capture_output=True, check=True)
    return [a.decode() for a in out.stdout.split(b"\0")[:-1]]


@pytest.fixture(scope="module")
def providers():
    from tui.core.packs import load_providers

    ps, _ = load_providers()
    return {p.id: p for p in ps}


def build(provider, method, path, values, creds, base="http://127.0.0.1:9/x", placement=0):
    from tui.core.request import build_request

    ep = provider.endpoint(method, path)
    assert ep is not None, (method, path)
    return build_request(provider, ep, values, base_url=base, credentials=creds, placement=placement)


def test_gocache_token_header_masked(providers):
    p = providers["gocache"]
    req = build(p, "GET", "/domain", {}, {"token": "s3cr3t-tok"})
    cmd = to_curl(req, provider=p)
    assert "s3cr3t-tok" not in cmd
    assert '"GoCache-Token: $APIPLAY_GOCACHE_TOKEN"' in cmd
    words = shlex.split(cmd)
    assert words[0] == "curl" and "-X" not in words
    assert words[1] == "http://127.0.0.1:9/x/domain"
    shown = to_curl(req, show_secrets=True, provider=p)
    assert "GoCache-Token: s3cr3t-tok" in shlex.split(shown)


def test_query_token_masked_noosfero(providers):
    p = providers["noosfero"]
    req = build(p, "GET", "/users/me", {}, {"token": "abc123def"}, placement=1)
    assert "private_token=abc123def" in req.url
    cmd = to_curl(req, provider=p)
    assert "abc123def" not in cmd
    assert "private_token=$APIPLAY_NOOSFERO_TOKEN" in cmd


def test_basic_auth_and_placeholders(providers):
    p = providers["trackingram"]
    ep = p.endpoints[0]
    from tui.core.request import build_request

    req = build_request(p, ep, {k.name: "1" for k in ep.path_params}, base_url="http://h",
                        credentials={"email": "me@x.example", "token": "pw:with'quote"})
    assert req.basic_auth == ("me@x.example", "pw:with'quote")
    cmd = to_curl(req, provider=p)
    assert "pw:with" not in cmd and "me@x.example" not in cmd
    words = shlex.split(cmd)
    assert words[words.index("-u") + 1] == "$APIPLAY_TRACKINGRAM_EMAIL:$APIPLAY_TRACKINGRAM_TOKEN"
    shown = shlex.split(to_curl(req, show_secrets=True, provider=p))
    assert shown[shown.index("-u") + 1] == "me@x.example:pw:with'quote"
    h = shlex.split(to_httpie(req, provider=p))
    assert h[h.index("-a") + 1] == "$APIPLAY_TRACKINGRAM_EMAIL:$APIPLAY_TRACKINGRAM_TOKEN"


def test_form_body_and_method(providers):
    p = providers["gocache"]
    req = build(p, "DELETE", "/cache/{domain}", {"domain": "ex.com", "urls[]": ["http://ex.com/a b", "x'y"]},
                {"token": "t0k"})
    words = shlex.split(to_curl(req, provider=p))
    assert words[1:3] == ["-X", "DELETE"]
    body = words[words.index("--data-raw") + 1]
    assert body.encode() == req.body
    assert "Content-Type: application/x-www-form-urlencoded" in words
    hw = shlex.split(to_httpie(req, provider=p))
    assert hw[:3] == ["http", "--form", "DELETE"]
    assert "urls[0]=http://ex.com/a b" in hw and "urls[1]=x'y" in hw


def test_json_body_exact(providers):
    p = providers["noosfero"]
    req = build(p, "POST", "/articles/{id}/comments", {"id": 3, "comment": {"body": "it's \"fine\" $HOME `x`"}},
                {"token": "tk"})
    words = shlex.split(to_curl(req, provider=p))
    assert words[words.index("--data-raw") + 1].encode() == req.body
    assert "-X" not in words  # POST with a body is curl's default
    hw = shlex.split(to_httpie(req, provider=p))
    assert hw[hw.index("--raw") + 1].encode() == req.body
    assert hw[hw.index("POST") + 1] == req.url


def test_secret_in_json_body_uses_variable(providers):
    p = providers["noosfero"]
    req = build(p, "POST", "/login", {"login": "ana", "password": "hunter2"}, None)
    cmd = to_curl(req, provider=p)
    assert "hunter2" not in cmd
    assert "$APIPLAY_NOOSFERO_PASSWORD" in cmd
    # the shell expands it back to the exact body
    args = argv(cmd, {"APIPLAY_NOOSFERO_PASSWORD": "hunter2"})
    assert args[args.index("--data-raw") + 1].encode() == req.body


def test_short_secret_not_masked_inside_words():
    req = PreparedRequest("acme", "GET /x", "GET", "http://h/x?k=t", headers=(("X-Key", "t"),),
                          secrets=frozenset({"t"}))
    cmd = to_curl(req)
    assert cmd.startswith("curl \"http://h/x?k=$APIPLAY_ACME_TOKEN\"")
    assert argv(cmd, {"APIPLAY_ACME_TOKEN": "t"}) == ["curl", "http://h/x?k=t", "-H", "X-Key: t"]


def test_placeholder_followed_by_identifier_char():
    req = PreparedRequest("acme", "GET /x", "GET", "http://h/x?k=SEKRETSEKRETabc", secrets=frozenset({"SEKRETSEKRET"}))
    cmd = to_curl(req)
    assert "${APIPLAY_ACME_TOKEN}abc" in cmd
    assert argv(cmd, {"APIPLAY_ACME_TOKEN": "SEKRETSEKRET"}) == ["curl", "http://h/x?k=SEKRETSEKRETabc"]


def test_authorization_header_masked_even_if_not_listed():
    req = PreparedRequest("acme", "GET /x", "GET", "http://h/x", headers=(("Authorization", "Bearer zzz9"),))
    cmd = to_curl(req)
    assert "zzz9" not in cmd and "Bearer $APIPLAY_ACME_AUTHORIZATION" in cmd


def test_binary_body_piped():
    body = bytes(range(256))
    req = PreparedRequest("acme", "PUT /b", "PUT", "http://h/b", body=body, content_type="application/octet-stream")
    cmd = to_curl(req)
    assert cmd.startswith("printf ") and "--data-binary @-" in cmd
    printf_part = cmd.split(" | ", 1)[0]
    out = subprocess.run(["sh", "-c", printf_part], capture_output=True)
    assert out.stdout == body


def test_head_and_multiline():
    req = PreparedRequest("acme", "HEAD /", "HEAD", "http://h/")
    assert shlex.split(to_curl(req)) == ["curl", "--head", "http://h/"]
    req = PreparedRequest("acme", "GET /", "GET", "http://h/", headers=(("Accept", "application/json"),))
    assert to_curl(req, multiline=True) == "curl \\\n  http://h/ \\\n  -H 'Accept: application/json'"


def test_mask_secrets_encoded_forms():
    assert mask_secrets("a=p%40ss&b=p@ss&c=p%40ss", {"p@ss"}) == "a=****&b=****&c=****"
    assert mask_secrets("nothing", set()) == "nothing"


def test_secret_env_names_without_provider():
    req = PreparedRequest("acme", "GET /", "GET", "http://h/", secrets=frozenset({"a", "b"}), basic_auth=("u", "pw"))
    names = secret_env_names(req)
    assert names["u"] == "APIPLAY_ACME_USER" and names["pw"] == "APIPLAY_ACME_PASSWORD"
    assert {names["a"], names["b"]} == {"APIPLAY_ACME_TOKEN", "APIPLAY_ACME_SECRET_2"}


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl binary not installed")
def test_curl_runs_against_sandbox(providers, sandbox_url):
    """The exported command, run by a real shell and curl, gets the same answer as the app."""
    import httpx

    p = providers["gocache"]
    creds = dict(p.auth.sandbox_default)
    base = p.base_url("sandbox", sandbox_origin=sandbox_url)
    req = build(p, "GET", "/domain", {}, creds, base=base)
    with httpx.Client() as c:
        expected = c.request(req.method, req.url, headers=list(req.headers), content=req.body)
    assert expected.status_code == 200
    env = {"PATH": os.environ["PATH"], "APIPLAY_GOCACHE_TOKEN": creds["token"]}
    for cmd in (to_curl(req, show_secrets=True, provider=p), to_curl(req, provider=p)):
        out = subprocess.run(["sh", "-c", cmd + " -s -w '\\n%{http_code}'"], env=env, capture_output=True,
                             timeout=30)
        body, _, status = out.stdout.rpartition(b"\n")
        assert int(status) == expected.status_code
        assert body == expected.content
    # without the variable the sandbox refuses: the placeholder really is what carries the token
    out = subprocess.run(["sh", "-c", to_curl(req, provider=p) + " -s -o /dev/null -w '%{http_code}'"],
                         env={"PATH": os.environ["PATH"]}, capture_output=True, timeout=30)
    assert out.stdout != b"200"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl binary not installed")
def test_curl_basic_and_form_post_against_sandbox(providers, sandbox_url):
    import httpx

    p = providers["trackingram"]
    creds = dict(p.auth.sandbox_default)
    base = p.base_url("sandbox", sandbox_origin=sandbox_url)
    ep = next(e for e in p.endpoints if e.method == "GET" and not e.path_params)
    from tui.core.request import build_request

    req = build_request(p, ep, {}, base_url=base, credentials=creds)
    with httpx.Client() as c:
        expected = c.request(req.method, req.url, headers=list(req.headers), content=req.body,
                             auth=req.basic_auth)
    env = {"PATH": os.environ["PATH"], "APIPLAY_TRACKINGRAM_EMAIL": creds["email"],
           "APIPLAY_TRACKINGRAM_TOKEN": creds["token"]}
    out = subprocess.run(["sh", "-c", to_curl(req, provider=p) + " -s -w '\\n%{http_code}'"], env=env,
                         capture_output=True, timeout=30)
    body, _, status = out.stdout.rpartition(b"\n")
    assert int(status) == expected.status_code
    import json

    # Trackingram counts calls in the body; compare everything but the counters
    a, b = json.loads(body), json.loads(expected.content)
    for d in (a, b):
        if isinstance(d, dict):
            d.pop("count_api", None)
            d.pop("reset_count_api", None)
    assert a == b


def _run_curl(cmd, env):
    out = subprocess.run(["sh", "-c", cmd + " -s -w '\\n%{http_code}'"], env={"PATH": os.environ["PATH"], **env},
                         capture_output=True, timeout=30)
    body, _, status = out.stdout.rpartition(b"\n")
    return int(status), body


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl binary not installed")
def test_curl_json_body_with_password_variable_against_sandbox(providers, sandbox_url):
    import json

    import httpx

    p = providers["noosfero"]
    base = p.base_url("sandbox", sandbox_origin=sandbox_url)
    req = build(p, "POST", "/login", {"login": "ana", "password": "sandbox"}, None, base=base)
    with httpx.Client() as c:
        expected = c.request(req.method, req.url, headers=list(req.headers), content=req.body)
    assert expected.status_code in (200, 201)
    cmd = to_curl(req, provider=p)
    assert "sandbox\"}" not in cmd and "$APIPLAY_NOOSFERO_PASSWORD" in cmd
    status, body = _run_curl(cmd, {"APIPLAY_NOOSFERO_PASSWORD": "sandbox"})
    assert status == expected.status_code
    assert json.loads(body)["login"] == json.loads(expected.content)["login"] == "ana"
    status, _ = _run_curl(cmd, {"APIPLAY_NOOSFERO_PASSWORD": "wrong"})
    assert status != expected.status_code


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl binary not installed")
def test_curl_form_post_against_sandbox(providers, sandbox_url):
    import httpx

    p = providers["gocache"]
    base = p.base_url("sandbox", sandbox_origin=sandbox_url)
    creds = dict(p.auth.sandbox_default)
    with httpx.Client() as c:
        domains = c.get(base + "/domain", headers={"GoCache-Token": creds["token"]}).json()
    domain = domains["response"]["domains"][0] if isinstance(domains.get("response"), dict) else None
    if not domain:
        pytest.skip(f"sandbox domain list has an unexpected shape: {str(domains)[:200]}")
    req = build(p, "DELETE", "/cache/{domain}", {"domain": domain, "urls[]": [f"http://{domain}/a b"]}, creds, base=base)
    with httpx.Client() as c:
        expected = c.request(req.method, req.url, headers=list(req.headers), content=req.body)
    status, body = _run_curl(to_curl(req, provider=p), {"APIPLAY_GOCACHE_TOKEN": creds["token"]})
    assert status == expected.status_code
    assert body == expected.content


def _call_has(option: str) -> bool:
    from tui.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    call = sub.choices.get("call")
    return call is not None and any(option in a.option_strings for a in call._actions)


def test_call_as_curl_prints_instead_of_sending(sandbox_url, capsys):
    if not _call_has("--as"):
        pytest.skip("apiplay call --as is not wired yet")
    from tui.cli import main
    from tui.core.history import History

    assert main(["call", "gocache", "GET", "/domain", "--as", "curl", "--sandbox-url", sandbox_url]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("curl ") and "$APIPLAY_GOCACHE_TOKEN" in out and "sandbox-gocache-token" not in out
    assert History().count() == 0  # nothing was sent
    assert main(["call", "gocache", "GET", "/domain", "--as", "httpie", "--show-secrets",
                 "--sandbox-url", sandbox_url]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("http ") and "GoCache-Token:sandbox-gocache-token" in out


def test_save_body(tmp_path):
    from tui.core.export import SaveBodyError, save_body

    body = b'{"a": 1}\x00\xff'
    p = save_body(tmp_path / "out.json", body)
    assert p.read_bytes() == body
    with pytest.raises(SaveBodyError, match="already exists"):
        save_body(p, b"x")
    assert save_body(p, b"x", overwrite=True).read_bytes() == b"x"
    with pytest.raises(SaveBodyError, match="does not exist"):
        save_body(tmp_path / "nope" / "f", b"x")
    with pytest.raises(SaveBodyError, match="is a directory"):
        save_body(tmp_path, b"x")
