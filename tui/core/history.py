"""History: every exchange, in SQLite (``<data dir>/history.sqlite3``).

* WAL mode, a busy timeout and ``BEGIN IMMEDIATE`` write transactions: two apiplay instances (or the CLI
  next to the TUI) can write at once.
* Bounded: each :meth:`History.add` keeps only the newest ``max_entries`` rows (5000) whose bodies
  together fit in ``max_bytes`` (64 MiB), pruning in the same transaction; each body is kept up to
  ``body_cap`` bytes (256 KiB).
* Secrets never stored: every ``PreparedRequest.secrets`` value is masked wherever it appears (URL, headers,
  bodies), and so are the values of credential headers (Authorization, PRIVATE-TOKEN, GoCache-Token, ...),
  credential query parameters (private_token, ...), user:password in a URL, secret-looking JSON fields
  (``"private_token": "..."``, ``"token": "..."``) in the bodies, and secret form values. The user's
  values are stored without secret parameters. HTTP Basic credentials are never stored.

A :class:`HistoryEntry` has everything needed to send a request again: provider, target, endpoint key and
the values (``apiplay call --from-history ID`` rebuilds the request with the current credentials).

No Textual. Thread-safe (one lock per History); cheap to create.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

from tui.core import paths
from tui.core.export import MASK, SENSITIVE_HEADERS, SENSITIVE_QUERY, mask_secrets
from tui.core.fmt import human_size
from tui.core.model import Exchange

DEFAULT_MAX_ENTRIES = 5000
DEFAULT_BODY_CAP = 256 * 1024
#: Total bytes of stored bodies (request + answer) kept; the oldest entries go first.
DEFAULT_MAX_BYTES = 64 * 2**20
#: 2: ``stored_bytes`` (a database made at version 1 before that column existed gets it, see _migrate)
SCHEMA_VERSION = 2

#: JSON field names (and form keys) whose values are credentials, masked in stored bodies.
SECRET_FIELDS = ("private_token", "token", "password", "password_confirmation", "tokenapi", "token_api",
                 "access_token", "refresh_token", "api_key", "apikey", "secret", "privatekey")
_SECRET_JSON = re.compile(
    r'("(?:' + "|".join(SECRET_FIELDS) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    provider_id TEXT NOT NULL,
    target TEXT NOT NULL,
    endpoint_key TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    request_body BLOB,
    content_type TEXT,
    request_values TEXT NOT NULL,
    status INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    elapsed_s REAL NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    response_headers TEXT NOT NULL DEFAULT '[]',
    body BLOB,
    truncated INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_kind TEXT,
    stored_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS exchanges_provider ON exchanges(provider_id, id);
CREATE INDEX IF NOT EXISTS exchanges_bytes ON exchanges(id, stored_bytes);
"""

def _migrate(conn: sqlite3.Connection) -> None:
    """Bring an older history table up to the current columns, keeping every entry. (The table is
    created as is by _SCHEMA when there is none; CREATE TABLE IF NOT EXISTS leaves an old one alone.)"""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(exchanges)")}
    if columns and "stored_bytes" not in columns:  # added in version 2: what pruning by size counts
        conn.execute("ALTER TABLE exchanges ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0")
        conn.execute("UPDATE exchanges SET stored_bytes = COALESCE(length(request_body), 0) + "
                     "COALESCE(length(body), 0)")


_LIST_COLUMNS = ("id, created_at, provider_id, target, endpoint_key, method, url, content_type, request_values, "
                 "status, reason, elapsed_s, size, truncated, error, error_kind")
_ALL_COLUMNS = _LIST_COLUMNS + ", request_headers, request_body, response_headers, body"


def _enable_wal(conn, timeout_s: float) -> None:
    """Switch `conn`'s database to WAL, retrying while another process holds it. SQLite answers
    "database is locked" at once, without its busy handler, when another connection is switching
    the same new file to WAL or recovering its log: two instances starting on a fresh history
    (seen in a test that starts two writer processes)."""
    deadline = time.monotonic() + timeout_s
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


