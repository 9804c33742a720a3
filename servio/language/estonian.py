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
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from itertools import combinations, product

from servio.language import vabamorf

MAX_VARIANTS = 64
_VARIANTS = {"a": ("a", "ä"), "o": ("o", "õ", "ö"), "u": ("u", "ü"), "s": ("s", "š"), "z": ("z", "ž")}
_SEP = (".", ".")  # two sentence marks isolate each form for the trigram disambiguator
_CHUNK = 64  # forms per disambiguation call (its cost grows with the sequence length)
MAX_CHANGES = 3

_cache: dict[str, str] = {}
_lock = threading.Lock()


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
    """Lemma per known form: unambiguous forms directly, ambiguous ones disambiguated in isolation."""
    if not forms:
        return {}
    result = vabamorf.analyze(forms, disambiguate=False, guess=guess)
    out: dict[str, str] = {}
    ambiguous = []
    for form, readings in zip(forms, result, strict=True):
        lemmas = {lemma.lower() for lemma, _ in readings}
        if len(lemmas) == 1:
            out[form] = lemmas.pop()
        elif lemmas:
            ambiguous.append(form)
    for start in range(0, len(ambiguous), _CHUNK):
        out.update(_disambiguate(ambiguous[start : start + _CHUNK], guess))
    return out


def _disambiguate(forms: list[str], guess: bool) -> dict[str, str]:
    """Vabamorf's preferred reading of each form on its own, forms separated by sentence marks."""
    seq: list[str] = list(_SEP)
    for form in forms:
        seq.append(form)
        seq.extend(_SEP)
    result = vabamorf.analyze(seq, disambiguate=True, guess=guess)
    out: dict[str, str] = {}
    for i, form in enumerate(forms):
        readings = result[2 + 3 * i]
        if readings:
            out[form] = _pick(form, readings)
    return out


def _pick(form: str, readings: vabamorf.Readings) -> str:
    """Prefer the verb over a participle adjective ("tehtud" -> "tegema"), else the first reading."""
    first_lemma, first_pos = readings[0]
    if first_pos == "A" and form.endswith(("tud", "dud", "nud")):
        for lemma, pos in readings[1:]:
            if pos == "V":
                return lemma.lower()
    return first_lemma.lower()


def diacritic_variants(form: str, limit: int = MAX_VARIANTS, changes: int | None = None) -> list[str]:
    """Spellings of ``form`` with Estonian diacritics restored, fewest changes first, at most ``limit``.

    With ``changes`` given, only variants with exactly that many changed letters.
    """
    slots = [i for i, ch in enumerate(form) if ch in _VARIANTS]
    out: list[str] = []
    counts = range(1, len(slots) + 1) if changes is None else (changes,)
    for k in counts:
        batch = []
        for positions in combinations(slots, k):
            options = [_VARIANTS[form[i]][1:] for i in positions]
            for letters in product(*options):
                chars = list(form)
                for i, ch in zip(positions, letters, strict=True):
                    chars[i] = ch
                batch.append((_rarity(letters), "".join(chars)))
        batch.sort()
        out.extend(v for _, v in batch[: limit - len(out)])
        if len(out) >= limit:
            break
    return out


def _rarity(letters: tuple[str, ...]) -> int:
    """š and ž are rare in Estonian and ö is rarer than õ: rank such variants later."""
    return sum(1 for ch in letters if ch in "šžö")


def _restore(forms: list[str]) -> dict[str, str]:
    """Lemmas of known diacritic variants, trying one changed letter first, then two, then three."""
    out = _analyse_rewrites(forms)
    budget = {f: MAX_VARIANTS for f in forms}
    todo = [f for f in forms if f not in out]
    for k in range(1, MAX_CHANGES + 1):
        variants = {f: diacritic_variants(f, budget[f], changes=k) for f in todo}
        for f, vs in variants.items():
            budget[f] -= len(vs)
        flat = list(dict.fromkeys(v for vs in variants.values() for v in vs))
        if not flat:
            break
        known = _analyse(flat, guess=False)
        for form, vs in variants.items():
            hit = next((v for v in vs if v in known), None)
            if hit is not None:
                out[form] = known[hit]
        todo = [f for f in todo if f not in out and budget[f] > 0]
    return out


def _analyse_rewrites(forms: list[str]) -> dict[str, str]:
    """Lemmas of forms whose prefix has a preferred spelling in the data file ("toot" -> "tööt")."""
    rewrites = _prefix_rewrites()
    candidates = {}
    for form in forms:
        for prefix, spelling in rewrites:
            if form.startswith(prefix):
                candidates[form] = spelling + form[len(prefix) :]
                break
    known = _analyse(list(dict.fromkeys(candidates.values())), guess=False)
    return {f: known[c] for f, c in candidates.items() if c in known}


@cache
def _prefix_rewrites() -> tuple[tuple[str, str], ...]:
    raw = tomllib.loads(resources.files("servio.data").joinpath("language", "et.toml").read_text("utf-8"))
    pairs = raw.get("restore", {}).get("prefixes", {})
    return tuple(sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True))
