"""``servio import`` run by hand or by a service manager: SIGTERM stops it as Ctrl-C does (the job says
how far it got, the exit status says it was terminated); its closing line says how long it took."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

import servio.store.store as store_module
from servio.cli import EXIT_TERMINATED, main
from servio.cli_service import _clock
from servio.store import Store
from servio.store.importer import INTERRUPTED


def test_sigterm_stops_an_import_and_its_job_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    save = store_module.Store.save_results
    batches: list[int] = []

    def save_then_terminate(self: Any, *args: Any, **kw: Any) -> Any:
        out = save(self, *args, **kw)
        batches.append(1)
        if len(batches) == 1:  # after the first batch is stored, as `kill PID` would arrive
            os.kill(os.getpid(), signal.SIGTERM)
        return out

    monkeypatch.setattr(store_module.Store, "save_results", save_then_terminate)
    before = signal.getsignal(signal.SIGTERM)
    code = main(["import", "--examples", "--database", url, "--batch-size", "5", "--tagger", "rules",
                 "--no-progress"])
    assert code == EXIT_TERMINATED
    assert "servio: terminated" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) == before  # the command's handler is gone again
    (job,) = Store(url).list_import_jobs()
    assert job.status == "failed" and job.error == INTERRUPTED
    assert len(batches) == 1 and 0 < job.new <= 5  # the first batch is kept; nothing after it ran


def test_a_finished_import_says_how_long_it_took(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", "--examples", "--database", url, "--tagger", "rules", "--no-progress"]) == 0
    assert " s\n" in capsys.readouterr().err.split("import job 1:", 1)[1]


@pytest.mark.parametrize(("seconds", "shown"), [
    (0.4, "0 s"), (59.9, "59 s"), (65, "1 min 05 s"), (3599, "59 min 59 s"), (3720, "1 h 02 min"),
])
def test_durations_read_as_people_say_them(seconds: float, shown: str) -> None:
    assert _clock(seconds) == shown


def test_import_scores_with_the_scorecard_given_or_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    card = tmp_path / "card.toml"
    card.write_text('name = "Oma"\nextends = "default"\n[weights.support]\nvalues = 0\n', "utf-8")
    url = f"sqlite:///{tmp_path / 's.db'}"
    args = ["import", "--examples", "--database", url, "--tagger", "rules", "--no-progress"]
    assert main([*args, "--scorecard", str(card)]) == 0
    assert f"scoring with the scorecard 'Oma' ({card})" in capsys.readouterr().err
    monkeypatch.setenv("SERVIO_SCORECARD", str(card))
    assert main(args) == 0  # the same scorecard, from the environment: nothing to score again
    assert " 0 updated," in capsys.readouterr().err
    monkeypatch.delenv("SERVIO_SCORECARD")
    assert main(args) == 0  # the default scorecard again: every conversation is scored again
    assert " 0 unchanged," in capsys.readouterr().err
    jobs = Store(url).list_import_jobs()
    assert [("scorecard" in j.options) for j in jobs] == [False, True, True]  # newest first


def test_the_summary_counts_the_conversations_that_lost_records(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # c1 loses its second row (an unknown speaker), c2 is read whole: one incomplete of two
    rows = tmp_path / "rows.csv"
    rows.write_text("id;speaker;text\nc1;agent;Tere! Kuidas saan aidata?\nc1;Tundmatu;Arve on vale.\n"
                    "c1;agent;Vaatan kohe, aitäh ootamast!\nc2;agent;Tere! Kuidas saan aidata?\n"
                    "c2;customer;Arve on vale.\nc2;agent;Vaatan kohe, aitäh ootamast!\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["import", str(rows), "--database", url, "--tagger", "rules"]) == 1  # a row was skipped
    summary = capsys.readouterr().err.splitlines()[-1]
    assert "2 read (1 of them incomplete: some of their records could not be read" in summary
    # read whole with the speaker mapped: c1 is updated, and nothing is incomplete any more
    assert main(["import", str(rows), "--database", url, "--tagger", "rules", "--speaker",
                 "Tundmatu=customer"]) == 0
    again = capsys.readouterr().err.splitlines()[-1]
    assert "2 read, 0 new, 1 updated, 1 unchanged" in again and "incomplete" not in again
