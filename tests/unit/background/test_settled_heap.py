"""After start-up, the objects it made are left out of the cyclic garbage collector's full
collections (bootstrap/heap.py): a full collection under load walks what requests and jobs
left behind, not the whole program, so it no longer stops every thread for a second."""

from __future__ import annotations

import gc

from bootstrap.heap import settle_after_start_up


class Thing:
    """An object the collector tracks (a dict of numbers alone is not tracked)."""


def test_a_full_collection_after_start_up_walks_none_of_what_start_up_made() -> None:
    made_at_start_up = [Thing() for _ in range(50_000)]
    gc.collect()
    assert len(gc.get_objects(generation=2)) > len(made_at_start_up)
    try:
        settle_after_start_up()
        made_later = Thing()
        gc.collect()
        walked = {id(thing) for thing in gc.get_objects(generation=2)}
        assert len(walked) < 1_000
        assert id(made_later) in walked  # what came after is collected as before
        assert id(made_at_start_up[0]) not in walked
    finally:
        gc.unfreeze()
