"""The docs pane of a provider: auth, status codes, paging and limits, as Markdown from the pack."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll


def docs_markdown(provider) -> str:
    try:
        from tui.core.docs import provider_docs
    except ImportError:  # pragma: no cover - the docs module is not there yet
        return f"# {provider.name}\n\n{provider.description}\n\n{provider.docs}"
    try:
        return provider_docs(provider)
    except Exception as exc:  # a broken custom pack must not break the panel
        return f"# {provider.name}\n\nThe docs could not be made: {exc}"


class DocsPane(VerticalScroll):
    """Markdown, rendered on first show (not at start-up)."""

    DEFAULT_CSS = """
    DocsPane { height: 1fr; padding: 0 2; }
    """

    def __init__(self, provider, **kwargs) -> None:
        super().__init__(**kwargs)
        self.provider = provider
        self.loaded = False

    def compose(self) -> ComposeResult:
        return iter(())  # the Markdown widget (a slow import) is mounted when first shown

    async def ensure_loaded(self) -> None:
        if not self.loaded:
            self.loaded = True
            from textual.widgets import Markdown

            await self.mount(Markdown(docs_markdown(self.provider), id="docs-markdown"))
