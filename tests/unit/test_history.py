import json
import os
import stat
import subprocess
import sys
import time

import pytest

from tui.core.history import History
from tui.core.model import Exchange, PreparedRequest


def make_exchange(url="http://127.0.0.1:1/gocache/v1/domain", *, method="GET", headers=(), body=None,
                  secrets=(), values=None, status=200, resp_body=b'{"ok": true}', resp_headers=(),
                  basic=None, content_type=None, key="GET /domain", provider="gocache"):
    req = PreparedRequest(provider, key, method, url, headers=tuple(headers), body=body, content_type=content_type,
                          values=values or {}, secrets=frozenset(secrets), basic_auth=basic)
    return Exchange(req, status=status, reason="OK" if status == 200 else "", headers=tuple(resp_headers),
                    body=resp_body, elapsed_s=0.05, size=len(resp_body), started_at=time.time())


def test_add_list_get_round_trip():
    h = History()
    ex = make_exchange(values={"page": 2, "tags": ("a", "b")}, resp_headers=[("Content-Type", "application/json")])
    i = h.add(ex, provider_id="gocache", target="sandbox")
    assert isinstance(i, int)
    [row] = h.list()
    assert (row.id, row.provider_id, row.target, row.method, row.status) == (i, "gocache", "sandbox", "GET", 200)
    assert row.values == {"page": 2, "tags": ["a", "b"]}
    assert row.body is None  # list stays light
    full = h.get(i)
    assert full.body == b'{"ok": true}' and full.response_headers == [("Content-Type", "application/json")]
    assert full.elapsed_s == pytest.approx(0.05) and full.size == len(b'{"ok": true}')
    assert h.get(i + 100) is None
    assert h.path.name == "history.sqlite3" and str(h.path).startswith(os.environ["APIPLAY_DATA_DIR"])
    assert stat.S_IMODE(os.stat(h.path).st_mode) == 0o600
    mode = h._connect().execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_secrets_never_stored():
    h = History()
    tok, pw, basic_pw = "tok-AAAA-1111-secret", "hunter2hunter2", "basicpass-zzz"
    ex = make_exchange(
        url=f"http://h/api/v1/users/me?private_token={tok}&x=1",
        headers=[("PRIVATE-TOKEN", tok), ("GoCache-Token", "other-header-tok"), ("Authorization", "Bearer bear-123"),
                 ("Accept", "application/json")],
        body=json.dumps({"login": "ana", "password": pw}).encode(), content_type="application/json",
        secrets={tok, pw, basic_pw}, values={"login": "ana", "password": pw, "id": 5},
        resp_body=json.dumps({"id": 1, "private_token": "fresh-token-from-login", "echo": tok}).encode(),
        resp_headers=[("Set-Cookie", "session=abc")], basic=("me@example.com", basic_pw),
    )
    i = h.add(ex, provider_id="noosfero", target="live")
    raw = h.path.read_bytes()
    for name in os.listdir(h.path.parent):
        raw += (h.path.parent / name).read_bytes()
    for secret in (tok, pw, basic_pw, "other-header-tok", "bear-123", "fresh-token-from-login", "session=abc"):
        assert secret.encode() not in raw, secret
    e = h.get(i)
    assert "private_token=****" in e.url and "x=1" in e.url
    assert dict(e.request_headers)["Authorization"] == "Bearer ****"
    assert dict(e.request_headers)["Accept"] == "application/json"
    assert e.values == {"login": "ana", "id": 5}
    assert json.loads(e.body)["id"] == 1


def test_form_body_secret_values_masked():
    h = History()
    ex = make_exchange(method="POST", body=b"email=a%40b.c&password=pw", content_type="application/x-www-form-urlencoded",
                       key="POST /login")
    e = h.get(h.add(ex, target="sandbox"))
    assert e.request_body == b"email=a%40b.c&password=****"


def test_bounded_keeps_newest_and_caps_bodies():
    h = History(max_entries=5, body_cap=10)
    ids = [h.add(make_exchange(url=f"http://h/x/{n}", resp_body=b"0123456789ABCDEF")) for n in range(12)]
    assert h.count() == 5
    assert [e.id for e in h.list(limit=None)] == ids[::-1][:5]
    e = h.get(ids[-1])
    assert e.body == b"0123456789" and e.truncated and e.size == 16


def test_filter_and_provider():
    h = History()
    h.add(make_exchange(url="http://h/gocache/v1/domain"), provider_id="gocache")
    h.add(make_exchange(url="http://h/noosfero/api/v1/communities?page=2", key="GET /communities",
                        provider="noosfero", status=404, resp_body=b"{}"), provider_id="noosfero")
    h.add(make_exchange(url="http://h/noosfero/api/v1/people_x", key="GET /people", provider="noosfero"),
          provider_id="noosfero")
    assert [e.endpoint_key for e in h.list(query="communities")] == ["GET /communities"]
    assert [e.endpoint_key for e in h.list(query="noosfero 404")] == ["GET /communities"]
    assert [e.endpoint_key for e in h.list(query="people_")] == ["GET /people"]
    assert [e.endpoint_key for e in h.list(query="_x%")] == []  # LIKE wildcards are literal
    assert len(h.list(provider="noosfero")) == 2 and len(h.list(provider="gocache")) == 1
    assert len(h.list(limit=1)) == 1


