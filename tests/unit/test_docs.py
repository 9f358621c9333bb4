"""Provider docs as Markdown: auth, limits, statuses, paging and counts come from the pack."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tui.core.docs import provider_docs
from tui.core.model import RateLimitSpec
from tui.core.packs import builtin_provider, load_pack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


def _section(md: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", md, re.S | re.M)
    assert m, f"no '{title}' section"
    return m.group(1)


def test_gocache_docs():
    p = builtin_provider("gocache")
    md = provider_docs(p)
    assert md.startswith("# GoCache\n")
    auth = _section(md, "Authentication")
    assert "`GoCache-Token` header" in auth and "APIPLAY_GOCACHE_TOKEN" in auth
    assert "sandbox-gocache-readonly" in auth and "every write answers 403" in auth
    rate = _section(md, "Rate limit")
    assert "At most 100 requests per 60 s" in rate and "unless you force it" in rate
    assert "blocks the caller for 60 s" in rate and "No rate-limit headers" in rate
    errors = _section(md, "Status codes and errors")
    for code in ("202", "401", "403", "409", "428"):
        assert re.search(rf"^\| {code} \| \S", errors, re.M), code
    assert "`response.urls_wrong_format`" in errors
    counts = _section(md, "Endpoints")
    assert "51 endpoints" in counts
    assert "| smart-rules | 9 |" in counts
    ev = {e.evidence for e in p.endpoints}
    assert ev == {"documented", "seen-in-client", "inferred"}
    n_doc = sum(e.evidence == "documented" for e in p.endpoints)
    assert f"documented {n_doc}" in counts and "seen in a client" in counts


def test_noosfero_docs():
    p = builtin_provider("noosfero")
    md = provider_docs(p)
    auth = _section(md, "Authentication")
    assert "`PRIVATE-TOKEN` header" in auth and "(default)" in auth
    assert "`private_token` query parameter" in auth
    assert "**Login flow.** `POST /login`" in auth and "`/private_token`" in auth
    for env in ("APIPLAY_NOOSFERO_TOKEN", "APIPLAY_NOOSFERO_LOGIN", "APIPLAY_NOOSFERO_PASSWORD"):
        assert env in auth
    assert "login `ana`" in auth
    errors = _section(md, "Status codes and errors")
    assert "| 422 |" in errors and "`errors` map" in errors
    paging = _section(md, "Paging")
    assert "`page` (from 1) and `per_page`" in paging and "`Total`" in paging
    assert "| `GET /articles` | 20 | 50 |" in paging
    assert "| `GET /domains` | 20 | 20 |" in paging
    assert "| `GET /communities` | 20 | no cap |" in paging
    assert "33 endpoints of 125 page" in paging
    assert "No known limit." in _section(md, "Rate limit")
    assert "125 endpoints" in _section(md, "Endpoints")
    base = _section(md, "Base URLs")
    assert "`https://{instance}/api/v1`" in base and "softwarepublico.gov.br/social" in base


def test_trackingram_docs():
    md = provider_docs(builtin_provider("trackingram"))
    auth = _section(md, "Authentication")
    assert "HTTP Basic: `email` as the user name and `token` as the password" in auth
    assert "APIPLAY_TRACKINGRAM_EMAIL" in auth and "APIPLAY_TRACKINGRAM_TOKEN" in auth
    assert "noapi@trackingram.example" in auth and "USER NOT ENABLE" in auth
    rate = _section(md, "Rate limit")
    assert "At most 120 requests per 60 s" in rate and "`count_api`" in rate and "`reset_count_api`" in rate
    assert "status 400" in rate and "FLOOD_WAIT_" in rate
    errors = _section(md, "Status codes and errors")
    for msg in ("AUTHENTICATION REQUIRED", "AUTHENTICATION INCORRECT", "API NOT ENABLE", "GENERIC ERROR"):
        assert f"`{msg}`" in errors
    assert "`limit` and `skip`" in _section(md, "Paging")
    assert "`v1_0`, `latest`, (empty)" in _section(md, "Base URLs")
    assert "`data`" in _section(md, "Envelope")


def test_third_party_docs_are_built_from_the_spec():
    p = load_pack(FIXTURES / "good" / "bookshelf.yaml")
    md = provider_docs(p)
    assert md.startswith("# Bookshelf API\n")
    assert "`X-Api-Key` header" in md and "`Authorization` header: `Bearer ` +" in md
    assert "Sandbox: none" in md
    assert "standard `RateLimit-*`" in md
    assert "No endpoint of this provider is paged." in md
    assert "bookshelf.yaml" in md  # where it came from


def test_docs_follow_the_pack_not_a_template():
    p = builtin_provider("gocache")
    changed = dataclasses.replace(p, rate_limit=RateLimitSpec(limit=7, window_s=3600, guard=False))
    rate = _section(provider_docs(changed), "Rate limit")
    assert "At most 7 requests per 3600 s" in rate and "unless you force it" not in rate


@pytest.mark.parametrize("pid", ["gocache", "noosfero", "trackingram"])
def test_tables_are_well_formed(pid):
    md = provider_docs(builtin_provider(pid))
    for block in re.findall(r"((?:^\|.*\|\n)+)", md, re.M):
        rows = block.strip().splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, block


def test_the_readme_says_what_each_dependency_is_for():
    import tomllib

    root = Path(__file__).resolve().parents[2]
    deps = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower() for d in deps}
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Dependencies, and why", 1)[1].split("\n## ", 1)[0]
    listed = {line.split("|")[1].split("(")[0].strip().lower() for line in table.splitlines()
              if line.startswith("| ") and not line.startswith("| package") and not line.startswith("| ---")}
    assert names - listed == set(), f"not in the README's table: {sorted(names - listed)}"
