"""The objects a process makes while it starts (modules, classes, the container, the
compiled routes and SQL: about 190,000 in `sellerlink serve`) live as long as it does.
Python's cyclic garbage collector still walks all of them on every full collection, and
under 200 requests/s a full collection came every few seconds and stopped every thread for
0.1-1.3 s (benchmarks/load.py: the slowest requests of a phase began during one).
Frozen once start-up is done, they are left out of collections: a full collection then
walks what requests and jobs left behind (about 25,000 objects, 7-20 ms)."""

from __future__ import annotations

import gc


def settle_after_start_up() -> None:
    """Call once, when the process is about to serve or work, never per request."""
    gc.collect()
    gc.freeze()
