"""Pretty-printing, line access, tokenising and search for the response viewer.

Pure and thread-safe: no Textual, no I/O. :func:`prepare` is meant to run in a thread worker; the
:class:`Document` it returns is immutable and cheap to hand to the UI thread.

Memory layout: a document keeps its pretty-printed text as one UTF-8 buffer plus a two-level line
index (newline counts per 64 KiB block), and decodes a line only when it is asked for. A 20 MB
response costs its pretty text (about 1.5x the compact body); the parsed value is not kept for large bodies
(``Document.data`` parses again on demand, for the tree and filters).

Everything shown is inert: JSON escaping makes control characters visible, and the few characters
that JSON leaves raw but a terminal would act on (DEL, C1 controls, line separators, bidi overrides)
are rewritten as ``\\uXXXX`` escapes, which keeps the text valid JSON with the same value. Plain text
shows control characters as the Unicode control pictures (U+2400 block) or ``\\xNN``.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import threading
import time
from array import array
from typing import Any, Iterator

from tui.core.gcpause import paused as _gc_paused

try:  # orjson is a declared dependency; the stdlib is the fallback (and handles deep nesting).
    import orjson
except ImportError:  # pragma: no cover - only without the dependency
    orjson = None  # type: ignore[assignment]

__all__ = [
    "Document",
    "prepare",
    "prepare_raw",
    "text_document",
    "inert_text",
    "find_in_line",
    "tokenize_line",
    "search",
    "TOKEN_KINDS",
    "KEEP_DATA_LIMIT",
]

#: Token kinds returned by :func:`tokenize_line`.
TOKEN_KINDS = ("key", "string", "number", "literal", "punct", "space", "text")

#: Bodies up to this size keep their parsed value in ``Document.data``; larger ones parse on demand.
KEEP_DATA_LIMIT = 2_000_000
#: Pretty-print a top-level array in pieces of about this many input bytes (bounded memory; each
#: piece holds the GIL for a few ms only, so the UI stays responsive while a large body is prepared).
CHUNK_BYTES = 1 << 17
#: Bodies above this size are pretty-printed chunk-wise when their top level is an array.
CHUNKED_LIMIT = 2_000_000
#: Bytes of a hex dump line.
HEX_WIDTH = 16

_MISSING = object()


# --------------------------------------------------------------------------------------------------
# Making text inert

# JSON leaves these raw inside strings; a terminal may act on them (C1 controls, DEL) or the layout
# breaks (line/paragraph separators, bidi overrides). Inside a JSON string a \\uXXXX escape is equal.
_UNSAFE_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf"
)


def _escape_unsafe_json(buf: bytes) -> bytes:
    if buf.isascii():
        if b"\x7f" not in buf:
            return buf
        return buf.replace(b"\x7f", b"\\u007f")
    if not _UNSAFE_UTF8.search(buf):
        return buf
    return _UNSAFE_UTF8.sub(lambda m: b"\\u%04x" % ord(m.group().decode("utf-8")), buf)


def _text_table() -> dict[int, str]:
    table: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}
    del table[0x0A]  # line breaks split lines before this table is applied
    table[0x09] = "    "
    table[0x7F] = "\u2421"
    for c in range(0x80, 0xA0):
        table[c] = f"\\x{c:02x}"
    for c in (0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068,
              0x2069, 0xFEFF):
        table[c] = f"\\u{c:04x}"
    return table


_TEXT_TABLE = _text_table()
_UNSAFE_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff]")


def inert_text(text: str) -> str:
    """Plain text with every control character shown as a visible symbol (``\\n`` kept)."""
    if _UNSAFE_TEXT.search(text) is None:
        return text
    return text.translate(_TEXT_TABLE)


# --------------------------------------------------------------------------------------------------
# The document


_BLOCK = 1 << 16  # bytes of text per line-index block
_NEWLINE = re.compile(b"\n")
#: Pieces of text up to this size get their exact width when made; larger ones on first use.
EAGER_WIDTH_LIMIT = 4_000_000


def _cells(text: str) -> int:
    """Terminal cells of a line (wide East Asian characters take 2, combining marks 0)."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width

    return sum(0 if combining(ch) else 2 if east_asian_width(ch) in "WF" else 1 for ch in text)


