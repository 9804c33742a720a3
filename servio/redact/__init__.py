"""PII redaction: personal data in conversation text replaced by a token before anything is stored.

Kinds (on by default, see ``docs/privacy.md``): ``idcode`` (Estonian
isikukood, checksum), ``iban`` (mod-97), ``card`` (Luhn), ``phone``
(Estonian and international), ``email``. Each is replaced by one word such
as ``REDACTED-PHONE`` that servio's tokeniser keeps whole, so the stage
tagger still reads the sentence around it. Third-party kinds register with
:func:`register_detector` exactly as the built-ins do.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from servio.model import Conversation, Turn
from servio.redact import detectors

Detector = Callable[[str], Iterable[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class DetectorEntry:
    """A registered kind: its detector, default token and priority (lower wins an overlap)."""

    kind: str
    detect: Detector
    token: str
    priority: int


_REGISTRY: dict[str, DetectorEntry] = {}


def register_detector(kind: str, detect: Detector, *, token: str | None = None, priority: int = 50) -> None:
    """Add (or replace) a kind of personal data; ``token`` defaults to ``REDACTED-<KIND>``."""
    if not kind or not kind.replace("_", "").isalnum():
        raise ValueError(f"a redaction kind is a plain name, not {kind!r}")
    _REGISTRY[kind] = DetectorEntry(kind, detect, token or f"REDACTED-{kind.upper()}", priority)


def unregister_detector(kind: str) -> None:
    """Remove a registered kind (no error if it is not there)."""
    _REGISTRY.pop(kind, None)


def available_kinds() -> tuple[str, ...]:
    """The registered kinds, by priority."""
    return tuple(e.kind for e in sorted(_REGISTRY.values(), key=lambda e: (e.priority, e.kind)))


@dataclass(frozen=True, slots=True)
class Finding:
    """One redacted span of the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RedactionConfig:
    """What to redact: ``enabled`` (default on), ``kinds`` (None: every registered kind) and token overrides.

    ``RedactionConfig(kinds=frozenset({"email", "phone"}))`` redacts only those;
    ``RedactionConfig(tokens={"phone": "[PHONE]"})`` changes a replacement;
    ``RedactionConfig(enabled=False)`` stores text as it came.
    """

    enabled: bool = True
    kinds: frozenset[str] | None = None
    tokens: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kinds is not None:
            object.__setattr__(self, "kinds", frozenset(self.kinds))
        object.__setattr__(self, "tokens", MappingProxyType(dict(self.tokens)))

    def active(self) -> tuple[DetectorEntry, ...]:
        """The registered entries this configuration uses, by priority; unknown kinds raise ValueError."""
        if not self.enabled:
            return ()
        known = available_kinds()
        wanted = known if self.kinds is None else tuple(k for k in known if k in self.kinds)
        unknown = sorted((self.kinds or frozenset()) - set(known)) + sorted(set(self.tokens) - set(known))
        if unknown:
            raise ValueError(f"unknown redaction kind(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return tuple(_REGISTRY[k] for k in wanted)

    def token(self, kind: str) -> str:
        """The replacement of ``kind``."""
        return self.tokens.get(kind) or _REGISTRY[kind].token


def find(text: str, config: RedactionConfig | None = None) -> list[Finding]:
    """The spans to redact, non-overlapping, in text order (a higher-priority kind wins an overlap).

    Detectors read :func:`servio.redact.detectors.plain` text: Unicode digits,
    spaces and dashes as ASCII.
    """
    entries = (config or RedactionConfig()).active()
    if not text or not entries:
        return []
    text = detectors.plain(text)  # same length: the spans fit the original
    candidates = [(e.priority, -(end - start), start, end, e.kind)
                  for e in entries for start, end in e.detect(text) if 0 <= start < end <= len(text)]
    starts: list[int] = []  # the spans taken so far, in text order (they never overlap)
    taken: list[Finding] = []
    for _prio, _length, start, end, kind in sorted(candidates):
        at = bisect.bisect_right(starts, start)
        if (at == 0 or taken[at - 1].end <= start) and (at == len(taken) or end <= starts[at]):
            starts.insert(at, start)
            taken.insert(at, Finding(kind, start, end))
    return taken


def redact_text(text: str, config: RedactionConfig | None = None) -> tuple[str, list[Finding]]:
    """``text`` with every finding replaced by its kind's token, and the findings."""
    config = config or RedactionConfig()
    findings = find(text, config)
    if not findings:
        return text, []
    parts, pos = [], 0
    for f in findings:
        parts.append(text[pos:f.start])
        parts.append(config.token(f.kind))
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts), findings


def redact_conversation(conv: Conversation, config: RedactionConfig | None = None
                        ) -> tuple[Conversation, Counter[str]]:
    """The conversation with turn texts, authors, metadata strings (keys too) and where its lost records
    stood (``unread``: file names may hold a name or a personal code) redacted; counts by kind.

    Ids (conversation, agent, team) are kept: they are how servio groups results.
    """
    config = config or RedactionConfig()
    counts: Counter[str] = Counter()
    if not config.enabled:
        return conv, counts

    def clean(value: str) -> str:
        out, found = redact_text(value, config)
        counts.update(f.kind for f in found)
        return out

    turns = tuple(_redact_turn(t, clean) for t in conv.turns)
    metadata = {k: _redact_value(v, clean) for k, v in conv.metadata.items()}
    unread = tuple(clean(where) for where in conv.unread)
    if not counts:
        return conv, counts
    return replace(conv, turns=turns, metadata=metadata, unread=unread), counts


def _redact_turn(turn: Turn, clean: Callable[[str], str]) -> Turn:
    text = clean(turn.text)
    author = clean(turn.author) if turn.author else turn.author
    if text == turn.text and author == turn.author:
        return turn
    return replace(turn, text=text, author=author)


def _redact_value(value: Any, clean: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            out[_free_key(clean(key), out) if isinstance(key, str) else key] = _redact_value(item, clean)
        return out
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(v, clean) for v in value)
    return value


def _free_key(key: str, taken: Mapping[Any, Any]) -> str:
    """``key``, or ``key-2``, ``key-3`` ... when two keys redact to the same token."""
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}-{n}"
    return candidate


def _register_builtins() -> None:
    tokens = detectors.settings()["tokens"]
    for priority, (kind, detect) in enumerate((
        ("email", detectors.email), ("iban", detectors.iban), ("idcode", detectors.idcode),
        ("card", detectors.card), ("phone", detectors.phone),
    )):
        register_detector(kind, detect, token=tokens[kind], priority=10 * (priority + 1))


_register_builtins()

__all__ = [
    "Detector",
    "DetectorEntry",
    "Finding",
    "RedactionConfig",
    "available_kinds",
    "find",
    "redact_conversation",
    "redact_text",
    "register_detector",
    "unregister_detector",
]
