"""WebVTT and SRT call transcripts: one cue is one turn, speakers from voice tags or prefixes.

Cue times are kept as ``metadata["cue_times"]`` (``[start, end]`` seconds per
turn). ``Turn.timestamp`` is ``started_at`` plus the cue start when the file
says when the call started (a WebVTT ``NOTE started_at: ...`` line);
otherwise it stays empty. A cue without a speaker continues the previous
cue's speaker (captions name the speaker only when it changes).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from servio.ingest.agents import agent_from_turns
from servio.ingest.base import ReaderOptions, Reporter
from servio.ingest.fields import FieldError, build_conversation, conversation_fields, derived_id
from servio.ingest.prefix import parse_prefix, resolve_label, unknown_label, with_agent_label
from servio.ingest.said import Said
from servio.ingest.textio import decode_head, text_lines
from servio.ingest.vocab import field_aliases, header_key, unknown_speaker
from servio.model import Channel, Conversation, Speaker, Turn

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?$")
# The voice is read stripped, so one blank takes the place of ``[ \t]+``: that and ``[^>]+`` both took the
# spaces of ``<v`` + 100,000 spaces, trying every split of them (security audit S12).
_VOICE = re.compile(r"<v(?:\.[\w.\-]++)?[ \t]([^>]+)>(.*?)(?:</v>|(?=<v[\s.])|$)", re.S)
_TAG = re.compile(r"<[^>]*>")
_NUMBER_OR_TIME = re.compile(r"^\s*\d+(?:\s*$|:\d)")  # a cue number, or a (broken) timing line
_SOUND = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|♪[^♪]*♪?)\s*$")
_NOTE_KEY = re.compile(r"[\w\- ]{1,30}")
_NOTE_WORD = re.compile(r"NOTE(\s+)")


def _note_pair(line: str) -> tuple[str, str] | None:
    r"""``(key, value)`` of a ``NOTE started_at: 2024-03-01 10:00`` line, as the pattern
    ``^(?:NOTE\s+)?(?P<key>[\w\- ]{1,30}?)\s*:\s*(?P<value>.+?)\s*$`` reads the stripped line, but in
    linear time: with a long run of spaces the pattern tried every split of it (security audit S12)."""
    head, colon, rest = line.strip().partition(":")  # neither the key nor the blanks hold a colon
    value = rest.strip()
    if not colon or not value or "\n" in value:
        return None
    note = _NOTE_WORD.match(head)
    if note is not None:
        after = head[note.end():]
        if after and _NOTE_KEY.fullmatch(after.rstrip()):
            return after.rstrip(), value
        if not after and " " in note[1][1:]:
            return " ", value  # "NOTE  :": a blank of the run is the key, the rest the blanks around it
    key = head.rstrip()
    return (key, value) if _NOTE_KEY.fullmatch(key) else None


def _voice_tags(text: str) -> Iterator[re.Match[str]]:
    """:data:`_VOICE`'s matches in ``text``, as ``finditer`` finds them; no tag starts after the last ``>``
    (a tag needs one), where each ``<v`` would scan on to the end of the text (security audit S12)."""
    pos, last = 0, text.rfind(">")
    while last > 0 and (start := text.find("<v", pos, last)) >= 0:
        match = _VOICE.match(text, start)
        if match is None:
            pos = start + 1
            continue
        yield match
        pos = match.end()


def _seconds(groups: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = groups
    whole = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return whole + int((millis or "0").ljust(3, "0")) / 1000


def _clean(text: str) -> str:
    cut = text.rfind(">") + 1  # a tag ends at a ">": after the last one, each "<" would scan to the end
    return " ".join(html.unescape(_TAG.sub("", text[:cut]) + text[cut:]).split())


def _unknown(kind: str, label: str) -> Said:
    return Said("skip.cue", {"reason": unknown_speaker(label, kind)})


@dataclass(slots=True)
class _State:
    headers: dict[str, str] = field(default_factory=dict)
    turns: list[tuple[Turn, float, float, int]] = field(default_factory=list)
    speaker: tuple[Speaker, str | None] | None = None
    sounds: int = 0
    mark: int = 0  # the reporter's problems before this file's: those after are the call's unread records
    agent: str | None = None  # the agent a ``NOTE agent:`` names: that voice is the agent's


def _blocks(path: Path, options: ReaderOptions, report: Reporter) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, lines)`` per cue or header block; bad lines are reported.

    Blocks are separated by blank lines; a timing line where the block already has one, or right under
    a ``WEBVTT``/``NOTE`` header, starts a new block too (with the cue number above it), with a note:
    hand-made and converted files lose blank lines, and the next cue would become the text of the last.
    """
    start, lines = 0, list[str]()
    for line in text_lines(path, options, report, fallback=True):
        if line.error is not None:
            report.problem(path, Said("skip.line", {"reason": line.error}), line=line.number)
            continue
        if not line.text.strip():
            if lines:
                yield start, lines
                start, lines = 0, []
            continue
        if lines and TIMING.match(line.text) and _holds_cue_or_header(lines):
            keep = 1 if len(lines) > 1 and lines[-1].strip().isdigit() else 0
            head, lines = lines[:len(lines) - keep], lines[len(lines) - keep:]
            report.note(path, Said("subtitle.no_blank_line"), line=line.number - keep)
            yield start, head
            start = line.number - keep
        start = start or line.number
        lines.append(line.text)
    if lines:
        yield start, lines


