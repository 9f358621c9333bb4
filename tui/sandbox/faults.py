"""Faults the sandbox can inject, so a client's handling of each can be shown and tested.

Ask for one with the request header ``X-Apiplay-Fault: <kind>`` (always honoured, faults mode or not;
``none`` forces a normal answer). With faults mode on (``apiplay sandbox --faults``), every 7th
request without that header (the 7th, 14th, 21st, ... counted over the whole server) gets a
fault in rotation:
slow, 500, html. A faulted answer carries the response header ``X-Apiplay-Fault: <kind>``.

kinds:
  slow       answer normally after X-Apiplay-Delay seconds (default 5)
  500        a 500 in the provider's own error shape
  truncated  Content-Length larger than what is sent (half the body), then the connection closes
  html       a 502 HTML error page (not JSON)
  large      a valid JSON list of X-Apiplay-Size bytes (default 20 MiB), built once per size
  nested     a JSON document nested 10,000 levels deep
  binary     random bytes as application/octet-stream
  control    JSON whose strings hold terminal escape sequences and Textual markup
  redirect   302 to another host (http://127.0.0.2:PORT/same/path)
  headers    a normal answer plus one huge (256 KiB) header
"""

from __future__ import annotations

import itertools
import threading

from .data import rng
from .web import Response, dumps

KINDS = ("slow", "500", "truncated", "html", "large", "nested", "binary", "control", "redirect",
         "headers")
ROTATION = ("slow", "500", "html")
EVERY = 7
DEFAULT_DELAY_S = 5.0
DEFAULT_LARGE = 20 * 1024 * 1024
MAX_LARGE = 256 * 1024 * 1024  # a larger X-Apiplay-Size is clamped
NESTED_DEPTH = 10_000
HUGE_HEADER = 256 * 1024

HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

CONTROL_STRINGS = [
    "\x1b[31mred text\x1b[0m",
    "\x1b[2J\x1b[Hcleared screen",
    "\x1b]0;window title\x07",
    "\x1b]8;;http://example.invalid\x1b\\a hyperlink\x1b]8;;\x1b\\",
    "[bold red]x[/]",
    "[link=http://example.invalid]click me[/link]",
    "[@click=app.quit]quit[/]",
    "carriage\rreturn and \x08backspace",
    "bell\x07 and null\x00 byte",
    "right-to-left \u202eoverride\u202c",
    "tab\tand\nnewline",
]


class FaultPicker:
    """Decides which fault, if any, a request gets."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._counter = itertools.count(1)
        self._rotation = itertools.cycle(ROTATION)
        self._lock = threading.Lock()

    def pick(self, header: str | None) -> str | None:
        if header:
            kind = header.strip().lower()
            if kind in ("none", "off", ""):
                return None
            return kind if kind in KINDS else None
        if not self.enabled:
            return None
        with self._lock:
            n = next(self._counter)
            if n % EVERY == 0:
                return next(self._rotation)
        return None


_large_cache: dict[int, bytes] = {}
_large_lock = threading.Lock()


def large_body(size: int) -> bytes:
    """A valid JSON list of exactly `size` bytes (at least 2), built once per size."""
    size = max(2, min(int(size), MAX_LARGE))
    with _large_lock:
        cached = _large_cache.get(size)
        if cached is not None:
            return cached
        parts: list[bytes] = []
        used = 2  # the brackets
        for n in itertools.count(1):
            item = b'{"id":%d,"name":"Item %d","value":%d,"tags":["sandbox","large"]}' % (
                n, n, (n * 7919) % 100000)
            extra = len(item) + (1 if parts else 0)
            if used + extra > size:
                break
            parts.append(item)
            used += extra
        body = b"[" + b",".join(parts) + b" " * (size - used) + b"]"
        if len(_large_cache) > 4:
            _large_cache.clear()
        _large_cache[size] = body
        return body


_nested = (b"[" * NESTED_DEPTH) + b'"bottom"' + (b"]" * NESTED_DEPTH)


def nested_body() -> bytes:
    return _nested


def binary_body(size: int = 65536) -> bytes:
    r = rng("faults", "binary", size)
    return r.randbytes(size)


def control_body() -> bytes:
    return dumps([
        {"id": i + 1, "name": s, "description": f"value {i + 1}: {s}", "tags": [s]}
        for i, s in enumerate(CONTROL_STRINGS)
    ])


def html_response() -> Response:
    return Response(502, HTML_502, [], "text/html; charset=utf-8")
