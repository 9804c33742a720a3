"""``import_paths``: counts, idempotence, redaction before storage, problems, progress and jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from servio.ingest import IngestError
from servio.redact import RedactionConfig
from servio.store import ConversationFilter, Store, StoreError, import_paths
from servio.store import importer as importer_module
from tests.store.helpers import analyse, conversation, write_jsonl

PII = {
    "37605030299": "REDACTED-IDCODE",
    "EE38 2200 2210 2014 5685": "REDACTED-IBAN",
    "4111 1111 1111 1111": "REDACTED-CARD",
    "+372 5123 4567": "REDACTED-PHONE",
    "mari.maasikas@example.ee": "REDACTED-EMAIL",
}


def _everything_stored(store: Store) -> str:
    """Every value of every row of every table, as one string."""
    meta = MetaData()
    meta.reflect(store.engine)
    parts = []
    with store.engine.connect() as conn:
        for table in meta.sorted_tables:
            parts.extend(repr(tuple(row)) for row in conn.execute(select(table)))
    return "\n".join(parts)


def test_an_import_stores_every_good_conversation_and_reports_the_bad(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "chats.jsonl", [conversation(n) for n in range(1, 6)], bad_lines=2)
    seen = []
    report = import_paths(store, [path], batch_size=2, on_problem=seen.append)
    assert (report.read, report.skipped, report.new, report.updated, report.unchanged) == (5, 2, 5, 0, 0)
    assert len(seen) == 2 and all(p.line in (1, 2) for p in seen)
    job = store.get_import_job(report.job_id)
    assert job is not None and job.status == "done"
    assert (job.read, job.skipped, job.new, job.problem_count) == (5, 2, 5, 2)
    assert [p["line"] for p in job.problems] == [1, 2]
    assert job.finished_at is not None and job.paths == (str(path),)
    assert store.list_conversations().total == 5
    conv, result = store.get_conversation("c3") or (None, None)
    assert result == analyse(conv)  # type: ignore[arg-type]


def test_importing_again_changes_nothing_and_a_changed_conversation_is_updated(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    convs = [conversation(n) for n in range(1, 5)]
    path = write_jsonl(tmp_path / "chats.jsonl", convs)
    import_paths(store, path)
    before = {s.id: s for s in store.list_conversations().items}
    analysed: list[str] = []
    real = importer_module.analyser

    def counting(tagger: str = "rules", scorecard=None):
        run = real(tagger, scorecard)
        return lambda conv: analysed.append(conv.id) or run(conv)

    monkeypatch.setattr(importer_module, "analyser", counting)
    again = import_paths(store, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert analysed == []
    assert {s.id: s for s in store.list_conversations().items} == before
    convs[1] = conversation(2, extra="And the TV too.")
    write_jsonl(path, convs)
    third = import_paths(store, path)
    assert (third.new, third.updated, third.unchanged) == (0, 1, 3)
    assert analysed == ["c2"]
    assert "And the TV too." in (store.get_conversation("c2") or (None,))[0].turns[1].text  # type: ignore[union-attr]


def test_personal_data_never_reaches_the_database(store: Store, tmp_path: Path) -> None:
    extra = "Isikukood 37605030299, konto EE38 2200 2210 2014 5685, kaart 4111 1111 1111 1111, " \
            "tel +372 5123 4567, e-post mari.maasikas@example.ee"
    conv = conversation(1, extra=extra)
    turns = [{"speaker": str(t.speaker), "text": t.text} for t in conv.turns]
    record = {"id": "c1", "language": "en", "agent_id": "kati", "note": extra, "turns": turns}
    path = tmp_path / "pii.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = import_paths(store, path)
    assert report.redacted == {"idcode": 2, "iban": 2, "card": 2, "phone": 2, "email": 2}
    dump = _everything_stored(store)
    for raw, token in PII.items():
        assert raw not in dump and raw.replace(" ", "") not in dump
        assert token in dump
    stored, _ = store.get_conversation("c1") or (None, None)
    assert stored is not None and "REDACTED-PHONE" in stored.turns[1].text


def test_redaction_can_be_switched_off(store: Store, tmp_path: Path) -> None:
    conv = conversation(1, extra="tel +372 5123 4567")
    path = write_jsonl(tmp_path / "c.jsonl", [conv])
    import_paths(store, path, redact=RedactionConfig(enabled=False))
    stored, _ = store.get_conversation("c1") or (None, None)
    assert stored is not None and "+372 5123 4567" in stored.turns[1].text


def test_progress_is_reported_after_each_committed_batch(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 6)])
    seen = []

    def progress(report):
        seen.append((report.read, report.new, store.list_conversations().total))

    import_paths(store, path, batch_size=2, on_progress=progress)
    assert seen == [(2, 2, 2), (4, 4, 4), (5, 5, 5)]


def test_a_conversation_the_analysis_cannot_handle_is_a_problem(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importer_module.analyser

    def flaky(tagger: str = "rules", scorecard=None):
        run = real(tagger, scorecard)

        def one(conv):
            if conv.id == "c2":
                raise RuntimeError("tagger broke")
            return run(conv)
        return one

    monkeypatch.setattr(importer_module, "analyser", flaky)
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 4)])
    recorded = []

    def progress(report):
        job = store.get_import_job(report.job_id)
        recorded.append(job.problem_count if job else None)

    report = import_paths(store, path, batch_size=1, on_progress=progress)
    assert recorded == [0, 1, 1]  # the problem is committed with the batch it belongs to
    assert (report.new, report.failed) == (2, 1)
    assert any("c2" in p.message and "tagger broke" in p.message for p in report.problems)
    assert store.get_conversation("c2") is None
    job = store.get_import_job(report.job_id)
    assert job is not None and job.problem_count == 1 and "tagger broke" in job.problems[0]["message"]


def test_a_missing_path_fails_the_job(store: Store, tmp_path: Path) -> None:
    with pytest.raises(IngestError):
        import_paths(store, tmp_path / "nope.jsonl")
    jobs = store.list_import_jobs()
    assert len(jobs) == 1 and jobs[0].status == "failed" and "nope.jsonl" in (jobs[0].error or "")


def test_a_prepared_job_is_carried_out(store: Store, tmp_path: Path) -> None:
    user, _ = store.create_user("ann", "admin")
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(1)])
    job = store.create_import_job([str(path)], created_by=user.id)
    assert job.status == "pending" and store.list_import_jobs(status="pending") == [job]
    report = import_paths(store, path, job_id=job.id)
    assert report.job_id == job.id
    done = store.get_import_job(job.id)
    assert done is not None and done.status == "done" and done.new == 1 and done.created_by == user.id
    assert store.delete_import_job(job.id) is True and store.get_import_job(job.id) is None


def test_the_job_keeps_the_redaction_counts_of_every_batch(store: Store, tmp_path: Path) -> None:
    """D10: the counts were only in the report import_paths returns (the API's wait=true answer)."""
    convs = [conversation(n, extra="Call me on +372 5123 4567.") for n in range(1, 4)]
    convs.append(conversation(4, extra="Write to mari.maasikas@example.ee."))
    path = write_jsonl(tmp_path / "pii.jsonl", convs)
    report = import_paths(store, path, batch_size=2)
    job = store.get_import_job(report.job_id)
    assert job is not None and job.redacted == report.redacted == {"phone": 3, "email": 1}
    assert job.to_dict()["redacted"] == {"phone": 3, "email": 1}
    again = import_paths(store, path, batch_size=2, redact=RedactionConfig(enabled=False))
    assert store.get_import_job(again.job_id).redacted == {}  # type: ignore[union-attr]


def test_every_format_servio_reads_can_be_imported(store: Store) -> None:
    from servio.examples import example_paths

    report = import_paths(store, example_paths())
    assert report.skipped == 0 and report.new == report.read > 24
    assert store.list_conversations().total == report.read


def test_jobs_left_running_by_a_dead_process_can_be_failed(store: Store) -> None:
    from datetime import timedelta

    job = store.create_import_job(["x"])
    store.start_import_job(job.id)
    assert store.fail_stale_import_jobs(timedelta(minutes=5)) == 0
    assert store.fail_stale_import_jobs(timedelta(0)) == 1
    failed = store.get_import_job(job.id)
    assert failed is not None and failed.status == "failed" and "interrupted" in (failed.error or "")
    with pytest.raises(StoreError):
        store.start_import_job(job.id)


def test_a_conversation_too_big_for_the_schema_is_a_problem(store: Store, tmp_path: Path) -> None:
    from dataclasses import replace

    long_id = replace(conversation(1), id="x" * 300)
    long_agent = conversation(2, agent="a" * 300)
    path = write_jsonl(tmp_path / "c.jsonl", [long_id, long_agent, conversation(3)])
    report = import_paths(store, path)
    assert (report.new, report.failed) == (1, 2)
    assert [p.message.split(":")[1].strip() for p in report.problems] == [
        "conversation id is longer than 255 characters; skipped",
        "agent id is longer than 255 characters; skipped"]
    with pytest.raises(StoreError):
        store.save_result(long_id, analyse(long_id))


@pytest.mark.parametrize("workers", [1, 2])
def test_strict_stops_at_the_first_bad_record_keeping_earlier_batches(store: Store, tmp_path: Path,
                                                                      workers: int) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 4)])
    path.write_text(path.read_text("utf-8") + "{broken\n" + path.read_text("utf-8").splitlines()[0]
                    .replace('"c1"', '"c9"') + "\n", encoding="utf-8")
    with pytest.raises(IngestError):  # with workers, batch 1 waits to be stored while batch 2 is read
        import_paths(store, path, batch_size=2, strict=True, workers=workers)
    assert [s.id for s in store.list_conversations(ConversationFilter(sort="id")).items] == ["c1", "c2"]
    job = store.list_import_jobs()[0]
    assert job.status == "failed" and job.new == 2 and "c.jsonl:4:" in (job.error or "")


