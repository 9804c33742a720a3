"""Security audit S12: the readers' patterns take linear time on long runs of blanks, and match as before.

A line such as ``# ref: x`` + 40,000 spaces + ``y`` kept ``_sre`` busy for seconds to days with the GIL
held, which froze the whole server during an import. Each case reads (or matches) an adversarial input
of 100,000 characters and one ten times smaller: the larger may take at most 30 times as long (a
quadratic pattern takes 100 times as long, and is stopped by a timer at the first 30). The old patterns
are kept here to show that the new code accepts and reads exactly what they did.
"""

from __future__ import annotations

import html
import random
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from servio.ingest import read_all
from servio.ingest.base import _SKIPPED, ReaderOptions
from servio.ingest.email_text import _SUBJECT_PREFIX, subject_key
from servio.ingest.prefix import _DASHED, _PREFIX, parse_prefix, unknown_speaker_label
from servio.ingest.subtitle_reader import _clean, _note_pair, _voice_tags
from servio.ingest.text_reader import _header

N = 100_000
RATIO = 30

_WORD = r"[^\W\d_][\w'’.\-]*"
OLD_PREFIX = re.compile(
    r"""^\s*
    (?:[\[(](?P<ts>\d[\d:.,\-T/ ]{3,24}?)[\])]\s*(?:[-–]\s*)?
      |(?P<ts2>\d{1,2}:\d{2}(?::\d{2})?)\s+(?:[-–]\s*)?)?
    (?:\[(?P<bracketed>""" + _WORD + r"""(?:[ \t]+[\w'’.\-]+)*?)\][ \t]*(?P<colon>:)?
      |(?P<label>""" + _WORD + r"""(?:[ \t]+[\w'’.\-]+)*?)
       [ \t]*(?:\((?P<paren>[^()]{1,60})\))?
       [ \t]*:)(?:\s+|$)(?P<text>.*)$""",
    re.X,
)
OLD_DASHED = re.compile(
    r"""^\s*
    (?:[\[(](?P<ts>\d[\d:.,\-T/ ]{3,24}?)[\])]\s*
      |(?P<ts2>\d{1,2}:\d{2}(?::\d{2})?)\s+)?
    (?P<label>""" + _WORD + r""")[ \t]+[-–][ \t]+(?P<text>\S.*)$""",
    re.X,
)
OLD_HEADER = re.compile(r"^#\s*(?P<key>[^:#]{1,40}?)\s*:\s*(?P<value>.*?)\s*$")
OLD_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?[ \t]+([^>]+)>(.*?)(?:</v>|(?=<v[\s.])|$)", re.S)
OLD_NOTE_PAIR = re.compile(r"^(?:NOTE\s+)?(?P<key>[\w\- ]{1,30}?)\s*:\s*(?P<value>.+?)\s*$")
OLD_TAG = re.compile(r"<[^>]*>")
OLD_SUBJECT_PREFIX = re.compile(r"^\s*([\w]{1,10})\s*(?:\[\d+\])?\s*:\s*")
OLD_SKIPPED = re.compile(r";\s*(?:[a-z ]+ )?(?:skipped|left out(?: [a-z ]+)?)$")


class _TooSlow(BaseException):  # not caught by a reader's "except Exception"
    pass


