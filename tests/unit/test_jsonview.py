"""tui.core.jsonview: pretty-printing, line access, tokenising, search, inert text."""

from __future__ import annotations

import contextlib
import json
import math

import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tui.core import jsonview
from tui.core.jsonview import prepare, prepare_raw, search, tokenize_line


def lines(doc):
    return list(doc.lines())


# ---------------------------------------------------------------------------------------- prepare


def test_json_is_pretty_printed_with_two_space_indents():
    doc = prepare(b'{"a":1,"b":[true,null],"c":{"d":"x"}}')
    assert doc.is_json and doc.kind == "json" and doc.problem is None
    assert lines(doc) == [
        "{", '  "a": 1,', '  "b": [', "    true,", "    null", "  ],", '  "c": {', '    "d": "x"', "  }", "}",
    ]
    assert doc.line_count == 10
    assert doc.max_width == len('    "d": "x"')
    assert doc.data == {"a": 1, "b": [True, None], "c": {"d": "x"}}


def test_line_outside_the_document_is_empty():
    doc = prepare(b"[1,2]")
    assert doc.line(-1) == "" and doc.line(99) == ""


def test_empty_body_has_no_lines_and_says_so():
    doc = prepare(b"")
    assert doc.line_count == 0 and doc.kind == "empty" and "empty" in doc.problem


def test_html_is_shown_as_text_with_a_note_naming_the_content_type():
    doc = prepare(b"<html><body>Bad gateway</body></html>", content_type="text/html; charset=utf-8")
    assert not doc.is_json and doc.kind == "text"
    assert "text/html" in doc.problem
    assert doc.line(0) == "<html><body>Bad gateway</body></html>"


def test_truncated_json_is_text_with_a_truncation_note():
    doc = prepare(b'[{"id": 1}, {"id": 2', truncated=True)
    assert doc.kind == "text" and "cut" in doc.problem
    assert doc.line(0) == '[{"id": 1}, {"id": 2'


def test_invalid_json_says_why():
    doc = prepare(b'{"a": 1,,}')
    assert doc.kind == "text" and doc.problem.startswith("Not valid JSON")


def test_binary_body_is_a_hex_dump():
    body = bytes(range(256)) * 4
    doc = prepare(body, content_type="application/octet-stream")
    assert doc.kind == "hex" and "hex dump" in doc.problem
    assert doc.line_count == len(body) // 16
    assert doc.line(1).startswith("00000010  10 11 12 13")
    assert doc.line(4).endswith("|@ABCDEFGHIJKLMNO|")


def test_nan_and_huge_integers_that_orjson_refuses_are_still_pretty_printed():
    doc = prepare(b'[NaN, 123456789012345678901234567890]')
    assert doc.is_json
    assert lines(doc) == ["[", "  NaN,", "  123456789012345678901234567890", "]"]
    assert math.isnan(doc.data[0]) and doc.data[1] == 123456789012345678901234567890


def test_nesting_deeper_than_the_parsers_allow_is_reindented_not_refused():
    depth = 3000
    doc = prepare(b"[" * depth + b"1" + b"]" * depth)
    assert doc.is_json and "Nested" in doc.problem
    assert doc.line_count == 2 * depth + 1
    assert doc.line(depth) == "  " * depth + "1"
    assert doc.data is None


def test_control_characters_in_json_strings_stay_escaped_and_inert():
    body = json.dumps({"k": "red\x1b[31m\x07 del\x7f c1\x9b sep\u2028 rlo\u202e"}).encode()
    doc = prepare(body)
    text = doc.text()
    for bad in ("\x1b", "\x07", "\x7f", "\x9b", "\u2028", "\u202e"):
        assert bad not in text
    assert "\\u001b" in text and "\\u007f" in text and "\\u009b" in text
    assert json.loads(text) == json.loads(body)  # escaping keeps the value


def test_control_characters_in_text_bodies_become_visible_symbols():
    doc = prepare("plain \x1b[2J text\x07 with\ttab\r\nnext\x9b".encode(), content_type="text/plain")
    assert doc.kind == "text"
    assert doc.line(0) == "plain \u241b[2J text\u2407 with    tab"
    assert doc.line(1) == "next\\x9b"


