"""The Python samples of README.md and docs/*.md run as printed, with the names they show.

Each sample runs in a temporary folder that holds the files it names (copies of the bundled
examples), in a namespace of its own: a name the sample uses but does not define fails here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from servio.examples import example_gold_path, example_paths
from servio.results import ConversationResult

ROOT = Path(__file__).resolve().parent.parent
AGENTS = ("kati", "liis", "marko", "priya", "sarah", "tom")  # the bundled examples' agents


def sample(doc: str, heading: str) -> str:
    """The first ```python block after ``heading`` in ``doc`` (a path from the repository root)."""
    text = (ROOT / doc).read_text("utf-8")
    start = text.index(f"\n{heading}\n")
    found = re.search(r"```python\n(.*?)```", text[start:], re.S)
    assert found, f"{doc}: no Python sample after {heading!r}"
    return found.group(1)


def run(code: str, name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": name}
    exec(compile(code, name, "exec"), namespace)
    return namespace


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the files the samples name: chats.jsonl, chats/, export.csv, mail.mbox."""
    shutil.copy(example_gold_path(), tmp_path / "chats.jsonl")
    (tmp_path / "chats").mkdir()
    shutil.copy(example_gold_path(), tmp_path / "chats" / "conversations.jsonl")
    formats = {p.suffix: p for p in example_paths()}
    shutil.copy(formats[".mbox"], tmp_path / "mail.mbox")
    (tmp_path / "export.csv").write_text(
        "id;speaker;Sõnum\nx-1;agent;Tere! Kuidas saan aidata?\nx-1;customer;Arve on vale.\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_library_sample_prints_one_profile_per_agent(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(sample("README.md", "## As a library"), "readme")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == list(AGENTS)
    assert all(len(line.split(" ", 1)[1]) > 20 for line in lines)  # a summary sentence each


def test_formats_python_api_sample(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(sample("docs/formats.md", "## Python API"), "formats")
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["25", "0"]  # 24 examples and the one CSV conversation, nothing skipped
    assert out[-1].startswith("ReadReport(read=1, skipped=0,")


def test_privacy_sample_gives_what_its_comments_say(workdir: Path) -> None:
    code = sample("docs/privacy.md", "## Configuration")
    namespace = run(code, "privacy")
    claims = [line.split("#", 1) for line in code.splitlines() if re.search(r"#\s*\(", line)]
    assert claims, "the sample shows no result"
    for expression, shown in claims:
        assert repr(eval(expression, namespace)) == shown.strip()


def test_scorecard_sample_scores_with_the_own_card(workdir: Path) -> None:
    (workdir / "our-scorecard.toml").write_text(
        'name = "Rattapood"\nextends = "default"\n[[check]]\nid = "thanks"\nenabled = false\n', "utf-8")
    namespace = run(sample("docs/scorecard.md", "From Python:"), "scorecard")
    assert isinstance(namespace["result"], ConversationResult)
    checks = {c.id for s in namespace["result"].stage_scores for c in s.checks}
    assert "farewell" in checks and "thanks" not in checks  # scored with the own card
    teams = sorted({c.team for c in namespace["conversations"]})
    assert len(teams) > 1 and [p.id for p in namespace["team_view"]] == teams
    assert all(p.language == "et" for p in namespace["team_view"])


def test_dashboard_mounting_sample_serves_the_pages(workdir: Path) -> None:
    from fastapi.testclient import TestClient

    app = run(sample("docs/dashboard.md", "## Mounting"), "dashboard")["app"]
    app.state.store.migrate()
    _, token = app.state.store.create_user("rita", "reviewer")
    with TestClient(app) as client:
        assert client.get("/ui/static/app.css").status_code == 200
        signed_in = client.post("/ui/login", data={"token": token, "next": "/ui/team"})
        assert signed_in.status_code == 200
        assert signed_in.url.path == "/ui/team"
        # D14: the sample's live page works too (it set no app.state.live and its calls were a 500)
        assert 'href="/ui/live"' in signed_in.text
        opened = client.post("/ui/live/sessions", json={"language": "en", "contact_type": None},
                             headers={"X-Servio": "1"})
        assert opened.status_code == 201, opened.text
        turn = client.post(f"/ui/live/sessions/{opened.json()['session_id']}/turns",
                           json={"speaker": "customer", "text": "Hi, my invoice is wrong."},
                           headers={"X-Servio": "1"})
        assert turn.status_code == 200, turn.text


def test_reports_sample_builds_the_agents_report(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import servio.report.pdf

    printed: list[tuple[str, str]] = []
    monkeypatch.setattr(servio.report.pdf, "write_pdf", lambda html, path: printed.append((html, path)))
    namespace = run(sample("docs/reports.md", "## From Python"), "reports")
    assert printed == [(namespace["html"], "kati-september.pdf")]
    assert "kati" in namespace["html"]
