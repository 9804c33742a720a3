"""The command line end to end, on fixtures written here and on the bundled examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servio.cli import main

GOLD = [
    {
        "id": "cli-et-1",
        "language": "et",
        "channel": "chat",
        "agent_id": "kati",
        "team": "Tallinn",
        "turns": [
            {"speaker": "agent", "text": "Tere! Mina olen Kati. Kuidas saan teid aidata?", "stages": [1, 2]},
            {
                "speaker": "customer",
                "text": "tere, mu internet ei tööta juba eilsest saati",
                "stages": [1, 3],
            },
            {
                "speaker": "agent",
                "text": "Palun öelge oma kliendinumber, et saaksin asja uurida.",
                "stages": [3],
            },
            {"speaker": "customer", "text": "123456", "stages": [3]},
            {
                "speaker": "agent",
                "text": "Taaskäivitasin teie ruuteri kaugelt. Kas nüüd töötab?",
                "stages": [6],
            },
            {"speaker": "customer", "text": "jah töötab, aitäh!", "stages": [6, 7]},
            {"speaker": "agent", "text": "Rõõm aidata! Ilusat päeva ja head aega!", "stages": [7]},
        ],
    },
    {
        "id": "cli-en-1",
        "language": "en",
        "channel": "chat",
        "agent_id": "tom",
        "team": "Online",
        "turns": [
            {
                "speaker": "customer",
                "text": "My parcel has not arrived and it is a week late.",
                "stages": [3],
            },
            {
                "speaker": "agent",
                "text": "Sorry to hear that. Please send us your order number.",
                "stages": [1, 3],
            },
            {"speaker": "customer", "text": "It is 55-1234", "stages": [3]},
            {
                "speaker": "agent",
                "text": "I've sent a replacement, it arrives on Friday. Does that work for you?",
                "stages": [6],
            },
            {"speaker": "customer", "text": "Yes, thanks a lot, bye!", "stages": [6, 7]},
        ],
    },
]


@pytest.fixture()
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in GOLD), "utf-8")
    return path


def test_tag_writes_the_annotation_format_ignoring_input_stages(gold_file: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.jsonl"
    rows = [json.loads(line) for line in gold_file.read_text("utf-8").splitlines()]
    for row in rows:
        for turn in row["turns"]:
            turn["stages"] = [4]  # a tagger that copied input stages would output these
    wrong.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(wrong), "-o", str(out), "--no-progress"]) == 0
    written = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [w["id"] for w in written] == ["cli-et-1", "cli-en-1"]
    assert [w["language"] for w in written] == ["et", "en"]
    for w, g in zip(written, GOLD, strict=True):
        assert [t["text"] for t in w["turns"]] == [t["text"] for t in g["turns"]]
        assert all(t["stages"] == sorted(set(t["stages"])) for t in w["turns"])
        assert any(t["stages"] != [4] for t in w["turns"])
    assert written[0]["turns"][0]["stages"] == [1, 2]
    assert 7 in written[0]["turns"][-1]["stages"]


def test_tag_ignores_input_stages_it_could_not_read(gold_file: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """servio tag ignores the input's stages, so a malformed label loses no conversation there;
    servio eval, which scores against them, still reports it."""
    rows = [json.loads(line) for line in gold_file.read_text("utf-8").splitlines()]
    rows[0]["turns"][0]["stages"] = [0]
    rows[1]["turns"][1]["stages"] = ["3"]
    odd = tmp_path / "odd.jsonl"
    odd.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(odd), "-o", str(out), "--no-progress"]) == 0
    written = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [w["id"] for w in written] == ["cli-et-1", "cli-en-1"]
    assert written[0]["turns"][0]["stages"] == [1, 2]
    capsys.readouterr()
    assert main(["eval", str(odd), "--no-progress"]) == 2  # both conversations skipped: nothing to score
    err = capsys.readouterr().err
    assert "odd.jsonl:1: turn 1: stages [0] are not stage numbers 1..7" in err
    assert """odd.jsonl:2: turn 2: stages ["3"] are not stage numbers 1..7""" in err


def test_tag_keeps_extra_keys_where_they_were(tmp_path: Path) -> None:
    """Keys servio does not know stay in the output: a turn's on that turn, a conversation's on it."""
    row = json.loads(json.dumps(GOLD[1]))
    row["source"] = "crm-export"
    row["turns"][0]["mood"] = "angry"
    row["turns"][2]["note"] = {"checked": True}
    src = tmp_path / "extra.jsonl"
    src.write_text(json.dumps(row) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(src), "-o", str(out), "--no-progress"]) == 0
    written = json.loads(out.read_text("utf-8"))
    assert written["source"] == "crm-export" and "turn_extra" not in written
    assert written["turns"][0]["mood"] == "angry" and written["turns"][2]["note"] == {"checked": True}
    assert all("mood" not in t and "note" not in t for i, t in enumerate(written["turns"]) if i not in (0, 2))
    assert [t["text"] for t in written["turns"]] == [t["text"] for t in row["turns"]]


def test_eval_json_reports_per_stage_and_micro(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(gold_file), "--json", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"et", "en", "all"}
    assert report["et"]["turns"] == 7 and report["en"]["turns"] == 5
    assert report["all"]["micro"]["f1"] > 0.6
    assert [s["stage"] for s in report["all"]["stages"]] == [1, 2, 3, 4, 5, 6, 7]


def test_eval_says_when_the_learned_model_was_trained_on_the_gold(gold_file: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from servio.examples import example_gold_path

    assert main(["eval", str(gold_file), "--no-progress"]) == 0
    assert "in-sample" not in capsys.readouterr().err  # conversations written for this test only
    assert main(["eval", str(example_gold_path()), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "24 of 24 conversations were in the learned model's training data" in err
    assert main(["eval", str(example_gold_path()), "--no-progress", "--tagger", "rules"]) == 0
    assert "in-sample" not in capsys.readouterr().err  # the rule tagger is not trained


def test_analyze_json_scores_every_stage(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(gold_file), "--json", "--no-progress"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["conversation_id"] for r in results] == ["cli-et-1", "cli-en-1"]
    for r in results:
        assert [s["stage"] for s in r["stage_scores"]] == [1, 2, 3, 4, 5, 6, 7]
        assert 0 <= r["overall"] <= 100
    et_texts = " ".join(f["text"] for f in results[0]["feedback"])
    en_texts = " ".join(f["text"] for f in results[1]["feedback"])
    assert et_texts and en_texts and et_texts != en_texts


def test_analyze_text_shows_timeline_and_scorecard(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(gold_file), "--color", "never", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "cli-et-1" in out and "Hindamiskaart" in out and "Scorecard" in out
    assert "\x1b[" not in out
    assert "[1] [2]" in out


def test_analyze_shows_control_characters_of_the_data_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conv = {"id": "esc-\x1b]0;TITLE\x07", "language": "en", "agent_id": "ag\x1b[31m", "team": "T\x07",
            "turns": [{"speaker": "agent", "text": "Hello \x1b[2J there, how can I help?"},
                      {"speaker": "customer", "text": "my \x1b]8;;http://evil/\x07link\x1b]8;;\x07 broke"}]}
    path = tmp_path / "esc.jsonl"
    path.write_text(json.dumps(conv) + "\n", encoding="utf-8")
    assert main(["analyze", str(path), "--color", "never", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "esc-\\x1b]0;TITLE\\x07" in out and "Hello \\x1b[2J there" in out


def test_analyze_text_is_the_same_without_evidence_and_json_keeps_it(
    gold_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal view never shows evidence, so it is tagged without (faster); --json keeps it."""
    import servio.jobs

    assert main(["analyze", str(gold_file), "--color", "never", "--no-progress"]) == 0
    quick = capsys.readouterr().out
    real = servio.jobs.score
    monkeypatch.setattr(servio.jobs, "score", lambda convs, opts, evidence=True: real(convs, opts))
    assert main(["analyze", str(gold_file), "--color", "never", "--no-progress"]) == 0
    assert capsys.readouterr().out == quick
    monkeypatch.undo()
    assert main(["analyze", str(gold_file), "--json", "--no-progress"]) == 0
    tags = [t for line in capsys.readouterr().out.splitlines() for turn in json.loads(line)["turns"]
            for t in turn["tags"]]
    assert tags and all(t["evidence"] for t in tags)


