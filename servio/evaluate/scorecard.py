"""The scorecard: stage weights per contact type and the checks per stage, read from TOML.

The default lives in ``servio/data/scorecard.toml``; an organisation supplies
its own file, usually with ``extends = "default"`` and only what it changes
(docs/scorecard.md describes the format).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from servio.evaluate.cues import CueBook, default_cues, parse_cue_tables
from servio.evaluate.registry import CheckFn, check_function
from servio.model import ContactType
from servio.stages import Stage

CONTACT_TYPES = tuple(str(c) for c in ContactType)
_CHECK_KEYS = {"id", "stage", "weight", "use", "enabled", "contact_types", "params", "about", "feedback",
               "coach_when_missing"}
_TOP_KEYS = {"name", "extends", "weights", "check", "patterns", "feedback", "cues"}


class ScorecardError(ValueError):
    """A scorecard file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check on the scorecard: which function (``use``), for which stage, with what weight."""

    id: str
    stage: int
    weight: float = 1.0
    use: str = ""
    enabled: bool = True
    contact_types: frozenset[str] = frozenset()
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    #: coached when it fails even if the agent never carried its stage: the stage's "missing" advice
    #: does not cover it (a curt tone, an unacknowledged wait judge the whole conversation)
    coach_when_missing: bool = False

    def applies_to(self, contact_type: str) -> bool:
        """Whether the check is enabled for ``contact_type`` (no list means every type)."""
        return self.enabled and (not self.contact_types or contact_type in self.contact_types)


@dataclass(frozen=True, slots=True)
class FeedbackSettings:
    """How much coaching to give: praise for stages scoring at least ``praise_min_score``."""

    praise_min_score: float = 80.0
    max_praise: int = 2
    max_improve: int = 5


@dataclass(frozen=True)
class Scorecard:
    """Stage weights per contact type, checks per stage, pattern and feedback settings, cues."""

    name: str
    weights: Mapping[str, Mapping[int, float]]
    checks: tuple[CheckSpec, ...]
    cues: CueBook
    feedback: FeedbackSettings = FeedbackSettings()
    disabled_patterns: frozenset[str] = frozenset()
    pattern_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: str = ""
    digest: str = ""  # of the settings it was read from: the same settings, the same digest
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)  # those settings
    _index: dict[str, CheckSpec] = field(default_factory=dict, compare=False, repr=False)
    _plans: dict[str, tuple[tuple[int, float, tuple[tuple[CheckSpec, CheckFn], ...]], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as the settings it was read from (worker processes score with it too)."""
        if self.raw is None:
            raise TypeError(f"scorecard {self.name!r} was not read from settings and cannot be pickled")
        return scorecard_from_dict, (dict(self.raw), self.source)

    def weight(self, contact_type: str, stage: int) -> float:
        """The weight of ``stage`` for ``contact_type``; 0 means not applicable."""
        return self.weights[contact_type][int(stage)]

    def check(self, check_id: str) -> CheckSpec:
        """The check with id ``check_id`` (KeyError if there is none)."""
        if not self._index:
            self._index.update((spec.id, spec) for spec in self.checks)
        return self._index[check_id]

    def plan(self, contact_type: str) -> tuple[tuple[int, float, tuple[tuple[CheckSpec, CheckFn], ...]], ...]:
        """Per stage in order: (stage, weight, the enabled checks with their functions) for a contact type."""
        found = self._plans.get(contact_type)
        if found is None:
            found = tuple(
                (int(s), self.weight(contact_type, s),
                 tuple((c, check_function(c.use)) for c in self.checks
                       if c.stage == s and c.applies_to(contact_type)))
                for s in Stage
            )
            self._plans[contact_type] = found
        return found


@cache
def default_scorecard() -> Scorecard:
    """The scorecard of ``servio/data/scorecard.toml``, read once."""
    text = resources.files("servio.data").joinpath("scorecard.toml").read_text("utf-8")
    return scorecard_from_dict(tomllib.loads(text), source="scorecard.toml")


def load_scorecard(path: str | Path | None = None) -> Scorecard:
    """Read a scorecard TOML file; without ``path``, the default scorecard."""
    if path is None:
        return default_scorecard()
    return scorecard_from_dict(_read_raw(Path(path)), source=str(path))


def _read_raw(path: Path, depth: int = 0) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScorecardError(f"{path}: cannot read scorecard: {exc}") from None
    base = raw.get("extends")
    if base is None:
        return raw
    if depth > 4:
        raise ScorecardError(f"{path}: 'extends' nested too deeply")
    if base == "default":
        text = resources.files("servio.data").joinpath("scorecard.toml").read_text("utf-8")
        parent = tomllib.loads(text)
    else:
        parent = _read_raw((path.parent / str(base)).resolve(), depth + 1)
    merged = merge_raw(parent, raw)
    if "name" not in raw and "name" in parent:  # not the base's name: it scores otherwise
        merged["name"] = f"{parent['name']} + {path.name}"
    return merged


