"""tui.core.gcpause: the collector paused around bursts of short-lived objects, counted across threads."""

from __future__ import annotations

import gc
import threading

import pytest

from tui.core import gcpause


@pytest.fixture(autouse=True)
def collector_enabled(monkeypatch):
    """Each test starts with the collector running and no pause held (importing tui.app holds one
    until an app's first paint: a process-wide state these tests must not see)."""
    was = gc.isenabled()
    monkeypatch.setattr(gcpause, "_pauses", 0)
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_disables_and_restores():
    with gcpause.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_restore_only_at_the_outermost_end():
    with gcpause.paused():
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled():
    gc.disable()
    with gcpause.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_pauses_in_two_threads():
    inside, leave = threading.Event(), threading.Event()

    def other():
        with gcpause.paused():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=other)
    t.start()
    assert inside.wait(5)
    with gcpause.paused():
        pass
    assert not gc.isenabled(), "the other thread's pause is still running"
    leave.set()
    t.join(5)
    assert gc.isenabled()


def test_the_client_shares_the_counter():
    from tui.core import client

    with client._gc_paused():
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_hold_and_release_are_a_pause_that_is_not_one_block():
    """The app's start-up pause: held at import, released at the first paint; blocks meanwhile
    neither end it nor are ended by it."""
    assert gc.isenabled()
    gcpause.hold()
    assert not gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the block ended, the hold still stands
    with gcpause.paused():
        gcpause.release()
        assert not gc.isenabled()  # the block still stands
    assert gc.isenabled()
    gcpause.release()  # an extra release changes nothing
    assert gc.isenabled()
