"""GET /reports: a report as JSON (the report package's figures), HTML (the bytes `servio report` writes)
and PDF; who may read which; the parameters it refuses, naming them.

The data (tests/service/data.py): kati (Tallinn, Estonian) on 2026-09-03, 09-20 and 10-05; tom (Online,
English) on 09-10 and 10-12; one conversation without agent or team on 10-20. The team lead leads Online.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.cli import main
from servio.evaluate.profiles import profile
from servio.report import pdf, summary
from servio.report.compare import compare
from servio.stages import info
from tests.service.conftest import Users

EPOCH = "1764590400"  # 2025-12-01 12:00 UTC: the report's "Generated" line


def _get(client: TestClient, users: Users, query: str, role: str = "admin", **headers: str) -> Any:
    return client.get(f"/reports?{query}", headers={**users.headers(role), **headers})


# ------------------------------------------------------------------ JSON: the report package's figures


def test_the_json_holds_what_the_report_package_computes(client: TestClient, users: Users,
                                                         scored: list[tuple[Any, Any]]) -> None:
    """Computed here from the results as scored (not read back from the store) with the report package's
    own functions: the API's figures are the package's, whichever backend stored them."""
    body = _get(client, users, "scope=team&id=Tallinn&date_from=2026-09-01&date_to=2026-09-30&language=en")
    assert body.status_code == 200
    data = body.json()
    results = [r for _, r in scored]
    chosen = summary.select(results, scope="team", id="Tallinn", date_from="2026-09-01", date_to="2026-09-30")
    assert sorted(r.conversation_id for r in chosen) == ["svc-et-1", "svc-et-2"]
    ov = summary.overview(chosen, kind="team", id="Tallinn", language="en")
    assert (data["scope"], data["id"], data["language"]) == ("team", "Tallinn", "en")
    assert (data["first_day"], data["last_day"]) == ("2026-09-01", "2026-09-30")
    assert data["conversations"] == 2 and data["agents"] == 1 and data["incomplete"] == 0
    assert data["overall"] == pytest.approx(ov.profile.overall)
    assert data["summary"] == profile(chosen, kind="team", id="Tallinn", language="en").summary
    assert (data["strongest"], data["weakest"]) == (ov.profile.named_strongest, ov.profile.named_weakest)
    values, coverage = summary.stage_values(chosen)
    assert [s["stage"] for s in data["stages"]] == list(range(1, 8))
    for s in data["stages"]:
        assert s["mean_score"] == pytest.approx(values[s["stage"]])
        assert s["present_in"] == pytest.approx(coverage[s["stage"]])
    assert data["stages"][3]["name"] == "clarifying values"
    patterns = summary.pattern_counts(chosen, "en")
    assert [(p["id"], p["count"], p["conversation_ids"]) for p in data["failure_patterns"]] == \
        [(p.id, p.count, list(p.conversation_ids)) for p in patterns]
    assert all(p["share"] == pytest.approx(p["count"] / 2) and p["more"] == 0
               for p in data["failure_patterns"])
    points, bucket = summary.trend_points(chosen, language="en")
    assert data["trend"]["bucket"] == bucket == "day"  # 17 days
    assert [(p["start"], p["mean_overall"], p["conversations"]) for p in data["trend"]["points"]] == \
        [(t.start.isoformat(), pytest.approx(t.value), t.count) for t in points]
    assert [w["id"] for w in data["weakest_conversations"]] == [r.conversation_id for r in ov.worst]
    weakest = next(r for r in chosen if r.conversation_id == ov.worst[0].conversation_id)
    first = data["weakest_conversations"][0]
    assert first["coaching"] == [{"kind": f.kind, "stage": f.stage, "turn": f.turn, "text": f.text}
                                 for f in weakest.feedback]
    assert first["failure_patterns"] == [f.id for f in weakest.failures]
    assert [row["agent_id"] for row in data["by_agent"]] == ["kati"]
    assert data["comparison"] is None


def test_the_comparison_is_the_report_packages(client: TestClient, users: Users,
                                               scored: list[tuple[Any, Any]]) -> None:
    data = _get(client, users, "scope=agent&id=kati&date_from=2026-09-15&compare_from=2026-09-01"
                               "&compare_to=2026-09-14").json()
    results = [r for _, r in scored]
    earlier = summary.select(results, scope="agent", id="kati", date_from="2026-09-01", date_to="2026-09-14")
    now = summary.select(results, scope="agent", id="kati", date_from="2026-09-15")
    cmp = compare(earlier, now)
    got = data["comparison"]
    assert got["earlier"] == {"date_from": "2026-09-01", "date_to": "2026-09-14", "conversations": 1}
    assert got["overall"]["earlier"] == pytest.approx(cmp.overall.before)
    assert got["overall"]["now"] == pytest.approx(cmp.overall.after)
    assert got["overall"]["reading"] == cmp.overall.verdict == "few"  # one conversation before
    assert [(s["stage"], s["now_conversations"]) for s in got["stages"]] == \
        [(stage, c.n_after) for stage, c in sorted(cmp.stages.items())]
    assert [(p["id"], p["earlier"], p["now"]) for p in got["failure_patterns"]] == \
        [(p.id, p.before, p.after) for p in cmp.patterns]
    assert data["by_agent"] == []  # an agent's report has no agents table


def test_an_earlier_period_without_conversations_reads_few(client: TestClient, users: Users) -> None:
    got = _get(client, users, "scope=team&id=Online&date_from=2026-09-01&compare_from=2020-01-01"
                              "&compare_to=2020-01-31").json()["comparison"]
    assert got["earlier"]["conversations"] == 0
    assert {s["reading"] for s in [got["overall"], *got["stages"]]} == {"few"}


def test_a_period_without_conversations_is_an_empty_report(client: TestClient, users: Users) -> None:
    """As the dashboard's report of everyone: it says there is nothing, as a known agent's or team's does
    (tests/service/test_quiet_period.py)."""
    data = _get(client, users, "scope=period&date_from=2030-01-01").json()
    assert data["conversations"] == 0 and data["overall"] is None and data["stages"] == []
    assert data["trend"] is None and data["weakest_conversations"] == []


def test_the_json_is_described_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    op = schema["paths"]["/reports"]["get"]
    assert op["tags"] == ["reports"]
    assert set(op["responses"]["200"]["content"]) == {"application/json", "text/html", "application/pdf"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ReportOut")
    params = {p["name"]: p for p in op["parameters"]}
    assert set(params) >= {"scope", "id", "date_from", "date_to", "compare_from", "compare_to", "language",
                           "format"}
    assert all(p.get("description") for p in params.values())
    model = schema["components"]["schemas"]["ReportOut"]
    assert model["properties"]["weakest_conversations"]["description"].startswith("The conversations to")


# ------------------------------------------------------------------ HTML: the CLI's bytes


@pytest.mark.parametrize("query,args", [
    ("scope=team&id=Tallinn&date_from=2026-09-01&date_to=2026-10-31&language=et",
     ["--team", "Tallinn", "--from", "2026-09-01", "--to", "2026-10-31", "--report-lang", "et"]),
    ("scope=agent&id=tom", ["--agent", "tom"]),  # the language of its conversations: English
    ("scope=period&date_from=2026-10-01&compare_from=2026-09-01&compare_to=2026-09-30&language=en",
     ["--from", "2026-10-01", "--compare-from", "2026-09-01", "--compare-to", "2026-09-30",
      "--report-lang", "en"]),
])
def test_the_html_is_what_servio_report_writes(client: TestClient, users: Users, store_url: str,
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str,
                                               args: list[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # the one thing a report prints that depends on time
    out = tmp_path / "cli.html"
    assert main(["report", "--database", store_url, *args, "-o", str(out)]) == 0
    answer = _get(client, users, f"{query}&format=html")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.content == out.read_bytes()
    assert b"12:00 UTC" in answer.content  # the time SOURCE_DATE_EPOCH names, on both sides


def test_the_html_is_a_download_with_its_own_policy(client: TestClient, users: Users) -> None:
    answer = _get(client, users, "scope=team&id=Tallinn&date_from=2026-09-01&date_to=2026-09-30",
                  Accept="text/html")
    assert answer.status_code == 200 and answer.text.startswith("<!doctype html>")
    assert answer.headers["content-disposition"].startswith(
        'attachment; filename="servio-team-Tallinn-2026-09-01_2026-09-30.html"')
    assert "style-src-elem 'sha256-" in answer.headers["content-security-policy"]  # no script, its own style
    assert "script-src" not in answer.headers["content-security-policy"]
    assert answer.headers["vary"] == "Accept"


# ------------------------------------------------------------------ PDF


def _needs_chromium() -> None:
    if pdf.find_chromium() is None:
        if os.environ.get("SERVIO_REQUIRE_BROWSER"):
            pytest.fail("Chromium not found; make test promised a browser (SERVIO_REQUIRE_BROWSER)")
        pytest.skip("Chromium not installed (apt-get install chromium)")


def test_the_pdf_is_printed_by_chromium(client: TestClient, users: Users) -> None:
    _needs_chromium()
    answer = _get(client, users, "scope=agent&id=kati&date_from=2026-09-01", role="agent",
                  Accept="application/pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert answer.headers["content-disposition"].startswith(
        'attachment; filename="servio-agent-kati-2026-09-01.pdf"')


def test_without_chromium_a_pdf_is_a_clear_503(client: TestClient, users: Users,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    answer = _get(client, users, "scope=team&id=Tallinn&format=pdf")
    assert answer.status_code == 503
    assert answer.json()["detail"].startswith("PDF is not available on this server: it needs Chromium")
    assert _get(client, users, "scope=team&id=Tallinn&format=html").status_code == 200  # HTML still works


def test_a_chromium_that_cannot_be_run_is_a_503(client: TestClient, users: Users, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A file there but not executable: the same 503 as no Chromium, not a 500 (audit 19c, m5)."""
    browser = tmp_path / "chromium"
    browser.write_bytes(b"")
    monkeypatch.setenv("SERVIO_CHROMIUM", str(browser))
    answer = _get(client, users, "scope=team&id=Tallinn&format=pdf")
    assert answer.status_code == 503
    assert answer.json()["detail"].startswith("PDF is not available on this server: it needs Chromium")


