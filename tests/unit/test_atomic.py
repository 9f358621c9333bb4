import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from tui.core.atomic import write_atomic


def test_write_creates_and_replaces(tmp_path):
    p = tmp_path / "sub" / "f.txt"
    write_atomic(p, "one")
    assert p.read_text() == "one"
    write_atomic(p, b"two")
    assert p.read_bytes() == b"two"
    # no temp files left behind
    assert sorted(x.name for x in p.parent.iterdir()) == ["f.txt"]


def test_mode_0600_from_creation(tmp_path):
    p = tmp_path / "secret.toml"
    old = os.umask(0)  # the most permissive umask: the file must still be private
    try:
        write_atomic(p, "token = 'x'", mode=0o600)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600


def test_existing_mode_kept(tmp_path):
    p = tmp_path / "f"
    p.write_text("a")
    os.chmod(p, 0o640)
    write_atomic(p, "b")
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    assert p.read_text() == "b"


def test_temp_file_never_world_readable(tmp_path, monkeypatch):
    """Every file that appears in the directory during a 0600 write is 0600 when it is created."""
    import tempfile as _tempfile

    seen = []
    real = _tempfile.mkstemp

    def spy(*a, **kw):
        fd, name = real(*a, **kw)
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return fd, name

    monkeypatch.setattr("tui.core.atomic.tempfile.mkstemp", spy)
    old = os.umask(0)
    try:
        write_atomic(tmp_path / "c", "x", mode=0o600)
    finally:
        os.umask(old)
    assert seen == [0o600]


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    p = tmp_path / "f.json"
    write_atomic(p, '{"v": 1}')

    def boom(*a, **kw):
        raise OSError("disk full")

    monkeypatch.setattr("tui.core.atomic.os.replace", boom)
    with pytest.raises(OSError):
        write_atomic(p, '{"v": 2}')
    assert json.loads(p.read_text()) == {"v": 1}
    assert [x.name for x in tmp_path.iterdir()] == ["f.json"]


WRITER = r"""
import json, sys
from tui.core.atomic import write_atomic
path = sys.argv[1]
blob = "x" * 400_000
i = 0
print("ready", flush=True)
while True:
    i += 1
    write_atomic(path, json.dumps({"i": i, "blob": blob}))
"""


def test_sigkill_mid_write_keeps_previous_version(tmp_path):
    p = tmp_path / "big.json"
    write_atomic(p, json.dumps({"i": 0, "blob": ""}))
    for attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(p)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.15 + 0.05 * attempt)  # let it loop through several writes
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        data = json.loads(p.read_text())  # whole and parseable
        assert data["i"] >= 1
        assert data["blob"] == "x" * 400_000


def test_dumps_toml_round_trip():
    import tomllib

    from hypothesis import given, settings, strategies as st

    from tui.core.atomic import dumps_toml

    keys = st.text(min_size=1, max_size=12)
    scalars = st.one_of(st.text(max_size=30), st.integers(-10**12, 10**12), st.booleans(),
                        st.floats(allow_nan=False, allow_infinity=False))
    values = st.one_of(scalars, st.lists(st.text(max_size=10), max_size=4))
    tables = st.recursive(st.dictionaries(keys, values, max_size=4),
                          lambda inner: st.dictionaries(keys, st.one_of(values, inner), max_size=4), max_leaves=12)

    @settings(max_examples=60, deadline=None)
    @given(tables)
    def check(data):
        assert tomllib.loads(dumps_toml(data, header="written by apiplay\nsecond line")) == data

    check()


def test_dumps_toml_layout():
    from tui.core.atomic import dumps_toml

    text = dumps_toml({"theme": "dark", "providers": {"noosfero": {"target": "live", "variables": {"instance": "a.b"}}},
                       "keys": {"app.quit": "ctrl+q"}})
    assert text == (
        'theme = "dark"\n\n[providers.noosfero]\ntarget = "live"\n\n[providers.noosfero.variables]\n'
        'instance = "a.b"\n\n[keys]\n"app.quit" = "ctrl+q"\n'
    )
