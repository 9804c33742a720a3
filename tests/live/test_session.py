"""The live path gives the batch path's stages and scores on every prefix of a chat, but for the newest
turn, which the live model tags (the batch model would take it for the chat's last turn)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from servio.analyze import analyze
from servio.analyze.learned.tagger import newest_turn_tagger, newest_turn_tags
from servio.analyze.pipeline import resolve_tagger
from servio.evaluate import evaluate
from servio.examples import example_gold_path
from servio.ingest import read_all
from servio.live import LiveError, SessionInfo, new_session
from servio.live.session import LiveFieldError
from servio.model import Conversation, Language, Speaker
from servio.results import TaggedConversation, TurnTags


@pytest.fixture(scope="module")
def examples() -> list[Conversation]:
    conversations, _ = read_all(example_gold_path())
    return conversations


def _batch(conv: Conversation, n: int, language: Language | None) -> tuple[list[frozenset[int]], float]:
    prefix = replace(conv, id="s", turns=conv.turns[:n], language=language, metadata={}, started_at=None)
    tagged = analyze(prefix)
    live = newest_turn_tagger(resolve_tagger("learned"))
    assert live is not None
    first = all(t.speaker is not Speaker.AGENT for t in prefix.turns[:-1])
    newest = newest_turn_tags(tagged.turns[-1], analyze(prefix, tagger=live).turns[-1],
                              prefix.turns[-1].speaker, first_agent_turn=first)
    turns = [*tagged.turns[:-1], newest]
    agents = [i for i, t in enumerate(prefix.turns) if t.speaker is Speaker.AGENT]
    if len(agents) == 1 and agents[0] < n - 1:  # the agent's only turn so far, answered: not yet a goodbye
        opening = turns[agents[0]]
        turns[agents[0]] = TurnTags(index=opening.index, tags=tuple(t for t in opening.tags if t.stage != 7))
    tagged = TaggedConversation(conversation=tagged.conversation, turns=tuple(turns), tagger=tagged.tagger)
    return [t.stages for t in tagged.turns], evaluate(tagged, contact_type=conv.contact_type).overall


@pytest.mark.parametrize("given_language", [False, True])
def test_every_prefix_matches_the_batch_path_and_the_live_model(examples: list[Conversation],
                                                                given_language: bool) -> None:
    convs = examples if not given_language else examples[::4]
    checked = 0
    for conv in convs:
        language = conv.language if given_language else None
        info = SessionInfo(
            language=language,
            channel=conv.channel,
            agent_id=conv.agent_id,
            team=conv.team,
            contact_type=conv.contact_type,
        )
        session = new_session("s", "owner", info)
        for n, turn in enumerate(conv.turns, start=1):
            update = session.add_turn(turn.speaker, turn.text, author=turn.author, timestamp=turn.timestamp)
            stages, overall = _batch(conv, n, language)
            assert list(session.stages) == stages, f"{conv.id} after {n} turns"
            assert update.stages == tuple(sorted(stages[-1]))
            assert update.overall == pytest.approx(overall)
            assert update.done == tuple(sorted(frozenset().union(*stages)))
            checked += 1
    assert checked >= 40


def test_language_is_detected_and_hint_is_in_it() -> None:
    session = new_session("s", "o")
    update = session.add_turn(Speaker.AGENT, "Tere! Mina olen Kati Laine Mobiilist. Kuidas saan teid aidata?")
    assert update.language == "et"
    assert update.turn == 0 and update.speaker == "agent"
    assert 1 in update.stages
    assert update.next_stage is not None
    english = new_session("e", "o")
    update = english.add_turn(Speaker.AGENT, "Hello, this is Tom from Northwind. How can I help you today?")
    assert update.language == "en"


@pytest.mark.parametrize("fallback", [Language.ET, Language.EN])
def test_a_turn_without_language_follows_the_fallback_until_the_text_shows_one(fallback: Language) -> None:
    # live audit F11: an Estonian chat that opened with "12345" (an order number) got English hints
    session = new_session("s", "o", SessionInfo(fallback_language=fallback))
    assert session.add_turn(Speaker.CUSTOMER, "12345").language == fallback
    assert session.add_turn(Speaker.CUSTOMER, "OK").language == fallback
    shown = session.add_turn(Speaker.AGENT, "Tere! Mina olen Kati. Kuidas saan teid aidata?")
    assert shown.language == "et"  # the text decides once it shows a language
    assert new_session("d", "o").add_turn(Speaker.CUSTOMER, "12345").language == "en"  # the batch default


def test_changed_lists_earlier_turns_whose_stages_moved() -> None:
    session = new_session("s", "o", SessionInfo(language=Language.EN))
    seen: list[tuple[int, tuple[int, ...]]] = []
    turns = [
        (Speaker.AGENT, "Hi, Tom here from Northwind. How can I help?"),
        (Speaker.CUSTOMER, "My router keeps dropping the connection every evening."),
        (Speaker.AGENT, "I am sorry to hear that. When did it start, and which lights are on?"),
        (Speaker.CUSTOMER, "Since Monday, the red light blinks."),
        (Speaker.AGENT, "I will send a technician tomorrow between 10 and 12. Does that work for you?"),
        (Speaker.CUSTOMER, "Yes, thanks, bye!"),
        (Speaker.AGENT, "Thank you for contacting us, have a nice evening!"),
    ]
    previous: list[frozenset[int]] = []
    for speaker, text in turns:
        update = session.add_turn(speaker, text)
        now = session.stages
        expected = tuple((i, tuple(sorted(now[i]))) for i in range(len(previous)) if previous[i] != now[i])
        assert update.changed == expected
        seen.extend(update.changed)
        previous = list(session.stages)
    assert len(session.turns) == len(turns)


def test_empty_text_and_too_many_turns_are_refused() -> None:
    session = new_session("s", "o", SessionInfo(language=Language.EN), max_turns=2)
    with pytest.raises(LiveError):
        session.add_turn(Speaker.AGENT, "   ")
    session.add_turn(Speaker.AGENT, "Hello!")
    session.add_turn(Speaker.CUSTOMER, "Hi")
    with pytest.raises(LiveError, match="2 turns"):
        session.add_turn(Speaker.AGENT, "How can I help?")
    assert len(session.turns) == 2


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "\u200b\u200b", "\x00\x01\x02", "\ufeff", "\u200d \u2060\u00ad", "\u3164", "\u0301",
     "\u2028\u00a0"],
)
def test_a_turn_with_nothing_visible_is_refused_naming_the_field(text: str) -> None:
    """Zero-width or control characters alone were taken as a turn: as the agent's first, it fired 'not
    greeted' and 'not introduced', pointing at a turn nobody could see."""
    session = new_session("s", "o", SessionInfo(language=Language.EN))
    with pytest.raises(LiveError, match="^text: a turn needs some visible text") as refused:
        session.add_turn(Speaker.AGENT, text)
    assert isinstance(refused.value, LiveFieldError) and refused.value.field == "text"
    assert session.turns == []


