"""servio's command line: parse, call one core function, print.

Exit status: 0 when everything was read; 1 when some input records were
skipped (each one is reported on stderr with its file and line); 2 for
usage errors and input that cannot be read at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from servio import __version__, cli_database, cli_service, cli_users
from servio.analyze.registry import DEFAULT_TAGGER

if TYPE_CHECKING:
    from servio.ingest.said import Said

T = TypeVar("T")

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM during a command that stops on it as on Ctrl-C (an import records where it stopped)."""


class UsageError(Exception):
    """A command line that cannot be run as given (printed as ``servio: error: ...``, exit status 2)."""


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: ``1 conversation``, ``2 conversations``."""
    return f"{n} {noun}{'s' * (n != 1)}"

_DESCRIPTION = """\
servio makes the seven-stage customer-service process visible.

It reads service conversations (JSON Lines, CSV, plain-text transcripts,
WebVTT/SRT, e-mail), tags every turn with its stages, scores each stage and
profiles agents and teams. Stages: 1 attunement, 2 creating interest,
3 clarifying needs, 4 clarifying values, 5 clarifying options, 6 offering a
solution, 7 the goodbye procedure.
"""

_EPILOG = """\
examples:
  servio analyze --examples              the bundled example conversations
  servio analyze chats.csv --column id=vestlus --column text=tekst
  servio analyze transcripts/ --json > results.jsonl
  servio agents exports/ --by team
  servio tag input.jsonl -o tagged.jsonl
  servio eval gold.jsonl

