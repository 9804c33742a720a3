"""The tagger contract: what a tagger needs, what it produces, and how its output is checked.

A tagger is a small object with a frozen configuration. Subclasses declare
``name``, ``needs`` and ``config_class`` and write one private method,
:meth:`Tagger._tag`; the public :meth:`Tagger.tag` checks the input, runs
``_tag`` and validates what comes back, naming the tagger in every error.
:meth:`Tagger.stages` gives the stage sets alone (what ``servio tag`` and
``servio eval`` write); a tagger that can skip work for it, such as building
evidence, overrides :meth:`Tagger._stages`.
"""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from servio.model import Conversation, Language, Turn
from servio.results import Evidence, StageTag, TurnTags

if TYPE_CHECKING:
    from servio.language import TextAnalysis

#: What a tagger may ask the pipeline for: the raw turns, or the per-turn text analysis.
KNOWN_NEEDS: frozenset[str] = frozenset({"text", "analysis"})
#: What a stage tagger produces.
PRODUCES_STAGES = "stages"
_T = TypeVar("_T")


class TaggerError(Exception):
    """A tagger was declared wrongly, got unusable input or produced invalid output."""


@dataclass(frozen=True, slots=True)
class TurnAnalysis:
    """One turn as a tagger sees it: the turn, its language and (if needed) its text analysis."""

    index: int
    turn: Turn
    language: Language
    text: TextAnalysis | None = None


@dataclass(frozen=True, slots=True)
class ConversationAnalysis:
    """A conversation prepared for tagging: its language and one :class:`TurnAnalysis` per turn."""

    conversation: Conversation
    language: Language
    turns: tuple[TurnAnalysis, ...]


@dataclass(frozen=True, slots=True)
class TaggerConfig:
    """Base configuration of a tagger (subclasses add frozen fields)."""


class Tagger(ABC):
    """Base class of all stage taggers.

    Class attributes: ``name`` (registry key), ``needs`` (a subset of
    :data:`KNOWN_NEEDS`), ``produces`` (``"stages"``) and ``config_class``
    (a frozen dataclass). Instances are immutable and safe to share.
    """

    name: ClassVar[str] = ""
    needs: ClassVar[frozenset[str]] = frozenset({"analysis"})
    produces: ClassVar[str] = PRODUCES_STAGES
    config_class: ClassVar[type[TaggerConfig]] = TaggerConfig

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "__abstractmethods__", None):
            return
        _check_declaration(cls)

    def __init__(self, config: TaggerConfig | None = None, **overrides: Any) -> None:
        cfg = config if config is not None else self.config_class()
        if not isinstance(cfg, self.config_class):
            raise TaggerError(f"tagger {self.name!r}: config must be a {self.config_class.__name__}")
        if overrides:
            try:
                cfg = dataclasses.replace(cfg, **overrides)
            except TypeError as exc:
                raise TaggerError(f"tagger {self.name!r}: bad configuration: {exc}") from exc
        self._config = cfg

    @property
    def config(self) -> TaggerConfig:
        """The frozen configuration of this tagger."""
        return self._config

    def tag(self, analysis: ConversationAnalysis, *, evidence: bool = True) -> tuple[TurnTags, ...]:
        """Tag every turn of ``analysis``; the result is validated (one TurnTags per turn, in order).

        With ``evidence=False`` the tagger may leave the evidence out where that is cheaper (scores and
        profiles never read it); the stages and confidences are those of ``evidence=True``.
        """
        step = self._tag if evidence else self._tag_without_evidence
        return validate_output(self.name, analysis, self._guarded(step, analysis), evidence=evidence)

    def guarded_tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        """The tags of :meth:`tag` (with evidence) on checked input, without validating them: for a
        tagger whose output feeds another one inside servio (the rule tagger's, read by the learned
        tagger as features), where the check would run on every conversation for nothing."""
        return self._guarded(self._tag, analysis)

    @abstractmethod
    def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        """Produce one :class:`TurnTags` per turn (implemented by subclasses)."""

    def stages(self, analysis: ConversationAnalysis) -> tuple[frozenset[int], ...]:
        """The stage set of every turn, without confidences or evidence: the same sets as
        :meth:`tag` gives, validated the same way."""
        return validate_stages(self.name, analysis, self._guarded(self._stages, analysis))

    def _tag_without_evidence(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        """The tags of :meth:`_tag`, evidence optional (override when they come cheaper without it)."""
        return self._tag(analysis)

    def _stages(self, analysis: ConversationAnalysis) -> Sequence[frozenset[int]]:
        """The stage sets of :meth:`_tag` (override when they come cheaper without the evidence)."""
        return [t.stages for t in self._tag(analysis)]

    def _guarded(self, step: Callable[[ConversationAnalysis], _T], analysis: ConversationAnalysis) -> _T:
        """``step(analysis)`` on checked input; any failure but a TaggerError is wrapped in one naming
        the tagger and the conversation."""
        self._check_input(analysis)
        try:
            return step(analysis)
        except TaggerError:
            raise
        except Exception as exc:
            raise TaggerError(f"tagger {self.name!r} failed on conversation "
                              f"{analysis.conversation.id!r}: {exc}") from exc

    def _check_input(self, analysis: ConversationAnalysis) -> None:
        if not isinstance(analysis, ConversationAnalysis):
            raise TaggerError(f"tagger {self.name!r} needs a ConversationAnalysis, "
                              f"got {type(analysis).__name__}")
        if len(analysis.turns) != len(analysis.conversation.turns):
            raise TaggerError(f"tagger {self.name!r}: analysis has {len(analysis.turns)} turns, "
                              f"conversation has {len(analysis.conversation.turns)}")
        if "analysis" in self.needs and any(t.text is None for t in analysis.turns):
            raise TaggerError(f"tagger {self.name!r} needs the text analysis of every turn")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, config={self._config!r})"


