"""Cue and rule ids in words people read: the labels of ``servio/data/cues/labels.toml``.

The rule tagger's evidence names a cue id (``greeting``, ``options.company``) or a
context-rule id (``customer.answers_question``); the learned tagger's evidence names
them as ``cue:<id>`` features. :func:`cue_label` gives the short Estonian or English
label of such an id for the places that show evidence to people. Machines keep the
ids: nothing here changes what a tagger writes.

The file is read on first use. An id it does not know (a third party's cue file may
add ids) is shown as it is; a language other than Estonian gets the English label.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from servio.analyze.cues import CueError
from servio.model import LANGUAGES

_SOURCE = "servio/data/cues/labels.toml"


@dataclass(frozen=True, slots=True)
class CueLabels:
    """The labels of one labels file: ``cues`` and ``rules`` map an id to ``{language: label}``."""

    cues: Mapping[str, Mapping[str, str]]
    rules: Mapping[str, Mapping[str, str]]

    def get(self, cue_id: str, language: str) -> str | None:
        """The label of ``cue_id`` (a cue or a rule id) in ``language``, or None for an unknown id."""
        found = self.cues.get(cue_id) or self.rules.get(cue_id)
        if found is None:
            return None
        return found.get(language if language in LANGUAGES else "en")


def cue_label(cue_id: str, language: str) -> str:
    """A short label of a cue or context-rule id in ``language`` (``et``/``en``); the id if unknown."""
    return load_labels().get(cue_id, language) or cue_id


@cache
def load_labels() -> CueLabels:
    """The packaged labels, read and checked once."""
    ref = resources.files("servio.data").joinpath("cues", "labels.toml")
    return parse_labels(ref.read_text("utf-8"), source=_SOURCE)


def parse_labels(text: str, *, source: str) -> CueLabels:
    """Read the TOML ``text`` of a labels file; errors name ``source`` and the id."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CueError(f"{source}: not valid TOML: {exc}") from exc
    unknown = set(raw) - {"cue", "rule"}
    if unknown:
        raise CueError(f"{source}: unknown table(s) {sorted(unknown)}; expected [cue] and [rule]")
    cues = _table(raw.get("cue", {}), source, "cue")
    rules = _table(raw.get("rule", {}), source, "rule")
    both = sorted(set(cues) & set(rules))
    if both:
        raise CueError(f"{source}: id(s) {both} are in both [cue] and [rule]")
    return CueLabels(cues=cues, rules=rules)


def _table(value: Any, source: str, name: str) -> Mapping[str, Mapping[str, str]]:
    if not isinstance(value, dict):
        raise CueError(f"{source}: [{name}] must be a table")
    out: dict[str, Mapping[str, str]] = {}
    for cue_id, entry in value.items():
        where = f"{source}: {name} {cue_id!r}"
        if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
            raise CueError(f"{where}: needs exactly the keys {list(LANGUAGES)}")
        if not all(isinstance(v, str) and v.strip() for v in entry.values()):
            raise CueError(f"{where}: labels must be non-empty strings")
        out[cue_id] = MappingProxyType({lang: entry[lang].strip() for lang in LANGUAGES})
    return MappingProxyType(out)
