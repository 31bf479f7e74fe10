"""The chunked JSON reader under report documents (adapters/amazon/json_stream.py): the rows
it yields are what `json.loads` reads, wherever the chunks happen to end (inside a number,
an escape, a multi-byte character) and whatever inside a row looks like the end of one, and
a broken document is a refusal, not a crash."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from adapters.amazon.json_stream import JsonStream
from domain.errors import AmazonUnavailable

ROWS = [
    {"childAsin": "B0001", "sales": 12345.678, "units": 1234567, "name": "Grüße \u00e9\u4e2d"},
    {"childAsin": "B0002", "note": 'quote " backslash \\ slash / \u2603', "tags": [1, [2, 3]]},
    {"childAsin": "B0003", "empty": {}, "none": None, "flag": True, "neg": -1.5e-3},
    # What looks like the end of a row inside a row: a string, and objects in an array.
    {"childAsin": "B0004", "text": "a},{b} , {c", "list": [{"x": 1}, {"y": 2}, {}]},
    *({"childAsin": f"B1{n:03d}", "units": n} for n in range(300)),
]
DOCUMENT = {
    "reportSpecification": {"reportType": "GET_SALES_AND_TRAFFIC_REPORT", "ids": ["A", "B"]},
    "salesAndTrafficByDate": [{"date": "2026-11-30", "nested": [[1], [2, {"x": "]"}]]}],
    "salesAndTrafficByAsin": ROWS,
    "after": "ignored",
}


class Trickle(io.RawIOBase):
    """A stream that hands out `size` bytes per read, so every boundary gets its turn."""

    def __init__(self, data: bytes, size: int) -> None:
        self._data, self._size, self._at = data, size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        chunk = self._data[self._at : self._at + self._size]
        self._at += len(chunk)
        return chunk


def _section(text: str, name: str, size: int) -> list[Any]:
    return list(JsonStream(Trickle(text.encode(), size)).section(name))  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1 << 16])
@pytest.mark.parametrize("indent", [None, 2])
def test_rows_are_what_json_reads_wherever_the_chunks_end(size: int, indent: int | None) -> None:
    text = json.dumps(DOCUMENT, indent=indent, ensure_ascii=False)
    assert _section(text, "salesAndTrafficByAsin", size) == ROWS
    assert _section(text, "salesAndTrafficByDate", size) == DOCUMENT["salesAndTrafficByDate"]


def test_a_missing_or_empty_section_has_no_rows() -> None:
    assert _section('{"a": [1, 2], "b": {"c": 1}}', "rows", 3) == []
    assert _section('{"rows": []}', "rows", 3) == []
    assert _section("{}", "rows", 3) == []


def test_a_top_level_array_is_read_row_by_row() -> None:
    text = json.dumps(ROWS)
    assert list(JsonStream(Trickle(text.encode(), 5)).items()) == ROWS  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        '{"rows": [{"a": 1}, {"a": 2}',  # cut short
        '{"rows": [{"a": 1} {"a": 2}]}',  # no comma
        '{"rows": [{"a": tru}]}',  # not a value
        '{"rows" [1]}',  # no colon
        "",
    ],
)
def test_a_broken_document_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(AmazonUnavailable, match="not the JSON Amazon documents"):
        _section(text, "rows", 4)
