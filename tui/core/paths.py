"""Where apiplay keeps its files.

* ``config_dir()``: the platformdirs user config dir for "apiplay" (``~/.config/apiplay`` on Linux),
  or ``$APIPLAY_CONFIG_DIR`` when set. Holds ``config.toml`` (the user's, never rewritten),
  ``state.toml`` (what the app remembers), ``credentials.toml`` (mode 0600), ``themes/``,
  ``providers/`` (custom OpenAPI packs) and ``requests/`` (saved requests).
* ``data_dir()``: the platformdirs user data dir, or ``$APIPLAY_DATA_DIR``. Holds ``history.sqlite3``.

Nothing here creates directories except :func:`ensure_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "apiplay"


def config_dir() -> Path:
    override = os.environ.get("APIPLAY_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    override = os.environ.get("APIPLAY_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The user's hand-written settings (read only by apiplay)."""
    return config_dir() / "config.toml"


def state_file() -> Path:
    """Settings the app changes itself (theme picked in the app, ...); config.toml overrides it."""
    return config_dir() / "state.toml"


def credentials_file() -> Path:
    return config_dir() / "credentials.toml"


def themes_dir() -> Path:
    return config_dir() / "themes"


def providers_dir() -> Path:
    return config_dir() / "providers"


def requests_dir() -> Path:
    return config_dir() / "requests"


def history_file() -> Path:
    return data_dir() / "history.sqlite3"


def ensure_dir(path: Path, mode: int = 0o700) -> Path:
    """Create `path` (and parents) if missing; a directory we create gets `mode` (private by default)."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=mode)
        try:
            os.chmod(path, mode)
        except OSError:
            pass
    return path
