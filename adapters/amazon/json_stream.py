"""A JSON document read a chunk at a time, one value at a time (DESIGN §12: a report document
is never whole in memory).

Amazon's report documents are an object of sections (or, for Ads, one array) whose arrays
hold the rows. `section` walks the top level and yields the rows of one array from a text
buffer of a chunk or two (64 KiB each): the whole rows the buffer holds are decoded by
msgspec in one call, once a candidate boundary between two rows is confirmed by that
decoding; a row the buffer cuts is decoded by the standard library's C scanner
(`JSONDecoder.raw_decode`) as more text arrives. The other sections are skipped row by row,
so no section is ever held whole either. This is several times faster than an
event-driven parser building each row from callbacks (ijson), where a 100,000-row report
spent most of its ingest time.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO, Any

import msgspec

from domain.errors import AmazonUnavailable

_CHUNK = 1 << 16
_WHITESPACE = frozenset(" \t\n\r")
_DECODER = json.JSONDecoder()
_DECODE = msgspec.json.decode
# Where one row of objects may end and the next begin; only a candidate (the same text can
# sit inside a row or a string), confirmed by decoding everything before it.
_ROW_BREAK = re.compile(r"\}\s*,\s*\{")
_ATTEMPTS = 3


def _malformed(why: str) -> AmazonUnavailable:
    return AmazonUnavailable(
        f"The report document is not the JSON Amazon documents ({why}).",
        context={"report_failed": True},
    )


class JsonStream:
    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._text = ""
        self._pos = 0
        self._eof = False

    def _more(self) -> bool:
        """Append the next chunk (dropping what was read); False at the end."""
        if self._eof:
            return False
        data = self._stream.read(_CHUNK)
        if not data:
            self._eof = True
            tail = self._utf8.decode(b"", final=True)
        else:
            tail = self._utf8.decode(data)
        self._text = self._text[self._pos :] + tail
        self._pos = 0
        return bool(data) or bool(tail)

    def _peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the document)."""
        while True:
            text, pos, end = self._text, self._pos, len(self._text)
            while pos < end and text[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < end:
                return text[pos]
            if not self._more():
                return ""

    def _expect(self, char: str) -> None:
        found = self._peek()
        if found != char:
            raise _malformed(f"{char!r} expected, {found or 'the end'!r} found")
        self._pos += 1

    def _opened(self, opening: str, closing: str) -> bool:
        """Past an array's or object's opening bracket; False when it closes at once."""
        self._expect(opening)
        if self._peek() != closing:
            return True
        self._pos += 1
        return False

    def _another(self, closing: str) -> bool:
        """Past the separator after a member: True at a ',' (another member follows), False
        at the closing bracket."""
        separator = self._peek()
        self._pos += 1
        if separator == closing:
            return False
        if separator != ",":
            raise _malformed(f"',' or {closing!r} expected, {separator or 'the end'!r} found")
        return True

    def value(self) -> Any:
        """The next value, decoded whole (a row, a key, a small section)."""
        if not self._peek():
            raise _malformed("a value expected, the end found")
        while True:
            try:
                found, end = _DECODER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as error:
                if self._more():
                    continue  # the value goes on in the next chunk
                raise _malformed(error.msg) from None
            if end == len(self._text) and self._more():
                continue  # a number at the end of the buffer may go on too
            self._pos = end
            return found

    def _rows(self) -> list[Any]:
        """The whole rows (objects) the buffer holds from here, decoded in one call by
        msgspec, several times faster than one `raw_decode` per row; [] when no boundary
        is confirmed (the buffer ends inside the first row): `value` then reads on."""
        text, pos = self._text, self._pos
        breaks = [m.start() for m in _ROW_BREAK.finditer(text, pos)]
        for end in reversed(breaks[-_ATTEMPTS:]):
            try:
                rows = _DECODE("[" + text[pos : end + 1] + "]")
            except msgspec.DecodeError:
                continue  # inside a row or a string: an earlier candidate, or one at a time
            self._pos = end + 1
            return list(rows)
        return []

    def items(self) -> Iterator[Any]:
        """The values of the array that comes next (rows of objects many at a time)."""
        more = self._opened("[", "]")
        while more:
            rows = self._rows() if self._peek() == "{" else []
            if rows:
                yield from rows
            else:
                yield self.value()
            more = self._another("]")

    def section(self, name: str) -> Iterator[Any]:
        """The rows of the top-level array `name` (none when the document has no such
        section); the sections before it are read past, row by row."""
        more = self._opened("{", "}")
        while more:
            key = self.value()
            self._expect(":")
            if key == name:
                yield from self.items()
                return
            if self._peek() == "[":
                for _ in self.items():
                    pass
            else:
                self.value()
            more = self._another("}")
