"""Hand-built tagged conversations for the evaluate tests (invented, both languages)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from servio.evaluate.cues import default_cues
from servio.evaluate.view import View
from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from servio.results import StageTag, TaggedConversation, TurnTags

A, C, S = Speaker.AGENT, Speaker.CUSTOMER, Speaker.SYSTEM
Row = tuple[Speaker, Iterable[int], str]


def convo(*rows: Row, language: str | None = "et", contact_type: str | None = None, id: str = "c1",
          agent_id: str | None = None, team: str | None = None, channel: str = "chat",
          minutes: Iterable[float] | None = None) -> TaggedConversation:
    """A tagged conversation from (speaker, stages, text) rows; ``minutes`` gives turn times."""
    start = datetime(2026, 3, 2, 10, 0)
    times = [start + timedelta(minutes=m) for m in minutes] if minutes is not None else [None] * len(rows)
    turns = tuple(Turn(speaker, text, timestamp=t) for (speaker, _, text), t in zip(rows, times, strict=True))
    conv = Conversation(
        id=id, turns=turns, language=Language(language) if language else None, channel=Channel(channel),
        agent_id=agent_id, team=team, contact_type=ContactType(contact_type) if contact_type else None,
    )
    tags = tuple(TurnTags(i, tuple(StageTag(s, 0.9) for s in sorted(stages)))
                 for i, (_, stages, _) in enumerate(rows))
    return TaggedConversation(conv, tags, tagger="hand")


def view(tagged: TaggedConversation, contact_type: str = "support") -> View:
    """The View the checks read, with the default cues."""
    lang = tagged.conversation.language
    return View(tagged, cues=default_cues(), language=str(lang) if lang else None, contact_type=contact_type)


# A good Estonian sales conversation: every stage, done well.
ET_GOOD = convo(
    (A, {1, 2}, "Tere! Mina olen Kati Rattapoest. Kuidas saan teid aidata?"),
    (C, {3}, "Tere, otsin jalgratast, et tööle sõita."),
    (A, {3}, "Tore! Kui pikk on teie tööteekond ja millist teed mööda sõidate?"),
    (C, {3}, "Umbes 8 km, enamasti asfalt."),
    (A, {4}, "Mis on teile kõige olulisem – kas hind, mugavus või vähene hooldus?"),
    (C, {4}, "Kõige tähtsam on vähene hooldus, hind võiks jääda alla 600 euro."),
    (A, {3, 4}, "Kas sain õigesti aru, et otsite igapäevaseks sõiduks vähese hooldusega ratast "
                "alla 600 euro?"),
    (C, {3}, "Jah, täpselt."),
    (A, {5}, "Meil on kaks võimalust: rummukäikudega linnaratas 549 € või kergem hübriidratas 590 €."),
    (A, {6}, "Kuna teile on kõige tähtsam vähene hooldus, soovitan rummukäikudega linnaratast. "
             "Kas see sobib teile?"),
    (C, {6}, "Sobib, võtan selle."),
    (A, {6, 7}, "Suurepärane! Panin ratta teile kinni, saate selle homme kell 12 poest kätte. "
                "Kas saan veel millegagi aidata?"),
    (C, {7}, "Ei, aitäh!"),
    (A, {7}, "Aitäh teile ja ilusat päeva!"),
    contact_type="sales", id="et-good", agent_id="kati", team="pood",
)

# A weak Estonian support conversation: no greeting, solution first, customer left hanging.
ET_WEAK = convo(
    (C, {1, 3}, "tere, tellitud jope on liiga väike"),
    (A, {6}, "Täitke tagastusvorm kodulehel."),
    (C, {5}, "kas saab ka vahetada?"),
    (A, {5}, "Vahetust ei tee."),
    (C, {3}, "aga miks?"),
    contact_type="support", id="et-weak", agent_id="mart", team="pood",
)

# A good English support conversation.
EN_GOOD = convo(
    (A, {1, 2}, "Hi, I'm Sam from BrightNet. How can I help you today?"),
    (C, {3}, "My internet keeps dropping every evening."),
    (A, {1, 3}, "Sorry to hear that! When did it start, and which devices are affected?"),
    (C, {3}, "Since Monday, all of them."),
    (A, {3}, "So you're losing the connection on every device since Monday, is that right?"),
    (C, {3}, "Yes."),
    (A, {5}, "We can either send a technician on Thursday or replace your router by courier."),
    (C, {5}, "The router please."),
    (A, {6}, "I've ordered a new router for you; it will arrive tomorrow by 6 pm. Does that work for you?"),
    (C, {6}, "Perfect."),
    (A, {7}, "Great! You'll get a tracking link by e-mail. Anything else I can help with? "
             "Thanks for contacting us and have a lovely evening!"),
    language="en", contact_type="support", id="en-good", agent_id="sam", team="net",
)

# A weak English support conversation: closed questions only, a bare answer, no close.
EN_WEAK = convo(
    (C, {3}, "my parcel hasn't arrived"),
    (A, {3}, "Order number?"),
    (C, {3}, "12345"),
    (A, {6}, "It will arrive tomorrow."),
    language="en", contact_type="support", id="en-weak", agent_id="sam", team="net",
)
