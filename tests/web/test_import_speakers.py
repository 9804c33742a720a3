"""The import page's speaker roles, and remedies that fit what the import was given (audit 18, m4).

The dashboard's import could not map a speaker label (the command line's ``--speaker NAME=ROLE``), so its
remedies sent people to the command line; and a lone customer e-mail imported with the agents' e-mail
domain filled in was told to fill it in. The store tests run on every store backend of the project's
``store`` fixture, the same checks on the open demo's memory backend. The chats are invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servio.model import Speaker
from tests.web.conftest import cookie_clients, store_app
from tests.web.test_import_options import finished, stored, upload

#: A call transcript whose customer is labelled by name (as transcripts often write it).
CALL = b"""# id: call-88
# agent: peter
Agent Peter: Hi, I'm Peter. How can I help?
Mari Maasikas: my internet keeps dropping every evening
Agent Peter: I've restarted your line and booked a technician for Thursday. Anything else? Goodbye!
"""

#: A customer's lone e-mail to the shop: no agent ever answered it.
LONE_MAIL = b"""From: Liina Kask <liina@post.example>
To: info@teenus.example
Subject: Arve
Date: Thu, 05 Nov 2026 10:00:00 +0200
Message-ID: <liina-1@post.example>
Content-Type: text/plain; charset=utf-8

