"""Terminal rendering: a stage-coloured timeline, a scorecard, feedback, profile tables.

Colour is ANSI and only used when asked for (the CLI decides: a terminal and
no ``NO_COLOR``). Labels come from the stage metadata and the UI text file,
in the conversation's language.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

from servio.evaluate.profiles import UNKNOWN
from servio.model import Conversation, Speaker
from servio.report.numbers import turn_number
from servio.report.summary import present_but
from servio.results import AgentProfile, ConversationResult
from servio.stages import ALL_STAGES, info

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"


@cache
def ui_text(language: str) -> dict[str, str]:
    """Interface strings in ``language`` (``et`` or ``en``) from ``servio/data/ui.toml``."""
    raw = tomllib.loads(resources.files("servio.data").joinpath("ui.toml").read_text("utf-8"))
    lang = language if language in raw else "en"
    return {**raw["en"], **raw[lang]}


class Painter:
    """Wraps text in ANSI codes, or leaves it plain."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, *codes: int | str) -> str:
        if not self.colour or not codes:
            return text
        seq = "".join(c if isinstance(c, str) else f"\x1b[{c}m" for c in codes)
        return f"{seq}{text}{_RESET}"

    def stage(self, stage: int, text: str) -> str:
        return self(text, info(stage).ansi)


def shown(text: str) -> str:
    """``text`` from a file or the database as a terminal may show it: control characters (other than
    line breaks and tabs) and the bidirectional overrides written as escapes (``\\x1b``, ``\\u202e``).
    A customer's chat or an agent id in an export could otherwise clear the screen, retitle the window,
    plant a hyperlink or reorder what an operator reads."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _chips(stages: Iterable[int], paint: Painter) -> str:
    return " ".join(paint.stage(s, f"[{s}]") for s in sorted(stages)) or paint("[ ]", _DIM)


def _bar(score: float, width: int = 20) -> str:
    full = int(round(score / 100 * width))
    return "█" * full + "·" * (width - full)


def render_timeline(conv: Conversation, result: ConversationResult, paint: Painter, width: int = 100) -> str:
    """One line per turn: its number (from 1), speaker, stage chips and the text, shortened."""
    t = ui_text(result.language)
    lines: list[str] = []
    speaker_label = {Speaker.AGENT: t["agent"], Speaker.CUSTOMER: t["customer"], Speaker.SYSTEM: t["system"]}
    for turn, tags in zip(conv.turns, result.turns, strict=True):
        chips = _chips(tags.stages, paint)
        who = speaker_label[turn.speaker]
        head = f"{turn_number(tags.index):>3} {who:<11}"
        body = textwrap.shorten(shown(" ".join(turn.text.split())), width=max(30, width - 40),
                                placeholder=" …")
        if turn.speaker is Speaker.AGENT:
            head = paint(head, _BOLD)
        lines.append(f"{head} {chips:<}  {body}")
    return "\n".join(lines)


def render_scorecard(result: ConversationResult, paint: Painter, width: int = 100) -> str:
    """Each stage's score as a bar, its name in the conversation's language, and the overall score; a
    reason beside a bar folds to ``width`` columns under itself."""
    t = ui_text(result.language)
    lines = []
    for s in result.stage_scores:
        meta = info(s.stage)
        name = meta.short(result.language)
        if s.weight == 0:
            lines.append(f"  {s.stage} {name:<12} {paint(t['not_applicable'], _DIM)}")
            continue
        why = present_but(s, result.language)
        # a stage carried but scored 0 is no success: "!" (yellow) and its reason, not a "✓" beside a 0
        mark = paint("!", 33) if why else "✓" if s.present else "✗"
        line = f"  {s.stage} {name:<12} {paint(_bar(s.score), meta.ansi)} {s.score:5.0f}  {mark}"
        if why:  # the reason starts after the mark; its folded lines stand under its start
            start = len(f"  {s.stage} {name:<12} {_bar(s.score)} {s.score:5.0f}  {mark}  ")
            folded = _wrapped(why, width, " " * start, " " * start)[start:]
            line += "  " + "\n".join(paint(part, _DIM) for part in folded.split("\n"))
        lines.append(line)
    lines.append(
        f"  {t['overall']:<14} {result.overall:5.0f} / 100   ({t['contact_type']}: "
        f"{t.get('ct_' + result.contact_type, result.contact_type)})"
    )
    return "\n".join(lines)


def _wrapped(text: str, width: int, indent: str, hanging: str) -> str:
    """``text`` filled to ``width`` columns, its first line after ``indent`` and the rest after ``hanging``:
    a long line of advice folds under itself instead of wrapping to the terminal's left edge. A short
    bracketed group ("(6 vestlusest 2-s)", "[turn 3]") stays on one line."""
    kept = _SHORT_GROUP.sub(lambda m: m.group().replace(" ", _NBSP), text)
    filled = textwrap.fill(kept, width=max(40, width), initial_indent=indent, subsequent_indent=hanging,
                           break_long_words=False, break_on_hyphens=False)
    return filled.replace(_NBSP, " ")


#: A bracketed group of at most 24 characters, and the no-break space that holds it together while
#: textwrap folds (textwrap breaks only at ASCII whitespace; servio's texts hold no no-break spaces).
_SHORT_GROUP = re.compile(r"[(\[][^()\[\]\n]{1,24}[)\]]")
_NBSP = "\u00a0"


def render_feedback(result: ConversationResult, paint: Painter, width: int = 100) -> str:
    """Failure patterns and coaching items, each pointing at a turn (numbered from 1) or a stage, folded
    to ``width`` columns."""
    t = ui_text(result.language)
    lines = []
    for f in result.failures:
        where = f" ({t['turn']} {turn_number(f.turn)})" if f.turn is not None else ""
        lines.append(paint(_wrapped(f"{f.text}{where}", width, "  ! ", "    "), 31))
    for item in result.feedback:
        if item.kind == "incomplete":  # said under the title (render_conversation), before anything else
            continue
        if item.turn is not None:
            where = f"{t['turn']} {turn_number(item.turn)}"
        else:
            where = info(item.stage).short(result.language)
        mark = {"praise": "+", "improve": "→", "missing": "○"}.get(item.kind, "·")
        lines.append(_wrapped(f"[{where}] {item.text}", width, f"  {mark} ", "    "))
    return "\n".join(lines)


def render_conversation(conv: Conversation, result: ConversationResult, paint: Painter,
                        width: int = 100) -> str:
    """The full terminal view of one analysed conversation, for a terminal ``width`` columns wide."""
    t = ui_text(result.language)
    who = shown(", ".join(x for x in (result.agent_id, result.team) if x)) or t["unknown_agent"]
    title = (paint(f"═══ {shown(result.conversation_id)}", _BOLD)
             + f"  {who}  ·  {result.language}  ·  {conv.channel}")
    notice = next((f.text for f in result.feedback if f.kind == "incomplete"), None)
    parts = [
        title,
        *([paint(_wrapped(notice, width, "  ! ", "    "), 33, _BOLD)] if notice else []),
        render_timeline(conv, result, paint, width),
        "",
        paint(t["scorecard"], _BOLD),
        render_scorecard(result, paint, width),
    ]
    fb = render_feedback(result, paint, width)
    if fb:
        parts += ["", paint(t["feedback"], _BOLD), fb]
    return "\n".join(parts) + "\n"


def render_legend(language: str, paint: Painter) -> str:
    """A one-line key of the stage colours."""
    return "  ".join(paint.stage(s, f"[{int(s)}] {info(s).short(language)}") for s in ALL_STAGES)


def _profile_label(p: AgentProfile, t: dict[str, str], language: str) -> str:
    """An agent's or a team's id under its column's heading; the group of conversations with no agent or
    no team named as such in the table's language ("teenindaja teadmata", "no team")."""
    if p.id == UNKNOWN:
        return t["unknown_agent"] if p.kind == "agent" else t["no_team"]
    return shown(p.id)


