"""The Trackingram simulator: GPS trackers of an Italian fleet, behind the documented envelope.

Rules (../shared/seeds/README.md): T1 base paths (v1_0, latest, none), T2 HTTP Basic email:tokenApi,
T3 every answer is `{object, data, has_more, count_api, reset_count_api}`, T4 `limit`/`skip` paging,
T5 120 calls a minute then `FLOOD_WAIT_x`, T6 every error is HTTP 400.

Sandbox choices (the real error body is undocumented): an error answers
`{"code": 400, "message": "...", "count_api": n, "reset_count_api": s}`; an unknown path answers 404
in the same shape with `GENERIC ERROR`. Lists default to 50 items (the docs' example) and are capped
at 100 trackers / 1000 positions per page. Tracker and position fields are the successor API's
(Flotta in Cloud), as the reference catalog describes.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from typing import Any

from .data import BASE_MS, luhn_digit, rng
from .ratelimit import FixedWindowCounter
from .web import Request, Response, Router, json_response

TOKEN = "sandbox-trackingram-token"
DEMO = "demo@trackingram.example"
ACCOUNTS = {
    DEMO: {"api": True, "enabled": True},
    "noapi@trackingram.example": {"api": False, "enabled": True},
    "disabled@trackingram.example": {"api": True, "enabled": False},
}
TRACKER_COUNT = 80
DEFAULT_LIMIT = 50
MAX_TRACKERS = 100
MAX_POSITIONS = 1000

VEHICLES = [
    "Fiat Ducato", "Iveco Daily", "Fiat Doblò", "Renault Master", "Ford Transit", "Mercedes Sprinter",
    "Volkswagen Crafter", "Peugeot Boxer", "Citroën Jumper", "Fiat Fiorino", "Opel Vivaro",
    "Fiat Panda", "Fiat Tipo", "Lancia Ypsilon", "Alfa Romeo Giulia", "Volkswagen Golf",
    "Toyota Yaris", "Renault Clio", "Jeep Renegade", "Fiat 500X",
]
CITIES = [  # name, lat, lng
    ("Milano", 45.4642, 9.1900), ("Roma", 41.9028, 12.4964), ("Torino", 45.0703, 7.6869),
    ("Napoli", 40.8518, 14.2681), ("Bologna", 44.4949, 11.3426), ("Firenze", 43.7696, 11.2558),
    ("Verona", 45.4384, 10.9916), ("Padova", 45.4064, 11.8768), ("Bari", 41.1171, 16.8719),
    ("Genova", 44.4056, 8.9463), ("Brescia", 45.5416, 10.2118), ("Bergamo", 45.6983, 9.6773),
    ("Venezia", 45.4408, 12.3155), ("Parma", 44.8015, 10.3279), ("Modena", 44.6471, 10.9252),
    ("Palermo", 38.1157, 13.3615), ("Catania", 37.5079, 15.0830), ("Pisa", 43.7228, 10.4017),
]
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"  # Italian plates skip I, O, Q and U
HISTORY_HOURS = 72


def _plate(r) -> str:
    L = PLATE_LETTERS
    return f"{r.choice(L)}{r.choice(L)}{r.randint(0, 999):03d}{r.choice(L)}{r.choice(L)}"


def make_trackers() -> list[dict[str, Any]]:
    out = []
    seen: set[str] = set()
    for n in range(1, TRACKER_COUNT + 1):
        r = rng("trackingram", "tracker", n)
        serial = f"{35963310}{n * 7919 % 1000000:06d}"
        imei = serial + luhn_digit(serial)
        plate = _plate(r)
        while plate in seen:
            plate = _plate(r)
        seen.add(plate)
        city, lat, lng = CITIES[r.randrange(len(CITIES))]
        moving = r.random() < 0.35
        ts_pos = BASE_MS - r.randint(5, 3600) * 1000
        out.append({
            "imei": imei,
            "name": f"{VEHICLES[(n - 1) % len(VEHICLES)]} - {plate}",
            "numeric_label": n,
            "lat": round(lat + r.uniform(-0.08, 0.08), 6),
            "lng": round(lng + r.uniform(-0.08, 0.08), 6),
            "heading": r.randrange(360),
            "speed": r.randint(18, 110) if moving else 0,
            "altitude": r.randint(2, 450),
            "satellites": r.randint(4, 14),
            "odometer": r.randint(1_500_000, 320_000_000),
            "moving": moving,
            "is_connected": r.random() < 0.92,
            "is_power_on": r.random() < 0.95,
            "has_GPS": True,
            "timestamp_position": ts_pos,
            "timestamp_last_trip_change": ts_pos - r.randint(600, 7200) * 1000,
            "timestamp_activation": 1640995200000 + r.randint(0, 500) * 86_400_000,
        })
    return out


def make_positions(tracker: dict[str, Any]) -> list[dict[str, Any]]:
    """A plausible 72-hour history ending at the tracker's last position: trips and stops."""
    r = rng("trackingram", "positions", tracker["imei"])
    pts: list[dict[str, Any]] = []
    t = BASE_MS - HISTORY_HOURS * 3_600_000
    lat, lng = tracker["lat"] - 0.2, tracker["lng"] - 0.2
    alt = tracker["altitude"]
    while t < tracker["timestamp_position"] - 60_000:
        # a stop
        pts.append({"lat": round(lat, 6), "lng": round(lng, 6), "heading": r.randrange(360),
                    "altitude": alt, "speed": 0, "timestamp": t, "type": 4})
        heading = r.randrange(360)
        trip_m = 0
        for _ in range(r.randint(4, 14)):
            t += r.randint(45, 180) * 1000
            speed = r.randint(15, 115)
            heading = (heading + r.randint(-35, 35)) % 360
            step_lat, step_lng = r.uniform(-0.012, 0.012), r.uniform(-0.012, 0.012)
            lat, lng = lat + step_lat, lng + step_lng
            trip_m += int(abs(step_lat) * 111_000 + abs(step_lng) * 80_000)
            alt = max(0, alt + r.randint(-8, 8))
            pts.append({"lat": round(lat, 6), "lng": round(lng, 6), "heading": heading,
                        "altitude": alt, "speed": speed, "timestamp": t,
                        "type": 6 if r.random() < 0.85 else 1})
        t += r.randint(30, 120) * 1000
        pts.append({"lat": round(lat, 6), "lng": round(lng, 6), "heading": heading, "altitude": alt,
                    "speed": 0, "timestamp": t, "type": 5, "odometer": trip_m})
        if r.random() < 0.1:
            pts.append({"lat": round(lat, 6), "lng": round(lng, 6), "heading": heading,
                        "altitude": alt, "speed": 0, "timestamp": t + 5000,
                        "type": r.choice([2, 3, 7, 8, 9, 10, 11])})
        t += r.randint(20, 240) * 60_000
    pts.append({"lat": tracker["lat"], "lng": tracker["lng"], "heading": tracker["heading"],
                "altitude": tracker["altitude"], "speed": tracker["speed"],
                "timestamp": tracker["timestamp_position"], "type": 6 if tracker["moving"] else 7})
    return pts


