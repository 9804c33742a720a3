"""Evidence in words a reviewer reads, in the interface language.

The rule tagger's evidence names a cue or a rule and the text that matched;
it is shown as the cue's or rule's label (:mod:`servio.analyze.cue_labels`)
and the matched text in quotes ("tervitus „tere”"). The learned tagger's
evidence names model features
("lemma:aitama", "context:prev.stage3", "rule_stage:1"); each is turned into
a short phrase ("a form of “aitama”", "the previous turn looks like stage 3
(needs)") from the ``ev_*`` strings of :mod:`servio.web.i18n`. A feature this
module does not know is shown by its name.

A stage chip shows :func:`chip_evidence`: the reasons for its own stage only. The model also weighs the
turn's first-pass score for other stages ("context:own.stage3" under stage 7) and the rule tagger's
stages; a trainer reads those as a contradiction, so a chip leaves them out. Its neighbours' stages stay,
said as the setting they are ("the previous turn looks like stage 6").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from servio.analyze.cue_labels import cue_label
from servio.report.numbers import turn_number
from servio.results import Evidence
from servio.stages import info
from servio.web.i18n import strings

_CONTEXT = re.compile(r"(own|prev|next|prev_other|next_other|before_max|after_max|rules)\.stage([1-7])")
_TEXT_FEATURES = ("word", "lemma", "char", "bigram", "trigram")
_SPEAKERS = ("agent", "customer", "system")
#: Evidence kinds of the rule tagger: their ``cue`` is a cue id or a context-rule id.
_RULE_KINDS = frozenset({"phrase", "lemma", "context"})
_QUOTES = {"et": ("„", "”")}  # the quotation marks of a language; others get “…”
#: The name the open dashboard's guest corrects under (``servio.web.routes.GUEST``); shown by its label.
GUEST_NAME = "guest"
#: Features that give a stage of this very turn (its own first-pass score, the rule tagger's stage).
_THIS_TURNS_STAGE = re.compile(r"(?:context:(?:own|rules)\.stage|rule_stage:)([1-7])")


def chip_evidence(stage: int, evidence: Iterable[Evidence], language: str) -> list[str]:
    """The evidence lines of one stage chip: each reason once, in words, none that gives this turn
    another stage (see the module's note); when nothing else is left, that the turns around it decided."""
    kept = [e for e in evidence if not _other_stage(e, stage)]
    if not kept:
        return [strings(language)["ev_context_only"]]
    return list(dict.fromkeys(describe(e.kind, e.cue, e.match, language) for e in kept))


def _other_stage(e: Evidence, stage: int) -> bool:
    m = _THIS_TURNS_STAGE.fullmatch(e.cue) if e.kind == "feature" else None
    return m is not None and int(m.group(1)) != stage


def describe(kind: str, cue: str, match: str, language: str) -> str:
    """One line of evidence for the dashboard's stage chips."""
    if kind == "feature":
        t = strings(language)
        return t["ev_model"].format(x=feature(cue, language, t))
    quoted = f" {_quote(match, language)}" if match and match != cue else ""
    if kind in _RULE_KINDS:
        return cue_label(cue, language) + quoted
    if kind == "reviewer":
        t = strings(language)
        return t["ev_reviewer"].format(name=t["guest_name"] if cue == GUEST_NAME else cue)
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
        return _words(head, rest, t)
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


def _words(head: str, rest: str, t: Mapping[str, str]) -> str:
    """Words or letters of the turn; the model's marks of the turn's start and end ("<s> tere") are said in
    words ("the word “tere” at the start of the turn"), not shown."""
    words = rest.split()
    start, end = words[:1] == ["<s>"], words[-1:] == ["</s>"]
    inner = " ".join(w for w in words if w not in ("<s>", "</s>"))
    if not (start or end) or not inner:
        return t[f"ev_{head}"].format(x=rest.strip())
    said = t["ev_word" if len(inner.split()) == 1 else "ev_bigram"].format(x=inner)
    return t["ev_at_start" if start else "ev_at_end"].format(x=said)


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
