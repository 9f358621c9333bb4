"""Bad-input matrix, `apiplay call` side: every row exits 2 with a message naming the field and
what was expected, prints no traceback, and sends nothing (a local recording server counts the
requests it gets: it must get none). Path values that hold `/`, `..`, spaces or unicode are sent,
encoded, and the path the server received keeps the template's literal segments."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tui.cli import main


def call(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# (provider, method, path, items, words that must all appear in stderr: the field and what was expected)
ROWS = [
    # integer
    ("int-type", "trackingram", "GET", "/trackerGps", ["limit=abc"], ["limit", "whole number", "'abc'"]),
    ("int-fraction", "trackingram", "GET", "/trackerGps", ["limit=1.5"], ["limit", "whole number"]),
    ("int-below-minimum", "trackingram", "GET", "/trackerGps", ["limit=-3"], ["limit", "at least 0"]),
    ("int-json-type", "trackingram", "GET", "/trackerGps", ['limit:="ten"'], ["limit", "whole number"]),
    ("int-path-type", "noosfero", "GET", "/communities/{id}", ["id=abc"], ["id", "whole number"]),
    # number
    ("number-type", "noosfero", "GET", "/communities", ["lat=north"], ["lat", "a number", "'north'"]),
    ("number-nan", "noosfero", "GET", "/communities", ["lat=nan"], ["lat", "finite number"]),
    ("number-inf", "noosfero", "GET", "/communities", ["lng=-inf"], ["lng", "finite number"]),
    ("number-json-bool", "noosfero", "GET", "/communities", ["lat:=true"], ["lat", "a number"]),
    # boolean
    ("bool-type", "noosfero", "GET", "/articles", ["archived=maybe"], ["archived", "true or false"]),
    ("bool-json-number", "noosfero", "GET", "/articles", ["archived:=2"], ["archived", "true or false"]),
    # array
    ("array-item-type", "noosfero", "GET", "/articles", ["category_ids=1,b"], ["category_ids", "whole number", "'b'"]),
    ("array-json-object", "noosfero", "GET", "/articles", ['category_ids:={"a": 1}'], ["category_ids", "a list"]),
    ("array-bad-json", "noosfero", "GET", "/articles", ["category_ids=[1,"], ["category_ids", "JSON array"]),
    ("array-enum-item", "noosfero", "GET", "/articles", ["optional_fields=comments,nope"],
     ["optional_fields", "one of comments, parent", "'nope'"]),
    # object
    ("object-is-list", "gocache", "POST", "/rules/{type}/{domain}", ["type=settings", "domain=x.com", "action=[1]"],
     ["action", "JSON object"]),
    ("object-bad-json", "gocache", "POST", "/rules/{type}/{domain}", ["type=settings", "domain=x.com", "action={oops"],
     ["action", "JSON object"]),
    ("object-json-number", "gocache", "POST", "/rules/{type}/{domain}", ["type=settings", "domain=x.com", "action:=5"],
     ["action", "JSON object"]),
    ("object-invalid-json-item", "noosfero", "POST", "/articles/{id}", ["id=1", "article:={oops"],
     ["article", "invalid JSON"]),
    # enum
    ("enum-string", "gocache", "GET", "/history/", ["section=nope"], ["section", "one of domain, dns", "'nope'"]),
    ("enum-integer", "gocache", "POST", "/domain/{domain}", ["domain=x.com", "cache_ttl=7"], ["cache_ttl", "one of 300, 600"]),
    ("enum-path", "gocache", "GET", "/rules/{type}/{domain}", ["type=everything", "domain=x.com"], ["type", "one of settings"]),
    # missing required values
    ("missing-path", "noosfero", "GET", "/communities/{id}", [], ["id", "required", "whole number"]),
    ("missing-body", "gocache", "POST", "/rules/{type}/{domain}", ["type=settings", "domain=x.com"],
     ["action", "required", "JSON object"]),
    ("missing-form-array", "gocache", "PUT", "/domain-list/{id}", ["id=1"], ["domain[]", "required"]),
    # unknown parameters and broken items
    ("unknown-param", "noosfero", "GET", "/communities", ["bogus=1"], ["bogus", "not a parameter of GET /communities", "per_page"]),
    ("unknown-no-params", "gocache", "GET", "/domain", ["bogus=1"], ["bogus", "not a parameter of GET /domain"]),
    ("item-syntax", "noosfero", "GET", "/communities", ["justtext"], ["justtext", "name=value"]),
    ("bad-header-name", "noosfero", "GET", "/communities", ["Bad Header:x"], ["Bad Header", "header name"]),
    # path values that cannot be sent
    ("path-empty", "gocache", "GET", "/domain/{domain}", ["domain="], ["domain", "may not be empty"]),
    ("path-blank", "gocache", "GET", "/domain/{domain}", ["domain=   "], ["domain", "may not be empty"]),
    # absurd numbers in page fields
    ("page-negative", "noosfero", "GET", "/communities", ["page=-1"], ["page", "1 or more"]),
    ("page-zero", "noosfero", "GET", "/communities", ["page=0"], ["page", "1 or more"]),
    ("page-huge", "noosfero", "GET", "/communities", ["page=99999999999999999999"], ["page", "at most 1000000000"]),
    ("page-text", "noosfero", "GET", "/communities", ["page=two"], ["page", "whole number"]),
    ("per-page-zero", "noosfero", "GET", "/communities", ["per_page=0"], ["per_page", "at least 1"]),
    ("per-page-huge", "noosfero", "GET", "/communities", ["per_page=1e30"], ["per_page"]),
    ("skip-negative", "trackingram", "GET", "/trackerGps", ["skip=-5"], ["skip", "at least 0"]),
    ("limit-zero", "trackingram", "GET", "/trackerGps", ["limit=0"], ["limit", "at least 1"]),
    ("skip-huge", "trackingram", "GET", "/trackerGps", ["skip=99999999999999999999"], ["skip"]),
    ("flag-page-negative", "noosfero", "GET", "/communities", ["--page", "-1"], ["--page", "1 or more"]),
    ("flag-page-zero", "trackingram", "GET", "/trackerGps", ["--page", "0"], ["--page", "1 or more"]),
    ("flag-max-pages-zero", "noosfero", "GET", "/communities", ["--all-pages", "--max-pages", "0"], ["--max-pages", "1 or more"]),
    ("flag-page-unpaged", "gocache", "GET", "/domain", ["--page", "2"], ["--page", "does not page"]),
]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_bad_value_exits_2_names_field_sends_nothing(row, recorder, capsys):
    _, provider, method, path, items, words = row
    code, out, err = call(capsys, "call", "--sandbox-url", recorder.origin, provider, method, path, *items)
    assert code == 2, (code, err)
    for word in words:
        assert word in err, (word, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""
    assert recorder.count == 0, [s.target for s in recorder.seen]


def test_several_problems_are_all_named(recorder, capsys):
    code, _, err = call(capsys, "call", "--sandbox-url", recorder.origin, "noosfero", "GET", "/communities",
                        "lat=north", "page=-1", "bogus=1")
    assert code == 2
    for field in ("lat:", "bogus:"):
        assert field in err
    assert recorder.count == 0


def test_typo_in_the_path_suggests_and_sends_nothing(recorder, capsys):
    code, _, err = call(capsys, "call", "--sandbox-url", recorder.origin, "noosfero", "GET", "/comunities")
    assert code == 2 and "no endpoint GET /comunities" in err and "/communities" in err
    assert recorder.count == 0


def test_unknown_provider(recorder, capsys):
    code, _, err = call(capsys, "call", "--sandbox-url", recorder.origin, "nosuch", "GET", "/x")
    assert code == 2 and "nosuch" in err and "Traceback" not in err
    assert recorder.count == 0


# -------------------------------------------------------------------------------------------------
# Path values: encoded, one segment, the template's literal segments unchanged

PATH_VALUES = ["a/b", "..", ".", "...", "a b", "ünï/☃", "%2F", "?x=1#y", "../../etc/passwd", "a\\b", "\u202etxt"]


@pytest.mark.parametrize("value", PATH_VALUES)
def test_path_value_is_encoded_and_never_changes_the_path(value, recorder, capsys):
    code, out, err = call(capsys, "call", "--sandbox-url", recorder.origin, "gocache", "GET", "/domain/{domain}",
                          f"domain={value}")
    assert code == 0, err
    assert recorder.count == 1
    received = recorder.seen[0].path
    segments = received.split("/")
    assert segments[:4] == ["", "gocache", "v1", "domain"], received
    assert len(segments) == 5, received  # exactly one segment for the value
    assert unquote(segments[4]) == value
    assert all(c.isascii() and c.isprintable() and c not in " ?#" for c in segments[4]), segments[4]


def test_path_value_in_a_middle_segment(recorder, capsys):
    code, _, err = call(capsys, "call", "--sandbox-url", recorder.origin, "gocache", "GET", "/rules/{type}/{domain}",
                        "type=settings", "domain=../x y")
    assert code == 0, err
    segments = recorder.seen[0].path.split("/")
    assert segments[:5] == ["", "gocache", "v1", "rules", "settings"] and len(segments) == 6
    assert unquote(segments[5]) == "../x y"


def test_concrete_path_with_dots_stays_one_segment(recorder, capsys):
    code, _, err = call(capsys, "call", "--sandbox-url", recorder.origin, "gocache", "GET", "/domain/..")
    assert code == 0, err
    assert recorder.seen[0].path == "/gocache/v1/domain/%2E%2E"


# -------------------------------------------------------------------------------------------------
# Invalid base URLs


@pytest.mark.parametrize("url", ["not-a-url", "ftp://x", "http://", "http://[::1", "file:///etc/passwd", "//host/x"])
def test_invalid_live_base_url_exits_2(url, monkeypatch, capsys):
    monkeypatch.setenv("APIPLAY_GOCACHE_URL", url)
    monkeypatch.setenv("APIPLAY_GOCACHE_TOKEN", "t0ken")
    code, out, err = call(capsys, "call", "--target", "live", "gocache", "GET", "/domain")
    assert code == 2, err
    assert "base URL" in err and "http:// or https://" in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("url", ["not-a-url", "ftp://127.0.0.1:1"])
def test_invalid_sandbox_url_exits_2(url, capsys):
    code, out, err = call(capsys, "call", "--sandbox-url", url, "gocache", "GET", "/domain")
    assert code == 2, err
    assert "base URL" in err and "Traceback" not in err and out == ""


def test_dead_server_exits_3(capsys):
    from helpers import dead_origin

    code, out, err = call(capsys, "call", "--sandbox-url", dead_origin(), "gocache", "GET", "/domain")
    assert code == 3
    assert "connection refused" in err and "Traceback" not in err


# -------------------------------------------------------------------------------------------------
# Broken pack files: the CLI starts, warns naming the file and the field, and the good packs work


def test_broken_packs_warn_and_the_cli_still_works(tmp_path, recorder, capsys):
    import os
    import shutil
    from pathlib import Path

    from tui.core.paths import providers_dir

    src = Path(__file__).parents[1] / "fixtures" / "packs" / "broken"
    dest = providers_dir()
    dest.mkdir(parents=True)
    for f in src.iterdir():
        shutil.copy(f, dest / f.name)
    (dest / "empty.json").write_text("")
    (dest / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    assert os.listdir(dest)
    code, out, err = call(capsys, "call", "--sandbox-url", recorder.origin, "gocache", "GET", "/domain")
    assert code == 0, err
    assert recorder.count == 1
    assert "Traceback" not in err
    assert "bad_fields.json" in err and "parameters[0].schema.type" in err and "got 'int'" in err
    assert "truncated.json" in err and "not valid JSON" in err
    assert "swagger2.json" in err and "Swagger 2.0" in err
    assert "empty.json" in err and "binary.json" in err
    code, out, err = call(capsys, "providers")
    assert code == 0 and "Noosfero" in out and "bad_indent.yaml" in err and "line 4" in err
