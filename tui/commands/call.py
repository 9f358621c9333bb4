"""`apiplay call NAME METHOD PATH [items...]`: send one request and print the JSON answer.

PATH is the catalog's template (``/communities/{id}`` with ``id=5``) or a concrete path that
matches one (``/communities/5``). Items: ``name=value`` (coerced to the parameter's type),
``name:=json`` (JSON), ``Header:value`` (an extra header). The catalog decides where each
parameter goes.

stdout: the JSON body, pretty (colours only on a terminal). stderr: status, time, size, the
page position and the rate meter ("42/120 this minute, resets in 17 s"), and for an error the
decoded explanation.

Exit status: 0 for 2xx; 1 for an HTTP error status (or a failed login); 2 for a usage or
validation error (unknown provider, endpoint or parameter, wrong type, missing value, invalid
JSON, missing credentials, a request the rate guard refuses): nothing is sent; 3 for a network
error or timeout.

With ``--target sandbox`` (the default) and no ``--sandbox-url``, an embedded sandbox runs for
the duration of the command.
"""

from __future__ import annotations

import argparse
import sys

from tui.core.fmt import human_size

EXIT_OK, EXIT_HTTP, EXIT_USAGE, EXIT_NETWORK = 0, 1, 2, 3


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "call",
        help="send one request and print the answer",
        description="Send one request to a provider and print the JSON answer on stdout; "
        "status, time and the rate meter go to stderr. Exit 0 for 2xx, 1 for an HTTP error, "
        "2 for a usage or validation error, 3 for a network error or timeout.",
    )
    p.add_argument("provider", metavar="NAME", nargs="?", help="provider id or name, e.g. noosfero")
    p.add_argument("method", metavar="METHOD", nargs="?", help="GET, POST, PUT, PATCH, DELETE")
    p.add_argument("path", metavar="PATH", nargs="?", help="the catalog's path (/communities/{id}) or a concrete one (/communities/5)")
    p.add_argument("items", nargs="*", metavar="ITEM", help="name=value | name:=json | Header:value")
    # dest names differ from the top-level --target/--sandbox-url so either position works
    p.add_argument("--target", dest="call_target", choices=["sandbox", "live"], default=None,
                   help="the built-in sandbox (default) or the live API")
    p.add_argument("--sandbox-url", dest="call_sandbox_url", default=None, metavar="URL",
                   help="use a sandbox already running at this URL (http://127.0.0.1:PORT)")
    p.add_argument("--page", type=int, default=None, metavar="N", help="ask for page N (1 = the first)")
    p.add_argument("--all-pages", action="store_true", help="walk every page and print one combined JSON list")
    p.add_argument("--max-pages", type=int, default=None, metavar="N", help="with --all-pages: stop after N pages")
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="seconds to wait for an answer (default: the read timeout in the settings, 30)")
    p.add_argument("--force", action="store_true", help="send even when the rate guard would refuse")
    p.add_argument("--from-history", type=int, default=None, metavar="ID",
                   help="send a request from `apiplay history` again (NAME METHOD PATH come from it)")
    p.add_argument("--save", default=None, metavar="NAME", help="also save the request under NAME")
    p.add_argument("--as", dest="as_format", choices=["curl", "httpie"], default=None,
                   help="print the request as a curl or HTTPie command instead of sending it")
    p.add_argument("--show-secrets", action="store_true",
                   help="with --as: write tokens and passwords instead of $APIPLAY_... variables")
    # ---- Flags added by other parts of the app go here (each handled in `run` at its marked spot):
    #   --from-history ID   (history: fill NAME/METHOD/PATH/items from a history entry)
    #   --save NAME         (saved requests: store the request after it is built)
    #   --as curl|httpie    (export: print the command instead of sending)
    #   --show-secrets      (export: do not mask tokens and passwords)
    # ----


class _Usage(Exception):
    """A usage / validation problem: exit 2 with this message."""


