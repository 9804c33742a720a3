"""`servio report` refuses to write a report of nothing or of someone unknown, and says why; days without
conversations of someone known are a quiet report; --workers leaves its bytes alone."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from servio.cli import main

CONV = {
    "id": "r1", "language": "en", "channel": "chat", "agent_id": "kati", "team": "Tallinn",
    "started_at": "2026-09-02T10:00:00+03:00",
    "turns": [{"speaker": "agent", "text": "Hi, how can I help?"},
              {"speaker": "customer", "text": "My invoice is wrong."},
              {"speaker": "agent", "text": "I've corrected it. Anything else? Have a nice day!"}],
}


@pytest.fixture()
def one(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(CONV) + "\n", "utf-8")
    return path


def _report(args: list[str], out: Path) -> int:
    tagger = [] if "--database" in args else ["--tagger", "rules"]  # a database's results are tagged already
    return main(["report", *args, "-o", str(out), *tagger, "--no-progress"])


def test_an_empty_input_is_an_error_and_no_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_text("", "utf-8")
    out = tmp_path / "r.html"
    assert _report([str(empty)], out) == 2
    assert "nothing to report: no conversation was read" in capsys.readouterr().err
    assert not out.exists()


def test_an_unknown_agent_is_named_with_the_agents_there_are(one: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert _report([str(one), "--agent", "nobody"], out) == 2
    err = capsys.readouterr().err
    assert "no conversation of agent 'nobody'" in err and "agents: kati" in err
    assert not out.exists()
    assert _report([str(one), "--team", "Tartu"], out) == 2
    assert "no conversation of team 'Tartu'" in capsys.readouterr().err and not out.exists()


def test_reversed_days_are_an_error(one: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert _report([str(one), "--from", "2026-10-01", "--to", "2026-09-01"], out) == 2
    assert "--from 2026-10-01 is after --to 2026-09-01" in capsys.readouterr().err
    assert not out.exists()
    assert _report([str(one), "--from", "2026-09-01", "--to", "2026-09-30"], out) == 0
    assert out.exists()


@pytest.mark.parametrize(("who", "said"), [
    ([], "There were no conversations from 2026-10-01 on."),
    (["--agent", "kati"], "Agent kati had no conversations from 2026-10-01 on."),
    (["--team", "Tallinn"], "Team Tallinn had no conversations from 2026-10-01 on."),
])
def test_days_that_hold_nothing_of_someone_in_the_input_are_a_quiet_report(
        one: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], who: list[str], said: str) -> None:
    """A quiet week is no error (it was exit 2): the report says there were none, and so does the line."""
    out = tmp_path / "r.html"
    assert _report([str(one), *who, "--from", "2026-10-01", "--report-lang", "en"], out) == 0
    assert f"servio: {said}" in capsys.readouterr().err
    page = out.read_text("utf-8")
    assert said.replace("2026-10-01", '<span class="date">2026-10-01</span>') in page and "<svg" not in page


def test_a_report_that_fails_to_write_leaves_the_earlier_one_whole(
        one: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert _report([str(one)], out) == 0
    earlier = out.read_text("utf-8")
    assert "<html" in earlier.lower()

    from servio import files

    real_open_part = files._open_part

    class FullDisk:
        """The report's file: part of it lands, then the disk is full."""

        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, text: str) -> int:
            self.fh.write(text[:100])
            self.fh.flush()
            raise OSError(28, "No space left on device")

    def open_on_full_disk(out: Path) -> Any:  # the .part file beside the report
        part, fh = real_open_part(out)
        return part, FullDisk(fh)

    monkeypatch.setattr(files, "_open_part", open_on_full_disk)
    assert _report([str(one)], out) == 2  # one clear line, not a traceback
    assert f"servio: error: {out}: cannot write: No space left on device" in capsys.readouterr().err
    monkeypatch.undo()
    assert out.read_text("utf-8") == earlier
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("r.html")] == ["r.html"]


