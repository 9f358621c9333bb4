"""Deterministic helpers for the seeded sandbox data (no wall clock, no global random state)."""

from __future__ import annotations

import hashlib
import random

#: The sandbox's fixed "now" (2024-06-10 09:39:05 UTC, the reference's example timestamp), so data
#: and answers never depend on the wall clock.
BASE_MS = 1718012345000
BASE_S = BASE_MS // 1000


def rng(*parts: object) -> random.Random:
    """A random.Random seeded from the given parts (stable across runs and Python versions)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def hex_token(*parts: object, length: int = 32) -> str:
    return hashlib.sha256(("apiplay-sandbox|" + "|".join(map(str, parts))).encode()).hexdigest()[:length]


def iso(ts_s: int) -> str:
    """Rails-style ISO-8601 UTC timestamp."""
    import datetime as _dt

    return _dt.datetime.fromtimestamp(ts_s, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def slugify(text: str) -> str:
    import re
    import unicodedata

    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)
