"""Live credentials and base URLs from the environment (``APIPLAY_*``).

* credentials: each :class:`~tui.core.model.CredentialField`'s ``env`` variable (the pack names
  it, e.g. ``APIPLAY_GOCACHE_TOKEN``), else ``APIPLAY_<PROVIDER>_<FIELD>``;
* ``APIPLAY_<PROVIDER>_URL`` overrides a provider's live base URL.

A stored-credentials layer (``tui.core.credentials``) may sit on top later; this module only
reads the environment. No Textual, no I/O besides reading `env`.
"""

from __future__ import annotations

import os
import re
from typing import Mapping

from tui.core.auth import env_name
from tui.core.model import Provider


def credential_fields(provider: Provider) -> list[str]:
    """Every credential field a provider knows (declared, used by placements, or by login)."""
    names = [c.name for c in provider.auth.credentials]
    for p in provider.auth.placements:
        for f in (p.field, p.password_field):
            if f and f not in names:
                names.append(f)
    if provider.auth.login:
        for f in list(provider.auth.login.fields.values()) + [provider.auth.login.stores]:
            if f not in names:
                names.append(f)
    return names


def credentials_from_env(provider: Provider, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """{field: value} for every credential set (non-empty) in the environment."""
    env = os.environ if env is None else env
    out: dict[str, str] = {}
    for name in credential_fields(provider):
        value = env.get(env_name(provider, name))
        if value:
            out[name] = value
    return out


def url_variable(provider: Provider) -> str:
    """The variable that overrides the live base URL: ``APIPLAY_<PROVIDER>_URL``."""
    ident = re.sub(r"\W", "_", provider.id).upper()
    return f"APIPLAY_{ident}_URL"


def url_override(provider: Provider, env: Mapping[str, str] | None = None) -> str | None:
    """The live base URL override from the environment, or None."""
    env = os.environ if env is None else env
    value = (env.get(url_variable(provider)) or "").strip()
    return value or None
