"""WCAG 2.1 AA in the pages' HTML (accessibility audit 21): text in another language than the page's is
marked with its own, the sign-in page keeps its language through the post and ties its refusal to the field,
the live page says how its boxes work and has a place for "done" in words, the heatmap's headers are named
by what they show.

No browser (tests/web/test_wcag_browser.py has the rest). The sign-in tests run on every store backend of
the project's ``store`` fixture; the people are invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import store_app

LANG = "servio_lang"


@pytest.fixture(scope="module")
def demo() -> Iterator[TestClient]:
    """The demo dashboard over the bundled examples (Estonian and English conversations), open to a guest."""
    from servio.examples import example_gold_path
    from servio.web.demo import demo_app

    with TestClient(demo_app([example_gold_path()])) as client:
        yield client


class _Langs(HTMLParser):
    """The language in force at each piece of text: the nearest ``lang`` above it."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
            "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.pieces: list[tuple[str, str]] = []  # (language, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack:
            self.pieces.append((self.stack[-1][1], data.strip()))


def _language_of(html: str, text: str) -> str:
    parser = _Langs()
    parser.feed(html)
    found = [lang for lang, piece in parser.pieces if text in piece]
    assert found, f"{text!r} is not in the page"
    return found[0]


@pytest.mark.parametrize(("conversation", "page_lang", "said", "coached"), [
    ("ex-et-01", "en", "Tere! Siin Laine Mobiili klienditugi", "Esitasid avatud küsimusi"),
    ("ex-en-01", "et", "welcome to Oakhaus Furniture", "Ask what matters most to the customer"),
])
def test_a_conversation_in_the_other_language_is_marked_with_its_own(
        demo: TestClient, conversation: str, page_lang: str, said: str, coached: str) -> None:
    # WCAG 3.1.2 (audit 21 M2): an Estonian transcript and its coaching on the English page were read by
    # a screen reader with English rules
    html = demo.get(f"/ui/conversations/{conversation}?lang={page_lang}").text
    other = "et" if page_lang == "en" else "en"
    assert re.search(rf'<html lang="{page_lang}"', html)
    assert _language_of(html, said) == other
    assert _language_of(html, coached) == other
    # the page's own words around them stay in the page's language
    assert _language_of(html, "Coaching" if page_lang == "en" else "Tagasiside") == page_lang


def test_the_heatmap_headers_are_named_by_what_they_show(demo: TestClient) -> None:
    # audit 21 m1: aria-label "Sort by …" named each stage column, so every cell was read with "Sort by"
    html = demo.get("/ui/team?lang=en").text
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert "aria-label" not in head and "Sort by" not in head
    shown = '2</span> <span class="stage-name">interest</span>'
    assert shown + '<span class="sr-only"> (creating interest)</span>' in head


def test_the_live_page_says_how_the_boxes_work_and_has_room_for_done_in_words(demo: TestClient) -> None:
    for lang, keys, todo in (("en", "Shift+Enter starts a new line", "not done yet"),
                             ("et", "Shift+Enter alustab uut rida", "veel tegemata")):
        html = demo.get(f"/ui/live?lang={lang}").text
        assert re.search(rf'<p class="hint small keys" id="live-keys">[^<]*{re.escape(keys)}', html)
        assert html.count('aria-describedby="live-keys"') == 2  # both boxes
        assert html.count(f'<span class="sr-only step-state">, {todo}</span>') == 7
        assert f'data-step-todo="{todo}"' in html


@pytest.fixture
def app(store: Any, tokens: dict[str, str]) -> Any:
    return store_app(store)


def test_the_sign_in_page_keeps_its_language_through_a_refusal(app: Any) -> None:
    # audit 21 M7: the Estonian sign-in page posted without its language, and with an English browser the
    # refusal came in English
    with TestClient(app, raise_server_exceptions=False) as client:
        form = client.get("/ui/login?lang=et", headers={"Accept-Language": "en-GB"})
        assert form.cookies.get(LANG) == "et"
        action = re.search(r'<form method="post" action="([^"]+)"', form.text)
        assert action and action.group(1) == "/ui/login?lang=et"
        client.cookies.clear()  # the post alone must carry the language
        refused = client.post(action.group(1), data={"token": "servio_wrong.token"},
                              headers={"Accept-Language": "en-GB"})
        assert refused.status_code == 401
        assert "See võti ei kehti" in refused.text and "That token is not valid" not in refused.text
        assert re.search(r'<html lang="et"', refused.text)


def test_a_refused_token_marks_the_field_and_describes_it(app: Any) -> None:
    # WCAG 3.3.1 (audit 21 M7): the refusal was an alert on its own, not the field's description
    with TestClient(app, raise_server_exceptions=False) as client:
        refused = client.post("/ui/login?lang=en", data={"token": "servio_wrong.token"})
        field = re.search(r'<input id="token"[^>]*>', refused.text)
        assert field
        assert 'aria-invalid="true"' in field.group(0) and "autofocus" in field.group(0)
        described = re.search(r'aria-describedby="([^"]+)"', field.group(0))
        assert described and described.group(1).split() == ["token-error", "token-help"]
        error = r'<p class="error" role="alert" id="token-error">That token is not valid'
        assert re.search(error, refused.text)
        fresh = client.get("/ui/login?lang=en").text
        field = re.search(r'<input id="token"[^>]*>', fresh)
        assert field and "aria-invalid" not in field.group(0)
        assert 'aria-describedby="token-help"' in field.group(0)


def test_signing_in_from_the_estonian_page_leads_to_estonian_pages(app: Any, tokens: dict[str, str]) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        signed = client.post("/ui/login?lang=et", data={"token": tokens["agent"]},
                             headers={"Accept-Language": "en-GB"}, follow_redirects=False)
        assert signed.status_code == 303
        assert signed.cookies.get(LANG) == "et"
        landing = client.get(signed.headers["location"], headers={"Accept-Language": "en-GB"})
        assert re.search(r'<html lang="et"', landing.text)


def test_an_agents_menu_leads_to_their_own_results(app: Any, tokens: dict[str, str]) -> None:
    # audit 21 m7: an agent's "Team" led to their own page, where no menu item was then the current one
    from tests.web.conftest import sign_in

    with TestClient(app, raise_server_exceptions=False) as agent, \
            TestClient(app, raise_server_exceptions=False) as admin:
        sign_in(agent, tokens["agent"])
        sign_in(admin, tokens["admin"])
        for lang, words in (("en", "My results"), ("et", "Minu tulemused")):
            own = agent.get(f"/ui/agents/mari?lang={lang}").text
            menu = r'<nav aria-label="[^"]+">\s*<ul>.*?<li><a href="([^"]+)"([^>]*)>([^<]+)</a>'
            first = re.search(menu, own, re.S)
            assert first and first.groups() == ("/ui/agents/mari", ' aria-current="page"', words)
            listed = agent.get(f"/ui/conversations?lang={lang}").text
            assert re.search(r'<li><a href="/ui/agents/mari">' + words + "</a></li>", listed)
        team = admin.get("/ui/team?lang=en").text
        assert re.search(r'<li><a href="/ui/team" aria-current="page">Team</a></li>', team)
        assert "My results" not in team