class _Piece:
    """Immutable text holding whole lines (no trailing newline), with a two-level line index:
    the newlines before each 64 KiB block (``bytes.count``: a few ms for 30 MB) and, made on first
    use and cached, the newline positions inside one block."""

    __slots__ = ("buf", "line_count", "_nl_before", "_nl_total", "_blocks", "width", "json")

    def __init__(self, buf: bytes, *, json: bool = True, width: int | None = None) -> None:
        self.buf = buf
        self.json = json
        counts = array("I", [0])
        total = 0
        count = buf.count
        for start in range(0, len(buf), _BLOCK):
            total += count(b"\n", start, start + _BLOCK)
            counts.append(total)
        self._nl_before = counts
        self._nl_total = total
        self.line_count = total + 1
        self._blocks: dict[int, array] = {}
        self.width = width
        if width is None and len(buf) <= EAGER_WIDTH_LIMIT:
            self.width = self.compute_width()

    def _block(self, k: int) -> array:
        positions = self._blocks.get(k)
        if positions is None:
            start = k * _BLOCK
            positions = array("Q" if len(self.buf) > 0xFFFF_FFF0 else "I",
                              [m.start() for m in _NEWLINE.finditer(self.buf, start, start + _BLOCK)])
            if len(self._blocks) >= 64:
                try:
                    self._blocks.pop(next(iter(self._blocks)))
                except (StopIteration, KeyError, RuntimeError):  # another thread got there first
                    pass
            self._blocks[k] = positions
        return positions

    def _newline(self, number: int) -> int:
        """Offset of newline `number` (1-based)."""
        k = bisect.bisect_left(self._nl_before, number) - 1
        return self._block(k)[number - self._nl_before[k] - 1]

    def span(self, index: int) -> tuple[int, int]:
        start = 0 if index == 0 else self._newline(index) + 1
        end = self._newline(index + 1) if index < self._nl_total else len(self.buf)
        return start, end

    def line(self, index: int) -> str:
        start, end = self.span(index)
        return self.buf[start:end].decode("utf-8", "replace")

    def line_of_offset(self, offset: int) -> int:
        k = min(offset // _BLOCK, len(self._nl_before) - 2) if len(self._nl_before) > 1 else 0
        if k < 0:
            return 0
        return self._nl_before[k] + bisect.bisect_left(self._block(k), offset)

    def compute_width(self) -> int:
        buf = self.buf
        n = len(buf)
        first = buf.find(b"\n")
        if first < 0:
            best = n
        else:  # the longest line, in windows ending at a newline (each C call holds the GIL briefly)
            best = first
            pos = first
            while pos < n:
                end = buf.find(b"\n", pos + _WIDTH_STEP)
                if end < 0:
                    end = n
                best = _longest_line(buf, pos, end, best)
                pos = end
        if best and not buf.isascii() and n <= EAGER_WIDTH_LIMIT:
            best = max(_cells(line) for line in buf.decode("utf-8", "replace").split("\n"))
        return best


#: Bytes of text measured per step by ``_Piece.compute_width``.
_WIDTH_STEP = 1 << 20


@functools.lru_cache(maxsize=512)
def _line_longer_than(width: int) -> re.Pattern:
    return re.compile(b"\n[^\n]{%d,}" % (width + 1))


def _longest_line(buf: bytes, pos: int, end: int, best: int) -> int:
    """The byte length of the longest line of ``buf[pos:end]`` if longer than `best`, else `best`.
    ``buf[pos]`` is a newline and `end` is a newline's offset or the end of `buf`.

    A regular-expression scan for a line longer than the best so far, repeated from each longer
    line found: no line is copied (splitting made a bytes object per line, twice as slow)."""
    while True:
        m = _line_longer_than(best).search(buf, pos, end)
        if m is None:
            return best
        pos = m.end()
        best = pos - m.start() - 1


class Document:
    """Lines of a prepared body: decoded one line at a time, safe to read from any thread.

    A document is a sequence of immutable pieces of text. A large JSON array is prepared
    progressively: :func:`prepare` returns once the first piece is ready and a background thread
    appends the rest (``complete`` turns True and ``wait()`` returns when it is done); readers see
    ``line_count`` grow. Lines of a finished JSON document re-parse to the body's value.

    Attributes:
        line_count: number of lines available now.
        json_lines: the first `json_lines` lines are pretty JSON (the rest, if any, is text shown
            after a part that is not valid JSON).
        is_json: the body is shown as pretty JSON (from the first line).
        kind: "json", "text", "hex" or "empty".
        problem: a plain-English note when the body is not shown as pretty JSON (or is cut), else None.
        size: the body's size in bytes.
    """

    __slots__ = (
        "_pieces", "_starts", "line_count", "json_lines", "is_json", "kind", "problem", "size",
        "content_type", "_data", "_lock", "_source", "_done", "_width",
    )

    def __init__(
        self,
        buf: bytes | None = None,
        *,
        kind: str,
        is_json: bool = False,
        problem: str | None = None,
        size: int = 0,
        content_type: str | None = None,
        data: Any = _MISSING,
        source: bytes | None = None,
        max_width: int | None = None,
        complete: bool = True,
    ) -> None:
        self.kind = kind
        self.is_json = is_json
        self.problem = problem
        self.size = size
        self.content_type = content_type
        self._data = data
        self._lock = threading.Lock()
        self._source = source
        self._pieces: list[_Piece] = []
        self._starts: list[int] = []
        self.line_count = 0
        self.json_lines = 0
        self._width = max_width
        self._done = threading.Event()
        if buf is not None and kind != "empty":
            self._append(_Piece(bytes(buf), json=is_json, width=max_width))
        if complete:
            self._done.set()

    def __repr__(self) -> str:
        state = "" if self.complete else " (preparing)"
        return (
            f"<Document {self.kind} lines={self.line_count}{state} size={self.size}"
            f"{' problem=' + repr(self.problem) if self.problem else ''}>"
        )

    def __len__(self) -> int:
        return self.line_count

    # growing --------------------------------------------------------------------------------------

    def _append(self, piece: _Piece) -> None:
        """Add a piece (only the thread preparing the document calls this)."""
        first = self.line_count
        self._pieces.append(piece)
        self._starts.append(first)
        if piece.json and self.json_lines == first:
            self.json_lines = first + piece.line_count
        self.line_count = first + piece.line_count

    def _finish(self) -> None:
        self._done.set()

    @property
    def complete(self) -> bool:
        """True once every line is there (always, except while a large body is still prepared)."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the document is complete; False on timeout."""
        return self._done.wait(timeout)

    # lines ----------------------------------------------------------------------------------------

    def _locate(self, index: int) -> tuple[_Piece, int]:
        k = bisect.bisect_right(self._starts, index) - 1
        return self._pieces[k], index - self._starts[k]

    def line(self, index: int) -> str:
        """Line `index` (0-based) as text; "" outside the document."""
        if not 0 <= index < self.line_count:
            return ""
        piece, local = self._locate(index)
        return piece.line(local)

    def head(self, count: int) -> list[str]:
        """The first `count` lines (fewer when the document is shorter), as text: what a viewer shows
        from the top. One slice and one split a piece, instead of a look-up and a decode a line
        (the same text: a newline byte never belongs to a multi-byte character)."""
        out: list[str] = []
        for piece in self._pieces[:]:  # (a copy: a preparing thread may append)
            need = count - len(out)
            if need <= 0:
                break
            buf = piece.buf
            end = piece._newline(need) if need <= piece._nl_total else len(buf)
            out.extend(buf[:end].decode("utf-8", "replace").split("\n"))
        return out[:min(count, self.line_count)]

    def lines(self, start: int = 0, stop: int | None = None) -> Iterator[str]:
        stop = self.line_count if stop is None else min(stop, self.line_count)
        for index in range(max(0, start), stop):
            yield self.line(index)

    def is_json_line(self, index: int) -> bool:
        return index < self.json_lines

    def text(self) -> str:
        """The whole document as one string (waits for completion; for copying or saving)."""
        self.wait()
        return "\n".join(self.lines())

    @property
    def nbytes(self) -> int:
        """Approximate memory held by the document (text plus line index)."""
        return sum(len(p.buf) + 4 * len(p._nl_before) for p in self._pieces)

    # width ------------------------------------------------------------------------------------------

    @property
    def width_known(self) -> bool:
        """True when `max_width` is known without work (complete, every piece measured)."""
        return self._width is not None or (
            self.complete and all(p.width is not None for p in list(self._pieces)))

    @property
    def max_width(self) -> int:
        """Cells of the widest line available now (exact for small documents, an upper bound for
        large non-ASCII ones). May measure a large piece first (about 5 ms per MB): use a worker."""
        if self._width is not None:
            return self._width
        best = 0
        for piece in list(self._pieces):
            if piece.width is None:
                with self._lock:
                    if piece.width is None:
                        piece.width = piece.compute_width()
            best = max(best, piece.width)
        if self.complete:
            self._width = best
        return best

    def estimated_width(self, lines: int = 2000) -> int:
        """The known width, or the widest of the lines measured so far and of the first `lines`
        (only those in pieces not measured yet are decoded: a progressive document's first piece
        is measured when made, and decoding 2000 lines one by one took ~5 ms of the UI thread)."""
        if self.width_known:
            return self.max_width
        pieces, starts = list(self._pieces), list(self._starts)
        best = max((p.width for p in pieces if p.width is not None), default=0)
        stop = min(lines, self.line_count)
        for piece, first in zip(pieces, starts):
            if first >= stop:
                break
            if piece.width is None:
                best = max(best, max((len(piece.line(i)) for i in range(min(piece.line_count, stop - first))),
                                     default=0))
        return best

    # the parsed value -------------------------------------------------------------------------------

    @property
    def data(self) -> Any:
        """The parsed JSON value (None when the body is not JSON or cannot be parsed).

        Small bodies keep the value from :func:`prepare`; large ones parse it again here, once, on
        first access: call it from a worker for a large document.
        """
        if self._data is not _MISSING:
            return self._data
        with self._lock:
            if self._data is _MISSING:
                value = None
                if self.is_json and self.json_lines == self.line_count or self._source is not None:
                    source = self._source if self._source is not None else b"\n".join(
                        p.buf for p in self._pieces)
                    ok, value = _parse(source)
                    if not ok:
                        value = None
                self._data = value
        return self._data

    @property
    def has_data(self) -> bool:
        """True when `data` is ready without parsing."""
        return self._data is not _MISSING


def _from_text(
    buf: bytes | bytearray,
    *,
    kind: str,
    is_json: bool,
    problem: str | None,
    size: int,
    content_type: str | None,
    data: Any = _MISSING,
    source: bytes | None = None,
) -> Document:
    return Document(buf, kind=kind, is_json=is_json, problem=problem, size=size,
                    content_type=content_type, data=data, source=source)


# --------------------------------------------------------------------------------------------------
# Parsing


def _parse(body: bytes) -> tuple[bool, Any]:
    """(True, value) or (False, reason)."""
    ok, value, _ = _parse_with(body)
    return ok, value


def _parse_with(body: bytes) -> tuple[bool, Any, str]:
    """(ok, value or reason, parser): parser is "orjson" or "json" (the stdlib)."""
    if orjson is not None:
        try:
            return True, orjson.loads(body), "orjson"
        except orjson.JSONDecodeError as exc:
            reason = str(exc)
        except (RecursionError, MemoryError) as exc:  # pragma: no cover - defensive
            reason = type(exc).__name__
    else:  # pragma: no cover
        reason = ""
    # The stdlib accepts what orjson refuses: NaN/Infinity, integers wider than 64 bits.
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False, reason or "not valid UTF-8", "json"
    try:
        return True, json.loads(text), "json"
    except (ValueError, RecursionError, MemoryError) as exc:
        return False, reason or str(exc), "json"


def _dumps(value: Any, stdlib: bool = False) -> bytes | None:
    """Two-space pretty JSON. `stdlib` for values only the stdlib parses (NaN, huge integers)."""
    if orjson is not None and not stdlib:
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
        except (TypeError, orjson.JSONEncodeError, RecursionError):
            pass
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=True, default=repr).encode(
            "utf-8", "surrogatepass"
        )
    except (ValueError, TypeError, RecursionError):
        return None