def test_a_report_with_two_workers_is_the_same_bytes_as_with_one(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764590400")  # the made-at time: the same in every run
    outs = [tmp_path / "one.html", tmp_path / "two.html"]
    for out, workers in zip(outs, ("1", "2"), strict=True):
        assert main(["report", "--examples", "--workers", workers, "--report-lang", "en", "-o", str(out),
                     "--no-progress"]) == 0
    first = outs[0].read_bytes()
    assert b"<svg" in first and b"Generated 2025-12-01 12:00 UTC" in first
    assert first == outs[1].read_bytes()


def test_both_files_written_are_named_as_given(one: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import servio.report.pdf as pdf

    def fake_pdf(html: str, out: Any) -> Path:  # no Chromium needed: the message is under test
        Path(out).write_bytes(b"%PDF-1.4\n")
        return Path(out).resolve()

    monkeypatch.setattr(pdf, "write_pdf", fake_pdf)
    monkeypatch.chdir(tmp_path)
    assert _report([str(one), "--pdf", "r.pdf"], Path("r.html")) == 0
    err = capsys.readouterr().err
    assert "servio: wrote r.html\n" in err and "servio: wrote r.pdf\n" in err
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_a_report_from_the_database_reads_only_around_its_days(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import servio.report.html as html
    from servio.web.store_backend import StoreBackend

    starts = {"aug": "2026-08-20T10:00:00+03:00", "edge": "2026-09-01T00:30:00+03:00",
              "sep": "2026-09-15T10:00:00+03:00", "last": "2026-09-30T23:30:00+03:00",
              "oct": "2026-10-20T10:00:00+03:00"}
    data = tmp_path / "month.jsonl"
    data.write_text("".join(json.dumps({**CONV, "id": k, "started_at": v}) + "\n" for k, v in starts.items()))
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(data), "--database", db, "--tagger", "rules", "--no-progress"]) == 0
    asked: list[dict[str, Any]] = []
    given: list[list[str]] = []
    read, build = StoreBackend.results, html.build_report

    def spy_read(self: Any, **kw: Any) -> Any:
        asked.append(kw)
        return read(self, **kw)

    def spy_build(results: Any, *args: Any, **kw: Any) -> str:
        given.append(sorted(r.conversation_id for r in results))
        return str(build(results, *args, **kw))

    monkeypatch.setattr(StoreBackend, "results", spy_read)
    monkeypatch.setattr(html, "build_report", spy_build)
    out = tmp_path / "r.html"
    month = ["--from", "2026-09-01", "--to", "2026-09-30"]
    assert main(["report", "--database", db, "--team", "Tallinn", *month, "-o", str(out)]) == 0
    assert asked[0]["date_from"] is not None and asked[0]["date_to"] is not None  # bounded in the database
    assert given == [["edge", "last", "sep"]]  # the month's days as the conversations lived them


def _estonian(i: int, team: str = "Tartu") -> dict[str, Any]:
    return {"id": f"et{i}", "language": "et", "channel": "chat", "agent_id": "mari", "team": team,
            "started_at": "2026-09-03T10:00:00+03:00",
            "turns": [{"speaker": "agent", "text": "Tere! Kuidas saan aidata?"},
                      {"speaker": "customer", "text": "Mu arve on vale."},
                      {"speaker": "agent", "text": "Parandasin selle ära. Head päeva!"}]}


@pytest.fixture()
def mostly_estonian(tmp_path: Path) -> Path:
    """Two Estonian conversations of team Tartu and one English one of team Tallinn."""
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in (_estonian(1), _estonian(2), CONV)), "utf-8")
    return path