Tere! Minu arve on kaks korda suurem kui tavaliselt. Miks?
"""


@pytest.fixture
def admin(store: Any) -> Iterator[TestClient]:
    _, token = store.create_user("root", "admin")
    with cookie_clients(store_app(store), {"admin": token}) as client:
        yield client("admin")


@pytest.fixture
def demo() -> Iterator[TestClient]:
    from servio.web.demo import demo_app

    with TestClient(demo_app([]), raise_server_exceptions=False) as client:
        yield client


def _plain(message: str) -> None:
    """A remedy said on the dashboard itself: one pair of parentheses, no "on the dashboard", and in
    Estonian no ASCII quotes beside the Estonian ones (audit 19a m11)."""
    assert message.count("(") <= 1 and message.count(")") <= 1, message
    assert not re.search(r"\(([^()]*)\(", message), message
    for said in ("on the dashboard", "töölaual", "command line", "--speaker", "käsurea"):
        assert said not in message, message


def check_speaker_roles(client: TestClient) -> None:
    # without roles the named customer's turn is skipped, and the remedy names the page's own field
    job = finished(client, "kone.txt", CALL)
    message = job["problems"][0]["message"]
    assert message.startswith(
        "unknown speaker 'Mari Maasikas' (give it a role in Speaker roles under More reading options: "
        "Mari Maasikas=agent, =customer or =system; or write agent, customer or system for it in the file); "
        "turn skipped"), message
    _plain(message)
    estonian = finished(client, "kone.txt", CALL, lang="et")["problems"][0]["message"]
    assert estonian.startswith(
        "tundmatu rääkija „Mari Maasikas” (anna sellele jaotises „Veel lugemisvalikuid” väljal „Rääkijate "
        "rollid” roll: Mari Maasikas=teenindaja, =klient või =süsteem; või kirjuta failis selle asemele "
        "teenindaja, klient või süsteem); "), estonian
    _plain(estonian)
    assert "'" not in estonian
    # with the role (in the Estonian page's words too) the turn is the customer's and nothing is skipped
    for role in ("customer", "klient"):
        job = finished(client, "kone.txt", CALL, speaker=f"Mari Maasikas={role}")
        assert (job["skipped"], job["problems"]) == (0, []), job
        conv, _ = stored(client)["call-88"]
        assert [t.speaker for t in conv.turns] == [Speaker.AGENT, Speaker.CUSTOMER, Speaker.AGENT]
    # roles given that do not name the label: the remedy says to add it to them
    job = finished(client, "kone.txt", CALL, speaker="Jüri=customer")
    assert ("Speaker roles does not name it: add Mari Maasikas=agent, =customer or =system "
            "there") in job["problems"][0]["message"]
    estonian = finished(client, "kone.txt", CALL, lang="et", speaker="Jüri=klient")["problems"][0]["message"]
    assert "väljal „Rääkijate rollid” seda pole: lisa sinna Mari Maasikas=teenindaja" in estonian
    _plain(estonian)


def check_mail_remedy(client: TestClient) -> None:
    job = finished(client, "kiri.eml", LONE_MAIL)
    assert "fill in Agents' e-mail domain under More reading options" in job["problems"][0]["message"]
    _plain(job["problems"][0]["message"])
    # the domain given: not "give the domain" again, but why none matched
    for lang, said, not_said in (
            ("en", "no message in it is from the agents' e-mail domain given: no agent answered it",
             "fill in Agents' e-mail domain"),
            ("et", "ükski kiri pole saadetud antud teenindajate domeenist: kirjale ei vastanud keegi",
             "täida jaotises")):
        job = finished(client, "kiri.eml", LONE_MAIL, lang=lang, agent_domain="teenus.example")
        message = job["problems"][0]["message"]
        assert said in message and not_said not in message, message


def check_refusals(client: TestClient) -> None:
    for value, detail in (("Mari", "speaker must be LABEL=ROLE (e.g. 'Mari Maasikas=customer'), not 'Mari'"),
                          ("Mari=boss", "speaker 'Mari=boss': the role must be agent, customer or system"),
                          ("x" * 300 + "=agent", "speaker: a label is 255 characters at most, not 300")):
        answer = upload(client, "kone.txt", CALL, speaker=value)
        assert answer.status_code == 400 and answer.json()["detail"] == detail, answer.text


def test_speaker_roles_read_a_named_speaker(admin: TestClient) -> None:
    check_speaker_roles(admin)


def test_a_mail_remedy_fits_the_domain_given(admin: TestClient) -> None:
    check_mail_remedy(admin)


def test_a_bad_speaker_role_is_refused_naming_the_field_and_starts_no_job(admin: TestClient,
                                                                         store: Any) -> None:
    check_refusals(admin)
    assert store.list_import_jobs() == []


def test_the_open_demo_reads_speaker_roles_and_fits_its_remedies(demo: TestClient) -> None:
    check_speaker_roles(demo)
    check_mail_remedy(demo)
    check_refusals(demo)


def test_several_roles_one_per_line_or_separated(admin: TestClient) -> None:
    from servio.service.reading import speaker_items

    assert speaker_items(["Mari=agent, Jüri=customer", "Tamm, Mari=agent\nX=system;Y=klient", " \n"]) == [
        "Mari=agent", "Jüri=customer", "Tamm, Mari=agent", "X=system", "Y=klient"]
    job = finished(admin, "kone.txt", CALL, speaker="Agent Peter=agent\nMari Maasikas=customer")
    assert job["problems"] == []


def test_the_form_offers_speaker_roles_with_a_label(admin: TestClient) -> None:
    for lang, label in (("en", "Speaker roles"), ("et", "Rääkijate rollid")):
        html = admin.get(f"/ui/import?lang={lang}").text
        assert f'<label for="speakers">{label}</label>' in html
        assert 'id="speakers" name="speaker"' in html and 'aria-describedby="speakers-help"' in html


def test_the_api_takes_speaker_roles_as_the_page_does(store: Any) -> None:
    _, token = store.create_user("root", "admin")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(store_app(store)) as api:
        job = api.post("/imports?wait=true", files=[("files", ("kone.txt", CALL))],
                       data={"speaker": ["Mari Maasikas=customer"]}, headers=headers).json()
        assert (job["skipped"], job["problems"]) == (0, [])
        refused = api.post("/imports", files=[("files", ("kone.txt", CALL))], data={"speaker": "Mari"},
                           headers=headers)
    # the API answers a bad field as it answers any (422 naming it); the page's form keeps its 400 sentence
    assert refused.status_code == 422 and refused.json()["detail"] == [
        {"loc": ["body", "speaker"], "msg": "speaker must be LABEL=ROLE, e.g. 'Mari Maasikas=customer'",
         "type": "value_error"}]


def test_the_api_says_the_remedy_in_the_apis_words(store: Any) -> None:
    # the API's readers are not on the Import page: its remedy names the import's fields, and where the
    # dashboard has them
    _, token = store.create_user("root", "admin")
    with TestClient(store_app(store)) as api:
        job = api.post("/imports?wait=true", files=[("files", ("kone.txt", CALL))],
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert job["problems"][0]["message"].startswith(
        "unknown speaker 'Mari Maasikas' (map it in the import's speaker roles (Mari Maasikas=agent")
