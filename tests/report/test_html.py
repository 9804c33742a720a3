"""The self-contained HTML report: the right selection, every section, nothing fetched from outside."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from servio.evaluate.feedback import texts
from servio.report.html import build_report
from tests.report.conftest import make_conversation, make_result


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


def test_agent_report_has_every_section_for_that_agent_only(results) -> None:
    html = build_report(results, None, scope="agent", id="ann", language="en")
    page = parse(html)
    text = " ".join(page.text)
    assert "Service process report: agent ann" in text
    assert "3 conversations" in text
    for section in ("headline", "profile", "patterns", "trend", "worst"):
        assert ("section", {"id": section, "aria-labelledby": f"h-{section}"}) in page.tags
    assert "b1" not in text and "c1" not in text
    assert "goodbye" in text.lower()  # weakest stage of ann (20, 40, 70)
    # no_close shows in 2 of 3 conversations, with the conversations listed
    assert re.search(r"needs clarified, but no close</td><td class=\"num\">2</td><td class=\"num\">67%", html)
    assert "a1, a2" in html
    assert html.count("<svg") >= 3  # radar, bars, trend, timelines


def test_team_report_has_the_heatmap_and_period_report_filters_dates(results) -> None:
    team = build_report(results, None, scope="team", id="North", language="en")
    # each agent's row is named with the number of their conversations (audit rep21 F9)
    assert 'id="heatmap"' in team and re.search(r">ann \(\d+\)<", team) and re.search(r">bob \(\d+\)<", team)
    assert ">cid (" not in team
    assert "red is weak, blue is strong" in team  # what the heatmap's colours mean
    bars = build_report(results, None, scope="agent", id="ann", language="et")
    assert ">hinne</text>" in bars and ">olemas</text>" in bars  # the two numbers beside each bar, named
    period = build_report(results, None, scope="period", date_from="2026-09-02", date_to="2026-09-30",
                          language="en")
    assert "3 conversations" in period  # a2, b1, c1
    assert "2026-09-02 – 2026-09-30" in period


def test_report_is_self_contained(results) -> None:
    html = build_report(results, {c: make_conversation(c) for c in ("a1", "a2", "a3")}, scope="agent",
                        id="ann", language="et")
    tags = parse(html).tags
    assert not [a for t, a in tags if t in ("link", "script", "img", "iframe")]
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<style>" in html


def test_report_speaks_estonian_and_escapes_text(results) -> None:
    convs = {c: make_conversation(c) for c in ("a1", "a2", "a3")}
    html = build_report(results, convs, scope="agent", id="ann", language="et")
    assert '<html lang="et">' in html
    assert "Teenindusprotsessi raport: teenindaja ann" in html
    assert "Tüüpvead" in html and "Korduvad vead" not in html
    assert "&lt;please&gt;" in html and "<please>" not in html
    assert "text &amp; more" in html  # the quoted turn, escaped
    assert "<blockquote>„" in html and "<blockquote>“" not in html  # Estonian quotes: „…”
    english = build_report(results, convs, scope="agent", id="ann", language="en")
    assert "<blockquote>“" in english
    import re

    worst = html[html.index('id="worst"'):]
    assert re.search(r"· \d\d\.\d\d\.\d{4} ·", worst) and not re.search(r"\d{4}-\d\d-\d\d", worst)


def test_empty_selection_says_so(results) -> None:
    html = build_report(results, None, scope="agent", id="nobody", language="en")
    assert "No conversations match this selection." in html


@pytest.mark.parametrize("kwargs", [{"scope": "agent"}, {"scope": "everyone"}, {"language": "fi"}])
def test_bad_arguments_are_refused(results, kwargs) -> None:
    with pytest.raises(ValueError):
        build_report(results, None, **{"scope": "period", "id": None, "language": "en", **kwargs})


@pytest.mark.parametrize(("scope", "message"), [("agent", "an agent report needs the agent's id"),
                                               ("team", "a team report needs the team's id")])
def test_a_missing_id_is_named_in_good_english(results, scope, message) -> None:
    with pytest.raises(ValueError) as caught:
        build_report(results, None, scope=scope, id=None, language="en")
    assert str(caught.value) == message


def test_review_first_lists_only_conversations_below_the_mean(results) -> None:
    html = build_report(results, None, scope="agent", id="ann", language="en")
    worst = html[html.index('id="worst"'):]
    # ann: a1 58, a2 72, a3 80 (mean 70): only a1 is below the mean
    assert "<h3>a1</h3>" in worst and "<h3>a2</h3>" not in worst and "<h3>a3</h3>" not in worst


def test_even_profile_names_no_strongest_or_weakest_stage() -> None:
    """Every stage at 100: the summary says "even", so no card may call attunement both best and worst."""
    perfect = [make_result(f"p{i}", "pia", "North", "2026-09-0{i}", {s: 100.0 for s in range(1, 8)})
               for i in (1, 2)]
    html = build_report(perfect, None, scope="agent", id="pia", language="en")
    headline = html[html.index('id="headline"'):html.index('id="profile"')]
    assert "Even across the stages;" in headline
    assert "Strongest stage" not in headline and "Weakest stage" not in headline
    tip = texts("en")["stage"]["attunement"]["improve"]
    assert tip and tip not in headline  # no coaching tip for an arbitrary stage


def test_review_first_names_failure_patterns_in_the_report_language() -> None:
    """An Estonian conversation in an English report: its patterns read as in the pattern table."""
    from dataclasses import replace

    from servio.results import FailurePattern

    low = replace(make_result("et1", "kati", "North", "2026-09-01", {1: 10, 3: 20}),
                  language="et", failures=(FailurePattern("no_close", "vajadus selgitati, aga vestlus jäi "
                                                                      "lõpetamata", 3),
                                           FailurePattern("own_check", "Own words of a plug-in", 1)))
    high = make_result("en1", "kati", "North", "2026-09-02", {1: 90, 3: 90})
    html = build_report([low, high], None, scope="agent", id="kati", language="en")
    worst = html[html.index('id="worst"'):]
    assert "needs clarified, but no close" in worst and "lõpetamata" not in worst
    assert "Own words of a plug-in" in worst  # a pattern without servio's text keeps its own


def test_a_large_team_heatmap_is_split_into_page_sized_charts_each_with_its_headings() -> None:
    """40 agents made one 1 280 px chart, taller than an A4 page: printed, its heading stood alone on a
    page and the rows ran on to the next page cut through and without the stage names."""
    team = [make_result(f"t{a}", f"agent{a:02d}", "Big", "2026-09-01", {1: a * 2.0, 3: 50.0})
            for a in range(40)]
    html = build_report(team, None, scope="team", id="Big", language="en")
    section = html[html.index('id="heatmap"'):html.index('id="worst"')]
    charts = section.split("<svg")[1:]
    assert len(charts) == 2
    for chart in charts:
        assert "1 attunement" in chart and "overall" in chart
        height = float(re.search(r'height="([\d.]+)"', chart).group(1))
        assert height <= 900
    assert sum(chart.count("agent") for chart in charts) >= 40
    assert ">agent00 (1)<" in charts[0] and ">agent39 (1)<" in charts[1]


def test_profile_and_trend_charts_say_what_they_show_in_visible_text(results) -> None:
    """The bars print a share (e.g. 67%) beside each score, and the trend points are weekly or daily means;
    the SVG <title>/<desc> said so only to screen readers, so the page left the reader guessing."""
    from servio.web.i18n import strings

    for language in ("en", "et"):
        t = strings(language)
        html = build_report(results, None, scope="agent", id="ann", language=language)
        text = " ".join(s.strip() for s in parse(re.sub(r"<svg.*?</svg>", "", html, flags=re.S)).text)
        assert t["chart_bars_desc"] in text
        # ann's conversations span 2026-09-01 .. 2026-10-15: one point per week
        assert t["chart_trend_desc"].split("{bucket}")[0] + t["bucket_week"] in text


def test_dates_in_the_text_are_kept_on_one_line(results) -> None:
    """A browser may break a line after any hyphen: on a phone the trend's caption showed "2026-10-" at
    the end of one line and "12" at the start of the next. Each date of the caption, the period and the
    time of writing is in a span the style sheet keeps whole; the text around it is escaped as before."""
    from servio.report.html import whole_dates

    assert str(whole_dates("a <b> 2026-10-12 (n=1), 2026-10 – 2026-11-29 09:25.")) == (
        'a &lt;b&gt; <span class="date">2026-10-12</span> (n=1), <span class="date">2026-10</span> – '
        '<span class="date">2026-11-29 09:25</span>.')
    html = build_report(results, None, scope="agent", id="ann", language="en")
    caption = re.search(r'<p class="caption">(Mean overall score per.*?)</p>', html, flags=re.S)
    assert caption is not None
    assert re.sub(r'<span class="date">\d{4}-\d{2}-\d{2}</span>', "", caption.group(1)).count("-") == 0
    assert re.search(r"\.date\s*\{\s*white-space:\s*nowrap", html)


@pytest.mark.parametrize(("language", "one", "label", "ids"), [
    ("et", "1 vestlus ·", "Vestlusi", "Vestlused"),
    ("en", "1 conversation ·", "Conversations", "Conversations")])
def test_counts_of_conversations_read_as_written(language: str, one: str, label: str, ids: str) -> None:
    """"1 vestlust" and a card titled "Vestlust" (the form that only follows a number) are not Estonian; a
    column listing conversations is headed by the plain plural ("Vestlused"), not the count's ("Vestlusi")."""
    single = [make_result("c1", "pia", "North", "2026-09-01", {1: 80.0, 3: 40.0}, ("no_close",))]
    html = build_report(single, None, scope="agent", id="pia", language=language)
    text = re.sub(r"\s+", " ", " ".join(parse(html).text))
    assert one in text
    headline = html[html.index('id="headline"'):html.index('id="profile"')]
    assert f'<div class="label">{label}</div>' in headline
    patterns = html[html.index('id="patterns"'):]
    assert f'<th scope="col">{ids}</th>' in patterns


