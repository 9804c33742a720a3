"""Estonian lemmas from Vabamorf, with diacritic restoration for chat spelling.

Vabamorf is imported and loaded on the first request. Lemmas are cached by
lowercased word form in a module-level dict, so a form is analysed once per
process. Each form is lemmatised out of context: the form is analysed between
sentence marks and disambiguated, which gives Vabamorf's preferred reading of
the form on its own (deterministic whatever the batch it came in).

A form that Vabamorf does not know (no analysis without guessing) and that
contains a, o, u, s or z gets diacritic variants ("tanan" -> "tänan",
"kusimus" -> "küsimus"); the known variant with the fewest changes wins.
Forms with no known variant are lemmatised with Vabamorf's guesser.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from itertools import product
from typing import Any

MAX_VARIANTS = 64
_VARIANTS = {"a": ("a", "ä"), "o": ("o", "õ", "ö"), "u": ("u", "ü"), "s": ("s", "š"), "z": ("z", "ž")}
_SEP = (".", ".")  # two sentence marks isolate each form for the trigram disambiguator

_cache: dict[str, str] = {}
_lock = threading.Lock()
_vabamorf: Any = None


def _vm() -> Any:
    global _vabamorf
    if _vabamorf is None:
        from estnltk.vabamorf.morf import Vabamorf

        _vabamorf = Vabamorf.instance()
    return _vabamorf


def lemma_cache() -> dict[str, str]:
    """The process-wide form -> lemma cache (exposed for inspection and tests)."""
    return _cache


def clear_cache() -> None:
    """Forget all cached Estonian lemmas."""
    _cache.clear()


def estonian_lemma(word: str) -> str:
    """The lemma of one Estonian word form (lowercased first)."""
    form = word.lower()
    hit = _cache.get(form)
    if hit is None:
        hit = estonian_lemmas([form])[0]
    return hit


def estonian_lemmas(words: Sequence[str]) -> list[str]:
    """Lemmas for ``words`` (lowercased first); unknown forms are analysed in batched Vabamorf calls."""
    forms = [w.lower() for w in words]
    missing: dict[str, str] = {}
    for word, form in zip(words, forms, strict=True):
        if form not in _cache and form not in missing:
            missing[form] = word
    if missing:
        _cache.update(_lemmatise(missing))
    return [_cache[f] for f in forms]


def _lemmatise(missing: dict[str, str]) -> dict[str, str]:
    """Known form, else a diacritic variant, else the original casing of abbreviations, else a guess."""
    with _lock:
        found = _analyse(list(missing), guess=False)
        unknown = [f for f in missing if f not in found]
        if unknown:
            found.update(_restore(unknown))
            unknown = [f for f in unknown if f not in found]
        if unknown:
            found.update(_abbreviations({f: missing[f] for f in unknown}))
            unknown = [f for f in unknown if f not in found]
        if unknown:
            found.update(_analyse(unknown, guess=True))
    return {f: found.get(f, f) for f in missing}


def _abbreviations(originals: dict[str, str]) -> dict[str, str]:
    """Retry forms written with inner capitals ("SMS-iga", "ID-kaardi") in their original casing."""
    upper = {o: f for f, o in originals.items() if o != f and not o[1:].islower()}
    if not upper:
        return {}
    known = _analyse(list(upper), guess=False)
    return {upper[o]: lemma for o, lemma in known.items()}


def _analyse(forms: list[str], guess: bool) -> dict[str, str]:
    """Disambiguated lemma per form, each form isolated between sentence marks."""
    seq: list[str] = list(_SEP)
    for form in forms:
        seq.append(form)
        seq.extend(_SEP)
    result = _vm().analyze(seq, disambiguate=True, guess=guess, propername=False, compound=False)
    out: dict[str, str] = {}
    for i, form in enumerate(forms):
        analyses = result[2 + 3 * i]["analysis"]
        if analyses and not (analyses[0]["partofspeech"] == "Z" and _has_letter(form)):
            out[form] = _pick(form, analyses)
    return out


def _has_letter(form: str) -> bool:
    return any(ch.isalpha() for ch in form)


def _pick(form: str, analyses: list[dict[str, Any]]) -> str:
    """Prefer the verb over a participle adjective ("tehtud" -> "tegema"), else the first reading."""
    first = analyses[0]
    if first["partofspeech"] == "A" and form.endswith(("tud", "dud", "nud")):
        for a in analyses[1:]:
            if a["partofspeech"] == "V":
                return str(a["lemma"]).lower()
    return str(first["lemma"]).lower()


def diacritic_variants(form: str, limit: int = MAX_VARIANTS) -> list[str]:
    """Spellings of ``form`` with Estonian diacritics restored, fewest changes first, at most ``limit``."""
    slots = [_VARIANTS.get(ch, (ch,)) for ch in form]
    if all(len(s) == 1 for s in slots):
        return []
    options = []
    for combo in product(*slots):
        changes = sum(1 for a, b in zip(combo, form, strict=True) if a != b)
        if changes:
            options.append((changes, _rarity(combo, form), "".join(combo)))
        if len(options) >= limit * 8:
            break
    options.sort()
    return [o[2] for o in options[:limit]]


def _rarity(combo: tuple[str, ...], form: str) -> int:
    """š and ž are rare in Estonian; ö is rarer than õ — rank such variants later."""
    return sum(1 for a, b in zip(combo, form, strict=True) if a != b and a in "šžö")


def _restore(forms: list[str]) -> dict[str, str]:
    variants: dict[str, list[str]] = {f: diacritic_variants(f) for f in forms}
    flat = list(dict.fromkeys(v for vs in variants.values() for v in vs))
    if not flat:
        return {}
    known = _analyse(flat, guess=False)
    out: dict[str, str] = {}
    for form, vs in variants.items():
        for v in vs:
            if v in known:
                out[form] = known[v]
                break
    return out
