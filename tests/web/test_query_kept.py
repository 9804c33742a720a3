"""A page's query string survives switching the language (dashboard audit F8) and signing in (F9):
a filtered list or a period's agent page stays filtered, and a shared link's filters come back after
the sign-in page. Signing in still goes only to this dashboard's own paths.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import store_app

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture(scope="module")
def demo() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app(), raise_server_exceptions=False) as c:
        yield c


def _lang_links(page: str) -> dict[str, str]:
    links = re.findall(r'<a href="([^"]*)" hreflang="(\w+)"', page)
    return {lang: html.unescape(href) for href, lang in links}


@pytest.mark.parametrize("path", ["/ui/conversations?agent_id=kati&missing_stage=2&sort=overall",
                                  "/ui/agents/kati?date_from=2026-10-01&date_to=2026-10-31",
                                  "/ui/team?team=Tallinn&date_from=2026-10-01",
                                  "/ui/login?next=%2Fui%2Fconversations%3Fagent_id%3Dkati"])
@pytest.mark.parametrize("lang", ["et", "en"])
def test_the_language_links_keep_the_query_and_change_only_lang(demo: TestClient, path: str,
                                                                lang: str) -> None:
    page = demo.get(f"{path}&lang={lang}")
    assert page.status_code == 200, page.text
    links = _lang_links(page.text)
    assert sorted(links) == ["en", "et"]
    asked = [(k, v) for k, v in parse_qsl(urlsplit(path).query)]
    for code, href in links.items():
        assert href.startswith("?")
        assert parse_qsl(href[1:]) == [*asked, ("lang", code)], href


def test_a_failed_sign_in_keeps_where_it_was_going_in_the_language_links(store: Any) -> None:
    with TestClient(store_app(store), raise_server_exceptions=False) as c:
        page = c.post("/ui/login?lang=en", data={"token": "nope", "next": "/ui/team?team=North"},
                      headers={"Sec-Fetch-Site": "same-origin"})
        assert page.status_code == 401
        et = _lang_links(page.text)["et"]
        assert parse_qsl(et[1:]) == [("next", "/ui/team?team=North"), ("lang", "et")]


@pytest.fixture
def served(store: Any) -> Iterator[tuple[TestClient, str]]:
    _, token = store.create_user("root", "admin")
    with TestClient(store_app(store), raise_server_exceptions=False) as c:
        yield c, token


@pytest.mark.parametrize("path", ["/ui/conversations?agent_id=kati&missing_stage=2",
                                  "/ui/team?team=Online&date_from=2026-10-01",
                                  "/ui/agents/INC%2F7?date_to=2026-10-31",
                                  "/ui/users"])
def test_signing_in_comes_back_to_the_path_and_its_query(served: tuple[TestClient, str], path: str) -> None:
    client, token = served
    to_login = client.get(path, follow_redirects=False)
    assert to_login.status_code == 303
    location = to_login.headers["location"]
    assert location == f"/ui/login?next={quote(path, safe='')}"
    nxt = dict(parse_qsl(urlsplit(location).query))["next"]
    back = client.post("/ui/login", data={"token": token, "next": nxt}, headers=SAME_ORIGIN,
                       follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == path


@pytest.mark.parametrize("nxt", ["//evil.example/ui/", "https://evil.example/ui/team", "/ui/\\evil.example",
                                 "/uiteam", "/elsewhere?x=/ui/", "/ui/team\r\nSet-Cookie: a=b", "",
                                 "ui/team",
                                 # security audit S8: dot segments, percent-encoded or not, left the dashboard
                                 "/ui/../openapi.json", "/ui/%2e%2e/openapi.json", "/ui/.%2E/docs",
                                 "/ui/team/../../health", "/ui/./../me", "/ui/.."])
def test_signing_in_never_goes_off_the_dashboard(served: tuple[TestClient, str], nxt: str) -> None:
    client, token = served
    back = client.post("/ui/login", data={"token": token, "next": nxt}, headers=SAME_ORIGIN,
                       follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/ui/team"
