"""App-level messages.

Workers never touch widgets: they post one of these, and ``@on`` handlers (which run on the
event loop) change state and widgets. Each message carries the id of the provider panel it
belongs to so a handler can ignore an answer for a panel that moved on.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class RequestFinished(Message):
    """A request (or a login) of a panel ended: `result` is a core Result, or `error` a plain message."""

    def __init__(self, provider_id: str, token: int, result: Any = None, error: str | None = None,
                 prepared: Any = None, held: bool = False) -> None:
        super().__init__()
        self.held = held  # refused by the rate-limit guard: f5 sends anyway
        self.provider_id = provider_id
        self.token = token
        self.result = result
        self.error = error
        self.prepared = prepared


class LoginFinished(Message):
    """The login flow ended: `token` is the new token, or `error` says why not."""

    def __init__(self, provider_id: str, token: str | None = None, error: str | None = None) -> None:
        super().__init__()
        self.provider_id = provider_id
        self.token = token
        self.error = error


class BodyPrepared(Message):
    """A body was pretty-printed and tokenised (in a thread), ready for the viewer."""

    def __init__(self, token: int, document: Any, body: bytes = b"", content_type: str | None = None) -> None:
        super().__init__()
        self.token = token
        self.document = document
        self.body = body
        self.content_type = content_type


class RawPrepared(Message):
    """The Raw tab's document (the body as received) was made in a thread."""

    def __init__(self, for_document: Any, document: Any) -> None:
        super().__init__()
        self.for_document = for_document
        self.document = document


class PagesProgress(Message):
    """Fetch-all progress: `done` pages so far, `total` when known, `waiting_s` while paused."""

    def __init__(self, provider_id: str, done: int, total: int | None, items: int,
                 waiting_s: float = 0.0, meter: Any = None) -> None:
        super().__init__()
        self.provider_id = provider_id
        self.done = done
        self.total = total
        self.items = items
        self.waiting_s = waiting_s
        self.meter = meter

    def can_replace(self, message: Message) -> bool:  # type: ignore[override]
        return isinstance(message, PagesProgress) and message.provider_id == self.provider_id


class PagesFinished(Message):
    """Fetch-all ended: `items` combined from every page; `result` the last page's Result."""

    def __init__(self, provider_id: str, items: list, pages: int, result: Any = None,
                 error: str | None = None, cancelled: bool = False) -> None:
        super().__init__()
        self.provider_id = provider_id
        self.items = items
        self.pages = pages
        self.result = result
        self.error = error
        self.cancelled = cancelled


class EndpointChosen(Message):
    """The user picked an endpoint (list, palette)."""

    def __init__(self, provider_id: str, key: str) -> None:
        super().__init__()
        self.provider_id = provider_id
        self.key = key