def test_error_exchange_and_json():
    h = History()
    req = PreparedRequest("gocache", "GET /domain", "GET", "http://h/d")
    ex = Exchange(req, status=None, error="could not connect to h", error_kind="connect", started_at=0.0)
    e = h.get(h.add(ex))
    assert e.status is None and e.status_text == "connect"
    data = e.to_json()
    assert list(data)[0] == "id" and "body" not in data and data["error"] == "could not connect to h"
    full = e.to_json(include_body=True)
    assert full["body"] == "" and full["request_headers"] == []


def test_corrupt_database_is_moved_aside():
    h = History()
    h.path.parent.mkdir(parents=True, exist_ok=True)
    h.path.write_bytes(b"this is not sqlite" * 100)
    i = h.add(make_exchange())
    assert h.get(i) is not None
    assert h.warnings and "moved" in h.warnings[0]
    assert any(n.startswith("history.sqlite3.broken-") for n in os.listdir(h.path.parent))


WRITER = r"""
import sys, time
from tui.core.history import History
from tui.core.model import Exchange, PreparedRequest
h = History(max_entries=100000)
tag = sys.argv[1]
for n in range(200):
    req = PreparedRequest("gocache", "GET /domain", "GET", f"http://h/{tag}/{n}")
    h.add(Exchange(req, status=200, body=b"x" * 2000, started_at=time.time()), target="sandbox")
print("done")
"""


def test_two_processes_write_concurrently():
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, tag], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    outs = [p.communicate(timeout=90) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.strip() == "done"
    h = History()
    assert h.count() == 400
    urls = {e.url for e in h.list(limit=None)}
    assert len(urls) == 400


def test_bounded_by_total_bytes_keeps_newest():
    h = History(max_entries=1000, body_cap=1000, max_bytes=2500)
    ids = [h.add(make_exchange(url=f"http://h/{n}", resp_body=b"x" * 1000)) for n in range(6)]
    assert [e.id for e in h.list(limit=None)] == ids[::-1][:2]  # 2 x 1000 fit in 2500, 3 do not
    big = History(max_entries=1000, body_cap=10_000, max_bytes=100)
    i = big.add(make_exchange(resp_body=b"y" * 5000))
    assert big.get(i).body == b"y" * 5000  # the newest entry stays even when alone it is over the cap
    assert big.count() == 1


def test_switching_to_wal_waits_out_a_lock_sqlite_reports_at_once():
    """SQLite answers "database is locked" at once (no busy handler) while another process switches
    a new file to WAL: the switch is tried again until the busy timeout, other errors are raised."""
    import sqlite3

    from tui.core.history import _enable_wal

    class Conn:
        def __init__(self, failures: int, message: str = "database is locked") -> None:
            self.failures, self.message, self.calls = failures, message, 0

        def execute(self, sql: str):
            self.calls += 1
            if self.calls <= self.failures:
                raise sqlite3.OperationalError(self.message)

    conn = Conn(failures=3)
    _enable_wal(conn, timeout_s=5)
    assert conn.calls == 4
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _enable_wal(Conn(failures=10**6), timeout_s=0.05)  # not forever
    other = Conn(failures=1, message="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        _enable_wal(other, timeout_s=5)
    assert other.calls == 1


def test_a_history_made_before_stored_bytes_is_migrated_and_keeps_its_entries():
    """A database made by the first version (user_version 1, no stored_bytes column): every write
    failed ("no column named stored_bytes") and history silently stopped recording. It gets the
    column, its entries' sizes, and goes on: kept, listed, pruned by size with the new ones."""
    import sqlite3

    from tui.core.history import _SCHEMA

    h = History(max_entries=1000, body_cap=10_000, max_bytes=3500)
    old_schema = _SCHEMA.replace(",\n    stored_bytes INTEGER NOT NULL DEFAULT 0", "").replace(
        "CREATE INDEX IF NOT EXISTS exchanges_bytes ON exchanges(id, stored_bytes);", "")
    assert "stored_bytes" not in old_schema
    h.path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(h.path)
    conn.executescript(old_schema)
    conn.execute("INSERT INTO exchanges (created_at, provider_id, target, endpoint_key, method, url, request_headers, "
                 "request_values, status, body) VALUES (?, 'gocache', 'sandbox', 'GET /domain', 'GET', 'http://h/old', "
                 "'[]', '{}', 200, ?)", (time.time(), b"o" * 1000))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    [old] = h.list()
    assert old.url == "http://h/old"
    assert h._connect().execute("SELECT stored_bytes FROM exchanges").fetchone()[0] == 1000
    new = [h.add(make_exchange(url=f"http://h/{n}", resp_body=b"x" * 1000)) for n in range(2)]
    assert [e.url for e in h.list()] == ["http://h/1", "http://h/0", "http://h/old"]  # 3000 <= 3500
    h.add(make_exchange(url="http://h/2", resp_body=b"x" * 1000))
    assert [e.url for e in h.list()] == ["http://h/2", "http://h/1", "http://h/0"]  # the oldest went first
    assert h._connect().execute("PRAGMA user_version").fetchone()[0] == 2 and new
