"""The `apiplay` command line: a thin dispatcher.

Each sub-command lives in its own module under ``tui/commands`` and exposes
``add_parser(subparsers)`` and ``run(args) -> int``. Modules must keep their
top-level imports light (argparse only): heavy imports go inside ``run`` so that
``apiplay`` starts fast.

Exit status, for every command: 0 success; 1 the API answered an HTTP error;
2 usage or validation error; 3 network error or timeout.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: sub-command name -> module under tui.commands
COMMANDS = {
    "providers": "providers",
    "call": "call",
    "sandbox": "sandbox",
    "screenshot": "screenshot",
    "credentials": "credentials",
    "history": "history",
    "add-provider": "add_provider",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a plain message, no usage dump noise
        self.print_usage(sys.stderr)
        self.exit(2, f"apiplay: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="apiplay",
        description="A terminal playground for REST APIs. With no command, opens the playground.",
    )
    parser.add_argument("--target", choices=["sandbox", "live"], default=None,
                        help="talk to the built-in sandbox (default) or the live APIs")
    parser.add_argument("--theme", default=None, help="theme to start with")
    parser.add_argument("--sandbox-url", default=None,
                        help="use a sandbox already running at this URL instead of starting one")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(f"tui.commands.{module}")
        except ModuleNotFoundError as exc:
            if exc.name == f"tui.commands.{module}":
                continue  # not built yet
            raise
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from tui.core.allocator import share_one_arena

    share_one_arena()  # before any thread allocates: a large body's peak memory (tui/core/allocator.py)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from tui.commands import tui as tui_command

        return tui_command.run(args)
    mod = importlib.import_module(f"tui.commands.{COMMANDS[args.command]}")
    try:
        return int(mod.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