def test_markup_in_strings_is_kept_literally():
    doc = prepare(b'{"name": "[bold red]x[/]"}')
    assert doc.line(1) == '  "name": "[bold red]x[/]"'


def test_prepare_never_raises_on_odd_inputs():
    for body in (None, "text", memoryview(b"[1]"), bytearray(b"{}"), b"\xff\xfe\xfd", b"\x00" * 10,
                 b"  \n ", b'"unterminated', b"[" * 5000):
        doc = prepare(body)
        assert doc.line_count >= 0
        list(doc.lines(0, 5))


@pytest.fixture
def small_chunks(monkeypatch):
    """Make the chunked (progressive) path apply to small bodies."""
    monkeypatch.setattr(jsonview, "CHUNKED_LIMIT", 50_000)
    monkeypatch.setattr(jsonview, "CHUNK_BYTES", 5_000)
    monkeypatch.setattr(jsonview, "KEEP_DATA_LIMIT", 50_000)


def test_large_array_is_pretty_printed_in_pieces_and_matches_a_full_pretty_print(small_chunks):
    # strings holding "},{" put candidate split points inside strings: each must be rejected
    items = [{"id": i, "name": f"n{i}", "tricky": "},{" * (i % 3), "nested": [{"a": i}]} for i in range(6000)]
    body = orjson.dumps(items)
    doc = prepare(body, progressive=False)
    assert doc.complete and len(doc._pieces) > 10, "the chunked path was not taken"
    assert doc.is_json and not doc.has_data  # the parsed value is not kept for large bodies
    expected = orjson.dumps(items, option=orjson.OPT_INDENT_2).decode()
    assert doc.text() == expected
    assert doc.line_count == doc.json_lines == expected.count("\n") + 1
    assert doc.max_width == max(len(line) for line in expected.split("\n"))
    assert doc.data == items  # parsed on demand


def test_head_is_the_first_lines_as_line_gives_them(small_chunks):
    """Document.head (the viewer's from-the-top comparison) is lines(0, n), for one piece or many,
    short documents, invalid UTF-8 and wide characters."""
    items = [{"id": i, "name": f"n{i} ✓ 漢"} for i in range(3000)]
    many = prepare(orjson.dumps(items), progressive=False)
    assert len(many._pieces) > 3
    first_piece = many._pieces[0].line_count
    docs = [many, prepare(b'{"a": [1, 2, {"b": "c"}], "d": "\\u00e9"}'), prepare(b"plain\ntext\xff\xfe\nend"),
            prepare(b"\xc3\n\xa9 half a character on each line", content_type="text/plain"), prepare(b"")]
    for doc in docs:
        for n in (0, 1, 2, 3, 7, first_piece - 1, first_piece, first_piece + 1, first_piece + 40,
                  doc.line_count, doc.line_count + 5):
            assert doc.head(n) == list(doc.lines(0, n)), (doc, n)


def test_progressive_prepare_returns_early_and_completes_in_the_background(small_chunks):
    items = [{"id": i, "name": f"item {i}"} for i in range(20000)]
    body = orjson.dumps(items)
    doc = prepare(body)
    assert doc.line_count > 0 and doc.line(0) == "["
    assert doc.wait(30)
    assert doc.complete and doc.width_known
    assert doc.text() == orjson.dumps(items, option=orjson.OPT_INDENT_2).decode()
    assert list(search(doc, "item 19999")) == [(doc.line_count - 3, 13)]


def test_an_invalid_element_late_in_a_large_array_leaves_the_rest_as_text(small_chunks):
    good = orjson.dumps([{"id": i, "name": f"item {i}"} for i in range(5000)])
    body = good[:-1] + b',{"id": oops}]'
    doc = prepare(body, progressive=False)
    assert doc.line(0) == "[" and doc.json_lines > 100
    assert doc.json_lines < doc.line_count
    assert "Not valid JSON after line" in doc.problem
    assert doc.line(doc.json_lines).startswith("\u26a0 not valid JSON from here on")
    assert "oops" in "".join(doc.lines(doc.json_lines))
    assert doc.data is None


