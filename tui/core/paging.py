"""Paging: where an answer sits in a list, the values for the first/next/previous page, and an
"all pages" async iterator that respects the rate limit.

Two styles (see :class:`~tui.core.model.PagingSpec`):

* ``page``: ``page`` / ``per_page`` query params; ``Total``, ``Per-Page`` and RFC 5988 ``Link``
  headers (Noosfero; the body is a bare list);
* ``offset``: ``limit`` / ``skip`` query params; a boolean ``has_more`` in the body
  (Trackingram; the list sits in ``data``).

No Textual. Only :func:`iter_pages` does I/O (through the client it is given).
"""

from __future__ import annotations

import asyncio
import inspect
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

from tui.core.model import Endpoint, Exchange

if TYPE_CHECKING:  # pragma: no cover
    from tui.core.client import ProviderClient, Result

#: How often iter_pages retries one page after a rate-limit answer before giving up.
MAX_RATE_RETRIES = 3


@dataclass(frozen=True)
class PageInfo:
    """Where one answer sits in its list."""

    style: str  # "page" | "offset"
    page: int | None = None
    per_page: int | None = None
    total: int | None = None
    last_page: int | None = None
    skip: int | None = None
    limit: int | None = None
    has_more: bool | None = None
    has_next: bool = False
    has_prev: bool = False
    items_count: int | None = None
    size_name: str = "per_page"  # the size param's name, for `position`
    items_field: str | None = None  # where the list sits in the body (None: the body is the list)

    @property
    def position(self) -> str:
        """"page 3 · per_page 20 · Total 412" or "skip 50 · limit 50 · has_more"."""
        if self.style == "page":
            parts = [f"page {self.page}" + (f" of {self.last_page}" if self.last_page else "")]
            if self.per_page is not None:
                parts.append(f"{self.size_name} {self.per_page}")
            if self.total is not None:
                parts.append(f"Total {self.total}")
        else:
            parts = [f"skip {self.skip or 0}"]
            if self.limit is not None:
                parts.append(f"{self.size_name} {self.limit}")
            if self.has_more is not None:
                parts.append("has_more" if self.has_more else "no more")
        if self.items_count is not None:
            parts.append(f"{self.items_count} items")
        return " · ".join(parts)


_LINK_RX = re.compile(r'<([^>]*)>\s*;([^,]*(?:"[^"]*"[^,]*)*)')
_REL_RX = re.compile(r'rel\s*=\s*"?([^";]+)"?')


def parse_link_header(value: str | None) -> dict[str, str]:
    """RFC 5988 ``Link`` header -> {rel: url}. The first of duplicated rels wins."""
    out: dict[str, str] = {}
    if not value:
        return out
    for m in _LINK_RX.finditer(value):
        rel = _REL_RX.search(m.group(2))
        if rel:
            for name in rel.group(1).split():
                out.setdefault(name.lower(), m.group(1))
    return out


def _query_int(url: str, name: str) -> int | None:
    try:
        vals = parse_qs(urlsplit(url).query).get(name)
        return int(vals[0]) if vals else None
    except (ValueError, IndexError):
        return None


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            return None
    return None


def items_of(endpoint_or_field: Endpoint | str | None, data: Any) -> list | None:
    """The list of items in an answer (``data[items_field]``, or the body when it is a list)."""
    field = endpoint_or_field.paging.items_field if isinstance(endpoint_or_field, Endpoint) else endpoint_or_field
    if field and isinstance(data, dict):
        v = data.get(field)
        return v if isinstance(v, list) else None
    return data if isinstance(data, list) else None


def page_info(endpoint: Endpoint, values: Mapping[str, Any], exchange: Exchange | None, data: Any) -> PageInfo | None:
    """Work out where this answer sits; None when the endpoint does not page.

    Page style: page from the values (default ``first_page``), per_page from the values, the
    ``Per-Page`` header or the default; ``Total`` header; ``last`` / ``next`` from the ``Link``
    header, else from Total / per_page, else "a full page may have a next".
    Offset style: skip / limit from the values, ``has_more`` from the body.
    """
    pg = endpoint.paging
    if not pg.paged:
        return None
    items = items_of(pg.items_field, data)
    count = len(items) if items is not None else None
    header = exchange.header if exchange is not None else (lambda _n: None)
    if pg.style == "page":
        page = _int(values.get(pg.page_param)) or pg.first_page
        per_page = _int(values.get(pg.size_param))
        hdr_size = _int(header(pg.size_header)) if pg.size_header else None
        if hdr_size is not None:
            per_page = hdr_size  # what the server really used (caps clamp silently)
        if per_page is None:
            per_page = pg.default_size
        total = _int(header(pg.total_header)) if pg.total_header else None
        links = parse_link_header(header(pg.link_header)) if pg.link_header else {}
        last_page = _query_int(links["last"], pg.page_param) if "last" in links else None
        if last_page is None and total is not None and per_page:
            last_page = max(pg.first_page, math.ceil(total / per_page) + pg.first_page - 1)
        if "next" in links:
            has_next = True
        elif links or last_page is not None:
            has_next = last_page is not None and page < last_page
        else:
            has_next = bool(count) and per_page is not None and count >= per_page
        return PageInfo(
            style="page", page=page, per_page=per_page, total=total, last_page=last_page,
            has_next=has_next, has_prev=page > pg.first_page, items_count=count,
            size_name=pg.size_param, items_field=pg.items_field,
        )
    skip = _int(values.get(pg.offset_param)) or 0
    limit = _int(values.get(pg.size_param)) or pg.default_size
    more = data.get(pg.more_field) if pg.more_field and isinstance(data, dict) else None
    has_more = more if isinstance(more, bool) else None
    if has_more is None:
        has_next = bool(count) and limit is not None and count >= limit
    else:
        has_next = has_more
    return PageInfo(
        style="offset", skip=skip, limit=limit, has_more=has_more, has_next=has_next,
        has_prev=skip > 0, items_count=count, size_name=pg.size_param, items_field=pg.items_field,
    )


