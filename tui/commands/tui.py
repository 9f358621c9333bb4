"""`apiplay` with no command: open the playground."""

from __future__ import annotations


def run(args) -> int:
    from tui.app import PlaygroundApp

    app = PlaygroundApp(target=args.target, theme=args.theme, sandbox_url=args.sandbox_url)
    app.run()
    return int(app.return_code or 0)
