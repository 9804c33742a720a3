"""One day, one count, everywhere: a conversation counts on the day it started on in its own time zone on
every surface that takes days, from a database (SQLite and PostgreSQL) and from files.

01:30 on 1 October in Tallinn is 22:30 UTC on 30 September, and 21:30 on 30 September in New York is 01:30
UTC on 1 October: before ``conversations.started_day`` the team page, the listing, its CSV export and the
API's profiles counted them on their UTC days while reports counted them on their own, so a team lead saw
two different counts for "1 October".
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from servio.cli import main
from servio.model import Conversation, local_day
from servio.store import ConversationFilter, Store
from tests.store.helpers import analyse, conversation
from tests.web.conftest import sign_in, store_app

TALLINN, NEW_YORK = timezone(timedelta(hours=3)), timezone(timedelta(hours=-4))
STARTS = {
    "tln-oct1": datetime(2026, 10, 1, 1, 30, tzinfo=TALLINN),  # 22:30 UTC on 30 Sep: 1 October
    "ny-sep30": datetime(2026, 9, 30, 21, 30, tzinfo=NEW_YORK),  # 01:30 UTC on 1 Oct: 30 September
    "ny-oct1": datetime(2026, 10, 1, 22, 30, tzinfo=NEW_YORK),  # 02:30 UTC on 2 Oct: 1 October
    "utc-oct1": datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
    "tln-sep29": datetime(2026, 9, 29, 10, 0, tzinfo=TALLINN),
    "tln-oct2": datetime(2026, 10, 2, 0, 30, tzinfo=TALLINN),  # 21:30 UTC on 1 Oct: 2 October
}
DAY = {"date_from": "2026-10-01", "date_to": "2026-10-01"}
OCTOBER_1 = {"tln-oct1", "ny-oct1", "utc-oct1"}  # in UTC it would be ny-sep30, utc-oct1 and tln-oct2
EARLIER = {"compare_from": "2026-09-29", "compare_to": "2026-09-30"}  # tln-sep29, ny-sep30


def _conversations() -> list[Conversation]:
    return [replace(conversation(n, agent="kati", team="Tallinn", started=start), id=cid)
            for n, (cid, start) in enumerate(STARTS.items())]


def test_the_chosen_day_is_not_the_utc_one() -> None:
    """The data would tell the two rules apart: in UTC, 1 October holds other conversations, fewer of them."""
    utc = {cid for cid, start in STARTS.items() if start.astimezone(UTC).date() == date(2026, 10, 1)}
    own = {cid for cid, start in STARTS.items() if local_day(start) == date(2026, 10, 1)}
    assert own == OCTOBER_1 and utc == {"ny-sep30", "utc-oct1", "tln-oct2"}


@pytest.fixture
def filled(store: Store) -> Store:
    store.save_results(_conversations(), analyse)
    return store


def _ids(page: str) -> set[str]:
    return set(re.findall(r'<td class="c-id"><a href="[^"]*">([^<]+)</a>', page))


def test_the_dashboard_and_the_api_count_the_same_day(filled: Store) -> None:
    _, token = filled.create_user("mari", "reviewer")
    bearer = {"Authorization": f"Bearer {token}"}
    day = urlencode(DAY)
    with TestClient(store_app(filled)) as client:
        sign_in(client, token)
        team_page = client.get(f"/ui/team?team=Tallinn&{day}&lang=en").text
        everyone = client.get(f"/ui/team?{day}&lang=en").text
        agent_page = client.get(f"/ui/agents/kati?{day}&lang=en").text
        listing = client.get(f"/ui/conversations?{day}&lang=en").text
        report = client.get(f"/ui/report?scope=team&id=Tallinn&{day}&lang=en").text
        compared = client.get(f"/ui/report?scope=team&id=Tallinn&{day}&{urlencode(EARLIER)}&lang=en").text
        api = client.get(f"/conversations?{day}", headers=bearer).json()
        exported = client.get(f"/conversations.csv?{day}", headers=bearer).text
        team_profile = client.get(f"/teams/Tallinn/profile?{day}", headers=bearer).json()
        agent_profile = client.get(f"/agents/kati/profile?{day}", headers=bearer).json()
        comparisons = [client.get(f"/{kind}/comparison?{day}&{urlencode(EARLIER)}", headers=bearer).json()
                       for kind in ("teams/Tallinn", "agents/kati")]
    assert re.search(r'id="team-n">3<', team_page) and re.search(r'id="team-n">3<', everyone)
    assert re.search(r'Conversations</div><div class="value"><a href="[^"]*">3</a>', agent_page)
    assert _ids(listing) == OCTOBER_1
    assert "· 3 conversations ·" in report and "· 3 conversations ·" in compared
    assert "This report&#39;s conversations (3) against those of" in compared
    assert api["total"] == 3 and {c["id"] for c in api["items"]} == OCTOBER_1
    assert {c["started_day"] for c in api["items"]} == {"2026-10-01"}
    assert {row["id"] for row in csv.DictReader(io.StringIO(exported))} == OCTOBER_1
    assert team_profile["conversations"] == agent_profile["conversations"] == 3
    for answer in comparisons:
        assert (answer["period"]["conversations"], answer["earlier"]["conversations"]) == (3, 2)


def test_the_listing_shows_the_day_it_counts_the_conversation_on(filled: Store) -> None:
    """Not its UTC date: the row of 01:30 in Tallinn on 1 October says 2026-10-01, as the filter does."""
    _, token = filled.create_user("mari", "reviewer")
    with TestClient(store_app(filled)) as client:
        sign_in(client, token)
        page = client.get("/ui/conversations?" + urlencode({**DAY, "lang": "en"})).text
    row = re.search(r'>tln-oct1</a>.*?</tr>', page, re.S)
    assert row and "2026-10-01" in row.group(0) and "2026-09-30" not in row.group(0)


def test_a_moment_still_bounds_the_moment(filled: Store) -> None:
    """A date-time given to the API is a moment in UTC, not a day: 22:00 to 23:59 UTC on 30 September holds
    01:30 in Tallinn on 1 October and nothing else."""
    f = ConversationFilter(date_from=datetime(2026, 9, 30, 22, tzinfo=UTC),
                           date_to=datetime(2026, 9, 30, 23, 59, tzinfo=UTC))
    assert [s.id for s in filled.list_conversations(f).items] == ["tln-oct1"]


def test_tallies_and_profiles_count_the_own_day(filled: Store) -> None:
    from servio.evaluate.profiles import profile
    from servio.report.summary import select

    everything = filled.results(ConversationFilter())
    periods = [(date(2026, 10, 1), date(2026, 10, 1)), (date(2026, 9, 30), date(2026, 9, 30)),
               (date(2026, 9, 29), date(2026, 10, 1)), (date(2026, 10, 2), None), (None, date(2026, 9, 30))]
    for first, last in periods:
        expected = select(everything, date_from=first, date_to=last)  # the files' rule, in Python
        f = ConversationFilter(date_from=first, date_to=last)
        assert [r.conversation_id for r in filled.results(f)] == [r.conversation_id for r in expected]
        tallies = filled.tallies(f, "team", ids=True)
        counted = {k: t.conversations for k, t in tallies.items()}
        assert counted == ({"Tallinn": len(expected)} if expected else {})
        if expected:
            assert filled.profile("team", "Tallinn", first, last, language="en") == profile(
                expected, kind="team", id="Tallinn", language="en")


def _jsonl(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": c.id, "language": "en", "agent_id": c.agent_id, "team": c.team,
                         "started_at": c.started_at.isoformat() if c.started_at else None,
                         "turns": [{"speaker": str(t.speaker), "text": t.text} for t in c.turns]})
             for c in _conversations()]
    path = tmp_path / "chats.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_servio_report_counts_the_same_from_the_database_and_from_files(filled: Store, store_url: str,
                                                                          tmp_path: Path) -> None:
    common = ["--team", "Tallinn", "--from", "2026-10-01", "--to", "2026-10-01", "--report-lang", "en"]
    from_db, from_files = tmp_path / "db.html", tmp_path / "files.html"
    assert main(["report", "--database", store_url, "-o", str(from_db), *common]) == 0
    assert main(["report", str(_jsonl(tmp_path)), "-o", str(from_files), "--no-progress", *common]) == 0
    for out in (from_db, from_files):
        assert "· 3 conversations ·" in out.read_text("utf-8"), out
    compare = ["--compare-from", "2026-09-29", "--compare-to", "2026-09-30"]
    assert main(["report", "--database", store_url, "-o", str(from_db), *common, *compare]) == 0
    assert "This report's conversations (3) against those of" in re.sub(r"<[^>]+>", "", from_db.read_text(
        "utf-8")).replace("&#39;", "'")


def test_the_memory_backend_lists_by_the_same_day(tmp_path: Path) -> None:
    """The dashboard over files (no store) filters its listing by the same rule."""
    from servio.web.backend import MemoryBackend

    convs = _conversations()
    backend = MemoryBackend()
    backend.add((c, analyse(c)) for c in convs)
    f = ConversationFilter(date_from=date(2026, 10, 1), date_to=date(2026, 10, 1))
    assert {s.id for s in backend.listing(f).items} == OCTOBER_1
    assert {r.conversation_id for r in backend.results(date_from=date(2026, 10, 1),
                                                      date_to=date(2026, 10, 1))} == OCTOBER_1


def test_delete_before_a_day_takes_the_earlier_own_days(filled: Store, store_url: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """--before 2026-10-01: 21:30 on 30 September in New York goes (01:30 UTC on 1 October), 01:30 on
    1 October in Tallinn stays (22:30 UTC on 30 September)."""
    assert filled.started_before(date(2026, 10, 1)) == ["ny-sep30", "tln-sep29"]
    assert main(["delete", "--before", "2026-10-01", "--yes", "--database", store_url]) == 0
    assert "deleted 2 conversations" in capsys.readouterr().err
    left: Any = {s.id for s in filled.list_conversations().items}
    assert left == set(STARTS) - {"ny-sep30", "tln-sep29"}


def test_a_midnight_date_time_is_a_moment_not_a_day(filled: Store) -> None:
    # pydantic read "2026-10-01T00:00:00Z" as the date 2026-10-01 (its time is midnight), which since
    # started_day is each conversation's own local day: the window lost its offset (audit 18b)
    _, token = filled.create_user("mari", "reviewer")
    bearer = {"Authorization": f"Bearer {token}"}

    def ids(query: dict[str, str]) -> set[str]:
        answer = client.get(f"/conversations?{urlencode(query)}", headers=bearer)
        assert answer.status_code == 200, answer.text
        return {c["id"] for c in answer.json()["items"]}

    with TestClient(store_app(filled)) as client:
        # 00:00-06:00 UTC on 1 October: ny-sep30 (01:30 UTC) and ny-oct1's 02:30 UTC is on 2 October
        assert ids({"date_from": "2026-10-01T00:00:00Z", "date_to": "2026-10-01T06:00:00Z"}) == {"ny-sep30"}
        # one hour in Tallinn, 00:00-02:00 +03:00 on 1 October: tln-oct1 at 01:30 (was "date_from is after")
        assert ids({"date_from": "2026-10-01T00:00:00+03:00", "date_to": "2026-10-01T02:00:00+03:00"}) == \
            {"tln-oct1"}
        assert ids(DAY) == OCTOBER_1  # a day is still each conversation's own
        for path in ("/teams/Tallinn/profile", "/teams/Tallinn/comparison", "/reports"):
            query = {"date_from": "2026-10-01T00:00:00Z", "compare_from": "2026-09-29",
                     "compare_to": "2026-09-30", "scope": "team", "id": "Tallinn"}
            answer = client.get(f"{path}?{urlencode(query)}", headers=bearer)
            if path.endswith("profile"):  # profiles take moments too
                assert answer.status_code == 200, answer.text
            else:  # a period of days refuses a date-time, naming the parameter
                assert answer.status_code == 422 and "date_from" in answer.text, answer.text
