"""Small text formatting shared by the CLI and the TUI (no imports, cheap at start-up)."""

from __future__ import annotations


def human_size(n: int) -> str:
    """1536 -> "1.5 KB": bytes as people read them."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
