"""Command palette (ctrl+p) commands: jump to any endpoint of any provider, switch panels."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class EntryCommands(Provider):
    """A palette provider over `_entries()`: (text, callback, help) triples, all shown when the palette
    opens and matched against the text and the help as the user types."""

    def _entries(self):
        return ()

    async def discover(self) -> Hits:
        for text, callback, help_text in self._entries():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(f"{text} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text[:100])


class EndpointCommands(EntryCommands):
    """Every endpoint of every provider, as "Noosfero: GET /communities  List communities"."""

    def _entries(self):
        app = self.app
        for provider in getattr(app, "providers", []) or []:
            yield (f"Show {provider.name}", partial(app.show_provider, provider.id),
                   f"Switch to the {provider.name} panel")
            for ep in provider.endpoints:
                text = f"{provider.name}: {ep.method} {ep.path}"
                yield text, partial(app.jump_to, provider.id, ep.key), ep.summary or ep.description or ""

    async def discover(self) -> Hits:  # the panels only: 125 endpoints are too many to list unasked
        for provider in getattr(self.app, "providers", []) or []:
            yield DiscoveryHit(f"Show {provider.name}", partial(self.app.show_provider, provider.id),
                               help=f"Switch to the {provider.name} panel")


class ResponseCommands(EntryCommands):
    """The active panel's answer actions: copy as curl / HTTPie, copy or save the body, filter, load more."""

    _COMMANDS = (
        ("Copy request as curl", "copy_curl", "The current request as a curl command (secrets as $VARIABLES)"),
        ("Copy request as HTTPie", "copy_httpie", "The current request as an HTTPie command (secrets as $VARIABLES)"),
        ("Copy response body", "copy_body", "The body as received (or the filter's result) to the clipboard"),
        ("Save response body to a file", "save_body", "Write the body to a file (asks for the path)"),
        ("Filter the response (JMESPath)", "filter_body", "A JMESPath expression over the body, e.g. [].name"),
        ("Load more of the body", "load_more", "Send again with twice the body cap (the body was cut)"),
        ("Save the whole body to a file", "download_body", "Send again and stream the whole body to a file"),
    )

    def _entries(self):
        app = self.app
        panel = getattr(app, "active_panel", None)
        if panel is None or not getattr(panel, "built", False) or not hasattr(panel, "response_action_state"):
            return
        for text, action, help_text in self._COMMANDS:
            if panel.response_action_state(action):
                yield text, partial(app.action_panel, action), help_text
