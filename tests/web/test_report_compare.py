"""The dashboard's report compared with an earlier period: the form on the agent and team pages, the
report it opens, and the refusals that name what to change."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import sign_in, store_app


@pytest.fixture(scope="module")
def demo() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app(), raise_server_exceptions=False) as c:
        yield c


def _form(page: str) -> tuple[str, dict[str, str]]:
    found = re.search(r'<details class="compare-form".*?</details>', page, re.S)
    assert found, "no comparison form"
    form = found.group(0)
    action = html.unescape(re.search(r'<form method="get" action="([^"]+)"', form).group(1))
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    return action, hidden


@pytest.mark.parametrize(("path", "scope", "key"), [
    ("/ui/agents/kati?date_from=2026-10-20&lang=et", "agent", "kati"),
    ("/ui/team?team=Tallinn&date_from=2026-10-20&lang=et", "team", "Tallinn")])
def test_the_pages_offer_a_report_of_their_period_compared_with_an_earlier_one(demo: TestClient, path: str,
                                                                               scope: str, key: str) -> None:
    page = demo.get(path).text
    action, hidden = _form(page)
    assert action == "/ui/report"
    assert hidden == {"scope": scope, "id": key, "lang": "et"}
    # this period starts as the page's, and can be set here (a page opens without From: audit 17 #6)
    assert re.search(r'name="date_from" value="2026-10-20" required', page)
    assert 'name="compare_from" required' in page and 'name="compare_to" required' in page
    assert "Võrdle varasema perioodiga" in page


def test_the_team_page_of_everyone_has_no_form(demo: TestClient) -> None:
    assert 'class="compare-form"' not in demo.get("/ui/team").text


def test_the_form_opens_the_report_with_the_comparison(demo: TestClient) -> None:
    query = {"scope": "agent", "id": "kati", "date_from": "2026-10-20", "lang": "en",
             "compare_from": "2026-09-01", "compare_to": "2026-10-19"}
    answer = demo.get("/ui/report?" + urlencode(query))
    assert answer.status_code == 200
    section = re.search(r'<section id="compare".*?</section>', answer.text, re.S)
    assert section and "Compared with an earlier period" in section.group(0)
    assert 'class="chart change wide"' in section.group(0)
    # the report's own days are as before: the comparison adds, it does not widen the report
    own = {k: v for k, v in query.items() if not k.startswith("compare")}
    plain = demo.get("/ui/report?" + urlencode(own))
    period = re.compile(r'<p class="meta">(.*?)Generated', re.S)  # the period and the count, not the time
    assert period.search(answer.text).group(1) == period.search(plain.text).group(1)


@pytest.mark.parametrize(("extra", "message"), [
    ({"compare_from": "2026-09-01"}, "“Earlier period to” must be a date like 2026-09-30."),
    ({"compare_from": "2026-09-xx", "compare_to": "2026-09-30"}, "“Earlier period from” must be a date"),
    ({"compare_from": "2026-10-01", "compare_to": "2026-09-01"},
     "“Earlier period from” (2026-10-01) is after “Earlier period to” (2026-09-01)"),
    ({"compare_from": "2026-09-01", "compare_to": "2026-10-20"},
     "The earlier period (2026-09-01 – 2026-10-20) must end before this period's first day (2026-10-20)."),
    ({"compare_from": "2026-11-01", "compare_to": "2026-11-30"},  # a later period (audit 17 #7)
     "The earlier period (2026-11-01 – 2026-11-30) must end before this period's first day (2026-10-20)."),
    ({"date_from": "", "compare_from": "2026-09-01", "compare_to": "2026-09-30"},
     "which needs a first day: choose “This period from” after the earlier period"),
])
def test_a_comparison_that_cannot_be_made_is_refused_with_what_to_change(demo: TestClient,
                                                                        extra: dict[str, str],
                                                                        message: str) -> None:
    query = {"scope": "agent", "id": "kati", "date_from": "2026-10-20", "lang": "en", **extra}
    answer = demo.get("/ui/report?" + urlencode(query))
    assert answer.status_code == 422
    assert message in html.unescape(answer.text)


def test_a_refused_report_links_to_the_same_report_without_filters(demo: TestClient) -> None:
    """Not to the report of everyone, which an agent or a team lead may not see (audit 17 #6)."""
    query = {"scope": "agent", "id": "kati", "compare_from": "2026-09-01", "compare_to": "2026-09-30"}
    page = html.unescape(demo.get("/ui/report?" + urlencode(query)).text)
    assert 'href="/ui/report?scope=agent&id=kati"' in page


def test_the_report_and_the_api_count_a_conversation_on_its_own_day(tmp_path: Path) -> None:
    """A conversation at 01:30 on 1 October in Tallinn (30 September in UTC) is October's, as servio report
    counts it: in the dashboard's report with or without a comparison, and in the API's (audit 17 #3)."""
    from servio.store import Store
    from tests.store.helpers import EE, analyse, conversation

    store = Store(f"sqlite:///{tmp_path / 'servio.db'}")
    store.migrate()
    days = [(9, 10, 10), (9, 20, 10), (10, 1, 1), (10, 15, 10)]  # (month, day, hour); 10-01 at 01:30
    for n, (month, day, hour) in enumerate(days):
        started = datetime(2026, month, day, hour, 30, tzinfo=EE)
        conv = conversation(n, started=started)
        store.save_result(conv, analyse(conv))
    _, token = store.create_user("mari", "reviewer")
    october = {"scope": "team", "id": "Tallinn", "date_from": "2026-10-01", "date_to": "2026-10-31",
               "lang": "en"}
    september = {"compare_from": "2026-09-01", "compare_to": "2026-09-30"}
    with TestClient(store_app(store)) as client:
        sign_in(client, token)
        alone = client.get("/ui/report?" + urlencode(october)).text
        compared = client.get("/ui/report?" + urlencode({**october, **september})).text
        days_only = {k: october[k] for k in ("date_from", "date_to")}
        api = client.get("/teams/Tallinn/comparison?" + urlencode({**days_only, **september}),
                         headers={"Authorization": f"Bearer {token}"}).json()
    for page in (alone, compared):
        assert re.search(r"· 2 conversations ·", page), page[:600]
    assert "This report&#39;s conversations (2) against those of" in compared
    assert (api["period"]["conversations"], api["earlier"]["conversations"]) == (2, 2)
