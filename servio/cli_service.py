"""The commands around the store, the service, reports and training: parse, call one function, print.

Kept apart from :mod:`servio.cli` (the file commands) so each stays small;
:func:`add_parsers` registers them on the main parser.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2
DEFAULT_DATABASE = "sqlite:///./servio.db"


def add_parsers(sub: Any, add_input: Any, add_workers: Any, add_scorecard: Any) -> None:
    """Add ``import``, ``serve``, ``report``, ``delete`` and ``train`` to the subcommand parsers ``sub``."""
    p = sub.add_parser(
        "import",
        help="import conversations into the database (redacting personal data)",
        description="Read, redact, analyse and store conversations. Idempotent by conversation "
        "id: re-importing changes nothing, an updated conversation is re-analysed.",
        epilog="""\
examples:
  servio import exports/                     into ./servio.db, personal data redacted
  servio import chats.csv --database sqlite:///qa.db --column text=Sõnum
  servio import new.jsonl --scorecard rattapood.toml
""",
    )
    add_input(p, model=False)  # stored results name their tagger; a model file has no name to store
    add_workers(p)
    p.add_argument(
        "--database", default=None, help=f"database URL (default: $SERVIO_DATABASE_URL or {DEFAULT_DATABASE})"
    )
    p.add_argument("--no-redact", action="store_true", help="store personal data as it is (not recommended)")
    p.add_argument("--scorecard", metavar="FILE", default=os.environ.get("SERVIO_SCORECARD") or None,
                   help="score with this scorecard (docs/scorecard.md; default: $SERVIO_SCORECARD, else "
                   "servio's); conversations stored with another one are scored again")
    p.add_argument(
        "--batch-size", type=int, default=200, help="conversations per committed batch (default 200)"
    )

    p = sub.add_parser(
        "serve",
        help="run the API, the dashboard and live hints",
        description="Serve the REST API, the dashboard (/ui) and live stage hints.",
        epilog="""\
examples:
  servio serve --examples                    http://127.0.0.1:8000/ui with the bundled examples
  servio serve --config servio.toml
""",
    )
    p.add_argument(
        "--database", default=None, help=f"database URL (default: $SERVIO_DATABASE_URL or {DEFAULT_DATABASE})"
    )
    p.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 8000)")
    p.add_argument("--config", default=None, help="a TOML settings file (see docs/api.md)")
    p.add_argument("--examples", action="store_true", help="import the bundled examples first")
    p.add_argument(
        "--open-dashboard",
        action="store_true",
        help="development only: the dashboard needs no token (refused in production mode)",
    )

    p = sub.add_parser(
        "report",
        help="a self-contained HTML (and PDF) report for an agent, a team or a period",
        description="Write a self-contained HTML report (-o) from files or from the database: on one "
        "agent (--agent), one team (--team) or, without either, every conversation; --from and --to "
        "choose the days. It is in the language of most of its conversations unless --report-lang says.",
        epilog="""\
examples:
  servio report exports/ -o september.html --from 2026-09-01 --to 2026-09-30
  servio report exports/ --team Tallinn -o tallinn.html --pdf tallinn.pdf
  servio report --database sqlite:///servio.db --agent kati --report-lang en -o kati.html
  servio report exports/ --from 2026-10-01 --compare-from 2026-09-01 --compare-to 2026-09-30 -o oct.html
