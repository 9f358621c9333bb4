"""`apiplay credentials PROVIDER ...`: store, show or forget a provider's credentials and live URL.

    apiplay credentials gocache --token -            # the token is read from stdin (keeps it out of ps/history)
    apiplay credentials noosfero --login ana --password -
    apiplay credentials trackingram --email me@example.com --token -
    apiplay credentials noosfero --url https://noosfero.example.org/api/v1
    apiplay credentials gocache --show               # where each value comes from, secrets masked
    apiplay credentials gocache --forget

Credentials go to ``<config dir>/credentials.toml`` (mode 0600), or the system keyring when opted in
(``[credentials] store = "keyring"`` in config.toml, or ``APIPLAY_KEYRING=1``). Environment variables
(``APIPLAY_GOCACHE_TOKEN`` ...) always win over stored values. ``--url`` is remembered in state.toml.

Exit status: 0 done; 2 usage error (unknown provider or field, nothing to read on stdin, a broken file).
"""

from __future__ import annotations

import argparse
import sys

#: option -> credential field
_FIELDS = (("token", "token"), ("email", "email"), ("login", "login"), ("password", "password"))


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "credentials",
        help="store, show or forget a provider's credentials",
        description="Store a provider's credentials (in a file only you can read, mode 0600, or the "
        "system keyring), show where they come from, or forget them. A value given as '-' is read from "
        "stdin, which keeps secrets out of your shell history. Environment variables always win.",
    )
    p.add_argument("provider", metavar="PROVIDER", help="provider id or name, e.g. gocache")
    p.add_argument("--token", metavar="T", help="API token (GoCache, Noosfero private token, Trackingram tokenApi)")
    p.add_argument("--email", metavar="E", help="account e-mail (Trackingram)")
    p.add_argument("--login", metavar="L", help="login (Noosfero; used with --password to get a token)")
    p.add_argument("--password", metavar="P", help="password (Noosfero login)")
    p.add_argument("--url", metavar="U", help="the provider's live base URL (remembered in state.toml)")
    p.add_argument("--forget", action="store_true", help="remove the stored credentials")
    p.add_argument("--show", action="store_true", help="show where each credential comes from (masked)")


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _read_stdin(option: str) -> str:
    if sys.stdin is None or sys.stdin.closed:
        raise ValueError(f"--{option} -: nothing to read on stdin")
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"{option}: ")
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise ValueError(f"--{option} -: stdin was empty; pipe the value in, e.g. `printf %s \"$T\" | apiplay ...`")
    return value


def _show(store, provider, settings) -> None:
    from tui.core.auth import env_name
    from tui.core.credentials import provider_fields

    print(f"{provider.name} ({provider.id})")
    rows = {f: (v, where) for f, v, where in store.describe(provider)}
    for f in provider_fields(provider):
        if f in rows:
            value, where = rows[f]
            print(f"  {f}: {value}  from {where}")
        else:
            print(f"  {f}: not set  (set {env_name(provider, f)} or use --{f} if available)")
    url = settings.live_url(provider.id)
    origin = settings.origins.get(f"providers.{provider.id}.url")
    if url:
        print(f"  live URL: {url}  from {origin}")
    else:
        print(f"  live URL: {provider.base_url('live', variables=settings.variables_for(provider))}  (the pack's)")
    for w in store.warnings:
        _err(f"apiplay: warning: {w}")


def run(args: argparse.Namespace) -> int:
    from tui.commands.providers import find_provider, load_all, unknown_provider_message
    from tui.core.auth import env_name
    from tui.core.credentials import CredentialsError, CredentialStore, provider_fields
    from tui.core.settings import load_settings, save_settings

    providers, _warnings = load_all()
    provider = find_provider(providers, args.provider)
    if provider is None:
        _err(unknown_provider_message(providers, args.provider))
        return 2
    settings, _ = load_settings()
    store = CredentialStore(use_keyring=settings.credentials_store == "keyring")
    known = provider_fields(provider)

    given = [(opt, field, getattr(args, opt)) for opt, field in _FIELDS if getattr(args, opt) is not None]
    if [v for _o, _f, v in given].count("-") > 1:
        _err("apiplay: only one value can be read from stdin ('-') at a time")
        return 2
    if args.forget and given:
        _err("apiplay: --forget cannot be combined with new values")
        return 2
    values: dict[str, str] = {}
    for opt, field, value in given:
        if field not in known:
            _err(f"apiplay: {provider.name} has no credential '{field}' (its credentials: {', '.join(known) or 'none'})")
            return 2
        if value == "-":
            try:
                value = _read_stdin(opt)
            except (ValueError, EOFError) as exc:
                _err(f"apiplay: {exc}")
                return 2
        values[field] = value

    did = False
    if args.url is not None:
        try:
            notes = save_settings({"providers": {provider.id: {"url": args.url or None}}})
        except ValueError as exc:
            _err(f"apiplay: --url: {str(exc).split(': ', 2)[-1]}")
            return 2
        print(f"{provider.name}: live URL " + (f"set to {args.url}" if args.url else "reset to the pack's"))
        for n in notes:
            _err(f"apiplay: note: {n}")
        did = True
    try:
        if args.forget:
            removed = store.forget(provider.id)
            print(f"{provider.name}: stored credentials {'forgotten' if removed else 'were not stored'}")
            env_set = store.env_overrides(provider)
            if env_set:
                _err(f"apiplay: note: {', '.join(env_set)} still set in the environment")
            did = True
        if values:
            where = store.set(provider.id, values)
            place = "the system keyring" if where == "keyring" else f"{store.path} (mode 600)"
            print(f"{provider.name}: stored {', '.join(values)} in {place}")
            overrides = store.env_overrides(provider)
            for f in values:
                var = env_name(provider, f)
                if var in overrides:
                    _err(f"apiplay: note: {var} is set in the environment and wins over the stored {f}")
            did = True
    except CredentialsError as exc:
        _err(f"apiplay: {exc}")
        return 2
    if args.show or not did:
        _show(store, provider, load_settings()[0])
    return 0
