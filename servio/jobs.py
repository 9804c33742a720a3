"""Whole jobs over files: read -> analyze -> evaluate, shared by the CLI and scripts.

Each function streams; the caller decides how to print. Problems with the
input never stop the good records: they go to ``on_problem`` and the
:class:`~servio.ingest.ReadReport` counts them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from servio.analyze.registry import DEFAULT_TAGGER
from servio.model import Channel, ContactType, Conversation, Language, Speaker
from servio.results import ConversationResult, StagedConversation, TaggedConversation

if TYPE_CHECKING:
    from servio.analyze.base import Tagger
    from servio.evaluate.scorecard import Scorecard
    from servio.ingest import ConversationStream
    from servio.ingest.said import Said


@dataclass(frozen=True, slots=True)
class JobOptions:
    """What every job needs to know about its input and analysis."""

    format: str | None = None
    strict: bool = False
    language: Language | None = None
    contact_type: ContactType | None = None
    tagger: str | Tagger = DEFAULT_TAGGER  # a registered name, or a configured tagger (``--model``)
    reader_options: Any = None
    on_problem: Callable[[Any], None] | None = None
    on_note: Callable[[Any], None] | None = None
    workers: int = 1  # processes that tag and score (reading and output stay in this one)
    scorecard: str | None = None  # a scorecard TOML file (see docs/scorecard.md); None: the default


@dataclass(frozen=True, slots=True)
class _Analysis:
    """What a worker process needs of :class:`JobOptions` (the callbacks stay in the main process)."""

    tagger: str | Tagger
    language: Language | None
    contact_type: ContactType | None
    evidence: bool = True
    scorecard: str | None = None


@dataclass(slots=True)
class Counter:
    """Counts conversations as they stream past (for progress and summaries)."""

    seen: int = 0
    tick: Callable[[int], None] | None = field(default=None)

    def wrap(self, items: Iterable[Conversation]) -> Iterator[Conversation]:
        for item in items:
            self.seen += 1
            if self.tick is not None:
                self.tick(1)
            yield item


def read(paths: Sequence[str | Path], opts: JobOptions) -> ConversationStream:
    """Stream conversations from files or folders in any supported format."""
    from servio.ingest import read_conversations

    return read_conversations(
        paths,
        format=opts.format,
        strict=opts.strict,
        options=opts.reader_options,
        on_problem=opts.on_problem,
        on_note=opts.on_note,
    )


#: How a count of turns without the agent's is said (a message code per speaker, one turn or more).
_TURN_COUNT = {(Speaker.CUSTOMER, True): "score.customer_one",
               (Speaker.CUSTOMER, False): "score.customer_many",
               (Speaker.SYSTEM, True): "score.system_one", (Speaker.SYSTEM, False): "score.system_many"}


def unscorable(conv: Conversation) -> Said | None:
    """Why ``conv`` has nothing to score, as a reading problem's message, or None.

    A conversation whose turns hold no text (an export of attachments, empty strings), or none by the
    agent (a customer who left before anyone answered, a bot's greeting, an agent labelled otherwise),
    would score 0 on every stage and drag the agent's and team's means down for nothing they did.
    """
    from servio.ingest.remedies import remedy
    from servio.ingest.said import Said

    said = _turns_with_text(conv)
    if not said:
        return Said("skip.conversation", {"reason": Said("score.no_text")})
    if Speaker.AGENT not in said:
        counts = [Said(_TURN_COUNT[speaker, n == 1], {"count": n}) for speaker, n in said.items()]
        only = (counts[0] if len(counts) == 1
                else Said("score.both", {"first": counts[0], "second": counts[1]}))
        # an e-mail's agent is told by the sender's address, any other conversation's by its labels
        kind = "agent_email" if conv.channel == Channel.EMAIL else "agent_labels"
        reason = Said("score.no_agent", {"only": only, "remedy": remedy(kind)})
        return Said("skip.conversation", {"reason": reason})
    return None


def scorable(conversations: Iterable[Conversation],
             reject: Callable[[Any], None]) -> Iterator[Conversation]:
    """``conversations`` without those that have nothing to score (:func:`unscorable`), each of which is
    handed to ``reject`` as it is read (``ConversationStream.reject``: a problem at its file and line).

    For the jobs that score (``servio analyze``, ``agents``, ``report``, imports); ``servio tag`` writes
    every conversation it reads, with empty stages where there is no text.
    """
    for conv in conversations:
        reason = unscorable(conv)
        if reason is None:
            yield conv
        else:
            reject(reason)


def _turns_with_text(conv: Conversation) -> dict[Speaker, int]:
    """How many turns with visible text each speaker has, in order of first appearance."""
    said: dict[Speaker, int] = {}
    for turn in conv.turns:
        if turn.text.strip():
            said[turn.speaker] = said.get(turn.speaker, 0) + 1
    return said


def tag(conversations: Iterable[Conversation], opts: JobOptions) -> Iterator[TaggedConversation]:
    """Tag each conversation's turns with stages."""
    return _mapped(_tag_one, conversations, opts)


def label(conversations: Iterable[Conversation], opts: JobOptions) -> Iterator[StagedConversation]:
    """The stage set of each conversation's turns, without evidence (what ``servio tag`` writes)."""
    return _mapped(_label_one, conversations, opts)


def score(
    conversations: Iterable[Conversation], opts: JobOptions, *, evidence: bool = True
) -> Iterator[tuple[Conversation, ConversationResult]]:
    """Tag and evaluate each conversation: its scorecard, failure patterns and feedback.

    ``evidence=False`` (profiles, reports): the results' tags may carry no evidence, which scoring
    never reads; the learned tagger is then about twice as fast.
    """
    return _mapped(_score_one, conversations, opts, evidence=evidence)


def _mapped(work: Callable[[_Analysis, Conversation], Any], conversations: Iterable[Conversation],
            opts: JobOptions, *, evidence: bool = True) -> Iterator[Any]:
    """``work`` on each conversation, in ``opts.workers`` processes, in input order."""
    from servio.parallel import ordered_map

    analysis = _Analysis(tagger=opts.tagger, language=opts.language, contact_type=opts.contact_type,
                         evidence=evidence, scorecard=opts.scorecard)
    return ordered_map(partial(work, analysis), conversations, opts.workers)


def _tag_one(analysis: _Analysis, conv: Conversation) -> TaggedConversation:
    from servio.analyze import analyze

    return analyze(conv, tagger=analysis.tagger, language=analysis.language, evidence=analysis.evidence)


def _label_one(analysis: _Analysis, conv: Conversation) -> StagedConversation:
    from servio.analyze import analyze_stages

    return analyze_stages(conv, tagger=analysis.tagger, language=analysis.language)


def _score_one(analysis: _Analysis, conv: Conversation) -> tuple[Conversation, ConversationResult]:
    from servio.evaluate import evaluate

    tagged = _tag_one(analysis, conv)
    contact_type = analysis.contact_type or tagged.conversation.contact_type
    card = scorecard(analysis.scorecard) if analysis.scorecard else None
    return tagged.conversation, evaluate(tagged, contact_type=contact_type, scorecard=card)


@lru_cache(maxsize=4)
def scorecard(path: str) -> Scorecard:
    """The scorecard of a TOML file, read once per process (a worker process reads it once too);
    :class:`~servio.evaluate.ScorecardError` names the file and what is wrong."""
    from servio.evaluate import load_scorecard

    return load_scorecard(path)


def tagged_record(tagged: TaggedConversation | StagedConversation) -> dict[str, Any]:
    """One conversation in the ../shared/data JSON Lines format, with predicted ``stages``."""
    conv = tagged.conversation
    record: dict[str, Any] = {"id": conv.id}
    record["language"] = str(conv.language) if conv.language else None
    given = conv.metadata.get("channel")  # an unknown channel the reader kept (read as "other")
    unknown = conv.channel is Channel.OTHER and isinstance(given, str)
    record["channel"] = given if unknown else str(conv.channel)
    for key, value in (("agent_id", conv.agent_id), ("team", conv.team)):
        if value is not None:
            record[key] = value
    if conv.contact_type is not None:
        record["contact_type"] = str(conv.contact_type)
    if conv.started_at is not None:
        record["started_at"] = conv.started_at.isoformat()
    turn_extra = conv.metadata.get("turn_extra")
    if not _is_turn_extra(turn_extra):
        turn_extra = None
    for key, value in conv.metadata.items():
        if not (key == "turn_extra" and turn_extra is not None):
            record.setdefault(key, value)
    record["turns"] = [
        _turn_record(turn, sorted(tagged.stages_of(i)), turn_extra.get(str(i + 1)) if turn_extra else None)
        for i, turn in enumerate(conv.turns)
    ]
    return record


def _is_turn_extra(value: Any) -> bool:
    """Whether ``value`` is the reader's ``turn_extra`` ({"<turn number>": {key: value}})."""
    return isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())