Formats are detected from the extension and the content; --format forces one.
Bad records are reported with file and line and the rest is read; the exit
status is 1 if anything was skipped, --strict stops at the first problem.
"""


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help, descriptions wrapped to the terminal, an ``examples:`` epilog kept line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _add_input(p: argparse.ArgumentParser, *, examples: bool = True, model: bool = True) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders of conversations; - reads standard input")
    if examples:
        p.add_argument("--examples", action="store_true", help="use the bundled example conversations")
    p.add_argument("--format", help="force the input format (default: detect); see 'servio formats'")
    p.add_argument("--strict", action="store_true", help="stop at the first bad record")
    p.add_argument("--lang", choices=["et", "en"],
                   help="treat every conversation as this language (default: detect per conversation "
                   "and turn)")
    p.add_argument("--encoding", metavar="NAME",
                   help="read text files in this encoding, e.g. cp1252 (Windows-1252, English and Western "
                   "European Excel), cp1257 (Windows-1257, Estonian Excel), utf-8 (default: detect)")
    p.add_argument("--time-zone", metavar="ZONE",
                   help="the site's IANA time zone, e.g. Europe/Tallinn: times with an offset (UTC "
                   "exports) are moved into it and times without one taken as its own, so that a "
                   "conversation counts on the site's day (default: each time as written)")
    p.add_argument("--channel", metavar="CHANNEL",
                   help="the channel of conversations whose file does not say it: chat, email, phone, "
                   "twitter or other (default: chat, phone for call transcripts, email for e-mail)")
    p.add_argument("--tagger", default=DEFAULT_TAGGER,
                   help=f"stage tagger to use: learned or rules (default: {DEFAULT_TAGGER})")
    if model:
        p.add_argument("--model", metavar="MODEL",
                       help="the learned tagger's model file, as `servio train` writes it "
                       "(default: the model packaged with servio)")
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help="CSV column mapping, e.g. --column text=Message (fields: id, speaker, text, "
        "timestamp, date, author, agent, team, channel, language, stages, contact_type)",
    )
    p.add_argument(
        "--agent-domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="senders (e-mail) and address labels (transcripts, CSV) at this domain are agents, other "
             "addresses customers (repeatable)",
    )
    p.add_argument(
        "--speaker",
        action="append",
        default=[],
        metavar="NAME=ROLE",
        help="treat a speaker name or label as agent, customer or system, e.g. --speaker Kati=agent "
        "(repeatable)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _add_scorecard(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scorecard", metavar="FILE",
                   help="score with this scorecard (TOML: stage weights per contact type, checks on or "
                   "off, your own checks; see docs/scorecard.md) instead of servio's default")


def _add_workers(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="tag and score (eval --cv: fit the folds) in N processes, 0 for one per core "
                   "(default 1); the output is the same, in the same order")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every servio command."""
    parser = argparse.ArgumentParser(
        prog="servio",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"servio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "analyze",
        help="stage timeline, scorecard and coaching per conversation",
        description="Tag, score and coach each conversation: a stage timeline, the scorecard and "
        "coaching, in the conversation's language.",
        epilog="""\
examples:
  servio analyze --examples                  the bundled example conversations
  servio analyze chats.csv --column text=Sõnum --speaker Kati=agent
  servio analyze transcripts/ --json > results.jsonl
  servio analyze calls/ --contact-type sales --color never
""",
    )
    _add_input(p)
    _add_workers(p)
    _add_scorecard(p)
    p.add_argument("--json", action="store_true", help="one JSON result per line instead of text")
    p.add_argument(
        "--contact-type",
        choices=["support", "sales", "complaint", "information"],
        help="score every conversation as this contact type (default: detect)",
    )
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                   help="colour output (default: auto, on a terminal unless NO_COLOR is set)")

    p = sub.add_parser(
        "agents",
        help="per-stage profile of every agent and team",
        description="Profile agents and teams: coverage and mean score per stage, "
        "strongest and weakest stage, failure patterns.",
        epilog="""\
examples:
  servio agents --examples                   every agent, then every team
  servio agents exports/ --by team --summary-lang en
  servio agents --database sqlite:///servio.db --team Tallinn --from 2026-10-01 --to 2026-10-31
  servio agents exports/ --by agent --json > profiles.json
""",
    )
    _add_input(p)
    _add_workers(p)
    _add_scorecard(p)
    p.add_argument("--database", default=None, metavar="URL",
                   help="profile the results stored in this database instead of files (as imported)")
    p.add_argument("--team", metavar="ID", help="only the conversations of this team")
    p.add_argument("--from", dest="date_from", type=_day_arg, metavar="DAY",
                   help="first day, YYYY-MM-DD (default: from the first conversation)")
    p.add_argument("--to", dest="date_to", type=_day_arg, metavar="DAY",
                   help="last day, inclusive, YYYY-MM-DD (default: to the last conversation)")
    p.add_argument("--by", choices=["agent", "team", "both"], default="both", help="group by (default: both)")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.add_argument("--summary-lang", choices=["et", "en"],
                   help="language of the table and its summary sentences (default: the language of most "
                   "conversations; with --json, each profile's own)")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                   help="colour output (default: auto, on a terminal unless NO_COLOR is set)")

    p = sub.add_parser(
        "tag",
        help="write conversations with predicted stages per turn (JSON Lines)",
        description="Tag every turn and write the conversations as JSON Lines, one per line, with the "
        "predicted 'stages' of each turn (servio's own input format: docs/formats.md, jsonl). Stages "
        "present in the input are ignored.",
        epilog="""\
examples:
  servio tag chats.csv -o tagged.jsonl
  servio tag transcripts/ -o tagged.jsonl --workers 0
  cat chats.jsonl | servio tag - -o - > tagged.jsonl
""",
    )
    _add_input(p, examples=False)
    _add_workers(p)
    p.add_argument("-o", "--output", required=True, help="output .jsonl file ('-' for stdout)")

    p = sub.add_parser(
        "eval",
        help="precision, recall and F1 of the tagger against gold labels",
        description="Tag gold-labelled conversations and compare with their 'stages': "
        "per-stage precision, recall and F1, micro and macro F1, and how often each gold stage and "
        "each predicted stage share a turn (co-occurrence, not a confusion matrix: docs/cli.md).",
        epilog="""\
examples:
  servio eval gold.jsonl                     the learned tagger against your labels
  servio eval gold.jsonl --tagger rules
  servio eval gold.jsonl --cv 5              held-out figures: learned against rules
""",
    )
    _add_input(p, examples=False)
    _add_workers(p)
    p.add_argument("--json", action="store_true", help="JSON instead of tables")

    p.add_argument(
        "--cv",
        type=int,
        default=0,
        metavar="FOLDS",
        help="instead: cross-validate the learned tagger against the rules with FOLDS folds "
        "(per-stage F1 with bootstrap intervals, kappa, per language)",
    )
    p.add_argument("--seed", type=int, default=13, help="random seed of --cv (default 13)")
    p.add_argument("--train-also", nargs="+", default=[], metavar="PATH",
                   help="with --cv: labelled conversations added to every training fold and never scored "
                   "(the project's own training files, as the shipped model is trained)")

    sub.add_parser(
        "formats", help="list the input formats servio reads",
        description="List the input formats servio reads, each with its file extensions (the content "
        "decides when it clearly is another format, and for other extensions); --format NAME (import, "
        "analyze, ...) forces one of these names.",
        epilog="""\
examples:
  servio formats                             jsonl, csv, text, vtt, srt, eml, mbox and their extensions
  servio analyze export.dat --format csv     read a file as one of them
""",
    )
    cli_service.add_parsers(sub, _add_input, _add_workers, _add_scorecard)
    cli_users.add_parser(sub)
    cli_database.add_parser(sub)
    _wrap_help(sub)
    return parser


