"""`apiplay history`: list past exchanges (newest first), show one, or clear the history.

    apiplay history                      # the last 20, as a table
    apiplay history --limit 5 --json     # JSON list; each entry carries its `id`
    apiplay history --provider noosfero --query "communities 404"
    apiplay history --show 42            # one entry with headers and body
    apiplay call --from-history 42       # send it again

Secrets were masked before anything was stored. Exit status: 0; 2 for an unknown id or a bad option.
"""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "history",
        help="list past requests (newest first)",
        description="List the requests you sent, newest first (secrets masked). "
        "`apiplay call --from-history ID` sends one again.",
    )
    p.add_argument("--limit", type=int, default=20, metavar="N", help="how many entries (20; 0 for all)")
    p.add_argument("--json", action="store_true", help="print a JSON list (each entry has an `id`)")
    p.add_argument("--provider", metavar="NAME", default=None, help="only this provider")
    p.add_argument("--query", "-q", metavar="TEXT", default=None,
                   help="only entries whose method, URL, endpoint or status contain every word")
    p.add_argument("--show", type=int, metavar="ID", default=None, help="show one entry, with headers and body")
    p.add_argument("--clear", action="store_true", help="delete the whole history")


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _open():
    from tui.core.history import History
    from tui.core.settings import load_settings

    settings, _ = load_settings()
    return History.from_settings(settings)


def _time(ts: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _safe(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def format_table(entries) -> str:
    """Plain-text table: id, time, provider, target, method, status, ms, size, URL."""
    rows = [("ID", "TIME", "PROVIDER", "TARGET", "METHOD", "STATUS", "MS", "SIZE", "URL")]
    for e in entries:
        rows.append((str(e.id), _time(e.created_at), e.provider_id, e.target, e.method,
                     e.status_text, f"{e.elapsed_s * 1000:.0f}", e.size_text, _safe(e.url)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r[:-1], widths)) + "  " + r[-1])
    return "\n".join(lines)


def call_args_from_history(entry_id: int, history=None) -> dict:
    """What `apiplay call --from-history ID` needs: provider, method, path (the template), items, target.

    Items are CLI items (``name=value`` for text, ``name:=json`` otherwise) for `tui.core.request.
    parse_cli_items`. Secret values were never stored, so credentials come from the store or the
    environment. Raises LookupError with a plain message for an unknown id.
    """
    import json

    history = history or _open()
    entry = history.get(int(entry_id))
    if entry is None:
        raise LookupError(f"no history entry {entry_id} (see `apiplay history`)")
    items = []
    for name, value in entry.values.items():
        if isinstance(value, str):
            items.append(f"{name}={value}")
        else:
            items.append(f"{name}:={json.dumps(value, ensure_ascii=False)}")
    return {"provider": entry.provider_id, "method": entry.method, "path": entry.path, "items": items,
            "target": entry.target, "values": dict(entry.values), "entry": entry}


def run(args: argparse.Namespace) -> int:
    import json

    if args.limit is not None and args.limit < 0:
        _err("apiplay: --limit: expected 0 or more")
        return 2
    history = _open()
    try:
        if args.clear:
            n = history.clear()
            print(f"history cleared ({n} entr{'y' if n == 1 else 'ies'})")
            return 0
        if args.show is not None:
            entry = history.get(args.show)
            if entry is None:
                _err(f"apiplay: no history entry {args.show} (see `apiplay history`)")
                return 2
            if args.json:
                print(json.dumps(entry.to_json(include_body=True), indent=2, ensure_ascii=False))
                return 0
            print(f"#{entry.id}  {_time(entry.created_at)}  {entry.provider_id} ({entry.target})  {entry.endpoint_key}")
            print(f"{entry.method} {_safe(entry.url)}")
            for k, v in entry.request_headers:
                print(f"{k}: {_safe(v)}")
            if entry.request_body:
                print()
                print(_safe(entry.request_body.decode("utf-8", "replace")))
            print()
            print(f"{entry.status_text} · {entry.elapsed_s * 1000:.0f} ms · {entry.size_text}"
                  + (" (body cut short)" if entry.truncated else ""))
            if entry.error:
                print(_safe(entry.error))
            for k, v in entry.response_headers:
                print(f"{k}: {_safe(v)}")
            if entry.body:
                print()
                text = entry.body.decode("utf-8", "replace")
                print(_safe(text) if sys.stdout.isatty() else text)
            return 0
        entries = history.list(limit=args.limit or None, query=args.query, provider=args.provider)
        if args.json:
            print(json.dumps([e.to_json() for e in entries], indent=2, ensure_ascii=False))
        elif not entries:
            _err("no history yet" if not (args.query or args.provider) else "no matching entries")
        else:
            print(format_table(entries))
        for w in history.warnings:
            _err(f"apiplay: warning: {w}")
        return 0
    finally:
        history.close()