def test_analyze_text_counts_turns_from_one_and_json_indexes_from_zero(
    gold_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(gold_file), "--json", "--no-progress"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["analyze", str(gold_file), "--color", "never", "--no-progress"]) == 0
    text = capsys.readouterr().out
    for r, word, first in zip(results, ("repliik", "turn"), ("teenindaja", "customer"), strict=True):
        assert r["turns"][0]["index"] == 0
        block = text[text.index(f"═══ {r['conversation_id']}"):]
        assert block.splitlines()[1].split()[:2] == ["1", first]
        pointed = [f["turn"] for f in r["feedback"] if f["turn"] is not None]
        assert pointed, r["feedback"]
        for turn in pointed:  # the JSON index, shown one higher
            assert f"[{word} {turn + 1}]" in block.split("═══")[1]


def test_bad_records_are_reported_and_the_rest_is_read(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mixed = tmp_path / "mixed.jsonl"
    good = gold_file.read_text("utf-8").splitlines()
    mixed.write_text(good[0] + '\n{"id": "broken", "turns": [\n' + good[1] + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(mixed), "-o", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "mixed.jsonl:2" in err
    assert len(out.read_text("utf-8").splitlines()) == 2
    assert main(["tag", str(mixed), "-o", str(out), "--strict", "--no-progress"]) == 2


def test_agents_profiles_name_weakest_stage(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents", str(gold_file), "--json", "--no-progress"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in data["agent"]} == {"kati", "tom"}
    assert {p["id"] for p in data["team"]} == {"Tallinn", "Online"}
    assert all(p["summary"] for p in data["agent"])


def test_examples_run_and_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents", "--examples", "--no-progress", "--color", "never"]) == 0
    assert "kati" in capsys.readouterr().out
    help_text = subprocess.run(
        [sys.executable, "-m", "servio.cli", "--help"], capture_output=True, text=True
    ).stdout
    assert "examples:" in help_text and "servio analyze --examples" in help_text


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(tmp_path / "nope.jsonl"), "--no-progress"]) == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_unknown_tagger_is_a_usage_error(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(gold_file), "--tagger", "nosuch", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "unknown tagger 'nosuch'" in err and "rules" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["tag", "report"])
def test_output_in_a_missing_folder_is_a_clear_error_before_any_work(
    command: str, gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "out.file"
    assert main([command, str(gold_file), "-o", str(out), "--tagger", "rules", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{out.parent}: no such folder" in err
    assert "conversations read" not in err  # refused before reading, not after tagging everything


def test_tag_output_that_is_a_folder_is_a_clear_error(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out.jsonl"
    folder.mkdir()
    assert main(["tag", str(gold_file), "-o", str(folder), "--tagger", "rules", "--no-progress"]) == 2
    assert f"{folder}: is a folder" in capsys.readouterr().err
    assert list(tmp_path.glob("*.part")) == []


def test_tag_output_that_cannot_be_created_is_a_clear_error(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the checks before reading cannot see (a read-only file system, a quota, /proc) is still one
    line naming the file, not a traceback."""
    from servio import files

    out = tmp_path / "out.jsonl"

    def refused(out: Path) -> object:  # creating the .part file beside the output
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(files, "_open_part", refused)
    assert main(["tag", str(gold_file), "-o", str(out), "--tagger", "rules", "--no-progress"]) == 2
    assert f"servio: error: {out}: cannot write: Permission denied" in capsys.readouterr().err
    assert list(tmp_path.glob("out.jsonl*")) == []


def test_tag_on_a_full_disk_leaves_the_earlier_output_whole(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import io

    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n", "utf-8")

    class Full(io.StringIO):
        def close(self) -> None:  # the buffered bytes reach the disk on close: that is where it fails
            raise OSError(errno.ENOSPC, "No space left on device")

    from servio import files

    monkeypatch.setattr(files, "_open_part", lambda out: (out.with_name("out.jsonl.x.part"), Full()))
    assert main(["tag", str(gold_file), "-o", str(out), "--tagger", "rules", "--no-progress"]) == 2
    assert f"{out}: cannot write: No space left on device" in capsys.readouterr().err
    assert out.read_text("utf-8") == "earlier\n"


def test_output_is_never_written_through_a_link_beside_it(gold_file: Path, tmp_path: Path) -> None:
    # security audit S9: a fixed <name>.part was opened through a symlink another user left in a shared
    # folder, overwriting the file it pointed to, and the output became a link to that file
    import os
    import stat

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", "utf-8")
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.part").symlink_to(victim)
    assert main(["tag", str(gold_file), "-o", str(out), "--tagger", "rules", "--no-progress"]) == 0
    assert victim.read_text("utf-8") == "precious\n"
    assert not out.is_symlink() and out.read_text("utf-8").strip()
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask  # as open() makes a file, not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.glob("out.jsonl*")) == ["out.jsonl", "out.jsonl.part"]


def test_tag_strict_leaves_no_part_file(gold_file: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(gold_file.read_text("utf-8") + "{broken\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(mixed), "-o", str(out), "--strict", "--tagger", "rules", "--no-progress"]) == 2
    assert not out.exists() and list(tmp_path.glob("out.jsonl*.part")) == []


def test_report_bad_date_is_a_usage_error(gold_file: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    with pytest.raises(SystemExit) as stop:  # argparse's usage error, before anything is read
        main(["report", str(gold_file), "--from", "2026-13-01", "-o", str(out), "--no-progress"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--from" in err and "2026-13-01" in err and "Traceback" not in err
    assert not out.exists()


def test_usage_errors_exit_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--no-progress"]) == 2
    assert "give at least one PATH or --examples" in capsys.readouterr().err
    assert main(["agents", "--examples", "--column", "text", "--no-progress"]) == 2
    assert "--column expects FIELD=NAME" in capsys.readouterr().err


def test_report_to_stdout(gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(gold_file), "-o", "-", "--tagger", "rules", "--no-progress"]) == 0
    assert capsys.readouterr().out.lstrip().lower().startswith("<!doctype html")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", ["import", "report"])
def test_database_that_cannot_be_opened_is_a_clear_error(
    command: str, gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"
    # a report reads the database instead of files (files beside --database are a usage error, D11)
    given = [str(gold_file), "--tagger", "rules"] if command == "import" else []  # a report reads no files
    args = [command, *given, "--database", url, "--no-progress"]
    args += ["-o", str(tmp_path / "r.html")] if command == "report" else []
    assert main(args) == 2
    err = capsys.readouterr().err
    if command == "import":
        assert f"servio: error: cannot use the database {url}: unable to open database file" in err
    else:  # nothing to read: the file is not made (D21)
        assert f"servio: error: {url}: no such database file" in err
    assert main([command, *given, "--database", "nonsense://x", *args[len(given) + 3:]]) == 2
    assert "unsupported database 'nonsense'" in capsys.readouterr().err


def test_eval_of_unlabelled_conversations_is_an_error_not_an_empty_table(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain.jsonl"
    rows = [json.loads(line) for line in gold_file.read_text("utf-8").splitlines()]
    for row in rows:
        for turn in row["turns"]:
            turn.pop("stages", None)
    plain.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert main(["eval", str(plain), "--json", "--tagger", "rules", "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no empty JSON or table for a script to mistake for a result
    assert "servio: error: no conversation to evaluate: servio eval needs gold 'stages'" in captured.err
    assert f"0 conversations read, {len(rows)} skipped" in captured.err


def test_eval_names_the_file_and_line_of_a_conversation_without_gold(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unlabelled = json.loads(json.dumps(GOLD[1]))
    unlabelled["id"] = "no-gold"
    del unlabelled["turns"][2]["stages"]
    lines = gold_file.read_text("utf-8").splitlines()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([lines[0], json.dumps(unlabelled), lines[1]]) + "\n", "utf-8")
    assert main(["eval", str(mixed), "--json", "--tagger", "rules", "--no-progress"]) == 1
    captured = capsys.readouterr()
    assert f"servio: skipped: {mixed}:2: some turns have no gold 'stages'" in captured.err
    assert "2 conversations read, 1 skipped" in captured.err
    assert json.loads(captured.out)["all"]["turns"] == 12
    assert main(["eval", str(mixed), "--strict", "--tagger", "rules", "--no-progress"]) == 2
    assert f"servio: error: {mixed}:2: some turns have no gold 'stages'" in capsys.readouterr().err


def test_speaker_names_can_be_mapped_from_the_command_line(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """An export naming agents in the speaker column is readable without Python."""
    export = tmp_path / "export.csv"
    export.write_text("vestlus;rääkija;tekst\n1;Klient;Tere, mu arve on vale\n"
                      "1;Kati;Tere! Mina olen Kati. Mis summa arvel on?\n", "utf-8")
    assert main(["tag", str(export), "-o", "-", "--tagger", "rules", "--no-progress"]) == 1
    assert "--speaker Kati=agent" in capsys.readouterr().err  # the hint a CLI user can follow
    args = ["tag", str(export), "-o", "-", "--tagger", "rules", "--no-progress", "--speaker", "Kati=agent"]
    assert main(args) == 0
    turns = json.loads(capsys.readouterr().out)["turns"]
    assert [t["speaker"] for t in turns] == ["customer", "agent"]
    assert main([*args, "--speaker", "Mari=boss"]) == 2
    assert "must be agent, customer or system" in capsys.readouterr().err


@pytest.mark.parametrize(("env", "config", "expected"), [
    ({"SERVIO_MODE": "production"}, None, "default secret key"),
    ({"SERVIO_MODE": "bogus"}, None, "bad setting: mode"),
    ({}, 'mode = "bogus"\n', "servio.toml: bad setting: mode"),
    ({}, "port = \n", "Invalid value"),
    ({}, "missing", "does not exist"),
])
def test_serve_with_bad_settings_says_so_without_a_traceback(
        env: dict[str, str], config: str | None, expected: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import servio.service

    def no_server(*args: object) -> None:
        raise AssertionError("the server must not start with bad settings")

    monkeypatch.setattr(servio.service, "run", no_server)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    argv = ["serve", "--port", "18999"]
    if config is not None:
        path = tmp_path / "servio.toml"
        if config != "missing":
            path.write_text(config, "utf-8")
        argv += ["--config", str(path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("servio: error: ") and expected in err and "Traceback" not in err


def test_tag_into_a_named_pipe_writes_through_it_and_leaves_it_a_pipe(gold_file: Path,
                                                                    tmp_path: Path) -> None:
    """`-o /dev/null` or a pipe is written in place: replacing it with a regular file (the whole-file
    rename) would, run as root, turn /dev/null into a file."""
    import os
    import stat
    import threading

    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text("utf-8")), daemon=True)
    reader.start()
    assert main(["tag", str(gold_file), "-o", str(pipe), "--tagger", "rules", "--no-progress"]) == 0
    reader.join(timeout=60)
    assert stat.S_ISFIFO(pipe.stat().st_mode) and list(tmp_path.glob("pipe.jsonl*.part")) == []
    assert received and len(received[0].splitlines()) == len(gold_file.read_text("utf-8").splitlines())


class _Piped:
    """Standard input with bytes piped in (not a terminal)."""

    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


def test_dash_reads_conversations_from_standard_input(gold_file: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    good = gold_file.read_bytes()
    lines = len(good.splitlines())
    monkeypatch.setattr(sys, "stdin", _Piped(good + b"{broken\n"))
    out = tmp_path / "out.jsonl"
    assert main(["tag", "-", "-o", str(out), "--tagger", "rules", "--no-progress"]) == 1  # one skipped
    err = capsys.readouterr().err
    assert f"servio: skipped: <stdin>:{lines + 1}: invalid JSON" in err  # named as given, not a temp path
    assert len(out.read_text("utf-8").splitlines()) == lines


def test_dash_without_piped_input_or_twice_is_a_usage_error(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    class Terminal(_Piped):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(b""))
    assert main(["analyze", "-", "--no-progress"]) == 2  # refused instead of waiting for typed input
    assert "nothing is piped in" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", _Piped(b""))
    assert main(["analyze", "-", "-", "--no-progress"]) == 2
    assert "'-' (standard input) can be given once" in capsys.readouterr().err
