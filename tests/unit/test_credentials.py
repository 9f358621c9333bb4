import os
import stat
import sys
import tomllib
import types

import pytest

from tui.core.credentials import CredentialsError, CredentialStore, mask


@pytest.fixture(scope="module")
def providers():
    from tui.core.packs import load_providers

    ps, _ = load_providers()
    return {p.id: p for p in ps}


def test_env_first_then_file(providers, tmp_path):
    p = providers["noosfero"]
    store = CredentialStore(env={})
    assert store.get(p) == {} and store.source(p) is None
    assert store.set("noosfero", {"login": "ana", "password": "pw-secret"}) == "file"
    assert store.get(p) == {"login": "ana", "password": "pw-secret"}
    assert store.source(p) == "file"
    env_store = CredentialStore(env={"APIPLAY_NOOSFERO_TOKEN": "envtok", "APIPLAY_NOOSFERO_LOGIN": "bob"})
    assert env_store.get(p) == {"token": "envtok", "login": "bob", "password": "pw-secret"}
    assert env_store.sources(p) == {"token": "env", "login": "env", "password": "file"}
    assert env_store.source(p) == "env+file"


def test_file_is_0600_and_dir_0700(providers):
    store = CredentialStore(env={})
    old = os.umask(0)
    try:
        store.set("gocache", {"token": "abc"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(store.path.parent).st_mode) == 0o700
    assert tomllib.loads(store.path.read_text()) == {"gocache": {"token": "abc"}}


def test_set_merges_forget_removes(providers):
    store = CredentialStore(env={})
    store.set("trackingram", {"email": "a@b.c"})
    store.set("trackingram", {"token": "tk"})
    store.set("gocache", {"token": "g"})
    assert store.get(providers["trackingram"]) == {"email": "a@b.c", "token": "tk"}
    store.set("trackingram", {"email": ""})
    assert store.get(providers["trackingram"]) == {"token": "tk"}
    assert store.forget("trackingram") is True
    assert store.forget("trackingram") is False
    assert store.get(providers["trackingram"]) == {}
    assert store.get(providers["gocache"]) == {"token": "g"}


def test_loose_file_mode_tightened(providers):
    store = CredentialStore(env={})
    store.set("gocache", {"token": "abc"})
    os.chmod(store.path, 0o644)
    assert store.get(providers["gocache"]) == {"token": "abc"}
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert any("readable by others" in w for w in store.warnings)


def test_broken_file_never_overwritten(providers):
    store = CredentialStore(env={})
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("[gocache]\ntoken = \n")
    os.chmod(store.path, 0o600)
    assert store.get(providers["gocache"]) == {}
    assert store.warnings and "line 2" in store.warnings[0]
    with pytest.raises(CredentialsError, match="line 2"):
        store.set("gocache", {"token": "new"})
    assert store.path.read_text() == "[gocache]\ntoken = \n"


def test_secrets_not_in_repr_or_describe(providers):
    store = CredentialStore(env={})
    store.set("gocache", {"token": "supersecretvalue123"})
    assert "supersecret" not in repr(store)
    rows = store.describe(providers["gocache"])
    assert rows[0][0] == "token" and "supersecret" not in rows[0][1] and str(store.path) in rows[0][2]
    assert mask("short") == "****"


def test_keyring_when_opted_in(providers, monkeypatch):
    vault = {}
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: vault.get((service, user))
    fake.set_password = lambda service, user, pw: vault.__setitem__((service, user), pw)
    fake.delete_password = lambda service, user: vault.pop((service, user))
    monkeypatch.setitem(sys.modules, "keyring", fake)
    store = CredentialStore(env={"APIPLAY_KEYRING": "1"})
    assert store.use_keyring
    assert store.set("gocache", {"token": "kr-token"}) == "keyring"
    assert not store.path.exists()  # nothing on disk
    assert store.get(providers["gocache"]) == {"token": "kr-token"}
    assert store.source(providers["gocache"]) == "keyring"
    assert store.forget("gocache") and vault == {}
    # not opted in: the keyring is left alone
    assert CredentialStore(env={}).use_keyring is False


def test_unknown_stored_fields_still_returned(providers):
    store = CredentialStore(env={})
    store.set("gocache", {"token": "t", "extra": "x"})
    assert store.get(providers["gocache"]) == {"token": "t", "extra": "x"}


def test_keyring_opt_in_from_config_toml(monkeypatch):
    from tui.core import paths

    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: None
    monkeypatch.setitem(sys.modules, "keyring", fake)
    assert CredentialStore(env={}).use_keyring is False
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('[credentials]\nstore = "keyring"\n')
    assert CredentialStore(env={}).use_keyring is True
    assert CredentialStore(env={"APIPLAY_KEYRING": "0"}).use_keyring is False
    monkeypatch.delitem(sys.modules, "keyring")
    monkeypatch.setattr("builtins.__import__", _no_keyring_import(__import__))
    assert CredentialStore(env={}).use_keyring is False  # opted in, but not installed: the file


def _no_keyring_import(real):
    def fake_import(name, *args, **kwargs):
        if name == "keyring":
            raise ImportError("no keyring")
        return real(name, *args, **kwargs)

    return fake_import