def _err(text: str) -> None:
    print(_safe(text), file=sys.stderr)


def _safe(text: str) -> str:
    """Make text harmless for a terminal: control characters (ESC, BEL, ...) become visible escapes."""
    out = []
    for ch in text:
        o = ord(ch)
        if (o < 32 and ch not in "\n\t") or 127 <= o < 160:
            out.append(f"\\x{o:02x}")
        else:
            out.append(ch)
    return "".join(out)


def _resolve(args: argparse.Namespace):
    """(provider, endpoint, values, headers) from the arguments; raises _Usage."""
    from tui.commands.providers import find_provider, load_all, unknown_provider_message
    from tui.core.model import ValidationError
    from tui.core.request import parse_cli_items, validate_values

    providers, warnings = load_all()
    for w in warnings:
        _err(f"apiplay: warning: {w}")
    provider = find_provider(providers, args.provider)
    if provider is None:
        raise _Usage(unknown_provider_message(providers, args.provider))
    method = args.method.upper()
    path, _, query = args.path.partition("?")
    path = path if path.startswith("/") else "/" + path
    if query:  # /communities?per_page=5 works like per_page=5
        from urllib.parse import parse_qsl

        args.items = [f"{k}={v}" for k, v in parse_qsl(query, keep_blank_values=True)] + list(args.items)
    endpoint = provider.endpoint(method, path)
    if endpoint is None:
        import difflib

        keys = [ep.key for ep in provider.endpoints]
        close = difflib.get_close_matches(f"{method} {path}", keys, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise _Usage(
            f"apiplay: {provider.name} has no endpoint {method} {path}{hint} "
            f"(see `apiplay providers {provider.id}`)"
        )
    values: dict = {}
    if "{" not in path:
        values.update(provider.path_values(endpoint, path))
    try:
        items, headers = parse_cli_items(endpoint, list(args.items))
    except ValidationError as exc:
        raise _Usage(_validation_text(exc)) from None
    values.update(items)
    pg = endpoint.paging
    if args.page is not None:
        if not pg.paged:
            raise _Usage(f"apiplay: --page: {endpoint.key} does not page")
        if args.page < 1:
            raise _Usage("apiplay: --page: must be 1 or more")
        if pg.style == "page":
            values[pg.page_param] = pg.first_page + args.page - 1
        else:
            size = values.get(pg.size_param) or pg.default_size
            if not size:
                raise _Usage(f"apiplay: --page needs {pg.size_param}=N for {endpoint.key}")
            values[pg.offset_param] = (args.page - 1) * int(size)
    if args.all_pages and not pg.paged:
        raise _Usage(f"apiplay: --all-pages: {endpoint.key} does not page")
    if args.max_pages is not None and args.max_pages < 1:
        raise _Usage("apiplay: --max-pages: must be 1 or more")
    problems = validate_values(endpoint, values)
    if problems:
        raise _Usage(_validation_text(ValidationError(problems)))
    return provider, endpoint, values, headers


def _validation_text(exc) -> str:
    lines = [f"apiplay: {e.field}: {e.message}" if e.field else f"apiplay: {e.message}" for e in exc.errors]
    return "\n".join(lines)


def _print_json(data, stream=None, raw: bytes | None = None) -> None:
    """Pretty JSON on `stream`; `raw` (the body as received) when it cannot be re-encoded
    (deeper than orjson writes)."""
    import orjson

    stream = stream or sys.stdout
    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (orjson.JSONEncodeError, RecursionError):
        if raw is None:
            raise
        stream.write(raw.decode("utf-8", "replace").rstrip("\n") + "\n")
        stream.flush()
        return
    if stream.isatty():
        try:
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from pygments.lexers import JsonLexer

            text = highlight(text, JsonLexer(), TerminalFormatter()).rstrip("\n")
        except Exception:  # noqa: BLE001 - colour is a nicety
            pass
    stream.write(text + "\n")
    stream.flush()


def _print_body(result) -> None:
    """The decoded JSON, else the raw body (text only; binary only when stdout is not a terminal)."""
    ex = result.exchange
    if result.data is not None:
        _print_json(result.data, raw=ex.body)
        return
    if not ex.body:
        return
    try:
        text = ex.body.decode("utf-8")
    except UnicodeDecodeError:
        if sys.stdout.isatty():
            _err(f"apiplay: the body is binary ({human_size(len(ex.body))}); not shown on a terminal")
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(ex.body)
            sys.stdout.buffer.flush()
        return
    sys.stdout.write((_safe(text) if sys.stdout.isatty() else text).rstrip("\n") + "\n")
    sys.stdout.flush()


def _report(result, *, pages: int | None = None) -> None:
    """Status, time, size, page position, rate meter and explanation on stderr."""
    ex = result.exchange
    if ex.status is not None:
        line = f"{ex.status} {ex.reason}".strip() + f" · {ex.elapsed_s * 1000:.0f} ms · {human_size(ex.size)}"
        if ex.truncated:
            line += " (cut short)"
        _err(line)
    if pages is not None:
        _err(f"{pages} page{'s' if pages != 1 else ''}")
    elif result.page is not None and result.ok and ex.error is None:
        _err(result.page.position)
    if result.meter is not None:
        _err(f"rate: {result.meter.text}")
    if result.decode_problem and ex.status is not None:
        _err(f"apiplay: {result.decode_problem}")
    if result.explanation is not None:
        for line in result.explanation.lines():
            _err(line)


def _exit_code(result) -> int:
    if result.exchange.error is not None:
        return EXIT_NETWORK
    if result.exchange.ok:  # 2xx, even when the body reports a problem (explained on stderr)
        return EXIT_OK
    return EXIT_HTTP


async def _run_call(args, provider, endpoint, values, headers, target, origin, settings) -> int:
    from tui.core.auth import LoginError, missing_message
    from tui.core.client import open_client
    from tui.core.model import ValidationError
    from tui.core.paging import combine
    from tui.core.ratemeter import RateLimited

    credentials = None
    if target == "live":
        from tui.core.credentials import CredentialStore

        credentials = CredentialStore(use_keyring=settings.credentials_store == "keyring").get(provider) or None
    timeout = args.timeout if args.timeout is not None else settings.read_timeout
    client = open_client(provider, target, sandbox_origin=origin, credentials=credentials, timeout=timeout,
                         variables=settings.variables_for(provider), live_url=settings.live_url(provider.id))
    history = _open_history(settings)
    try:
        if args.as_format:
            from tui.core.export import to_curl, to_httpie

            try:
                prepared = client.prepare(endpoint, values, headers=headers)
            except ValidationError as exc:
                _err(_validation_text(exc))
                return EXIT_USAGE
            export = to_curl if args.as_format == "curl" else to_httpie
            print(export(prepared, show_secrets=args.show_secrets, provider=provider))
            return EXIT_OK
        if target == "live":
            missing = missing_message(provider, client.credentials, endpoint, client.placement)
            if missing:
                _err(f"apiplay: {missing}; nothing was sent")
                return EXIT_USAGE
        # ---- --as curl|httpie / --show-secrets: build with client.prepare(...) and print instead of sending.
        try:
            if args.all_pages:
                results = []

                def on_wait(seconds: float) -> None:
                    _err(f"paused by the rate limit, resumes in {seconds:.0f} s")

                async for r in client.iter_pages(endpoint, values, max_pages=args.max_pages, on_wait=on_wait):
                    results.append(r)
                    _keep(history, r, provider, target)
                    if not r.ok:
                        break
                last = results[-1]
                if last.ok or (last.exchange.ok and last.exchange.error is None):
                    _print_json(combine(results))
                    _report(last, pages=len(results))
                    _err(f"{len(combine(results))} items")
                else:
                    _print_body(last)
                    _report(last)
                return _exit_code(last)
            result = await client.send(endpoint, values, headers=headers, force=args.force)
        except ValidationError as exc:  # e.g. an unusable base URL
            _err(_validation_text(exc))
            return EXIT_USAGE
        except RateLimited as exc:
            _err(f"apiplay: {exc.message}" + ("" if args.force else " (use --force to send anyway)"))
            _err("nothing was sent")
            return EXIT_USAGE
        except LoginError as exc:
            _err(f"apiplay: {exc}")
            return {"network": EXIT_NETWORK, "config": EXIT_USAGE}.get(exc.kind, EXIT_HTTP)
        _keep(history, result, provider, target)
        if args.save:
            from tui.core.saved import SavedError, SavedRequests

            try:
                SavedRequests().save(args.save, provider.id, endpoint.method, endpoint.path, values, headers,
                                     target=target, secrets=result.exchange.request.secrets)
            except SavedError as exc:
                _err(f"apiplay: --save: {exc}")
        _print_body(result)
        _report(result)
        return _exit_code(result)
    finally:
        await client.aclose()
        if history is not None:
            history.close()


def _open_history(settings):
    """The history database, opened once per command; None (with a warning) if it cannot be opened."""
    try:
        from tui.core.history import History

        return History.from_settings(settings)
    except Exception as exc:  # noqa: BLE001 - history must never break a call
        _err(f"apiplay: warning: history is unavailable, exchanges will not be kept ({exc})")
        return None


def _keep(history, result, provider, target) -> None:
    """Keep the exchange in history (secrets are masked by History.add)."""
    if history is None:
        return
    try:
        history.add(result.exchange, provider_id=provider.id, target=target)
    except Exception as exc:  # noqa: BLE001 - history must never break a call
        _err(f"apiplay: warning: the exchange was not written to history ({exc})")


def run(args: argparse.Namespace) -> int:
    import asyncio
    import os

    if args.from_history is not None:
        from tui.commands.history import call_args_from_history

        try:
            found = call_args_from_history(args.from_history)
        except LookupError as exc:
            _err(f"apiplay: {exc}")
            return EXIT_USAGE
        extra = [x for x in (args.provider, args.method, args.path) if x] + list(args.items or [])
        args.provider, args.method, args.path = found["provider"], found["method"], found["path"]
        args.items = found["items"] + extra  # anything given after the ID overrides the stored values
        if not getattr(args, "call_target", None):
            args.call_target = found["target"]
    elif not (args.provider and args.method and args.path):
        _err("apiplay: call needs NAME METHOD PATH (or --from-history ID)")
        return EXIT_USAGE
    if args.save:
        from tui.core.saved import SavedError, check_name

        try:
            check_name(args.save)
        except SavedError as exc:
            _err(f"apiplay: --save: {exc}")
            return EXIT_USAGE
    try:
        provider, endpoint, values, headers = _resolve(args)
    except _Usage as exc:
        _err(str(exc))
        return EXIT_USAGE
    from tui.core.settings import load_settings

    settings, warnings = load_settings()
    for warning in warnings:
        _err(f"apiplay: warning: {warning}")
    target = getattr(args, "call_target", None) or getattr(args, "target", None) or settings.target_for(provider.id)
    if target not in ("sandbox", "live"):
        _err(f"apiplay: unknown target {target!r}: expected sandbox or live")
        return EXIT_USAGE
    origin = getattr(args, "call_sandbox_url", None) or getattr(args, "sandbox_url", None) or settings.sandbox_url
    server = None
    if target == "sandbox" and not origin:
        from tui.sandbox.server import SandboxServer

        server = SandboxServer(port=0)
        origin = server.start()
    try:
        return asyncio.run(_run_call(args, provider, endpoint, values, headers, target, origin, settings))
    except ValueError as exc:  # an unusable --sandbox-url or base URL
        _err(f"apiplay: {exc}")
        return EXIT_USAGE
    finally:
        if server is not None:
            server.stop()