def test_estonian_report_writes_days_as_estonians_do() -> None:
    results = [make_result("c1", "pia", "North", "2026-09-01", {1: 80.0}),
               make_result("c2", "pia", "North", "2026-09-30", {1: 70.0})]
    meta = re.sub(r"\s+", " ", " ".join(parse(build_report(results, None, scope="agent", id="pia",
                                                          language="et")).text))
    assert "01.09.2026 – 30.09.2026" in meta and "2026-09-01" not in meta
    assert re.search(r"Koostatud \d\d\.\d\d\.\d{4} \d\d:\d\d UTC", meta)
    english = " ".join(parse(build_report(results, None, scope="agent", id="pia", language="en")).text)
    assert "2026-09-01 – 2026-09-30" in english


@pytest.mark.parametrize(("language", "days", "months"), [
    ("et", ["01.09.2026", "02.09.2026"], ["09.2026", "01.2027"]),
    ("en", ["2026-09-01", "2026-09-02"], ["2026-09", "2027-01"]),
])
def test_trend_points_are_labelled_as_the_language_writes_days(language: str, days: list[str],
                                                               months: list[str]) -> None:
    from servio.report.summary import trend_points

    two_days = [make_result(f"d{i}", "pia", "North", f"2026-09-0{i}", {1: 80.0}) for i in (1, 2)]
    points, bucket = trend_points(two_days, language=language)
    assert bucket == "day" and [p.label for p in points] == days
    far = [make_result("m1", "pia", "North", "2026-09-10", {1: 80.0}),
           make_result("m2", "pia", "North", "2027-01-20", {1: 70.0})]
    points, bucket = trend_points(far, language=language)
    assert bucket == "month" and [p.label for p in points] == months


