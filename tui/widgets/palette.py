"""Command palette (ctrl+p) commands: jump to any endpoint of any provider, switch panels."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class EndpointCommands(Provider):
    """Every endpoint of every provider, as "Noosfero: GET /communities  List communities"."""

    def _entries(self):
        app = self.app
        for provider in getattr(app, "providers", []) or []:
            yield (f"Show {provider.name}", partial(app.show_provider, provider.id),
                   f"Switch to the {provider.name} panel")
            for ep in provider.endpoints:
                text = f"{provider.name}: {ep.method} {ep.path}"
                yield text, partial(app.jump_to, provider.id, ep.key), ep.summary or ep.description or ""

    async def discover(self) -> Hits:
        for provider in getattr(self.app, "providers", []) or []:
            yield DiscoveryHit(f"Show {provider.name}", partial(self.app.show_provider, provider.id),
                               help=f"Switch to the {provider.name} panel")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(f"{text} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text[:100])
