"""Terminal views: the profile table's headings and labels."""

from __future__ import annotations

from dataclasses import replace

import pytest

from servio.evaluate import profiles
from servio.report.terminal import Painter, render_profiles
from tests.report.conftest import make_result


def test_team_table_is_headed_team_and_has_no_team_column(results) -> None:
    plain = Painter(False)
    for language, heading, agent_heading in (("en", "team", "agent"), ("et", "meeskond", "teenindaja")):
        table = render_profiles(profiles(results, by="team"), plain, language)
        head = table.splitlines()[0].split()
        assert head[0] == heading and agent_heading not in head and head.count(heading) == 1
        assert "\nNorth " in table and "[North]" not in table  # a team under the team heading, no brackets
        agents = render_profiles(profiles(results, by="agent"), plain, language).splitlines()[0].split()
        assert agents[:2] == [agent_heading, heading]


def test_unknown_agent_is_named_in_the_table_language(results) -> None:
    rows = [*results, replace(make_result("z1", "", "", "2026-09-02", {1: 50}), agent_id=None, team=None)]
    et = render_profiles(profiles(rows, by="agent"), Painter(False), "et")
    en = render_profiles(profiles(rows, by="agent"), Painter(False), "en")
    assert "teenindaja teadmata" in et and "(unknown)" not in et
    assert "unknown agent" in en
    teams = render_profiles(profiles(rows, by="team"), Painter(False), "et")
    assert "(unknown)" not in teams and "[–]" not in teams
    assert "\nmeeskond teadmata " in teams  # not a bare dash a team lead cannot read
    teams = render_profiles(profiles(rows, by="team"), Painter(False), "en")
    assert "\nno team " in teams


def test_a_stage_that_never_applies_shows_a_dash_not_zero() -> None:
    rows = [make_result(f"i{i}", "ines", "Info", "2026-09-02", {1: 80, 2: 60, 3: 40, 6: 70, 7: 90},
                        missing=(5,)) for i in range(2)]
    table = render_profiles(profiles(rows, by="agent"), Painter(False), "en")
    cells = table.splitlines()[1].split()
    assert cells[:4] == ["ines", "Info", "2", "68"]
    assert cells[4:11] == ["80", "60", "40", "–", "0", "70", "90"]
    assert cells[11] == "options"


def test_even_profile_has_no_weakest_stage_in_the_table() -> None:
    even = [make_result("e1", "eva", "Info", "2026-09-02", {s: 50.0 for s in range(1, 8)})]
    (p,) = profiles(even, by="agent", language="en")
    row = render_profiles([p], Painter(False), "en").splitlines()[1].split()
    assert p.summary.startswith("Even across the stages;")
    assert row[-1] == "–"  # not "attunement", which the sentence does not call weak


def test_a_long_team_name_keeps_the_columns_aligned() -> None:
    rows = [make_result("l1", "kati", "Tõrva klienditugi", "2026-09-02", {1: 80, 3: 40}),
            make_result("l2", "mart", "A", "2026-09-02", {1: 60, 3: 20})]
    lines = render_profiles(profiles(rows, by="agent"), Painter(False), "en").splitlines()
    head = lines[0]
    kati, mart = (next(line for line in lines if line.startswith(name)) for name in ("kati", "mart"))
    end = head.index("conv") + len("conv")
    assert "Tõrva klienditugi " in kati  # the name whole, with a space before the numbers
    assert kati[end - 1] == "1" and mart[end - 1] == "1"  # conversation counts under "conv"
    assert kati[end:end + 6].strip() == "60" and mart[end:end + 6].strip() == "40"  # overall, aligned


def test_scorecard_says_why_a_present_stage_scores_0() -> None:
    # "✓" beside a 0 read as a contradiction: the line marks it "!" and names the checks that failed
    from servio.report.terminal import render_scorecard
    from servio.results import CheckResult

    base = make_result("w1", "kati", "A", "2026-09-02", {1: 100, 5: 0, 6: 100})
    scores = tuple(replace(s, checks=(CheckResult("acceptance_sought", 5, False),)) if s.stage == 5 else s
                   for s in base.stage_scores)
    for lang, why in (("en", "present, but: no agreement sought"),
                      ("et", "olemas, kuid: kliendi nõusolekut ei küsitud")):
        card = render_scorecard(replace(base, stage_scores=scores, language=lang), Painter(False))
        lines = card.splitlines()
        five = next(line for line in lines if line.strip().startswith("5 "))
        assert five.split()[-len(why.split()) - 2:] == ["0", "!", *why.split()]
        assert "✓" not in five
        assert sum(why in line for line in lines) == 1  # only the stage at 0 gets it
        assert sum("!" in line for line in lines) == 1 and sum("✓" in line for line in lines) == 2


