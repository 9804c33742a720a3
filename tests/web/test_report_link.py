""""Download report" after the session ended leads to the sign-in page, not to a saved sign-in page or
JSON (dashboard audit F3): the link carries ``download=1`` (no ``download`` attribute, which made the
browser save whatever came back), the server sends the report as a file, and a signed-out browser
is sent to sign in and from there to the report, shown in the tab.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import sign_in, signed_in_page, store_app


@pytest.fixture(scope="module")
def demo() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app(), raise_server_exceptions=False) as c:
        yield c


def _report_link(page: str) -> tuple[str, dict[str, str]]:
    tag = re.search(r'<a id="report-link"[^>]*>', page)
    assert tag, page
    href = html.unescape(re.search(r'href="([^"]+)"', tag.group(0)).group(1))
    return tag.group(0), dict(parse_qsl(urlsplit(href).query, keep_blank_values=True))


@pytest.mark.parametrize(("path", "scope", "key"), [
    ("/ui/agents/kati?date_from=2026-10-01&date_to=2026-10-31", "agent", "kati"),
    ("/ui/team?team=Tallinn&date_from=2026-10-01&date_to=2026-10-31", "team", "Tallinn")])
def test_the_link_asks_for_a_file_of_the_period_shown(demo: TestClient, path: str, scope: str,
                                                      key: str) -> None:
    tag, query = _report_link(demo.get(f"{path}&lang=et").text)
    assert " download=" not in tag
    assert query == {"scope": scope, "id": key, "date_from": "2026-10-01", "date_to": "2026-10-31",
                     "lang": "et", "download": "1"}


def test_the_report_comes_as_a_file_only_when_asked(demo: TestClient) -> None:
    file = demo.get("/ui/report?scope=agent&id=kati&download=1")
    assert file.status_code == 200
    assert file.headers["content-disposition"].startswith('attachment; filename="servio-agent-kati.html"')
    shown = demo.get("/ui/report?scope=agent&id=kati")
    assert shown.status_code == 200 and "content-disposition" not in shown.headers


def test_a_downloaded_report_is_named_by_its_days(demo: TestClient) -> None:
    """Audit rep21 F11: every month's download was 'servio-team-Pärnu.html' and overwrote the last (the API
    named the same report with its days)."""
    file = demo.get("/ui/report?scope=team&id=Tallinn&date_from=2026-10-01&date_to=2026-10-31&download=1")
    assert file.headers["content-disposition"].startswith(
        'attachment; filename="servio-team-Tallinn-2026-10-01_2026-10-31.html"')


def test_the_report_from_the_dashboard_links_its_conversations(demo: TestClient) -> None:
    """Audit rep21 F4: the dashboard's report, in the tab and downloaded, names its conversations as links
    to their pages on this dashboard."""
    for query in ("scope=period", "scope=period&download=1"):
        page = demo.get(f"/ui/report?{query}&lang=en").text
        assert '<a href="http://testserver/ui/conversations/' in page


def test_an_id_in_other_letters_names_the_file_safely(demo: TestClient) -> None:
    from servio.service.headers import attachment

    header = attachment("servio-agent-Jüri Õun/2.html")
    assert header.startswith('attachment; filename="servio-agent-J_ri__un_2.html"; filename*=UTF-8\'\'')
    assert "\n" not in header and "/" not in header.split("filename*=", 1)[1]


def test_signed_out_the_report_goes_to_sign_in_and_back_to_the_report_in_the_tab(store: Any) -> None:
    _, token = store.create_user("root", "admin")
    with TestClient(store_app(store), raise_server_exceptions=False) as client:
        answer = client.get("/ui/report?scope=period&date_from=2026-10-01&download=1&lang=en",
                            follow_redirects=False)
        assert answer.status_code == 303
        nxt = dict(parse_qsl(urlsplit(answer.headers["location"]).query))["next"]
        assert nxt == "/ui/report?scope=period&date_from=2026-10-01&lang=en"
        sign_in(client, token)
        back = client.post("/ui/login", data={"token": token, "next": nxt},
                           headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
        assert back.headers["location"] == nxt


def test_after_signing_out_the_link_opens_the_sign_in_page_in_chromium(browser: Any,
                                                                       store_served: Any) -> None:
    from servio.analyze import analyze
    from servio.evaluate import evaluate
    from tests.web.test_team_lead import _chat

    origin, store, token = store_served
    store.save_results([_chat("eva-1", "eva", "North", 20)],
                       lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    page = signed_in_page(browser, origin, token)
    try:
        page.goto(f"{origin}/ui/agents/eva?lang=en")
        with page.expect_download() as saved:
            page.click("#report-link")
        assert saved.value.suggested_filename == "servio-agent-eva.html"
        # wait until the file is whole: closing a context while a download is still running can hang
        assert saved.value.path().read_text("utf-8").startswith("<!doctype html>")
        cookies = page.context.cookies()
        # the session ends on the server: signed out with the context's own cookie, not from a second page,
        # whose close while its sign-out navigation was still loading hung two full runs for ten minutes
        ended = page.context.request.post(f"{origin}/ui/logout", max_redirects=0)
        assert ended.status == 303 and "/ui/login" in ended.headers["location"]
        page.context.add_cookies(cookies)  # the page still holds the ended session's cookie
        downloads: list[Any] = []
        page.on("download", lambda d: downloads.append(d))
        page.click("#report-link")
        page.wait_for_url("**/ui/login?next=**")
        assert page.locator("input[name=token]").is_visible()
        page.fill("input[name=token]", token)
        page.click("button[type=submit]")
        page.wait_for_url("**/ui/report?**")
        assert page.locator("h1").first.inner_text().startswith("Service process report")
        assert downloads == []
    finally:
        page.context.close()


def test_without_a_period_the_link_carries_no_empty_dates(demo: TestClient) -> None:
    # the sign-in page's next= read "…&date_from=&date_to=…" after a signed-out click
    _, query = _report_link(demo.get("/ui/agents/kati?lang=en").text)
    assert query == {"scope": "agent", "id": "kati", "lang": "en", "download": "1"}
