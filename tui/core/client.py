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
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Iterable, Mapping

from tui.core import auth as _auth
from tui.core.env import credentials_from_env, url_override
from tui.core.errors import Explanation, decode_json, explain
from tui.core.gcpause import paused as _gc_paused  # while a large body is decoded: shared with the viewer's formatter
from tui.core.model import Endpoint, Exchange, PreparedRequest, Provider
from tui.core.paging import PageInfo, page_info
from tui.core.ratemeter import MeterSnapshot, RateMeter, credential_key, meter_for
from tui.core.request import build_request

if TYPE_CHECKING:  # pragma: no cover - httpx (tui.core.http) is imported when a session is made
    from tui.core.http import HttpSession


#: Bodies larger than this are never decoded on the event loop, and their decoded value is not kept
#: in ``Result.data`` (it is decoded again on access): a 20 MB body decodes to about 7x its size in
#: Python objects, which every later full garbage collection would walk.
LARGE_BODY = 2_000_000

_LAZY = object()  # Result.data: decode the body when asked (a large body)
_WS = re.compile(rb"[ \t\r\n]*")


@dataclass
class Result:
    """Everything known about one sent request.

    ``data`` is the decoded JSON (or None). For a body over ``LARGE_BODY`` bytes it is decoded on
    each access and not kept (see :attr:`data_is_lazy`); read it once into a local.
    """

    exchange: Exchange
    data: Any = field(repr=False)  # the decoded JSON, or None
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

    @property
    def data_is_lazy(self) -> bool:
        """True when ``data`` is decoded from the (large) body on each access."""
        return self.__dict__.get("_data") is _LAZY


def _get_data(self: Result) -> Any:
    value = self.__dict__.get("_data")
    if value is _LAZY:
        return decode_json(self.exchange.body)[0]
    return value


def _set_data(self: Result, value: Any) -> None:
    self.__dict__["_data"] = value


Result.data = property(_get_data, _set_data, doc="The decoded JSON, or None (large bodies: decoded on access).")  # type: ignore[assignment]


def _decode_large(body: bytes) -> tuple[Any, str | None]:
    with _gc_paused():
        return decode_json(body)


def _container(body: bytes) -> str | None:
    """``"["`` or ``"{"`` when a body looks like one JSON array / object (first and last non-blank
    bytes), else None. Cheap: nothing is decoded."""
    start = _WS.match(body).end()
    end = len(body)
    while end > start and body[end - 1] in b" \t\r\n":
        end -= 1
    if end - start < 2:
        return None
    pair = body[start : start + 1] + body[end - 1 : end]
    return "[" if pair == b"[]" else "{" if pair == b"{}" else None


def _shallow(value: Any) -> Any:
    """The facts of a large decoded object that paging, the meter and explanations read: its top-level
    scalars as they are, lists as lists of the same length (of None), objects as empty objects."""
    if not isinstance(value, dict):
        return value
    out: dict = {}
    for k, v in value.items():
        out[k] = [None] * len(v) if isinstance(v, list) else {} if isinstance(v, dict) else v
    return out


def _needs_decoding(exchange: Exchange) -> bool:
    """A large body whose facts need it decoded: an error answer, an object, or not obviously JSON.
    A large 2xx array is not decoded at all (nothing in it is needed before it is shown)."""
    return not (exchange.ok and _container(exchange.body) == "[")


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
        if session is None:
            from tui.core.http import HttpSession

            session = HttpSession(timeout=timeout)
        self.session = session
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
        prepared: PreparedRequest | None = None,
    ) -> Result:
        """Build, send and interpret one request (see the module doc for the steps and exceptions).

        `prepared`: what ``prepare(endpoint, values, headers=headers)`` returned just before, when the
        caller has it (the UI validates the form with it): not built twice. A login made here builds
        the request again, with the new token."""
        headers = tuple(headers)
        if prepared is None:
            prepared = self.prepare(endpoint, values, headers=headers)
        self.meter.check(force)
        if self._needs_login(endpoint):
            async with self._login_lock:  # once, even when several sends race
                if self._needs_login(endpoint):
                    await self._login_now()
            prepared = self.prepare(endpoint, values, headers=headers)
        self.meter.record()
        exchange = await self.session.send(prepared, timeout=self.timeout)
        decoded = None
        if exchange.status is not None and len(exchange.body) > LARGE_BODY and _needs_decoding(exchange):
            decoded = await asyncio.to_thread(_decode_large, exchange.body)  # never on the event loop
        return self.interpret(endpoint, exchange, decoded=decoded)

    def interpret(
        self, endpoint: Endpoint, exchange: Exchange, *, decoded: tuple[Any, str | None] | None = None,
    ) -> Result:
        """Decode, explain, meter and page an exchange (``send`` calls this; history replays may too).

        A body over ``LARGE_BODY`` bytes is not kept decoded: ``Result.data`` decodes it on access.
        A large 2xx array is not decoded here at all (its page facts that need the items, such as
        the item count, are then unknown). `decoded`: ``decode_json(exchange.body)`` when the
        caller has already run it (``send`` does, in a thread, for large bodies).
        """
        data: Any = None
        facts: Any = None
        problem: str | None = None
        lazy = False
        if exchange.status is not None:
            body = exchange.body
            if body:
                if len(body) > LARGE_BODY:
                    lazy = True
                    if decoded is None and _needs_decoding(exchange):
                        decoded = _decode_large(body)
                    if decoded is not None:
                        facts, problem = decoded
                        decoded = None
                        if problem is not None or not exchange.ok:
                            lazy = False  # an error answer or not JSON: keep what was decoded
                            data = facts
                        else:
                            facts = _shallow(facts)
                else:
                    data, problem = decoded if decoded is not None else decode_json(body)
                    facts = data
            elif not exchange.ok:
                problem = "the answer is empty"
        explanation = explain(self.provider, endpoint, exchange, facts)
        self.meter.observe(exchange, facts, explanation)
        page = page_info(endpoint, exchange.request.values, exchange, facts) if exchange.status is not None else None
        result = Result(
            exchange=exchange, data=data, explanation=explanation, page=page, meter=self.meter.snapshot(),
            decode_problem=problem, endpoint=endpoint,
        )
        if lazy and problem is None and exchange.ok:
            result.data = _LAZY
        return result

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
    live_url: str | None = None,
) -> ProviderClient:
    """A ProviderClient for `target` with its base URL and credentials resolved.

    Credentials: `credentials` when given; else, for live, the ``APIPLAY_*`` environment
    (:func:`tui.core.env.credentials_from_env`); for the sandbox, the pack's
    ``auth.sandbox_default``. Check ``client.missing_credentials(endpoint)`` before a live call.
    """
    env = os.environ if env is None else env
    if target == "live" and live_url:  # a URL from the settings (config.toml or APIPLAY_<ID>_URL)
        base_url = live_url.rstrip("/")
    else:
        base_url = resolve_base_url(provider, target, sandbox_origin=sandbox_origin, env=env, variables=variables)
    if credentials is None:
        if target == "live":
            credentials = credentials_from_env(provider, env)
        else:
            credentials = dict(provider.auth.sandbox_default)
    return ProviderClient(
        provider, target=target, base_url=base_url, credentials=credentials, session=session, timeout=timeout,
    )
