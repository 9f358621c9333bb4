"""Authentication: where credentials go, what is missing, and the login flow.

A provider's :class:`~tui.core.model.AuthSpec` says which credential fields exist and the
ways (placements) of sending them: a header (GoCache ``GoCache-Token``, Noosfero
``PRIVATE-TOKEN``), a query parameter (Noosfero ``private_token``) or HTTP Basic
(Trackingram e-mail + tokenApi). Noosfero can also turn a login and a password into a
token (:func:`login`).

No Textual, no global state. ``login`` is the only function doing I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from tui.core.model import AuthPlacement, Endpoint, Provider

if TYPE_CHECKING:  # pragma: no cover
    from tui.core.http import HttpSession


class LoginError(Exception):
    """The login flow failed. ``str(exc)`` is a plain-English explanation.

    ``kind``: "config" (no flow / missing fields: nothing sent), "network" (no answer),
    "http" (an error answer; ``explanation`` holds the decoded one) or "answer" (no token in it).
    """

    def __init__(self, message: str, kind: str = "config", explanation: Any = None):
        super().__init__(message)
        self.kind = kind
        self.explanation = explanation


@dataclass
class AuthParts:
    """What one placement adds to a request."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    basic: tuple[str, str] | None = None
    secrets: set[str] = field(default_factory=set)


def placement_for(provider: Provider, placement: int = 0) -> AuthPlacement | None:
    """The placement with this index (0 = the pack's default); None when the provider has none.

    An index out of range falls back to the default placement.
    """
    places = provider.auth.placements
    if not places:
        return None
    if 0 <= placement < len(places):
        return places[placement]
    return places[0]


def _secret_fields(provider: Provider) -> set[str]:
    names = {c.name for c in provider.auth.credentials if c.secret}
    declared = {c.name for c in provider.auth.credentials}
    for p in provider.auth.placements:
        if p.location == "basic":  # the user name is not a secret, its password is
            names.add(p.password_field or "password")
        elif p.field not in declared:
            names.add(p.field)
    if provider.auth.login:
        names.add(provider.auth.login.stores)
    names.add("password")
    return names


def credential_secrets(provider: Provider, credentials: Mapping[str, Any] | None) -> set[str]:
    """Every secret value among `credentials` (tokens, passwords), for masking."""
    if not credentials:
        return set()
    names = _secret_fields(provider)
    return {str(v) for k, v in credentials.items() if k in names and v}


def apply_auth(
    provider: Provider,
    credentials: Mapping[str, Any] | None,
    placement: int = 0,
) -> AuthParts:
    """Work out the headers / query params / Basic pair that carry `credentials`.

    Only fields that have a value are used; an incomplete Basic pair adds nothing.
    ``parts.secrets`` holds every secret value, including Basic's user:password pair,
    so callers can mask them wherever the request is shown.
    """
    parts = AuthParts()
    if not credentials:
        return parts
    parts.secrets |= credential_secrets(provider, credentials)
    place = placement_for(provider, placement)
    if place is None:
        return parts
    value = credentials.get(place.field)
    if place.location == "header":
        if value:
            parts.headers.append((place.name, f"{place.prefix}{value}"))
            parts.secrets.add(str(value))
    elif place.location == "query":
        if value:
            parts.query.append((place.name, str(value)))
            parts.secrets.add(str(value))
    elif place.location == "basic":
        password = credentials.get(place.password_field or "password")
        if value and password:
            parts.basic = (str(value), str(password))
            parts.secrets.add(str(password))
    return parts


def env_name(provider: Provider, field_name: str) -> str:
    """The environment variable for a credential field (the pack's ``env``, else APIPLAY_<ID>_<FIELD>)."""
    for c in provider.auth.credentials:
        if c.name == field_name and c.env:
            return c.env
    return f"APIPLAY_{_env_id(provider.id)}_{_env_id(field_name)}"


def _env_id(text: str) -> str:
    return re.sub(r"\W", "_", text).upper()


def _placement_fields(place: AuthPlacement | None) -> list[str]:
    if place is None:
        return []
    if place.location == "basic":
        return [place.field, place.password_field or "password"]
    return [place.field]


