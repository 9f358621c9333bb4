"""The HTTP layer: one reused ``httpx.AsyncClient`` per provider and origin.

:class:`HttpSession` sends a :class:`~tui.core.model.PreparedRequest` and returns an
:class:`~tui.core.model.Exchange`. It never raises for network trouble: the Exchange carries
``error`` (plain English) and ``error_kind``. Only asyncio cancellation propagates, and it
leaves the session usable.

* TLS verification is always on; environment proxies / netrc are not read (``trust_env=False``),
  so what is sent is exactly what the request says.
* Redirects are followed by hand (at most ``max_redirects``): when the host changes, the
  Authorization / credential headers, secret query params and Basic auth are dropped.
* The body is streamed and cut at ``max_body`` bytes (``truncated=True``).
* Each exchange is timed with ``perf_counter`` (request start to last body byte).

No Textual.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import re
import time
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from tui.core.model import Exchange, PreparedRequest

#: Default cap on a body kept in memory.
MAX_BODY = 50 * 2**20
#: A body at least this large is joined from its chunks in a thread (``bytes.join`` releases the
#: GIL for large copies): the first 20 MB join of a session takes ~16 ms here, most of it page
#: faults of the new buffer, which would otherwise stall the event loop and the frames it paints.
JOIN_OFF_LOOP = 4 * 2**20
#: Headers that carry credentials and never follow a redirect to another host.
CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie", "private-token", "gocache-token"}


_ORIGIN_PART = re.compile(r"[^/?#]*(?://[^/?#]*)?")


def _origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL: read from its scheme and authority part alone, so the many
    URLs of one origin (every page of a walk) share one cached parse."""
    return _origin_of(_ORIGIN_PART.match(url).group(0))


@functools.lru_cache(maxsize=256)
def _origin_of(head: str) -> tuple[str, str, int | None]:
    p = urlsplit(head)
    port = p.port or (443 if p.scheme == "https" else 80 if p.scheme == "http" else None)
    return p.scheme, (p.hostname or "").lower(), port


def _host_port(url: str) -> str:
    p = urlsplit(url)
    return p.netloc or url


def _strip_secret_query(url: str, secrets: frozenset[str]) -> str:
    p = urlsplit(url)
    if not p.query or not secrets:
        return url
    pairs = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if v not in secrets]
    return urlunsplit((p.scheme, p.netloc, p.path, urlencode(pairs), p.fragment))