def test_trend_points_start_their_bucket_and_empty_buckets_have_none() -> None:
    """Three busy weeks in March and one in June: four points, dated to their weeks' Mondays, and the
    caption says which weeks had no conversations (the chart places the points by these dates)."""
    from datetime import date

    from servio.report.charts import trend_caption
    from servio.report.summary import trend_points

    days = ["2026-03-04", "2026-03-05", "2026-03-10", "2026-03-18", "2026-06-03"]
    chosen = [make_result(f"w{i}", "pia", "North", d, {1: 40.0 + 10 * i}) for i, d in enumerate(days)]
    asked: list[tuple[date, date]] = []

    def href(first: date, last: date) -> str:
        asked.append((first, last))
        return f"/c?from={first}&to={last}"

    points, bucket = trend_points(chosen, href=href)
    assert bucket == "week"
    assert [p.start for p in points] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16),
                                         date(2026, 6, 1)]
    assert [(p.value, p.count) for p in points] == [(45.0, 2), (60.0, 1), (70.0, 1), (80.0, 1)]
    assert asked[-1] == (date(2026, 6, 1), date(2026, 6, 7))
    assert trend_caption(points, language="en", bucket=bucket).endswith(
        "2026-06-01 80 (n=1). No conversations: 2026-03-23 – 2026-05-31.")
    assert trend_caption(points, language="et", bucket=bucket).endswith(
        "Vestlusi pole: 23.03.2026 – 31.05.2026.")
    months = [make_result(f"m{i}", "pia", "North", d, {1: 50.0}) for i, d in
              enumerate(["2025-01-10", "2025-02-10", "2025-04-10", "2025-08-10"])]
    points, bucket = trend_points(months, language="et")
    assert bucket == "month" and [p.start.month for p in points] == [1, 2, 4, 8]
    assert trend_caption(points, language="et", bucket=bucket).endswith(
        "Vestlusi pole: 03.2025; 05.2025 – 07.2025.")


