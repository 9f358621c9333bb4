"""The help screen: every key of the app and of the screen underneath, and a short how-to.

``HelpScreen()`` is a ``ModalScreen[None]``; escape (or F1 again) closes it. The keys are read when it is
shown from the bindings in force on the screen below it (the app's, that screen's and those of the focused
widget and its parents), plus every binding with an id declared by any widget on that screen, so what it
lists is what the keyboard does, remaps included. Each row shows the binding id: the name to use in
``config.toml`` to remap it (see :mod:`tui.core.settings`)::

    [keys]
    send = "ctrl+enter"
    next_page = "ctrl+right,ctrl+n"

Widget ids: ``#help-dialog``, ``#help-howto`` (Markdown), ``#help-keys`` (DataTable: Key, Action, Id, Where).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Markdown, Static

#: The config.toml table that remaps keys (binding id -> comma-separated keys), read by tui.core.settings.
KEYMAP_SECTION = "keys"


@dataclass
class KeyRow:
    keys: list[str]  # as displayed, e.g. ["ctrl+s"] or ["ctrl+c", "super+c"]
    description: str
    id: str  # "" when the binding has none (cannot be remapped)
    where: str  # "Everywhere", "This screen", or the widget it belongs to
    action: str


def _where(node: DOMNode, below: Screen) -> str:
    if node is below.app:
        return "Everywhere"
    if node is below:
        return "This screen"
    return _pretty(type(node).__name__)


def _pretty(class_name: str) -> str:
    out = []
    for i, ch in enumerate(class_name):
        if ch.isupper() and i and not class_name[i - 1].isupper():
            out.append(" ")
        out.append(ch)
    text = "".join(out)
    return text[:1].upper() + text[1:].lower()


def collect_key_rows(below: Screen) -> list[KeyRow]:
    """Every binding reachable from `below`: its active chain first, then any binding with an id that a
    widget on it declares. Bindings of the same id/action on several widgets are listed once."""
    app = below.app
    rows: dict[tuple[str, str], KeyRow] = {}
    order: list[tuple[str, str]] = []

    def add(node: DOMNode, binding: Binding, key: str) -> None:
        if binding.system:
            return
        where = _where(node, below)
        ident = (where, binding.id or binding.action)
        try:
            shown = app.get_key_display(binding.with_key(key)) if key else binding.key
        except Exception:
            shown = key
        row = rows.get(ident)
        if row is None:
            description = binding.description or binding.tooltip or binding.action
            if binding.action == "command_palette":
                description = "Command palette"
            rows[ident] = KeyRow([shown], description, binding.id or "", where, binding.action)
            order.append(ident)
        elif shown not in row.keys:
            row.keys.append(shown)

    try:
        chain = below._binding_chain  # (node, BindingsMap) from the focused widget up to the app
    except Exception:
        chain = [(below, below._bindings), (app, app._bindings)]
    seen_nodes = set()
    for node, bindings_map in chain:
        seen_nodes.add(id(node))
        everything = node is app or node is below
        for key, binding in bindings_map:
            # A focused Input's dozens of editing keys are Textual's own: list only what the app
            # declared (an id) or what the widget shows in the footer.
            if everything or binding.id or binding.show:
                add(node, binding, key)
    # Widgets elsewhere on the screen (another panel, an unfocused list) with remappable bindings.
    keymap = getattr(app, "_keymap", {}) or {}
    for node in below.walk_children(with_self=False):
        if id(node) in seen_nodes:
            continue
        for key, binding in node._bindings:
            if binding.id:
                if binding.id in keymap:
                    for remapped in str(keymap[binding.id]).split(","):
                        add(node, binding, remapped.strip())
                else:
                    add(node, binding, key)
    rank = {"Everywhere": 0, "This screen": 1}
    return sorted((rows[i] for i in order), key=lambda r: rank.get(r.where, 2))


def how_to(rows: list[KeyRow]) -> str:
    """The first-time user's guide, naming the keys actually bound."""

    def key(ident: str, fallback: str) -> str:
        for row in rows:
            if row.id == ident or row.action == ident:
                return f"**{row.keys[0]}**"
        return fallback

    return f"""\
## Getting started

1. **Pick a provider**: click its tab, or press {key("next_provider", "the tab")} to move to the next one.
2. **Pick an endpoint** from the list on the left: type to filter ({key("filter", "click the filter box")}
   jumps there), or press {key("command_palette", "ctrl+p")} to jump to any endpoint of any provider.
3. **Fill the form**: required fields are marked; a wrong value is marked as you type and the preview shows
   the exact request that will be sent.
4. **Send** with {key("send", "the Send button")} or the **Send** button; {key("cancel", "escape")} cancels
   a request in flight.
5. **Read the answer**: Body (highlighted JSON, `/` to search), Headers, Tree, Raw, Request (a curl
   command, secrets masked) and **Explain**, which says what an error means and what to do.
6. **Page** through a list: {key("next_page", "next")} / {key("prev_page", "previous")}, or
   {key("fetch_all", "fetch all")} to walk every page into one list (it pauses before the rate limit).
7. **Watch the meter**: requests in the current window against the limit; when a provider blocks you
   it counts down and holds sending ({key("force_send", "send anyway")} overrides).
8. **Credentials**: {key("credentials", "the Credentials button")}. In the sandbox the demo account is
   filled in, and buttons pick accounts that trigger each documented error.
   {key("switch_target", "The target button")} switches between the sandbox and the live API.

## Themes, screenshots, keys

* **Themes**: {key("command_palette", "ctrl+p")} → *Change theme*. Your own themes go in
  `<config dir>/themes/*.toml` (see the README).
* **Screenshots**: {key("screenshot", "the screenshot key")} saves an SVG of the screen;
  `apiplay screenshot` renders the README's images.
* **Remap a key**: in `config.toml`, a `[{KEYMAP_SECTION}]` table maps a binding **Id** from the table
  to new keys, e.g. `send = "ctrl+enter"`. Keys without an id are Textual's own.
* **Start with a theme**: `theme = "light"` in `config.toml`, `--theme light`, or `APIPLAY_THEME`.
* Close this screen with **escape**. Quit with {key("quit", "ctrl+q")}.
"""


