"""The facade the CLI and the TUI call: :class:`ProviderClient` and :class:`Result`.

``send`` runs the whole pipeline for one request::

    build (validate) -> meter.check(force) -> [log in once] -> meter.record -> session.send
      -> decode_json -> explain -> meter.observe -> page_info -> Result

:func:`open_client` resolves a base URL and credentials for a target ("sandbox" / "live").

Exceptions a caller should expect from ``send``: :class:`~tui.core.model.ValidationError`
(nothing sent), :class:`~tui.core.ratemeter.RateLimited` (nothing sent; pass ``force=True``
to override), :class:`~tui.core.auth.LoginError` (the login flow failed). Network trouble is
*not* an exception: ``result.exchange.error`` says what happened.

No Textual.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Iterable, Mapping

from tui.core import auth as _auth
from tui.core.env import credentials_from_env, url_override
from tui.core.errors import Explanation, decode_json, explain
from tui.core.http import HttpSession
from tui.core.model import Endpoint, Exchange, PreparedRequest, Provider
from tui.core.paging import PageInfo, page_info
from tui.core.ratemeter import MeterSnapshot, RateMeter, meter_for
from tui.core.request import build_request


@dataclass
class Result:
    """Everything known about one sent request."""

    exchange: Exchange
    data: Any  # the decoded JSON, or None
    explanation: Explanation | None  # None for a success
    page: PageInfo | None  # None when the endpoint does not page (or no answer arrived)
    meter: MeterSnapshot  # the rate meter right after this exchange
    decode_problem: str | None = None  # why the body is not JSON ("the answer is HTML, ...")
    endpoint: Endpoint | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer without an error explanation."""
        return self.exchange.ok and self.explanation is None

    @property
    def status(self) -> int | None:
        return self.exchange.status

    @property
    def network_error(self) -> bool:
        """True when no (complete) answer arrived: timeout, refused, TLS, cut-off body."""
        return self.exchange.error is not None


def credential_key(target: str, base_url: str, credentials: Mapping[str, Any] | None) -> str:
    """A stable identifier of a credential for the rate meter registry (a hash, never the secret)."""
    items = sorted((k, str(v)) for k, v in (credentials or {}).items() if v and k != "password")
    digest = hashlib.sha256(repr(items).encode("utf-8")).hexdigest()[:16]
    return f"{target}|{base_url}|{digest}"