@pytest.mark.parametrize(("language", "more"), [("en", "and 20 more"), ("et", "ja veel 20")])
def test_a_pattern_shown_by_many_conversations_lists_a_few_ids_and_counts_the_rest(language: str,
                                                                                  more: str) -> None:
    """A year of a contact centre: 8,404 ids in one cell made the report 74,000 px long (400 KB of ids)."""
    team = [make_result(f"c{n:03d}", f"agent{n % 3}", "Big", "2026-09-01", {1: 50.0, 3: 40.0},
                        failures=("no_close",)) for n in range(30)]
    html = build_report(team, None, scope="team", id="Big", language=language)
    row = html[html.index('id="patterns"'):html.index("</table>", html.index('id="patterns"'))]
    assert ">30<" in row  # the count still counts every conversation
    assert len(re.findall(r"c\d{3}", row)) == 10
    assert more in row


def test_conversations_may_be_a_list_as_read_all_gives_them(results, monkeypatch) -> None:
    """read_all returns a list: build_report keys it by id itself, the same report as from a mapping."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # the same "made at" in all three
    convs = [make_conversation(c) for c in ("a1", "a2", "a3")]
    from_list = build_report(results, convs, scope="agent", id="ann", language="en")
    from_iterator = build_report(results, iter(convs), scope="agent", id="ann", language="en")
    from_mapping = build_report(results, {c.id: c for c in convs}, scope="agent", id="ann", language="en")
    assert from_list == from_iterator == from_mapping
    assert "text &amp; more" in from_list  # the quoted turn came from the list


@pytest.mark.parametrize("conversations", ["a1", 42, [make_conversation("a1"), "a2"]])
def test_conversations_of_another_kind_are_refused_clearly(results, conversations) -> None:
    with pytest.raises(TypeError, match="conversations"):
        build_report(results, conversations, scope="agent", id="ann", language="en")


def test_estonian_report_writes_shares_with_a_space_before_the_percent_sign(results) -> None:
    html = build_report(results, None, scope="agent", id="ann", language="et")
    assert re.search(r'<td class="num">2</td><td class="num">67\u00a0%', html)  # 2 of ann's 3
    words = re.sub(r"<[^>]+>", " ", html.split("<style>")[0] + html.split("</style>")[-1])
    assert not re.search(r"\d%", words)


@pytest.mark.parametrize("language,said", [("en", "1 of these 3 conversations is incomplete"),
                                           ("et", "Neist 3 vestlusest üks on poolik")])
def test_a_report_says_how_many_of_its_conversations_are_incomplete(language: str, said: str) -> None:
    """Audit rep21 F8: the dashboard's team page counted an incomplete conversation, the team's report did
    not mention it, and the board copy silently included scores that may be wrong."""
    from dataclasses import replace

    results = [make_result(f"c{i}", "ann", "North", "2026-10-0" + str(i + 1), {1: 80.0, 7: 60.0})
               for i in range(3)]
    page = build_report(results, scope="team", id="North", language=language)
    assert 'id="incomplete"' not in page
    results[1] = replace(results[1], unread=("chats.csv:12",))
    page = build_report(results, scope="team", id="North", language=language)
    assert 'id="incomplete"' in page and said in page


def test_the_first_week_is_labelled_by_its_first_day_with_a_conversation() -> None:
    """Audit rep21 F6: an October report's trend opened on "28.09.2026", the Monday of the week of 1-4
    October; the point still stands at its week's Monday, only the label is the period's own day."""
    from datetime import date

    from servio.report.summary import trend_points

    days = ["2026-10-01", "2026-10-02", "2026-10-07", "2026-10-14", "2026-10-28"]
    chosen = [make_result(f"o{i}", "pia", "North", d, {1: 60.0}) for i, d in enumerate(days)]
    points, bucket = trend_points(chosen, language="et")
    assert bucket == "week" and points[0].start == date(2026, 9, 28)
    assert [p.label for p in points] == ["01.10.2026", "05.10.2026", "12.10.2026", "26.10.2026"]


def test_pattern_conversations_are_named_in_id_order_whatever_the_input_order() -> None:
    """Audit rep21 F12: a report from files named 'bb-0098, bb-0033, ...' (file order) where the same report
    from the database named 'bb-0032, bb-0033, ...'."""
    from servio.report.summary import pattern_counts

    results = [make_result(cid, "pia", "North", "2026-10-01", {1: 50.0}, failures=("no_close",))
               for cid in ("bb-0098", "bb-0033", "bb-0056", "bb-0032")]
    (counted,) = pattern_counts(results, "en")
    assert counted.conversation_ids == ("bb-0032", "bb-0033", "bb-0056", "bb-0098")
    assert pattern_counts(list(reversed(results)), "en") == pattern_counts(results, "en")


def test_with_a_dashboard_address_every_conversation_id_links_to_its_page() -> None:
    """Audit rep21 F4: from the report a team lead could not reach the conversations behind a figure: ids
    were plain text, and a lead typed /ui/conversations/bb-0090 by hand."""
    results = [make_result(cid, "pia", "North", "2026-10-01", {1: 40.0 + i}, failures=("no_close",))
               for i, cid in enumerate(("bb-0090", "Jüri/1"))]
    page = build_report(results, scope="team", id="North", language="en",
                        links="https://servio.example.ee/ui/conversations/")
    assert '<a href="https://servio.example.ee/ui/conversations/bb-0090">bb-0090</a>' in page
    assert '<a href="https://servio.example.ee/ui/conversations/J%C3%BCri%2F1">Jüri/1</a>' in page
    assert page.count("/ui/conversations/bb-0090") >= 2  # the pattern's ids and the conversation to review
    assert "<a " not in build_report(results, scope="team", id="North", language="en")  # self-contained
