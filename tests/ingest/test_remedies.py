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
     "map it in the import's speaker roles (Mari Maasikas=agent, =customer or =system; on the dashboard "
     "under More reading options), or write agent, customer or system for it in the file",
     "map it with ReaderOptions.speaker_values"),
    ("agent", "", "if the agent's turns have another label, map it with --speaker LABEL=agent; e-mail: "
     "--agent-domain", "if the agent's turns have another label, map it in the import's speaker roles "
     "(LABEL=agent); e-mail: the import's agents' e-mail domain", "if the agent's turns have another label, "
     "map it with ReaderOptions.speaker_values; e-mail: agent_domains"),
    ("agent_email", "", "if an agent answered it, name the agents' e-mail domain with --agent-domain",
     "if an agent answered it, give the agents' e-mail domain in the import's field for it (on the dashboard "
     "under More reading options)", "if an agent answered it, name the agents' domain with "
     "ReaderOptions.agent_domains"),
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
    assert "speaker roles (LABEL=agent, =customer or =system, with LABEL exactly as the file has it there" \
        in remedy_part
    estonian = render(message, "service", "et")
    assert "(SILT=teenindaja, =klient või =süsteem, kus SILT on kirjutatud täpselt nii nagu failis" \
        in estonian
    assert label not in estonian.split("(", 1)[1]
    cli = render(message, "cli")
    if "REDACTED-" in label:  # no file has it: no use on the command line either
        assert "--speaker LABEL=agent, with LABEL exactly as the file has it (or =customer" in cli
    else:  # the person's own file, on their own terminal, as the message says it: the mapping that works
        assert f"--speaker {shlex.quote(label + '=agent')}" in cli


def test_an_ordinary_label_is_still_quoted_for_every_front_end() -> None:
    message = f"x ({remedy('speaker', 'Kati')})"
    assert render(message, "service") == ("x (map it in the import's speaker roles (Kati=agent, =customer or "
                                          "=system; on the dashboard under More reading options), or write "
                                          "agent, customer or system for it in the file)")
    assert render(message, "cli") == "x (map it with --speaker Kati=agent (or =customer, =system))"



def test_every_front_end_has_every_remedy_text() -> None:
    from servio.ingest.remedies import TEXTS, _texts

    for audience in ("cli", "service", "dashboard", "python"):
        assert set(TEXTS) <= set(_texts()[audience]), audience
    for audience in ("service", "dashboard"):
        assert set(TEXTS) <= set(_texts()[audience]["et"]), audience


def test_a_remedy_fits_what_the_import_was_given() -> None:
    """Audience audit 18 (m4): the dashboard's remedy of a lone customer e-mail said to fill in the agents'
    e-mail domain, which the user had filled in; and unknown speakers were sent to the command line. With the
    domain given, the e-mail remedy says why no sender matched it; with speaker roles given, a speaker's
    remedy says to add to them; what was not given keeps its remedy."""
    from servio.ingest import ReaderOptions
    from servio.ingest.remedies import fit, given_options

    mail = f"only 1 customer turn ({remedy('agent_email')})"
    chat = f"only 1 customer turn ({remedy('agent_labels')})"
    mari = f"unknown speaker 'Mari' ({remedy('speaker', 'Mari')})"
    domain = given_options(ReaderOptions(agent_domains=frozenset({"elektrilevi.ee"})))
    roles = given_options(ReaderOptions.from_cli(speaker_values={"Kati": "agent"}))
    assert (domain, roles, given_options(None), given_options(ReaderOptions())) == (
        {"agent_domain"}, {"speaker"}, frozenset(), frozenset())

    said = render(fit(mail, domain), "service")
    assert "no message in it is from the agents' e-mail domain given: no agent answered it" in said
    assert "give the agents' e-mail domain" not in said
    estonian = render(fit(mail, domain), "service", "et")
    assert "ükski kiri pole saadetud antud teenindajate domeenist" in estonian
    assert render(fit(mail, roles), "service") == render(mail, "service")  # roles do not change an e-mail's
    assert render(fit(chat, domain), "service") == render(chat, "service")

    said = render(fit(mari, roles), "service")
    assert said == ("unknown speaker 'Mari' (the speaker roles given do not name it: add Mari=agent, "
                    "=customer or =system to the import's speaker roles)")
    assert "lisa sinna Mari=teenindaja, =klient või =süsteem" in render(fit(mari, roles), "service", "et")
    said = render(fit(chat, roles), "service")
    assert "none of its turns has a label the speaker roles given make the agent" in said
    # a label to be redacted is not quoted in the fitted remedy either
    anna = fit(f"x ({remedy('speaker', 'anna.tamm@example.com')})", roles)
    assert "anna" not in render(anna, "service").split("(", 1)[1]
    assert "add LABEL=agent" in render(anna, "service")
    # nothing given, nothing changes; the command line says its own words for a fitted remedy too
    assert fit(mail, frozenset()) == mail
    assert render(fit(mail, domain), "cli").startswith("only 1 customer turn (no message in it is from the "
                                                       "--agent-domain given")
