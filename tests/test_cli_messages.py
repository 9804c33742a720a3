"""What the command line tells a QA lead: counts in the right number, remedies named by the options they
typed, help with examples (audit of the CLI, findings 6-9, 11-12)."""

from __future__ import annotations

import argparse
import io
import json
import re
import shlex
import sys
from pathlib import Path

import pytest

from servio.cli import build_parser, counted, main, shown

ONE = {"id": "m-1", "language": "et", "agent_id": "kati", "team": "Tallinn", "turns": [
    {"speaker": "agent", "text": "Tere! Kuidas saan aidata?", "stages": [1, 2]},
    {"speaker": "customer", "text": "Mu internet ei tööta.", "stages": [3]},
]}


@pytest.fixture()
def one_file(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(ONE, ensure_ascii=False) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(("n", "shown"), [(0, "0 conversations"), (1, "1 conversation"),
                                          (2, "2 conversations")])
def test_counts_take_the_plural_unless_one(n: int, shown: str) -> None:
    assert counted(n, "conversation") == shown


def test_tag_says_it_wrote_one_conversation_in_the_singular(one_file: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["tag", str(one_file), "-o", str(out), "--tagger", "rules", "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert f"servio: wrote 1 conversation to {out}\n" in err
    assert "servio: 1 conversation read, 0 skipped" in err


def test_import_counts_one_redacted_value_in_the_singular(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mail.jsonl"
    conv = {**ONE, "turns": [*ONE["turns"], {"speaker": "customer", "text": "Kirjutage mari@example.com"}]}
    path.write_text(json.dumps(conv, ensure_ascii=False) + "\n", "utf-8")
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(path), "--database", url, "--tagger", "rules", "--no-progress"]) == 0
    assert "redacted 1 value into" in capsys.readouterr().err


class _Terminal(io.StringIO):
    """Standard error as a terminal: servio draws its progress on it."""

    def isatty(self) -> bool:
        return True


def _screen(written: str) -> list[str]:
    """The lines a terminal shows for ``written``: ``\\r`` returns to the line's start, ``ESC[K`` erases
    to its end, a later character overwrites an earlier one."""
    lines: list[list[str]] = [[]]
    col = 0
    text = re.sub(r"\x1b\[\?25[lh]", "", written)
    i = 0
    while i < len(text):
        if text.startswith("\x1b[K", i):
            del lines[-1][col:]
            i += 3
            continue
        ch = text[i]
        i += 1
        if ch == "\r":
            col = 0
        elif ch == "\n":
            lines.append([])
            col = 0
        else:
            row = lines[-1]
            row[col:col + 1] = [ch]
            col += 1
    return ["".join(row).rstrip() for row in lines]


def _mixed(tmp_path: Path) -> Path:
    """Forty good conversations with a bad line among them, read while the bar is drawn."""
    rows = [json.dumps({**ONE, "id": f"m-{i}"}, ensure_ascii=False) for i in range(40)]
    rows[20] = '{"id": "bad", "turns": [{"speaker": "agnet", "text": "Tere"}]}'
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def test_a_problem_line_on_a_terminal_is_not_glued_to_the_progress_bar(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["tag", str(_mixed(tmp_path)), "-o", str(tmp_path / "out.jsonl"), "--tagger", "rules"]) == 1
    written = terminal.getvalue()
    assert "conv" in written  # the bar was drawn
    lines = _screen(written)
    assert any(line.startswith("servio: skipped: ") for line in lines), lines
    assert not any("servio:" in line and not line.startswith("servio:") for line in lines), lines


def test_a_problem_line_during_an_import_is_not_glued_to_its_counts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(_mixed(tmp_path)), "--database", url, "--tagger", "rules",
                 "--batch-size", "5"]) == 1
    lines = _screen(terminal.getvalue())
    assert any(line.startswith("servio: skipped: ") for line in lines), lines
    assert any(line.startswith("servio: import job 1: ") for line in lines), lines
    assert not any("servio:" in line[1:] for line in lines), lines