class HelpScreen(ModalScreen[None]):
    """Every key, with its id, and how to get started."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }
    HelpScreen #help-dialog {
        width: 96%;
        max-width: 160;
        height: 92%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title {
        text-style: bold;
        color: $text-primary;
        height: 1;
    }
    HelpScreen #help-columns {
        height: 1fr;
    }
    HelpScreen #help-howto-scroll {
        width: 1fr;
        min-width: 40;
        height: 1fr;
        margin-right: 1;
    }
    HelpScreen #help-howto {
        margin: 0;
        padding: 0;
    }
    HelpScreen #help-keys {
        width: auto;
        max-width: 66%;
        height: 1fr;
    }
    HelpScreen #help-footer {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("f1", "close", "Close", show=False, id="help.close_f1"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[KeyRow] = []

    def _screen_below(self) -> Screen | None:
        stack = list(self.app.screen_stack)
        if self in stack:
            index = stack.index(self)
            return stack[index - 1] if index > 0 else None
        return stack[-1] if stack else None

    def compose(self) -> ComposeResult:
        below = self._screen_below()
        self.rows = collect_key_rows(below) if below is not None else []
        with Vertical(id="help-dialog"):
            yield Static("apiplay · help", id="help-title")
            with Horizontal(id="help-columns"):
                with VerticalScroll(id="help-howto-scroll"):
                    yield Markdown(how_to(self.rows), id="help-howto")
                yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static(f"escape closes · remap a key: its Id under [{KEYMAP_SECTION}] in config.toml",
                         id="help-footer", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#help-keys", DataTable)
        table.add_column("Key")
        table.add_column("Action")
        table.add_column(Text(f"Id (for [{KEYMAP_SECTION}])"))
        table.add_column("Where")
        for row in self.rows:
            table.add_row(
                Text(" / ".join(row.keys), style="bold"),
                Text(row.description),
                Text(row.id or "—"),
                Text(row.where),
            )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
