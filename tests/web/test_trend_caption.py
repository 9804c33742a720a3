"""The agent page says in words what its trend shows, as the report does under its chart (dashboard
audit F11): the mean overall score per week (or month) with n per point, visible on the page, not
only in the chart's description for screen readers. Over the bundled examples, without a database.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from servio.report import charts


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app(), raise_server_exceptions=False) as c:
        yield c


def _caption(page: str) -> str:
    found = re.search(r'<p class="hint caption" id="trend-caption">(.*?)</p>', page, re.S)
    assert found, "no visible trend caption"
    return re.sub(r"<[^>]+>", "", found.group(1))


@pytest.mark.parametrize(("lang", "start"), [("en", "Mean overall score per week: "),
                                             ("et", "Keskmine üldhinne (nädala kaupa): ")])
def test_the_trend_has_the_reports_caption_in_the_page_language(client: TestClient, lang: str,
                                                                start: str) -> None:
    page = client.get(f"/ui/agents/kati?lang={lang}").text
    caption = _caption(page)
    assert caption.startswith(start), caption
    assert "(n=" in caption
    described = [html.unescape(d) for d in re.findall(r"<desc[^>]*>(.*?)</desc>", page, re.S)]
    assert html.unescape(caption) in described  # the words screen readers had, now for everyone


def test_the_caption_is_the_one_the_report_prints(client: TestClient) -> None:
    page = _caption(client.get("/ui/agents/tom?lang=en").text)
    report = client.get("/ui/report?scope=agent&id=tom&lang=en").text
    printed = re.search(r'<p class="caption">(.*?)</p>', report.split("h-trend", 1)[-1], re.S)
    assert printed and re.sub(r"<[^>]+>", "", printed.group(1)) == page
    assert charts.trend_caption  # the same function makes both