_SPLIT_OBJECTS = re.compile(rb"\}\s*,\s*\{")


class _Chunker:
    """Pretty-prints a large top-level array of objects piece by piece (bounded memory).

    Each piece ends at a candidate boundary ``},{`` and is checked by parsing it: lexing from a true
    element boundary to a split point inside a string can never yield valid JSON, so every piece
    that parses ends at a true top-level boundary.
    """

    def __init__(self, body: bytes) -> None:
        self.body = body
        view = body.lstrip()
        self.ok = view.startswith(b"[")
        self.pos = len(body) - len(view) + 1
        self.end = len(body.rstrip())
        self.first = True
        self.failure: str | None = None

    @property
    def done(self) -> bool:
        return self.pos >= self.end

    def next_piece(self) -> bytes | None:
        """The next piece of pretty text (lines without a trailing newline), or None when the
        rest is not a valid continuation (then `failure` says why).

        The collector is paused meanwhile: the piece's parsed value (thousands of dicts) dies by
        reference counting before this returns, so a collection triggered by its allocation would
        only walk everything else that is young, holding the GIL (see :mod:`tui.core.gcpause`)."""
        with _gc_paused():
            return self._next_piece()

    def _next_piece(self) -> bytes | None:
        body, pos, end = self.body, self.pos, self.end
        m = _SPLIT_OBJECTS.search(body, pos + CHUNK_BYTES, end) if end - pos > CHUNK_BYTES * 1.5 else None
        tries = 0
        while True:
            if m is None:
                piece = b"[" + body[pos:end]
                cut = end
            else:
                piece = b"[" + body[pos : m.start() + 1] + b"]"
                cut = m.end() - 1  # the "{" that starts the next piece
            ok, value, parser = _parse_with(piece)
            if ok:
                break
            if m is None or tries >= 8:
                self.failure = _short_reason(value)
                return None
            tries += 1
            m = _SPLIT_OBJECTS.search(body, m.end(), end)
        del piece
        if not isinstance(value, list):
            self.failure = "unexpected value"
            return None
        first, last = self.first, m is None
        self.first = False
        self.pos = cut
        if not value:
            return b"[]" if first and last else b"]"
        pretty = _dumps(value, stdlib=parser == "json")
        del value
        if pretty is None or not pretty.startswith(b"[\n") or not pretty.endswith(b"\n]"):
            self.failure = "could not be formatted"
            return None
        inner = memoryview(pretty)[2:-2]
        out = (b"[\n" if first else b"") + inner + (b"\n]" if last else b",")
        return _escape_unsafe_json(out)


