import http.server
import json
import threading

import pytest

from tui.cli import main
from tui.core import paths

SPEC = """\
openapi: 3.0.3
info:
  title: Widget Store
  version: "1.0"
servers:
  - url: {server}
paths:
  /widgets:
    get:
      summary: List widgets
      parameters:
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: the widgets
          content:
            application/json:
              schema:
                type: array
                items: {{$ref: "#/components/schemas/Widget"}}
  /widgets/{{id}}:
    get:
      summary: One widget
      parameters:
        - $ref: "#/components/parameters/Id"
      responses:
        "200":
          description: one
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Widget"}}
components:
  parameters:
    Limit:
      name: limit
      in: query
      schema: {{type: integer, minimum: 1}}
    Id:
      name: id
      in: path
      required: true
      schema: {{type: integer}}
  schemas:
    Widget:
      type: object
      properties:
        id: {{type: integer}}
        name: {{type: string}}
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict = {}

    def do_GET(self):  # noqa: N802
        if self.path in self.files:
            body = self.files[self.path].encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/yaml")
        elif self.path.startswith("/api/widgets"):
            limit = self.path.split("limit=")[1] if "limit=" in self.path else "all"
            body = json.dumps([{"id": 1, "name": "gear", "limit": limit}]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:
            body = b"not here"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    origin = f"http://127.0.0.1:{srv.server_address[1]}"
    _Handler.files = {"/specs/openapi.yaml": SPEC.format(server=origin + "/api")}
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield origin
    srv.shutdown()
    srv.server_close()


def test_add_file_with_refs_then_list_and_call(tmp_path, server, capsys):
    spec = tmp_path / "widgets.yaml"
    spec.write_text(SPEC.format(server=server + "/api"))
    assert main(["add-provider", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "Added provider 'widgets' (Widget Store, 2 endpoints)" in out
    stored = paths.providers_dir() / "widgets.yaml"
    assert stored.read_bytes() == spec.read_bytes()  # stored as is
    assert main(["providers", "widgets", "--json"]) == 0
    eps = json.loads(capsys.readouterr().out)
    assert {(e["method"], e["path"]) for e in eps} == {("GET", "/widgets"), ("GET", "/widgets/{id}")}
    one = next(e for e in eps if e["path"] == "/widgets/{id}")
    assert one["params"] == [{"name": "id", "in": "path", "type": "integer", "required": True}]  # $ref resolved
    # and it is usable: a live call against the server the document names
    assert main(["call", "widgets", "GET", "/widgets", "limit=2", "--target", "live"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"id": 1, "name": "gear", "limit": "2"}]


def test_add_from_url_with_name(server, capsys):
    assert main(["add-provider", server + "/specs/openapi.yaml", "--name", "My Widgets"]) == 0
    out = capsys.readouterr().out
    assert "Added provider 'my-widgets' (My Widgets, 2 endpoints)" in out
    data = json.loads((paths.providers_dir() / "my-widgets.json").read_text())
    assert data["x-apiplay"] == {"id": "my-widgets", "name": "My Widgets"}
    # again: replaces, not duplicates
    assert main(["add-provider", server + "/specs/openapi.yaml", "--name", "My Widgets"]) == 0
    assert "Replaced provider 'my-widgets'" in capsys.readouterr().out
    assert [f.name for f in paths.providers_dir().iterdir()] == ["my-widgets.json"]


def test_url_without_name_gets_id_from_title(server, capsys):
    assert main(["add-provider", server + "/specs/openapi.yaml"]) == 0
    assert "Added provider 'widget-store'" in capsys.readouterr().out
    assert (paths.providers_dir() / "widget-store.yaml").exists()


def test_broken_spec_exit_2_with_problems(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SPEC.format(server="https://x.example").replace("#/components/parameters/Id", "#/components/parameters/Nope"))
    assert main(["add-provider", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "is not a usable OpenAPI 3.x document" in err and "Nope" in err
    assert not paths.providers_dir().exists()
    swagger = tmp_path / "old.json"
    swagger.write_text(json.dumps({"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}))
    assert main(["add-provider", str(swagger)]) == 2
    assert "Swagger 2.0 is not supported" in capsys.readouterr().err


def test_refusals(tmp_path, server, capsys):
    assert main(["add-provider", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["add-provider", "ftp://example.com/x.yaml"]) == 2
    assert "only http:// and https://" in capsys.readouterr().err
    assert main(["add-provider", server + "/specs/missing.yaml"]) == 1
    assert "answered 404" in capsys.readouterr().err
    spec = tmp_path / "gocache.yaml"
    spec.write_text(SPEC.format(server="https://x.example"))
    assert main(["add-provider", str(spec)]) == 2
    assert "belongs to a built-in provider" in capsys.readouterr().err


def test_unreachable_url_exit_3(capsys):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    assert main(["add-provider", f"http://127.0.0.1:{port}/spec.yaml"]) == 3
    assert "could not fetch" in capsys.readouterr().err
