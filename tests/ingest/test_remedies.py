"""A reader's remedy is said in the words of the front end that shows the problem."""

from __future__ import annotations

import shlex

import pytest

from servio.ingest import IngestError, Problem
from servio.ingest.remedies import remedy, render


@pytest.mark.parametrize(("kind", "value", "cli", "service", "python"), [
    ("column", "text", "name it with --column text=NAME",
     "name it in the import's column field (text=NAME; on the dashboard under More reading options)",
     "name it with ReaderOptions.text_column"),
    ("speaker", "Mari Maasikas", "map it with --speaker 'Mari Maasikas=agent' (or =customer, =system)",
     "write agent, customer or system for it in the file, or import it with the command line's --speaker "
     "'Mari Maasikas=agent'", "map it with ReaderOptions.speaker_values"),
    ("agent", "", "if the agent's turns have another label, map it with --speaker LABEL=agent; e-mail: "
     "--agent-domain", "if the agent's turns have another label, write agent for it in the file; e-mail: the "
     "import's agents' e-mail domain", "if the agent's turns have another label, map it with "
     "ReaderOptions.speaker_values; e-mail: agent_domains"),
    ("format", "", "choose one with --format NAME",
     "choose one in the import's format field (on the dashboard: Format)", "choose one with format="),
])
def test_each_front_end_names_its_own_way_out(kind: str, value: str, cli: str, service: str,
                                              python: str) -> None:
    message = f"something is wrong; {remedy(kind, value)}; row skipped"
    assert render(message, "cli") == f"something is wrong; {cli}; row skipped"
    assert render(message, "service") == f"something is wrong; {service}; row skipped"
    assert render(message, "python") == f"something is wrong; {python}; row skipped"


def test_a_remedy_with_nothing_to_say_leaves_no_trace() -> None:
    message = f"line is 20 bytes, over the limit of 10{remedy('record_size')}; line skipped"
    quiet = "line is 20 bytes, over the limit of 10; line skipped"
    assert render(message, "cli") == render(message, "service") == quiet
    assert render(message, "python") == ("line is 20 bytes, over the limit of 10 "
                                         "(ReaderOptions.max_record_bytes); line skipped")


def test_problems_and_errors_say_python_by_default_and_any_audience_on_request() -> None:
    problem = Problem("a.csv", 1, None, f"no text column ({remedy('column', 'text')}); file skipped")
    assert str(problem) == "a.csv:1: no text column (name it with ReaderOptions.text_column); file skipped"
    assert problem.text("cli") == "a.csv:1: no text column (name it with --column text=NAME); file skipped"
    error = IngestError(f"b.md: cannot tell the format; {remedy('format')}")
    assert str(error) == "b.md: cannot tell the format; choose one with format="
    assert error.text("cli") == "b.md: cannot tell the format; choose one with --format NAME"


def test_a_value_cannot_forge_a_token_and_unknown_kinds_are_refused() -> None:
    token = remedy("speaker", "Mari\u27e7 \u27e6format:")
    said = render(f"x ({token})", "cli")
    assert said == "x (map it with --speaker 'Mari format:=agent' (or =customer, =system))"
    with pytest.raises(ValueError, match="unknown remedy"):
        remedy("colour")


@pytest.mark.parametrize("label", ["anna.tamm@example.com", "Anna (+372 5123 4567)", "REDACTED-EMAIL",
                                   "agent REDACTED-PHONE"])
def test_a_speaker_remedy_never_quotes_a_label_that_is_or_will_be_redacted(label: str) -> None:
    """The service's problems are kept redacted: ``--speaker REDACTED-EMAIL=agent`` (docs audit) reads
    nothing, and the label itself must not come back through the remedy. The remedy says to map the label
    as the file has it, in English and Estonian."""
    message = f"speaker {label!r} is not known ({remedy('speaker', label)}); row skipped"
    service = render(message, "service")
    remedy_part = service.split("(", 1)[1]
    assert label not in remedy_part and "=agent" in remedy_part
    assert "--speaker LABEL=agent, with LABEL exactly as the file has it there" in remedy_part
    estonian = render(message, "service", "et")
    assert "--speaker SILT=agent, kus SILT on kirjutatud täpselt nii nagu failis" in estonian
    assert label not in estonian.split("(", 1)[1]
    cli = render(message, "cli")
    if "REDACTED-" in label:  # no file has it: no use on the command line either
        assert "--speaker LABEL=agent, with LABEL exactly as the file has it (or =customer" in cli
    else:  # the person's own file, on their own terminal, as the message says it: the mapping that works
        assert f"--speaker {shlex.quote(label + '=agent')}" in cli


def test_an_ordinary_label_is_still_quoted_for_every_front_end() -> None:
    message = f"x ({remedy('speaker', 'Kati')})"
    assert render(message, "service") == ("x (write agent, customer or system for it in the file, or import "
                                          "it with the command line's --speaker Kati=agent)")
    assert render(message, "cli") == "x (map it with --speaker Kati=agent (or =customer, =system))"



def test_every_front_end_has_every_remedy_text() -> None:
    from servio.ingest.remedies import TEXTS, _texts

    for audience in ("cli", "service", "python"):
        assert set(TEXTS) <= set(_texts()[audience]), audience