#: Pause between pieces formatted in the background, so the UI thread gets the GIL promptly: at
#: least YIELD_S, and as long as the last piece took (the formatter runs at most half the time).
YIELD_S = 0.002
#: While a body is formatted in the background the interpreter offers the GIL to a waiting thread
#: after this long (the default is 5 ms): the UI thread waits at most about this much for it
#: between two of the formatter's C calls. Restored when the last background formatting ends.
SWITCH_INTERVAL_S = 0.001
#: Waking up this much later than asked means another thread held the GIL (the UI thread is
#: making a frame): the formatter then sleeps BUSY_PAUSE_S more instead of taking the GIL for a
#: piece, at most MAX_BUSY_PAUSES times in a row (so it always finishes, even under a busy UI).
BUSY_LATE_S = 0.0008
BUSY_PAUSE_S = 0.004
MAX_BUSY_PAUSES = 12

_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved: float | None = None


def _fast_switching(on: bool) -> None:
    """Lower the interpreter's switch interval while any background formatting runs (counted)."""
    global _switch_users, _switch_saved
    import sys

    with _switch_lock:
        if on:
            _switch_users += 1
            if _switch_users == 1:
                _switch_saved = sys.getswitchinterval()
                if _switch_saved > SWITCH_INTERVAL_S:
                    sys.setswitchinterval(SWITCH_INTERVAL_S)
        else:
            _switch_users = max(0, _switch_users - 1)
            if _switch_users == 0 and _switch_saved is not None:
                if sys.getswitchinterval() == min(_switch_saved, SWITCH_INTERVAL_S):
                    sys.setswitchinterval(_switch_saved)  # unless someone else changed it meanwhile
                _switch_saved = None