def test_nan_inside_a_large_array_is_still_formatted(small_chunks):
    body = orjson.dumps([{"id": i} for i in range(6000)])[:-1] + b',{"v": NaN}]'
    doc = prepare(body, progressive=False)
    assert doc.json_lines == doc.line_count and doc.problem is None
    assert doc.line(doc.line_count - 3) == '    "v": NaN'


def test_large_document_width_is_computed_on_demand():
    body = orjson.dumps({"items": [{"id": i, "v": "x" * (i % 50)} for i in range(100000)]})
    doc = prepare(body)
    assert not doc.width_known
    estimate = doc.estimated_width()
    assert doc.max_width == len('      "v": "' + "x" * 49 + '"')
    assert estimate <= doc.max_width


def test_raw_document_keeps_the_body_as_sent_and_breaks_very_long_lines():
    body = b'{"a":1}' * 2000
    doc = prepare_raw(body)
    assert doc.kind == "text"
    assert "".join(doc.lines()) == body.decode()
    assert all(len(line) <= jsonview.RAW_WRAP for line in doc.lines())


def test_wide_characters_count_two_cells():
    doc = prepare('{"k": "日本"}'.encode())
    assert doc.max_width == len('  "k": "') + 4 + 1


# ---------------------------------------------------------------------------------------- tokenize


def test_tokenize_line_kinds():
    assert tokenize_line('  "ke\\"y": "va\\\\l\\"ue",') == [
        ("space", "  "), ("key", '"ke\\"y"'), ("punct", ":"), ("space", " "),
        ("string", '"va\\\\l\\"ue"'), ("punct", ","),
    ]
    assert tokenize_line("    -12.5e+3,") == [("space", "    "), ("number", "-12.5e+3"), ("punct", ",")]
    assert [k for k, _ in tokenize_line("[true, false, null]")] == [
        "punct", "literal", "punct", "space", "literal", "punct", "space", "literal", "punct",
    ]


def test_a_string_ending_in_an_escaped_backslash_is_closed():
    assert tokenize_line('"a\\\\": 1') == [("key", '"a\\\\"'), ("punct", ":"), ("space", " "), ("number", "1")]


def test_a_colon_inside_a_string_value_does_not_make_it_a_key():
    assert tokenize_line('  "k": "a: b"')[4] == ("string", '"a: b"')


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_property_pretty_lines_reparse_to_the_same_value_and_tokens_rejoin(value):
    body = json.dumps(value).encode()
    doc = prepare(body)
    assert doc.is_json
    text = "\n".join(doc.lines())
    assert json.loads(text) == json.loads(body)
    for line in doc.lines():
        tokens = tokenize_line(line)
        assert "".join(t for _, t in tokens) == line
        assert all(kind in jsonview.TOKEN_KINDS for kind, _ in tokens)
        for ch in line:
            assert ch == "\t" or ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_property_tokens_rejoin_for_any_text(text):
    assert "".join(t for _, t in tokenize_line(text)) == text


# ---------------------------------------------------------------------------------------- search


def test_search_finds_every_match_with_line_and_column_lazily():
    doc = prepare(b'[{"name":"Alpha"},{"name":"beta ALPHA alpha"}]')
    found = search(doc, "alpha")
    assert next(found) == (2, 13)
    assert list(found) == [(5, 18), (5, 24)]
    assert list(search(doc, "alpha", case_sensitive=True)) == [(5, 24)]
    assert list(search(doc, "")) == [] and list(search(doc, "zzz")) == []


def test_search_columns_count_characters_not_bytes():
    doc = prepare('{"k": "ção x"}'.encode())
    assert list(search(doc, "x")) == [(1, 12)]
    assert doc.line(1)[12] == "x"


def test_search_non_ascii_case_insensitive():
    doc = prepare('["ÉCOLE", "école"]'.encode())
    assert list(search(doc, "école")) == [(1, 3), (2, 3)]


