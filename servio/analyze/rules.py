"""The transparent rule tagger: cues from data files plus language-independent context rules.

For every turn, in order: build the matching views (:mod:`~servio.analyze.views`),
fire the cues of the turn's language (:mod:`~servio.analyze.matching`), then run
the context rules (:mod:`~servio.analyze.context`). Every stage carries the
evidence that put it there, so a reviewer can see why a turn got a stage.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from servio.analyze.base import ConversationAnalysis, TaggerConfig, TaggerError
from servio.analyze.base import Tagger as _Tagger
from servio.analyze.context import from_cues, run_rules
from servio.analyze.cues import CueError, CueSet, load_cue_file, load_cues
from servio.analyze.matching import match_turn
from servio.analyze.state import Settings, TurnState
from servio.analyze.views import build_view, positions
from servio.results import TurnTags


@dataclass(frozen=True, slots=True)
class RuleConfig(TaggerConfig):
    """Configuration of the rule tagger.

    ``cue_files`` maps a language code to a cue file that replaces the packaged
    one (as a tuple of ``(language, path)`` pairs, to stay hashable);
    ``context`` switches the context rules off (cues only), for debugging.
    """

    cue_files: tuple[tuple[str, str], ...] = ()
    context: bool = True


@cache
def load_settings() -> Settings:
    """The shared settings of the context rules, read once."""
    ref = resources.files("servio.data").joinpath("cues", "shared.toml")
    raw = tomllib.loads(ref.read_text("utf-8"))
    try:
        return Settings(threshold=float(raw["threshold"]), end_window=int(raw["end_window"]),
                        substantive_words=int(raw["substantive_words"]),
                        restate_words=int(raw["restate_words"]),
                        statement_words=int(raw["statement_words"]),
                        closing_window=int(raw["closing_window"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise CueError(f"servio/data/cues/shared.toml: bad or missing setting: {exc}") from exc


@cache
def _custom_cues(path: str, language: str) -> CueSet:
    return load_cue_file(path, language)


class RuleTagger(_Tagger):
    """Stages from cue files and context rules; every tag names the cue or rule behind it."""

    name = "rules"
    needs = frozenset({"analysis"})
    config_class = RuleConfig

    def cue_set(self, language: str) -> CueSet:
        """The cues used for ``language``."""
        cfg = self.config
        if not isinstance(cfg, RuleConfig):  # pragma: no cover - guarded by the base class
            raise TaggerError(f"tagger {self.name!r}: wrong configuration type")
        for lang, path in cfg.cue_files:
            if lang == language:
                return _custom_cues(path, language)
        return load_cues(language)

    def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        settings = load_settings()
        cfg = self.config
        use_context = not isinstance(cfg, RuleConfig) or cfg.context
        where = positions(analysis, settings.end_window, settings.closing_window)
        states: list[TurnState] = []
        by_language: dict[str, CueSet] = {}
        for turn, pos in zip(analysis.turns, where, strict=True):
            cues = by_language.get(turn.language)
            if cues is None:
                cues = by_language[turn.language] = self.cue_set(turn.language.value)
            view = build_view(turn, cues.question_starters, with_lemmas=cues.uses_lemmas,
                              keys=(cues.text_keys, cues.lemma_keys), lemma_triggers=cues.lemma_triggers)
            state = TurnState(view=view, position=pos, hits=match_turn(cues, view, pos))
            if use_context:
                run_rules(state, states, settings)  # the turns before this one (it is appended after)
            else:
                from_cues(state)
            states.append(state)
        return tuple(st.to_turn_tags(settings.threshold) for st in states)
