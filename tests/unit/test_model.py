from tui.core.model import Endpoint, Param, Provider, TargetSpec, Variable


def _provider():
    eps = (
        Endpoint("GET", "/communities", params=()),
        Endpoint("GET", "/communities/{id}", params=(Param("id", "path", "integer", True),)),
        Endpoint("GET", "/communities/{id}/members"),
        Endpoint("GET", "/communities/featured"),
    )
    return Provider(
        id="x", name="X", endpoints=eps,
        targets=TargetSpec("https://{host}/api/v1", "/x/api/v1", {"host": Variable("example.org")}),
    )


def test_endpoint_matches_template_or_concrete_path():
    p = _provider()
    assert p.endpoint("get", "/communities/{id}").path == "/communities/{id}"
    assert p.endpoint("GET", "/communities/5").path == "/communities/{id}"
    assert p.endpoint("GET", "/communities/5/members").path == "/communities/{id}/members"
    # a literal segment beats a placeholder
    assert p.endpoint("GET", "/communities/featured").path == "/communities/featured"
    assert p.endpoint("POST", "/communities") is None


def test_path_values_are_decoded():
    p = _provider()
    ep = p.endpoint("GET", "/communities/{id}")
    assert p.path_values(ep, "/communities/a%20b") == {"id": "a b"}


def test_base_urls():
    p = _provider()
    assert p.base_url("live") == "https://example.org/api/v1"
    assert p.base_url("live", variables={"host": "h"}) == "https://h/api/v1"
    assert p.base_url("live", override="https://o/api/v1/") == "https://o/api/v1"
    assert p.base_url("sandbox", sandbox_origin="http://127.0.0.1:9") == "http://127.0.0.1:9/x/api/v1"
