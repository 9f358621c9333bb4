"""`apiplay sandbox`: serve the GoCache, Noosfero and Trackingram simulators in the foreground."""

from __future__ import annotations

import argparse

FAULTS_HELP = """\
faults:
  --faults makes every 7th request without an X-Apiplay-Fault header (the 7th, 14th,
  21st, ... counted over the whole server) answer with a fault, in rotation: slow (5 s
  late), 500 (in the provider's own error shape), html (a 502 HTML page, not JSON).
  A faulted answer carries the response header X-Apiplay-Fault: <kind>.
  Any request can ask for one fault, with or without --faults, with the request header
    X-Apiplay-Fault: slow | 500 | truncated | html | large | nested | binary | control
                     | redirect | headers        (none forces a normal answer)
    X-Apiplay-Delay: seconds for slow (default 5)
    X-Apiplay-Size:  bytes for large (default 20 MiB)

limits:
  GoCache counts per token over a sliding 60 s window; over the limit it answers 403
  and blocks the token for 60 s. Trackingram counts per account in a 60 s window that
  starts at the first call and answers 400 FLOOD_WAIT_<seconds> over the limit.
  Noosfero has no limit.
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "sandbox",
        help="serve the GoCache, Noosfero and Trackingram simulators on 127.0.0.1",
        description="Serve the three simulated APIs in the foreground until Ctrl+C. "
                    "Prints the base URLs and the demo credentials.",
        epilog=FAULTS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765,
                        help="port to listen on (default 8765; 0 picks a free port)")
    parser.add_argument("--gocache-limit", type=_positive, default=100, metavar="N",
                        help="GoCache requests per token per minute (default 100)")
    parser.add_argument("--trackingram-limit", type=_positive, default=120, metavar="N",
                        help="Trackingram calls per account per minute (default 120)")
    parser.add_argument("--faults", action="store_true",
                        help="make a deterministic share of requests fail (see below)")
    parser.add_argument("--quiet", action="store_true", help="do not print a line per request")
    parser.set_defaults(command="sandbox")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of 1 or more, got {value}")
    return value


def run(args) -> int:
    import errno
    import signal
    import sys
    import threading

    from tui.sandbox.server import CREDENTIALS, SandboxServer

    if not 0 <= args.port <= 65535:
        print(f"apiplay sandbox: --port must be between 0 and 65535, got {args.port}", file=sys.stderr)
        return 2

    def log(line: str) -> None:
        print(line, flush=True)

    server = SandboxServer(
        host=args.host, port=args.port, gocache_limit=args.gocache_limit,
        trackingram_limit=args.trackingram_limit, faults=args.faults,
        log=None if args.quiet else log,
    )
    try:
        server.bind()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"apiplay sandbox: port {args.port} on {args.host} is already in use. "
                  f"Stop the other program or choose another port with --port (0 picks a free one).",
                  file=sys.stderr)
        else:
            print(f"apiplay sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
                  file=sys.stderr)
        return 2

    # before anything is printed: whoever waits for the banner may signal at once
    def on_term(signum, frame):  # SIGTERM stops as cleanly as Ctrl+C
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_term)
        # Ctrl+C stops the server even when the shell started us with SIGINT ignored (cmd &)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    urls = server.base_urls()
    out = [f"apiplay sandbox listening on {server.origin}", ""]
    out.append(f"  GoCache      {urls['gocache']}")
    out.append(f"  Noosfero     {urls['noosfero']}")
    out.append(f"  Trackingram  {urls['trackingram']}   (also /apiPublic/latest and /apiPublic)")
    out.append("")
    out.append("Demo credentials:")
    for provider, rows in CREDENTIALS.items():
        for kind, value, note in rows:
            out.append(f"  {provider:<12} {kind:<17} {value}   ({note})")
    out.append("")
    out.append(f"Limits: GoCache {args.gocache_limit}/min per token, Trackingram "
               f"{args.trackingram_limit}/min per account."
               + ("  Faults: on (every 7th request)." if args.faults else ""))
    out.append("Press Ctrl+C to stop.")
    try:
        print("\n".join(out), flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("apiplay sandbox stopped.", flush=True)
    return 0