""",
    )
    add_input(p)
    add_workers(p)
    add_scorecard(p)
    p.add_argument("--database", default=None,
                   help="read results from this database instead of files (default: the files given)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--agent", help="report on one agent")
    who.add_argument("--team", help="report on one team")
    p.add_argument("--from", dest="date_from", type=_day, metavar="DAY",
                   help="first day, YYYY-MM-DD (default: from the first conversation)")
    p.add_argument("--to", dest="date_to", type=_day, metavar="DAY",
                   help="last day, inclusive, YYYY-MM-DD (default: to the last conversation)")
    p.add_argument("--compare-from", type=_day, metavar="DAY",
                   help="with --compare-to: compare with the conversations of another period (before a "
                   "training, last month), chosen the same way: each stage's change and whether it is clear")
    p.add_argument("--compare-to", type=_day, metavar="DAY",
                   help="last day, inclusive, of the period to compare with")
    p.add_argument("--report-lang", choices=["et", "en"],
                   help="language of the report (default: the language of most of its conversations, "
                   "as servio agents chooses)")
    p.add_argument("--base-url", metavar="URL",
                   help="the dashboard's address (https://servio.example.ee): every conversation id in the "
                   "report links to its page there (default: ids as plain text)")
    p.add_argument("-o", "--output", required=True, help="the HTML file to write ('-' for stdout)")
    p.add_argument("--pdf", help="also write a PDF here (needs Chromium)")

    p = sub.add_parser(
        "delete",
        help="delete conversations or import jobs from the database (a customer's erasure request, a "
        "retention period)",
        description="Remove conversations and everything stored about them (turns, tags, scores, "
        "corrections): by id, or every one that started before a day; and import jobs, whose problems "
        "quote speaker labels and other values as the files had them: by id, by a text they quote, or "
        "every one that finished before a day. Without --yes nothing is removed: servio says what would be.",
        epilog="""\
examples:
  servio delete INC-2026-0412 --imports-quoting 'Mari Maasikas' --yes   a customer's erasure request
  servio delete --before 2025-11-27 --imports-before 2025-11-27        how many are older than that day?
""",
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="conversation ids")
    p.add_argument("--before", type=_day, metavar="YYYY-MM-DD",
                   help="every conversation that started before this day, in its own time zone (one with "
                   "no start time: imported before the day began in UTC)")
    p.add_argument("--import-job", type=_job_id, action="append", default=[], metavar="ID",
                   help="an import job by id (repeatable); one still running is skipped")
    p.add_argument("--imports-quoting", action="append", default=[], metavar="TEXT",
                   help="every import job whose file names, problems or error hold this text, in any case "
                   "(a customer's name; repeatable)")
    p.add_argument("--imports-before", type=_day, metavar="YYYY-MM-DD",
                   help="every import job that finished before this day (UTC)")
    p.add_argument(
        "--database", default=None, help=f"database URL (default: $SERVIO_DATABASE_URL or {DEFAULT_DATABASE})"
    )
    p.add_argument("--yes", action="store_true", help="really delete (default: only count)")

    p = sub.add_parser(
        "train",
        help="train the learned stage tagger on labelled conversations",
        description="Train the learned tagger deterministically on gold-labelled files "
        "(reviewer corrections included; later files win for the same id).",
        epilog="""\
examples:
  servio train gold.jsonl corrections.jsonl -o model.json
  servio tag chats.jsonl -o tagged.jsonl --model model.json
""",
    )
    p.add_argument("paths", nargs="+", metavar="DATA", help="labelled JSON Lines files")
    p.add_argument("-o", "--output", required=True, help="model file to write (JSON)")
    p.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    p.add_argument("--live", action="store_true",
                   help="train the live model: it tags the newest turn of a chat in progress, with no "
                   "later turn to read (trained on every chat so far that ends in a labelled turn)")
    p.add_argument("--json", action="store_true",
                   help="print the training report as JSON (file, data, labels, thresholds, checksum)")


def _day(value: str) -> date:
    """A ``YYYY-MM-DD`` command-line day; argparse turns the error into a usage message."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {value!r}") from None


def _job_id(value: str) -> int:
    """An import job id on the command line (a whole number from 1)."""
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise argparse.ArgumentTypeError(f"not an import job id (a whole number from 1): {value!r}")
    return int(value)


def _database(args: argparse.Namespace) -> str:
    return args.database or os.environ.get("SERVIO_DATABASE_URL") or DEFAULT_DATABASE


