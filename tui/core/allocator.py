"""One allocator setting for a process that handles large bodies (glibc on Linux only).

glibc gives each thread that allocates its own arena, and memory freed in one arena is not reused
by another. A 20 MB answer is received on the event loop's thread and formatted in a worker
thread: with one arena per thread the formatter's ~30 MB came from fresh pages while the loop's
arena kept what it had freed, and the peak RSS for a 20 MB body was 4.1x the body instead of
2.8x (bench/run.py, `large_20mb_rss_ratio`; `MALLOC_ARENA_MAX=1` in the environment gives the same).
Python threads take turns on the GIL, so sharing one arena costs no measurable speed here.

No Textual here.
"""

from __future__ import annotations

import sys

M_ARENA_MAX = -8  # from glibc's malloc.h
_done: list[bool] = []


def share_one_arena() -> bool:
    """Ask glibc for a single malloc arena, before threads start. True if it took (idempotent)."""
    if _done:
        return _done[0]
    ok = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import platform

            if platform.libc_ver()[0] == "glibc":
                ok = bool(ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1))
        except Exception:  # not glibc, no ctypes: the default allocator behaviour stays
            ok = False
    _done.append(ok)
    return ok