class TrackingramApp:
    name = "trackingram"

    def __init__(self, limit: int = 120, window_s: float = 60.0, clock=time.monotonic) -> None:
        self.counter = FixedWindowCounter(limit, window_s, clock)
        self.lock = threading.RLock()
        self.trackers: list[dict[str, Any]] = make_trackers()
        self.by_imei = {t["imei"]: t for t in self.trackers}
        self._positions: dict[str, list[dict[str, Any]]] = {}
        self.router = Router()
        self.router.add("GET", "/trackerGps", self.list_trackers)
        self.router.add("GET", "/trackerGps/{imei}", self.get_tracker)
        self.router.add("GET", "/trackerGps/{imei}/positions", self.list_positions)

    # ---- envelope
    def _error(self, message: str, counters: tuple[int, int], status: int = 400) -> Response:
        return json_response(status, {"code": status, "message": message,
                                      "count_api": counters[0], "reset_count_api": counters[1]})

    def _ok(self, obj: str, data: Any, has_more: bool, counters: tuple[int, int]) -> Response:
        return json_response(200, {"object": obj, "data": data, "has_more": has_more,
                                   "count_api": counters[0], "reset_count_api": counters[1]})

    def internal_error(self, req: Request) -> Response:
        return self._error("GENERIC ERROR", (0, 0), 500)

    def bad_request(self, req: Request, message: str) -> Response:
        return self._error("GENERIC ERROR", (0, 0))

    def _auth(self, req: Request) -> tuple[str | None, str | None]:
        """(account email, error message)."""
        value = (req.header("Authorization") or "").strip()
        if not value:
            return None, "AUTHENTICATION REQUIRED"
        scheme, _, b64 = value.partition(" ")
        if scheme.lower() != "basic" or not b64.strip():
            return None, "AUTHENTICATION REQUIRED"
        try:
            email, sep, token = base64.b64decode(b64.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError):
            return None, "AUTHENTICATION INCORRECT"
        account = ACCOUNTS.get(email.strip().lower())
        if not sep or account is None or token != TOKEN:
            return None, "AUTHENTICATION INCORRECT"
        if not account["enabled"]:
            return None, "USER NOT ENABLE"
        if not account["api"]:
            return None, "API NOT ENABLE"
        return email.strip().lower(), None

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/\0"):  # /trackingram/... outside /trackingram/apiPublic
            return self._error("GENERIC ERROR", (0, 0), 404)
        route, args, allowed = self.router.match(req.method, req.path)
        email, problem = self._auth(req)
        if problem:
            return self._error(problem, (0, 0))
        state = self.counter.hit(email)
        counters = (state.count, state.reset_s)
        if state.exceeded:
            return self._error(f"FLOOD_WAIT_{state.reset_s}", counters)
        if route is None:
            if allowed:
                resp = self._error("GENERIC ERROR", counters, 405)
                resp.headers.append(("Allow", ", ".join(allowed)))
                return resp
            return self._error("GENERIC ERROR", counters, 404)
        req.path_args = args
        req.counters = counters  # type: ignore[attr-defined]
        return route.handler(req)

    # ---- paging
    def _page(self, req: Request, cap: int) -> tuple[int, int] | None:
        try:
            limit = int(req.query("limit") or DEFAULT_LIMIT)
            skip = int(req.query("skip") or 0)
        except ValueError:
            return None
        if limit < 1 or skip < 0:
            return None
        return min(limit, cap), skip

    # ---- handlers
    def list_trackers(self, req: Request) -> Response:
        page = self._page(req, MAX_TRACKERS)
        if page is None:
            return self._error("GENERIC ERROR", req.counters)  # type: ignore[attr-defined]
        limit, skip = page
        with self.lock:
            items = self.trackers[skip:skip + limit]
            more = skip + len(items) < len(self.trackers)
        return self._ok("list", items, more, req.counters)  # type: ignore[attr-defined]

    def get_tracker(self, req: Request) -> Response:
        tracker = self.by_imei.get(req.path_args["imei"])
        if tracker is None:
            return self._error("GENERIC ERROR", req.counters)  # type: ignore[attr-defined]
        return self._ok("trackerGps", tracker, False, req.counters)  # type: ignore[attr-defined]

    def positions_of(self, imei: str) -> list[dict[str, Any]]:
        with self.lock:
            if imei not in self._positions:
                self._positions[imei] = make_positions(self.by_imei[imei])
            return self._positions[imei]

    def list_positions(self, req: Request) -> Response:
        counters = req.counters  # type: ignore[attr-defined]
        imei = req.path_args["imei"]
        if imei not in self.by_imei:
            return self._error("GENERIC ERROR", counters)
        page = self._page(req, MAX_POSITIONS)
        try:
            start = int(req.query("start") or 0)
            stop = int(req.query("stop") or 2**62)
            types = {int(x) for x in (req.query("filter_type") or "").split(",") if x.strip()}
        except ValueError:
            return self._error("GENERIC ERROR", counters)
        if page is None or start > stop or any(not 1 <= t <= 11 for t in types):
            return self._error("GENERIC ERROR", counters)
        limit, skip = page
        pts = [p for p in self.positions_of(imei)
               if start <= p["timestamp"] <= stop and (not types or p["type"] in types)]
        items = pts[skip:skip + limit]
        return self._ok("list", items, skip + len(items) < len(pts), counters)