def missing_credentials(
    provider: Provider,
    credentials: Mapping[str, Any] | None,
    endpoint: Endpoint | None = None,
    placement: int = 0,
) -> list[str]:
    """Environment variable names of the credentials still needed to call `endpoint`.

    Empty when nothing is missing, or when the endpoint needs no auth ("none" / "optional").
    When the provider has a login flow (Noosfero), a token OR every login field is enough;
    when neither is there, the token's variable comes first, then the login fields' variables
    (see :func:`missing_message` for a sentence).
    """
    if endpoint is not None and endpoint.auth in ("none", "optional"):
        return []
    creds = credentials or {}
    need = _placement_fields(placement_for(provider, placement))
    missing = [f for f in need if not creds.get(f)]
    if not missing:
        return []
    login = provider.auth.login
    if login is not None:
        login_fields = list(login.fields.values())
        if all(creds.get(f) for f in login_fields):
            return []
        return [env_name(provider, f) for f in missing] + [
            env_name(provider, f) for f in login_fields if not creds.get(f) and f not in missing
        ]
    return [env_name(provider, f) for f in missing]


def missing_message(
    provider: Provider,
    credentials: Mapping[str, Any] | None,
    endpoint: Endpoint | None = None,
    placement: int = 0,
) -> str | None:
    """A plain sentence naming the variables to set, or None when nothing is missing."""
    missing = missing_credentials(provider, credentials, endpoint, placement)
    if not missing:
        return None
    login = provider.auth.login
    if login is not None:
        token_vars = [env_name(provider, f) for f in _placement_fields(placement_for(provider, placement))]
        login_vars = [env_name(provider, f) for f in login.fields.values()]
        return (
            f"{provider.name} needs credentials: set {' and '.join(token_vars)}, "
            f"or {' and '.join(login_vars)} to log in"
        )
    return f"{provider.name} needs credentials: set {' and '.join(missing)}"


def json_pointer(data: Any, pointer: str) -> Any:
    """Resolve an RFC 6901 JSON pointer ("/private_token", "/user/token"); None when absent."""
    if pointer in ("", "/"):
        return data
    cur = data
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, dict):
            if part not in cur:
                return None
            cur = cur[part]
        elif isinstance(cur, list):
            try:
                cur = cur[int(part)]
            except (ValueError, IndexError):
                return None
        else:
            return None
    return cur


async def login(
    provider: Provider,
    credentials: Mapping[str, Any],
    *,
    base_url: str,
    session: "HttpSession",
    timeout: float | None = None,
) -> str:
    """Follow ``provider.auth.login``: send the login fields, return the token from the answer.

    Raises :class:`LoginError` with a plain message: no login flow, missing fields, a network
    error, an error answer (with the provider's decoded explanation), or no token in the answer.
    The caller decides where to keep the token (``ProviderClient`` stores it in its credentials).
    """
    from tui.core.errors import decode_json, explain
    from tui.core.request import build_request

    spec = provider.auth.login
    if spec is None:
        raise LoginError(f"{provider.name} has no login flow")
    values: dict[str, Any] = {}
    lacking = []
    for param_name, cred_field in spec.fields.items():
        v = credentials.get(cred_field)
        if not v:
            lacking.append(env_name(provider, cred_field))
        values[param_name] = v
    if lacking:
        raise LoginError(f"cannot log in to {provider.name}: set {' and '.join(lacking)}")
    endpoint = provider.endpoint(spec.method, spec.path)
    if endpoint is None or any(endpoint.param(n) is None for n in values):
        from tui.core.model import Param

        endpoint = Endpoint(
            method=spec.method.upper(),
            path=spec.path,
            params=tuple(Param(n, "body" if spec.method.upper() != "GET" else "query") for n in values),
            body_encoding="form" if spec.method.upper() != "GET" else None,
            auth="none",
        )
    prepared = build_request(provider, endpoint, values, base_url=base_url, credentials=None)
    exchange = await session.send(prepared, timeout=timeout)
    if exchange.error:
        raise LoginError(f"login to {provider.name} failed: {exchange.error}", "network", explain(
            provider, endpoint, exchange, None))
    data, problem = decode_json(exchange.body)
    if not exchange.ok:
        exp = explain(provider, endpoint, exchange, data)
        text = "; ".join(exp.lines()) if exp is not None else f"HTTP {exchange.status}"
        raise LoginError(f"login to {provider.name} failed: {text}", "http", exp)
    if problem:
        raise LoginError(f"login to {provider.name} failed: {problem}", "answer")
    token = json_pointer(data, spec.token_pointer)
    if not token or not isinstance(token, (str, int)):
        raise LoginError(
            f"login to {provider.name} answered {exchange.status} but no token at {spec.token_pointer} "
            "(is the user activated?)",
            "answer",
        )
    return str(token)
