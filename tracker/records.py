"""Records the garbage collector need not walk: immutable namedtuples kept by the thousand in
cached ledgers (tracker.ledger) and lists (tracker.activities.listing)."""

import gc
from collections import deque
from contextlib import contextmanager


def _gc_untracker():
    """A function that takes immutable records (namedtuples of immutable atoms: numbers,
    strings, dates, Decimals, tuples of them) out of the garbage collector's view, as CPython
    does by itself for plain tuples of atoms but never for a tuple subclass such as a
    namedtuple. Cached ledgers keep thousands of such records, and every full collection walks
    each tracked one; since a full collection runs whenever the objects surviving into the
    oldest generation reach a quarter of it, the collector's time per evaluation grew with
    everything cached. Untracking is safe for these records: nothing can reach them back from
    their atoms, so they can never be part of a reference cycle (the only thing the collector
    frees that reference counting does not). A no-op where CPython's C API is not there."""
    try:
        import ctypes

        untrack = ctypes.pythonapi.PyObject_GC_UnTrack
    except (ImportError, AttributeError):
        return lambda records: None
    untrack.argtypes, untrack.restype = [ctypes.py_object], None

    def untracked(records):
        deque(map(untrack, records), maxlen=0)
    return untracked


untrack_records = _gc_untracker()


@contextmanager
def collector_paused():
    """No garbage collection while a ledger (or what is worked out from it) is built: its
    thousands of records are taken out of the collector's view only once built, and a young
    collection in between would move them to the oldest generation and count them towards the
    next full collection, which walks every cached ledger. Reference counting still frees
    everything but cycles, and the collector runs as usual once the records are untracked.
    Restored only if it was on (another thread, or a caller, may have turned it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
