"""The cyclic garbage collector paused around work that makes many short-lived, acyclic objects.

Decoding or formatting a large JSON body makes hundreds of thousands of dicts and lists that die by
reference counting as soon as the step ends. With the collector running, their allocation triggers
collections that walk everything young in the process (a collection of the second generation took
50-110 ms on a loaded 2-core machine while a 20 MB body was formatted, stalling the UI thread too,
since the collector holds the GIL). Paused, the allocation counter goes back down as the objects are
freed, so nothing is left for a later collection either.

``paused()`` is process-wide (``gc.disable``) and counted: nested and concurrent uses from several
threads re-enable the collector only when the last one ends, and never when it was disabled
already. Keep each pause short: cyclic garbage made elsewhere meanwhile is collected only later.

No Textual; imports nothing but the standard library.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["hold", "paused", "release"]

_lock = threading.Lock()
_pauses = 0  # active pauses; -1 while the collector was found disabled by someone else


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic collector for the duration of the block (nested and threaded uses counted)."""
    hold()
    try:
        yield
    finally:
        release()


def hold() -> None:
    """Start a pause that :func:`release` ends (for a pause that is not one block: the app's start-up)."""
    global _pauses
    with _lock:
        if _pauses == 0:
            _pauses = -1 if not gc.isenabled() else 0
        if _pauses >= 0:
            gc.disable()
            _pauses += 1


def release() -> None:
    """End one pause started by :func:`hold` (the collector runs again when it was the last)."""
    global _pauses
    with _lock:
        if _pauses > 0:
            _pauses -= 1
            if _pauses == 0:
                gc.enable()
        else:
            _pauses = 0