class HttpSession:
    """Owns the httpx clients; share one per app (or per ProviderClient).

    ``timeout``: read/write/pool timeout in seconds; ``connect_timeout``: connection timeout.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_redirects: int = 5,
        max_body: int = MAX_BODY,
    ):
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_redirects = max_redirects
        self.max_body = max_body
        self._clients: dict[tuple[str, tuple], httpx.AsyncClient] = {}
        self._timeouts: dict[float, httpx.Timeout] = {}

    def client_for(self, provider_id: str, url: str) -> httpx.AsyncClient:
        """The reused client for this provider and the URL's origin (created on first use)."""
        key = (provider_id, _origin(url))
        client = self._clients.get(key)
        if client is None or client.is_closed:
            client = httpx.AsyncClient(
                verify=True,
                follow_redirects=False,
                trust_env=False,
                timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
                headers={"User-Agent": "apiplay"},
            )
            self._clients[key] = client
        return client

    @property
    def client_count(self) -> int:
        return sum(1 for c in self._clients.values() if not c.is_closed)

    def _timeout(self, timeout: float | None) -> httpx.Timeout:
        t = self.timeout if timeout is None else timeout
        cached = self._timeouts.get(t)
        if cached is None:
            cached = self._timeouts[t] = httpx.Timeout(t, connect=min(self.connect_timeout, t))
        return cached

    async def send(
        self, prepared: PreparedRequest, *, timeout: float | None = None, max_body: int | None = None,
        sink=None,
    ) -> Exchange:
        """Send `prepared` and return what happened (never raises except on cancellation).

        `sink`: a callable given each body chunk instead of keeping the body (``download``)."""
        cap = self.max_body if max_body is None else max_body
        started_at = time.time()
        t0 = time.perf_counter()
        method = prepared.method
        url = prepared.url
        headers: list[tuple[str, str]] = list(prepared.headers)
        body = prepared.body
        basic = prepared.basic_auth
        ex = Exchange(request=prepared, started_at=started_at)
        client = self.client_for(prepared.provider_id, url)
        to = self._timeout(timeout)
        response: httpx.Response | None = None
        chunks: list[bytes] = []
        size = 0
        blocked: str | None = None
        try:
            for hop in range(self.max_redirects + 1):
                req = client.build_request(method, url, headers=headers, content=body, timeout=to)
                if basic is not None:
                    req.headers["Authorization"] = basic_header(*basic)
                response = await client.send(req, stream=True)
                location = response.headers.get("location")
                if response.is_redirect and location and hop < self.max_redirects:
                    new_url = urljoin(url, location)
                    if response.status_code in (307, 308) and body and prepared.secrets and (
                        _origin(new_url) != _origin(url)
                    ):  # 307/308 resend the body: never carry credentials (a login's password) to another host
                        blocked = (f"did not follow the redirect to {_host_port(new_url)}: it would resend "
                                   "the request body, which holds credentials, to another host")
                        break
                    await response.aclose()
                    if _origin(new_url) != _origin(url):
                        headers = [
                            (k, v) for k, v in headers
                            if k.lower() not in CREDENTIAL_HEADERS and v not in prepared.secrets
                            and not any(s and s in v for s in prepared.secrets)
                        ]
                        new_url = _strip_secret_query(new_url, prepared.secrets)
                        basic = None
                        client = self.client_for(prepared.provider_id, new_url)
                    if response.status_code == 303 or (
                        response.status_code in (301, 302) and method not in ("GET", "HEAD")
                    ):
                        method, body = "GET", None
                        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
                    url = new_url
                    continue
                break
            assert response is not None
            ex.status = response.status_code
            ex.reason = response.reason_phrase
            ex.headers = tuple((k, v) for k, v in response.headers.multi_items())
            kept = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if sink is not None:  # streamed elsewhere (a file): nothing kept, no cap
                    sink(chunk)
                    continue
                if kept < cap:
                    room = cap - kept
                    chunks.append(chunk[:room])
                    kept += min(room, len(chunk))
                if size > cap:
                    ex.truncated = True
                    break
            if kept >= JOIN_OFF_LOOP and len(chunks) > 1:
                chunks = [await asyncio.to_thread(b"".join, chunks)]  # the finally's join keeps it as is
            if blocked:
                ex.error, ex.error_kind = blocked, "protocol"
        except asyncio.CancelledError:
            raise
        except httpx.HTTPError as exc:
            ex.error, ex.error_kind = describe_error(exc, url, timeout if timeout is not None else self.timeout)
            if ex.status is not None:
                ex.truncated = True  # what arrived is kept, but it is not the whole body
        except (UnicodeError, ValueError) as exc:  # a request httpx cannot write (bad header text)
            ex.error, ex.error_kind = f"the request could not be written: {exc}", "protocol"
        finally:
            ex.body = b"".join(chunks)
            ex.size = size
            if response is not None and not response.is_closed:
                try:
                    await response.aclose()
                except Exception:  # noqa: BLE001 - closing a broken stream may fail; the client stays usable
                    pass
            ex.elapsed_s = time.perf_counter() - t0
        return ex

    async def download(self, prepared: PreparedRequest, path, *, timeout: float | None = None,
                       overwrite: bool = False) -> Exchange:
        """Send `prepared` and stream its whole body into the file `path`, never holding it in memory.

        Written to a temporary file in the same folder, renamed into place once the body is complete
        (nothing is left behind on a network error or cancellation). An existing file is replaced only
        with `overwrite` (else FileExistsError). Returns the Exchange: ``body`` empty, ``size`` the bytes
        written, ``error`` for network trouble. Raises OSError when the file cannot be written.
        """
        import os
        import tempfile
        from pathlib import Path

        target = Path(path).expanduser()
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} already exists")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                ex = await self.send(prepared, timeout=timeout, sink=fh.write)
                fh.flush()
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(fh.fileno(), 0o666 & ~umask)
                os.fsync(fh.fileno())
            if ex.error or ex.status is None:
                os.unlink(tmp)
            elif overwrite:
                os.replace(tmp, target)
            else:
                try:
                    os.link(tmp, target)  # fails if the file appeared meanwhile: never clobbered
                except FileExistsError:
                    raise
                except OSError:  # no hard links on this file system
                    os.replace(tmp, target)
                else:
                    os.unlink(tmp)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return ex

    async def aclose(self) -> None:
        """Close every client (idempotent)."""
        clients, self._clients = list(self._clients.values()), {}
        for c in clients:
            try:
                await c.aclose()
            except Exception:  # noqa: BLE001
                pass


def basic_header(user: str, password: str) -> str:
    """The ``Authorization`` value for HTTP Basic."""
    token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
    return f"Basic {token}"


def describe_error(exc: BaseException, url: str, timeout: float | None = None) -> tuple[str, str]:
    """(plain-English message, kind) for an httpx error."""
    host = _host_port(url)
    hostname = urlsplit(url).hostname or host
    text = str(exc)
    chain = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 10:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    low = " | ".join(str(e) for e in chain).lower()
    refused = any(isinstance(e, ConnectionRefusedError) for e in chain) or any(
        isinstance(e, OSError) and e.errno == 111 for e in chain
    )
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect to {host} within {timeout:g} s" if timeout else f"could not connect to {host} in time", "timeout"
    if isinstance(exc, httpx.TimeoutException):
        return (f"{host} did not answer within {timeout:g} s" if timeout else f"{host} did not answer in time"), "timeout"
    if isinstance(exc, httpx.ConnectError):
        if "certificate" in low or "ssl" in low or "tls" in low:
            return f"certificate verification failed for {hostname}", "tls"
        if refused or "refused" in low:
            return f"nothing is listening at {host} (connection refused)", "connect"
        if "name or service" in low or "nodename" in low or "getaddrinfo" in low or "name resolution" in low:
            return f"could not find the host {hostname}", "connect"
        return f"could not connect to {host}: {text or type(exc).__name__}", "connect"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)) and (
        "incomplete" in low or "peer closed" in low or "content-length" in low or isinstance(exc, httpx.ReadError)
    ):
        return "the server closed the connection before the whole body arrived", "protocol"
    if isinstance(exc, httpx.RemoteProtocolError) and "disconnected without sending" in low:
        return f"{host} closed the connection without answering", "protocol"
    if isinstance(exc, httpx.LocalProtocolError):
        return f"the request could not be written: {text}", "protocol"
    if isinstance(exc, httpx.ProtocolError):
        return f"the answer from {host} was not valid HTTP ({text})", "protocol"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return f"cannot send to {url}: {text}", "connect"
    if isinstance(exc, httpx.DecodingError):
        return f"the answer's compressed body could not be decoded ({text})", "protocol"
    if isinstance(exc, httpx.NetworkError):
        return f"network error talking to {host}: {text or type(exc).__name__}", "connect"
    return f"request to {host} failed: {text or type(exc).__name__}", "protocol"

