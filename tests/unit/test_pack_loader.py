"""The pack loader: validation with locations, $refs, third-party OpenAPI, load_providers, caching."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tui.core import model
from tui.core.packs import (
    BUILTIN_DIR,
    PackError,
    builtin_provider,
    clear_cache,
    load_pack,
    load_pack_bytes,
    load_pack_data,
    load_providers,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"


def _problems(path_or_data, **kw) -> list[str]:
    with pytest.raises(PackError) as info:
        if isinstance(path_or_data, (str, Path)):
            load_pack(path_or_data)
        else:
            load_pack_data(path_or_data, **kw)
    assert info.value.problems, "a PackError must list its problems"
    return info.value.problems


def _trackingram_data() -> dict:
    return json.loads((BUILTIN_DIR / "trackingram.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------
# Built-ins


def test_load_providers_returns_the_three_builtins_without_warnings():
    providers, warnings = load_providers()
    assert [p.id for p in providers] == ["gocache", "noosfero", "trackingram"]
    assert warnings == []
    assert all(p.builtin for p in providers)
    assert [len(p.endpoints) for p in providers] == [51, 125, 3]


def test_builtin_provider_and_unknown_id():
    assert builtin_provider("noosfero").name == "Noosfero"
    with pytest.raises(KeyError, match="no built-in provider 'nope'"):
        builtin_provider("nope")


def test_parsed_packs_are_cached_per_file_and_mtime(tmp_path):
    target = tmp_path / "echo.json"
    shutil.copy(GOOD / "minimal.json", target)
    first = load_pack(target)
    assert load_pack(target) is first
    data = json.loads(target.read_text())
    data["x-apiplay"]["name"] = "Echo Two"
    target.write_text(json.dumps(data))
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    second = load_pack(target)
    assert second is not first and second.name == "Echo Two"
    clear_cache()
    assert load_pack(target) is not second


def test_core_packs_imports_no_textual():
    code = "import sys, tui.core.packs, tui.core.docs; sys.exit(1 if any(m.startswith('textual') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_yaml_and_json_of_the_same_pack_load_alike(tmp_path):
    data = _trackingram_data()
    (tmp_path / "tg.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    a = load_pack_data(data, source="x")
    b = load_pack(tmp_path / "tg.yaml")
    assert a.endpoints == b.endpoints and a.auth == b.auth and a.rate_limit == b.rate_limit
    assert not b.builtin


# --------------------------------------------------------------------------------------------------
# Every model field has a pack field


def _instances(obj, out):
    if dataclasses.is_dataclass(obj):
        out.setdefault(type(obj), []).append(obj)
        for f in dataclasses.fields(obj):
            _instances(getattr(obj, f.name), out)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            _instances(x, out)
    elif isinstance(obj, dict):
        for x in obj.values():
            _instances(x, out)
    return out


def test_every_model_field_can_be_set_from_a_pack():
    prov = load_pack(GOOD / "full.json", builtin=False)
    seen = _instances(prov, {})
    expected_types = {model.Provider, model.TargetSpec, model.Variable, model.AuthSpec, model.CredentialField,
                      model.AuthPlacement, model.LoginSpec, model.SandboxAccount, model.RateLimitSpec,
                      model.ErrorSpec, model.ErrorMeaning, model.Endpoint, model.PagingSpec, model.Param}
    assert expected_types <= set(seen)
    for cls in expected_types:
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
                default = f.default_factory()  # type: ignore[misc]
            else:
                continue  # required: always set
            values = [getattr(o, f.name) for o in seen[cls]]
            assert any(v != default for v in values), f"{cls.__name__}.{f.name} cannot be set from a pack"


# --------------------------------------------------------------------------------------------------
# Broken packs: every problem, with its location


def test_broken_pack_reports_every_problem_with_its_location():
    probs = _problems(BROKEN / "bad_fields.json")
    src = str(BROKEN / "bad_fields.json")
    assert all(p.startswith(src + ": ") for p in probs)
    text = "\n".join(probs)
    expected = [
        "paths./communities/{id}.get.parameters[0].schema.type: expected one of string, integer, number, "
        "boolean, array, object, file, got 'int'",
        "paths./communities/{id}.get.parameters[1].in: expected one of path, query, header, got 'body'",
        "paths./communities/{id}.get.parameters[2].schema.enum[0]: expected a value of type integer, got 'ten'",
        "paths./people/{person_id}/friends.get.parameters: no path parameter for the {person_id} placeholder",
        "paths./items/{item_id}/.get: duplicate endpoint",
        "paths./tasks.get: expected an object, got 'not an operation'",
        "paths./tasks.fetch: unknown HTTP method",
        "paths./blocks.post.x-apiplay.auth: expected one of none, optional, required, admin, got 'admins'",
        "paths./blocks.post.x-apiplay.evidence: expected one of documented, seen-in-client, inferred",
        "paths./blocks.post.x-apiplay.body_encoding: expected one of form, json, raw, got 'xml'",
        "paths./blocks.post.x-apiplay.paging.max_size: expected an integer, got 'fifty'",
        "x-apiplay.id: expected lower-case letters",
        "x-apiplay.errors.messages[0].pattern: is not a valid regular expression",
        "x-apiplay.errors.messages[1].pattern: is missing",
        "x-apiplay.errors.statuses: expected an object, got a list",
        "x-apiplay.rate_limit.limit: expected an integer, got 'many'",
        "x-apiplay.rate_limit.hit_pattern: is not a valid regular expression",
        "x-apiplay.auth.placements[0].location: expected one of header, query, basic, got 'cookie'",
        "x-apiplay.auth.placements[1].password_field: is missing",
        "x-apiplay.colour: unknown field",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, "not reported:\n" + "\n".join(missing) + "\n--- got:\n" + text
    assert "Traceback" not in text


@pytest.mark.parametrize("name, fragment", [
    ("truncated.json", "not valid JSON"),
    ("bad_indent.yaml", "not valid YAML at line 4"),
    ("swagger2.json", "Swagger 2.0 is not supported"),
    ("not_an_object.json", "a pack must be an object"),
])
def test_unreadable_packs_say_why(name, fragment):
    probs = _problems(BROKEN / name)
    assert len(probs) == 1 and fragment in probs[0] and name in probs[0]


def test_ref_cycles_and_dangling_refs_are_problems_not_hangs():
    probs = _problems(BROKEN / "cyclic.yaml")
    assert any("paths./a.get.parameters[0]" in p and "cycle" in p for p in probs)
    assert any("'#/components/parameters/Nowhere' points to nothing" in p for p in probs)
    assert len(probs) == 2


def test_missing_file_is_a_pack_error(tmp_path):
    probs = _problems(tmp_path / "absent.json")
    assert "cannot read the file" in probs[0]


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d["paths"]["/trackerGps/{imei}"]["get"].pop("parameters"),
     "paths./trackerGps/{imei}.get.parameters: no path parameter for the {imei} placeholder"),
    (lambda d: d["paths"]["/trackerGps"]["get"]["parameters"][0]["schema"].update(type="int"),
     "paths./trackerGps.get.parameters[0].schema.type: expected one of"),
    (lambda d: d["paths"]["/trackerGps"]["get"]["parameters"][0].update({"x-apiplay-array-style": "commas"}),
     "paths./trackerGps.get.parameters[0].x-apiplay-array-style: expected one of repeat, brackets"),
    (lambda d: d["x-apiplay"]["errors"]["messages"].append({"pattern": "FLOOD_(", "meaning": "x"}),
     "x-apiplay.errors.messages[6].pattern: is not a valid regular expression"),
    (lambda d: d["x-apiplay"]["targets"].update(live="https://x/{release}"),
     "x-apiplay.targets.live: uses {release} but no variable 'release' is defined"),
    (lambda d: d["x-apiplay"]["targets"]["variables"]["version"].update(default="v9"),
     "x-apiplay.targets.variables.version.default: 'v9' is not one of the enum values"),
    (lambda d: d["x-apiplay"]["auth"]["placements"][0].update(password_field="secret"),
     "x-apiplay.auth.placements[0].password_field: names 'secret', which is not a credential"),
    (lambda d: d["x-apiplay"]["paging"].update(style="cursor"),
     "x-apiplay.paging.style: expected one of page, offset, none, got 'cursor'"),
    (lambda d: d["x-apiplay"]["rate_limit"].update(scope="planet"),
     "x-apiplay.rate_limit.scope: expected one of credential, client"),
    (lambda d: d["paths"]["/trackerGps"].update(get=[]), "paths./trackerGps.get: expected an object, got a list"),
    (lambda d: d.update(paths={"trackerGps": {}}), "paths.trackerGps: a path must start with '/'"),
    (lambda d: d["info"].pop("title"), "info.title: is missing"),
    (lambda d: d.update(openapi="2.0"), "openapi: expected version 3.0.x or 3.1.x, got '2.0'"),
    (lambda d: d["paths"]["/trackerGps"]["get"]["x-apiplay"].update(pagnig=False),
     "paths./trackerGps.get.x-apiplay.pagnig: unknown field"),
])
def test_each_kind_of_problem_names_its_location(mutate, fragment):
    data = _trackingram_data()
    mutate(data)
    probs = _problems(data, source="tg.json")
    assert any(fragment in p for p in probs), probs
    assert all(p.startswith("tg.json: ") for p in probs)


def test_all_problems_at_once_not_just_the_first():
    data = _trackingram_data()
    data["paths"]["/trackerGps"]["get"]["parameters"][0]["schema"]["type"] = "int"
    data["paths"]["/trackerGps/{imei}"]["get"]["x-apiplay"]["auth"] = "sometimes"
    data["x-apiplay"]["rate_limit"]["hit_pattern"] = "("
    assert len(_problems(data)) == 3


def test_pack_error_message_is_plain():
    err = PackError(["a.json: paths./x.get: bad"], "a.json")
    assert "1 problem in the provider pack" in str(err) and "paths./x.get: bad" in str(err)
    assert err.source == "a.json"


# --------------------------------------------------------------------------------------------------
# Third-party OpenAPI (no x-apiplay)


def test_third_party_openapi_30_yaml_with_refs_loads():
    p = load_pack(GOOD / "bookshelf.yaml")
    assert (p.id, p.name, p.version, p.builtin) == ("bookshelf", "Bookshelf API", "2.4.1", False)
    assert p.targets.live_url == "https://{region}.bookshelf.example/api/v2"
    assert p.targets.sandbox_path == ""
    assert p.base_url("live") == "https://eu.bookshelf.example/api/v2"
    assert p.targets.variables["region"].enum == ("eu", "us")
    assert p.rate_limit.limit is None and p.rate_limit.standard_headers
    assert p.tags == {"books": "The catalogue", "loans": "Who borrowed what"}
    eps = {ep.key: ep for ep in p.endpoints}
    assert set(eps) == {"GET /books", "POST /books", "GET /books/{bookId}", "DELETE /books/{bookId}",
                        "POST /loans"}
    listing = eps["GET /books"]
    assert [(q.name, q.location, q.type) for q in listing.params] == [
        ("page", "query", "integer"), ("per_page", "query", "integer"), ("genre", "query", "string"),
        ("tags", "query", "array")]
    assert listing.param("per_page").maximum == 100 and listing.param("per_page").default == 20
    assert listing.param("genre").enum == ("novel", "poetry", "essay")  # through a schema $ref
    assert listing.param("tags").array_style == "csv"  # style form, explode false
    assert listing.statuses["401"] == "Missing or wrong API key"  # through a response $ref
    assert listing.example_response == [{"id": 1, "title": "Dom Casmurro", "genre": "novel"}]
    assert listing.auth == "required"
    book = eps["GET /books/{bookId}"]
    assert book.auth == "none"  # security: []
    assert book.param("bookId").required and book.param("bookId").type == "integer"  # path-level $ref
    create = eps["POST /books"]  # requestBody $ref -> schema $ref (recursive Book/Author)
    assert create.body_encoding == "json"
    assert {(q.name, q.type, q.required) for q in create.params} == {
        ("id", "integer", False), ("title", "string", True), ("genre", "string", False),
        ("author", "object", False)}
    loan = eps["POST /loans"]
    assert loan.body_encoding == "form"
    assert loan.param("member").format == "email" and loan.param("book_id").minimum == 1
    placements = [(a.location, a.name, a.field, a.password_field, a.prefix) for a in p.auth.placements]
    assert placements == [("header", "X-Api-Key", "token", None, ""),
                          ("basic", "", "username", "password", ""),
                          ("header", "Authorization", "token", None, "Bearer ")]
    assert {c.name for c in p.auth.credentials} == {"token", "username", "password"}
    assert {c.name for c in p.auth.credentials if c.secret} == {"token", "password"}


def test_third_party_id_falls_back_to_the_title():
    data = {"openapi": "3.1.0", "info": {"title": "My Shiny API!", "version": "1"},
            "paths": {"/ping": {"get": {"responses": {"200": {"description": "pong"}}}}}}
    p = load_pack_data(data, builtin=False)
    assert p.id == "my-shiny-api" and p.endpoints[0].auth == "none"
    assert load_pack_data(data, source="/tmp/openapi.yaml").id == "my-shiny-api"  # a generic file name
    assert load_pack_data(data, source="/tmp/shop.yaml").id == "shop"


def test_openapi_31_type_lists_and_bearer_auth():
    data = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
            "servers": [{"url": "https://t.example"}],
            "components": {"securitySchemes": {"b": {"type": "http", "scheme": "bearer"}}},
            "security": [{"b": []}],
            "paths": {"/n": {"get": {"parameters": [
                {"name": "q", "in": "query", "schema": {"type": ["integer", "null"]}}],
                "responses": {"200": {"description": "ok"}}}}}}
    p = load_pack_data(data, source="t.json", builtin=False)
    assert p.endpoints[0].param("q").type == "integer"
    (pl,) = p.auth.placements
    assert (pl.location, pl.name, pl.prefix) == ("header", "Authorization", "Bearer ")


# --------------------------------------------------------------------------------------------------
# load_providers with user directories


def test_load_providers_skips_broken_packs_with_warnings_and_keeps_the_rest():
    providers, warnings = load_providers([GOOD, BROKEN, FIXTURES / "does-not-exist"])
    ids = [p.id for p in providers]
    assert ids[:3] == ["gocache", "noosfero", "trackingram"]
    assert set(ids[3:]) == {"bookshelf", "echo", "fullcoverage"}
    assert all(not p.builtin for p in providers[3:])
    broken = sorted(f.name for f in BROKEN.iterdir())
    assert len(warnings) == len(broken)
    for name, warning in zip(broken, sorted(warnings, key=lambda w: w.split(": ")[0])):
        assert name in warning and warning.startswith("Skipped provider pack ")
    bad = next(w for w in warnings if "bad_fields.json" in w)
    assert "schema.type: expected one of" in bad


def test_load_providers_refuses_a_second_pack_with_the_same_id(tmp_path):
    data = _trackingram_data()
    (tmp_path / "copy.json").write_text(json.dumps(data))
    providers, warnings = load_providers([tmp_path])
    assert [p.id for p in providers] == ["gocache", "noosfero", "trackingram"]
    assert len(warnings) == 1 and "'trackingram' is already used" in warnings[0]


def test_load_providers_never_raises_for_odd_directory_entries(tmp_path):
    (tmp_path / "notes.txt").write_text("not a pack")
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "dir.json").mkdir()
    a_file = tmp_path / "plain"
    a_file.write_text("x")
    providers, warnings = load_providers([tmp_path, a_file])
    assert len(providers) == 3
    assert any("empty.yaml" in w for w in warnings)
    assert any("binary.json" in w for w in warnings)
    assert any("not a directory" in w for w in warnings)
    assert not any("notes.txt" in w or "dir.json" in w for w in warnings)


def test_a_user_pack_in_yaml_from_a_builtin_copy_is_not_builtin(tmp_path):
    data = copy.deepcopy(_trackingram_data())
    data["x-apiplay"]["id"] = "tg2"
    (tmp_path / "tg2.yml").write_text(yaml.safe_dump(data))
    providers, warnings = load_providers([tmp_path])
    assert warnings == []
    extra = providers[-1]
    assert extra.id == "tg2" and not extra.builtin and extra.source.endswith("tg2.yml")


def test_load_pack_bytes_sniffs_json_and_yaml():
    text = (GOOD / "bookshelf.yaml").read_text(encoding="utf-8")
    p = load_pack_bytes(text, source="https://example.org/specs/bookshelf")
    assert p.id == "bookshelf" and len(p.endpoints) == 5 and not p.builtin
    j = load_pack_bytes((GOOD / "minimal.json").read_bytes(), source="echo.json")
    assert j.id == "echo"
    with pytest.raises(PackError) as info:
        load_pack_bytes(b"{not json", source="spec.json")
    assert info.value.problems == [info.value.problems[0]] and "spec.json: not valid JSON" in info.value.problems[0]


def test_a_large_spec_with_branching_recursive_refs_loads_quickly():
    """Every schema refers to four others: a naive $ref expansion explodes; the loader must not."""
    import time

    n = 40
    schemas = {f"S{i}": {"type": "object", "properties": {
        **{f"link{j}": {"$ref": f"#/components/schemas/S{(i + j + 1) % n}"} for j in range(4)},
        "tags": {"type": "array", "items": {"$ref": f"#/components/schemas/S{(i + 7) % n}"}},
        "name": {"type": "string"}}} for i in range(n)}
    paths = {f"/r{i}/{{id}}": {m: {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        **({"requestBody": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/S{i % n}"}}}}}
           if m != "get" else {}),
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/S{i % n}"}}}}}} for m in ("get", "put")} for i in range(150)}
    doc = {"openapi": "3.0.0", "info": {"title": "Big", "version": "1"}, "paths": paths,
           "components": {"schemas": schemas}}
    start = time.perf_counter()
    p = load_pack_data(doc, builtin=False)
    assert time.perf_counter() - start < 3.0
    assert len(p.endpoints) == 300
    put = p.endpoint("PUT", "/r3/{id}")
    assert {(q.name, q.type) for q in put.params if q.location == "body"} == {
        ("link0", "object"), ("link1", "object"), ("link2", "object"), ("link3", "object"), ("tags", "array"),
        ("name", "string")}
    assert put.param("tags").items_type == "object"


def test_a_body_field_named_like_a_parameter():
    op = {"parameters": [{"name": "id", "in": "query", "schema": {"type": "integer"}}],
          "requestBody": {"content": {"application/json": {"schema": {
              "type": "object", "properties": {"id": {"type": "string"}, "note": {"type": "string"}}}}}},
          "responses": {"200": {"description": "ok"}}}
    doc = {"openapi": "3.0.0", "info": {"title": "Clash", "version": "1"}, "paths": {"/x": {"post": op}}}
    plain = load_pack_data(doc, builtin=False)  # a third-party file still loads; the parameter wins
    assert [(q.name, q.location) for q in plain.endpoints[0].params] == [("id", "query"), ("note", "body")]
    doc["x-apiplay"] = {"id": "clash"}
    probs = _problems(doc, source="clash.json")
    assert probs == ["clash.json: paths./x.post.requestBody: body field 'id' has the same name as a parameter"]
