"""tui.core.allocator: one malloc arena on glibc, asked for before threads allocate."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from tui.core import allocator


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="a glibc setting")
def test_glibc_takes_the_setting_once():
    assert allocator.share_one_arena() is True
    assert allocator.share_one_arena() is True  # idempotent


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="a glibc setting")
def test_threads_then_share_the_main_arena():
    """With one arena, what the main thread freed is what a worker thread's allocations reuse: the
    main thread makes and drops ~45 MB of small objects (an answer received), then a worker does the
    same (its formatting): the peak stays near 45 MB instead of adding a fresh arena's worth."""
    code = r'''
import sys, threading
sys.path.insert(0, ".")
from tui.core.allocator import share_one_arena
if sys.argv[1] == "one":
    assert share_one_arena()
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
pinned = []
def churn():
    data = [bytes(4000) for _ in range(12_000)]  # ~46 MB in blocks malloc serves from its arena
    pinned.append(bytes(4000))  # still alive above them (as a received body is): no trimming
    del data
base = status("VmRSS")
churn()
t = threading.Thread(target=churn); t.start(); t.join()
print((status("VmHWM") - base) // (1 << 20))
'''
    one = int(subprocess.run([sys.executable, "-c", code, "one"], capture_output=True, text=True, check=True).stdout)
    default = int(subprocess.run([sys.executable, "-c", code, "default"], capture_output=True, text=True,
                                 check=True).stdout)
    assert one < 70 <= default, (one, default)


def test_the_app_and_the_cli_ask_for_it(monkeypatch):
    calls = []
    monkeypatch.setattr(allocator, "share_one_arena", lambda: calls.append(1) or True)
    from tui import cli
    from tui.app import PlaygroundApp

    PlaygroundApp()
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert len(calls) == 2
