"""A page refused (403), asked with bad filters (422) or out of a session is a page, not the API's JSON
(dashboard audit F2, F3): the error page 404s get, in the page's language, saying what is wrong (the
field, for a bad filter) with a link on; the report sends a signed-out browser to the sign-in page.

Runs on every store backend of the project's ``store`` fixture. The people and conversations are
invented: eva and ott work in North, tom in South; lea leads North, kati is agent eva's user.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import role_tokens, sign_in, store_app
from tests.web.test_team_lead import _chat


@pytest.fixture
def clients(store: Any) -> Iterator[Any]:
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    convs = [_chat("eva-1", "eva", "North", 20), _chat("ott-1", "ott", "North", 21),
             _chat("tom-1", "tom", "South", 22)]
    store.save_results(convs, lambda c: evaluate(analyze(c), contact_type=c.contact_type))
    tokens = role_tokens(store, "kati", "eva")
    app = store_app(store)
    made: list[TestClient] = []

    def client(role: str | None) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        made.append(c)
        return sign_in(c, tokens[role]) if role else c

    yield client
    for c in made:
        c.close()


def _page(answer: Any, status: int, lang: str) -> str:
    """The error page's message, after checking it is a page in ``lang`` with the menu."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html"), answer.text
    body = answer.text
    assert f'<html lang="{lang}">' in body and '<nav aria-label=' in body
    assert '{"detail"' not in body
    message = re.search(r'id="error-message">([^<]*)</p>', body)
    assert message, body
    return message.group(1)


def _links(body: str) -> list[str]:
    after = body.split('id="error-message">', 1)[1]
    return re.findall(r'<a href="([^"]+)">', after)


@pytest.mark.parametrize("path", ["/ui/team?team=South", "/ui/conversations?team=South",
                                  "/ui/report?scope=team&id=South", "/ui/report?scope=period"])
def test_another_teams_page_tells_a_team_lead_whose_they_see(clients: Any, path: str) -> None:
    answer = clients("team_lead").get(f"{path}&lang=et")
    assert "Näed ainult oma meeskonda North" in _page(answer, 403, "et")
    assert "/ui/team?team=North" in _links(answer.text)


@pytest.mark.parametrize("path", ["/ui/import", "/ui/users"])
@pytest.mark.parametrize("role", ["team_lead", "reviewer", "agent"])
def test_admin_pages_say_they_are_for_an_admin(clients: Any, path: str, role: str) -> None:
    answer = clients(role).get(f"{path}?lang=en")
    assert _page(answer, 403, "en") == "Only an admin can open this page."


@pytest.mark.parametrize("path", ["/ui/agents/tom", "/ui/conversations?agent_id=tom",
                                  "/ui/report?scope=agent&id=tom"])
def test_an_agent_is_told_they_see_their_own_and_led_there(clients: Any, path: str) -> None:
    sep = "&" if "?" in path else "?"
    answer = clients("agent").get(f"{path}{sep}lang=en")
    assert _page(answer, 403, "en") == "You can see only your own page and your own conversations."
    assert "/ui/agents/eva" in _links(answer.text)


@pytest.mark.parametrize("page", ["/ui/conversations", "/ui/team", "/ui/agents/eva",
                                  "/ui/report?scope=agent&id=eva"])
def test_from_after_to_names_both_fields_in_the_page_language(clients: Any, page: str) -> None:
    sep = "&" if "?" in page else "?"
    dates = "date_from=2026-12-01&date_to=2026-01-01"
    et = _page(clients("admin").get(f"{page}{sep}{dates}&lang=et"), 422, "et")
    assert "„Alates” (2026-12-01) on hilisem kui „Kuni” (2026-01-01)" in et
    en = _page(clients("admin").get(f"{page}{sep}{dates}&lang=en"), 422, "en")
    assert "“From” (2026-12-01) is after “To” (2026-01-01)" in en


@pytest.mark.parametrize(("query", "words"), [
    ("date_from=xx", "“From” must be a date like 2026-09-30."),
    ("date_to=2026-01-01T10:00", "“To” must be a date like 2026-09-30."),
    ("limit=abc", "“Page size” must be a whole number"),
    ("offset=-x", "“Start at” must be a whole number"),
    ("score_min=lots", "“Score at least” must be a number."),
    ("score_max=nan", "“Score at most” must be a number."),
    ("missing_stage=9", "“Missing stage” must be one of the choices"),
    ("sort=secret", "“Sort” must be one of the choices"),
    ("failure=solution_before_need", "“Failure pattern” must be one of the choices"),  # D12: no empty list
    ("contact_type=gossip", "“Contact type” must be one of the choices"),  # D25: as the API, a 422
    ("language=de", "“Language” must be one of the choices"),
    ("score_min=80&score_max=20", "“Score at least” (80) is above “Score at most” (20)"),
])
def test_a_bad_filter_names_its_field_never_a_python_error(clients: Any, query: str, words: str) -> None:
    answer = clients("reviewer").get(f"/ui/conversations?{query}&lang=en")
    message = _page(answer, 422, "en")
    assert words in message
    assert "invalid literal" not in answer.text and "isoformat" not in answer.text
    assert "/ui/conversations" in _links(answer.text)  # Clear the filters


@pytest.mark.parametrize("page", ["/ui/team?date_from=xx", "/ui/agents/eva?date_to=31.12.2026"])
def test_profile_pages_name_a_bad_date_too(clients: Any, page: str) -> None:
    message = _page(clients("team_lead").get(f"{page}&lang=et"), 422, "et")
    assert "peab olema kuupäev" in message


