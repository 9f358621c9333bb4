"""`apiplay providers [NAME] [--json]`: list providers, or one provider's endpoints.

* no NAME: a line per provider: name, endpoint count, live base URL (``APIPLAY_<ID>_URL`` wins);
* NAME: a line per endpoint, ``METHOD PATH  summary``;
* NAME --json: ``[{"method", "path", "summary", "params": [{"name", "in", "type", "required"}]}]``.

Unknown NAME: exit 2, naming it and listing the known providers.
"""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "providers",
        help="list the providers, or one provider's endpoints",
        description="List the providers (name, endpoint count, live base URL), or NAME's endpoints.",
    )
    p.add_argument("name", nargs="?", help="a provider id or name, e.g. noosfero")
    p.add_argument("--json", action="store_true", help="print NAME's endpoints as JSON")


def load_all() -> tuple[list, list[str]]:
    """Built-in packs plus the user's packs (config dir ``providers/``); (providers, warnings)."""
    from tui.core.packs import load_providers

    extra = []
    try:
        from tui.core.paths import providers_dir

        extra.append(providers_dir())
    except Exception:  # noqa: BLE001 - no user dir is fine
        pass
    return load_providers(extra)


def find_provider(providers: list, name: str):
    """The provider whose id or name is `name` (case-insensitive), or None."""
    low = name.strip().lower()
    for p in providers:
        if p.id.lower() == low or p.name.lower() == low:
            return p
    return None


def unknown_provider_message(providers: list, name: str) -> str:
    known = ", ".join(p.id for p in providers) or "none"
    return f"apiplay: unknown provider {name!r}; known providers: {known}"


def run(args: argparse.Namespace) -> int:
    import json
    import os

    from tui.core.env import url_override

    providers, warnings = load_all()
    for w in warnings:
        print(f"apiplay: warning: {w}", file=sys.stderr)
    if not args.name:
        if args.json:
            out = [
                {"id": p.id, "name": p.name, "endpoints": len(p.endpoints),
                 "base_url": p.base_url("live", override=url_override(p, os.environ))}
                for p in providers
            ]
            print(json.dumps(out, indent=2, ensure_ascii=False))
            return 0
        width = max((len(p.name) for p in providers), default=0)
        for p in providers:
            base = p.base_url("live", override=url_override(p, os.environ))
            print(f"{p.name:<{width}}  {len(p.endpoints):>4} endpoints  {base}")
        return 0
    provider = find_provider(providers, args.name)
    if provider is None:
        print(unknown_provider_message(providers, args.name), file=sys.stderr)
        return 2
    if args.json:
        out = [
            {
                "method": ep.method,
                "path": ep.path,
                "summary": ep.summary,
                "params": [
                    {"name": prm.name, "in": prm.location, "type": prm.type, "required": prm.required}
                    for prm in ep.params
                ],
            }
            for ep in provider.endpoints
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    pw = max((len(ep.path) for ep in provider.endpoints), default=0)
    for ep in provider.endpoints:
        print(f"{ep.method:<7}{ep.path:<{pw}}  {ep.summary}".rstrip())
    return 0
