"""Soak: many requests through the core (ProviderClient, one shared HttpSession) against a sandbox
with faults on (every 7th request: slow, 500 or html, in rotation; every 50th asks for a truncated
body) and the rate limits raised.

* memory (RSS) and open sockets stay flat: the 2nd thousand and the last thousand are compared;
* every failure the server injected is reported by the client (an explanation for each 500 and
  502), none swallowed, and no success is turned into a failure.

APIPLAY_SOAK_N sets the count: the full run is 10,000 (figures in docs/robustness.md); the suite's
default is smaller to keep it fast.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections import Counter

from helpers import open_sockets
from tui.core.client import ProviderClient
from tui.core.http import HttpSession
from tui.core.packs import load_providers
from tui.sandbox.server import SandboxServer

N = int(os.environ.get("APIPLAY_SOAK_N", "2000"))
CONCURRENCY = 4
BLOCK = 1000 if N >= 4000 else max(N // 5, 100)


def rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def test_soak_memory_and_sockets_flat_and_every_fault_reported():
    providers = {p.id: p for p in load_providers()[0]}
    statuses: Counter[str] = Counter()

    def log(line: str) -> None:
        statuses[line.rsplit(" ", 1)[-1]] += 1

    server = SandboxServer(port=0, faults=True, gocache_limit=10**9, trackingram_limit=10**9, log=log)
    origin = server.start()
    session = HttpSession(timeout=10)
    jobs = [
        (ProviderClient(providers["gocache"], base_url=origin + "/gocache/v1",
                        credentials=dict(providers["gocache"].auth.sandbox_default), session=session),
         providers["gocache"].endpoint("GET", "/domain"), {}),
        (ProviderClient(providers["trackingram"], base_url=origin + "/trackingram/apiPublic/v1_0",
                        credentials=dict(providers["trackingram"].auth.sandbox_default), session=session),
         providers["trackingram"].endpoint("GET", "/trackerGps"), {"limit": 5}),
        (ProviderClient(providers["noosfero"], base_url=origin + "/noosfero/api/v1",
                        credentials={"token": "soak"}, session=session),  # no login: every answer is a 401
         providers["noosfero"].endpoint("GET", "/communities"), {"per_page": 3}),
    ]
    # X-Apiplay-Delay keeps the injected "slow" answers short (50 ms) so the soak measures the client
    extra = [("X-Apiplay-Delay", "0.05")]
    client_saw: Counter[str] = Counter()
    unexplained: list[str] = []
    samples: dict[int, tuple[int, int]] = {}
    done = 0
    t0 = time.monotonic()

    async def worker(wid: int) -> None:
        nonlocal done
        while done < N:
            done += 1
            n = done
            client, ep, values = jobs[n % len(jobs)]
            cut = n % 50 == 0  # and now and then a body cut short (a network error, asked for by header)
            headers = extra + [("X-Apiplay-Fault", "truncated")] if cut else extra
            client_saw["asked:truncated"] += cut
            r = await client.send(ep, values, headers=headers, force=True)
            ex = r.exchange
            kind = ex.header("X-Apiplay-Fault")
            status = str(ex.status)
            client_saw[status] += 1
            if kind:
                client_saw[f"fault:{kind}"] += 1
            if not r.ok:
                client_saw["failed"] += 1
                if r.explanation is None or not r.explanation.title:
                    unexplained.append(f"{ex.status} {ex.error}")
            if ex.error is not None:
                client_saw["network"] += 1
            if n % BLOCK == 0:
                gc.collect()
                samples[n] = (rss_kb(), open_sockets())

    base_sockets = open_sockets()
    try:
        await asyncio.gather(*(worker(i) for i in range(CONCURRENCY)))
    finally:
        elapsed = time.monotonic() - t0
        await session.aclose()
        server.stop()
    print(f"\nsoak: {N} requests in {elapsed:.1f} s ({N / elapsed:.0f}/s); server statuses {dict(statuses)}; "
          f"client {dict(client_saw)}; samples (n: RSS kB, sockets) {samples}")

    # every request got an answer, none was lost on the way
    assert sum(statuses.values()) == N and sum(v for k, v in client_saw.items() if k.isdigit()) == N
    assert client_saw["network"] == client_saw["asked:truncated"] == N // 50
    # every injected failure is reported: the server's 500s and 502s are the client's 500s and 502s,
    # and each failure carries an explanation
    assert statuses["500"] == client_saw["500"] and statuses["502"] == client_saw["502"]
    injected = client_saw["fault:500"] + client_saw["fault:html"]
    assert injected >= (N - N // 50) // 7 * 2 // 3 - 2  # the rotation counts requests without the header
    assert client_saw["502"] == client_saw["fault:html"]
    assert client_saw["failed"] == client_saw["500"] + client_saw["502"] + client_saw["network"]
    assert not unexplained, unexplained[:5]
    # flat: the 2nd block vs the last block
    keys = sorted(samples)
    second, last = samples[keys[1]], samples[keys[-1]]
    assert last[0] - second[0] < 15_000, samples  # RSS grows by less than 15 MB
    # no sockets pile up: never more than every client's pool can hold (both ends: the sandbox is in-process)
    ceiling = base_sockets + 2 * len(jobs) * CONCURRENCY + 2
    assert all(sockets <= ceiling for _, sockets in samples.values()), (ceiling, samples)
    assert open_sockets() <= base_sockets + 1  # and all closed at the end
