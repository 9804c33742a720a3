"""``/docs`` and ``/redoc``: served with their own files, from this server, and off in production by default.

The pages need no sign-in and are on the dashboard's origin (security audit
19b, m6): their scripts are the files of the pinned ``fastapi-offline``
package, and ``SERVIO_API_DOCS`` switches the pages off (production's default);
the schema, ``/openapi.json``, stays.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.service import create_app
from servio.service.apidocs import ASSET_TYPES
from tests.service.conftest import make_settings

SECRET = "x" * 40


def _client(**settings: Any) -> TestClient:
    return TestClient(create_app(make_settings(**settings)))


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_every_file_a_docs_page_loads_is_served_here_from_the_package(path: str) -> None:
    from importlib import resources

    with _client() as client:
        page = client.get(path)
        assert page.status_code == 200
        loaded = re.findall(r'(?:src|href)="/docs/assets/([^"]+)"', page.text)
        assert loaded and set(loaded) <= set(ASSET_TYPES), loaded
        for name in loaded:
            answer = client.get(f"/docs/assets/{name}")
            shipped = resources.files("fastapi_offline").joinpath("static", name).read_bytes()
            assert answer.status_code == 200 and answer.content == shipped
            assert answer.headers["content-type"].startswith(ASSET_TYPES[name].split(";")[0])


def test_the_docs_pages_load_pinned_releases() -> None:
    """The files are those of the release the project pins (an upgrade of the package is a decision)."""
    from importlib.metadata import version

    with _client() as client:
        swagger = client.get("/docs/assets/swagger-ui-bundle.js").text
        redoc = client.get("/docs/assets/redoc.standalone.js").text
    assert version("fastapi-offline") == "1.7.7"
    assert "SwaggerUIBundle" in swagger and "Redoc" in redoc


def test_only_the_package_files_are_served_there() -> None:
    with _client() as client:
        for name in ("core.py", "__init__.py", "..%2F__init__.py", "../__init__.py", "favicon.ico"):
            assert client.get(f"/docs/assets/{name}").status_code == 404, name


@pytest.mark.parametrize(("settings", "served"), [
    ({}, True),                                                           # development: on
    ({"api_docs": False}, False),
    ({"mode": "production", "secret_key": SECRET}, False),               # production: off ...
    ({"mode": "production", "secret_key": SECRET, "api_docs": True}, True),  # ... unless asked for
])
def test_a_setting_switches_the_docs_pages_off_and_production_does_by_default(
        settings: dict[str, Any], served: bool) -> None:
    with _client(**settings) as client:
        for path in ("/docs", "/redoc", "/docs/assets/redoc.standalone.js"):
            assert client.get(path).status_code == (200 if served else 404), path
        schema = client.get("/openapi.json")
        assert schema.status_code == 200 and schema.json()["info"]["title"] == "servio"


def test_the_setting_comes_from_the_environment(monkeypatch: Any) -> None:
    from servio.service import Settings

    monkeypatch.setenv("SERVIO_MODE", "production")
    assert Settings().docs_enabled is False
    monkeypatch.setenv("SERVIO_API_DOCS", "true")
    assert Settings().docs_enabled is True