def test_a_report_is_in_the_language_of_most_of_its_conversations(mostly_estonian: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert _report([str(mostly_estonian)], out) == 0
    assert '<html lang="et">' in out.read_text("utf-8")
    assert _report([str(mostly_estonian), "--team", "Tallinn"], out) == 0  # the team's conversations decide
    assert '<html lang="en">' in out.read_text("utf-8")
    assert _report([str(mostly_estonian), "--report-lang", "en"], out) == 0  # the option wins
    assert '<html lang="en">' in out.read_text("utf-8")


def test_a_quiet_period_is_said_in_the_language_of_the_teams_other_days(mostly_estonian: Path,
                                                                       tmp_path: Path) -> None:
    """Audit rep21 F14: an Estonian team's empty August came out in English unless --report-lang was given."""
    out = tmp_path / "r.html"
    assert _report([str(mostly_estonian), "--team", "Tartu", "--from", "2026-08-01", "--to", "2026-08-31"],
                   out) == 0
    page = out.read_text("utf-8")
    assert '<html lang="et">' in page and "Tartu" in page
    assert _report([str(mostly_estonian), "--team", "Tallinn", "--from", "2026-08-01", "--to", "2026-08-31"],
                   out) == 0
    assert '<html lang="en">' in out.read_text("utf-8")


def test_base_url_links_the_conversations_and_a_bad_one_is_refused_first(
        mostly_estonian: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert _report([str(mostly_estonian), "--base-url", "https://servio.example.ee"], out) == 0
    assert '<a href="https://servio.example.ee/ui/conversations/' in out.read_text("utf-8")
    out.unlink()
    assert _report([str(mostly_estonian), "--base-url", "servio.example.ee"], out) == 2
    assert "--base-url must be the dashboard's http(s) address" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("given", [["FILE"], ["--examples"]])
def test_files_or_examples_with_a_database_are_a_usage_error(tmp_path: Path, one: Path, given: list[str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """D11: files beside --database were silently left unread and the report was of the database."""
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(one), "--database", db, "--tagger", "rules", "--no-progress"]) == 0
    capsys.readouterr()
    out = tmp_path / "r.html"
    args = [str(one) if a == "FILE" else a for a in given]
    assert _report([*args, "--database", db], out) == 2
    err = capsys.readouterr().err
    assert "--database reports on the results stored there" in err and "would not be read" in err
    assert not out.exists()


@pytest.mark.parametrize("given,named", [
    (["--channel", "phone"], "--channel reads files"),
    (["--lang", "et", "--speaker", "Kati=agent"], "--lang, --speaker read files"),
    (["--tagger", "rules"], "--tagger reads files"),
    (["--workers", "2"], "--workers reads files"),
])
def test_reading_options_with_a_database_are_a_usage_error(tmp_path: Path, one: Path, given: list[str],
                                                          named: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Audit rep21 F2: --channel phone with --database was dropped without a word, and the 'calls' report
    covered every channel."""
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(one), "--database", db, "--tagger", "rules", "--no-progress"]) == 0
    capsys.readouterr()
    out = tmp_path / "r.html"
    assert _report([*given, "--database", db], out) == 2
    err = capsys.readouterr().err
    assert named in err and "--team, --agent, --from and --to" in err
    assert not out.exists()
    assert _report(["--database", db], out) == 0  # the report itself is fine


def test_a_missing_database_file_is_named_and_not_made(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """D21: a mistyped SQLite path made an empty file and said 'no such table: conversations'."""
    missing = tmp_path / "nope.db"
    out = tmp_path / "r.html"
    assert _report(["--database", f"sqlite:///{missing}"], out) == 2
    assert "no such database file" in capsys.readouterr().err
    assert not missing.exists() and not out.exists()


def test_a_database_without_servio_tables_is_named(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x int)").connection.close()
    assert _report(["--database", f"sqlite:///{other}"], tmp_path / "r.html") == 2
    err = capsys.readouterr().err
    assert "no servio database here" in err and "no such table" not in err


def test_an_unknown_agent_or_team_in_the_database_names_those_there_are(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From files the error listed the agents or teams there are; from a database, which reads only the one
    asked for, it listed none (docs audit D23)."""
    data = tmp_path / "c.jsonl"
    data.write_text(json.dumps({**CONV, "id": "c1", "agent_id": "kati", "team": "Tartu"}) + "\n")
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(data), "--database", db, "--tagger", "rules", "--no-progress"]) == 0
    capsys.readouterr()
    for option, name, listed in (("--team", "Nope", "teams: Tartu"), ("--agent", "nobody", "agents: kati")):
        assert main(["report", "--database", db, option, name, "-o", str(tmp_path / "r.html")]) == 2
        err = capsys.readouterr().err
        assert f"no conversation of {option[2:]} '{name}' in the database; {listed}" in err


def test_a_quiet_week_in_the_database_is_a_report_that_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cron job's weekly report: an agent or team (or everyone) with conversations on other days but
    none in the week was exit 2, "no conversation of team 'Tartu' in the database; teams: Tartu" (false);
    now exit 0 with the report's own sentence, as the API answers 200. Unknown names stay errors."""
    data = tmp_path / "c.jsonl"
    data.write_text(json.dumps({**CONV, "id": "c1", "agent_id": "kati", "team": "Tartu"}) + "\n")
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(data), "--database", db, "--tagger", "rules", "--no-progress"]) == 0
    capsys.readouterr()
    week = ["--from", "2027-01-04", "--to", "2027-01-10"]
    out = tmp_path / "r.html"
    for who, lang, said in (
            (["--team", "Tartu"], "en", "Team Tartu had no conversations from 2027-01-04 to 2027-01-10."),
            (["--agent", "kati"], "et", "Teenindajal kati polnud ajavahemikus 04.01.2027 – 10.01.2027 ühtegi "
                                        "vestlust."),
            ([], "en", "There were no conversations from 2027-01-04 to 2027-01-10.")):
        assert main(["report", "--database", db, *who, *week, "--report-lang", lang, "-o", str(out)]) == 0
        assert f"servio: {said}\n" in capsys.readouterr().err
        page = out.read_text("utf-8")
        assert said in re.sub(r"<[^>]+>", "", page) and "<svg" not in page
        out.unlink()
    assert main(["report", "--database", db, "--team", "Nope", *week, "-o", str(out)]) == 2
    assert "no conversation of team 'Nope' in the database; teams: Tartu" in capsys.readouterr().err
    assert not out.exists()