def _turn_record(turn: Any, stages: list[int], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A turn as in the input format, with ``stages``; keys the reader kept aside go back on the turn."""
    out: dict[str, Any] = {"speaker": str(turn.speaker), "text": turn.text, "stages": stages}
    if turn.author:
        out["author"] = turn.author
    if turn.timestamp is not None:
        out["timestamp"] = turn.timestamp.isoformat()
    for key, value in (extra or {}).items():
        out.setdefault(key, value)
    return out


def write_tagged(tagged: Iterable[TaggedConversation | StagedConversation], out: IO[str]) -> int:
    """Write tagged conversations as JSON Lines; returns how many were written."""
    n = 0
    for item in tagged:
        out.write(json.dumps(tagged_record(item), ensure_ascii=False) + "\n")
        n += 1
    return n


def gold_and_predicted(
    conversations: Iterable[Conversation], opts: JobOptions
) -> Iterator[tuple[str, list[frozenset[int]], list[frozenset[int]]]]:
    """Per conversation: its language, the gold stage sets and the predicted ones.

    Conversations without gold ``stages`` on every turn are skipped and
    reported through ``opts.on_problem``.
    """
    for staged in label(conversations, opts):
        conv = staged.conversation
        gold = [t.stages for t in conv.turns]
        if any(g is None for g in gold):
            if opts.on_problem is not None:
                opts.on_problem(f"{conv.id}: some turns have no gold 'stages'; conversation left out of eval")
            continue
        language = str(conv.language or opts.language or "en")
        yield language, [frozenset(g or ()) for g in gold], list(staged.stages)


def tagging_metrics(conversations: Iterable[Conversation], opts: JobOptions) -> dict[str, Any]:
    """Per-language and overall tagging metrics of gold-labelled conversations."""
    from servio.evaluate.metrics import stage_metrics

    by_lang: dict[str, tuple[list[frozenset[int]], list[frozenset[int]]]] = {}
    for language, gold, pred in gold_and_predicted(conversations, opts):
        g, p = by_lang.setdefault(language, ([], []))
        g.extend(gold)
        p.extend(pred)
    out: dict[str, Any] = {lang: stage_metrics(g, p) for lang, (g, p) in sorted(by_lang.items())}
    if len(by_lang) > 1:
        all_g = [x for g, _ in by_lang.values() for x in g]
        all_p = [x for _, p in by_lang.values() for x in p]
        out["all"] = stage_metrics(all_g, all_p)
    return out
