"""Constants and small helpers shared by the sandbox tests."""

from __future__ import annotations

TR_AUTH = ("demo@trackingram.example", "sandbox-trackingram-token")
GC_TOKEN = "sandbox-gocache-token"
GC_READONLY = "sandbox-gocache-readonly"
GC = "/gocache/v1"
NF = "/noosfero/api/v1"
TR = "/trackingram/apiPublic"


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
