"""Evidence in words a reviewer reads, in the interface language.

The rule tagger's evidence names a cue or a rule and the text that matched;
it is shown as the cue's or rule's label (:mod:`servio.analyze.cue_labels`)
and the matched text in quotes ("tervitus „tere”"). The learned tagger's
evidence names model features
("lemma:aitama", "context:prev.stage3", "rule_stage:1"); each is turned into
a short phrase ("a form of “aitama”", "the previous turn looks like stage 3
(needs)") from the ``ev_*`` strings of :mod:`servio.web.i18n`. A feature this
module does not know is shown by its name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from servio.analyze.cue_labels import cue_label
from servio.report.numbers import turn_number
from servio.stages import info
from servio.web.i18n import strings

_CONTEXT = re.compile(r"(own|prev|next|prev_other|next_other|before_max|after_max|rules)\.stage([1-7])")
_TEXT_FEATURES = ("word", "lemma", "char", "bigram", "trigram")
_SPEAKERS = ("agent", "customer", "system")
#: Evidence kinds of the rule tagger: their ``cue`` is a cue id or a context-rule id.
_RULE_KINDS = frozenset({"phrase", "lemma", "context"})
_QUOTES = {"et": ("„", "”")}  # the quotation marks of a language; others get “…”


def describe(kind: str, cue: str, match: str, language: str) -> str:
    """One line of evidence for the dashboard's stage chips."""
    if kind == "feature":
        t = strings(language)
        return t["ev_model"].format(x=feature(cue, language, t))
    quoted = f" {_quote(match, language)}" if match and match != cue else ""
    if kind in _RULE_KINDS:
        return cue_label(cue, language) + quoted
    return f"{kind}: {cue}{quoted}"  # another tagger's or a reviewer's evidence: as it is


def _quote(text: str, language: str) -> str:
    opening, closing = _QUOTES.get(language, ("“", "”"))
    return f"{opening}{text}{closing}"


def feature(name: str, language: str, t: Mapping[str, str] | None = None) -> str:
    """A learned-model feature name in words (the name itself when it is not a known kind)."""
    t = t or strings(language)
    head, _, rest = name.partition(":")
    if name == "bias":
        return t["ev_bias"]
    if head in _TEXT_FEATURES and rest:
        return t[f"ev_{head}"].format(x=rest.strip())
    if head == "cue":
        return t["ev_cue"].format(x=cue_label(rest, language))
    if head == "rule_stage" and rest.isdigit():
        return t["ev_rule_stage"].format(stage=_stage(rest, language, t))
    if head == "context":
        return _context(rest, language, t) or name
    if head in ("prev", "next"):
        near = _near(rest, language, t)
        return t[f"ev_near_{head}"].format(x=near) if near else name
    if head in _SPEAKERS and rest:
        return t["ev_speaker_and"].format(speaker=t[f"ev_pos_{head}"], x=feature(rest, language, t))
    return _structure(head, rest, t) or name


def _stage(number: str, language: str, t: Mapping[str, str]) -> str:
    return t["ev_stage"].format(n=number, name=info(int(number)).short(language))


def _context(rest: str, language: str, t: Mapping[str, str]) -> str | None:
    m = _CONTEXT.fullmatch(rest)
    if m is not None:
        return t[f"ev_ctx_{m.group(1)}"].format(stage=_stage(m.group(2), language, t))
    return t.get(f"ev_pos_{rest}")


def _near(rest: str, language: str, t: Mapping[str, str]) -> str | None:
    """A neighbouring turn's feature: none, same/other speaker, a question, a lemma, its rule stages."""
    if rest in ("none", "same", "other", "question"):
        return t[f"ev_near_is_{rest}"]
    side, _, stage = rest.partition(":rule_stage:")
    if stage.isdigit() and side in ("same", "other"):
        return t["ev_rule_stage"].format(stage=_stage(stage, language, t))
    return t["ev_lemma"].format(x=rest) if rest else None


def _structure(head: str, rest: str, t: Mapping[str, str]) -> str | None:
    """Speaker, position, length and question-form features."""
    if head in ("speaker", "position"):
        return t.get(f"ev_pos_{rest}")
    if head in ("question", "ends_with_question") and not rest:
        return t[f"ev_{head}"]
    if head == "words" and rest:
        return t["ev_words_more"].format(x=rest[1:]) if rest[0] == ">" else t["ev_words"].format(x=rest)
    if head == "share" and rest.isdigit():
        return t["ev_share"].format(x=int(rest) + 1)
    if head == "kind":
        return t["ev_kind"].format(x=t.get(f"ev_kind_{rest}", rest))
    if head in ("index", "from_end") and rest:
        return t[f"ev_{head}"].format(x=_place(rest))
    if head == "language" and rest:
        return t[f"ev_{head}"].format(x=rest)
    return None


def _place(bucket: str) -> str:
    """A 0-based position bucket ("0", "4", ">8") as people count places, from 1 ("1", "5", ">9")."""
    bound = bucket.lstrip(">")
    return bucket[: len(bucket) - len(bound)] + str(turn_number(int(bound))) if bound.isdigit() else bucket