def _yield_to_ui(pause: float) -> None:
    """Sleep `pause`, then as long as the wake-up showed another thread holding the GIL (late by
    more than BUSY_LATE_S), sleep again: the next piece starts in a gap of the UI thread's work."""
    sleep, clock = time.sleep, time.perf_counter
    for _ in range(MAX_BUSY_PAUSES + 1):
        started = clock()
        sleep(pause)
        if clock() - started - pause < BUSY_LATE_S:
            return
        pause = BUSY_PAUSE_S


def _background(doc: Document, chunker: _Chunker, pause: float) -> None:
    """The formatting thread: the switch interval was lowered when it was started."""
    try:
        _continue_chunks(doc, chunker, pause)
    finally:
        _fast_switching(False)


def _continue_chunks(doc: Document, chunker: _Chunker, pause: float = 0.0) -> None:
    """Append the remaining pieces of a progressive document (runs in a daemon thread).

    With a `pause`, each piece waits for a gap in the other threads' use of the GIL (see
    :func:`_yield_to_ui`)."""
    took = 0.0
    try:
        while not chunker.done:
            if pause:
                _yield_to_ui(max(pause, took))
            started = time.perf_counter()
            piece = chunker.next_piece()
            if piece is None:
                _append_tail_as_text(doc, chunker)
                break
            doc._append(_Piece(piece))
            took = time.perf_counter() - started
    except MemoryError:
        doc.problem = "The body is too large to show in the memory available; it is cut short."
    except Exception as exc:  # noqa: BLE001 - a document must always finish
        doc.problem = f"Formatting stopped ({type(exc).__name__}); the rest is not shown."
    finally:
        doc._finish()


def _append_tail_as_text(doc: Document, chunker: _Chunker) -> None:
    line = doc.line_count
    tail = chunker.body[chunker.pos : len(chunker.body)]
    doc.problem = (f"Not valid JSON after line {line:,} ({chunker.failure}); the rest is shown as text."
                   if not doc.problem else doc.problem)
    text = _wrap_long_lines(inert_text(tail.decode("utf-8", "replace")), RAW_WRAP)
    doc._append(_Piece(("\u26a0 not valid JSON from here on; the text as received:\n" + text).encode(),
                       json=False))


def _prepare_chunked(body: bytes, *, size: int, content_type: str | None, note: str | None,
                     progressive: bool) -> Document | None:
    chunker = _Chunker(body)
    if not chunker.ok or chunker.done:
        return None
    first = chunker.next_piece()
    if first is None:
        return None  # let the whole-body path explain the problem
    doc = Document(kind="json", is_json=True, problem=note, size=size, content_type=content_type,
                   source=body, complete=False)
    doc._append(_Piece(first))
    if chunker.done:
        doc._finish()
    elif progressive:
        _fast_switching(True)  # the UI thread gets the GIL back sooner between the formatter's steps
        try:
            threading.Thread(target=_background, args=(doc, chunker, YIELD_S), daemon=True,
                             name="apiplay-jsonview").start()
        except BaseException:
            _fast_switching(False)
            raise
    else:
        _continue_chunks(doc, chunker)
    return doc


# --------------------------------------------------------------------------------------------------
# Non-JSON bodies

_TEXTUAL_TYPES = ("text/", "json", "xml", "javascript", "html", "csv", "yaml", "x-www-form-urlencoded")
_BINARY_TYPES = ("image/", "audio/", "video/", "octet-stream", "application/pdf", "application/zip",
                 "application/gzip", "font/")


def _looks_binary(body: bytes, content_type: str | None) -> bool:
    ct = (content_type or "").lower()
    if any(t in ct for t in _BINARY_TYPES):
        return True
    head = body[:8192]
    if b"\x00" in head:
        return True
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the sample's edge
            text = head[: exc.start].decode("utf-8", "replace")
        else:
            bad = sum(1 for b in head if b >= 0x80)
            return bad > len(head) * 0.3 and not any(t in ct for t in _TEXTUAL_TYPES)
    if not text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\x0c\x1b")
    return controls > len(text) * 0.1