def _timed(run: Callable[[], object], limit: float | None = None) -> float:
    """Seconds ``run`` took; :class:`_TooSlow` when a ``limit`` passes first (``_sre`` checks signals)."""
    def stop(signum: int, frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    if limit is not None:
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_linear(make: Callable[[int], Callable[[], object]]) -> None:
    """``make(n)`` is a call on an input of about ``n`` characters: ten times the input, at most 30 times
    the time (the best of three runs each; a floor of 50 ms keeps a run of a millisecond from flaking)."""
    small, large = make(N // 10), make(N)
    base = min(_timed(small) for _ in range(3))
    limit = max(RATIO * base, 0.05)
    for attempt in range(2):
        try:
            _timed(large, limit)
            return
        except _TooSlow:
            if attempt:
                pytest.fail(f"{N:,} characters took over {RATIO}× the time of {N // 10:,} ({base:.4f} s): "
                            "not linear")


def _reading(tmp_path: Path, name: str, text: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
    def make(n: int) -> Callable[[], object]:
        path = tmp_path / f"{n}-{name}"
        path.write_text(text(n), encoding="utf-8")
        return lambda: read_all([path])
    return make


TRANSCRIPT = "Klient: Tere, mu tellimus ei ole kohale jõudnud.\nTeenindaja (Kati): Vaatan kohe järele.\n"


@pytest.mark.parametrize("text", [
    lambda n: TRANSCRIPT + "# ref: x" + " " * n + "y\n",  # HEADER's value
    lambda n: TRANSCRIPT + "#" + " " * n + "x\n",  # HEADER's key
    lambda n: TRANSCRIPT + "and also" + " " * n + "this\n",  # _PREFIX: a label and a long run
    lambda n: TRANSCRIPT + "Agent Kati" + " " * n + "(x\n",  # _PREFIX: blanks before and after the brackets
], ids=["header-value", "header-key", "continuation", "paren"])
def test_transcript_lines_read_in_linear_time(tmp_path: Path, text: Callable[[int], str]) -> None:
    assert_linear(_reading(tmp_path, "t.txt", text))


VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Klient>Tere\n\n"


@pytest.mark.parametrize("text", [
    lambda n: VTT + "00:00:03.000 --> 00:00:04.000\n<v" + " " * n + "\n",  # _VOICE: blanks, no ">"
    lambda n: VTT + "00:00:03.000 --> 00:00:04.000\n" + "<v a" * (n // 4) + "\n",  # _VOICE: many starts
    lambda n: VTT + "00:00:03.000 --> 00:00:04.000\nKlient: " + "<" * n + "\n",  # _TAG: many starts
    lambda n: "WEBVTT\n\nNOTE" + " " * n + "x\n\n" + VTT[8:],  # _NOTE_PAIR: key
    lambda n: "WEBVTT\n\nNOTE id: x" + " " * n + "y\n\n" + VTT[8:],  # _NOTE_PAIR: value
], ids=["voice-blanks", "voice-starts", "tags", "note-key", "note-value"])
def test_captions_read_in_linear_time(tmp_path: Path, text: Callable[[int], str]) -> None:
    assert_linear(_reading(tmp_path, "c.vtt", text))


@pytest.mark.parametrize("call", [
    lambda n: lambda: subject_key("Re" + " " * n + "x"),
    lambda n: lambda: _SKIPPED.sub("", ";" + " " * n + "a" + " " * n),
    # a line break in the text (a CSV cell's speaker may hold one): _PREFIX's blanks after the colon
    lambda n: lambda: parse_prefix("Klient:" + " " * n + "x\ny", ReaderOptions()),
    lambda n: lambda: parse_prefix("[X]" + " " * n + "\ny\nz", ReaderOptions()),
], ids=["subject", "skipped", "after-colon", "bracketed"])
def test_other_patterns_take_linear_time(call: Callable[[int], Callable[[], object]]) -> None:
    assert_linear(call)


# What the new code reads must be what the old patterns read: random lines over the characters that
# matter to them (blanks of every kind, brackets, colons, dashes, digits, letters), and hand-made ones.

_ALPHABET = list("  \t\t\n\r\x0b\x1c\xa0\u2028:::##[]()<>v.-–'’/TNOE1905aKé_") + [
    "Klient", "Agent", "Kati", "NOTE", "NOTE ", "<v ", "</v>", "<v.x ", "10:32", "[10:32]", "id", " " * 35]


def _lines(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 14))) for _ in range(count)]


EDGES = [
    "#:", "#   : v", "# : v", "#\t \t: v", "# a b : c d ", "#" + "k" * 40 + ": v", "#" + "k" * 41 + ": v",
    "# a#b: v", "# a: b\nc", "# a:\nb", "# a: b\n", "#a:\x1c b \xa0",
    "NOTE : v", "NOTE  : v", "NOTE \t: v", "NOTE\t : v", "NOTE id: v", "NOTE  id : v w ", "id: v", "NOTE: v",
    "NOTE id:", "NOTE id: a\nb", "NOTE " + "k" * 30 + ": v", "NOTE " + "k" * 31 + ": v", "NOTE x\t y: v",
    "x y: v", "x\ty: v", "NOTE" + " " * 29 + "a: v",
    "[X] :y", "[X]:y", "[X] \ny", "[X]   y", "Klient: \nabc", "Klient:abc\ndef", "Agent Kati (Mari) : x",
    "Agent Kati ( Mari ):x", "[10:32] - Klient: x", "10:32 – Klient: x", "KLIENT - tere", "Kati-Mari – x",
    "<v   >x", "<v >x", "<v\t\tKlient>a</v>b", "<v.loud Agent>x<v Klient>y",
    "<v a<v b>", "<<v a>", "<v \n a>x\n",
    "; row skipped", ";  left out of eval", "a; b ;c skipped", "; \n skipped",
    "Re: x", "Re [2] : x", "Re[2]:x", " Re :x", "Re  [2]  :  x",
]


def _same_match(old: re.Match[str] | None, new: re.Match[str] | None) -> None:
    assert (old is None) == (new is None)
    if old is not None and new is not None:
        assert (old.span(), old.groupdict(), old.groups()) == (new.span(), new.groupdict(), new.groups())


@pytest.mark.parametrize("seed", range(4))
def test_patterns_match_as_before(seed: int) -> None:
    for line in _lines(seed, 12_000) + EDGES:
        _same_match(OLD_PREFIX.match(line), _PREFIX.match(line))
        _same_match(OLD_DASHED.match(line), _DASHED.match(line))
        _same_match(OLD_SUBJECT_PREFIX.match(line), _SUBJECT_PREFIX.match(line))
        assert OLD_SKIPPED.sub("", line) == _SKIPPED.sub("", line)
        old_header = OLD_HEADER.match(line)
        assert _header(line) == (old_header and (old_header["key"], old_header["value"])), repr(line)
        old_note = OLD_NOTE_PAIR.match(line.strip())
        assert _note_pair(line) == (old_note and (old_note["key"], old_note["value"])), repr(line)
        # the voice is read stripped: the new pattern's group 1 may keep blanks the old one left out
        old_voices = [(m.span(), m[1].strip(), m[2]) for m in OLD_VOICE.finditer(line)]
        assert [(m.span(), m[1].strip(), m[2]) for m in _voice_tags(line)] == old_voices, repr(line)
        assert _clean(line) == " ".join(html.unescape(OLD_TAG.sub("", line)).split())


def test_long_blank_runs_still_read() -> None:
    options = ReaderOptions()
    assert unknown_speaker_label("[SPEAKER_01]:" + " " * N + "x") == ("SPEAKER_01", True)
    assert parse_prefix("Klient:" + " " * N + "tere", options).text == "tere"  # type: ignore[union-attr]
