"""How to read uploaded files, from a form: the API's ``POST /imports`` and the dashboard's import page.

Both save an upload under the same name (:func:`upload_name`), so a file gives the same conversation
ids (``<stem>-<n>`` when the file has none) whichever way it was imported.

Both turn the same choices (the language, CSV column names, the agents'
e-mail domains, speaker labels mapped to roles as ``servio import --speaker``
does, the encoding of text files and the channel where a file gives none)
into one :class:`~servio.ingest.ReaderOptions`, refusing a bad value with a
:class:`FormValueError`: a 400 whose ``detail`` names the field and says what is wrong (the dashboard
shows it as it is), which ``POST /imports`` answers as the API's 422 (:meth:`FormValueError.as_invalid`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from fastapi import HTTPException, status

if TYPE_CHECKING:
    from servio.ingest import ReaderOptions
    from servio.model import Language

#: The CSV fields the dashboard's form offers a column input for (``column.<field>``).
FORM_COLUMNS = ("id", "speaker", "text", "timestamp", "agent")
_LIST = re.compile(r"[\s,;]+")
#: An e-mail domain as an agent_domain takes it: ``laine.ee``, ``@laine.ee``, ``mail.laine.ee``.
_DOMAIN = re.compile(r"@?[\w-]+(\.[\w-]+)+")
#: The longest speaker label a mapping takes (as an id).
MAX_LABEL = 255


class FormValueError(HTTPException):
    """A bad value of an import form's ``field``: a 400 whose ``detail`` says what is wrong with the value
    (the dashboard's import page shows it), and ``msg``, the same without the value, for the API's 422,
    which never repeats what was sent (a speaker label is a customer's name)."""

    def __init__(self, field: str, detail: str, msg: str) -> None:
        super().__init__(status.HTTP_400_BAD_REQUEST, detail)
        self.field = field
        self.msg = msg

    def as_invalid(self) -> NoReturn:
        """Raise the API's 422 for it: ``loc`` ``["body", field]``, ``type`` ``value_error``."""
        from servio.service.errors import invalid

        invalid((self.field, self.msg), where="body")


def reader_options(language: str | None, columns: Iterable[str], agent_domains: Iterable[str],
                   speakers: Iterable[str] = (), *, encoding: str | None = None,
                   channel: str | None = None, time_zone: str | None = None) -> ReaderOptions:
    """Reader options from a language (``et``/``en``), ``FIELD=NAME`` column mappings, agent domains,
    ``LABEL=ROLE`` speaker mappings (:func:`speaker_mapping`), an encoding (``cp1252``), a channel and
    the site's time zone (``Europe/Tallinn``); a :class:`FormValueError` naming the field of a bad one."""
    from servio.ingest import COLUMN_FIELDS
    from servio.model import Channel

    mapping = {}
    for item in columns:
        field, eq, header = item.partition("=")
        if not eq or not field.strip() or not header.strip():
            raise FormValueError("column", f"column must be FIELD=NAME, not {item!r}",
                                 "column must be FIELD=NAME, e.g. text=Message")
        mapping[field.strip()] = header.strip()
    lang = _language(language)
    roles = speaker_mapping(speakers)
    domains = agent_domain_list(agent_domains)
    encoding, channel = (encoding or "").strip() or None, (channel or "").strip() or None
    time_zone = (time_zone or "").strip() or None
    # each checked alone first, so that a refusal names its field
    _options("column", "unknown column field; the fields are " + ", ".join(sorted(COLUMN_FIELDS)),
             columns=mapping)
    _options("encoding", "not an encoding servio knows (e.g. utf-8, cp1252 for Windows-1252, cp1257 for "
             "Windows-1257, utf-16)", encoding=encoding)
    _options("channel", "channel must be one of " + ", ".join(sorted(c.value for c in Channel)),
             channel=channel)
    _options("time_zone", "not a time zone servio knows: give an IANA name such as Europe/Tallinn or UTC",
             time_zone=time_zone)
    return _options("column", "these reading options do not go together", columns=mapping,
                    agent_domains=domains, language=lang, speaker_values=roles, encoding=encoding,
                    channel=channel, time_zone=time_zone)


def agent_domain_list(values: Iterable[str]) -> list[str]:
    """The agents' e-mail domains of ``agent_domain`` fields, several in one separated by commas, semicolons
    or spaces (``laine.ee, telia.ee``), as the dashboard's form takes them; a :class:`FormValueError` for
    one that is no domain (a domain with a space matched no sender, and every e-mail lost its agent)."""
    domains = [d for value in values for d in _LIST.split(str(value)) if d]
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise FormValueError("agent_domain", f"agent_domain {domain!r} is not a domain (e.g. laine.ee)",
                                 "agent_domain must be domains such as laine.ee (several: repeat the field, "
                                 "or separate them with commas)")
    return domains


def _options(field: str, msg: str, **options: Any) -> ReaderOptions:
    """``ReaderOptions.from_cli(**options)``; its refusal as a :class:`FormValueError` of ``field``."""
    from servio.ingest import IngestError, ReaderOptions

    try:
        return ReaderOptions.from_cli(**options)
    except IngestError as exc:
        raise FormValueError(field, exc.text("service"), msg) from None


def speaker_mapping(items: Iterable[str]) -> dict[str, str]:
    """``LABEL=ROLE`` items as ``{label: role}`` (the last wins for a label), as ``--speaker`` takes them.

    A role is ``agent``, ``customer`` or ``system``, or a role word servio reads in files in either
    language (``teenindaja``, ``klient``, ``süsteem``): the dashboard's Estonian form is filled in
    Estonian. A label is what the file writes ("Mari Maasikas", "Kõneleja 2", an e-mail address).
    """
    from servio.ingest import ReaderOptions
    from servio.ingest.vocab import speaker_for
    from servio.model import Speaker

    plain = ReaderOptions()
    out: dict[str, str] = {}
    for item in items:
        label, eq, role = item.rpartition("=")  # a label may hold "=", a role does not
        if not eq or not label.strip() or not role.strip():
            raise FormValueError("speaker", f"speaker must be LABEL=ROLE (e.g. 'Mari Maasikas=customer'), "
                                 f"not {item!r}", "speaker must be LABEL=ROLE, e.g. 'Mari Maasikas=customer'")
        if len(label.strip()) > MAX_LABEL:
            most = f"speaker: a label is {MAX_LABEL} characters at most"
            raise FormValueError("speaker", f"{most}, not {len(label.strip())}", most)
        word = role.strip().casefold()
        found = Speaker(word) if word in {s.value for s in Speaker} else speaker_for(word, plain)
        if found is None:
            raise FormValueError("speaker", f"speaker {item.strip()!r}: the role must be agent, customer or "
                                 "system",
                                 "speaker: the role (after the last =) must be agent, customer or system")
        out[label.strip()] = found.value
    return out


def speaker_items(values: Iterable[str]) -> list[str]:
    """The ``LABEL=ROLE`` items of form fields: one per line or separated by ``;``, or by commas where
    every piece between them is an item (``Mari=agent, Jüri=customer``; ``Tamm, Mari=agent`` is one)."""
    items: list[str] = []
    for value in values:
        for piece in re.split(r"[\r\n;]+", str(value)):
            parts = piece.split(",")
            split = len(parts) > 1 and all("=" in p for p in parts)
            items += [p.strip() for p in (parts if split else [piece]) if p.strip()]
    return items


def _language(value: str | None) -> Language | None:
    from servio.model import Language

    try:
        return Language(value) if value else None
    except ValueError:
        known = " or ".join(str(v) for v in Language)
        raise FormValueError("language", f"language must be {known}, not {value!r}",
                             f"language must be {known}") from None


def form_reader_options(form: Any) -> ReaderOptions:
    """Reader options from the dashboard's form (Starlette ``FormData``); empty fields are not choices.

    ``language``; ``column.<field>=NAME`` (one input per field) and ``column=FIELD=NAME`` as the API
    takes it; ``agent_domain``, several separated by commas or spaces; ``speaker``, ``LABEL=ROLE`` items
    (:func:`speaker_items`); ``encoding``, ``channel`` and ``time_zone``.
    """
    columns = [str(v) for v in form.getlist("column") if str(v).strip()]
    columns += [f"{key.removeprefix('column.')}={value}" for key, value in form.multi_items()
                if key.startswith("column.") and str(value).strip()]
    domains = [d for value in form.getlist("agent_domain") for d in _LIST.split(str(value)) if d]
    speakers = speaker_items(str(v) for v in form.getlist("speaker"))
    return reader_options(str(form.get("language") or "").strip() or None, columns, domains, speakers,
                          encoding=str(form.get("encoding") or ""), channel=str(form.get("channel") or ""),
                          time_zone=str(form.get("time_zone") or ""))


def column_hints(count: int = 2) -> dict[str, str]:
    """The first usual header names of each field the form offers, for its placeholders."""
    from servio.ingest.vocab import column_names

    names = column_names()
    return {field: ", ".join(names["agent_id" if field == "agent" else field][:count]) + ", …"
            for field in FORM_COLUMNS}


_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_CHUNK = 1024 * 1024
_NAME_MAX = 100  # characters (a letter may take several bytes)


def upload_name(name: str | None, index: int, taken: set[str]) -> str:
    """A safe file name for upload number ``index``: its own name without folders (``/`` or ``\\``) or
    odd characters (letters of any language stay), made unique among ``taken`` (updated, ignoring case)."""
    base = _UNSAFE_NAME.sub("_", Path((name or "").replace("\\", "/")).name).strip("._") or f"upload-{index}"
    if len(base) > _NAME_MAX:  # a file system takes 255 bytes at most; keep the extension, the format hint
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[:_NAME_MAX - 12]}.{ext[:10]}" if dot and stem else base[:_NAME_MAX]
    candidate, n = base, 1
    while candidate.casefold() in taken:
        stem, dot, ext = base.rpartition(".")
        candidate = f"{stem}-{n}.{ext}" if dot and stem else f"{base}-{n}"
        n += 1
    taken.add(candidate.casefold())
    return candidate


async def save_uploads_in(folder: Path, files: Iterable[Any]) -> list[Path]:
    """Copy uploaded files (Starlette ``UploadFile``) into ``folder`` under :func:`upload_name` names,
    a chunk at a time; the paths in upload order."""
    taken: set[str] = set()
    paths = []
    for index, upload in enumerate(files):
        target = folder / upload_name(upload.filename, index, taken)
        with target.open("wb") as out:
            while chunk := await upload.read(_CHUNK):
                out.write(chunk)
        paths.append(target)
    return paths


def checked_format(name: str | None) -> str | None:
    """``name`` when it is a format servio reads (``None``: detect); a :class:`FormValueError` naming the
    known ones."""
    from servio.ingest import available_formats

    if name is not None and name not in available_formats():
        known = ", ".join(available_formats())
        raise FormValueError("format", f"unknown format {name!r}; known: {known}",
                             f"unknown format; known: {known}")
    return name
