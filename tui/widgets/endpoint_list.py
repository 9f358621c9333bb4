"""The endpoint list of one provider: grouped by tag, method badges, filter as you type."""

from __future__ import annotations

import re
from typing import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Input, OptionList
from rich.cells import cell_len
from rich.segment import Segment
from textual.widgets.option_list import Option

from tui.widgets.line_input import LineInput

#: method -> theme variable of its badge
METHOD_STYLE = {
    "GET": "$method-get",
    "POST": "$method-post",
    "PUT": "$method-put",
    "PATCH": "$method-patch",
    "DELETE": "$method-delete",
}
#: usable characters on an option's line
LINE_WIDTH = 43
AUTH_MARK = {"none": "open", "optional": "optional", "required": "token", "admin": "admin"}
EVIDENCE_MARK = {"documented": "documented", "seen-in-client": "client", "inferred": "inferred"}


def method_badge(method: str) -> Content:
    style = METHOD_STYLE.get(method, "$method-other")
    return Content.styled(f"{method:<7}", f"bold {style}")


def matches(endpoint, words: list[str]) -> bool:
    """Every word of the filter appears in the method, path, summary or tag."""
    hay = f"{endpoint.method} {endpoint.path} {endpoint.summary} {endpoint.tag}".lower()
    return all(w in hay for w in words)


def endpoint_prompt(endpoint) -> Content:
    """Two lines: method badge, path and (right) auth / evidence marks; then the summary."""
    marks = AUTH_MARK.get(endpoint.auth, endpoint.auth)
    if endpoint.evidence:
        marks += " · " + EVIDENCE_MARK.get(endpoint.evidence, endpoint.evidence)
    first = 7 + len(endpoint.path)
    summary = (endpoint.summary or endpoint.operation_id or "").strip().splitlines()
    summary = summary[0] if summary else ""
    if first + 2 + len(marks) <= LINE_WIDTH:
        line1_marks = " " * (LINE_WIDTH - first - len(marks)) + marks
        tail = ""
    else:
        line1_marks, tail = "", "  " + marks
    room = LINE_WIDTH - 7 - len(tail)
    if len(summary) > room:
        summary = summary[: room - 1].rstrip() + "…"
    if tail:
        summary = summary.ljust(room)
    return Content.assemble(
        method_badge(endpoint.method),
        (endpoint.path, "bold"),
        (line1_marks, "italic $text-muted"),
        "\n       ",
        (summary, "$text-muted"),
        (tail, "italic $text-muted"),
    )