def test_remedies_name_the_options_of_the_command_line_only(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kone.txt").write_text("Teenindaja: Tere!\nMari Maasikas: tere\nKlient: aitäh\n", "utf-8")
    (folder / "inimesed.csv").write_text("nimi,vanus\nMari,40\n", "utf-8")
    (folder / "README.md").write_text("# Vestlused\n\nSiin on oktoobri vestlused.\n", "utf-8")
    assert main(["analyze", str(folder), "--tagger", "rules", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "--speaker 'Mari Maasikas=agent'" in err and "--column text=NAME" in err
    # a README beside the data is no conversation file: --format would force a format on every file
    assert "README.md: not a conversation file" in err and "--format" not in err
    assert main(["analyze", str(folder / "README.md"), "--tagger", "rules", "--no-progress"]) == 1
    named = capsys.readouterr().err  # named on its own, it is a problem with the command line's way out
    assert "--format NAME" in named
    for other in ("ReaderOptions", "Python", "dashboard"):
        assert other not in err and other not in named


def test_the_record_size_limit_names_no_python_option() -> None:
    from servio.ingest.remedies import remedy

    message = (f"x.jsonl:1: line is 20,000,066 bytes, over the limit of 16,777,216{remedy('record_size')}; "
               "line skipped")
    assert shown(message) == "x.jsonl:1: line is 20,000,066 bytes, over the limit of 16,777,216; line skipped"


def test_a_bad_speaker_role_is_named_as_typed(one_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(one_file), "--speaker", "kati=boss", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "servio: error: --speaker kati=boss: the role must be agent, customer or system" in err
    assert "speaker_values" not in err and "reader option" not in err


def _help(command: str) -> str:
    """``servio COMMAND --help`` as printed."""
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return str(sub.choices[command].format_help())


def test_tag_help_names_the_output_format_not_a_developer_folder() -> None:
    text = _help("tag")
    assert "shared/data" not in text
    assert "JSON Lines" in text and "docs/formats.md" in text


def test_eval_without_gold_says_what_gold_labels_look_like(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kone.txt"
    path.write_text("Teenindaja: Tere!\nKlient: tere\n", "utf-8")
    assert main(["eval", str(path), "--tagger", "rules", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "shared/data" not in err
    assert '"stages": [1]' in err and "docs/formats.md" in err


MAIN_COMMANDS = ["analyze", "agents", "tag", "eval", "report", "import", "serve", "delete", "train",
                 "database"]


def _examples(command: str) -> list[str]:
    """The command lines of ``servio COMMAND --help``'s examples, without pipes, redirections and notes."""
    text = _help(command)
    assert "\nexamples:\n" in text, f"servio {command} --help shows no examples"
    lines = text.split("\nexamples:\n", 1)[1].splitlines()
    found = []
    for line in lines:
        if not line.startswith("  "):
            break
        start = line.index("servio ")  # "cat x | servio tag - ..." starts at servio
        command_line = re.split(r"\s{2,}| > | \| ", line[start:])[0]
        found.append(command_line)
    return found


@pytest.mark.parametrize("command", MAIN_COMMANDS)
def test_every_command_help_shows_examples_that_parse(command: str) -> None:
    examples = _examples(command)
    assert len(examples) >= 2
    assert any(line.startswith(f"servio {command} ") for line in examples)
    for line in examples:
        args = build_parser().parse_args(shlex.split(line)[1:])  # a typo in an example exits here
        assert args.command


def test_formats_help_has_a_description_and_examples_that_parse() -> None:
    """Docs audit D18: cli.md says every COMMAND --help ends with examples; formats' had none."""
    assert "file extensions" in _help("formats")
    examples = _examples("formats")
    assert examples[0] == "servio formats" and len(examples) >= 2
    for line in examples:
        assert build_parser().parse_args(shlex.split(line)[1:]).command


def test_help_states_the_defaults_of_the_language_options() -> None:
    report = " ".join(_help("report").split())
    assert "--report-lang {et,en} language of the report (default: the language of most" in report
    agents = " ".join(_help("agents").split())
    assert "(default: the language of most conversations" in agents
    assert "(default: auto" in agents
    assert "(default: detect per conversation and turn)" in " ".join(_help("analyze").split())  # as cli.md


def test_a_remedy_fits_the_options_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a lone customer e-mail imported with --agent-domain was told to give --agent-domain (audit 18 m4)
    mail = tmp_path / "lone.eml"
    mail.write_text("From: Liis Tamm <liis@example.org>\nTo: help@shop.ee\nSubject: Arve\n"
                    "Message-ID: <m1@example.org>\nContent-Type: text/plain; charset=utf-8\n\n"
                    "Tere, mu arve on vale.\n", encoding="utf-8")
    assert main(["analyze", str(mail), "--no-progress", "--agent-domain", "shop.ee"]) == 1
    given = capsys.readouterr().err
    assert "no message in it is from the --agent-domain given" in given
    assert "name the agents' e-mail domain with --agent-domain" not in given
    assert main(["analyze", str(mail), "--no-progress"]) == 1  # the next command starts without it
    assert "name the agents' e-mail domain with --agent-domain" in capsys.readouterr().err
    assert main(["analyze", str(mail), "--no-progress", "--strict", "--agent-domain", "shop.ee"]) == 2
    assert "no message in it is from the --agent-domain given" in capsys.readouterr().err  # strict: the error


def test_a_big_csv_import_says_it_checks_the_file_first_and_its_rate_counts_from_storing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal: a line before the silent checking of a big CSV's rows, and a rate of storing counted
    from the first stored batch (counted from the start, a 42 s read made 300/s look like 5/s;
    audit 19c, m3)."""
    from servio import cli_service

    monkeypatch.setattr(cli_service, "CSV_READ_NOTICE_BYTES", 1000)  # this file is small; real ones are not
    rows = ["id;speaker;text"] + [f"k{i};{who};{text}" for i in range(60) for who, text in
                                  (("agent", "Tere! Kuidas saan aidata?"), ("customer", "Arve on vale."),
                                   ("agent", "Parandasin arve ära. Head aega!"))]
    path = tmp_path / "eksport.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    ticks = iter(float(t) for t in [0, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50])
    clock = type("Clock", (), {"monotonic": staticmethod(lambda: next(ticks))})
    monkeypatch.setattr(cli_service, "time", clock)  # the command's clock only, not the time module's
    err = _Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["import", str(path), "--database", url, "--tagger", "rules", "--batch-size", "20"]) == 0
    shown = _screen(err.getvalue())
    assert shown[0].startswith("servio: checking every row of eksport.csv (0 MB) before storing its first")
    counts = err.getvalue().split("\r")[1:]
    assert counts[0].startswith("servio: 20 read") and "/s" not in counts[0]  # one batch: no rate yet
    assert "(20/s, 41 s)" in counts[1]  # 20 more in the second after the first batch, not 40 in 41 s