def _holds_cue_or_header(lines: list[str]) -> bool:
    first = lines[0].lstrip()
    return first.startswith(("WEBVTT", "NOTE")) or any(TIMING.match(ln) for ln in lines)


def _voices(text: str) -> list[tuple[str | None, str]]:
    """``(voice, text)`` per voice tag of a cue; text after a closing ``</v>`` that no other voice tag
    opens (``<v Klient>Aitäh.</v> ja head aega``) is still that voice's."""
    matches = list(_voice_tags(text))
    out: list[tuple[str | None, str]] = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        out.append((match[1].strip(), match[2] + " " + text[match.end():end]))
    return out


def _segments(payload: list[str], options: ReaderOptions) -> list[str]:
    """A cue's text per speaker: a line with a speaker prefix (known or not) starts a new one, so that
    ``Agent: Kas see on teie leping?`` / ``Klient: Jah.`` in one cue is two turns, not one."""
    segments: list[list[str]] = []
    for line in payload:
        cleaned = _clean(line)
        if not segments or parse_prefix(cleaned, options) is not None or unknown_label(cleaned) is not None:
            segments.append([])
        segments[-1].append(line)
    return ["\n".join(seg) for seg in segments] or [""]


class _SubtitleReader:
    name = ""
    extensions: tuple[str, ...] = ()
    priority = 20
    timing_example = "00:00:01.000 --> 00:00:02.000"

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        """Read the file as one call: one turn per cue (per voice, when a cue has several)."""
        state = _State(mark=report.mark())
        for number, lines in _blocks(path, options, report):
            if self._skip_block(lines, state):
                continue
            if state.agent is not None:
                options, state.agent = with_agent_label(options, state.agent) or options, None
            timing_at = next((i for i, ln in enumerate(lines[:3]) if "-->" in ln), None)
            timing = TIMING.match(lines[timing_at]) if timing_at is not None else None
            if timing_at is None or timing is None:
                no_timing = Said("subtitle.no_timing", {"example": self.timing_example})
                report.problem(path, Said("skip.cue", {"reason": no_timing}), line=number)
                self._skipped_speaker(lines, state, options)
                continue
            start, end = _seconds(timing.groups()[:4]), _seconds(timing.groups()[4:])
            self._cue(path, number + timing_at, lines[timing_at + 1:], (start, end), state, options, report)
        yield from self._finish(path, state, options, report)

    def _skip_block(self, lines: list[str], state: _State) -> bool:
        return False

    @staticmethod
    def _skipped_speaker(lines: list[str], state: _State, options: ReaderOptions) -> None:
        """Take the speaker a skipped cue names: the unlabelled cue after it is not an older speaker's."""
        text = "\n".join(ln for ln in lines if not _NUMBER_OR_TIME.match(ln))
        voice = next(_voice_tags(text), None)
        if voice is not None:
            state.speaker = resolve_label(voice[1].strip(), None, options)
            return
        prefixed = parse_prefix(_clean(text), options)
        if prefixed is not None:
            state.speaker = (prefixed.speaker, prefixed.author)
        elif unknown_label(_clean(text)) is not None:
            state.speaker = None

    def _cue(self, path: Path, number: int, payload: list[str], times: tuple[float, float], state: _State,
             options: ReaderOptions, report: Reporter) -> None:
        text = "\n".join(payload)
        voices = (_voices(text) or [(None, segment) for segment in _segments(payload, options)])
        for voice, body in voices:
            spoken = _clean(body)
            if voice is not None:
                found = resolve_label(voice, None, options)
                state.speaker = found  # None after an unknown voice: the next unlabelled cue is not guessed
                if found is None:
                    report.problem(path, _unknown("voice", voice), line=number)
                    continue
            else:
                prefixed = parse_prefix(spoken, options)
                if prefixed is not None:
                    state.speaker, spoken = (prefixed.speaker, prefixed.author), prefixed.text
                elif (label := unknown_label(spoken)) is not None:
                    state.speaker = None  # not the previous speaker's words, nor the next unlabelled cue's
                    report.problem(path, _unknown("speaker", label), line=number)
                    continue
            if _SOUND.match(spoken):  # "[Muusika]", "(laughs)": a caption's sound note, nobody's words
                state.sounds += 1
                continue
            if state.speaker is None:
                report.problem(path, Said("skip.cue", {"reason": Said("subtitle.no_speaker")}), line=number)
                continue
            if not spoken:
                continue
            turn = Turn(state.speaker[0], spoken, author=state.speaker[1])
            state.turns.append((turn, times[0], times[1], number))

    def _finish(self, path: Path, state: _State, options: ReaderOptions,
                report: Reporter) -> Iterator[Conversation]:
        if state.sounds:
            report.note(path, Said("subtitle.sounds", {"count": state.sounds}))
        if not state.turns:
            report.problem(path, Said("skip.file", {"reason": Said("subtitle.no_cues")}))
            return
        try:
            notes: list[Said] = []
            fields, extra = conversation_fields(state.headers, notes)
        except FieldError as exc:
            header = Said("subtitle.note_header", {"detail": exc.said or str(exc)})
            report.problem(path, Said("skip.file", {"reason": header}))
            return
        for note in notes:
            report.note(path, Said("subtitle.note_header", {"detail": note}))
        if not fields.get("agent_id") and (named := agent_from_turns(t for t, _, _, _ in state.turns)):
            fields["agent_id"] = named  # no NOTE agent: the agent voice that spoke most names the agent
        base = fields.get("started_at")
        turns = [t if base is None else Turn(t.speaker, t.text, t.author, base + timedelta(seconds=s))
                 for t, s, _, _ in state.turns]
        cue_times = [[round(s, 3), round(e, 3)] for _, s, e, _ in state.turns]
        report.at(state.turns[0][3])
        conv = build_conversation(fields, turns, options, default_id=derived_id(path, 1),
                                  default_channel=Channel.PHONE, metadata={**extra, "cue_times": cue_times})
        yield replace(conv, unread=report.since(state.mark))  # every cue or line of the call that was lost