@pytest.mark.parametrize(
    "text", ["?", "5", "ok", "\U0001f44d", "\u2764\ufe0f", "\u200bTere!\u200b", "\u0101", "e\u0301"]
)
def test_short_visible_turns_are_taken(text: str) -> None:
    session = new_session("s", "o", SessionInfo(language=Language.EN))
    assert session.add_turn(Speaker.CUSTOMER, text).turn == 0


def test_to_dict_is_json_ready() -> None:
    import json

    session = new_session("s", "o", SessionInfo(language=Language.EN))
    update = session.add_turn(Speaker.AGENT, "Hello, Anna from Northwind here. What can I do for you?")
    data = update.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) >= {"stages", "done", "next_stage", "hint", "warnings", "tags", "elapsed_ms"}


@pytest.mark.parametrize(("opening", "answer"), [
    ("Hi, thanks for contacting Planwise, I'm Tom.", "hi, I was charged twice this month"),
    ("Tere, aitäh, et võtsite ühendust! Mina olen Mari.", "tere, mu arve on topelt"),
])
def test_the_agents_opening_is_not_the_goodbye_once_the_customer_answers(opening: str, answer: str) -> None:
    # the tagger reads the chat so far as a whole conversation, whose last agent turn is its closing: the
    # opening was shown as the goodbye done on turn 2 (audit m2); the guide counts it as attunement (1)
    session = new_session("s", "owner")
    session.add_turn(Speaker.AGENT, opening)
    update = session.add_turn(Speaker.CUSTOMER, answer)
    assert 1 in session.stages[0] and 7 not in session.stages[0]
    assert 7 not in update.done and 7 not in update.agent_done
    later = session.add_turn(Speaker.AGENT, "Could you tell me your account number?")
    assert 7 not in later.done
