"""Pausing Python's cyclic garbage collector while the offline engine works."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """A program run and a policy evaluation allocate objects by the thousand (Outputs, futures, proxies) that
    reference counting frees, or that die together when the run ends; the cyclic collector's passes over a heap
    that grows with the graph only make both superlinear. The collector resumes, and catches up, afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