def cmd_import(args: argparse.Namespace, session: Any) -> int:
    from servio.cli import counted
    from servio.jobs import scorecard
    from servio.store import Store

    card = scorecard(session.options.scorecard) if session.options.scorecard else None
    with _database_errors(_database(args)):
        store = Store(_database(args), scorecard=card)
        store.migrate()

    started = time.monotonic()
    if sys.stderr.isatty() and not args.no_progress:
        _say_csv_checked_first(session.paths())
    first: list[tuple[float, int]] = []  # when the first batch was stored, and how many were read by then

    def progress(report: Any) -> None:
        now = time.monotonic()
        if not first:
            first.append((now, report.read))
        (since, before), seconds = first[0], now - started
        # the rate of storing, from the first batch on: a CSV file's rows are all checked before it, which a
        # rate from the start would count as a crawl ("5/s" against 300)
        stored = report.read - before
        rate = f"{stored / (now - since):.0f}/s, " if now > since and stored > 0 else ""
        print(
            f"\rservio: {report.read} read, {report.new} new, {report.updated} updated, "
            f"{report.unchanged} unchanged ({rate}{_clock(seconds)})",
            end="",
            file=sys.stderr,
            flush=True,
        )
        session.line_open = True  # a problem line erases it first, not glued to its end

    with _sigterm_stops():
        report = _imported(args, session, store, progress)
    session.say_repeats()
    print(
        ("\n" if session.line_open else "") +  # below the counts line, which stays
        f"servio: import job {report.job_id}: {report.read} read"
        f"{_incomplete(report.incomplete)}, {report.new} new, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.skipped} skipped, "
        f"{report.failed} failed; "
        f"redacted {counted(sum(report.redacted.values()), 'value')} into {store.url} "
        f"in {_clock(time.monotonic() - started)}",
        file=sys.stderr,
    )
    return EXIT_SKIPPED if report.skipped or report.failed else EXIT_OK


#: A CSV file this big (bytes) takes long enough to check before its first conversation that the terminal is
#: told so first
CSV_READ_NOTICE_BYTES = 20 * 1024 * 1024


def _say_csv_checked_first(paths: list[str]) -> None:
    """Tell the terminal that every row of a big CSV file is checked before anything is stored: the rows of
    one conversation may stand anywhere in it (docs/formats.md), so nothing moves for a while."""
    from pathlib import Path

    for given in paths:
        path = Path(given)
        if path.suffix.casefold() in (".csv", ".tsv") and path.is_file():
            size = path.stat().st_size
            if size >= CSV_READ_NOTICE_BYTES:
                megabytes = f"{size / 1024 / 1024:.0f} MB"
                print(f"servio: checking every row of {path.name} ({megabytes}) before storing its first "
                      "conversation (a conversation's rows may be anywhere in a CSV file)",
                      file=sys.stderr, flush=True)


def _incomplete(n: int) -> str:
    """What the import summary says of the conversations read that lost records: nothing when none."""
    if not n:
        return ""
    return f" ({n} of them incomplete: some of their records could not be read, see the problems above)"


def _imported(args: argparse.Namespace, session: Any, store: Any, progress: Any) -> Any:
    from servio.redact import RedactionConfig
    from servio.store import import_paths

    return import_paths(
        store,
        session.paths(),
        batch_size=args.batch_size,
        format=args.format,
        strict=args.strict,
        options=session.options.reader_options,
        on_problem=session.options.on_problem,
        on_note=session.options.on_note,
        on_progress=progress if sys.stderr.isatty() and not args.no_progress else None,
        redact=RedactionConfig(enabled=not args.no_redact),
        tagger=args.tagger,
        workers=session.options.workers,
    )


