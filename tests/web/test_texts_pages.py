"""The dashboard's words in each language: no English on an Estonian page, numbers and dates as written.

No browser: the dashboard over a memory backend through FastAPI's test client.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from servio.web.backend import MemoryBackend
from tests.report.conftest import make_conversation, make_result


@pytest.fixture
def client() -> TestClient:
    from fastapi import FastAPI

    from servio.live import LiveSessions
    from servio.web.routes import web_router

    backend = MemoryBackend()
    backend.add([
        (replace(make_conversation("a1"), started_at=datetime(2026, 9, 1, 10, 0)),
         make_result("a1", "ann", "North", "2026-09-01", {1: 90, 3: 30}, ("no_close", "values_never_asked"))),
        (make_conversation("s1", n_turns=1), make_result("s1", "ann", "North", "2026-09-02", {1: 80},
                                                         n_turns=1)),
    ])
    app = FastAPI()
    app.state.web_backend = backend
    app.state.live = LiveSessions(tagger="rules")  # the live page is served where there are live sessions
    app.include_router(web_router(prefix="/ui", open_access=True))
    return TestClient(app)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _meta(html: str) -> str:
    """The line under a conversation's title: agent, team, date, contact type, number of turns."""
    start = html.index('class="meta"')
    return _text(html[start + len('class="meta">'):html.index("</p>", start)]).strip()


def _row(html: str, cid: str) -> str:
    start = html.index(f'/conversations/{cid}"')
    return _text(html[start:html.index("</tr>", start)])


@pytest.mark.parametrize(("lang", "names", "day"), [
    ("et", "vajadus selgitati välja, aga vestlus jäi lõpetamata; ei küsitud, mis on kliendile oluline, "
           "kuigi tal oli valik", "01.09.2026"),
    ("en", "needs clarified, but no close; values never asked when the customer had a choice", "2026-09-01"),
])
def test_list_names_failure_patterns_and_dates_in_the_page_language(client: TestClient, lang: str,
                                                                    names: str, day: str) -> None:
    row = _row(client.get(f"/ui/conversations?lang={lang}").text, "a1")
    assert names in row and "no close," not in row  # names, not ids, kept apart by ';' (they hold commas)
    assert day in row


@pytest.mark.parametrize(("lang", "day", "confidence"), [("et", "01.09.2026", "kindlus 0,90"),
                                                          ("en", "2026-09-01", "confidence 0.90")])
def test_conversation_page_writes_dates_and_decimals_as_the_language_does(client: TestClient, lang: str,
                                                                          day: str, confidence: str) -> None:
    html = client.get(f"/ui/conversations/a1?lang={lang}").text
    assert day in _meta(html)
    assert confidence in _text(html)


@pytest.mark.parametrize(("lang", "one", "many"), [("et", "1 repliik", "4 repliiki"),
                                                   ("en", "1 turn", "4 turns")])
def test_turn_count_agrees_with_the_number(client: TestClient, lang: str, one: str, many: str) -> None:
    def meta(cid: str) -> str:
        return _meta(client.get(f"/ui/conversations/{cid}?lang={lang}").text)

    assert meta("s1").endswith(f"· {one}") and meta("a1").endswith(f"· {many}")


@pytest.mark.parametrize(("lang", "label", "wrong"), [("et", "Vestlusi", "estlust"),
                                                      ("en", "Conversations", None)])
def test_conversation_count_labels_are_labels(client: TestClient, lang: str, label: str,
                                              wrong: str | None) -> None:
    # 'vestlust' only follows a number ("6 vestlust"); as a label it must read "Vestlusi"
    profile = client.get(f"/ui/agents/ann?lang={lang}").text
    card = profile[profile.index('class="card stat"'):profile.index('class="callout"')]
    team = client.get(f"/ui/team?lang={lang}").text
    header = team[team.index("<thead>"):team.index("</thead>")]
    assert f'<div class="label">{label}</div>' in card and f">{label}</button>" in header
    if wrong:
        assert wrong not in _text(card) and wrong not in _text(header)


