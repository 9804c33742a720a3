"""A report compared with an earlier period: the statistics, the section, the CLI."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from servio.cli import main
from servio.report.compare import Change, change, compare, t95
from servio.report.html import build_report
from tests.report.conftest import make_result

# ------------------------------------------------------------------ statistics


def test_welch_interval_of_a_worked_example() -> None:
    # means 60 and 90, variances 100 each: se = sqrt(100/3 + 100/3) = 8.165, Welch df = 4, t = 2.776
    c = change([50, 60, 70], [80, 90, 100])
    assert (c.before, c.after, c.change, c.n_before, c.n_after) == (60, 90, 30, 3, 3)
    assert c.low == pytest.approx(30 - 2.776 * 8.16497, abs=1e-3)
    assert c.high == pytest.approx(30 + 2.776 * 8.16497, abs=1e-3)
    assert c.verdict == "up"


def test_unequal_variances_use_the_welch_satterthwaite_degrees_of_freedom() -> None:
    before, after = [10.0, 90.0, 50.0, 30.0], [60.0, 62.0, 61.0]
    c = change(before, after)
    vb, va = 3500 / 3 / 4, 1.0 / 3  # sample variances 3500/3 and 1, over n
    df = (vb + va) ** 2 / (vb**2 / 3 + va**2 / 2)  # about 3.0: the noisy side decides
    margin = t95(df) * (vb + va) ** 0.5
    assert c.low == pytest.approx(61 - 45 - margin, abs=1e-2)
    assert c.verdict == "chance"  # +16 on four scattered conversations is no clear change


@pytest.mark.parametrize(("before", "after", "verdict"), [
    ([80, 82, 81, 79], [60, 61, 59, 62], "down"),
    ([60, 80, 70], [65, 75, 70], "chance"),
    ([70], [90, 95], "few"),  # one conversation before: no spread to judge by
    ([], [90, 95], "few"),
    # no spread on a side: it gets that of a 0-or-100 score with its share, after one more score at each
    # end (audit 17: two conversations at 100 against two at 0 were a "clear" change; Fisher's p = 0.33)
    ([100, 100], [0, 0], "chance"),
    ([100] * 5, [0] * 5, "down"),  # Fisher's exact test: p = 0.008
    ([100] * 30, [0] * 30, "down"),
    ([50, 50], [60, 60], "chance"),
    ([50, 50], [50, 50], "chance"),
])
def test_verdicts(before: list[float], after: list[float], verdict: str) -> None:
    assert change(before, after).verdict == verdict


def test_a_missing_side_has_no_change() -> None:
    c = change([], [90, 95])
    assert (c.before, c.change, c.low, c.high) == (None, None, None, None)


def test_the_interval_never_runs_past_what_scores_allow() -> None:
    c = change([0, 100], [0, 100, 50])  # two conversations: t is large, the raw interval passes ±100
    assert c.low == -100 and c.high == 100


def test_t_quantiles_match_the_table_and_lie_between_its_rows() -> None:
    assert t95(1) == 12.706 and t95(4) == 2.776 and t95(30) == 2.042
    assert t95(0.4) == 12.706  # below one degree of freedom: the widest listed
    assert 2.042 > t95(35) > 2.021
    assert 1.980 > t95(10_000) > 1.960
    values = [t95(df / 4) for df in range(4, 2000)]
    assert values == sorted(values, reverse=True)


def test_compare_counts_a_stage_only_where_it_applies_and_counts_patterns() -> None:
    before = [make_result("b1", "ann", "North", "2026-09-01", {1: 50, 4: 20}, ("no_close",)),
              make_result("b2", "ann", "North", "2026-09-02", {1: 70}, ("no_close",))]
    after = [make_result("a1", "ann", "North", "2026-10-01", {1: 90, 4: 80}, ("no_greeting",)),
             make_result("a2", "ann", "North", "2026-10-02", {1: 100}, ("no_close",))]
    cmp = compare(before, after)
    assert (cmp.n_before, cmp.n_after) == (2, 2)
    assert cmp.stages[1] == change([50, 70], [90, 100])
    assert cmp.stages[4] == Change(20, 80, 1, 1)  # the values stage applies in one conversation a side
    assert cmp.stages[5] == Change(None, None, 0, 0)
    assert cmp.overall == change([35, 70], [85, 100])
    assert {(p.id, p.before, p.after) for p in cmp.patterns} == {("no_close", 2, 1), ("no_greeting", 0, 1)}


# ------------------------------------------------------------------ the report's section


def _section(page: str) -> str:
    """The comparison section, its character references resolved (the markup stays)."""
    found = re.search(r'<section id="compare".*?</section>', page, re.S)
    assert found, "no comparison section"
    return html.unescape(found.group(0))


def _training() -> list:
    """Team North before (September) and after (October) a training on the goodbye."""
    out = []
    for i, close in enumerate([20, 30, 25, 35, 20, 30]):
        out.append(make_result(f"s{i}", "ann", "North", f"2026-09-{i + 1:02d}", {1: 80 + i, 3: 60, 7: close},
                               ("no_close",)))
    for i, close in enumerate([85, 90, 80, 95, 90, 85]):
        out.append(make_result(f"o{i}", "ann", "North", f"2026-10-{i + 1:02d}", {1: 81 + i, 3: 62, 7: close}))
    return out


def test_report_compares_its_days_with_the_earlier_period() -> None:
    page = build_report(_training(), scope="team", id="North", date_from="2026-10-01", date_to="2026-10-31",
                        compare_from="2026-09-01", compare_to="2026-09-30")
    section = _section(page)
    assert "Compared with an earlier period" in section
    assert "This report's conversations (6) against those of" in section
    rows = {m.group(1): m.group(2) for m in re.finditer(r"<tr><td>([^<]+)</td>(.*?)</tr>", section)}
    assert "verdict-up" in rows["7 goodbye"] and "clear improvement" in rows["7 goodbye"]
    # 26.7 and 87.5 as printed, and their change 60.8
    assert ">27<" in rows["7 goodbye"] and ">88<" in rows["7 goodbye"] and "+61" in rows["7 goodbye"]
    assert "within chance" in rows["1 attunement"]  # 82.5 → 83.5 on six conversations a side
    assert "no_close" not in section and "needs clarified, but no close" in rows  # patterns by name
    assert ">6 (100%)<" in rows["needs clarified, but no close"]
    assert ">0 (0%)<" in rows["needs clarified, but no close"]
    assert 'class="chart change wide"' in section and 'class="chart change narrow"' in section
    assert "7 goodbye: 27 → 88 (+61, clear improvement)" in section


def test_the_printed_change_is_that_of_the_printed_means() -> None:
    # 73.4 → 66.6 prints "73 → 67": the change printed is −6 (as a reader works it out), not −7 (−6.8 rounded)
    results = [make_result(f"{side}{i}", "ann", "North", f"2026-{month}-0{i + 1}", {7: mean + d})
               for side, month, mean in (("s", "09", 73.4), ("o", "10", 66.6)) for i, d in enumerate((-1, 1))]
    page = build_report(results, scope="team", id="North", date_from="2026-10-01", date_to="2026-10-31",
                        compare_from="2026-09-01", compare_to="2026-09-30", language="et")
    section = _section(page)
    rows = {m.group(1): m.group(2) for m in re.finditer(r"<tr><td>([^<]+)</td>(.*?)</tr>", section)}
    for label in ("Üldhinne", "7 hüvastijätt"):
        assert re.search(r">73<.*>67<.*>−6<", rows[label]), rows[label]
        assert f"{label}: 73 → 67 (−6," in section
    assert "−7" not in section
    printed = re.findall(r'font-weight="[47]00">([^<]+)</text>', section)
    assert printed.count("−6") == 4  # two charts, two rows each
    from servio.report.compare import compare as compared
    from servio.service.shape import change_out

    raw = change_out(None, compared(results[:2], results[2:]).overall)  # the API keeps the exact figures
    assert raw["earlier"] == pytest.approx(73.4) and raw["now"] == pytest.approx(66.6)
    assert raw["change"] == pytest.approx(-6.8)


@pytest.mark.parametrize("value,shown", [(0.093, "+0.1"), (-0.3, "−0.3"), (0.004, "+0.004"),
                                          (-0.0004, "−<0.001"), (0.0, "0"), (8.6, "+9"), (-4.4, "−4"),
                                          (0.5, "+0.5")])
def test_an_interval_bound_near_zero_says_its_side(value: float, shown: str) -> None:
    """Audit rep21 F3: "+5, 95 % interval 0 … +9, clear improvement" (the lower bound was 0.093): a bound
    rounded to 0 read as an interval that holds zero, beside its "clear" verdict."""
    from servio.report.charts import bound_text

    assert bound_text(value) == shown


def test_report_compares_in_estonian() -> None:
    page = build_report(_training(), scope="agent", id="ann", date_from="2026-10-01", date_to="2026-10-31",
                        compare_from="2026-09-01", compare_to="2026-09-30", language="et")
    section = _section(page)
    assert "Võrdlus varasema perioodiga" in section and "selge paranemine" in section
    assert "01.09.2026 – 30.09.2026" in section  # days as Estonians write them


def test_without_a_comparison_there_is_no_section_and_an_empty_one_says_so() -> None:
    assert 'id="compare"' not in build_report(_training(), date_from="2026-10-01")
    page = build_report(_training(), date_from="2026-10-01", compare_from="2026-01-01",
                        compare_to="2026-01-31")
    assert "nothing to compare with" in _section(page) and "<table" not in _section(page)
    with pytest.raises(ValueError, match="both compare_from and compare_to"):
        build_report(_training(), compare_from="2026-09-01")


# ------------------------------------------------------------------ servio report


def _jsonl(tmp_path: Path) -> Path:
    """Two short English chats on 2026-09-01 and 2026-10-01, one with a goodbye and one without."""
    import json

    lines = []
    for cid, day, bye in (("sep", "2026-09-01", False), ("oct", "2026-10-01", True)):
        turns = [{"speaker": "agent", "text": "Hello, this is Ann from Brightline. How can I help?"},
                 {"speaker": "customer", "text": "My router keeps dropping the connection."},
                 {"speaker": "agent", "text": "I have reset your line, it should be stable now."}]
        if bye:
            turns.append({"speaker": "agent", "text": "Thank you for contacting us, have a nice day!"})
        lines.append(json.dumps({"id": cid, "language": "en", "agent_id": "ann", "team": "North",
                                 "started_at": f"{day}T10:00:00+03:00", "turns": turns}))
    path = tmp_path / "chats.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("args", "message"), [
    (["--compare-from", "2026-09-01"], "--compare-from and --compare-to go together"),
    (["--compare-from", "2026-09-10", "--compare-to", "2026-09-01"], "--compare-from 2026-09-10 is after"),
    (["--compare-from", "2026-09-01", "--compare-to", "2026-09-30"],
     "is the earlier one: give --from, the report's first day, after it"),
    (["--from", "2026-10-01", "--compare-from", "2026-09-01", "--compare-to", "2026-10-01"],
     "must end before the report's first day (--from 2026-10-01)"),
    # a later period would be read as "earlier" and its changes backwards (audit 17 #7)
    (["--from", "2026-09-01", "--to", "2026-09-10", "--compare-from", "2026-10-01",
      "--compare-to", "2026-10-31"],
     "must end before the report's first day (--from 2026-09-01)"),
])
def test_cli_refuses_a_comparison_it_cannot_make(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 args: list[str], message: str) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(_jsonl(tmp_path)), "-o", str(out), "--no-progress", *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_writes_a_comparison_with_a_quiet_earlier_period(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """It was exit 2; the API answers 200 with nothing to compare with, and so does the report now."""
    out = tmp_path / "r.html"
    assert main(["report", str(_jsonl(tmp_path)), "-o", str(out), "--no-progress", "--from", "2026-10-01",
                 "--compare-from", "2026-08-01", "--compare-to", "2026-08-31", "--report-lang", "en"]) == 0
    assert "no conversation from 2026-08-01 to 2026-08-31 in the input to compare with" in \
        capsys.readouterr().err
    assert "nothing to compare with" in _section(out.read_text("utf-8"))


def test_cli_writes_the_comparison(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(_jsonl(tmp_path)), "-o", str(out), "--no-progress", "--from", "2026-09-15",
                 "--compare-from", "2026-09-01", "--compare-to", "2026-09-14", "--report-lang", "en"]) == 0
    section = _section(out.read_text("utf-8"))
    words = re.sub(r"<[^>]+>", "", section)
    assert "This report's conversations (1) against those of 2026-09-01 – 2026-09-14 (1)" in words
    assert "too few to tell" in section  # one conversation a side


def test_cli_compares_the_same_from_the_database(tmp_path: Path) -> None:
    data, url = _jsonl(tmp_path), f"sqlite:///{tmp_path / 'servio.db'}"
    assert main(["import", str(data), "--database", url, "--no-progress"]) == 0
    common = ["--team", "North", "--from", "2026-09-15", "--compare-from", "2026-09-01",
              "--compare-to", "2026-09-14", "--report-lang", "en"]
    from_files, from_db = tmp_path / "files.html", tmp_path / "db.html"
    assert main(["report", str(data), "-o", str(from_files), "--no-progress", *common]) == 0
    assert main(["report", "--database", url, "-o", str(from_db), *common]) == 0
    assert _section(from_db.read_text("utf-8")) == _section(from_files.read_text("utf-8"))
