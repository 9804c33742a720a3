"""The learned tagger: a trained two-pass linear model over hashed turn features.

The packaged model (``servio/data/models/stages.json``) or a model file named
in the configuration is read on the first call to :meth:`LearnedTagger.tag`,
never at import.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import compress
from pathlib import Path
from typing import NamedTuple

import numpy as np

from servio.analyze.base import ConversationAnalysis, Tagger, TaggerConfig, TaggerError
from servio.analyze.learned.context import rule_matrix
from servio.analyze.learned.explain import explain_rows
from servio.analyze.learned.features import Featurizer
from servio.analyze.learned.flat import FlatFeatures, FlatFeaturizer
from servio.analyze.learned.model import ModelError, StageModel, load_model
from servio.analyze.learned.scores import FirstPass, supported
from servio.model import Speaker
from servio.results import StageTag, TurnTags

#: File name of the packaged model under ``servio/data/models/``.
PACKAGED_MODEL = "stages.json"
#: File name of the packaged live model (``servio train --live``): it tags the newest turn of a chat in
#: progress, which has no later turn to read.
PACKAGED_LIVE_MODEL = "live.json"


@dataclass(frozen=True, slots=True)
class LearnedConfig(TaggerConfig):
    """Configuration of the learned tagger.

    ``model_path``: a model file written by ``servio train`` (empty: the packaged
    model); ``evidence``: how many top features each tag names.
    """

    model_path: str = ""
    evidence: int = 5


class Prediction(NamedTuple):
    """What :meth:`Runtime.predict` works out for one conversation."""

    features: FlatFeatures
    contributions: np.ndarray  # per feature row of every turn, per stage (see StageModel.contributions)
    probabilities: np.ndarray  # turns x 7
    context: np.ndarray  # the second-pass inputs, turns x len(CONTEXT_NAMES)


class Runtime:
    """A loaded model with its featuriser (and the rule tagger when the model uses cue hits).

    :meth:`predict` builds every feature by name, for the evidence (through
    :class:`~servio.analyze.learned.flat.FlatFeaturizer`: the featuriser's features, from cached parts);
    :meth:`probabilities` sums the first pass from per-word sums
    (:class:`~servio.analyze.learned.scores.FirstPass`) instead.
    """

    def __init__(self, model: StageModel) -> None:
        self.model = model
        self.featurizer = Featurizer(model.spec)
        self.flat = FlatFeaturizer(self.featurizer)
        self._first = FirstPass(self.featurizer, model.weights) if supported(model.spec) else None
        self._rules: Tagger | None = None
        self._lock = threading.Lock()

    def rule_tags(self, analysis: ConversationAnalysis) -> Sequence[TurnTags] | None:
        """The rule tagger's output, when this model's features use it."""
        if not self.model.spec.rules:
            return None
        if self._rules is None:
            with self._lock:
                if self._rules is None:
                    from servio.analyze.rules import RuleTagger

                    self._rules = RuleTagger()
        last = _last_rule_tags
        if last is not None and last[0] is analysis:
            return last[1]
        # The rule tagger's own step, not its validated tag(): these tags are features read here on
        # every conversation, and checking each tag's type, stage and confidence again was about 1.5% of
        # the rule pass in a profile of servio tag (the rule tagger's output is checked wherever it is
        # the answer, and its tests hold it to the contract).
        tags = self._rules.guarded_tag(analysis)
        _remember_rule_tags(analysis, tags)
        return tags

    def probabilities(self, analysis: ConversationAnalysis) -> np.ndarray:
        """Stage probabilities per turn (turns x 7), without building the features for evidence.

        The first pass is summed from per-word sums when the model allows it, which gives the
        logits of :meth:`predict` up to float rounding.
        """
        rule_tags = self.rule_tags(analysis)
        if self._first is not None:
            first = self._first.scores(analysis, rule_tags) + self.model.bias
        else:
            first = self.model.first_pass(self.featurizer.conversation(analysis, rule_tags))
        probs, _ = self._second_pass(analysis, rule_tags, first)
        return probs

    def predict(self, analysis: ConversationAnalysis) -> Prediction:
        """Features, their first-pass contributions, stage probabilities and second-pass inputs."""
        rule_tags = self.rule_tags(analysis)
        feats = self.flat.conversation(analysis, rule_tags)
        contributions = self.model.weighted(feats.indices, feats.values)
        probs, ctx = self._second_pass(analysis, rule_tags, self.model.summed(contributions, feats.sizes))
        return Prediction(feats, contributions, probs, ctx)

    def _second_pass(self, analysis: ConversationAnalysis, rule_tags: Sequence[TurnTags] | None,
                     first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        speakers = [t.turn.speaker for t in analysis.turns]  # str enum members: no .value look-up
        rules = rule_matrix(rule_tags) if rule_tags is not None else None
        return self.model.from_first_pass(first, speakers, rules)


#: The rule tagger's output on the last analysis any runtime tagged (every runtime runs the rule tagger
#: with its default configuration): a live session tags the same chat with the batch and the live model,
#: which would otherwise run the rule tagger on it twice. The analysis is held, so identity is safe.
_last_rule_tags: tuple[ConversationAnalysis, Sequence[TurnTags]] | None = None


def _remember_rule_tags(analysis: ConversationAnalysis, tags: Sequence[TurnTags]) -> None:
    global _last_rule_tags
    _last_rule_tags = (analysis, tags)  # one assignment: threads see the old pair or the new one


def packaged_model_path(name: str = PACKAGED_MODEL) -> Path:
    """Where a packaged model lives (the stage model unless ``name`` says otherwise)."""
    return Path(str(resources.files("servio.data").joinpath("models", name)))


@lru_cache(maxsize=8)
def load_runtime(model_path: str = "") -> Runtime:
    """The runtime of a model file (the packaged one when empty), loaded once per process."""
    path = Path(model_path) if model_path else packaged_model_path()
    if not path.is_file():
        raise ModelError(f"no stage model at {path} (train one with `servio train DATA... -o MODEL`)")
    return Runtime(load_model(path))


class LearnedTagger(Tagger):
    """Stages from a trained model; every tag names the features that weighed most."""

    name = "learned"
    needs = frozenset({"analysis"})
    config_class = LearnedConfig

    def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        cfg = self._learned_config()
        runtime = self._runtime()
        feats, contributions, probs, ctx = runtime.predict(analysis)
        stages = _above(probs, runtime.model.thresholds, analysis)
        evidence = explain_rows(runtime.model, feats.names, feats.sizes, ctx, stages, cfg.evidence,
                                contributions)
        out = []
        for i, (row, wanted, turn_evidence) in enumerate(zip(probs.tolist(), stages, evidence, strict=True)):
            tags = tuple(StageTag(stage=s, confidence=round(row[s - 1], 4), evidence=ev)
                         for s, ev in zip(wanted, turn_evidence, strict=True))
            out.append(TurnTags(index=i, tags=tags))
        return out

    def _tag_without_evidence(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        """The stages and confidences of :meth:`_tag` from the cheaper probabilities of :meth:`_stages`
        (the same float-rounding caveat), with no evidence."""
        probs, stages = self._predicted(analysis)
        return [TurnTags(index=i, tags=tuple(StageTag(stage=s, confidence=round(row[s - 1], 4))
                                             for s in wanted))
                for i, (row, wanted) in enumerate(zip(probs.tolist(), stages, strict=True))]

    def _stages(self, analysis: ConversationAnalysis) -> Sequence[frozenset[int]]:
        """The stage sets of :meth:`_tag` without working out their evidence (the first pass is summed
        in another order, so a probability within float rounding of its threshold could fall the other
        way; none does on the shared data or the examples)."""
        return [frozenset(stages) for stages in self._predicted(analysis)[1]]

    def _predicted(self, analysis: ConversationAnalysis) -> tuple[np.ndarray, list[list[int]]]:
        """Stage probabilities per turn (from per-word sums, no evidence) and the stages they reach."""
        runtime = self._runtime()
        probs = runtime.probabilities(analysis)
        return probs, _above(probs, runtime.model.thresholds, analysis)

    def _learned_config(self) -> LearnedConfig:
        cfg = self.config
        if not isinstance(cfg, LearnedConfig):  # pragma: no cover - guarded by the base class
            raise TaggerError(f"tagger {self.name!r}: wrong configuration type")
        return cfg

    def _runtime(self) -> Runtime:
        try:
            return load_runtime(self._learned_config().model_path)
        except ModelError as exc:
            raise TaggerError(f"tagger {self.name!r}: {exc}") from exc


def _above(probabilities: np.ndarray, thresholds: np.ndarray,
           analysis: ConversationAnalysis) -> list[list[int]]:
    """The stages (1..7) whose probability reaches its threshold, per turn; none on a system line
    (ANNOTATION.md: "system lines ... get an empty set"), whatever its words."""
    reached = (probabilities >= thresholds).tolist()  # plain lists: a numpy call per turn costs more
    stages = range(1, probabilities.shape[1] + 1)
    return [[] if turn.turn.speaker is Speaker.SYSTEM else list(compress(stages, row))
            for turn, row in zip(analysis.turns, reached, strict=True)]


def newest_turn_tagger(tagger: Tagger) -> Tagger | None:
    """The tagger of the newest turn of a chat in progress, for ``tagger`` tagging the rest: the learned
    tagger on the packaged live model when ``tagger`` is the learned tagger on the packaged model;
    None otherwise (a chosen model or another tagger tags the newest turn like the others)."""
    if not isinstance(tagger, LearnedTagger):
        return None
    cfg = tagger._learned_config()
    live = packaged_model_path(PACKAGED_LIVE_MODEL)
    if cfg.model_path or not live.is_file():
        return None
    return LearnedTagger(LearnedConfig(model_path=str(live), evidence=cfg.evidence))


#: The batch model's stage-7 confidence from which an agent's goodbye stays on the newest turn.
GOODBYE_KEPT = 0.8


def newest_turn_tags(batch: TurnTags, live: TurnTags, speaker: Speaker, *,
                     first_agent_turn: bool = False) -> TurnTags:
    """The tags of a chat's newest turn: the live model's, plus the batch model's goodbye (7) on an
    agent's turn when the batch model is nearly sure of it (:data:`GOODBYE_KEPT`). A goodbye closes the
    chat wherever it stands; the live model, which learnt from chats that mostly run longer, doubts one
    that comes early ("Done, I've changed it. Anything else?" as the second agent turn). Held out on
    the shared data this leaves micro-F1 where the live model alone has it (docs/live.md).

    Not on the agent's first turn (``first_agent_turn``): it opens a live chat. The batch model reads
    a newest turn as the last one, and after a customer's "..., thanks" it was sure that "Hi, I'm Mari.
    What happened?" closed the chat, so the panel said "No step left" at the start (live audit F5)."""
    if speaker is not Speaker.AGENT or 7 in live.stages or first_agent_turn:
        return live
    kept = [t for t in batch.tags if t.stage == 7 and t.confidence >= GOODBYE_KEPT]
    if not kept:
        return live
    return TurnTags(index=live.index, tags=tuple(sorted((*live.tags, *kept), key=lambda t: t.stage)))