class EndpointOptions(OptionList):
    """An OptionList whose rendered options and line map always match the width they are drawn at.

    Textual's OptionList drops every rendered option and its line map on each Resize event, and
    trusts them in between. Both halves went wrong here:

    - The first Resize arrives just after the first frame, when the list was already rendered at its
      final width, so the whole list was rendered twice at start-up (a third of a frame's time).
    - The vertical scrollbar can appear without a Resize reaching the list (a panel mounted while
      hidden): the line map was measured one column wider than the options were then rendered, so
      a long path that wraps at the narrower width lost its summary line.

    So each cache remembers the width it was made at and is checked at every use: kept when the
    width is the same (or, for the line map, when no prompt wraps at either width), dropped otherwise.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._render_width: int | None = None  # the width the cached renders were made at
        self._lines_width: int | None = None  # the width the line map was measured at

    def _fit_caches(self) -> None:
        """Drop the renders and the line map if they were made at another width than the current one."""
        width = self.scrollable_content_region.width
        if self._render_width != width:
            self._option_render_cache.clear()
            self._render_width = width
        if self._lines_width != width:
            if self._lines_width is not None and not self._same_heights(self._lines_width, width):
                self._line_cache.clear()
            self._lines_width = width

    #: True while render_lines draws: the width, the options and the line map cannot change then
    _drawing = False

    def render_lines(self, crop):
        # Textual's OptionList brings its line map up to date and measures its width again for every
        # line it draws (twice a line with the checks above): half of drawing the list, which is the
        # costliest widget of the first frame. Once a draw is enough.
        self._update_lines()
        self._drawing = True
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = False

    def _update_lines(self) -> None:
        if self._drawing:
            return  # (done when the draw began)
        region = self.scrollable_content_region
        if not region:
            return
        self._fit_caches()
        line_cache = self._line_cache
        lines = line_cache.lines
        options = self.options
        start = lines[-1][0] + 1 if lines else 0
        # Textual measures each new option's height by wrapping its prompt at the list's width (a
        # sixth of drawing the list); a prompt whose every line fits is as high as its line count
        if start < len(options):
            self._measure(start)
        super()._update_lines()  # nothing left to measure: sets the virtual size as Textual does

    def _measure(self, start: int) -> None:
        """Add the options from `start` on to the line map."""
        line_cache = self._line_cache
        lines = line_cache.lines
        options = self.options
        room = self.scrollable_content_region.width - self._get_left_gutter_width() - \
            self.get_component_styles("option-list--option").padding.width
        for index in range(start, len(options)):
            option = options[index]
            shape = self._shape(option)
            if shape is not None and shape[1] <= room:
                count = shape[0]
            else:  # a prompt that may wrap: measured as Textual does
                count = self._get_visual(option).get_height(self.styles, room)
            count += option._divider
            line_cache.index_to_line[index] = len(lines)
            line_cache.heights[index] = count
            lines.extend([(index, line_no) for line_no in range(count)])

    @staticmethod
    def _shape(option) -> tuple[int, int] | None:
        """(lines, widest line in cells) of an option's prompt, or None if that is not simply known."""
        prompt = option.prompt
        known = option.__dict__.get("_apiplay_shape")  # (the prompt it was measured for, its shape)
        if known is not None and known[0] is prompt:
            return known[1]
        shape = None
        if isinstance(prompt, Content) and "\t" not in prompt.plain:
            lines = prompt.plain.split("\n")
            shape = (len(lines), max(map(cell_len, lines)))
        option._apiplay_shape = (prompt, shape)
        return shape

    def _get_option_render(self, option, style):
        if not self._drawing:
            self._fit_caches()
        padding = self.get_component_styles("option-list--option").padding
        cache_key = (option, style, padding)
        strips = self._option_render_cache.get(cache_key)
        if strips is None:
            strips = self._render_unwrapped(option, style, padding)
            if strips is None:
                return super()._get_option_render(option, style)
            self._option_render_cache[cache_key] = strips
        return strips

    def _render_unwrapped(self, option, style, padding) -> list[Strip] | None:
        """An option's lines as Textual's OptionList draws them (tests/ui/test_startup.py compares
        every segment, styles and mouse metadata included), for a prompt that fits the list's width
        and a list drawn as ours is; None otherwise (Textual draws it).

        Textual wraps each prompt at the width (rich's divide_line, word by word), then goes through
        its generic Visual path (selection, links, alignment, padding): most of the cost of the
        list, the costliest widget of the first frame, for lines that need none of it."""
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        shape = self._shape(option)
        if shape is None or shape[1] > width or padding or option._divider or self.text_selection is not None:
            return None
        rules = self.styles
        if (rules.get("text_align", "left") not in ("left", "start") or rules.get("text_overflow", "fold") != "fold"
                or rules.get("text_wrap", "wrap") != "wrap" or rules.get("line_pad", 0)
                or rules.content_align != ("left", "top")):
            return None
        get_style = self._get_style
        base = style.rich_style
        meta = {"option": self._option_to_index[option]}
        strips = []
        for y, line in enumerate(option.prompt.split(allow_blank=True)):
            segments, x = [], 0
            for text, text_style in line.render(style, end="", parse_style=get_style):
                segments.append(Segment(text, (style + text_style).rich_style_with_offset(x, y)))
                x += len(text)
            strips.append(Strip(segments, line.cell_length).extend_cell_length(width, base).apply_meta(meta))
        return strips

    def _on_resize(self, event) -> None:
        # the caches check their width when next used; Textual's handler would drop them regardless
        event.prevent_default()
        self.refresh()

    def _same_heights(self, *widths: int) -> bool:
        """True if every option has the same height at each of these widths: no prompt wraps at
        either (each prompt's widest line, _shape, fits)."""
        padding = self.get_component_styles("option-list--option").padding.width
        room = min(widths) - padding - self._get_left_gutter_width()
        shapes = [self._shape(option) for option in self.options]
        return bool(shapes) and None not in shapes and room >= max(shape[1] for shape in shapes)


