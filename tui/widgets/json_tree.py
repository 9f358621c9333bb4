"""A lazy, collapsible tree of a parsed JSON value (the response's Tree tab).

Children are made only when a node is first expanded; arrays and objects with more than
``CHUNK`` members show them ``CHUNK`` at a time, followed by a "… N more" node that loads the next
ones when selected. Labels are ``rich.text.Text`` objects built from plain strings, so keys and
values from an API can never inject markup; control characters are shown as visible symbols.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import on
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.core.jsonview import inert_text

__all__ = ["JsonTree", "CHUNK"]

#: Members shown per step for large arrays and objects.
CHUNK = 100
#: Longest preview of a scalar value in a label.
MAX_PREVIEW = 200


@dataclass
class _Slot:
    """What a node stands for: a JSON value, and for "more" nodes where the next chunk starts."""

    value: Any
    loaded: int = 0  # members added so far (containers)
    more_of: TreeNode | None = None  # set on a "… N more" node: the container node it extends


def _scalar(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > MAX_PREVIEW:
        text = text[: MAX_PREVIEW - 1] + "…"
    return inert_text(text)


def _summary(value: Any) -> str:
    if isinstance(value, dict):
        n = len(value)
        return f"{{}} {n:,} key{'s' if n != 1 else ''}"
    n = len(value)
    return f"[] {n:,} item{'s' if n != 1 else ''}"


class JsonTree(Tree[_Slot]):
    """`load(value)` shows a parsed JSON value; nodes expand lazily."""

    COMPONENT_CLASSES = Tree.COMPONENT_CLASSES | {
        "json-tree--key",
        "json-tree--index",
        "json-tree--string",
        "json-tree--number",
        "json-tree--literal",
        "json-tree--summary",
        "json-tree--more",
    }

    DEFAULT_CSS = """
    JsonTree { height: 1fr; }
    JsonTree > .json-tree--key { color: $text-accent; }
    JsonTree > .json-tree--index { color: $text-muted; }
    JsonTree > .json-tree--string { color: $text-success; }
    JsonTree > .json-tree--number { color: $text-warning; }
    JsonTree > .json-tree--literal { color: $text-primary; text-style: bold; }
    JsonTree > .json-tree--summary { color: $text-muted; }
    JsonTree > .json-tree--more { color: $text-muted; text-style: italic; }
    """

    def __init__(self, label: str = "response", *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(Text(label), data=_Slot(None), name=name, id=id, classes=classes)
        self.show_root = True
        self.guide_depth = 3
        self._json_styles: dict[str, Style] = {}
        self._document = None
        self._pending_label = "response"

    # ------------------------------------------------------------------ API

    def load(self, value: Any, label: str = "response") -> None:
        """Show `value` (the parsed JSON). Only the root's first level is built."""
        self.clear()
        self.workers.cancel_group(self, "json-tree-parse")
        root = self.root
        root.data = _Slot(value)
        root.set_label(self._label(Text(label, style=self._style("key")), value))
        root.allow_expand = isinstance(value, (dict, list)) and bool(value)
        if root.allow_expand:
            root.expand()  # posts NodeExpanded -> the first chunk is added

    def load_document(self, document, label: str = "response") -> None:
        """Show a prepared :class:`~tui.core.jsonview.Document`'s value; a large body is parsed
        in a thread worker first (the tree says so meanwhile), never on the UI thread."""
        self._document = document
        if not document.is_json:
            self.show_message(document.problem or "The body is not JSON: there is no tree to show.")
        elif document.has_data:
            self._show_data(document, label)
        else:
            self.show_message(f"Parsing {document.size:,} bytes for the tree…")
            self.run_worker(lambda: document.data, thread=True, exclusive=True,
                            group="json-tree-parse", name="json-tree-parse", description="parse body")
            self._pending_label = label

    def _show_data(self, document, label: str) -> None:
        if document.data is None:
            self.show_message(document.problem or "The body could not be parsed: there is no tree to show.")
        else:
            self.load(document.data, label)

    def on_worker_state_changed(self, event) -> None:
        if event.worker.name != "json-tree-parse":
            return
        event.stop()
        if event.state.name == "SUCCESS" and self._document is not None and self._document.has_data:
            self._show_data(self._document, self._pending_label)
        elif event.state.name == "ERROR":
            self.show_message("The body could not be parsed: there is no tree to show.")

    def show_message(self, message: str) -> None:
        """Show a one-line note instead of a value (e.g. "The body is not JSON")."""
        self.clear()
        self.root.data = _Slot(None)
        self.root.set_label(Text(inert_text(message), style=self._style("summary")))
        self.root.allow_expand = False

    # ------------------------------------------------------------------ building

    def _style(self, kind: str) -> Style:
        """Foreground and text style of a component class (no background: the cursor line shows)."""
        style = self._json_styles.get(kind)
        if style is None:
            try:
                full = self.get_component_rich_style(f"json-tree--{kind}")
            except Exception:  # noqa: BLE001 - before mount there are no styles yet
                return Style()
            style = Style(color=full.color, bold=full.bold, italic=full.italic)
            self._json_styles[kind] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._json_styles = {}

    def _label(self, name: Text, value: Any) -> Text:
        label = Text()
        label.append_text(name)
        label.append(": " if not isinstance(value, (dict, list)) else " ")
        if isinstance(value, (dict, list)):
            label.append(_summary(value), self._style("summary"))
        elif isinstance(value, str):
            label.append(_scalar(value), self._style("string"))
        elif isinstance(value, bool) or value is None:
            label.append(_scalar(value), self._style("literal"))
        else:
            label.append(_scalar(value), self._style("number"))
        return label

    def _populate(self, node: TreeNode[_Slot]) -> None:
        slot = node.data
        if slot is None:
            return
        value = slot.value
        if not isinstance(value, (dict, list)):
            return
        start = slot.loaded
        stop = min(len(value), start + CHUNK)
        if isinstance(value, dict):
            items = list(_islice_dict(value, start, stop))
            for key, child in items:
                self._add(node, Text(inert_text(str(key)), style=self._style("key")), child)
        else:
            for index in range(start, stop):
                self._add(node, Text(f"[{index}]", style=self._style("index")), value[index])
        slot.loaded = stop
        remaining = len(value) - stop
        if remaining > 0:
            more = node.add_leaf(
                Text(f"… {remaining:,} more (enter to show {min(CHUNK, remaining)})",
                     style=self._style("more")),
                data=_Slot(None, more_of=node),
            )
            more.allow_expand = False

    def _add(self, parent: TreeNode[_Slot], name: Text, value: Any) -> None:
        label = self._label(name, value)
        if isinstance(value, (dict, list)) and value:
            parent.add(label, data=_Slot(value), allow_expand=True)
        else:
            parent.add_leaf(label, data=_Slot(value))

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[_Slot]) -> None:
        node = event.node
        if node.data is not None and node.data.loaded == 0 and not node.children:
            self._populate(node)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[_Slot]) -> None:
        node = event.node
        slot = node.data
        if slot is not None and slot.more_of is not None:
            event.stop()
            container = slot.more_of
            node.remove()
            self._populate(container)


def _islice_dict(value: dict, start: int, stop: int):
    from itertools import islice

    return islice(value.items(), start, stop)
