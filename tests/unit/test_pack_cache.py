"""The on-disk cache of parsed packs (tui.core.packcache) behind load_providers(disk_cache=True):
used when the files did not change, a changed pack parsed again, a corrupt or foreign cache ignored."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from tui.core import packcache, packs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "packs"


@pytest.fixture(autouse=True)
def _fresh_memory_cache():
    packs.clear_cache()
    yield
    packs.clear_cache()


def _no_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a pack was parsed instead of read from the cache")

    monkeypatch.setattr(packs, "load_pack_data", refuse)


def test_the_cache_is_written_and_then_used_instead_of_parsing(monkeypatch):
    first, warnings = packs.load_providers(disk_cache=True)
    assert [p.id for p in first] == ["gocache", "noosfero", "trackingram"] and not warnings
    assert packs.disk_cache_stale()
    assert packs.save_disk_cache()
    assert packcache.cache_file().is_file()
    assert str(packcache.cache_file()).startswith(os.environ["APIPLAY_CACHE_DIR"])
    assert not packs.disk_cache_stale() and not packs.save_disk_cache()  # nothing new to write

    packs.clear_cache()  # a new process
    _no_parsing(monkeypatch)
    again, warnings = packs.load_providers(disk_cache=True)
    assert again == first and not warnings
    assert not packs.disk_cache_stale()


def test_a_changed_pack_is_parsed_again_and_the_cache_rewritten(tmp_path, monkeypatch):
    folder = tmp_path / "packs"
    folder.mkdir()
    pack = folder / "custom.json"
    shutil.copy(FIXTURES / "good" / "minimal.json", pack)
    before, _ = packs.load_providers([folder], disk_cache=True)
    assert packs.save_disk_cache()
    custom = before[-1]

    data = json.loads(pack.read_text())
    data["x-apiplay"]["name"] = custom.name + " Two"
    pack.write_text(json.dumps(data))
    st = pack.stat()
    os.utime(pack, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    packs.clear_cache()
    after, _ = packs.load_providers([folder], disk_cache=True)
    assert after[-1].name == custom.name + " Two"
    assert after[:-1] == before[:-1]  # the built-in ones still from the cache
    assert packs.disk_cache_stale() and packs.save_disk_cache()

    packs.clear_cache()
    _no_parsing(monkeypatch)
    assert packs.load_providers([folder], disk_cache=True)[0][-1].name == custom.name + " Two"


@pytest.mark.parametrize("content", [b"", b"not a pickle at all", b"\x80\x05\x95garbage",
                                     pickle.dumps({"stamp": ("other",), "entries": {}}),
                                     pickle.dumps(["a", "list"])])
def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(content):
    path = packcache.cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    providers, warnings = packs.load_providers(disk_cache=True)
    assert [p.id for p in providers] == ["gocache", "noosfero", "trackingram"] and not warnings
    assert packs.disk_cache_stale() and packs.save_disk_cache()
    assert set(packcache.read()) and all(k[0].endswith(".json") for k in packcache.read())


def test_entries_that_are_not_providers_are_dropped():
    packs.load_providers(disk_cache=True)
    packs.save_disk_cache()
    data = pickle.loads(packcache.cache_file().read_bytes())
    key = next(iter(data["entries"]))
    data["entries"][key] = "not a provider"
    packcache.cache_file().write_bytes(pickle.dumps(data))
    assert key not in packcache.read() and len(packcache.read()) == 2


def test_without_disk_cache_nothing_is_read_or_written(monkeypatch):
    monkeypatch.setattr(packcache, "read", lambda: pytest.fail("read the disk cache"))
    providers, _ = packs.load_providers()
    assert len(providers) == 3 and not packs.disk_cache_stale()
    assert not packcache.cache_file().exists()


class _Planted:
    """What a planted cache file would carry: an object whose unpickling runs a command."""

    def __reduce__(self):
        return (os.system, ("echo planted > /dev/null",))


def test_a_cache_that_names_anything_but_the_pack_model_is_not_loaded(monkeypatch):
    packs.load_providers(disk_cache=True)
    assert packs.save_disk_cache()
    good = pickle.loads(packcache.cache_file().read_bytes())
    good["entries"][("x", 0, 0, True)] = _Planted()
    packcache.cache_file().write_bytes(pickle.dumps(good))
    called = []
    monkeypatch.setattr(os, "system", lambda cmd: called.append(cmd) or 0)
    assert packcache.read() == {}
    assert called == []  # never reached: the unpickler refused to name os.system


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes")
def test_a_cache_file_others_can_write_is_ignored():
    packs.load_providers(disk_cache=True)
    assert packs.save_disk_cache()
    assert len(packcache.read()) == 3
    packcache.cache_file().chmod(0o666)
    assert packcache.read() == {}
    packcache.cache_file().chmod(0o644)
    assert len(packcache.read()) == 3