class ProviderClient:
    """Sends requests for one provider on one target with one set of credentials.

    `session`: share an :class:`HttpSession` across clients (the TUI does); when None the client
    makes its own and closes it in :meth:`aclose`. `meter`: defaults to the app-wide meter for this
    provider + credential (:func:`tui.core.ratemeter.meter_for`). `placement`: index into
    ``provider.auth.placements`` (0 = the pack's default way of sending the credential).
    """

    def __init__(
        self,
        provider: Provider,
        *,
        target: str = "sandbox",
        base_url: str,
        credentials: Mapping[str, Any] | None = None,
        session: HttpSession | None = None,
        meter: RateMeter | None = None,
        timeout: float = 30.0,
        placement: int = 0,
    ):
        self.provider = provider
        self.target = target
        self.base_url = base_url.rstrip("/")
        self.credentials: dict[str, Any] = dict(credentials or {})
        self._own_session = session is None
        self.session = session or HttpSession(timeout=timeout)
        self.meter = meter or meter_for(provider, credential_key(target, self.base_url, self.credentials))
        self.timeout = timeout
        self.placement = placement
        self._login_lock = asyncio.Lock()

    # -- building ---------------------------------------------------------------------------------

    def prepare(self, endpoint: Endpoint, values: Mapping[str, Any], *, headers: Iterable[tuple[str, str]] = ()) -> PreparedRequest:
        """Validate and encode a request with this client's base URL and credentials (nothing sent)."""
        return build_request(
            self.provider, endpoint, values, base_url=self.base_url, credentials=self.credentials,
            placement=self.placement, headers=tuple(headers),
        )

    def missing_credentials(self, endpoint: Endpoint | None = None) -> list[str]:
        """Environment variable names of credentials still needed for `endpoint` (empty: none)."""
        return _auth.missing_credentials(self.provider, self.credentials, endpoint, self.placement)

    def _needs_login(self, endpoint: Endpoint) -> bool:
        spec = self.provider.auth.login
        if spec is None or endpoint.auth == "none":
            return False
        if self.credentials.get(spec.stores):
            return False
        if endpoint.method == spec.method.upper() and endpoint.path.rstrip("/") == spec.path.rstrip("/"):
            return False
        return all(self.credentials.get(f) for f in spec.fields.values())

    # -- sending ----------------------------------------------------------------------------------

    async def login(self) -> str:
        """Run the provider's login flow, keep the token in ``self.credentials``, return it.

        Raises :class:`~tui.core.auth.LoginError` with a plain explanation.
        """
        async with self._login_lock:
            return await self._login_now()

    async def _login_now(self) -> str:
        spec = self.provider.auth.login
        if spec is None:
            raise _auth.LoginError(f"{self.provider.name} has no login flow")
        self.meter.record()
        token = await _auth.login(
            self.provider, self.credentials, base_url=self.base_url, session=self.session, timeout=self.timeout,
        )
        self.credentials[spec.stores] = token
        return token

    async def send(
        self,
        endpoint: Endpoint,
        values: Mapping[str, Any],
        *,
        headers: Iterable[tuple[str, str]] = (),
        force: bool = False,
    ) -> Result:
        """Build, send and interpret one request (see the module doc for the steps and exceptions)."""
        headers = tuple(headers)
        prepared = self.prepare(endpoint, values, headers=headers)
        self.meter.check(force)
        if self._needs_login(endpoint):
            async with self._login_lock:  # once, even when several sends race
                if self._needs_login(endpoint):
                    await self._login_now()
            prepared = self.prepare(endpoint, values, headers=headers)
        self.meter.record()
        exchange = await self.session.send(prepared, timeout=self.timeout)
        return self.interpret(endpoint, exchange)

    def interpret(self, endpoint: Endpoint, exchange: Exchange) -> Result:
        """Decode, explain, meter and page an exchange (``send`` calls this; history replays may too)."""
        data: Any = None
        problem: str | None = None
        if exchange.status is not None:
            if exchange.body:
                data, problem = decode_json(exchange.body)
            elif not exchange.ok:
                problem = "the answer is empty"
        explanation = explain(self.provider, endpoint, exchange, data)
        self.meter.observe(exchange, data, explanation)
        page = page_info(endpoint, exchange.request.values, exchange, data) if exchange.status is not None else None
        return Result(
            exchange=exchange, data=data, explanation=explanation, page=page, meter=self.meter.snapshot(),
            decode_problem=problem, endpoint=endpoint,
        )

    def iter_pages(
        self,
        endpoint: Endpoint,
        values: Mapping[str, Any],
        *,
        max_pages: int | None = None,
        on_wait: Callable[[float], Any] | None = None,
    ) -> AsyncIterator[Result]:
        """Every page from `values`' page on, as Results (see :func:`tui.core.paging.iter_pages`)."""
        from tui.core.paging import iter_pages

        return iter_pages(self, endpoint, values, max_pages=max_pages, on_wait=on_wait)

    async def aclose(self) -> None:
        """Close the HTTP session if this client made it."""
        if self._own_session:
            await self.session.aclose()

    async def __aenter__(self) -> "ProviderClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def resolve_base_url(
    provider: Provider,
    target: str,
    *,
    sandbox_origin: str | None = None,
    env: Mapping[str, str] | None = None,
    variables: Mapping[str, str] | None = None,
) -> str:
    """The base URL for `target`: live = ``APIPLAY_<ID>_URL`` or the pack's live URL;
    sandbox = `sandbox_origin` + the pack's sandbox path. ValueError when it cannot be known."""
    env = os.environ if env is None else env
    if target == "live":
        return provider.base_url("live", override=url_override(provider, env), variables=variables)
    if target != "sandbox":
        raise ValueError(f"unknown target {target!r}: expected sandbox or live")
    if not sandbox_origin:
        raise ValueError("the sandbox target needs the sandbox's origin (http://127.0.0.1:PORT)")
    return provider.base_url("sandbox", sandbox_origin=sandbox_origin, variables=variables)


def open_client(
    provider: Provider,
    target: str = "sandbox",
    *,
    sandbox_origin: str | None = None,
    credentials: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    session: HttpSession | None = None,
    timeout: float = 30.0,
    variables: Mapping[str, str] | None = None,
) -> ProviderClient:
    """A ProviderClient for `target` with its base URL and credentials resolved.

    Credentials: `credentials` when given; else, for live, the ``APIPLAY_*`` environment
    (:func:`tui.core.env.credentials_from_env`); for the sandbox, the pack's
    ``auth.sandbox_default``. Check ``client.missing_credentials(endpoint)`` before a live call.
    """
    env = os.environ if env is None else env
    base_url = resolve_base_url(provider, target, sandbox_origin=sandbox_origin, env=env, variables=variables)
    if credentials is None:
        if target == "live":
            credentials = credentials_from_env(provider, env)
        else:
            credentials = dict(provider.auth.sandbox_default)
    return ProviderClient(
        provider, target=target, base_url=base_url, credentials=credentials, session=session, timeout=timeout,
    )