@dataclass
class HistoryEntry:
    id: int
    created_at: float  # wall clock, seconds
    provider_id: str
    target: str  # "sandbox" | "live"
    endpoint_key: str  # "GET /communities/{id}"
    method: str
    url: str  # secrets masked
    content_type: str | None
    values: dict[str, Any]  # the user's values, secret ones left out
    status: int | None
    reason: str
    elapsed_s: float
    size: int
    truncated: bool  # the stored body is cut (by the HTTP cap or the history cap)
    error: str | None
    error_kind: str | None
    #: Only filled by History.get() (list() leaves them empty to stay light).
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def path(self) -> str:
        """The endpoint template ("/communities/{id}")."""
        return self.endpoint_key.split(" ", 1)[1] if " " in self.endpoint_key else self.endpoint_key

    @property
    def size_text(self) -> str:
        """ "512 B", "1.5 KB", "2.0 MB"."""
        return human_size(self.size)

    @property
    def status_text(self) -> str:
        if self.status is None:
            return self.error_kind or "error"
        return f"{self.status} {self.reason}".strip()

    def to_json(self, *, include_body: bool = False) -> dict[str, Any]:
        """A JSON-ready dict (``id`` first). Bodies, when included, as text (UTF-8, replacement chars)."""
        data = asdict(self)
        for key in ("request_body", "body"):
            raw = data.pop(key)
            if include_body:
                data[key] = raw.decode("utf-8", "replace") if raw is not None else None
        if not include_body:
            data.pop("request_headers")
            data.pop("response_headers")
        else:
            data["request_headers"] = [list(h) for h in self.request_headers]
            data["response_headers"] = [list(h) for h in self.response_headers]
        data["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created_at))
        return data




# --------------------------------------------------------------------------------------------------
# Masking


def _is_secret_name(name: str) -> bool:
    low = name.lower().rstrip("[]")
    return low in SECRET_FIELDS or low in SENSITIVE_QUERY


def mask_url(url: str, secrets: Iterable[str]) -> str:
    """`url` with secrets, credential query values and user:password removed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_secrets(url, secrets)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_is_secret_name(k) for k, _ in pairs):
            # rebuild only the masked pairs' values, keeping the rest byte for byte
            out = []
            for raw in query.split("&"):
                key = raw.split("=", 1)[0]
                if _is_secret_name(unquote_plus(key)) and "=" in raw:
                    out.append(f"{key}={MASK}")
                else:
                    out.append(raw)
            query = "&".join(out)
    rebuilt = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return mask_secrets(rebuilt, secrets)


def mask_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str]) -> list[tuple[str, str]]:
    secrets = list(secrets)
    out = []
    for k, v in headers:
        if k.lower() in SENSITIVE_HEADERS:
            scheme, _, rest = v.partition(" ")
            v = f"{scheme} {MASK}" if rest and scheme.lower() in ("bearer", "basic", "token") else MASK
        else:
            v = mask_secrets(v, secrets)
        out.append((k, v))
    return out


def mask_body(body: bytes | None, secrets: Iterable[str], content_type: str | None = None) -> bytes | None:
    """A body with secrets, secret-looking JSON fields and secret form values masked."""
    if not body:
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # binary: replace raw secret bytes only
        for s in sorted({str(s) for s in secrets if s}, key=len, reverse=True):
            body = body.replace(s.encode("utf-8"), MASK.encode())
        return body
    text = mask_secrets(text, secrets)
    text = _SECRET_JSON.sub(lambda m: m.group(1) + f'"{MASK}"', text)
    if (content_type or "").lower().startswith("application/x-www-form-urlencoded"):
        pieces = []
        for raw in text.split("&"):
            key = raw.split("=", 1)[0]
            pieces.append(f"{key}={MASK}" if "=" in raw and _is_secret_name(unquote_plus(key)) else raw)
        text = "&".join(pieces)
    return text.encode("utf-8")


def _safe_values(values: Mapping[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    secret_set = {str(s) for s in secrets}
    out: dict[str, Any] = {}
    for k, v in values.items():
        if _is_secret_name(k) or (isinstance(v, (str, int)) and str(v) in secret_set):
            continue
        if isinstance(v, (bytes, bytearray)):
            continue  # file contents are not kept
        out[k] = _jsonable(v)
    return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


# --------------------------------------------------------------------------------------------------


class History:
    """The history database. ``History()`` opens (creating if needed) ``<data dir>/history.sqlite3``."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        body_cap: int = DEFAULT_BODY_CAP,
        max_bytes: int = DEFAULT_MAX_BYTES,
        busy_timeout_s: float = 10.0,
    ) -> None:
        self.path = Path(path) if path is not None else paths.history_file()
        self.max_entries = max(1, int(max_entries))
        self.body_cap = max(0, int(body_cap))
        self.max_bytes = max(0, int(max_bytes))
        self.busy_timeout_s = busy_timeout_s
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def from_settings(cls, settings: Any, path: str | os.PathLike[str] | None = None) -> "History":
        return cls(path, max_entries=settings.history_size, body_cap=settings.history_body_cap,
                   max_bytes=getattr(settings, "history_max_bytes", DEFAULT_MAX_BYTES))

    # ------------------------------------------------------------------ connection

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        paths.ensure_dir(self.path.parent, 0o700)
        try:
            conn = self._open()
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise
            broken = self.path.with_name(f"{self.path.name}.broken-{int(time.time())}")
            try:
                os.replace(self.path, broken)
            except OSError:
                raise exc from None
            for suffix in ("-wal", "-shm"):
                try:
                    os.unlink(str(self.path) + suffix)
                except OSError:
                    pass
            self.warnings.append(f"{self.path.name} was not a readable history database; "
                                 f"it was moved to {broken.name} and a new one started")
            conn = self._open()
        self._conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        new = not self.path.exists()
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None,
                               check_same_thread=False)
        try:
            if new:
                try:
                    os.chmod(self.path, 0o600)
                except OSError:
                    pass
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            _enable_wal(conn, self.busy_timeout_s)
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                conn.execute("BEGIN IMMEDIATE")
                _migrate(conn)
                for stmt in _SCHEMA.strip().split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def add(self, exchange: Exchange, *, provider_id: str | None = None, target: str = "sandbox") -> int:
        """Store one exchange (secrets masked, bodies capped); prune to ``max_entries``. Returns its id."""
        req = exchange.request
        secrets = [s for s in req.secrets if s]
        if req.basic_auth:
            import base64  # the encoded "user:password" a server may echo back (a 401 page, a debug body)

            secrets += [s for s in req.basic_auth if s]
            secrets.append(base64.b64encode(":".join(req.basic_auth).encode("utf-8")).decode("ascii"))
        body = exchange.body or b""
        truncated = bool(exchange.truncated)
        if len(body) > self.body_cap:
            body, truncated = body[: self.body_cap], True
        resp_ctype = exchange.header("content-type")
        req_body = mask_body(req.body[: self.body_cap] if req.body else req.body, secrets, req.content_type)
        stored_body = mask_body(body, secrets, resp_ctype)
        row = (
            exchange.started_at or time.time(),
            provider_id or req.provider_id,
            target,
            req.endpoint_key,
            req.method.upper(),
            mask_url(req.url, secrets),
            json.dumps(mask_headers(req.headers, secrets)),
            req_body,
            req.content_type,
            json.dumps(_safe_values(req.values or {}, secrets), ensure_ascii=False),
            exchange.status,
            exchange.reason or "",
            float(exchange.elapsed_s or 0.0),
            int(exchange.size or len(exchange.body or b"")),
            json.dumps(mask_headers(exchange.headers, secrets)),
            stored_body,
            int(truncated),
            mask_secrets(exchange.error, secrets) if exchange.error else None,
            exchange.error_kind,
            len(req_body or b"") + len(stored_body or b""),
        )
        with self._lock:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                cur = conn.execute(
                    "INSERT INTO exchanges (created_at, provider_id, target, endpoint_key, method, url, "
                    "request_headers, request_body, content_type, request_values, status, reason, elapsed_s, "
                    "size, response_headers, body, truncated, error, error_kind, stored_bytes) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                new_id = int(cur.lastrowid)
                conn.execute(
                    "DELETE FROM exchanges WHERE id <= "
                    "(SELECT id FROM exchanges ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    (self.max_entries,),
                )
                # the newest entry always stays, whatever its size
                conn.execute(
                    "DELETE FROM exchanges WHERE id < ? AND id <= (SELECT COALESCE(MAX(id), -1) FROM "
                    "(SELECT id, SUM(stored_bytes) OVER (ORDER BY id DESC) AS running FROM exchanges) "
                    "WHERE running > ?)",
                    (new_id, self.max_bytes),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return new_id

    def delete(self, entry_id: int) -> bool:
        with self._lock:
            cur = self._connect().execute("DELETE FROM exchanges WHERE id = ?", (int(entry_id),))
            return cur.rowcount > 0

    def clear(self) -> int:
        with self._lock:
            return self._connect().execute("DELETE FROM exchanges").rowcount

    # ------------------------------------------------------------------ reading

    def count(self, provider: str | None = None) -> int:
        with self._lock:
            if provider:
                q = self._connect().execute("SELECT COUNT(*) FROM exchanges WHERE provider_id = ?", (provider,))
            else:
                q = self._connect().execute("SELECT COUNT(*) FROM exchanges")
            return int(q.fetchone()[0])

    def list(
        self,
        limit: int | None = 50,
        query: str | None = None,
        provider: str | None = None,
        *,
        offset: int = 0,
    ) -> list[HistoryEntry]:
        """Newest first, without headers or bodies. `query`: words that must all appear (case-insensitive)
        in the method, URL, endpoint, status or provider."""
        where, args = [], []
        if provider:
            where.append("provider_id = ?")
            args.append(provider)
        for word in (query or "").split():
            like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                "(method || ' ' || url || ' ' || endpoint_key || ' ' || COALESCE(status, '') || ' ' || reason"
                " || ' ' || provider_id || ' ' || target || ' ' || COALESCE(error_kind, '')) LIKE ? ESCAPE '\\'"
            )
            args.append(like)
        sql = f"SELECT {_LIST_COLUMNS} FROM exchanges"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        args += [-1 if limit is None else int(limit), int(offset)]
        with self._lock:
            rows = self._connect().execute(sql, args).fetchall()
        return [self._entry(r) for r in rows]

    def get(self, entry_id: int) -> HistoryEntry | None:
        """One entry with headers and bodies, or None."""
        with self._lock:
            row = self._connect().execute(
                f"SELECT {_ALL_COLUMNS} FROM exchanges WHERE id = ?", (int(entry_id),)
            ).fetchone()
        if row is None:
            return None
        entry = self._entry(row[:16])
        entry.request_headers = [tuple(h) for h in json.loads(row[16])]  # type: ignore[misc]
        entry.request_body = row[17]
        entry.response_headers = [tuple(h) for h in json.loads(row[18])]  # type: ignore[misc]
        entry.body = row[19]
        return entry

    @staticmethod
    def _entry(r: tuple) -> HistoryEntry:
        try:
            values = json.loads(r[8])
        except ValueError:
            values = {}
        return HistoryEntry(
            id=r[0], created_at=r[1], provider_id=r[2], target=r[3], endpoint_key=r[4], method=r[5], url=r[6],
            content_type=r[7], values=values if isinstance(values, dict) else {}, status=r[9], reason=r[10],
            elapsed_s=r[11], size=r[12], truncated=bool(r[13]), error=r[14], error_kind=r[15],
        )