class VttReader(_SubtitleReader):
    """Format ``vtt``: WebVTT with ``<v Agent>`` voice tags or ``Agent:`` prefixes."""

    name = "vtt"
    extensions = (".vtt",)

    def sniff(self, head: bytes) -> bool:
        """True for a file starting with ``WEBVTT``."""
        return decode_head(head).lstrip().startswith("WEBVTT")

    def _skip_block(self, lines: list[str], state: _State) -> bool:
        first = lines[0].strip()
        if first.startswith("WEBVTT") or first.startswith(("STYLE", "REGION")):
            return True
        if first.startswith("NOTE"):
            for line in lines:
                pair = _note_pair(line)
                if pair and header_key(pair[0]) in field_aliases():
                    state.headers.setdefault(pair[0].strip(), pair[1])
                    if field_aliases()[header_key(pair[0])] == "agent_id":
                        state.agent = pair[1]
            return True
        return False


class SrtReader(_SubtitleReader):
    """Format ``srt``: SubRip with ``Klient:``-style speaker prefixes."""

    name = "srt"
    extensions = (".srt",)
    timing_example = "00:00:01,000 --> 00:00:02,000"

    def sniff(self, head: bytes) -> bool:
        """True when the first block is a cue number followed by a timing line."""
        lines = [ln.strip() for ln in decode_head(head).lstrip().splitlines()[:2]]
        return len(lines) == 2 and lines[0].isdigit() and TIMING.match(lines[1]) is not None
