"""Dashboard pieces without a browser: strings, language choice, filters, uploads, the memory backend."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from servio.service.reading import upload_name
from servio.store.types import ConversationFilter, User
from servio.web.backend import MemoryBackend
from servio.web.i18n import pick_language, strings
from tests.report.conftest import make_conversation, make_result

REVIEWER = User(id=7, name="rita", role="reviewer", agent_id=None, active=True,
                created_at=date(2026, 1, 1))  # type: ignore[arg-type]


def _raw(lang: str) -> dict[str, str]:
    return tomllib.loads(resources.files("servio.web.i18n").joinpath(f"{lang}.toml").read_text("utf-8"))


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    et, en = _raw("et"), _raw("en")
    assert set(et) == set(en)
    for key in en:
        assert set(re.findall(r"\{(\w+)\}", et[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key
    assert strings("fi")["login_title"] == "Sign in"  # unknown languages get English


@pytest.mark.parametrize(("candidates", "expected"), [
    (("en", None, None), "en"), ((None, "en", "et"), "en"), ((None, None, "en-GB"), "en"),
    (("fi", None, "de"), "et"), ((None, None, None), "et"), (("ET", None, None), "et"),
])
def test_language_choice(candidates: tuple[str | None, ...], expected: str) -> None:
    assert pick_language(*candidates) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("chats.jsonl", "chats.jsonl"), ("../../etc/passwd", "passwd"), ("C:\\x\\y.csv", "y.csv"),
    ("..", "upload-0"), ("vestlused õhtu.txt", "vestlused_õhtu.txt"), ("x" * 300 + ".csv", "x" * 88 + ".csv"),
])
def test_upload_names_cannot_escape_their_folder(name: str, expected: str) -> None:
    """The dashboard saves uploads under the API's names: a file gives the same conversation ids
    (``<stem>-<n>``) whichever way it was imported."""
    assert upload_name(name, 0, set()) == expected


def test_two_uploads_of_one_name_are_kept_apart() -> None:
    taken: set[str] = set()
    assert [upload_name(n, i, taken) for i, n in enumerate(["a.csv", "A.csv", "a.csv"])] == \
        ["a.csv", "A-1.csv", "a-2.csv"]


@pytest.fixture
def backend() -> MemoryBackend:
    b = MemoryBackend()
    b.add([
        (make_conversation("a1"),
         make_result("a1", "ann", "North", "2026-09-01", {1: 90, 3: 30}, ("no_close",), missing=(7,))),
        (make_conversation("a2"), make_result("a2", "ann", "North", "2026-09-20", {1: 100, 3: 50, 7: 40})),
        (make_conversation("b1"), make_result("b1", "bob", "South", "2026-10-05", {1: 40, 7: 90})),
    ])
    return b


@pytest.mark.parametrize(("f", "ids"), [
    (ConversationFilter(), ["b1", "a2", "a1"]),
    (ConversationFilter(agent_id="ann", sort="overall"), ["a1", "a2"]),
    (ConversationFilter(team="South"), ["b1"]),
    (ConversationFilter(missing_stage=7), ["a1"]),
    (ConversationFilter(failure="no_close"), ["a1"]),
    (ConversationFilter(score_min=61), ["b1", "a2"]),
    (ConversationFilter(score_max=60), ["a1"]),
    (ConversationFilter(date_from=date(2026, 9, 2), date_to=date(2026, 9, 30)), ["a2"]),
    (ConversationFilter(limit=1, offset=1), ["a2"]),
])
def test_memory_listing_follows_the_store_filters(backend: MemoryBackend, f: ConversationFilter,
                                                  ids: list[str]) -> None:
    page = backend.listing(f)
    assert [s.id for s in page.items] == ids


def test_memory_correction_rescores_and_is_remembered(backend: MemoryBackend) -> None:
    before = backend.get("a1")[1]
    corr = backend.correct("a1", 0, [3], REVIEWER)
    conv, after, corrected = backend.get("a1")
    assert corr.before == (1,) and corr.after == (3,) and corr.user_name == "rita"
    assert corrected == frozenset({0})
    assert after.turns[0].stages == frozenset({3})
    assert corr.overall_before == before.overall and corr.overall_after == after.overall
    assert backend.listing(ConversationFilter(agent_id="ann")).items[-1].corrected


def test_memory_results_and_people(backend: MemoryBackend) -> None:
    assert [r.conversation_id for r in backend.results(agent_id="ann")] == ["a1", "a2"]
    assert [r.conversation_id for r in backend.results(team="South")] == ["b1"]
    assert len(backend.results(date_from=date(2026, 10, 1))) == 1
    agents = [(a.id, a.team, a.conversations) for a in backend.agents()]
    assert agents == [("ann", "North", 2), ("bob", "South", 1)]
    assert [(t.id, t.conversations) for t in backend.teams()] == [("North", 2), ("South", 1)]


def test_the_commands_the_sign_in_page_and_its_doc_name_exist() -> None:
    import argparse
    from pathlib import Path

    from servio.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    doc = (Path(__file__).resolve().parents[2] / "docs" / "dashboard.md").read_text("utf-8")
    named = set(re.findall(r"`servio ([a-z]+)", doc))  # commands are in backticks in the doc
    for lang in ("et", "en"):
        named |= set(re.findall(r"\bservio ([a-z]+) ", _raw(lang)["login_help"]))
    assert named and named <= set(sub.choices), named - set(sub.choices)


def test_the_memory_import_skips_what_has_nothing_to_score_and_says_the_dashboards_remedy(
        tmp_path: Path) -> None:
    # dashboard audit F6: the demo dashboard's import stored a bot's lone turn and an empty agent turn as 0s,
    # and showed a reader's remedy token raw instead of the words of the import form
    import json

    from servio.web.memory_import import run_import

    rows = [{"id": "ok", "turns": [{"speaker": "agent", "text": "Tere! Mina olen Kati."}]},
            {"id": "badspeaker", "turns": [{"speaker": "robot", "text": "hi"}]},
            {"id": "emptytext", "turns": [{"speaker": "agent", "text": ""}]},
            {"id": "unknown", "turns": [{"speaker": "Mari", "text": "tere"}]}]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    backend = MemoryBackend()
    job = run_import(backend, [path], format=None, user=REVIEWER, wait=True)
    assert (job.status, job.read, job.new, job.skipped) == ("done", 1, 1, 3)
    assert set(backend.items) == {"ok"}
    messages = [p["message"] for p in job.problems]
    assert [p["line"] for p in job.problems] == [2, 3, 4]
    assert messages[0].startswith("no agent turn with text, only 1 system turn (if the agent's turns have "
                                  "another label, map it in the import's speaker roles (LABEL=agent")
    assert messages[1] == "no turn has any text: nothing to score; conversation skipped"
    assert "write agent, customer or system for it in the file" in messages[2]
    assert not any("\u27e6" in m for m in messages)