def test_notes_about_the_input_are_kept_with_the_job(store: Store, tmp_path: Path) -> None:
    """An empty file imports nothing; the job says why instead of silently reading 0 conversations."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", "utf-8")
    good = write_jsonl(tmp_path / "chats.jsonl", [conversation(1)])
    problems, notes = [], []
    report = import_paths(store, [empty, good], on_problem=problems.append, on_note=notes.append)
    assert (report.read, report.skipped) == (1, 0)
    assert not problems and [n.message for n in notes] == ["empty file; nothing to read"]
    job = store.get_import_job(report.job_id)
    assert job is not None and job.status == "done"
    assert [p["message"] for p in job.problems] == ["note: empty file; nothing to read"]
    assert job.problems[0]["path"] == str(empty)


def test_problem_messages_are_stored_redacted(store: Store, tmp_path: Path) -> None:
    """A reader quotes a bad value as typed; the job row (and so GET /imports) must not keep personal data."""
    bad = tmp_path / "bad.csv"
    bad.write_text("id,speaker,text,timestamp\ne1,mari@firma.ee,tere,\ne2,customer,tere,tel 5123 4567\n",
                   "utf-8")
    seen: list[str] = []
    report = import_paths(store, [bad], on_problem=lambda p: seen.append(str(p)),
                          on_note=lambda p: seen.append(str(p)))
    job = store.get_import_job(report.job_id)
    assert job is not None and job.problems
    stored = " ".join(p["message"] for p in job.problems)
    assert "mari@firma.ee" not in stored and "5123 4567" not in stored
    assert "REDACTED-EMAIL" in stored
    assert any("mari@firma.ee" in s for s in seen)  # the operator's own terminal still sees what to fix
    unredacted = import_paths(store, [bad], redact=RedactionConfig(enabled=False))
    job = store.get_import_job(unredacted.job_id)
    assert job is not None and "mari@firma.ee" in " ".join(p["message"] for p in job.problems)


def test_workers_store_the_same_results_and_problems(store: Store, tmp_path: Path) -> None:
    from dataclasses import replace

    convs = [conversation(n) for n in range(1, 8)] + [replace(conversation(8), id="x" * 300)]
    path = write_jsonl(tmp_path / "c.jsonl", convs, bad_lines=1)
    report = import_paths(store, path, batch_size=3, workers=2)
    assert (report.read, report.skipped, report.new, report.failed) == (8, 1, 7, 1)
    assert "longer than 255 characters" in report.problems[-1].message
    for conv in convs[:7]:
        stored, result = store.get_conversation(conv.id) or (None, None)
        assert stored is not None and result == analyse(stored)
    again = import_paths(store, path, batch_size=3, workers=2)
    assert (again.new, again.unchanged, again.failed) == (0, 7, 1)


def test_an_analysis_error_in_a_worker_is_a_problem_of_its_conversation(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 4)])
    report = import_paths(store, path, workers=2, tagger="no-such-tagger")
    assert (report.read, report.new, report.failed) == (3, 0, 3)
    assert all("could not be analysed" in p.message and "no-such-tagger" in p.message
               for p in report.problems)
    job = store.get_import_job(report.job_id)
    assert job is not None and job.status == "done" and job.problem_count == 3


def test_an_interrupted_import_says_what_happened_and_how_to_finish(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 6)])

    def interrupt(report):  # Ctrl-C after the first committed batch
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_paths(store, path, batch_size=2, on_progress=interrupt)
    job = store.list_import_jobs()[0]
    assert (job.status, job.new) == ("failed", 2)
    assert "interrupted" in (job.error or "") and "again" in (job.error or ""), job.error
    again = import_paths(store, path, batch_size=2)
    assert (again.new, again.unchanged) == (3, 2)


def test_a_database_error_fails_the_job_with_a_reference_not_its_sql(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from sqlalchemy.exc import IntegrityError

    def broken(*args, **kwargs):
        raise IntegrityError("INSERT INTO conversations (id, text) VALUES (?, ?)", ("c1", "Mari Maasikas"),
                             Exception("FOREIGN KEY constraint failed"))

    monkeypatch.setattr(Store, "save_results", broken)
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(1)])
    with caplog.at_level("ERROR"), pytest.raises(IntegrityError):
        import_paths(store, path)
    [job] = store.list_import_jobs()
    assert job.status == "failed" and (job.error or "").startswith("internal error (reference "), job.error
    for leak in ("INSERT", "FOREIGN KEY", "Maasikas", "IntegrityError"):
        assert leak not in (job.error or "")
    assert (job.error or "").split()[-1].rstrip(")") in caplog.text and "FOREIGN KEY" in caplog.text


def test_an_agent_spelt_otherwise_than_stored_is_the_stored_agent(store: Store, tmp_path: Path) -> None:
    """An e-mail's From name gives 'Kati' where the chat export stored 'kati': one agent, one row."""
    import_paths(store, [write_jsonl(tmp_path / "chats.jsonl", [conversation(1, agent="kati")])])
    notes: list[object] = []
    mail = write_jsonl(tmp_path / "mail.jsonl", [conversation(2, agent="Kati")])
    import_paths(store, [mail], on_note=notes.append)
    assert [a.id for a in store.agents()] == ["kati"]
    stored = [store.get_conversation(cid) for cid in ("c1", "c2")]
    assert [found[0].agent_id for found in stored if found] == ["kati", "kati"]
    assert any("agent 'Kati' read as 'kati'" in getattr(n, "message", "") for n in notes)
