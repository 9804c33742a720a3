"""What a reader says about its input, as data: a message code and its values, said in English or Estonian.

A reader's problem or note is a :class:`Said`: a code of ``servio/ingest/data/messages.toml`` and the
values its template puts in (``Said("csv.wide_row", {"fields": 5, "header": 4})``). A value is a string,
a whole number or another :class:`Said`, so that one message frames another ("turn {index}: {detail}",
"{reason}; row skipped"). :meth:`Said.text` says it in a language; ``str()`` is the English text, which
is what a :class:`~servio.ingest.Problem`'s ``message`` holds. A remedy token (:mod:`servio.ingest.remedies`)
stays in the text and is said afterwards per front end and language. Stored with an import job as
:meth:`Said.to_json`, it is said again in the language of the page that shows it.

Text that servio does not write (a JSON parser's complaint, an exception's words) stays as it is inside
the translated frame.
"""

from __future__ import annotations

import ast
import string
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Union

from servio.model import LANGUAGES  # those of the catalogue; a Problem's message and str() are English

Param = Union[str, int, "Said"]


@dataclass(frozen=True, slots=True)
class Said:
    """A message code of the catalogue and the values its template puts in."""

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def __post_init__(self) -> None:
        params = dict(self.params)
        for name, value in params.items():
            if isinstance(value, bool) or not isinstance(value, str | int | Said):
                raise TypeError(f"{self.code}: {name} must be a string, a whole number or a Said, "
                                f"not {type(value).__name__}")
        object.__setattr__(self, "params", params)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))

    def __str__(self) -> str:
        return self.text("en")

    def text(self, language: str = "en") -> str:
        """The message in ``language`` (English for a language the catalogue has not), values filled in;
        a whole number with ``{name:,}`` in the template is grouped as the language writes it.
        Raises :class:`KeyError` for a code the catalogue does not have."""
        if language not in LANGUAGES:
            language = "en"
        template = messages(language)[self.code]
        return _Formatter(language).vformat(template, (), self.params)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form, for storage: ``{"code": ..., "params": {...}}`` with nested ones alike."""
        return {"code": self.code,
                "params": {k: v.to_json() if isinstance(v, Said) else v for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Said:
        """The :class:`Said` :meth:`to_json` gave; :class:`ValueError` for anything else."""
        try:
            code, raw = data["code"], data.get("params") or {}
            params = {str(k): cls.from_json(v) if isinstance(v, Mapping) else v for k, v in raw.items()}
            if not isinstance(code, str):
                raise TypeError("code")
            return cls(code, params)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a stored message: {exc}") from None

    def map_strings(self, change: Callable[[str], str]) -> Said:
        """This message with ``change`` applied to every string value, nested ones too (redaction)."""
        return Said(self.code, {k: v.map_strings(change) if isinstance(v, Said)
                                else change(v) if isinstance(v, str) else v
                                for k, v in self.params.items()})

    def codes(self) -> Iterator[str]:
        """This message's code and those of the messages in it."""
        yield self.code
        for value in self.params.values():
            if isinstance(value, Said):
                yield from value.codes()


def said_of(value: object) -> Param:
    """What to put in a message for ``value``: its :class:`Said` when it carries one (a
    :class:`~servio.ingest.fields.FieldError`, an :class:`~servio.ingest.IngestError`), else its text."""
    found = getattr(value, "said", None)
    if isinstance(found, Said):
        return found
    return value if isinstance(value, Said | str) else str(value)


def group_number(value: int, language: str) -> str:
    """``52,428,800`` in English, ``52 428 800`` (no-break spaces) in Estonian."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if language == "et" else grouped


def quoted(value: object, language: str) -> str:
    """A value quoted as ``language`` quotes it (the ``!q`` conversion of a template): ``'Mari'`` in
    English, „Mari” in Estonian. A value stored quoted already (a job's problems from before the
    templates quoted, ``"'Mari'"``) is quoted once, not twice."""
    text = str(value)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        with suppress(ValueError, SyntaxError):
            unquoted = ast.literal_eval(text)
            if isinstance(unquoted, str):
                text = unquoted
    return f"„{text}”" if language == "et" else repr(text)


class _Formatter(string.Formatter):
    def __init__(self, language: str) -> None:
        self.language = language

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        return quoted(value, self.language) if conversion == "q" else super().convert_field(value, conversion)

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        value = kwargs[str(key)]
        return value.text(self.language) if isinstance(value, Said) else value

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec == "," and isinstance(value, int):
            return group_number(value, self.language)
        return format(value, format_spec)


def placeholders(template: str) -> set[tuple[str, str]]:
    """``(name, format spec)`` of each ``{...}`` in a template."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name is not None}


@cache
def messages(language: str) -> dict[str, str]:
    """The catalogue's templates of ``language``, by code (nested tables give dotted codes)."""
    raw = resources.files("servio.ingest").joinpath("data", "messages.toml").read_text("utf-8")
    out: dict[str, str] = {}

    def walk(table: Mapping[str, Any], prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, Mapping):
                walk(value, f"{prefix}{key}.")
            else:
                out[prefix + key] = value

    walk(tomllib.loads(raw)[language], "")
    return out
