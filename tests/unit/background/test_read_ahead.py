"""The sync reads a report's next batch while it writes this one (application/read_ahead.py):
the batches arrive whole and in order, a reading error reaches the writer, and a writer
that stops stops the reading before the document is closed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing

import pytest

from application.read_ahead import read_ahead
from domain.errors import AmazonUnavailable


def test_batches_arrive_whole_and_in_order() -> None:
    assert list(read_ahead(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(read_ahead(iter([]), 3)) == []


def test_a_reading_error_reaches_the_writer_after_the_batches_before_it() -> None:
    def document() -> Iterator[int]:
        yield from range(4)
        raise AmazonUnavailable("The report document is not the JSON Amazon documents.")

    batches = read_ahead(document(), 2)
    assert next(batches) == [0, 1]
    assert next(batches) == [2, 3]
    with pytest.raises(AmazonUnavailable):
        next(batches)


def test_a_writer_that_stops_stops_the_reading_at_once() -> None:
    read: list[int] = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            read.append(n)
            yield n
            n += 1

    before = threading.active_count()
    with closing(read_ahead(endless(), 10)) as batches:
        assert next(batches) == list(range(10))
    assert threading.active_count() == before  # the reading thread is gone
    # At most one batch waited and one more was being read: memory stays bounded.
    assert len(read) <= 31
