import json
import time

import pytest

from tui.cli import main
from tui.commands.history import call_args_from_history
from tui.core.history import History
from tui.core.model import Exchange


@pytest.fixture(scope="module")
def providers():
    from tui.core.packs import load_providers

    ps, _ = load_providers()
    return {p.id: p for p in ps}


def record(provider, method, path, values, *, status=200, body=b"{}", creds=None):
    from tui.core.request import build_request

    ep = provider.endpoint(method, path)
    req = build_request(provider, ep, values, base_url="http://127.0.0.1:9/api", credentials=creds)
    ex = Exchange(req, status=status, reason="OK", body=body, size=len(body), elapsed_s=0.012, started_at=time.time())
    return History().add(ex, provider_id=provider.id, target="sandbox"), req


def test_json_list_carries_ids(providers, capsys):
    a, _ = record(providers["gocache"], "GET", "/domain", {}, creds={"token": "secret-token-1234"})
    b, _ = record(providers["noosfero"], "GET", "/communities", {"per_page": 3}, status=404)
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == [b, a]
    assert data[0]["status"] == 404 and data[0]["values"] == {"per_page": 3}
    assert "secret-token-1234" not in json.dumps(data)
    assert main(["history", "--json", "--limit", "1"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == [b]
    assert main(["history", "--json", "--provider", "gocache"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == [a]


def test_table_and_show(providers, capsys):
    i, _ = record(providers["gocache"], "GET", "/domain", {}, body=b'{"domains": ["ex.com"]}',
                  creds={"token": "secret-token-1234"})
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["ID", "TIME", "PROVIDER", "TARGET", "METHOD", "STATUS"]
    assert lines[1].split()[0] == str(i) and "http://127.0.0.1:9/api/domain" in lines[1]
    assert main(["history", "--show", str(i)]) == 0
    out = capsys.readouterr().out
    assert '{"domains": ["ex.com"]}' in out and "GoCache-Token: ****" in out and "secret-token" not in out
    assert main(["history", "--show", "999"]) == 2
    assert "no history entry 999" in capsys.readouterr().err


def test_empty_and_clear(capsys, providers):
    assert main(["history"]) == 0
    assert "no history yet" in capsys.readouterr().err
    record(providers["gocache"], "GET", "/domain", {})
    assert main(["history", "--clear"]) == 0
    assert "1 entry" in capsys.readouterr().out
    assert History().count() == 0


def test_call_args_rebuild_the_same_request(providers):
    from tui.core.request import build_request, parse_cli_items

    p = providers["gocache"]
    values = {"domain": "ex.com", "urls[]": ["http://ex.com/a b"], "tag[]": ["t1"]}
    i, original = record(p, "DELETE", "/cache/{domain}", values, creds={"token": "secret-token-1234"})
    args = call_args_from_history(i)
    assert (args["provider"], args["method"], args["path"], args["target"]) == ("gocache", "DELETE", "/cache/{domain}", "sandbox")
    ep = p.endpoint(args["method"], args["path"])
    parsed, headers = parse_cli_items(ep, args["items"])
    again = build_request(p, ep, parsed, base_url="http://127.0.0.1:9/api", credentials={"token": "secret-token-1234"})
    assert (again.url, again.body, again.headers) == (original.url, original.body, original.headers)
    with pytest.raises(LookupError, match="no history entry 12345"):
        call_args_from_history(12345)


def _call_has(option: str) -> bool:
    from tui.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    call = sub.choices.get("call")
    return call is not None and any(option in a.option_strings for a in call._actions)


def test_call_from_history_sends_the_same_request_again(sandbox_url, capsys):
    if not _call_has("--from-history"):
        pytest.skip("apiplay call --from-history is not wired yet")
    assert main(["call", "noosfero", "GET", "/communities", "per_page=2", "--sandbox-url", sandbox_url]) == 0
    first = json.loads(capsys.readouterr().out)
    entries = History().list()
    assert entries, "apiplay call should record the exchange in history"
    entry_id = entries[0].id
    assert entries[0].values == {"per_page": 2}
    assert main(["call", "--from-history", str(entry_id), "--sandbox-url", sandbox_url]) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert main(["call", "--from-history", "99999", "--sandbox-url", sandbox_url]) == 2
    assert "no history entry 99999" in capsys.readouterr().err