@pytest.mark.parametrize(("lang", "who", "customer", "agent"), [
    ("et", "Sisse logitud: külaline (hindaja)", "Kliendi sõnum", "Teenindaja sõnum"),
    ("en", "Signed in as guest (reviewer)", "Message as the customer", "Message as the agent"),
])
def test_role_and_live_labels_are_in_the_page_language(client: TestClient, lang: str, who: str,
                                                       customer: str, agent: str) -> None:
    html = client.get(f"/ui/live?lang={lang}").text
    assert who in _text(html)
    assert f'<label for="msg-customer">{customer}</label>' in html
    assert f'<label for="msg-agent">{agent}</label>' in html


@pytest.mark.parametrize("lang", ["et", "en"])
def test_timeline_description_reads_for_one_turn_too(lang: str) -> None:
    from servio.web.i18n import strings

    one = strings(lang)["chart_timeline_desc"].format(n=1)
    assert not re.search(r"\b1 (turns|repliigist|repliiki)\b", one), one


@pytest.mark.parametrize(("lang", "name"), [
    ("et", "vajadus selgitati välja, aga vestlus jäi lõpetamata"),
    ("en", "needs clarified, but no close"),
])
def test_conversation_page_names_failure_patterns_in_the_page_language(client: TestClient, lang: str,
                                                                        name: str) -> None:
    # the stored text is the pattern's name in the conversation's language ("no close" here); the page
    # speaks its own language, as the conversation list does
    html = client.get(f"/ui/conversations/a1?lang={lang}").text
    items = re.findall(r"<li>([^<(]*)\(", html)  # the failure list: "name (turn N)"
    assert name + " " in items and "no close " not in items


@pytest.mark.parametrize(("lang", "key"), [("et", ["rääkija", "teenindaja", "klient"]),
                                           ("en", ["speaker", "agent", "customer"])])
def test_conversation_timeline_names_its_speaker_colours(client: TestClient, lang: str,
                                                       key: list[str]) -> None:
    html = client.get(f"/ui/conversations/a1?lang={lang}").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    found = re.search(r'<g class="key">(.*?)</g>', svg)
    assert found, "the speaker strip has no key"
    assert re.findall(r">([^<]+)</text>", found.group(1)) == key


@pytest.mark.parametrize(("lang", "name"), [
    ("et", "vajadus selgitati välja, aga vestlus jäi lõpetamata"),
    ("en", "needs clarified, but no close"),
])
def test_review_first_names_failure_patterns_in_the_page_language(client: TestClient, lang: str,
                                                                   name: str) -> None:
    # the list under "review first" printed each failure's stored text, in the conversation's language
    # (Estonian names on an English page); the pattern table above it already spoke the page's
    html = client.get(f"/ui/agents/ann?lang={lang}").text
    section = _text(html[html.index('id="h-worst"'):])
    assert name in section and "no close" not in section.replace(name, "")


@pytest.mark.parametrize(("lang", "share"), [("et", "50\u00a0%"), ("en", "50%")])
def test_agent_page_writes_shares_as_the_language_does(client: TestClient, lang: str, share: str) -> None:
    # ann has two conversations, one with the failure patterns: each pattern is half of them
    html = client.get(f"/ui/agents/ann?lang={lang}").text
    start = html.index('data-pattern="no_close"')
    assert share in html[start:html.index("</tr>", start)]
    if lang == "et":
        assert not re.search(r"\d%", _text(html))  # no share written the English way


def test_no_estonian_text_writes_a_percentage_the_english_way() -> None:
    # Estonian puts a space before the percent sign: "95 %" (the interval's label said "95%", audit 18b)
    import tomllib
    from importlib import resources

    texts = tomllib.loads(resources.files("servio.web").joinpath("i18n", "et.toml").read_text("utf-8"))
    flat = [v for v in texts.values() if isinstance(v, str)]
    assert flat and not [v for v in flat if re.search(r"\d%", v)]
    assert "Usaldusvahemik (95\u00a0%)" in flat
