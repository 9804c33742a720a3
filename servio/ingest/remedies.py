"""What a user can do about a reading problem, said in the words of the front end they use.

The readers serve the command line, the service (API and dashboard) and Python callers, and each has
its own way to fix a problem: ``--column text=NAME``, the import form's CSV columns, or
``ReaderOptions.text_column``. A reader writes the remedy as a token, :func:`remedy`, where it belongs
in its message; a front end shows the message with :func:`render` for its users. The texts are data:
``servio/ingest/data/remedies.toml``. ``str()`` of a problem or an :class:`~servio.ingest.IngestError`
is the Python rendering. A front end may also say them in another language (the dashboard in Estonian:
``[service.et]``); where a language has no text of its own, the English one is said.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from functools import cache
from importlib import resources
from typing import Any, Literal

Audience = Literal["cli", "service", "python"]
KINDS = ("column", "speaker", "agent", "format", "record_size")

_TOKEN = re.compile("\u27e6(\\w+):([^\u27e7]*)\u27e7")


def remedy(kind: str, value: str = "") -> str:
    """The token of a remedy of ``kind`` (one of :data:`KINDS`) for ``value`` (a column field, a
    speaker label), to put in a reader's message."""
    if kind not in KINDS:
        raise ValueError(f"unknown remedy {kind!r}; known: {', '.join(KINDS)}")
    return f"\u27e6{kind}:{value.replace(chr(0x27e6), '').replace(chr(0x27e7), '')}\u27e7"


def render(message: str, audience: Audience, language: str = "en") -> str:
    """``message`` with each remedy said for ``audience`` in ``language`` (English when it has none)."""
    if "\u27e6" not in message:
        return message
    texts = _texts()[audience]
    own = texts.get(language) if language != "en" else None
    if isinstance(own, dict):
        texts = {**texts, **own}

    def said(m: re.Match[str]) -> str:
        kind, value = m.group(1), m.group(2)
        return texts.get(kind, "").format(value=value, quoted=shlex.quote(value + "=agent"))

    return _TOKEN.sub(said, message)


@cache
def _texts() -> dict[str, dict[str, Any]]:
    raw = resources.files("servio.ingest").joinpath("data", "remedies.toml").read_text("utf-8")
    return tomllib.loads(raw)