def merge_raw(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: tables merge key by key, checks by id, cue lists are extended."""
    out = dict(base)
    for key, value in over.items():
        if key == "extends":
            continue
        if key == "check":
            out["check"] = _merge_checks(base.get("check", []), value)
        elif key == "cues":
            out["cues"] = _merge_cues(base.get("cues", {}), value)
        elif isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            out[key] = merge_raw(base[key], value)
        else:
            out[key] = value
    return out


def _merge_checks(base: list[Any], over: list[Any]) -> list[dict[str, Any]]:
    merged = {str(c.get("id")): dict(c) for c in base}
    for entry in over:
        cid = str(entry.get("id"))
        merged[cid] = merge_raw(merged.get(cid, {}), entry)
    return list(merged.values())


def _merge_cues(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = {lang: dict(table) for lang, table in base.items()}
    for lang, table in over.items():
        target = out.setdefault(lang, {})
        for group, cues in table.items():
            target[group] = list(target.get(group, [])) + list(cues)
    return out


def scorecard_from_dict(raw: Mapping[str, Any], source: str = "<dict>") -> Scorecard:
    """Build and validate a scorecard from its TOML structure (already merged with its base)."""
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise ScorecardError(f"{source}: unknown keys {sorted(unknown)}")
    checks = tuple(_check(entry, source) for entry in raw.get("check", []))
    ids = [c.id for c in checks]
    if len(set(ids)) != len(ids):
        raise ScorecardError(f"{source}: check ids must be unique")
    patterns = dict(raw.get("patterns", {}))
    disabled = patterns.pop("disabled", [])
    try:
        cues = default_cues().extended(parse_cue_tables(raw.get("cues", {}), source))
    except ValueError as exc:
        raise ScorecardError(str(exc)) from None
    return Scorecard(
        name=str(raw.get("name", source)),
        weights=_weights(raw.get("weights", {}), source),
        checks=checks,
        cues=cues,
        feedback=_feedback(raw.get("feedback", {}), source),
        disabled_patterns=frozenset(disabled),
        pattern_params=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in patterns.items()}),
        source=source,
        digest=_digest(raw),
        raw=raw,
    )


def _digest(raw: Mapping[str, Any]) -> str:
    """A short fingerprint of a scorecard's settings (its name and ``extends`` aside: what scores)."""
    settings = {k: v for k, v in raw.items() if k not in ("name", "extends")}
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _stage(value: Any, where: str) -> int:
    try:
        return int(Stage(value)) if isinstance(value, int) else int(Stage[str(value).upper()])
    except (KeyError, ValueError):
        raise ScorecardError(f"{where}: unknown stage {value!r} (use 1..7 or attunement, interest, needs, "
                             "values, options, solution, goodbye)") from None


def _weights(raw: Mapping[str, Any], source: str) -> Mapping[str, Mapping[int, float]]:
    out: dict[str, Mapping[int, float]] = {}
    for ctype in CONTACT_TYPES:
        table = raw.get(ctype)
        if not isinstance(table, Mapping):
            hint = "" if raw else (" (to change servio's scorecard rather than write a whole one, start "
                                   'the file with extends = "default")')
            raise ScorecardError(f"{source}: [weights.{ctype}] is missing{hint}")
        stages = {_stage(k, f"{source}: weights.{ctype}"): _number(v, f"{source}: weights.{ctype}.{k}")
                  for k, v in table.items()}
        missing = [s.name.lower() for s in Stage if int(s) not in stages]
        if missing:
            raise ScorecardError(f"{source}: [weights.{ctype}] lacks {', '.join(missing)}")
        out[ctype] = MappingProxyType(stages)
    extra = set(raw) - set(CONTACT_TYPES)
    if extra:
        raise ScorecardError(f"{source}: unknown contact types in [weights]: {sorted(extra)}")
    return MappingProxyType(out)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ScorecardError(f"{where}: a weight must be a number >= 0, not {value!r}")
    return float(value)


def _check(entry: Mapping[str, Any], source: str) -> CheckSpec:
    cid = entry.get("id")
    where = f"{source}: check {cid!r}"
    if not isinstance(cid, str) or not cid:
        raise ScorecardError(f"{source}: every [[check]] needs an id")
    unknown = set(entry) - _CHECK_KEYS
    if unknown:
        raise ScorecardError(f"{where}: unknown keys {sorted(unknown)}")
    stage = _stage(entry.get("stage"), where)
    use = str(entry.get("use", cid))
    try:
        check_function(use)
    except ValueError as exc:
        raise ScorecardError(f"{where}: {exc}") from None
    types = frozenset(entry.get("contact_types", ()))
    if not types <= set(CONTACT_TYPES):
        raise ScorecardError(f"{where}: unknown contact types {sorted(types - set(CONTACT_TYPES))}")
    return CheckSpec(
        id=cid,
        stage=stage,
        weight=_number(entry.get("weight", 1.0), f"{where}.weight"),
        use=use,
        enabled=bool(entry.get("enabled", True)),
        contact_types=types,
        params=MappingProxyType(dict(entry.get("params", {}))),
        texts=_texts(entry.get("feedback", {}), where),
        coach_when_missing=_flag(entry.get("coach_when_missing", False), f"{where}.coach_when_missing"),
    )


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ScorecardError(f"{where} must be true or false, not {value!r}")
    return value


def _texts(raw: Any, where: str) -> Mapping[str, Mapping[str, str]]:
    ok = isinstance(raw, Mapping) and all(
        lang in ("et", "en") and isinstance(t, Mapping) and set(t) <= {"improve", "praise"}
        and all(isinstance(v, str) for v in t.values())
        for lang, t in raw.items()
    )
    if not ok:
        raise ScorecardError(f"{where}: feedback must be [check.feedback.et|en] with improve/praise texts")
    return MappingProxyType({lang: MappingProxyType(dict(t)) for lang, t in raw.items()})


def _feedback(raw: Mapping[str, Any], source: str) -> FeedbackSettings:
    known = {"praise_min_score", "max_praise", "max_improve"}
    if set(raw) - known:
        raise ScorecardError(f"{source}: unknown keys in [feedback]: {sorted(set(raw) - known)}")
    return FeedbackSettings(
        praise_min_score=float(raw.get("praise_min_score", 80.0)),
        max_praise=int(raw.get("max_praise", 2)),
        max_improve=int(raw.get("max_improve", 5)),
    )
