"""Every heatmap number leads to conversations behind it, never to an empty list (dashboard audit F10):
a cell links to the agent's conversations missing the stage when there are some, otherwise to all
of the agent's conversations, lowest score first (tom's red 0 for options, a stage he carried but
scored 0 in, led to "No conversation matches these filters"). Its name says where it goes.

Over the bundled examples, served without a database (open access: a reviewer sees everyone).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

CELL = re.compile(r'<td class="num heat"[^>]*><a href="([^"]+)"[^>]*aria-label="([^"]+)"[^>]*>([^<]+)</a>'
                  r'</td>')


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app(), raise_server_exceptions=False) as c:
        yield c


def _total(client: TestClient, href: str) -> int:
    page = client.get(href).text
    found = re.search(r'id="count">[^<]*?(\d+)</p>', page)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("path", ["/ui/team?lang=en", "/ui/team?team=Tallinn&lang=en"])
def test_every_cell_leads_to_the_conversations_behind_its_number(client: TestClient, path: str) -> None:
    cells = CELL.findall(client.get(path).text)
    assert len(cells) >= 7
    seen_all = seen_missing = 0
    for href, label, _ in cells:
        href = html.unescape(href)
        query = dict(parse_qsl(urlsplit(href).query))
        n = _total(client, href)
        assert n > 0, (href, label)
        if "missing_stage" in query:
            seen_missing += 1
            assert f"Missing in {n} of " in html.unescape(label), (label, n)
        else:
            seen_all += 1
            assert query["sort"] == "overall"
            assert "lowest score first" in label
            assert n == int(re.search(r"\((\d+)\)", label).group(1))
    assert seen_all and seen_missing


def test_a_red_zero_of_a_stage_carried_leads_to_the_agents_conversations(client: TestClient) -> None:
    zeros = [(html.unescape(h), label) for h, label, text in CELL.findall(client.get("/ui/team?lang=en").text)
             if text == "0"]
    assert zeros, "the examples have a 0 cell (tom, options)"
    for href, label in zeros:
        assert _total(client, href) > 0, (href, label)
