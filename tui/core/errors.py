"""Decode answers and explain errors in plain English.

* :func:`decode_json` turns a body into data, or says plainly why it cannot (empty, HTML,
  truncated, binary, nested too deeply).
* :func:`explain` turns an error answer (or a network error) into an :class:`Explanation`:
  the provider's own message, the documented meaning of the status for this provider and
  endpoint, the documented meaning of the message with a hint, Rails-style field errors
  flattened ("name: Name can't be blank"), and whether it is a rate-limit hit.

No Textual, no I/O.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from typing import Any

import orjson

from tui.core.model import Endpoint, Exchange, Provider

#: The stdlib fallback decodes at most this deep (orjson stops at 1024).
MAX_FALLBACK_DEPTH = 50_000
_recursion_lock = threading.Lock()


def _max_depth(text: str) -> int:
    depth = best = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > best:
                best = depth
        elif ch in "]}":
            depth -= 1
    return best


def _deep_decode(body: bytes) -> tuple[Any, str | None]:
    """Decode JSON deeper than orjson allows with the stdlib, in a thread with a large stack
    (so deep recursion cannot overflow the caller's stack) and a raised recursion limit."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the answer is not valid UTF-8 text"
    depth = _max_depth(text)
    too_deep = (None, f"the JSON is nested too deeply to decode ({depth} levels)")
    if depth > MAX_FALLBACK_DEPTH:
        return too_deep
    out: list[tuple[Any, str | None]] = []

    def work() -> None:
        try:
            out.append((json.loads(text), None))
        except (RecursionError, MemoryError):
            out.append(too_deep)
        except ValueError as exc:
            out.append((None, f"the answer is not valid JSON ({exc})"))

    with _recursion_lock:
        old_limit = sys.getrecursionlimit()
        old_stack = threading.stack_size()
        try:
            sys.setrecursionlimit(max(old_limit, depth * 3 + 1000))
            threading.stack_size(min(1024, 32 + depth // 256) * 2**20)
            t = threading.Thread(target=work, name="apiplay-deep-json", daemon=True)
            t.start()
        finally:
            threading.stack_size(old_stack)
        t.join()
        sys.setrecursionlimit(old_limit)
    return out[0] if out else too_deep


def decode_json(body: bytes) -> tuple[Any, str | None]:
    """Decode a JSON body: ``(data, None)`` on success, ``(None, problem)`` otherwise.

    Problems are plain sentences: "the answer is empty", "the answer is HTML, not JSON (an
    error page?)", "the answer stops before the JSON is complete (cut short?)", "the answer is
    not text (binary data?)", "the answer is not JSON: ...". JSON deeper than orjson's 1024
    levels is decoded by the stdlib under a raised, restored recursion limit (up to
    ``MAX_FALLBACK_DEPTH`` levels), else reported as nested too deeply.
    """
    if not body:
        return None, "the answer is empty"
    try:
        return orjson.loads(body), None
    except orjson.JSONDecodeError as exc:
        msg = str(exc)
    head = body[:512].lstrip()
    if not head:
        return None, "the answer is empty (only whitespace)"
    low = head[:64].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        low.startswith(b"<") and b"<html" in body[:4096].lower()
    ):
        return None, "the answer is HTML, not JSON (an error page?)"
    if low.startswith(b"<"):
        return None, "the answer is XML or HTML, not JSON"
    if "depth limit" in msg or "recursion" in msg:
        return _deep_decode(body)
    if "not valid UTF-8" in msg or b"\x00" in body[:1024]:
        return None, "the answer is not text (binary data?)"
    if "unexpected end of data" in msg:
        return None, "the answer stops before the JSON is complete (cut short?)"
    return None, f"the answer is not JSON: {msg}"


# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """A structured, plain-English account of what went wrong."""

    status: int | None  # None for a network error
    reason: str  # the HTTP reason phrase, or the network error kind
    title: str  # one line: "422 Unprocessable Entity" / "Network error: timeout"
    provider_message: str | None = None  # the provider's own words
    meaning: str | None = None  # the documented meaning of the status (for this endpoint if known)
    message_meaning: str | None = None  # the documented meaning of the provider's message
    hint: str | None = None  # what to do about it
    field_errors: tuple[str, ...] = ()  # "name: Name can't be blank"
    rate_limited: bool = False
    wait_s: float | None = None  # seconds to wait before trying again, when known

    def lines(self) -> list[str]:
        """Short lines for stderr / a panel: title, message, meanings, field errors, hint."""
        out = [self.title]
        if self.provider_message:
            out.append(f"{'Detail' if self.status is None or self.reason in _NETWORK_HINTS else 'Provider says'}: "
                       f"{self.provider_message}")
        if self.message_meaning:
            out.append(f"Meaning: {self.message_meaning}")
        if self.meaning and self.meaning != self.message_meaning:
            out.append(f"Status {self.status}: {self.meaning}" if self.status is not None else self.meaning)
        out += [f"  {f}" for f in self.field_errors]
        if self.rate_limited and self.wait_s is not None:
            out.append(f"Rate limited: wait {self.wait_s:g} s")
        if self.hint:
            out.append(f"Hint: {self.hint}")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


_GENERIC = {
    400: "the request was malformed or a parameter is missing or invalid",
    401: "no valid credentials were sent",
    403: "the credentials do not allow this",
    404: "nothing exists at this path or with this id",
    405: "this method is not supported on this path",
    409: "it conflicts with something that already exists",
    422: "the values were understood but rejected",
    429: "too many requests",
    500: "the server failed",
    502: "a gateway could not reach the server",
    503: "the service is unavailable",
    504: "a gateway timed out waiting for the server",
}

_NETWORK_HINTS = {
    "timeout": "the server took too long; try again, or raise the timeout",
    "connect": "check the base URL and that the server is running",
    "tls": "the server's certificate could not be trusted; check the host name",
    "protocol": "the server did not speak HTTP properly",
    "too_large": "the answer was larger than the body cap",
    "cancelled": "",
}


def _dig(data: Any, dotted: str) -> Any:
    cur = data
    for part in dotted.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def _as_message(value: Any, label: str) -> str | None:
    if value is None or value is False or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        items = ", ".join(str(v) if not isinstance(v, (dict, list)) else json.dumps(v) for v in value[:20])
        return f"{label}: {items}" if label else items
    if isinstance(value, dict):
        parts = []
        for k, v in list(value.items())[:20]:
            m = _as_message(v, str(k))
            if m:
                parts.append(m if isinstance(v, (list, dict)) else f"{k}: {m}")
        return "; ".join(parts) or None
    return None


def provider_message(provider: Provider, data: Any) -> str | None:
    """The provider's own message in an error body, wherever the pack says it sits."""
    if isinstance(data, str):
        return data.strip() or None
    if not isinstance(data, dict):
        return None
    for name in provider.errors.message_fields:
        msg = _as_message(_dig(data, name), name.rsplit(".", 1)[-1])
        if msg:
            return msg
    env = provider.envelope_data_field
    if env and isinstance(data.get(env), str):
        return data[env]
    return None


def flatten_field_errors(errors: Any) -> tuple[str, ...]:
    """Rails-style ``{"name": [{"error": "blank", "full_message": "Name can't be blank"}]}`` ->
    ``("name: Name can't be blank",)``; lists of strings and plain strings work too."""
    out: list[str] = []
    if isinstance(errors, dict):
        for field, items in errors.items():
            if not isinstance(items, list):
                items = [items]
            for item in items:
                if isinstance(item, dict):
                    text = item.get("full_message") or item.get("message") or item.get("error") or json.dumps(item)
                else:
                    text = str(item)
                out.append(f"{field}: {text}")
    elif isinstance(errors, list):
        out += [str(e) for e in errors]
    elif isinstance(errors, str) and errors:
        out.append(errors)
    return tuple(out)


def _status_meaning(statuses: Any, status: int) -> str | None:
    if not statuses:
        return None
    key = str(status)
    if key in statuses:
        return statuses[key]
    for k, v in statuses.items():  # "5XX", "50X", "4xx"
        k = str(k)
        if len(k) == 3 and "x" in k.lower() and all(a == b or a in "xX" for a, b in zip(k, key)):
            return v
    return None


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error:
        return None


def _retry_after(exchange: Exchange) -> float | None:
    raw = exchange.header("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def explain(
    provider: Provider, endpoint: Endpoint | None, exchange: Exchange, data: Any
) -> Explanation | None:
    """Explain an error answer or a network error; None for a success with no error fields.

    The documented meaning comes from the endpoint's ``statuses`` first, then the provider's
    ``errors.statuses`` (``5XX``-style keys allowed), then a short generic meaning. Messages are
    matched (fullmatch, case-insensitive) against ``errors.messages``. A rate-limit hit is
    recognised from ``rate_limit.hit_status`` + ``hit_pattern`` (group 1 = seconds), or 429.
    """
    if exchange.status is None or exchange.error:
        kind = exchange.error_kind or "network"
        return Explanation(
            status=exchange.status,
            reason=kind,
            title=f"Network error: {kind}" if exchange.error_kind else "Network error",
            provider_message=exchange.error or "no answer arrived",
            hint=("the answer was cut short; try again" if exchange.status is not None
                  else _NETWORK_HINTS.get(kind) or None),
        )
    status = exchange.status
    spec = provider.errors
    field_errors: tuple[str, ...] = ()
    if spec.errors_map_field and isinstance(data, dict):
        field_errors = flatten_field_errors(data.get(spec.errors_map_field))
    if 200 <= status < 300:
        failed = isinstance(data, dict) and (
            bool(data.get("error")) or data.get("success") is False or bool(field_errors)
        )
        if not failed:
            return None  # (every page of a walk: the body is not searched for a message)
    msg = provider_message(provider, data)
    try:
        reason = exchange.reason or HTTPStatus(status).phrase
    except ValueError:
        reason = exchange.reason or ""
    meaning = None
    if status >= 300:  # a 2xx whose body reports a problem: the status' meaning says nothing useful
        if endpoint is not None:
            meaning = _status_meaning(endpoint.statuses, status)
        meaning = meaning or _status_meaning(spec.statuses, status) or _GENERIC.get(status)
    if meaning is None and status >= 500:
        meaning = "the server failed"
    message_meaning = hint = None
    if msg:
        for em in spec.messages:
            rx = _compile(em.pattern)
            if rx is not None and rx.fullmatch(msg.strip()):
                message_meaning, hint = em.meaning, em.hint or None
                break
    rl = provider.rate_limit
    rate_limited = False
    wait_s: float | None = None
    if rl.hit_pattern and msg and (rl.hit_status is None or rl.hit_status == status):
        rx = _compile(rl.hit_pattern)
        m = rx.search(msg) if rx is not None else None
        if m:
            rate_limited = True
            if m.groups() and m.group(1):
                try:
                    wait_s = float(m.group(1))
                except ValueError:
                    wait_s = None
            if wait_s is None:
                wait_s = _retry_after(exchange) or rl.block_s
    if status == 429 and not rate_limited:
        rate_limited = True
        wait_s = _retry_after(exchange) or rl.block_s
    if rate_limited and hint is None:
        hint = f"wait {wait_s:g} s before the next request" if wait_s is not None else "slow down"
    if not msg and not field_errors and data is None and exchange.body:
        head = exchange.body[:200].decode("utf-8", "replace").strip()
        msg = head if head and not head.startswith("<") else None
    return Explanation(
        status=status,
        reason=reason,
        title=f"{status} {reason}".strip(),
        provider_message=msg,
        meaning=meaning,
        message_meaning=message_meaning,
        hint=hint,
        field_errors=field_errors,
        rate_limited=rate_limited,
        wait_s=wait_s,
    )