def _check_declaration(cls: type[Tagger]) -> None:
    label = cls.__name__
    if not isinstance(cls.name, str) or not cls.name.strip():
        raise TaggerError(f"tagger class {label}: 'name' must be a non-empty string")
    label = f"{cls.name!r} ({cls.__name__})"
    needs = cls.needs
    if not isinstance(needs, frozenset | set) or not needs <= KNOWN_NEEDS:
        raise TaggerError(f"tagger {label}: 'needs' must be a subset of {sorted(KNOWN_NEEDS)}, got {needs!r}")
    if cls.produces != PRODUCES_STAGES:
        raise TaggerError(f"tagger {label}: 'produces' must be {PRODUCES_STAGES!r}, got {cls.produces!r}")
    cfg = cls.config_class
    if not (isinstance(cfg, type) and issubclass(cfg, TaggerConfig) and dataclasses.is_dataclass(cfg)
            and cfg.__dataclass_params__.frozen):  # type: ignore[attr-defined]
        raise TaggerError(f"tagger {label}: 'config_class' must be a frozen dataclass "
                          "subclassing TaggerConfig")


def validate_output(name: str, analysis: ConversationAnalysis, out: object, *,
                    evidence: bool = True) -> tuple[TurnTags, ...]:
    """Check a tagger's output against the contract; raise :class:`TaggerError` naming ``name``
    (``evidence=False``: tags may come without evidence)."""
    where = f"tagger {name!r} on conversation {analysis.conversation.id!r}"
    items = _one_per_turn(where, analysis, out, "TurnTags")
    for i, tt in enumerate(items):
        if not isinstance(tt, TurnTags):
            raise TaggerError(f"{where}: item {i} is {type(tt).__name__}, not TurnTags")
        if tt.index != i:
            raise TaggerError(f"{where}: item {i} has index {tt.index} (must be in turn order)")
        _validate_tags(f"{where}, turn index {i}", tt.tags, evidence)
    return cast("tuple[TurnTags, ...]", tuple(items))


def validate_stages(name: str, analysis: ConversationAnalysis, out: object) -> tuple[frozenset[int], ...]:
    """Check the stage sets of :meth:`Tagger._stages`; raise :class:`TaggerError` naming ``name``."""
    where = f"tagger {name!r} on conversation {analysis.conversation.id!r}"
    items = _one_per_turn(where, analysis, out, "stage sets")
    for i, stages in enumerate(items):
        if not isinstance(stages, frozenset):
            raise TaggerError(f"{where}: item {i} is {type(stages).__name__}, not a frozenset")
        for stage in stages:
            _check_stage(f"{where}, turn index {i}", stage)
    return cast("tuple[frozenset[int], ...]", tuple(items))


def _one_per_turn(where: str, analysis: ConversationAnalysis, out: object, what: str) -> Sequence[object]:
    """``out`` when it is a sequence with one item per turn."""
    if isinstance(out, str | bytes) or not isinstance(out, Sequence):
        raise TaggerError(f"{where}: must return a sequence of {what}, got {type(out).__name__}")
    if len(out) != len(analysis.turns):
        raise TaggerError(f"{where}: returned {len(out)} {what} for {len(analysis.turns)} turns")
    return out


def _check_stage(where: str, stage: object) -> None:
    if isinstance(stage, bool) or not isinstance(stage, int) or not 1 <= stage <= 7:
        raise TaggerError(f"{where}: stage {stage!r} is not in 1..7")


def _validate_tags(where: str, tags: object, evidence: bool = True) -> None:
    if not isinstance(tags, tuple):
        raise TaggerError(f"{where}: tags must be a tuple")
    seen: set[int] = set()
    for tag in tags:
        if not isinstance(tag, StageTag):
            raise TaggerError(f"{where}: {type(tag).__name__} is not a StageTag")
        _check_stage(where, tag.stage)
        if tag.stage in seen:
            raise TaggerError(f"{where}: stage {tag.stage} tagged twice")
        seen.add(tag.stage)
        conf = tag.confidence
        if not isinstance(conf, int | float) or math.isnan(conf) or not 0.0 <= conf <= 1.0:
            raise TaggerError(f"{where}: confidence {conf!r} of stage {tag.stage} is not in [0, 1]")
        if evidence and not tag.evidence:
            raise TaggerError(f"{where}: stage {tag.stage} has no evidence")
        if not all(isinstance(e, Evidence) for e in tag.evidence):
            raise TaggerError(f"{where}: evidence of stage {tag.stage} must be Evidence objects")