def test_a_chromium_that_fails_is_a_503_and_its_words_stay_in_the_log(
        client: TestClient, users: Users, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'crashed at /srv/secret/path' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("SERVIO_CHROMIUM", str(broken))
    answer = _get(client, users, "scope=team&id=Tallinn&format=pdf")
    assert answer.status_code == 503
    assert answer.json()["detail"].startswith("Chromium could not print the PDF (see the server's log)")
    assert "/srv/secret" not in answer.text
    assert any("/srv/secret/path" in r.getMessage() for r in caplog.records)


def test_busy_printers_answer_503_with_retry_after(client: TestClient, users: Users,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.service.routers import reports

    monkeypatch.setattr(pdf, "find_chromium", lambda: "/usr/bin/chromium")  # not started: printers busy
    monkeypatch.setattr(reports, "PDF_WAIT_SECONDS", 0.05)
    busy = threading.BoundedSemaphore(1)
    busy.acquire()
    monkeypatch.setattr(client.app.state, "pdf_printers", busy)  # type: ignore[attr-defined]
    answer = _get(client, users, "scope=team&id=Tallinn&format=pdf")
    assert answer.status_code == 503 and answer.headers["retry-after"] == "60"
    assert "printing other PDFs" in answer.json()["detail"]


# ------------------------------------------------------------------ the format asked for


@pytest.mark.parametrize("accept,kind", [
    (None, "application/json"),
    ("*/*", "application/json"),
    ("application/json", "application/json"),
    ("text/html", "text/html; charset=utf-8"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html; charset=utf-8"),
    ("text/html;q=0.5, application/json", "application/json"),
    ("application/pdf;q=0, text/*", "text/html; charset=utf-8"),
])
def test_the_accept_header_chooses_the_format(client: TestClient, users: Users, accept: str | None,
                                              kind: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    answer = _get(client, users, "scope=team&id=Online", **headers)
    assert answer.status_code == 200 and answer.headers["content-type"] == kind


def test_format_wins_over_accept_and_an_unknown_accept_is_406(client: TestClient, users: Users) -> None:
    answer = _get(client, users, "scope=team&id=Online&format=json", Accept="text/html")
    assert answer.headers["content-type"] == "application/json"
    refused = _get(client, users, "scope=team&id=Online", Accept="image/png")
    assert refused.status_code == 406 and "format=json|html|pdf" in refused.json()["detail"]


# ------------------------------------------------------------------ the report's language


def test_an_estonian_report(client: TestClient, users: Users) -> None:
    data = _get(client, users, "scope=team&id=Online&language=et").json()
    assert data["language"] == "et"
    assert data["stages"][5]["name"] == "lahenduste pakkumine"
    assert data["summary"].startswith(("Tugevaim etapp", "Ühtlane"))
    assert all(p["label"].count(".") == 2 for p in data["trend"]["points"])  # 05.10.2026, not ISO
    page = _get(client, users, "scope=team&id=Online&language=et&format=html").text
    # the stage the headline names, in Estonian
    named = info(data["strongest"] or data["weakest"]).name("et")
    assert '<html lang="et">' in page and named.lower() in page.lower()


def test_without_a_language_a_report_is_in_its_conversations_language(client: TestClient,
                                                                      users: Users) -> None:
    assert _get(client, users, "scope=team&id=Tallinn").json()["language"] == "et"
    assert _get(client, users, "scope=team&id=Online").json()["language"] == "en"


# ------------------------------------------------------------------ who may read which


@pytest.mark.parametrize("role,query,status", [
    ("agent", "scope=agent&id=kati", 200),
    ("agent", "scope=agent&id=tom", 403),
    ("agent", "scope=team&id=Tallinn", 403),  # not even their own team's
    ("agent", "scope=period", 403),
    ("team_lead", "scope=team&id=Online", 200),
    ("team_lead", "scope=team&id=Tallinn", 403),
    ("team_lead", "scope=agent&id=tom", 200),
    ("team_lead", "scope=agent&id=kati", 404),  # no conversation in their team, as her profile
    ("team_lead", "scope=period", 403),
    ("reviewer", "scope=period", 200),
    ("reviewer", "scope=agent&id=kati", 200),
    ("anonymous", "scope=team&id=Online", 401),
])
def test_who_may_read_which_report(client: TestClient, users: Users, role: str, query: str,
                                   status: int) -> None:
    for fmt in ("json", "html"):
        assert _get(client, users, f"{query}&format={fmt}", role=role).status_code == status


def test_a_refused_pdf_is_refused_before_any_printing(client: TestClient, users: Users,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "pdf_bytes", lambda html: pytest.fail("printed a report it refused"))
    assert _get(client, users, "scope=team&id=Tallinn&format=pdf", role="team_lead").status_code == 403


def test_a_team_leads_report_of_an_agent_counts_their_team_only(client: TestClient, users: Users,
                                                                filled_store: Any) -> None:
    from servio.model import Channel, Conversation, Language, Speaker, Turn

    # tom also worked a day for Tallinn: the Online lead's report of him leaves it out, an admin's has it
    elsewhere = Conversation(id="tom-tallinn", turns=
                             (Turn(speaker=Speaker.AGENT, text="Hello, how can I help?"),),
                             language=Language.EN, channel=Channel.CHAT, agent_id="tom", team="Tallinn")
    from servio.analyze import analyze
    from servio.evaluate import evaluate

    result = evaluate(analyze(elsewhere))
    filled_store.save_results([elsewhere], lambda c: result)
    lead = _get(client, users, "scope=agent&id=tom", role="team_lead").json()
    admin = _get(client, users, "scope=agent&id=tom").json()
    assert (lead["conversations"], admin["conversations"]) == (2, 3)


# ------------------------------------------------------------------ refusals that name the field


@pytest.mark.parametrize("query,field", [
    ("", "scope"),
    ("scope=everyone", "scope"),
    ("scope=team", "id"),
    ("scope=agent&id=", "id"),
    ("scope=period&id=Tallinn", "id"),
    ("scope=team&id=Online&date_from=2026-13-01", "date_from"),
    ("scope=team&id=Online&date_to=yesterday", "date_to"),
    ("scope=team&id=Online&date_from=2026-10-02&date_to=2026-10-01", "date_to"),
    ("scope=team&id=Online&date_from=2026-10-01&compare_from=2026-09-01", "compare_to"),
    ("scope=team&id=Online&date_from=2026-10-01&compare_to=2026-09-30", "compare_from"),
    ("scope=team&id=Online&date_from=2026-10-01&compare_from=2026-09-30&compare_to=2026-09-01", "compare_to"),
    ("scope=team&id=Online&compare_from=2026-09-01&compare_to=2026-09-30", "date_from"),
    ("scope=team&id=Online&date_from=2026-10-01&compare_from=2026-09-01&compare_to=2026-10-01", "compare_to"),
    ("scope=team&id=Online&date_from=2026-10-01&compare_from=2026-11-01&compare_to=2026-11-30", "compare_to"),
    ("scope=team&id=Online&language=de", "language"),
    ("scope=team&id=Online&format=docx", "format"),
])
def test_a_bad_parameter_is_a_422_naming_it(client: TestClient, users: Users, query: str, field: str) -> None:
    answer = _get(client, users, query)
    assert answer.status_code == 422, answer.text
    assert ["query", field] in [e["loc"] for e in answer.json()["detail"]]


def test_the_422_says_what_to_change(client: TestClient, users: Users) -> None:
    answer = _get(client, users, "scope=team&id=Online&date_from=2026-10-01&compare_from=2026-09-01"
                                 "&compare_to=2026-10-01")
    assert answer.json()["detail"] == [{
        "loc": ["query", "compare_to"], "type": "value_error",
        "msg": "the period to compare with (compare_from, compare_to) must end before date_from"}]


@pytest.mark.parametrize("query,detail", [
    ("scope=agent&id=nobody", "no conversations of agent 'nobody'"),
    ("scope=team&id=Tartu", "no conversations of team 'Tartu'"),
    ("scope=team&id=Tartu&date_from=2027-01-01&date_to=2027-01-31", "no conversations of team 'Tartu'"),
])
def test_an_agent_or_team_without_conversations_is_404_as_their_profile(client: TestClient, users: Users,
                                                                        query: str, detail: str) -> None:
    for fmt in ("json", "html"):
        answer = _get(client, users, f"{query}&format={fmt}")
        assert answer.status_code == 404 and answer.json()["detail"] == detail


def test_the_json_counts_the_incomplete_conversations() -> None:
    """Audit rep21 F8: the HTML, PDF and JSON reports said nothing of an incomplete conversation that the
    dashboard's team page counted."""
    from dataclasses import replace

    from servio.report.content import report_content
    from servio.service.shape import report_out
    from tests.report.conftest import make_result

    results = [make_result(f"c{i}", "ann", "North", f"2026-10-0{i + 1}", {1: 80.0}) for i in range(3)]
    results[2] = replace(results[2], unread=("chats.csv:12",))
    data = report_out(report_content(results, scope="team", id="North", language="en"))
    assert data["conversations"] == 3 and data["incomplete"] == 1
