"""Agent and team profiles over a period."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Users
from tests.service.data import conversations


def test_agent_profile_covers_their_conversations_in_the_period(client: TestClient, users: Users) -> None:
    whole = client.get("/agents/kati/profile", headers=users.headers("agent")).json()
    assert whole["kind"] == "agent" and whole["id"] == "kati" and whole["team"] == "Tallinn"
    assert whole["conversations"] == sum(1 for c in conversations() if c.agent_id == "kati")
    assert [s["stage"] for s in whole["stages"]] == list(range(1, 8))
    assert whole["stages"][3]["name"] == "väärtuste selgitamine ja kujundamine"  # Estonian conversations
    september = client.get(
        "/agents/kati/profile?date_from=2026-09-01&date_to=2026-09-30", headers=users.headers("agent")
    ).json()
    assert september["conversations"] == 2
    assert september["date_from"] == "2026-09-01"
    english = client.get("/agents/kati/profile?language=en", headers=users.headers("agent")).json()
    assert english["language"] == "en" and english["stages"][3]["name"] == "clarifying values"


def test_team_profile(client: TestClient, users: Users) -> None:
    body = client.get("/teams/Online/profile", headers=users.headers("reviewer")).json()
    assert body["kind"] == "team" and body["conversations"] == 2
    assert body["weakest"] in range(1, 8)


def test_unknown_ids_are_404_and_reversed_dates_422(client: TestClient, users: Users) -> None:
    headers = users.headers("admin")
    assert client.get("/agents/nobody/profile", headers=headers).status_code == 404
    assert client.get("/teams/Tartu/profile", headers=headers).status_code == 404
    bad = client.get("/agents/kati/profile?date_from=2026-10-02&date_to=2026-10-01", headers=headers)
    assert bad.status_code == 422  # as /reports answers it: the field named, FastAPI's shape
    assert bad.json()["detail"] == [{"loc": ["query", "date_to"], "msg": "date_to is before date_from",
                                     "type": "value_error"}]


def test_agent_and_team_lists(client: TestClient, users: Users) -> None:
    agents = {a["id"]: a for a in client.get("/agents", headers=users.headers("reviewer")).json()}
    assert agents["kati"]["conversations"] == 3 and agents["tom"]["team"] == "Online"
    teams = {t["id"]: t["conversations"] for t in client.get("/teams", headers=users.headers("admin")).json()}
    assert teams == {"Tallinn": 3, "Online": 2}


def test_the_404_of_a_name_never_seen_names_no_period(client: TestClient, users: Users) -> None:
    """D17: 'no conversations of agent 'nobody' in that period' when no period was given; a period is no
    part of it at all now: a name with conversations on other days is a quiet period (tests/service/
    test_quiet_period.py), one without any is unknown whatever the days."""
    headers = users.headers("admin")
    assert client.get("/agents/nobody/profile", headers=headers).json()["detail"] == \
        "no conversations of agent 'nobody'"
    dated = client.get("/agents/nobody/profile?date_from=2027-01-01&date_to=2027-01-31", headers=headers)
    assert dated.status_code == 404 and dated.json()["detail"] == "no conversations of agent 'nobody'"
    assert client.get("/teams/Tartu/profile?date_from=2027-01-01", headers=headers).json()["detail"] == \
        "no conversations of team 'Tartu'"


def test_agents_and_teams_whose_conversations_were_all_erased_are_left_out(client: TestClient,
                                                                          users: Users) -> None:
    """D17: after erasure /agents and /teams (and the dashboard's pickers) listed them with 0."""
    headers = users.headers("admin")
    for cid in ("svc-en-1", "svc-en-2"):  # tom's, the whole of team Online
        assert client.delete(f"/conversations/{cid}", headers=headers).status_code == 204
    agents = {a["id"] for a in client.get("/agents", headers=headers).json()}
    teams = {t["id"] for t in client.get("/teams", headers=headers).json()}
    assert "tom" not in agents and "kati" in agents and teams == {"Tallinn"}


def test_a_period_compared_with_an_earlier_one(client: TestClient, users: Users) -> None:
    from servio.report.compare import compare
    from servio.store import ConversationFilter

    query = "date_from=2026-10-01&date_to=2026-10-31&compare_from=2026-09-01&compare_to=2026-09-30"
    body = client.get(f"/agents/kati/comparison?{query}", headers=users.headers("agent")).json()
    assert body["kind"] == "agent" and body["id"] == "kati"
    assert body["period"] == {"date_from": "2026-10-01", "date_to": "2026-10-31", "conversations": 1}
    assert body["earlier"] == {"date_from": "2026-09-01", "date_to": "2026-09-30", "conversations": 2}
    assert [s["stage"] for s in body["stages"]] == list(range(1, 8)) and body["overall"]["stage"] is None
    store = client.app.state.store  # type: ignore[attr-defined]
    def kati(start: date, end: date) -> list:
        return store.results(ConversationFilter(agent_id="kati", date_from=start, date_to=end))

    now, then = kati(date(2026, 10, 1), date(2026, 10, 31)), kati(date(2026, 9, 1), date(2026, 9, 30))
    expected = compare(then, now)
    assert body["overall"]["earlier"] == pytest.approx(expected.overall.before)
    assert body["overall"]["now"] == pytest.approx(expected.overall.after)
    assert body["overall"]["reading"] == "few"  # one conversation in October: no spread to judge by
    for got in body["stages"]:
        want = expected.stages[got["stage"]]
        assert (got["earlier_conversations"], got["now_conversations"]) == (want.n_before, want.n_after)
        assert got["change"] == (None if want.change is None else pytest.approx(want.change))
    assert {p["id"]: (p["earlier"], p["now"]) for p in body["failure_patterns"]} == \
        {p.id: (p.before, p.after) for p in expected.patterns}


@pytest.mark.parametrize(("query", "field", "msg"), [
    ("date_from=2026-10-01&compare_from=2026-09-01", "compare_to", None),  # compare_to is required
    ("date_from=2026-10-01&compare_from=2026-09-30&compare_to=2026-09-01", "compare_to",
     "compare_from is after compare_to"),
    ("compare_from=2026-09-01&compare_to=2026-09-30", "date_from", "give date_from"),
    ("date_from=2026-09-15&compare_from=2026-09-01&compare_to=2026-09-30", "compare_to",
     "must end before date_from"),
    ("date_from=2026-09-01&date_to=2026-09-10&compare_from=2026-10-01&compare_to=2026-10-31", "compare_to",
     "must end before date_from"),  # a later period would read backwards (audit 17 #7)
    ("date_from=2026-10-10&date_to=2026-10-01&compare_from=2026-09-01&compare_to=2026-09-30", "date_to",
     "date_to is before date_from"),
    # days only, as a report counts them: a moment could put one conversation on both sides (audit 17 #1)
    ("date_from=2026-10-12&compare_from=2026-09-01&compare_to=2026-10-11T23:00:00-06:00", "compare_to", None),
])
def test_a_comparison_that_cannot_be_made_says_why(client: TestClient, users: Users, query: str, field: str,
                                                   msg: str | None) -> None:
    """422 naming the parameter, as /reports answers the same problems (they were 400 with a bare text)."""
    answer = client.get(f"/agents/kati/comparison?{query}", headers=users.headers("admin"))
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert error["loc"] == ["query", field]
    if msg:
        assert msg in error["msg"] and error["type"] == "value_error"
    same = client.get(f"/reports?scope=agent&id=kati&{query}", headers=users.headers("admin"))
    assert same.status_code == 422 and [e["loc"] for e in same.json()["detail"]] == [["query", field]]
