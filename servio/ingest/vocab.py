"""The readers' vocabularies, read once from ``servio/ingest/data/*.toml``."""

from __future__ import annotations

import tomllib
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from servio.ingest.base import ReaderOptions
from servio.ingest.remedies import remedy
from servio.ingest.said import Said
from servio.model import Speaker


def norm(value: str) -> str:
    """Case-folded with runs of white space made one space."""
    return " ".join(value.split()).casefold()


@lru_cache(maxsize=4096)
def header_key(value: str) -> str:
    """A CSV header or metadata key in comparable form: ``"Agent ID"`` -> ``"agent_id"``."""
    return "_".join(norm(value.replace("\ufeff", "")).replace("-", " ").split())


@cache
def load(name: str) -> dict[str, Any]:
    """One data file of this package, parsed."""
    text = resources.files("servio.ingest").joinpath("data").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def _speaker_words() -> dict[str, Speaker]:
    out: dict[str, Speaker] = {}
    for role, table in load("speakers").items():
        for word in table["values"]:
            out[norm(word)] = Speaker(role)
    return out


def speaker_for(value: str, options: ReaderOptions) -> Speaker | None:
    """The speaker a word or name stands for, from the options first, then the built-in words."""
    key = norm(value)
    return options.speaker_values.get(key) or _speaker_words().get(key)


def unknown_speaker(label: str, kind: str = "speaker") -> Said:
    """The problem for a speaker label (or a ``voice``) no one mapped, with the mapping that reads it."""
    code = "speaker.unknown_voice" if kind == "voice" else "speaker.unknown"
    return Said(code, {"label": label, "remedy": remedy("speaker", label)})  # quoted as each language quotes


def is_role_word(value: str) -> bool:
    """True for a built-in role word ("Klient", "Agent"), false for a name mapped by the options."""
    return norm(value) in _speaker_words()


def speaker_examples() -> str:
    """A short list of accepted speaker words, for error messages."""
    words = _speaker_words()
    return ", ".join(sorted({w for w in words if " " not in w})[:12]) + ", ..."


@cache
def column_names() -> dict[str, tuple[str, ...]]:
    """Default CSV header names per field (``id``, ``speaker``, ``text``...)."""
    return {name: tuple(header_key(v) for v in values) for name, values in load("columns").items()}


@cache
def field_aliases() -> dict[str, str]:
    """Conversation-level key (any accepted spelling) -> field name."""
    out: dict[str, str] = {}
    for name, keys in load("fields")["keys"].items():
        for key in keys:
            out[header_key(key)] = name
    return out


@cache
def header_words() -> frozenset[str]:
    """Last words of a label that name a chat export's header field (``Chat ID``, ``Date``), not a speaker."""
    return frozenset(w.casefold() for w in load("fields")["header_words"])


@cache
def enum_aliases(kind: str) -> dict[str, str]:
    """Accepted spellings of an enumeration's values (``language``, ``channel``, ``contact_type``)."""
    out: dict[str, str] = {}
    for canonical, spellings in load("fields")["values"][kind].items():
        for spelling in [canonical, *spellings]:
            out[norm(spelling)] = canonical
    return out


def email_cues() -> dict[str, Any]:
    """Quote, signature and subject cues for e-mail cleaning."""
    return load("email")