def test_a_long_reason_beside_a_bar_folds_under_itself() -> None:
    from servio.report.terminal import render_scorecard
    from servio.results import CheckResult

    base = make_result("w1", "kati", "A", "2026-09-02", {1: 100, 3: 0, 6: 100})
    checks = ("open_question_before_solution", "understanding_checked", "no_solution_first_turn")
    failed = tuple(CheckResult(c, 3, False) for c in checks)
    scores = tuple(replace(s, checks=failed) if s.stage == 3 else s for s in base.stage_scores)
    result = replace(base, stage_scores=scores, language="et")
    card = render_scorecard(result, Painter(False), 70).splitlines()
    three = next(i for i, line in enumerate(card) if line.strip().startswith("3 "))
    start = card[three].index("olemas, kuid:")
    after = []
    for line in card[three + 1:]:
        if line[:start].strip():
            break
        after.append(line)
    assert after and all(len(line) <= 70 for line in [card[three], *after])
    # the folded lines stand under the reason's start
    assert all(line[:start].strip() == "" and line[start] != " " for line in after)
    words = " ".join([card[three][start:], *(line.strip() for line in after)]).split()
    assert words[:2] == ["olemas,", "kuid:"] and words[-1] == "vastuses"


@pytest.mark.parametrize("width", [60, 100, 160])
def test_summaries_fold_to_the_width_under_their_row(results, width: int) -> None:  # type: ignore[no-untyped-def]
    """CLI audit 10: summary lines of about 200 characters wrapped raggedly to the terminal's left edge."""
    table = render_profiles(profiles(results, by="agent"), Painter(False), "en", width)
    summary = [line for line in table.splitlines()[1:] if line.startswith("    ")]
    assert summary and all(len(line) <= width for line in summary)
    # and the lines use the width: in each summary, every line but its last is filled to near it
    blocks: list[list[str]] = []
    for line in table.splitlines()[1:]:
        if line.startswith("    "):
            blocks[-1].append(line)
        else:
            blocks.append([])
    folded = [line for block in blocks for line in block[:-1]]
    longest = max(len(p.summary) + 4 for p in profiles(results, by="agent"))
    assert bool(folded) == (longest > width)  # a summary that fits stays one line
    assert all(len(line) > width - 25 for line in folded)
    words = " ".join(line.strip() for line in summary).split()
    assert words == " ".join(p.summary for p in profiles(results, by="agent") if p.summary).split()


def test_the_cli_fills_the_terminal_and_keeps_files_at_100_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import shutil
    import sys

    from servio import cli

    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    assert cli._text_width() == 100
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(100, 24): os.terminal_size((180, 50)))
    assert cli._text_width() == 180
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(100, 24): os.terminal_size((30, 50)))
    assert cli._text_width() == 60


@pytest.mark.parametrize("width", range(40, 70, 3))
def test_a_short_bracketed_group_is_not_split_across_lines(width: int) -> None:
    from servio.report.terminal import _wrapped

    text = ("Kõige sagedasem probleem: ei küsitud, mis on kliendile oluline, kuigi tal oli valik "
            "(6 vestlusest 2-s). Vaata [voor 12] ja [turn 3].")
    folded = _wrapped(text, width, "    ", "    ")
    assert "(6 vestlusest 2-s)" in folded and "[voor 12]" in folded and "[turn 3]" in folded
    assert "\u00a0" not in folded
    assert " ".join(folded.split()) == " ".join(text.split())  # nothing lost, only folded
    assert all(len(line) <= width for line in folded.splitlines())


def test_control_characters_from_the_data_are_shown_escaped_not_sent_to_the_terminal(results) -> None:
    """A chat line or an agent id holding ESC/BEL sequences would clear the screen, retitle the window
    or plant a hyperlink in an operator's terminal (security audit S1)."""
    from servio.report.terminal import shown

    assert shown("Hello \x1b[2J\x1b]0;TITLE\x07 \u202eevil\tok\n") == \
        "Hello \\x1b[2J\\x1b]0;TITLE\\x07 \\u202eevil\tok\n"
    rows = [replace(make_result("c\x1b]8;;http://x/\x07", "ag\x1b[31m", "T\x1b[41m", "2026-09-02", {1: 50}))]
    for by in ("agent", "team"):
        table = render_profiles(profiles(rows, by=by), Painter(False), "en")
        assert "\x1b" not in table and "\\x1b[41m" in table


def test_a_stage_left_out_of_one_conversation_says_so_not_blaming_the_contact_type() -> None:
    """Interest drops out where the customer opened with the need (docs/scorecard.md): in a support
    contact, whose contact type weighs interest, the scorecard says "in this conversation"."""
    from servio.evaluate import evaluate
    from servio.report.terminal import render_scorecard
    from tests.evaluate.build import A, C, convo

    tagged = convo((C, {1, 3}, "Tere, mu koduinternet ei tööta alates eilsest õhtust."),
                   (A, {1, 3}, "Tere, mina olen Jaan. Millal te ruuteri viimati taaskäivitasite?"),
                   (C, {3}, "Täna hommikul."), (A, {6}, "Saatsin tehniku, ta tuleb homme kell 10."))
    lines = render_scorecard(evaluate(tagged, contact_type="support"), Painter(False)).splitlines()
    interest = next(line for line in lines if line.strip().startswith("2 "))
    assert interest.split(maxsplit=2)[2] == "selles vestluses ei hinnata"
