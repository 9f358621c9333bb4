"""The sandbox: local simulators of GoCache, Noosfero and Trackingram on one HTTP/1.1 server.

    server.py        SandboxServer: ThreadingHTTPServer, prefixes, faults, start/stop
    web.py           Request / Response / Router and form-body parsing (bracket keys)
    gocache.py       GoCache API v1 (domains, DNS, purges, smart rules, SSL, security, analytics)
    noosfero.py      Noosfero API v1: auth, paging headers, entities (routes in noosfero_routes.py,
                     seeded Portuguese data in noosfero_data.py)
    trackingram.py   Trackingram apiPublic: envelope, Basic auth, trackers and position histories
    ratelimit.py     GoCache's sliding window with a block, Trackingram's fixed window
    faults.py        injected faults (X-Apiplay-Fault header, --faults rotation)
    data.py          deterministic helpers (seeded random, fixed "now")

Nothing here reads ../shared at run time; every answer is built from seeded in-memory state.
"""
