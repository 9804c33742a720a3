"""The seven stages of the service process and their metadata.

Names, descriptions and colours live in ``servio/data/stages.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from importlib import resources


class Stage(IntEnum):
    """Stage ids as used in annotated files (1..7)."""

    ATTUNEMENT = 1
    INTEREST = 2
    NEEDS = 3
    VALUES = 4
    OPTIONS = 5
    SOLUTION = 6
    GOODBYE = 7


ALL_STAGES: tuple[Stage, ...] = tuple(Stage)


@dataclass(frozen=True, slots=True)
class StageInfo:
    """Human-facing metadata of one stage."""

    stage: Stage
    key: str
    name_et: str
    name_en: str
    short_et: str
    short_en: str
    about_et: str
    about_en: str
    colour: str
    ansi: int

    def name(self, language: str) -> str:
        """The full name in ``language`` (``et`` or ``en``)."""
        return self.name_et if language == "et" else self.name_en

    def short(self, language: str) -> str:
        """The short name in ``language``."""
        return self.short_et if language == "et" else self.short_en

    def about(self, language: str) -> str:
        """One line on what the stage looks like, in ``language``."""
        return self.about_et if language == "et" else self.about_en


@cache
def stage_info() -> dict[Stage, StageInfo]:
    """Metadata for every stage, read once from the package data."""
    raw = tomllib.loads(resources.files("servio.data").joinpath("stages.toml").read_text("utf-8"))
    out: dict[Stage, StageInfo] = {}
    for row in raw["stage"]:
        stage = Stage(row["id"])
        out[stage] = StageInfo(
            stage=stage,
            key=row["key"],
            name_et=row["et"],
            name_en=row["en"],
            short_et=row["short_et"],
            short_en=row["short_en"],
            about_et=row["about_et"],
            about_en=row["about_en"],
            colour=row["colour"],
            ansi=row["ansi"],
        )
    if set(out) != set(Stage):
        raise RuntimeError("servio/data/stages.toml must describe all seven stages")
    return out


def info(stage: int) -> StageInfo:
    """Metadata of one stage by id."""
    return stage_info()[Stage(stage)]