class _HexDocument(Document):
    """A hex dump made one line at a time from the body (no copy of the body)."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes, *, problem: str | None, content_type: str | None) -> None:
        super().__init__(None, kind="hex", problem=problem, size=len(body), content_type=content_type,
                         data=None, max_width=10 + 3 * HEX_WIDTH + 1 + HEX_WIDTH + 2)
        self._body = body
        self.line_count = (len(body) + HEX_WIDTH - 1) // HEX_WIDTH

    def line(self, index: int) -> str:
        if not 0 <= index < self.line_count:
            return ""
        chunk = self._body[index * HEX_WIDTH : (index + 1) * HEX_WIDTH]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        shown = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        return f"{index * HEX_WIDTH:08x}  {hexes:<{3 * HEX_WIDTH - 1}}  |{shown}|"

    @property
    def nbytes(self) -> int:
        return 0  # shares the body


#: Raw text lines longer than this many characters are cut into several display lines.
RAW_WRAP = 4000


def _wrap_long_lines(text: str, width: int) -> str:
    """Break lines longer than `width` characters (a one-line 20 MB body would be unviewable)."""
    if len(text) <= width:
        return text
    out: list[str] = []
    n = len(text)
    start = 0
    piece = 1 << 20
    while start < n:
        end = text.find("\n", start + piece)
        if end < 0:
            end = n
        for line in text[start:end].split("\n"):
            if len(line) <= width:
                out.append(line)
            else:
                out.extend(line[i : i + width] for i in range(0, len(line), width))
        start = end + 1
    if text.endswith("\n"):
        out.append("")
    return "\n".join(out)


def _text_document(body: bytes, *, problem: str | None, content_type: str | None,
                   wrap: int = RAW_WRAP) -> Document:
    text = body.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    text = _wrap_long_lines(inert_text(text), wrap)
    return Document(text.encode("utf-8"), kind="text", is_json=False, problem=problem,
                    size=len(body), content_type=content_type, data=None)


def text_document(text: str, *, problem: str | None = None) -> Document:
    """A small plain-text document (messages such as "Sending…"), control characters made inert."""
    buf = _wrap_long_lines(inert_text(text), RAW_WRAP).encode("utf-8", "replace")
    return Document(buf, kind="text", problem=problem, size=len(buf), data=None)


def prepare_raw(
    body: bytes | bytearray | memoryview | str | None, *, content_type: str | None = None
) -> Document:
    """The body exactly as received, for the Raw tab: text (control characters made inert, lines
    longer than ``RAW_WRAP`` characters broken), or a hex dump for binary. Never raises."""
    try:
        body = _as_bytes(body)
        if not body:
            return Document(b"", kind="empty", problem="The body is empty.", size=0, data=None)
        if _looks_binary(body, content_type):
            return _HexDocument(body, problem=f"Binary body ({len(body):,} bytes), shown as a hex dump.",
                                content_type=content_type)
        return _text_document(body, problem=None, content_type=content_type)
    except MemoryError:
        return _message_document("The body is too large to show in the memory available.")
    except Exception as exc:  # noqa: BLE001
        return _message_document(f"The body could not be shown ({type(exc).__name__}).")


# --------------------------------------------------------------------------------------------------
# prepare


def prepare(
    body: bytes | bytearray | memoryview | str | None,
    *,
    content_type: str | None = None,
    truncated: bool = False,
    keep_data: bool | None = None,
    progressive: bool = True,
    data: Any = _MISSING,
) -> Document:
    """Turn a response body into a :class:`Document`. Never raises on any input.

    JSON (whatever the content type says) is pretty-printed with two-space indents; a body that is
    not JSON is shown as text, a binary one as a hex dump, each with a `problem` note saying why.
    `truncated` says the body was cut at the size cap. `keep_data` keeps the parsed value in the
    document (default: only for bodies up to ``KEEP_DATA_LIMIT`` bytes).

    A large top-level JSON array is formatted in pieces; with `progressive` (the default) this
    returns as soon as the first piece is ready and a background thread appends the rest (see
    :attr:`Document.complete`), so the first screen shows at once whatever the body's size.

    `data`: the body's value when the caller has already parsed it (e.g. ``Result.data``), so a
    small body is not parsed twice. Ignored for None and for large bodies.
    """
    try:
        return _prepare(body, content_type=content_type, truncated=truncated, keep_data=keep_data,
                        progressive=progressive, data=data)
    except MemoryError:
        return _message_document("The body is too large to show in the memory available.")
    except Exception as exc:  # noqa: BLE001 - the viewer must always get something to show
        try:
            raw = bytes(body or b"") if not isinstance(body, str) else body.encode("utf-8", "replace")
            return _text_document(raw, problem=f"Could not format the body ({type(exc).__name__}); shown as text.",
                                  content_type=content_type)
        except Exception:  # noqa: BLE001
            return _message_document("The body could not be shown.")


def _message_document(message: str) -> Document:
    return Document(message.encode("utf-8"), kind="text", problem=message, size=0, data=None)


def _as_bytes(body: bytes | bytearray | memoryview | str | None) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    return body if isinstance(body, bytes) else bytes(body)


def _prepare(body, *, content_type, truncated, keep_data, progressive=True, data=_MISSING) -> Document:
    body = _as_bytes(body)
    size = len(body)
    cut_note = " The body was cut at the size limit." if truncated else ""
    if not body.strip():
        return _from_text(b"", kind="empty", is_json=False,
                          problem=("The body is empty." + cut_note).strip() if not body else
                          "The body is only whitespace.", size=size, content_type=content_type,
                          data=None)
    if _looks_binary(body, content_type):
        return _HexDocument(body, problem=f"Binary body ({size:,} bytes), shown as a hex dump.{cut_note}",
                            content_type=content_type)

    if keep_data is None:
        keep_data = size <= KEEP_DATA_LIMIT

    # Large top-level arrays: pretty-print piece by piece, never holding the whole parsed value.
    if size > CHUNKED_LIMIT and not keep_data:
        doc = _prepare_chunked(body, size=size, content_type=content_type,
                               note=cut_note.strip() or None, progressive=progressive)
        if doc is not None:
            return doc

    if data is not _MISSING and data is not None and keep_data and not truncated:
        ok, value, parser = True, data, "orjson"
        pretty = _dumps(value)
    elif keep_data:
        ok, value, parser = _parse_with(body)
        pretty = _dumps(value, stdlib=parser == "json") if ok else None
    else:  # a large body whose value is dropped at once: parse and format with the collector paused
        with _gc_paused():
            ok, value, parser = _parse_with(body)
            pretty = _dumps(value, stdlib=parser == "json") if ok else None
            if ok:
                value = _MISSING
    if ok:
        if pretty is not None:
            pretty = _escape_unsafe_json(pretty)
            return _from_text(pretty, kind="json", is_json=True, problem=cut_note.strip() or None,
                              size=size, content_type=content_type,
                              data=value if keep_data else _MISSING, source=body)
    reason = value if not ok else "could not be formatted"
    # Deeply nested JSON (past orjson's and the stdlib's limits): re-indent without parsing.
    if not ok and "recurs" in str(reason).lower() or not ok and "depth" in str(reason).lower():
        pretty_text = _reindent(body)
        if pretty_text is not None:
            return _from_text(_escape_unsafe_json(pretty_text), kind="json", is_json=True,
                              problem="Nested too deeply to parse here: shown re-indented; "
                              "the tree and filters are unavailable." + cut_note,
                              size=size, content_type=content_type, data=None)
    if truncated:
        problem = "The body was cut at the size limit and is not complete JSON; shown as text."
    elif _looks_like_json(body):
        problem = f"Not valid JSON ({_short_reason(reason)}); shown as text."
    else:
        kind = (content_type or "").split(";")[0].strip()
        problem = f"The body is not JSON{f' ({kind})' if kind else ''}; shown as text."
    return _text_document(body, problem=problem, content_type=content_type)


def _looks_like_json(body: bytes) -> bool:
    head = body[:64].lstrip()
    return head[:1] in (b"{", b"[", b'"')


def _short_reason(reason: Any) -> str:
    text = str(reason).splitlines()[0] if str(reason) else "parse error"
    return text[:120]


# Re-indenting without parsing (for nesting deeper than the parsers' recursion limits).
_REINDENT_TOKEN = re.compile(
    r'\s*(?:("(?:[^"\\\x00-\x1f]|\\["\\/bfnrtu])*")|([-+0-9.eE]+|true|false|null|NaN|-?Infinity)'
    r"|([{}\[\],:]))"
)


def _reindent(body: bytes, limit: int = 8_000_000) -> bytes | None:
    """Two-space pretty text of structurally valid JSON, iteratively (no recursion). None if invalid."""
    if len(body) > limit:
        return None
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    out: list[str] = []
    stack: list[str] = []
    line = ""
    pos = 0
    n = len(text.rstrip())
    expect_value = True
    after_open = False
    while pos < n:
        m = _REINDENT_TOKEN.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        string, scalar, punct = m.groups()
        indent = "  " * len(stack)
        if string is not None or scalar is not None:
            if not expect_value:
                return None
            if scalar is not None:
                try:
                    json.loads(scalar)
                except ValueError:
                    return None
            if after_open:
                out.append(line)
                line = indent
            line += string if string is not None else scalar
            expect_value = False
            after_open = False
        elif punct in "{[":
            if not expect_value:
                return None
            if after_open:
                out.append(line)
                line = indent
            line += punct
            stack.append(punct)
            after_open = True
        elif punct in "}]":
            if not stack or (stack[-1] == "{") != (punct == "}"):
                return None
            stack.pop()
            if after_open:
                line += punct  # empty container
            else:
                out.append(line)
                line = "  " * len(stack) + punct
            expect_value = False
            after_open = False
        elif punct == ",":
            if expect_value or not stack:
                return None
            out.append(line + ",")
            line = "  " * len(stack)
            expect_value = True
        else:  # ":"
            if expect_value or not stack or stack[-1] != "{":
                return None
            line += ": "
            expect_value = True
        if not stack and not after_open and not expect_value and pos < n and text[pos:].strip():
            return None
    if stack or expect_value:
        return None
    out.append(line)
    return "\n".join(out).encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------------------------------
# Tokenising one pretty line

_TOKEN = re.compile(
    r'(?P<key>"[^"\\]*(?:\\.[^"\\]*)*"(?=\s*:))'
    r'|(?P<string>"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?$))'
    r"|(?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?(?![\w.]))"
    r"|(?P<literal>(?:true|false|null|NaN|-?Infinity)(?!\w))"
    r"|(?P<punct>[{}\[\],:])"
    r"|(?P<space>\s+)"
    r'|(?P<text>[^\s{}\[\],:"]+)',
    re.DOTALL,
)


def tokenize_line(text: str) -> list[tuple[str, str]]:
    """Split one line of pretty JSON into (kind, text) pieces; the pieces concatenate to `text`.

    Kinds: "key", "string", "number", "literal" (true/false/null), "punct", "space", "text"
    (anything else). Correct for escaped quotes and backslashes; a string cut at the line's end is
    still a string.
    """
    tokens: list[tuple[str, str]] = []
    append = tokens.append
    for m in _TOKEN.finditer(text):
        append((m.lastgroup, m.group()))  # type: ignore[arg-type]
    return tokens


# --------------------------------------------------------------------------------------------------
# Search


def search(
    document: Document,
    text: str,
    case_sensitive: bool = False,
    *,
    start_line: int = 0,
) -> Iterator[tuple[int, int]]:
    """Yield (line, column) of each match of `text`, lazily, in document order from `start_line`.

    Reaching the end of a document that is still being prepared waits for the rest. Columns count
    characters of :meth:`Document.line`. Case-insensitive matching is Unicode-aware (``re``'s
    IGNORECASE); an ASCII needle is matched on the UTF-8 text without decoding it. Matching runs
    at C speed (one regular-expression scan per piece of text).
    """
    if not text or "\n" in text or document.line_count == 0:
        return
    flags = 0 if case_sensitive else re.IGNORECASE
    if isinstance(document, _HexDocument):
        yield from _search_hex(document, text, flags, start_line)
        return
    ascii_needle = text.isascii()
    pattern = re.compile(re.escape(text.encode() if ascii_needle else text), flags)
    start_line = max(0, start_line)
    k = 0
    while True:
        if k >= len(document._pieces):
            if document.complete:
                break
            document.wait()  # a document still being prepared: search the rest too
            continue
        piece, first = document._pieces[k], document._starts[k]
        k += 1
        if first + piece.line_count <= start_line:
            continue
        local = max(0, start_line - first)
        if ascii_needle:
            yield from _search_bytes(piece, first, local, pattern)
        else:
            yield from _search_text(piece, first, local, pattern)


def _search_bytes(piece: _Piece, first: int, local: int, pattern: re.Pattern) -> Iterator[tuple[int, int]]:
    buf = piece.buf
    line = -1
    line_start, line_end = 0, -1
    for m in pattern.finditer(buf, piece.span(local)[0] if local else 0):
        pos = m.start()
        if not line_start <= pos < line_end:
            line = piece.line_of_offset(pos)
            line_start, line_end = piece.span(line)
        prefix = buf[line_start:pos]
        yield first + line, (len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", "replace")))


def _search_text(piece: _Piece, first: int, local: int, pattern: re.Pattern) -> Iterator[tuple[int, int]]:
    text = piece.buf.decode("utf-8", "replace")
    pos = 0
    line = 0
    for _ in range(local):  # skip to the first line searched
        pos = text.index("\n", pos) + 1
        line += 1
    last = pos
    for m in pattern.finditer(text, pos):
        start = m.start()
        line += text.count("\n", last, start)
        last = start
        yield first + line, start - (text.rfind("\n", 0, start) + 1)


def _search_hex(document: "_HexDocument", text: str, flags: int, start_line: int):
    """Matches of `text` in the bytes of a hex dump, shown in its printable column."""
    pattern = re.compile(re.escape(text.encode("utf-8", "replace")), flags)
    column = 10 + 3 * HEX_WIDTH - 1 + 3  # where the "|...|" column's first byte is shown
    for m in pattern.finditer(document._body, max(0, start_line) * HEX_WIDTH):
        yield m.start() // HEX_WIDTH, column + m.start() % HEX_WIDTH


def find_in_line(line: str, text: str, case_sensitive: bool = False) -> list[int]:
    """Columns of every match of `text` in one line (for highlighting visible lines)."""
    if not text:
        return []
    if case_sensitive:
        cols = []
        col = line.find(text)
        while col >= 0:
            cols.append(col)
            col = line.find(text, col + len(text))
        return cols
    return [m.start() for m in re.finditer(re.escape(text), line, re.IGNORECASE)]