def test_search_in_a_large_document_from_a_line():
    body = orjson.dumps([{"id": i, "name": f"item {i}"} for i in range(200000)])
    doc = prepare(body)  # progressive: the search waits for the lines still being prepared
    matches = list(search(doc, "item 19999", start_line=100))
    assert [doc.line(line)[col : col + 10] for line, col in matches] == ["item 19999"] * len(matches)
    assert len(matches) == 1 + 10  # item 19999 and item 199990..199999


def test_an_already_parsed_value_is_not_parsed_again(monkeypatch):
    calls = []
    real = jsonview._parse_with
    monkeypatch.setattr(jsonview, "_parse_with", lambda body: calls.append(body) or real(body))
    doc = prepare(b'{"a": [1, 2]}', data={"a": [1, 2]})
    assert calls == [] and doc.data == {"a": [1, 2]}
    assert list(doc.lines()) == ["{", '  "a": [', "    1,", "    2", "  ]", "}"]
    prepare(b"null", data=None)  # None is ambiguous (null or "could not decode"): parsed here
    assert calls == [b"null"]


element = st.fixed_dictionaries({
    "id": st.integers(0, 10**6),
    "s": st.text(alphabet=st.sampled_from('},{ "\\[]:x\u00e9\n'), max_size=12),
    "l": st.lists(st.integers(-(2**63), 2**63 - 1), max_size=3),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(element, min_size=1, max_size=120))
def test_property_chunked_formatting_equals_a_whole_pretty_print(small_chunks, items):
    body = json.dumps(items).encode()  # the stdlib's ", " and ": " separators
    if len(body) <= jsonview.CHUNKED_LIMIT:
        body = body + b" " * (jsonview.CHUNKED_LIMIT + 1 - len(body))
    doc = prepare(body, progressive=False)
    assert doc.problem is None and doc.json_lines == doc.line_count
    assert doc.text() == orjson.dumps(items, option=orjson.OPT_INDENT_2).decode()


def test_search_in_a_hex_dump_finds_bytes_in_the_printable_column():
    doc = prepare(bytes(range(256)) * 2, content_type="application/octet-stream")
    matches = list(search(doc, "abc"))
    assert len(matches) == 4  # "abc" and "ABC", twice
    for line, col in matches:
        assert doc.line(line)[col : col + 3].lower() == "abc"


def test_non_ascii_case_insensitive_search_scans_pieces_not_lines(small_chunks):
    items = [{"id": i, "city": "São Paulo" if i % 1000 == 7 else "Porto"} for i in range(5000)]
    doc = prepare(orjson.dumps(items), progressive=False)
    assert len(doc._pieces) > 5
    matches = list(search(doc, "SÃO PAULO"))
    assert len(matches) == 5
    assert list(search(doc, "são paulo", start_line=matches[0][0] + 1)) == matches[1:]
    assert all(doc.line(line)[col : col + 9] == "São Paulo" for line, col in matches)


@contextlib.contextmanager
def counted_collections():
    """The generations of the garbage collections started inside, with the collector set to run
    often (every 200 allocations: without a pause, formatting sets off hundreds)."""
    import gc

    collections: list[int] = []

    def callback(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    threshold = gc.get_threshold()
    gc.collect()
    gc.set_threshold(200, 10, 10)
    gc.callbacks.append(callback)
    try:
        yield collections
    finally:
        gc.callbacks.remove(callback)
        gc.set_threshold(*threshold)


def test_formatting_a_large_array_triggers_no_garbage_collection(small_chunks, monkeypatch):
    """Each piece's parsed value dies by reference counting: its allocation must not set off
    collections (they walk everything young and hold the GIL: UI stalls of 50-100 ms)."""
    import gc

    monkeypatch.setattr(jsonview, "CHUNK_BYTES", 50_000)  # pieces of many more objects than free lists hold
    items = [{"id": i, "name": f"n{i}", "tags": ["a", "b"]} for i in range(20000)]
    body = orjson.dumps(items)
    with counted_collections() as collections:
        doc = prepare(body, progressive=False)
    assert gc.isenabled()
    assert len(doc._pieces) > 15
    assert doc.text() == orjson.dumps(items, option=orjson.OPT_INDENT_2).decode()
    assert len(collections) < 20, collections


def test_formatting_a_large_object_triggers_no_garbage_collection(monkeypatch):
    import gc

    monkeypatch.setattr(jsonview, "KEEP_DATA_LIMIT", 50_000)
    value = {"items": [{"id": i, "name": f"n{i}"} for i in range(20000)]}
    body = orjson.dumps(value)
    with counted_collections() as collections:
        doc = prepare(body)
    assert gc.isenabled()
    assert not doc.has_data
    assert doc.text() == orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    assert len(collections) < 5, collections


def test_background_formatting_waits_for_a_gap_in_the_ui_threads_work(monkeypatch):
    """A wake-up later than BUSY_LATE_S means another thread held the GIL: sleep again (bounded)."""
    import types

    clock = [0.0]
    late = [0.003, 0.002, 0.0001]  # busy, busy, then free
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds + (late.pop(0) if late else 0.0)

    monkeypatch.setattr(jsonview, "time", types.SimpleNamespace(sleep=sleep, perf_counter=lambda: clock[0]))
    jsonview._yield_to_ui(0.002)
    assert sleeps == [0.002, jsonview.BUSY_PAUSE_S, jsonview.BUSY_PAUSE_S]

    sleeps.clear()
    late[:] = [0.01] * 100  # always busy: still goes on after MAX_BUSY_PAUSES
    jsonview._yield_to_ui(0.002)
    assert len(sleeps) == jsonview.MAX_BUSY_PAUSES + 1


def test_the_switch_interval_is_lowered_while_formatting_and_restored(small_chunks):
    import sys

    before = sys.getswitchinterval()
    body = orjson.dumps([{"id": i, "name": f"item {i}"} for i in range(20000)])
    docs = [prepare(body), prepare(body)]  # two at once: restored when the last one ends
    assert not docs[0].complete
    assert sys.getswitchinterval() == min(before, jsonview.SWITCH_INTERVAL_S)
    for doc in docs:
        assert doc.wait(30)
    for _ in range(100):  # the thread restores it just after finishing the document
        if sys.getswitchinterval() == before:
            break
        __import__("time").sleep(0.01)
    assert sys.getswitchinterval() == before
    assert docs[0].text() == docs[1].text() == orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.text(alphabet="ab \t{}\u00e9", max_size=40), max_size=60), step=st.integers(1, 64))