def render_profiles(profiles: Sequence[AgentProfile], paint: Painter, language: str = "en",
                    width: int = 100) -> str:
    """A table: one row per agent or team, per-stage mean score, weakest stage, and the summary folded to
    ``width`` columns under its row."""
    t = ui_text(language)
    teams = bool(profiles) and all(p.kind == "team" for p in profiles)
    name_width = max([16, *(len(_profile_label(p, t, language)) + 2 for p in profiles)])
    team_width = max([12, *(len(shown(p.team or "")) + 2 for p in profiles)])
    first = f"{t['team']:<{name_width}}" if teams else f"{t['who']:<{name_width}}{t['team']:<{team_width}}"
    head = f"{first}{t['conversations_short']:>5} {t['overall_short']:>5} "
    head += " ".join(f"{int(s):>4}" for s in ALL_STAGES) + f"  {t['weakest']}"
    lines = [paint(head, _BOLD)]
    for p in profiles:
        cells = []
        by_stage = {s.stage: s for s in p.stages}
        for s in ALL_STAGES:
            sp = by_stage.get(int(s))
            cell = f"{sp.mean_score:>4.0f}" if sp is not None else f"{'–':>4}"
            if sp is not None and p.named_weakest == int(s):
                cell = paint(cell, 31, _BOLD)
            elif sp is not None and p.named_strongest == int(s):
                cell = paint(cell, 32)
            cells.append(cell)
        weakest = info(p.named_weakest).short(language) if p.named_weakest else "–"
        label = f"{_profile_label(p, t, language):<{name_width}}"
        label += "" if teams else f"{shown(p.team or ''):<{team_width}}"
        lines.append(
            f"{label}{p.conversations:>5} {p.overall:>5.0f} "
            + " ".join(cells)
            + f"  {weakest}"
        )
        if p.summary:
            lines.append(paint(_wrapped(p.summary, width, "    ", "    "), _DIM))
        if p.incomplete:
            key = "profile_incomplete_one" if p.incomplete == 1 else "profile_incomplete_many"
            said = t[key].format(count=p.incomplete, total=p.conversations)
            lines.append(paint(_wrapped(said, width, "  ! ", "    "), 33))
    return "\n".join(lines)
