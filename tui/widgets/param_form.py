"""The parameter form of one endpoint, made from the pack.

One row per parameter: a label (name, required mark, type, where it goes) and an editor chosen
by type: ``Select`` for an enum, ``Switch`` for a boolean, a small ``TextArea`` for a JSON object
or a whole-body parameter, otherwise an ``Input`` with the default as its placeholder. Every
change is coerced with :func:`tui.core.request.coerce_value`; a bad field is marked with the
reason, and :class:`ParamForm.Changed` carries the typed values and the errors to the panel.
"""

from __future__ import annotations

import json
import re
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from tui.widgets.line_input import LineInput

#: where a parameter goes -> a short word for the label
LOCATION_WORD = {"path": "path", "query": "query", "header": "header", "body": "body"}


def field_id(index: int, name: str) -> str:
    return f"param-{index}-{re.sub(r'[^A-Za-z0-9_-]', '_', name)}"


def uses_editor(param) -> bool:
    """A JSON editor for objects, whole-body params and arrays of objects."""
    return param.whole_body or param.type == "object" or (
        param.type == "array" and param.items_type in ("object", "array")
    )


def editor_kind(param) -> str:
    """The editor a parameter gets: "select" (an enum), "switch" (a boolean), "json" (a TextArea,
    see uses_editor) or "line" (an Input). Select, Switch and TextArea are imported when a form
    first needs one: most forms have none, and the first screen's form is empty (TextArea and its
    document classes alone took about 8 ms of start-up)."""
    if param.enum and param.type != "array":
        return "select"
    if param.type == "boolean":
        return "switch"
    return "json" if uses_editor(param) else "line"


def _default_text(param) -> str:
    if param.default is None:
        return ""
    if isinstance(param.default, (dict, list)):
        return json.dumps(param.default)
    if isinstance(param.default, bool):
        return "true" if param.default else "false"
    return str(param.default)


#: rows mounted before the form is shown; the rest follow in batches
FIRST_ROWS = 8
BATCH_ROWS = 8


def ordered_params(endpoint) -> list[tuple[int, Any]]:
    """(index, param) with required and path parameters first, then paging ones, then the rest."""
    pg = endpoint.paging
    paging = {pg.page_param, pg.size_param, pg.offset_param} if pg.paged else set()

    def rank(item) -> int:
        p = item[1]
        if p.required or p.location == "path":
            return 0
        return 1 if p.name in paging else 2

    return sorted(enumerate(endpoint.params), key=rank)


def coerce(param, text: str) -> Any:
    from tui.core.request import coerce_value

    return coerce_value(param, text)