def test_piece_width_is_the_longest_line(monkeypatch, lines, step):
    """compute_width scans for longer lines with a regular expression in windows of _WIDTH_STEP
    bytes: the same answer as measuring every line."""
    text = "\n".join(lines)
    buf = text.encode("utf-8")
    if buf.isascii():
        expected = max(len(line) for line in text.split("\n"))
    else:
        expected = max(jsonview._cells(line) for line in text.split("\n"))
    assert jsonview._Piece(buf).width == expected
    with monkeypatch.context() as m:
        m.setattr(jsonview, "_WIDTH_STEP", step)
        assert jsonview._Piece(buf).width == expected


def test_estimated_width_decodes_only_lines_of_unmeasured_pieces(small_chunks, monkeypatch):
    items = [{"id": i, "name": "n" * (i % 37)} for i in range(3000)]
    body = orjson.dumps(items)
    doc = prepare(body, progressive=False)
    doc._width = None
    doc._done.clear()  # as while it is still being formatted: the width is not known yet
    assert all(p.width is not None for p in doc._pieces) and not doc.width_known
    expected = max(len(line) for line in doc.lines())
    decoded = []
    real = jsonview._Piece.line
    monkeypatch.setattr(jsonview._Piece, "line", lambda self, i: decoded.append(i) or real(self, i))
    assert doc.estimated_width() == expected
    assert decoded == []  # every piece was measured when made
    doc._done.set()
    big = prepare(orjson.dumps({"items": items}))  # one large piece, measured on first use
    big._pieces[0].width = None
    big._width = None
    expected = max(len(line) for line in big.lines(0, 100))
    decoded.clear()
    assert big.estimated_width(lines=100) == expected
    assert len(decoded) == 100
