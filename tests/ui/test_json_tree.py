"""JsonTree: a lazy, collapsible tree of the parsed JSON."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.json_tree import CHUNK, JsonTree


class TreeApp(App):
    def compose(self) -> ComposeResult:
        yield JsonTree(id="tree")


def labels(node) -> list[str]:
    return [child.label.plain for child in node.children]


async def test_children_are_made_only_when_a_node_is_expanded():
    value = {"user": {"name": "Ana", "roles": ["admin", "dev"]}, "count": 2, "ok": True, "none": None}
    app = TreeApp()
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(JsonTree)
        tree.load(value)
        await pilot.pause()
        root = tree.root
        assert root.label.plain == "response {} 4 keys"
        assert labels(root) == ["user {} 2 keys", "count: 2", "ok: true", "none: null"]
        user = root.children[0]
        assert user.allow_expand and len(user.children) == 0  # nothing built yet
        user.expand()
        await pilot.pause()
        assert labels(user) == ['name: "Ana"', "roles [] 2 items"]
        roles = user.children[1]
        assert len(roles.children) == 0
        roles.expand()
        await pilot.pause()
        assert labels(roles) == ['[0]: "admin"', '[1]: "dev"']


async def test_large_arrays_come_in_chunks_with_a_more_node():
    value = list(range(250))
    app = TreeApp()
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(JsonTree)
        tree.load(value)
        await pilot.pause()
        root = tree.root
        assert len(root.children) == CHUNK + 1
        assert root.children[-1].label.plain.startswith("… 150 more")
        tree.focus()
        tree.select_node(root.children[-1])
        await pilot.press("enter")
        await pilot.pause()
        assert len(root.children) == 2 * CHUNK + 1
        assert root.children[CHUNK].label.plain == f"[{CHUNK}]: {CHUNK}"
        assert root.children[-1].label.plain.startswith("… 50 more")


async def test_labels_cannot_inject_markup_or_control_characters():
    value = {"[bold red]key[/]": "[link=http://x]v[/link] \x1b[2J"}
    app = TreeApp()
    async with app.run_test(size=(80, 10)) as pilot:
        tree = app.query_one(JsonTree)
        tree.load(value)
        await pilot.pause()
        label = tree.root.children[0].label
        assert label.plain == '[bold red]key[/]: "[link=http://x]v[/link] \\u001b[2J"'
        assert not any("link" in str(span.style) for span in label.spans)


async def test_scalars_and_messages():
    app = TreeApp()
    async with app.run_test(size=(60, 10)) as pilot:
        tree = app.query_one(JsonTree)
        tree.load("just a string")
        await pilot.pause()
        assert tree.root.label.plain == 'response: "just a string"' and not tree.root.allow_expand
        tree.show_message("The body is not JSON; no tree to show.")
        await pilot.pause()
        assert tree.root.label.plain == "The body is not JSON; no tree to show."


async def test_a_large_document_is_parsed_in_a_worker_then_shown(monkeypatch):
    import orjson

    from tui.core import jsonview

    monkeypatch.setattr(jsonview, "KEEP_DATA_LIMIT", 1000)
    monkeypatch.setattr(jsonview, "CHUNKED_LIMIT", 1000)
    doc = jsonview.prepare(orjson.dumps([{"id": i} for i in range(500)]), progressive=False)
    assert not doc.has_data
    app = TreeApp()
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(JsonTree)
        tree.load_document(doc)
        for _ in range(100):
            if tree.root.label.plain.startswith("response"):
                break
            await pilot.pause(0.02)
        assert tree.root.label.plain == "response [] 500 items"
        assert len(tree.root.children) == CHUNK + 1
        tree.load_document(jsonview.prepare(b"<html>oops</html>", content_type="text/html"))
        await pilot.pause()
        assert "not JSON" in tree.root.label.plain