class EndpointList(Vertical):
    """A filter box over an OptionList. Posts :class:`EndpointList.Chosen` on enter or click."""

    DEFAULT_CSS = """
    EndpointList { width: 46; height: 1fr; }
    EndpointList > Input { margin: 0 0 1 0; }
    EndpointList > OptionList { height: 1fr; border: none; border-left: blank; padding: 0; scrollbar-size-vertical: 1; }
    EndpointList > OptionList:focus { border: none; border-left: tall $accent; }
    EndpointList > OptionList > .option-list--option-disabled { color: $accent; text-style: bold; }
    EndpointList #endpoint-count { height: 1; color: $text-muted; padding: 0 1; }
    """

    BINDINGS = [Binding("down", "to_list", "Endpoints", show=False, id="endpoints.down")]

    class Chosen(Message):
        def __init__(self, endpoint) -> None:
            super().__init__()
            self.endpoint = endpoint

    def __init__(self, provider, **kwargs) -> None:
        super().__init__(**kwargs)
        self.provider = provider
        self._shown: list = []

    def compose(self) -> ComposeResult:
        yield LineInput(placeholder="Find endpoint (ctrl+f): method, path, words", id="endpoint-filter", compact=True)
        yield EndpointOptions(id="endpoint-options")

    def on_mount(self) -> None:
        self.apply_filter("")

    @property
    def option_list(self) -> EndpointOptions:
        return self.query_one("#endpoint-options", EndpointOptions)

    def apply_filter(self, text: str) -> None:
        words = text.lower().split()
        shown = [e for e in self.provider.endpoints if matches(e, words)]
        if words:  # the closest match first: words in the method and literal path, then the shortest path
            def rank(e) -> tuple:
                literal = f"{e.method} {re.sub(r'{[^}]*}', '', e.path)}".lower()
                plain = f"{e.method} {e.path}".lower()
                return (not all(w in literal for w in words), not all(w in plain for w in words), len(e.path))

            shown.sort(key=rank)
        self._shown = shown
        options = list(self._options(shown))
        ol = self.option_list
        ol.set_options(options)
        first = self._first_enabled()
        if first is not None:
            ol.highlighted = first
        self.border_subtitle = f"{len(shown)} of {len(self.provider.endpoints)}"

    def _options(self, endpoints: list) -> Iterable[Option]:
        by_tag: dict[str, list] = {}  # groups in the order of their best match
        for ep in endpoints:
            by_tag.setdefault(ep.tag or "other", []).append(ep)
        for tag, eps in by_tag.items():
            yield Option(Content.styled(f"{tag} ({len(eps)})", "bold $accent"), disabled=True)
            for ep in eps:
                yield Option(endpoint_prompt(ep), id=ep.key)

    def _first_enabled(self) -> int | None:
        ol = self.option_list
        for i in range(ol.option_count):
            if not ol.get_option_at_index(i).disabled:
                return i
        return None

    @property
    def shown(self) -> list:
        """The endpoints that pass the filter, in list order."""
        return list(self._shown)

    def select_key(self, key: str) -> bool:
        """Highlight (and choose) the endpoint with this key; clears the filter if it hides it."""
        ep = next((e for e in self.provider.endpoints if e.key == key), None)
        if ep is None:
            return False
        if ep not in self._shown:
            self.query_one("#endpoint-filter", Input).value = ""
            self.apply_filter("")
        ol = self.option_list
        try:
            ol.highlighted = ol.get_option_index(key)
            ol.scroll_to_highlight(top=True)
        except Exception:  # an option list being rebuilt: the choice still stands
            pass
        self.post_message(self.Chosen(ep))
        return True

    @on(Input.Changed, "#endpoint-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.apply_filter(event.value)

    @on(Input.Submitted, "#endpoint-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.option_list
        if ol.highlighted is not None:
            opt = ol.get_option_at_index(ol.highlighted)
            if opt.id:
                self.select_key(opt.id)

    def action_to_list(self) -> None:
        if self.query_one("#endpoint-filter", Input).has_focus:
            self.option_list.focus()

    @on(OptionList.OptionSelected, "#endpoint-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.select_key(event.option.id)