class ParamRow(Widget):
    """One parameter: label and editor side by side; a line with the error below when there is one.

    Three widgets per row (the error line is mounted only when needed): forms of 30 parameters
    must build in a blink.
    """

    DEFAULT_CSS = """
    ParamRow { height: auto; layout: grid; grid-size: 2; grid-columns: 30 1fr; grid-rows: auto; }
    ParamRow > .param-label { width: 30; height: 1; padding: 0 1 0 0; }
    ParamRow > Input, ParamRow > Select { width: 1fr; }
    ParamRow > Switch { width: auto; height: 1; border: none; padding: 0; }
    ParamRow > TextArea { height: 6; width: 1fr; }
    ParamRow > .param-error { column-span: 2; color: $error; padding: 0 0 0 30; height: auto; }
    ParamRow.-invalid > .param-label { color: $error; }
    ParamRow.-invalid > Input, ParamRow.-invalid > TextArea { border-left: outer $error; }
    """

    def __init__(self, param, index: int, initial: str | None = None) -> None:
        super().__init__(classes="param-row")
        self.param = param
        self.index = index
        self.fid = field_id(index, param.name)
        self.initial = initial
        self.kind = editor_kind(param)
        self.error: str | None = None
        self._editing: Widget | None = None  # the editor, once composed
        self._error_line: Static | None = None  # the "✗ …" line under it, while there is an error

    def compose(self) -> ComposeResult:
        p = self.param
        mark = Content.styled(" *", "bold $error") if p.required else Content("")
        kind = p.type if p.type != "array" else f"array of {p.items_type or 'string'}"
        label = Content.assemble((p.name, "bold"), mark, (f"  {kind} · {LOCATION_WORD.get(p.location, p.location)}", "$text-muted"))
        yield Label(label, classes="param-label")
        self._editing = self._editor()
        yield self._editing

    def _editor(self) -> Widget:
        p = self.param
        init = self.initial
        if self.kind == "select":
            from textual.widgets import Select

            options = [(str(v), v) for v in p.enum]
            value: Any = Select.NULL
            if init not in (None, ""):
                value = next((v for v in p.enum if str(v) == init), Select.NULL)
            prompt = f"default: {p.default}" if p.default is not None else "(not set)"
            return Select(options, prompt=prompt, value=value, id=self.fid, compact=True, allow_blank=True)
        if self.kind == "switch":
            from textual.widgets import Switch

            if init in ("true", "false"):
                on_ = init == "true"
            else:
                on_ = bool(p.default)
            return Switch(value=on_, id=self.fid)
        if self.kind == "json":
            from textual.widgets import TextArea

            text = init if init is not None else ""
            area = TextArea(text, id=self.fid, soft_wrap=True, show_line_numbers=False, tab_behavior="indent")
            area.border_subtitle = "JSON"
            return area
        placeholder = _default_text(p)
        if not placeholder:
            placeholder = {"integer": "a whole number", "number": "a number", "array": "values, comma-separated"}.get(p.type, "")
            if p.format:
                placeholder = p.format
        else:
            placeholder = f"default {placeholder}"
        return LineInput(init or "", placeholder=placeholder, id=self.fid, compact=True)

    # ---- values ---------------------------------------------------------------------------

    def editor(self) -> Widget | None:
        """The editing widget, or None while the row is not composed yet. (Kept, not queried:
        ctrl+s reads every row, and a query per row was half of what sending cost the UI.)"""
        widget = self._editing
        return widget if widget is not None and widget.parent is self else None

    def raw(self) -> str | None:
        """The text the user entered, or None when the field is left at its default/empty."""
        w = self.editor()
        if w is None:  # not mounted yet: the text it will start with
            return self.initial if self.initial not in (None, "") else None
        p = self.param
        if self.kind == "select":
            return None if w.value == w.NULL else str(w.value)
        if self.kind == "switch":
            default = bool(p.default)
            return None if w.value == default else ("true" if w.value else "false")
        if self.kind == "json":
            return w.text if w.text.strip() else None
        if isinstance(w, Input):
            return w.value if w.value.strip() else None
        return None

    def typed(self) -> tuple[bool, Any]:
        """(present, value); sets self.error when the text does not fit the type."""
        w = self.editor()
        self.error = None
        text = self.raw()
        if text is None:
            return False, None
        if self.kind in ("select", "switch"):
            return True, w.value
        try:
            return True, coerce(self.param, text)
        except ValueError as exc:
            self.error = str(exc) or f"{self.param.name}: not a valid {self.param.type}"
            return False, None

    def show_error(self, message: str | None) -> None:
        self.error = message
        if not self.is_mounted:
            return
        self.set_class(bool(message), "-invalid")
        line = self._error_line
        if message:
            text = Content.assemble(("✗ ", "bold"), message)
            if line is not None:
                line.update(text)
            else:
                self._error_line = Static(text, classes="param-error")
                self.mount(self._error_line)
        elif line is not None:
            self._error_line = None
            line.remove()