def test_the_filter_form_with_from_after_to_gives_the_page_in_a_browser_language(clients: Any) -> None:
    # the form sends its fields as they are; the page language comes from the browser here
    c = clients("team_lead")
    form = "agent_id=&team=&date_from=2026-12-01&date_to=2026-01-01&sort=-started_at"
    answer = c.get(f"/ui/conversations?{form}", headers={"Accept-Language": "et-EE,et;q=0.9"})
    assert "on hilisem kui" in _page(answer, 422, "et")


def test_the_report_sends_a_signed_out_browser_to_sign_in(clients: Any) -> None:
    answer = clients(None).get("/ui/report?scope=agent&id=eva", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/ui/login?next=%2Fui%2Freport")


def test_the_report_after_signing_out_sends_the_copied_cookie_to_sign_in(clients: Any) -> None:
    admin = clients("admin")
    copy = clients(None)
    copy.cookies.set("servio_token", str(admin.cookies.get("servio_token")))
    assert copy.get("/ui/report?scope=agent&id=eva").status_code == 200
    admin.post("/ui/logout", headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    answer = copy.get("/ui/report?scope=agent&id=eva", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/ui/login?next=")
    assert "sign in first" not in answer.text


@pytest.mark.parametrize("path", ["/ui/nothing", "/ui/agents", "/ui/team/North"])
def test_an_address_no_page_has_is_the_not_found_page(clients: Any, path: str) -> None:
    answer = clients("reviewer").get(f"{path}?lang=et")
    assert _page(answer, 404, "et") == "Sellist lehte siin pole."
    assert "/ui/team" in _links(answer.text)


def test_signed_out_an_unknown_address_goes_to_sign_in_first(clients: Any) -> None:
    answer = clients(None).get("/ui/nothing", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/login?next=%2Fui%2Fnothing"


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_a_team_no_conversation_names_is_not_found_not_an_empty_overview(clients: Any, role: str) -> None:
    # dashboard audit F14: "Team overview: Nope", the selector on "everyone" and a report offered for it
    answer = clients(role).get("/ui/team?team=Nope&lang=en")
    assert _page(answer, 404, "en") == "There is no team Nope: no conversation names it."
    assert "report-link" not in answer.text and "/ui/team" in _links(answer.text)
    et = clients(role).get("/ui/report?scope=team&id=Nope&lang=et")
    assert _page(et, 404, "et") == "Meeskonda Nope ei ole: ükski vestlus ei kuulu sellele meeskonnale."
    assert clients(role).get("/ui/team?team=North&lang=en").status_code == 200


def test_a_report_of_an_agent_the_team_lead_cannot_see_is_not_found_as_their_page(clients: Any) -> None:
    # dashboard audit F14: an empty 200 "0 conversations" report where /ui/agents/tom is 404
    lead = clients("team_lead")
    page = lead.get("/ui/agents/tom?lang=en")
    report = lead.get("/ui/report?scope=agent&id=tom&download=1&lang=en")
    assert _page(report, 404, "en") == _page(page, 404, "en") == (
        "There are no conversations of agent tom that you may see.")
    assert "content-disposition" not in report.headers
    assert lead.get("/ui/report?scope=agent&id=eva").status_code == 200


def test_a_report_of_an_empty_period_of_someone_known_is_a_report_that_says_so(clients: Any) -> None:
    """Not found was wrong for a real agent or team with a quiet period (it was 404 with "has no
    conversations in this period."): the report, 200, says there were none; a name never seen is 404."""
    admin = clients("admin")
    dates = "date_from=2027-01-01&date_to=2027-01-31"
    period = "from 2027-01-01 to 2027-01-31."
    for query, said in (("scope=agent&id=eva", f"Agent eva had no conversations {period}"),
                        ("scope=team&id=North", f"Team North had no conversations {period}")):
        report = admin.get(f"/ui/report?{query}&{dates}&lang=en")
        assert report.status_code == 200, report.text
        assert said in re.sub(r"<[^>]+>", "", report.text) and "<svg" not in report.text
    et = admin.get(f"/ui/report?scope=team&id=North&{dates}&lang=et")
    assert "Meeskonnal North polnud ajavahemikus 01.01.2027 – 31.01.2027 ühtegi vestlust." in et.text
    nobody = admin.get(f"/ui/report?scope=agent&id=nobody&{dates}&lang=en")
    assert _page(nobody, 404, "en") == "There are no conversations of agent nobody that you may see."


def test_the_page_of_a_known_agent_in_a_quiet_period_says_so(clients: Any) -> None:
    admin = clients("admin")
    page = admin.get("/ui/agents/eva?date_from=2027-01-01&date_to=2027-01-31&lang=en")
    assert page.status_code == 200
    assert re.search(r'id="quiet">Agent eva had no conversations from <span class="date">2027-01-01</span> '
                     r'to <span class="date">2027-01-31</span>\.</p>', page.text), page.text
    assert "<svg" not in page.text and 'id="profile-overall"' not in page.text  # no figures of nothing
    assert 'href="/ui/agents/eva"' in page.text  # all her days
    nobody = admin.get("/ui/agents/nobody?date_from=2027-01-01&lang=en")
    assert _page(nobody, 404, "en") == "There are no conversations of agent nobody that you may see."
    lead = clients("team_lead")  # tom works in South: for North's lead he does not exist, dated or not
    assert _page(lead.get("/ui/agents/tom?date_from=2027-01-01&lang=en"), 404, "en") == \
        "There are no conversations of agent tom that you may see."
    assert lead.get("/ui/report?scope=agent&id=tom&date_from=2027-01-01").status_code == 404
    team = lead.get("/ui/team?team=North&date_from=2027-01-01&lang=et")
    assert team.status_code == 200
    assert "Meeskonnal North polnud alates 01.01.2027 ühtegi vestlust." in team.text