def _wrap_help(sub: argparse._SubParsersAction) -> None:
    """Give every command, and each action of one (``servio database copy``), :class:`_HelpFormatter`."""
    for command in sub.choices.values():
        if command.formatter_class is argparse.HelpFormatter:
            command.formatter_class = _HelpFormatter
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _wrap_help(action)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``servio`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    from servio.analyze.base import TaggerError
    from servio.files import WriteError
    from servio.ingest import IngestError
    from servio.parallel import WorkerError

    _GIVEN.clear()  # this command's options only (tests call main() again in one process)
    try:
        return int(_COMMANDS[args.command](args))
    except (IngestError, TaggerError, UsageError, WorkerError, WriteError) as exc:
        print(f"servio: error: {shown(exc.message if isinstance(exc, IngestError) else str(exc))}",
              file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt as exc:  # Ctrl-C: outputs are written whole or not at all, so no traceback
        terminated = isinstance(exc, Terminated)
        print(f"servio: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def _paths(args: argparse.Namespace) -> list[str]:
    if args.paths.count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    paths = [_stdin_file() if path == "-" else path for path in args.paths]
    if getattr(args, "examples", False):
        from servio.examples import example_paths

        paths += [str(p) for p in example_paths()]
    if not paths:
        alternative = " or --examples" if hasattr(args, "examples") else ""
        raise UsageError(f"servio {args.command}: give at least one PATH{alternative}")
    return paths


#: The files standard input was copied to in this process (see :func:`_stdin_file`).
_STDIN_FILES: list[str] = []
#: The reading options given on this command line that a reader's remedy fits (``agent_domain``,
#: ``speaker``: :func:`servio.ingest.remedies.given_options`), set where they are read.
_GIVEN: set[str] = set()


def shown(message: str) -> str:
    """``message`` in the command line's words: the file standard input was copied to named ``<stdin>``,
    as the user gave it, and a reader's remedy said with the command line's options, fitted to those given
    (an e-mail nobody at the --agent-domain answered says so instead of asking for --agent-domain;
    :mod:`servio.ingest.remedies`)."""
    from servio.ingest.remedies import fit, render

    for path in _STDIN_FILES:
        message = message.replace(path, "<stdin>")
    return render(fit(message, frozenset(_GIVEN)), "cli")


def _stdin_file() -> str:
    """Standard input copied to a file named ``stdin`` in a temporary folder (removed at exit): readers
    detect formats from a file's first bytes; messages name it ``<stdin>`` (:func:`shown`)."""
    import atexit
    import shutil
    import tempfile

    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("'-' reads conversations from standard input, but nothing is piped in "
                         "(e.g. cat chats.jsonl | servio tag - -o tagged.jsonl)")
    folder = Path(tempfile.mkdtemp(prefix="servio-stdin-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "stdin"
    with path.open("wb") as fh:
        shutil.copyfileobj(sys.stdin.buffer, fh)
    _STDIN_FILES.append(str(path))
    return str(path)


def check_output(path: str) -> Path | None:
    """The output file ``path`` (``None`` for ``-``, stdout); refused before any work when unwritable."""
    if path == "-":
        return None
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; give a file name for the output")
    parent = out.parent
    if not parent.is_dir():
        raise UsageError(f"{parent}: no such folder (for the output {out})")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{parent}: cannot write here (for the output {out})")
    return out


#: how many places of a repeated problem its line names
_SHOWN_REPEATS = 8


class _Session:
    """Input options, the problem log and the progress bar of one command run."""

    def __init__(self, args: argparse.Namespace) -> None:
        from servio.analyze.registry import available_taggers, has_tagger
        from servio.jobs import JobOptions
        from servio.model import Language

        if not has_tagger(args.tagger):
            raise UsageError(f"unknown tagger {args.tagger!r} (available: {', '.join(available_taggers())})")
        tagger = _model_tagger(args) if getattr(args, "model", None) else args.tagger
        #: the output file checked before anything is read (None: stdout, or no output)
        self.output = check_output(args.output) if getattr(args, "output", None) is not None else None

        self.problems: list[str] = []
        #: per (file, message) of the file being read: where the problem was first, and where it came again
        self._repeats: dict[tuple[str, str], list[str]] = {}
        self.args = args
        self.options = JobOptions(
            format=args.format,
            strict=args.strict,
            language=Language(args.lang) if args.lang else None,
            contact_type=_contact_type(getattr(args, "contact_type", None)),
            tagger=tagger,
            reader_options=_reader_options(args),
            on_problem=self._problem,
            on_note=self._note,
            workers=_workers(args),
            scorecard=_scorecard(args),
        )
        self.count = 0
        self.stream: Any = None
        #: the open progress bar (tqdm), if one is drawn on stderr
        self.bar: Any = None
        #: a counts line drawn with ``\r`` and no newline is on stderr (servio import's progress)
        self.line_open = False

    def _problem(self, problem: Any) -> None:
        self.problems.append(shown(problem.located(problem.message)))
        whole_file = problem.line is None and problem.offset is None  # the file's last word on it
        if self._repeats and (whole_file or next(iter(self._repeats))[0] != problem.path):
            self.say_repeats()
        seen = self._repeats.setdefault((problem.path, problem.message), [])
        seen.append(f"line {problem.line}" if problem.line is not None else
                    f"byte {problem.offset}" if problem.offset is not None else "")
        if len(seen) == 1:  # the same problem again in this file (an unknown voice in every cue) is counted
            self.say(f"servio: skipped: {self.problems[-1]}")

    def say_repeats(self) -> None:
        """One line per problem that came again in the file just read: how often and where (audit 20a: an
        unknown voice printed once per cue, 9 lines for one call)."""
        for (path, _), where in self._repeats.items():
            if len(where) > 1 and where[0]:
                more = ", ".join(w.removeprefix("line ") for w in where[1:_SHOWN_REPEATS + 1])
                more += ", ..." if len(where) > _SHOWN_REPEATS + 1 else ""
                kind = "lines " if where[0].startswith("line") else ""
                self.say(f"servio: skipped: {shown(path)}: as at {where[0]}, {len(where) - 1} more "
                         f"time{'s' if len(where) > 2 else ''} ({kind}{more})")
        self._repeats.clear()

    def _note(self, note: Any) -> None:
        if self._repeats and next(iter(self._repeats))[0] != note.path:
            self.say_repeats()
        self.say(f"servio: note: {shown(note.located(note.message))}")

    def say(self, line: str) -> None:
        """``line`` on stderr, on a line of its own: an open progress bar is cleared first and drawn again
        below it, an open counts line is erased (the next count draws it again)."""
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)  # tqdm: clear the bar, print, redraw the bar
            return
        if self.line_open:
            print("\r\x1b[K", end="", file=sys.stderr)
            self.line_open = False
        print(line, file=sys.stderr)

    def paths(self) -> list[str]:
        return _paths(self.args)

    def conversations(self) -> Iterator[Any]:
        from servio.jobs import read

        self.stream = read(self.paths(), self.options)
        return self.progress(self.stream)

    def scorable(self) -> Iterator[Any]:
        """The conversations with something to score; one without any agent text is reported as skipped at
        its file and line (``servio tag`` and ``eval`` read every conversation)."""
        from servio.jobs import scorable

        return scorable(self.conversations(), self.reject)

    def reject(self, message: str | Said) -> None:
        """Report the conversation just read as skipped, at its file and line (``--strict``: stop)."""
        self.count -= 1
        self.stream.reject(message)

    def progress(self, items: Iterable[T]) -> Iterator[T]:
        show = sys.stderr.isatty() and not self.args.no_progress
        if show:
            from tqdm import tqdm

            items = self.bar = tqdm(items, unit=" conv", file=sys.stderr, leave=False, dynamic_ncols=True)
        try:
            for item in items:
                self.count += 1
                yield item
        finally:
            self.bar = None

    def finish(self) -> int:
        self.say_repeats()
        read, skipped = self.count, len(self.problems)
        print(f"servio: {counted(read, 'conversation')} read, {skipped} skipped", file=sys.stderr)
        return EXIT_SKIPPED if self.problems else EXIT_OK


def _workers(args: argparse.Namespace) -> int:
    """``--workers``: 1 where a command has no such option."""
    from servio.parallel import resolve_workers

    try:
        return resolve_workers(getattr(args, "workers", 1))
    except ValueError:
        raise UsageError(f"--workers must be 0 (one per core) or more, not {args.workers}") from None


def _scorecard(args: argparse.Namespace) -> str | None:
    """``--scorecard``: the file's path, read now so that a bad file stops the run before any reading."""
    given = getattr(args, "scorecard", None)
    return read_scorecard(given) if given else None


def read_scorecard(given: str, where: str = "") -> str:
    """The resolved path of scorecard file ``given``, read now (a :class:`UsageError` naming the file and,
    after ``where``, what is wrong) and named on stderr; the jobs read it from their cache."""
    from servio.evaluate import ScorecardError
    from servio.jobs import scorecard

    path = str(Path(given).resolve())
    try:
        card = scorecard(path)
    except ScorecardError as exc:
        raise UsageError(where + str(exc).replace(path, given, 1)) from None
    print(f"servio: scoring with the scorecard {card.name!r} ({given})", file=sys.stderr)
    return path


def _contact_type(value: str | None) -> Any:
    if value is None:
        return None
    from servio.model import ContactType

    return ContactType(value)


def _model_tagger(args: argparse.Namespace) -> Any:
    """The learned tagger with the model file of ``--model``, loaded now so a bad file stops the run."""
    from servio.analyze.learned.model import ModelError
    from servio.analyze.learned.tagger import load_runtime
    from servio.analyze.registry import get_tagger

    if args.tagger != "learned":
        raise UsageError(f"--model is a model of the learned tagger, not of --tagger {args.tagger}")
    path = Path(args.model)
    if not path.is_file():
        raise UsageError(f"{path}: no such model file (write one with `servio train DATA... -o MODEL`)")
    try:
        load_runtime(str(path.resolve()))
    except ModelError as exc:
        raise UsageError(str(exc)) from None
    return get_tagger("learned", model_path=str(path.resolve()))


def _reader_options(args: argparse.Namespace) -> Any:
    from servio.ingest import ReaderOptions
    from servio.model import Speaker

    columns = _pairs(args.column, "--column", "FIELD=NAME")
    speakers = _pairs(getattr(args, "speaker", []), "--speaker", "NAME=ROLE")
    roles = {s.value for s in Speaker}
    for name, role in speakers.items():
        if role.casefold() not in roles:
            raise UsageError(f"--speaker {name}={role}: the role must be agent, customer or system")
    # servio tag writes its own stages and ignores any in the input: a bad label there loses nothing
    gold = getattr(args, "command", None) != "tag"
    options = ReaderOptions.from_cli(columns=columns, agent_domains=list(args.agent_domain),
                                     speaker_values=speakers, gold_stages=gold,
                                     encoding=getattr(args, "encoding", None),
                                     channel=getattr(args, "channel", None),
                                     time_zone=getattr(args, "time_zone", None))
    from servio.ingest.remedies import given_options

    _GIVEN.update(given_options(options))
    return options


def _pairs(items: Sequence[str], option: str, form: str) -> dict[str, str]:
    """``KEY=VALUE`` command-line items as a dict; the last wins for the same key."""
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"{option} expects {form}, got {item!r}")
        pairs[key.strip()] = value.strip()
    return pairs


def _colour(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    if args.color == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _text_width() -> int:
    """Columns to fill: the terminal's width (at least 60) when standard output is one; 100 otherwise, so
    a file or a pipe gets the same lines on every machine."""
    if sys.stdout.isatty():
        import shutil

        return max(60, shutil.get_terminal_size((100, 24)).columns)
    return 100


def cmd_analyze(args: argparse.Namespace) -> int:
    from servio.jobs import score
    from servio.report.terminal import Painter, render_conversation, render_legend

    session = _Session(args)
    paint = Painter(_colour(args))
    legend_done = False
    # the terminal shows stages, scores and feedback, never the evidence: only --json needs it worked out
    for conv, result in score(session.scorable(), session.options, evidence=args.json):
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False))
            continue
        if not legend_done:
            print(render_legend(result.language, paint) + "\n")
            legend_done = True
        print(render_conversation(conv, result, paint, _text_width()))
    return session.finish()


def cmd_agents(args: argparse.Namespace) -> int:
    from servio.evaluate import profiles
    from servio.jobs import score
    from servio.report.terminal import Painter, render_profiles

    session = _Session(args)
    if args.database:
        from servio.cli_service import stored_results

        results = stored_results(args)
    else:
        from servio.report.summary import select

        results = [r for _, r in score(session.scorable(), session.options, evidence=False)]
        if results and (args.team or args.date_from or args.date_to):
            results = select(results, scope="team" if args.team else "period", id=args.team,
                             date_from=args.date_from, date_to=args.date_to)
            if not results:
                session.finish()
                raise UsageError("nothing to profile: no conversation of " + _chosen(args))
    if not results:
        raise UsageError("nothing to profile: no conversation was read" if not args.database else
                         "nothing to profile: no conversation of " + _chosen(args) + " in the database")
    language = args.summary_lang or majority_language(results)
    groups = ["agent", "team"] if args.by == "both" else [args.by]
    # a table in one language: its summaries too (in JSON, each profile speaks its conversations' language)
    found = {by: profiles(results, by=by, language=args.summary_lang if args.json else language)
             for by in groups}
    if args.json:
        print(
            json.dumps(
                {by: [p.to_dict() for p in ps] for by, ps in found.items()}, ensure_ascii=False, indent=2
            )
        )
    else:
        paint = Painter(_colour(args))
        print("\n\n".join(render_profiles(ps, paint, language, _text_width()) for ps in found.values()))
    if args.database:  # nothing was read from files: say what the table is over instead
        print(f"servio: {counted(len(results), 'conversation')} from the database", file=sys.stderr)
        return EXIT_OK
    return session.finish()


def _day_arg(value: str) -> Any:
    """``--from``/``--to``: a ``YYYY-MM-DD`` day (the parser's usage error otherwise)."""
    from servio.cli_service import _day

    return _day(value)


def _chosen(args: argparse.Namespace) -> str:
    """What ``servio agents`` was asked for, in words: "team Tallinn from 2026-10-01 to 2026-10-31"."""
    who = f"team {args.team}" if args.team else "anyone"
    days = "".join(f" {word} {day}" for word, day in (("from", args.date_from), ("to", args.date_to)) if day)
    return who + days


def majority_language(results: Sequence[Any]) -> str:
    """``et`` when more than half of ``results`` are Estonian conversations, else ``en`` (a tie: ``en``): the
    rule of :func:`servio.report.content.report_language`, which the API's reports follow too."""
    from servio.report.content import report_language

    return report_language(results)


def cmd_tag(args: argparse.Namespace) -> int:
    from servio.jobs import label, write_tagged

    session = _Session(args)
    tagged = label(session.conversations(), session.options)
    out = session.output
    if out is None:
        write_tagged(tagged, sys.stdout)
        return session.finish()
    from servio.files import written_whole

    with written_whole(out) as fh:  # a stopped run (--strict, an error) leaves no half-written file
        n = write_tagged(tagged, fh)
    session.say_repeats()
    print(f"servio: wrote {counted(n, 'conversation')} to {out}", file=sys.stderr)
    return session.finish()


def cmd_eval(args: argparse.Namespace) -> int:
    if args.cv:
        return _cross_validate(args)
    if args.train_also:
        raise UsageError("--train-also adds training conversations to the folds of --cv; give --cv FOLDS")
    from servio.jobs import tagging_metrics
    from servio.report.metrics import render_metrics

    session = _Session(args)
    conversations = _gold_only(session.conversations(), session)
    prints: list[str] = []
    if getattr(session.options.tagger, "name", session.options.tagger) == "learned":
        conversations = _fingerprinted(conversations, prints)
    metrics = tagging_metrics(conversations, session.options)
    if not metrics:  # nothing to measure against: an error, as for servio train, not an empty table
        session.finish()
        raise UsageError("no conversation to evaluate: servio eval needs gold 'stages' on every turn (the "
                         "stages 1-7 a person labelled): a 'stages' list on each turn in JSON Lines, e.g. "
                         "{\"speaker\": \"agent\", \"text\": \"Tere!\", \"stages\": [1]}, or a stages "
                         "column in CSV (docs/formats.md); servio tag writes predicted ones")
    if args.json:
        print(json.dumps({k: m.to_dict() for k, m in metrics.items()}, indent=2))
    else:
        print(render_metrics(metrics))
    _note_in_sample(prints, args.model)
    return session.finish()


def _gold_only(conversations: Iterable[Any], session: _Session) -> Iterator[Any]:
    """The conversations with gold ``stages`` on every turn; the others are skipped at their line."""
    for conv in conversations:
        if any(turn.stages is None for turn in conv.turns):
            session.reject("some turns have no gold 'stages'; conversation left out of eval")
            continue
        yield conv


def _fingerprinted(conversations: Iterable[Any], into: list[str]) -> Iterator[Any]:
    from servio.analyze.learned.model import fingerprint

    for conv in conversations:
        into.append(fingerprint(conv))
        yield conv


def _note_in_sample(prints: Sequence[str], model: str | None = None) -> None:
    """Say on stderr when the learned model (``--model``, else the packaged one) was trained on
    conversations being evaluated."""
    if not prints:
        return
    from servio.analyze.learned.tagger import load_runtime

    n = load_runtime(str(Path(model).resolve()) if model else "").model.trained_on(prints)
    if n:
        print(f"servio: note: {n} of {counted(len(prints), 'conversation')} {'was' if n == 1 else 'were'} "
              "in the learned model's training "
              "data, so these figures are in-sample; `servio eval --cv N` gives held-out figures",
              file=sys.stderr)


def _cross_validate(args: argparse.Namespace) -> int:
    """``servio eval --cv``: trains its own models on the folds, so the tagger options do not apply."""
    from servio.train import cross_validate, format_report

    unused = [flag for flag, given in (("--lang", args.lang), ("--model", args.model),
                                       ("--tagger", args.tagger != DEFAULT_TAGGER)) if given]
    if unused:
        raise UsageError(f"servio eval --cv trains the learned tagger on the folds and compares it with the "
                         f"rules; {', '.join(unused)} cannot be used with it")
    report = cross_validate(
        _paths(args),
        folds=args.cv,
        seed=args.seed,
        on_progress=lambda msg: print(f"servio: {shown(msg)}", file=sys.stderr),
        read_options={"format": args.format, "options": _reader_options(args)},
        train_also=args.train_also,
        workers=_workers(args),
    )
    print(json.dumps(report.to_dict(), indent=2) if args.json else format_report(report))
    return EXIT_OK


def _with_session(command: Any) -> Any:
    return lambda args: command(args, _Session(args))


def cmd_formats(args: argparse.Namespace) -> int:
    from servio.ingest import available_formats, get_reader

    for name in available_formats():
        reader = get_reader(name)
        exts = " ".join(getattr(reader, "extensions", ()))
        print(f"{name:<10} {exts}")
    return EXIT_OK


_COMMANDS = {
    "import": _with_session(cli_service.cmd_import),
    "report": _with_session(cli_service.cmd_report),
    "serve": cli_service.cmd_serve,
    "delete": cli_service.cmd_delete,
    "train": cli_service.cmd_train,
    "users": cli_users.cmd_users,
    "database": cli_database.cmd_database,
    "analyze": cmd_analyze,
    "agents": cmd_agents,
    "tag": cmd_tag,
    "eval": cmd_eval,
    "formats": cmd_formats,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