class ParamForm(VerticalScroll):
    """The form of the chosen endpoint."""

    DEFAULT_CSS = """
    ParamForm { height: 1fr; padding: 0 1; }
    ParamForm #form-empty { color: $text-muted; padding: 1 0; }
    """

    class Changed(Message):
        """The values changed: `values` typed, `errors` {name: message} for bad fields."""

        def __init__(self, form: "ParamForm", values: dict, errors: dict) -> None:
            super().__init__()
            self.form = form
            self.values = values
            self.errors = errors

    class FieldFocused(Message):
        def __init__(self, param) -> None:
            super().__init__()
            self.param = param

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.endpoint = None
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self._posted: tuple | None = None  # (values, errors) of the last Changed posted
        self._generation = 0
        self._rows: list[ParamRow] = []

    def compose(self) -> ComposeResult:
        yield Static("Choose an endpoint on the left (type to filter, enter to pick).", id="form-empty")

    async def show_endpoint(self, endpoint, raw: dict[str, str] | None = None) -> None:
        """Rebuild the form for `endpoint`, pre-filled with `raw` texts (name -> text).

        The first rows (required, path and paging parameters first) are mounted before this returns,
        so typing can start at once; the rest follow in small batches on later turns of the loop.
        """
        self.endpoint = endpoint
        self._posted = None  # a new form: its first values are news even if the last form had the same
        self._generation += 1
        raw = raw or {}
        await self.remove_children()
        rows = [ParamRow(p, i, raw.get(p.name)) for i, p in ordered_params(endpoint)]
        self._rows = rows
        if rows:
            await self.mount_all(rows[:FIRST_ROWS])
            if rows[FIRST_ROWS:]:
                self.call_later(self._mount_more, rows[FIRST_ROWS:], self._generation)
        else:
            await self.mount(Static("This endpoint takes no parameters: press ctrl+s to send.", id="form-empty"))
        self.scroll_home(animate=False)
        self.recompute()

    async def _mount_more(self, rows: list, generation: int) -> None:
        if generation != self._generation:  # another endpoint was chosen meanwhile
            return
        await self.mount_all(rows[:BATCH_ROWS])
        if rows[BATCH_ROWS:]:
            self.call_later(self._mount_more, rows[BATCH_ROWS:], generation)
        else:
            self.recompute()

    @property
    def rows(self) -> list[ParamRow]:
        """Every row of the form, including those still waiting to be mounted."""
        return list(self._rows)

    def focus_first(self) -> None:
        """Focus the first required field (else the first field); nothing when there are no fields."""
        rows = self.rows
        if not rows:
            return
        row = next((r for r in rows if r.param.required), rows[0])
        editor = row.editor()
        if editor is not None:
            editor.focus()

    def raw_values(self) -> dict[str, str]:
        out = {}
        for row in self.rows:
            text = row.raw()
            if text is not None:
                out[row.param.name] = text
        return out

    def set_raw(self, name: str, text: str) -> bool:
        """Fill one field (tests, history, palette)."""
        for row in self.rows:
            if row.param.name == name:
                w = row.editor()
                if w is None:
                    row.initial = text
                elif row.kind == "json":
                    w.text = text
                elif row.kind == "switch":
                    w.value = text.lower() in ("1", "true", "yes", "on")
                elif row.kind == "select":
                    w.value = next((v for v in row.param.enum if str(v) == text), w.NULL)
                elif isinstance(w, Input):
                    w.value = text
                self.recompute()
                return True
        return False

    def recompute(self, mark_required: bool = False) -> None:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for row in self.rows:
            present, value = row.typed()
            if row.error:
                errors[row.param.name] = row.error
            elif present:
                values[row.param.name] = value
            elif mark_required and row.param.required:
                errors[row.param.name] = f"{row.param.name} is required"
        for row in self.rows:
            row.show_error(errors.get(row.param.name))
        self.values, self.errors = values, errors
        if self._posted != (values, errors):  # (ctrl+s re-reads an unchanged form: nothing to tell)
            self._posted = (values, errors)
            self.post_message(self.Changed(self, values, errors))

    def mark_errors(self, errors: dict[str, str]) -> None:
        """Mark fields with errors found elsewhere (the request builder)."""
        for row in self.rows:
            if row.param.name in errors:
                row.show_error(errors[row.param.name])
        # a new dict: a pending Changed message holds the old one, and must not pick up these
        # errors (an unknown name refused once would stick to the form and block later sends)
        self.errors = {**self.errors, **errors}

    @on(Input.Changed)
    def _changed(self, event: Message) -> None:
        if isinstance(event, Input.Changed) and event.input.id and not event.input.id.startswith("param-"):
            return
        event.stop()
        self.recompute()

    def _editor_changed(self, event: Message) -> None:
        event.stop()
        self.recompute()

    # by name: Switch, Select and TextArea are imported only when a form has one (editor_kind)
    on_switch_changed = on_select_changed = on_text_area_changed = _editor_changed

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        for row in self.rows:
            if widget.id == row.fid:
                self.post_message(self.FieldFocused(row.param))
                break