def _clock(seconds: float) -> str:
    """``seconds`` as people read a duration: ``42 s``, ``3 min 05 s``, ``1 h 02 min``."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """While inside, SIGTERM (``kill``, a service manager stopping a job) stops like Ctrl-C: the import
    records how far it got instead of dying with its job left "running"."""
    from servio.cli import Terminated

    def stop(signum: int, frame: Any) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (servio.cli.main called from a thread): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_serve(args: argparse.Namespace) -> int:
    from servio.service import run

    overrides: dict[str, Any] = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if args.database:
        overrides["database_url"] = args.database
    if args.open_dashboard:
        overrides["open_dashboard"] = True
    settings = _checked_settings(args.config, overrides)
    _check_port(settings.host, settings.port)  # before the banner, the examples and a new admin's token
    with _database_errors(settings.database_url):  # at start-up; requests handle their own errors
        if args.examples:
            _import_examples(settings)
        run(settings)
    return EXIT_OK


def _check_port(host: str, port: int) -> None:
    """A :class:`~servio.cli.UsageError` when ``host:port`` cannot be listened on (another server has it):
    uvicorn would say so only after the banner had printed a sign-in link to the other server."""
    import errno
    import socket

    from servio.cli import UsageError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return  # uvicorn says what is wrong with the address
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} on {host} is already in use (another servio?): choose another "
                                 "with --port or SERVIO_PORT, or stop the server that has it") from None
            if exc.errno == errno.EACCES:
                raise UsageError(f"no permission to listen on port {port} on {host}: ports below 1024 need "
                                 "privileges; choose another with --port or SERVIO_PORT") from None
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _import_examples(settings: Any) -> None:
    from servio.examples import example_paths
    from servio.redact import RedactionConfig
    from servio.service.app import open_store
    from servio.store import import_paths

    store = open_store(settings)
    store.migrate()
    report = import_paths(
        store,
        [str(p) for p in example_paths()],
        tagger=settings.tagger,
        redact=RedactionConfig(enabled=settings.redact),
    )
    print(f"servio: examples imported ({report.new} new, {report.unchanged} unchanged)", file=sys.stderr)
    store.close()


def _checked_settings(config: str | None, overrides: dict[str, Any]) -> Any:
    """The service settings, or a :class:`~servio.cli.UsageError` that says which setting is wrong
    (a bad value, an unreadable settings file, or settings unsafe for production mode)."""
    from pydantic import ValidationError

    from servio.cli import UsageError
    from servio.service import load_settings
    from servio.service.settings import UnsafeSettingsError

    where = f"settings file {config}: " if config else ""
    try:
        settings = load_settings(config, **overrides)
        settings.ensure_safe()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']} "
                             f"(got {e.get('input')!r})" for e in exc.errors())
        raise UsageError(f"{where}bad setting: {problems} (settings come from SERVIO_* variables, "
                         f"--config and the options)") from None
    except (UnsafeSettingsError, FileNotFoundError) as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise UsageError(f"{where}{exc}") from None
    _checked_scorecard(settings)
    return settings


def _scorecard_name(path: str | None) -> str | None:
    """The name of the scorecard file ``path`` (already read by the session), for a report to show."""
    if not path:
        return None
    from servio.jobs import scorecard

    return scorecard(path).name


def _checked_scorecard(settings: Any) -> None:
    """The scorecard setting read once before serving, so that a bad file is one clear error."""
    if settings.scorecard:
        from servio.cli import read_scorecard

        read_scorecard(settings.scorecard, where="scorecard setting: ")


def _base_url(value: str | None) -> str | None:
    """``--base-url``: the address of the conversation pages of the dashboard at that http(s) address
    (``servio serve``'s), else a usage error naming the option."""
    from urllib.parse import urlsplit

    from servio.cli import UsageError
    from servio.web.routes import DASHBOARD_PREFIX

    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError("--base-url must be the dashboard's http(s) address, e.g. "
                         f"https://servio.example.ee, not {value!r}")
    return value.strip().rstrip("/") + DASHBOARD_PREFIX + "/conversations/"


def stored_results(args: argparse.Namespace) -> list[Any]:
    """``servio agents --database``: the stored results of ``--team`` and the days, as imported; files,
    ``--examples`` and the options that only reading files takes are refused, naming them."""
    from servio.web.store_backend import StoreBackend

    _only_the_database(args, "profiles", "--database profiles", "--team, --from and --to")
    with _database_errors(args.database):
        backend = StoreBackend(existing_store(_database(args)))
        return list(backend.results(agent_id=None, team=args.team, date_from=args.date_from,
                                    date_to=args.date_to))


def _only_the_database(args: argparse.Namespace, does: str, covers: str, choose: str) -> None:
    """A usage error for what a command given ``--database`` would leave unread or undone: files or
    ``--examples``, ``--model``, ``--scorecard``, and the options only reading files takes (each named)."""
    from servio.cli import UsageError

    if args.paths or args.examples:
        given = "the files given" if args.paths else "--examples"
        raise UsageError(f"--database {does} the results stored there; {given} would not be read "
                         "(give either files, --examples or --database)")
    if args.model:
        raise UsageError("--model tags files; the results in a database were tagged when imported")
    if args.scorecard:
        raise UsageError("--scorecard scores files; the results in a database were scored when imported")
    reading = _reading_options(args)
    if reading:
        raise UsageError(f"{', '.join(reading)} {'reads' if len(reading) == 1 else 'read'} files; {covers} "
                         f"the stored results as imported (choose them with {choose})")


def _reading_options(args: argparse.Namespace) -> list[str]:
    """The options given that only reading files takes (``--channel phone`` with ``--database`` would
    otherwise be dropped without a word, and the report cover every channel)."""
    from servio.analyze.registry import DEFAULT_TAGGER

    given = [("--format", args.format), ("--strict", args.strict), ("--lang", args.lang),
             ("--encoding", args.encoding), ("--channel", args.channel), ("--time-zone", args.time_zone),
             ("--tagger", args.tagger != DEFAULT_TAGGER), ("--column", args.column),
             ("--agent-domain", args.agent_domain), ("--speaker", args.speaker),
             ("--workers", args.workers != 1)]
    return [flag for flag, value in given if value]


def cmd_report(args: argparse.Namespace, session: Any) -> int:
    from servio.cli import UsageError, check_output
    from servio.report.content import chosen_language
    from servio.report.html import build_report
    from servio.report.summary import select

    if args.pdf:
        check_output(args.pdf)
    links = _base_url(args.base_url)  # checked before any reading, as the output paths are

    scope, ident = (
        ("agent", args.agent) if args.agent else ("team", args.team) if args.team else ("period", None)
    )
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(f"--from {args.date_from} is after --to {args.date_to}")
    _check_comparison(args)
    if args.database:
        _only_the_database(args, "reports on", "a report from --database covers",
                           "--team, --agent, --from and --to")
        with _database_errors(args.database):
            results, conversations, known = _results_from_store(args, scope)
    else:
        from servio.jobs import score

        # a report shows no evidence: the tags without it are the same and twice as quick
        pairs = list(score(session.scorable(), session.options, evidence=False))
        results = [r for _, r in pairs]
        conversations = {c.id: c for c, _ in pairs}
        known = None
    quiet = _check_selection(results, args, scope, ident, known)
    notes = []
    if args.compare_from and not select(results, scope=scope, id=ident, date_from=args.compare_from,
                                        date_to=args.compare_to):
        # a quiet earlier period is no error either: the report's comparison says there is nothing to
        # compare with, as the API's does
        source = "in the database" if args.database else "in the input"
        notes.append(f"note: no conversation from {args.compare_from} to {args.compare_to} {source} to "
                     f"compare with{f' ({scope} {ident})' if ident else ''}")
    # the report's own conversations choose its language: an English team's report in a mostly Estonian input
    language = args.report_lang or chosen_language(results, scope=scope, id=ident, date_from=args.date_from,
                                                   date_to=args.date_to)
    html = build_report(
        results,
        conversations,
        scope=scope,
        id=ident,
        date_from=args.date_from,
        date_to=args.date_to,
        language=language,
        scorecard=_scorecard_name(session.options.scorecard) if not args.database else None,
        compare_from=args.compare_from,
        compare_to=args.compare_to,
        links=links,
    )
    if quiet is not None:  # the report's own sentence, in its language: exit 0, as the API answers 200
        print(f"servio: {_quiet(scope, ident, args, language)}{quiet}", file=sys.stderr)
    for note in notes:
        print(f"servio: {note}", file=sys.stderr)
    if args.output == "-":
        sys.stdout.write(html)
    else:
        from servio.files import written_whole

        with written_whole(args.output) as fh:  # a failed write leaves the earlier report whole
            fh.write(html)
        print(f"servio: wrote {args.output}", file=sys.stderr)
    if args.pdf:
        from servio.report.pdf import PdfError, write_pdf

        try:
            write_pdf(html, args.pdf)
            print(f"servio: wrote {args.pdf}", file=sys.stderr)  # as given, like the HTML file above
        except PdfError as exc:
            print(f"servio: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
    return session.finish() if not args.database else EXIT_OK


def _check_comparison(args: argparse.Namespace) -> None:
    """A :class:`~servio.cli.UsageError` for a comparison period given by half, backwards, or not ending
    before the report's first day (see :func:`servio.report.compare.earlier_problem`)."""
    from servio.cli import UsageError

    if (args.compare_from is None) != (args.compare_to is None):
        raise UsageError("--compare-from and --compare-to go together: the first and last day of the period "
                         "to compare with")
    if args.compare_from is None:
        return
    from servio.report.compare import earlier_problem

    problem = earlier_problem(args.date_from, args.compare_from, args.compare_to)
    if problem == "reversed":
        raise UsageError(f"--compare-from {args.compare_from} is after --compare-to {args.compare_to}")
    if problem == "no_start":
        raise UsageError(f"the period to compare with ({args.compare_from} to {args.compare_to}) is the "
                         "earlier one: give --from, the report's first day, after it")
    if problem == "not_before":
        raise UsageError(f"the period to compare with ({args.compare_from} to {args.compare_to}) must end "
                         f"before the report's first day (--from {args.date_from})")


@dataclass(frozen=True, slots=True)
class _Known:
    """What a database holds beyond the days a report read: whether the agent, team or anyone asked for
    has conversations on any day, and otherwise the agents or teams there are (for the error)."""

    exists: bool
    names: list[str]


def _check_selection(results: list[Any], args: argparse.Namespace, scope: str, ident: str | None,
                     known: _Known | None = None) -> str | None:
    """A :class:`~servio.cli.UsageError` saying why, when there is nothing to report on: no conversation
    at all, an agent or team with none, or only conversations without a day when days were asked for.
    ``known`` says what a database holds (``results`` hold only the days asked for).

    Days without conversations of an agent, team or input that has some are a quiet period, not an
    error: the report says so, and so does the line printed (this returns what that line adds: "" or a
    note on conversations without a day); None when the report holds conversations.
    """
    from servio.cli import UsageError
    from servio.report.summary import result_date, select

    if select(results, scope=scope, id=ident, date_from=args.date_from, date_to=args.date_to):
        return None
    source = "in the database" if args.database else "in the input"
    exists = known.exists if known is not None else bool(select(results, scope=scope, id=ident))
    if not exists and not ident:
        raise UsageError("nothing to report: " + ("the database holds no results" if args.database
                                                  else "no conversation was read"))
    if not exists:
        field = "agent_id" if scope == "agent" else "team"
        names = known.names if known is not None else sorted({str(getattr(r, field) or "") for r in results}
                                                             - {""})
        listed = f"; {scope}s: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}" if names else ""
        raise UsageError(f"no conversation of {scope} {ident!r} {source}{listed}")
    days = " ".join(part for part in (f"from {args.date_from}" if args.date_from else "",
                                      f"to {args.date_to}" if args.date_to else "") if part)
    mine = select(results, scope=scope, id=ident)  # a database's: none (it read the days asked for only)
    undated = sum(1 for r in mine if result_date(r) is None)
    why = f"; {undated} conversation{' has' if undated == 1 else 's have'} no date" if undated else ""
    if mine and undated == len(mine):  # no day to find: not a quiet period, the days were never read
        raise UsageError(f"no conversation {days} {source}{why}")
    return f" (note: {why[2:]})" if why else ""


def _quiet(scope: str, ident: str | None, args: argparse.Namespace, language: str) -> str:
    """What a report without conversations in its days says (:func:`servio.report.summary.quiet_text`)."""
    from servio.report.summary import quiet_text

    return quiet_text(scope, ident, args.date_from, args.date_to, language)


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """Turn a database that cannot be opened or read into a ``servio: error`` line (exit status 2)."""
    from sqlalchemy.exc import SQLAlchemyError

    from servio.cli import UsageError
    from servio.store.types import StoreError

    try:
        yield
    except (StoreError, SQLAlchemyError) as exc:
        from servio.store.engine import shown_url

        reason = getattr(exc, "orig", None) or exc
        raise UsageError(f"cannot use the database {shown_url(url)}: {reason}") from None


def _results_from_store(args: argparse.Namespace, scope: str
                        ) -> tuple[list[Any], dict[str, Any], _Known | None]:
    """The results the report reads from the database, their conversations, and when its days hold none
    of them, whether the agent, team or anyone asked for has conversations on other days (a quiet period)
    and otherwise the agents or teams the database knows, for the error that names them."""
    from servio.web.pages import report_results
    from servio.web.store_backend import StoreBackend

    # opened as servio delete and users do: a mistyped SQLite path is no new empty file
    backend = StoreBackend(existing_store(_database(args)))
    # the database bounds the days, each conversation's own: a year of a big centre is not read for a month
    results, conversations, _ = report_results(backend, agent_id=args.agent, team=args.team,
                                               date_from=args.date_from, date_to=args.date_to,
                                               compare_from=args.compare_from,
                                               compare_to=args.compare_to)
    known = None
    if not results:  # only the days asked for were read: is this a quiet period, or is there nobody?
        exists = backend.knows(agent_id=args.agent, team=args.team)
        names = [] if exists or scope == "period" else \
            sorted(x.id for x in (backend.agents() if args.agent else backend.teams()))
        known = _Known(exists, names)
    return results, conversations, known


def cmd_delete(args: argparse.Namespace) -> int:
    """``servio delete``: what would go, or (``--yes``) its removal; unknown ids and import jobs still running
    are reported, exit 1."""
    from servio.cli import EXIT_OK, EXIT_SKIPPED, UsageError

    jobs_asked = bool(args.import_job or args.imports_quoting or args.imports_before)
    if not args.ids and args.before is None and not jobs_asked:
        raise UsageError("servio delete: give conversation ids, or --before YYYY-MM-DD, or import jobs "
                         "(--import-job ID, --imports-quoting TEXT, --imports-before YYYY-MM-DD)")
    if any(not text.strip() for text in args.imports_quoting):
        raise UsageError("servio delete: --imports-quoting needs a text to look for")
    url = _database(args)
    with _database_errors(url):
        store = existing_store(url)
        unknown = [i for i in dict.fromkeys(args.ids) if store.get_summary(i) is None]
        chosen = {i for i in args.ids if i not in unknown}
        if args.before is not None:
            chosen.update(store.started_before(args.before))
        targets = sorted(chosen)
        removed = store.delete_conversations(targets) if args.yes else 0
        jobs = _import_jobs_to_delete(store, args) if jobs_asked else None
        url = store.url  # for the messages: without a password
    if args.yes:
        _audit_deleted(args, url, [i for i in targets if i in args.ids], removed, jobs)
    for i in unknown:
        print(f"servio: skipped: no conversation {i!r} in {url}", file=sys.stderr)
    if args.ids or args.before is not None:
        _say_deleted(targets, removed, "conversation", url, args.yes)
    if jobs is not None:
        for reason in jobs.skipped:
            print(f"servio: skipped: {reason}", file=sys.stderr)
        _say_deleted([str(j) for j in jobs.targets], jobs.removed, "import job", url, args.yes)
    return EXIT_SKIPPED if unknown or (jobs is not None and jobs.skipped) else EXIT_OK


def _audit_deleted(args: argparse.Namespace, url: str, named: list[str], removed: int,
                   jobs: _JobsToDelete | None) -> None:
    """The audit lines of ``servio delete --yes``: the conversations named and the day before which they went
    (not each id a --before matched), the import jobs by id; never the text --imports-quoting looked for."""
    from servio import audit

    if args.ids or args.before is not None:
        audit.by_cli("conversation.delete", database=url, conversations=named or None, before=args.before,
                     deleted=removed)
    if jobs is not None:
        audit.by_cli("import_job.delete", database=url, import_jobs=jobs.targets, deleted=jobs.removed)


def _say_deleted(targets: list[str], removed: int, what: str, url: str, done: bool) -> None:
    if done:
        print(f"servio: deleted {removed} {what}{'s' * (removed != 1)} from {url}", file=sys.stderr)
        return
    shown = ", ".join(targets[:10]) + (f" and {len(targets) - 10} more" if len(targets) > 10 else "")
    print(f"servio: would delete {len(targets)} {what}{'s' * (len(targets) != 1)}"
          f"{': ' + shown if targets else ''}; nothing was deleted: add --yes to delete", file=sys.stderr)


@dataclass(frozen=True)
class _JobsToDelete:
    targets: list[int]  # the jobs that go (with --yes) or would go
    removed: int  # how many went
    skipped: list[str]  # why a job asked for by id or text stays (unknown, still running)


def _import_jobs_to_delete(store: Any, args: argparse.Namespace) -> _JobsToDelete:
    """The import jobs ``servio delete`` was given (by id, quoted text, end before a day); with ``--yes``
    deleted, each in its own transaction: a job still running when asked for is skipped and said so."""
    from servio.store import JobBusy
    from servio.store.jobs import busy

    asked = list(dict.fromkeys(args.import_job))
    for text in args.imports_quoting:
        asked.extend(store.import_jobs_quoting(text))
    ended = store.import_jobs_ended_before(args.imports_before) if args.imports_before else []
    skipped: list[str] = []
    targets: list[int] = []
    for job_id in sorted(set(asked) | set(ended)):
        job = store.get_import_job(job_id)
        if job is None:
            skipped.append(f"no import job {job_id} in {store.url}")
        elif busy(job):
            skipped.append(f"import job {job_id} is {job.status}: it can be deleted once it has finished")
        else:
            targets.append(job_id)
    removed = 0
    for job_id in targets if args.yes else ():
        try:
            removed += store.delete_import_job(job_id)
        except JobBusy as exc:  # started again meanwhile
            skipped.append(str(exc))
    return _JobsToDelete(targets, removed, skipped)


def existing_store(url: str, *, pepper: str | None = None) -> Any:
    """The :class:`~servio.store.Store` at ``url``, brought up to date as import and serve do; a
    :class:`~servio.cli.UsageError` for a SQLite file that does not exist (opening it would create an
    empty one) or a database without servio's tables. Call it within :func:`_database_errors`."""
    from servio.cli import UsageError
    from servio.store import Store

    if _missing_sqlite_file(url):
        raise UsageError(f"{url}: no such database file")  # a SQLite URL holds no password
    store = Store(url, pepper=pepper)
    if store.schema_revision() is None:
        raise UsageError(f"{store.url}: no servio database here (servio serve or servio import makes one)")
    store.migrate()
    return store


def _missing_sqlite_file(url: str) -> bool:
    from pathlib import Path

    from servio.store.engine import normalise_url

    parsed = normalise_url(url)
    name = parsed.database
    return parsed.get_backend_name() == "sqlite" and name not in (None, "", ":memory:") and \
        not Path(name).exists()


def cmd_train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from servio.cli import check_output, shown
    from servio.train import train_model

    check_output(args.output)
    report = train_model(
        args.paths,
        Path(args.output),
        seed=args.seed,
        on_progress=lambda msg: print(f"servio: {shown(msg)}", file=sys.stderr),
        live=args.live,
    )
    print(json.dumps(report.to_dict(), indent=2, default=str) if args.json else report.summary())
    return EXIT_OK