def first_values(endpoint: Endpoint, values: Mapping[str, Any], info: PageInfo | None = None) -> dict:
    """`values` moved to the first page (page = first_page, or skip = 0)."""
    out = dict(values)
    pg = endpoint.paging
    if pg.style == "page":
        out[pg.page_param] = pg.first_page
    elif pg.style == "offset":
        out[pg.offset_param] = 0
    return out


def _size(endpoint: Endpoint, values: Mapping[str, Any], info: PageInfo | None) -> int | None:
    pg = endpoint.paging
    size = _int(values.get(pg.size_param))
    if size is None and info is not None:
        size = info.limit if pg.style == "offset" else info.per_page
        if size is None:
            size = info.items_count or None
    return size or pg.default_size


def next_values(endpoint: Endpoint, values: Mapping[str, Any], info: PageInfo | None = None) -> dict:
    """`values` moved one page on. Check ``info.has_next`` first: this does not know the end."""
    out = dict(values)
    pg = endpoint.paging
    if pg.style == "page":
        page = _int(values.get(pg.page_param)) or (info.page if info and info.page else pg.first_page)
        out[pg.page_param] = page + 1
    elif pg.style == "offset":
        skip = _int(values.get(pg.offset_param)) or (info.skip if info and info.skip else 0)
        step = _size(endpoint, values, info) or (info.items_count if info else None) or 1
        out[pg.offset_param] = skip + step
    return out


def prev_values(endpoint: Endpoint, values: Mapping[str, Any], info: PageInfo | None = None) -> dict:
    """`values` moved one page back (never before the first page)."""
    out = dict(values)
    pg = endpoint.paging
    if pg.style == "page":
        page = _int(values.get(pg.page_param)) or pg.first_page
        out[pg.page_param] = max(pg.first_page, page - 1)
    elif pg.style == "offset":
        skip = _int(values.get(pg.offset_param)) or 0
        step = _size(endpoint, values, info) or 1
        out[pg.offset_param] = max(0, skip - step)
    return out


async def _notify(on_wait: Callable[[float], Any] | None, seconds: float) -> None:
    if on_wait is None:
        return
    res = on_wait(seconds)
    if inspect.isawaitable(res):
        await res


async def iter_pages(
    client: "ProviderClient",
    endpoint: Endpoint,
    values: Mapping[str, Any],
    max_pages: int | None = None,
    on_wait: Callable[[float], Any] | None = None,
) -> AsyncIterator["Result"]:
    """Yield each page's Result, from `values`' page on, until the last page or `max_pages`.

    Before each request, when the client's rate meter says the next one would cross the limit
    (or the server has blocked us), it calls ``on_wait(seconds)`` (sync or async) and sleeps
    until the window frees. A rate-limit answer is not yielded: the same page is retried after
    the wait (at most MAX_RATE_RETRIES times). Any other error answer or network error is yielded
    and ends the walk. Cancel the task to stop (asyncio cancellation propagates).
    """
    vals = dict(values)
    pages = 0
    retries = 0
    while max_pages is None or pages < max_pages:
        while (wait := client.meter.wait_needed()) > 0:
            await _notify(on_wait, wait)
            await asyncio.sleep(wait)
        result = await client.send(endpoint, vals, force=True)
        exp = result.explanation
        if exp is not None and exp.rate_limited and retries < MAX_RATE_RETRIES:
            retries += 1
            continue
        retries = 0
        yield result
        pages += 1
        if exp is not None or result.exchange.error or not result.ok:
            return
        info = result.page
        if info is None or not info.has_next or info.items_count == 0:
            return
        vals = next_values(endpoint, vals, info)


def combine(results: Iterable["Result"]) -> list:
    """All items of several pages' Results, in order, as one list."""
    out: list = []
    for r in results:
        field = r.page.items_field if r.page is not None else None
        data = r.data  # once: a large body's data is decoded on each access
        items = items_of(field, data)
        if items is None and isinstance(data, dict):
            for v in data.values():
                if isinstance(v, list):
                    items = v
                    break
        if items is not None:
            out.extend(items)
        elif data is not None:
            out.append(data)
    return out
