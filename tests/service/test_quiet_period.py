"""A quiet week is not an error: an agent or team with conversations on other days but none in the period
asked for gets a real, empty answer (200: 0 conversations, no scores, a sentence that says so in the
request's language), where the reports, profiles and comparisons answered 404 and a cron job's
``curl -f`` mailed an error every quiet week. A name with no conversation at all, or none the caller may
see (a team lead asking for another team's agent), stays 404 whatever the days, so that nothing leaks
across scopes.

The invented data (tests/service/data.py): kati in Tallinn, tom in Online, September and October 2026;
the team lead leads Online.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.report import pdf
from tests.service.conftest import Users

QUIET = "date_from=2027-01-04&date_to=2027-01-10"
#: what each answer says of the quiet week, per language
SAID = {
    ("agent", "kati", "en"): "Agent kati had no conversations from 2027-01-04 to 2027-01-10.",
    ("agent", "kati", "et"): "Teenindajal kati polnud ajavahemikus 04.01.2027 – 10.01.2027 ühtegi vestlust.",
    ("team", "Tallinn", "en"): "Team Tallinn had no conversations from 2027-01-04 to 2027-01-10.",
    ("team", "Tallinn", "et"): "Meeskonnal Tallinn polnud ajavahemikus 04.01.2027 – 10.01.2027 ühtegi "
                               "vestlust.",
}


def _get(client: TestClient, users: Users, path: str, role: str = "admin") -> Any:
    return client.get(path, headers=users.headers(role))


@pytest.mark.parametrize(("kind", "id"), [("agent", "kati"), ("team", "Tallinn")])
@pytest.mark.parametrize("language", ["en", "et"])
def test_the_report_of_a_quiet_week_is_an_empty_report(client: TestClient, users: Users, kind: str, id: str,
                                                       language: str) -> None:
    said = SAID[kind, id, language]
    answer = _get(client, users, f"/reports?scope={kind}&id={id}&{QUIET}&language={language}")
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert (data["conversations"], data["agents"], data["overall"]) == (0, 0, None)
    assert data["strongest"] is None and data["weakest"] is None and data["tip"] == ""
    assert data["stages"] == [] and data["failure_patterns"] == [] and data["trend"] is None
    assert data["by_agent"] == [] and data["weakest_conversations"] == [] and data["comparison"] is None
    assert data["summary"] == said and data["language"] == language
    html = _get(client, users, f"/reports?scope={kind}&id={id}&{QUIET}&language={language}&format=html")
    assert html.status_code == 200 and html.headers["content-type"] == "text/html; charset=utf-8"
    assert said in re.sub(r"<[^>]+>", "", html.text)
    assert "<svg" not in html.text and 'id="headline"' not in html.text  # no charts or figures of nothing
    assert html.headers["content-disposition"].startswith(
        f'attachment; filename="servio-{kind}-{id}-2027-01-04_2027-01-10.html"')


def test_the_pdf_of_a_quiet_week_prints_that_report(client: TestClient, users: Users,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    printed: list[str] = []
    monkeypatch.setattr(pdf, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf, "pdf_bytes", lambda html: printed.append(html) or b"%PDF-1.4 quiet")
    answer = _get(client, users, f"/reports?scope=team&id=Tallinn&{QUIET}&language=et&format=pdf")
    assert answer.status_code == 200 and answer.content == b"%PDF-1.4 quiet"
    [html] = printed
    assert SAID["team", "Tallinn", "et"] in html and "<svg" not in html


def test_the_pdf_of_a_quiet_week_is_printed_by_chromium(client: TestClient, users: Users) -> None:
    if pdf.find_chromium() is None:
        pytest.skip("Chromium not installed")
    answer = _get(client, users, f"/reports?scope=team&id=Tallinn&{QUIET}&format=pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF-")


@pytest.mark.parametrize(("kind", "id"), [("agent", "kati"), ("team", "Tallinn")])
def test_the_profile_of_a_quiet_week_is_empty_and_says_so(client: TestClient, users: Users, kind: str,
                                                          id: str) -> None:
    for language in ("en", "et"):
        answer = _get(client, users, f"/{kind}s/{id}/profile?{QUIET}&language={language}")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["kind"], body["id"], body["conversations"], body["overall"]) == (kind, id, 0, None)
        assert body["stages"] == [] and body["failures"] == [] and body["incomplete"] == 0
        assert body["strongest"] is None and body["weakest"] is None
        assert body["summary"] == SAID[kind, id, language] and body["language"] == language
        assert (body["date_from"], body["date_to"]) == ("2027-01-04", "2027-01-10")
    moment = _get(client, users, f"/{kind}s/{id}/profile?date_from=2027-01-04T08:00:00%2B02:00&language=en")
    assert moment.status_code == 200
    assert moment.json()["summary"].endswith("had no conversations from 2027-01-04 06:00 UTC on.")


def test_the_comparison_of_a_quiet_week_has_nothing_now(client: TestClient, users: Users) -> None:
    answer = _get(client, users, f"/teams/Tallinn/comparison?{QUIET}&compare_from=2026-09-01"
                                 "&compare_to=2026-09-30")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["period"]["conversations"] == 0 and body["earlier"]["conversations"] == 2
    assert body["overall"]["now"] is None and body["overall"]["earlier"] is not None
    assert {c["reading"] for c in [body["overall"], *body["stages"]]} == {"few"}


@pytest.mark.parametrize(("role", "path"), [
    ("agent", f"/reports?scope=agent&id=kati&{QUIET}"),  # kati's own quiet week
    ("agent", f"/agents/kati/profile?{QUIET}"),
    ("team_lead", f"/reports?scope=agent&id=tom&{QUIET}"),  # tom works in the lead's team
    ("team_lead", f"/reports?scope=team&id=Online&{QUIET}"),
    ("team_lead", f"/agents/tom/profile?{QUIET}"),
    ("team_lead", f"/teams/Online/profile?{QUIET}"),
    ("reviewer", f"/agents/tom/comparison?{QUIET}&compare_from=2026-09-01&compare_to=2026-09-30"),
])
def test_a_quiet_week_in_the_callers_scope_is_200(client: TestClient, users: Users, role: str,
                                                  path: str) -> None:
    answer = _get(client, users, path, role)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("dates", ["", f"&{QUIET}", "&date_from=2026-09-01&date_to=2026-09-30"])
@pytest.mark.parametrize(("role", "path", "name"), [
    ("admin", "/reports?scope=agent&id=nobody", "agent 'nobody'"),
    ("admin", "/reports?scope=team&id=Tartu", "team 'Tartu'"),
    ("admin", "/agents/nobody/profile?x=1", "agent 'nobody'"),
    ("admin", "/teams/Tartu/profile?x=1", "team 'Tartu'"),
    ("admin", "/teams/Tartu/comparison?compare_from=2020-01-01&compare_to=2020-01-31", "team 'Tartu'"),
    # kati has conversations, but none in the lead's team: as if she did not exist, quiet week or not
    ("team_lead", "/reports?scope=agent&id=kati", "agent 'kati'"),
    ("team_lead", "/agents/kati/profile?x=1", "agent 'kati'"),
    ("team_lead", "/agents/kati/comparison?compare_from=2020-01-01&compare_to=2020-01-31", "agent 'kati'"),
])
def test_a_name_never_seen_in_scope_stays_404_whatever_the_days(client: TestClient, users: Users, role: str,
                                                                path: str, name: str, dates: str) -> None:
    if "comparison" in path and not dates:
        dates = "&date_from=2021-01-01"  # a comparison needs date_from
    answer = _get(client, users, path + dates, role)
    assert answer.status_code == 404, answer.text
    assert answer.json()["detail"] == f"no conversations of {name}"  # no period: it is not about the days


def test_a_quiet_period_of_everyone_is_an_empty_report_too(client: TestClient, users: Users) -> None:
    data = _get(client, users, f"/reports?scope=period&{QUIET}&language=en").json()
    assert data["conversations"] == 0 and data["summary"] == \
        "There were no conversations from 2027-01-04 to 2027-01-10."


def test_the_store_knows_who_has_conversations_on_any_day(filled_store: Any) -> None:
    from servio.evaluate.profiles import UNKNOWN

    assert filled_store.known("agent", "kati") and filled_store.known("team", "Tallinn")
    assert filled_store.known("agent", "kati", team="Tallinn")
    assert not filled_store.known("agent", "kati", team="Online")  # a team lead of Online: not in scope
    assert not filled_store.known("agent", "nobody") and not filled_store.known("team", "Tartu")
    assert filled_store.known("agent", UNKNOWN)  # the conversation without an agent
