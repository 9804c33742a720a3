"""CSV export: one row per conversation with its scores, missing stages and failure patterns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from servio.results import ConversationResult
from servio.stages import ALL_STAGES
from servio.store.types import ConversationSummary

#: Columns of :meth:`servio.store.Store.export_rows`, in order. ``stage_N`` is the
#: stage's score 0..100, empty when the stage does not apply to the contact type;
#: list columns are joined with ``;``; ``unread`` counts the records of the conversation that could
#: not be read on import (above 0: it is incomplete, and its scores may be wrong).
CSV_COLUMNS: tuple[str, ...] = (
    "id", "started_at", "language", "channel", "contact_type", "agent_id", "team", "turns", "overall",
    *(f"stage_{int(s)}" for s in ALL_STAGES), "missing_stages", "failures", "corrected", "unread",
)
#: What a spreadsheet reads as the start of a formula (``=cmd|...``, ``@SUM(...)``) in a text cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every text value that a spreadsheet would run as a formula behind an apostrophe.

    Ids, agents and teams come from uploaded files; an apostrophe makes
    Excel and LibreOffice show the value as text (it keeps every character).
    """
    return {key: "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
            for key, value in row.items()}


def csv_row(summary: ConversationSummary, result: ConversationResult) -> dict[str, Any]:
    """The export row of one conversation."""
    scores = {s.stage: s for s in result.stage_scores}
    row: dict[str, Any] = {
        "id": summary.id, "started_at": result.started_at or "", "language": summary.language,
        "channel": summary.channel, "contact_type": summary.contact_type, "agent_id": summary.agent_id or "",
        "team": summary.team or "", "turns": summary.turns, "overall": round(summary.overall, 1),
    }
    for stage in ALL_STAGES:
        score = scores.get(int(stage))
        row[f"stage_{int(stage)}"] = round(score.score, 1) if score is not None and score.weight > 0 else ""
    row["missing_stages"] = ";".join(str(s) for s in summary.missing_stages)
    row["failures"] = ";".join(summary.failures)
    row["corrected"] = int(summary.corrected)
    row["unread"] = summary.unread  # records not read on import: above 0, incomplete
    return row


#: The CSV dialects of the export: ``rfc4180`` (``,`` between cells, ``.`` in numbers) and ``excel``, for
#: a spreadsheet in a locale whose list separator is ``;`` and decimal separator ``,`` (Estonian, as most
#: of continental Europe): ``;``, ``79,3`` and a UTF-8 byte order mark, without which Excel reads the
#: file in the Windows code page.
CSV_DIALECTS = ("rfc4180", "excel")


def _decimal_comma(row: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value).replace(".", ",") if isinstance(value, float) else value
            for key, value in row.items()}


def csv_chunks(rows: Iterable[dict[str, Any]], size: int = 64 * 1024, *,
               dialect: str = "rfc4180") -> Iterator[str]:
    """The CSV text of export rows, header first, in pieces of about ``size`` characters (for
    streaming); formula-like text is made safe (:func:`spreadsheet_safe`); ``dialect`` one of
    :data:`CSV_DIALECTS`."""
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(CSV_DIALECTS)}, not {dialect!r}")
    excel = dialect == "excel"
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    # CRLF (RFC 4180): the writer then quotes a CR inside a value instead of splitting the row
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS), lineterminator="\r\n",
                            delimiter=";" if excel else ",")
    writer.writeheader()
    for row in rows:
        safe = spreadsheet_safe(row)
        writer.writerow(_decimal_comma(safe) if excel else safe)
        if buffer.tell() > size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write export rows as CSV (see :func:`csv_chunks`); returns the number of rows."""
    n = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal n
        for row in rows:
            n += 1
            yield row

    out.writelines(csv_chunks(counted()))
    return n


def pair_up(summaries: Iterable[ConversationSummary], results: Iterable[ConversationResult]
            ) -> Iterator[dict[str, Any]]:
    """Rows from summaries and results given in the same order."""
    for summary, result in zip(summaries, results, strict=True):
        yield csv_row(summary, result)
