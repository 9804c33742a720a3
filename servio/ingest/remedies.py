"""What a user can do about a reading problem, said in the words of the front end they use.

The readers serve the command line, the service (API and dashboard) and Python callers, and each has
its own way to fix a problem: ``--column text=NAME``, the import form's CSV columns, or
``ReaderOptions.text_column``. A reader writes the remedy as a token, :func:`remedy`, where it belongs
in its message; a front end shows the message with :func:`render` for its users. The texts are data:
``servio/ingest/data/remedies.toml``. ``str()`` of a problem or an :class:`~servio.ingest.IngestError`
is the Python rendering. The dashboard's Import page says a stored problem again for itself (``dashboard``:
its form's fields by name, not "on the dashboard"), the API in the service's words. A front end may also
say them in another language (the dashboard in Estonian:
``[service.et]``); where a language has no text of its own, the English one is said.

A remedy fits what the user already set (:func:`fit`, before it is said): the agents' e-mail domain given,
the remedy of an e-mail without an agent's message no longer says to give one but why none matched;
a speaker mapping given, the remedies of speakers say to add to it. The agent remedy is ``agent_email``
for an e-mail and ``agent_labels`` for any other conversation (``agent``: either, where it is not known).

A speaker remedy quotes the label as a ``--speaker`` mapping, except where the label would be of no use or
would say too much (:func:`_unquotable`): then it says to map the label as the file writes it
(``speaker_unquoted``). The service's problems are kept with an import job with personal data redacted,
so its remedy for ``anna@example.com`` said ``--speaker REDACTED-EMAIL=agent``, which reads nothing.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from functools import cache
from importlib import resources
from typing import Any, Literal

Audience = Literal["cli", "service", "dashboard", "python"]
KINDS = ("column", "speaker", "agent", "agent_email", "agent_labels", "format", "record_size", "encoding")
#: A remedy kind that an option the user set changes (:func:`fit`): the option, and the kind it becomes.
FITTED = {"agent_email": ("agent_domain", "agent_email_domain"),
          "agent_labels": ("speaker", "agent_labels_mapped"), "speaker": ("speaker", "speaker_mapped")}
#: The texts a front end's table has: one per kind, the speaker remedy that quotes no label, and each kind
#: as :func:`fit` changes it.
TEXTS = (*KINDS, "speaker_unquoted", *(kind for _, kind in FITTED.values()), "speaker_unquoted_mapped")

_TOKEN = re.compile("\u27e6(\\w+):([^\u27e7]*)\u27e7")


def remedy(kind: str, value: str = "") -> str:
    """The token of a remedy of ``kind`` (one of :data:`KINDS`) for ``value`` (a column field, a
    speaker label), to put in a reader's message."""
    if kind not in KINDS:
        raise ValueError(f"unknown remedy {kind!r}; known: {', '.join(KINDS)}")
    return f"\u27e6{kind}:{value.replace(chr(0x27e6), '').replace(chr(0x27e7), '')}\u27e7"


def given_options(options: Any) -> frozenset[str]:
    """The options of a :class:`~servio.ingest.ReaderOptions` (or None) that a remedy fits (:data:`FITTED`):
    ``agent_domain`` (agents' e-mail domains or addresses given), ``speaker`` (a speaker mapping given)."""
    given = set()
    if options is not None and (options.agent_domains or options.agent_addresses):
        given.add("agent_domain")
    if options is not None and options.speaker_values:
        given.add("speaker")
    return frozenset(given)


def fit(message: str, given: frozenset[str] | set[str]) -> str:
    """``message`` with each remedy that an option in ``given`` changes made the kind that fits it: an
    e-mail's agent remedy, the agents' domain given, says why none matched instead of to give one."""
    if "\u27e6" not in message or not given:
        return message

    def fitted(m: re.Match[str]) -> str:
        kind, value = m.group(1), m.group(2)
        option, changed = FITTED.get(kind, ("", kind))
        return f"\u27e6{changed if option in given else kind}:{value}\u27e7"

    return _TOKEN.sub(fitted, message)


def fitted_problem(problem: Any, given: frozenset[str]) -> Any:
    """A :class:`~servio.ingest.Problem` with its remedies fitted (:func:`fit`) in its message and in its
    ``said``, which a front end says again in another language."""
    if not given or "\u27e6" not in problem.message:
        return problem
    from dataclasses import replace

    said = problem.said.map_strings(lambda text: fit(text, given)) if problem.said is not None else None
    return replace(problem, message=fit(problem.message, given), said=said)


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
        if kind in ("speaker", "speaker_mapped") and _unquotable(value, "service" if audience == "dashboard"
                                                                 else audience):
            kind = kind.replace("speaker", "speaker_unquoted")
        return texts.get(kind, "").format(value=value, quoted=shlex.quote(value + "=agent"))

    return _TOKEN.sub(said, message)


def _unquotable(label: str, audience: Audience) -> bool:
    """Whether a speaker remedy must not quote ``label``: it holds a redaction token (a redacted label,
    which no file has), or, for the service, personal data that redaction will replace in the problem the
    import job keeps (after the remedy is said, so the remedy cannot know the token). The command line's
    remedy quotes such a label: it goes to the terminal of the person whose file it is, as the message
    does, and is never stored."""
    from servio.redact import RedactionConfig, available_kinds, find

    config = RedactionConfig()
    if any(config.token(kind) in label for kind in available_kinds()):
        return True
    return audience == "service" and bool(find(label, config))


@cache
def _texts() -> dict[str, dict[str, Any]]:
    raw = resources.files("servio.ingest").joinpath("data", "remedies.toml").read_text("utf-8")
    return tomllib.loads(raw)
