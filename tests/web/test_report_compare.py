"""The dashboard's report compared with an earlier period: the form on the agent and team pages, the
report it opens, and the refusals that name what to change."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient


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
    assert hidden == {"scope": scope, "id": key, "date_from": "2026-10-20", "lang": "et"}
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
    assert 'class="chart change"' in section.group(0)
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
     "The period to compare with (2026-09-01 – 2026-10-20) overlaps the report's own days"),
])
def test_a_comparison_that_cannot_be_made_is_refused_with_what_to_change(demo: TestClient,
                                                                        extra: dict[str, str],
                                                                        message: str) -> None:
    query = {"scope": "agent", "id": "kati", "date_from": "2026-10-20", "lang": "en", **extra}
    answer = demo.get("/ui/report?" + urlencode(query))
    assert answer.status_code == 422
    assert message in html.unescape(answer.text)
