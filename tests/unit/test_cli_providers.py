"""`apiplay providers [NAME] [--json]`."""

from __future__ import annotations

import json
import subprocess
import sys

from tui.cli import main


def test_providers_lists_each_with_count_and_live_url(capsys, monkeypatch):
    monkeypatch.setenv("APIPLAY_NOOSFERO_URL", "http://127.0.0.1:9/social/api/v1")
    assert main(["providers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    by_name = {line.split()[0]: line for line in lines}
    assert set(by_name) == {"GoCache", "Noosfero", "Trackingram"}
    assert "51 endpoints" in by_name["GoCache"] and "https://api.gocache.com.br/v1" in by_name["GoCache"]
    assert "125 endpoints" in by_name["Noosfero"] and by_name["Noosfero"].endswith("http://127.0.0.1:9/social/api/v1")
    assert "api-production.trackingram.chat/apiPublic" in by_name["Trackingram"]


def test_provider_endpoints_text(capsys):
    assert main(["providers", "Trackingram"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[:2] == ["GET", "/trackerGps"] and len(lines[0].split()) > 2  # with a summary


def test_noosfero_json_lists_all_125_endpoints_with_params():
    out = subprocess.run([sys.executable, "-m", "tui", "providers", "noosfero", "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data) == 125
    assert len({(e["method"], e["path"]) for e in data}) == 125
    for e in data:
        assert set(e) == {"method", "path", "summary", "params"}
        for p in e["params"]:
            assert set(p) == {"name", "in", "type", "required"}
            assert p["in"] in ("path", "query", "header", "body")
    communities = next(e for e in data if e["method"] == "GET" and e["path"] == "/communities")
    names = {p["name"]: p for p in communities["params"]}
    assert names["per_page"]["type"] == "integer" and names["per_page"]["in"] == "query"
    one = next(e for e in data if e["method"] == "GET" and e["path"] == "/communities/{id}")
    assert {"name": "id", "in": "path", "type": "integer", "required": True} in one["params"]


def test_reference_endpoints_all_listed(capsys):
    ref = json.load(open(__import__("pathlib").Path(__file__).parents[3] / "shared" / "reference" / "gocache.json"))
    assert main(["providers", "gocache", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == len(ref["endpoints"]) == 51


def test_unknown_provider_exit_2_lists_known(capsys):
    assert main(["providers", "nope"]) == 2
    err = capsys.readouterr().err
    assert "'nope'" in err and "gocache, noosfero, trackingram" in err
