"""The compiled-dataclass cache (tui.core.dccache): the model's methods come from the file when it
is there and trusted, are the same code as compiling them, and a doubtful file is ignored."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys

import pytest

from tui.core import dccache

pytestmark = pytest.mark.skipif(not dccache.enabled(), reason="the cache is used with CPython 3.11 only")

#: imports the model in a fresh process; prints what was read and compiled, and a fingerprint of
#: every generated method of every dataclass
PROBE = r"""
import dataclasses, json, sys
import tui.core.model as model
import tui.core.ratemeter as ratemeter
import tui.core.settings as settings
from tui.core import dccache
pending = dccache.take_pending() or {}
prints = {}
for name, cls in sorted((f"{m.__name__}.{n}", c) for m in (model, ratemeter, settings) for n, c in vars(m).items()):
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and name.startswith(cls.__module__ + "."):
        for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
            fn = cls.__dict__.get(method)
            code = getattr(fn, "__code__", None)
            if code is not None:
                prints[f"{name}.{method}"] = [code.co_code.hex(), list(code.co_names), list(code.co_varnames)]
if sys.argv[1] == "write" and pending:
    dccache.write(pending)
p = model.Param("limit", "query", "integer")
try:
    p.name = "x"
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
print(json.dumps({"read": len(dccache._codes), "compiled": len(pending), "prints": prints, "repr": repr(p),
                  "eq": p == model.Param("limit", "query", "integer"), "hash": hash(p) == hash(dataclasses.replace(p)),
                  "frozen": frozen}))
"""


def probe(cache_dir, action: str = "read") -> dict:
    env = {**os.environ, "APIPLAY_CACHE_DIR": str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", PROBE, action], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_model_is_compiled_once_then_read_from_the_cache_as_the_same_code(tmp_path):
    cache = tmp_path / "cache"
    first = probe(cache, "write")
    assert first["read"] == 0 and first["compiled"] > 100  # the model's, the rate meter's and the settings'
    assert any(key.startswith("tui.core.settings.") for key in first["prints"])
    assert any(key.startswith("tui.core.ratemeter.") for key in first["prints"])
    assert (cache / dccache.FILE_NAME).stat().st_mode & 0o777 == 0o600
    second = probe(cache)
    assert second["read"] == first["compiled"] and second["compiled"] == 0  # nothing compiled
    assert second["prints"] == first["prints"]  # the same bytecode, names and variables, method by method
    assert first["repr"] == second["repr"]
    assert first["repr"].startswith("Param(name='limit', location='query', type='integer'")
    for result in (first, second):
        assert result["eq"] and result["hash"] and result["frozen"]


@pytest.mark.parametrize("spoil", ["writable by others", "another build", "corrupt", "not code"])
def test_a_doubtful_cache_file_is_ignored(tmp_path, spoil):
    cache = tmp_path / "cache"
    first = probe(cache, "write")
    path = cache / dccache.FILE_NAME
    if spoil == "writable by others":
        path.chmod(0o666)
    elif spoil == "another build":
        stamp, codes = marshal.loads(path.read_bytes())
        path.write_bytes(marshal.dumps(("1:2.7.18:cpython-27", codes)))
    elif spoil == "corrupt":
        path.write_bytes(path.read_bytes()[:1000])
    else:
        stamp, codes = marshal.loads(path.read_bytes())
        path.write_bytes(marshal.dumps((stamp, {text: "print('not code')" for text in codes})))
    again = probe(cache)
    assert again["read"] == 0 and again["compiled"] == first["compiled"]  # compiled, as without a cache
    assert again["prints"] == first["prints"]
