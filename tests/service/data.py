"""Invented conversations for the service tests: two agents, two teams, two languages, one without agent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn

A, C = Speaker.AGENT, Speaker.CUSTOMER
TZ = timezone(timedelta(hours=3))


def _conv(
    cid: str,
    agent: str | None,
    team: str | None,
    lang: Language,
    ctype: ContactType,
    day: datetime,
    turns: list[tuple[Speaker, str]],
) -> Conversation:
    return Conversation(
        id=cid,
        turns=tuple(Turn(speaker=s, text=t) for s, t in turns),
        language=lang,
        channel=Channel.CHAT,
        agent_id=agent,
        team=team,
        contact_type=ctype,
        started_at=day,
    )


def conversations() -> list[Conversation]:
    """Six short chats: kati (Tallinn, et) x3, tom (Online, en) x2, one without an agent."""
    return [
        _conv(
            "svc-et-1",
            "kati",
            "Tallinn",
            Language.ET,
            ContactType.SALES,
            datetime(2026, 9, 3, 10, 0, tzinfo=TZ),
            [
                (A, "Tere! Siin Kati Laine Mobiilist. Kuidas saan teid aidata?"),
                (C, "tere, mul on vaja uut paketti, praegune saab alati enne kuu lõppu otsa"),
                (A, "Selge. Milleks te andmesidet enamasti kasutate?"),
                (C, "vaatan bussis videoid ja lapsed kasutavad hotspoti"),
                (A, "Mis on teile kõige olulisem: hind või piiramatu andmeside?"),
                (C, "et andmeside otsa ei saaks, aga üle 25 euro ei taha maksta"),
                (A, "Soovitan paketti Piiramatu 20 eurot kuus. Kas see sobib?"),
                (C, "jah sobib, aitäh"),
                (A, "Aitäh teile! Kas saan veel millegagi aidata? Head päeva!"),
            ],
        ),
        _conv(
            "svc-et-2",
            "kati",
            "Tallinn",
            Language.ET,
            ContactType.SUPPORT,
            datetime(2026, 9, 20, 9, 0, tzinfo=TZ),
            [
                (C, "Tere, mu internet ei tööta"),
                (A, "Taaskäivitage ruuter."),
                (C, "ok"),
            ],
        ),
        _conv(
            "svc-et-3",
            "kati",
            "Tallinn",
            Language.ET,
            ContactType.COMPLAINT,
            datetime(2026, 10, 5, 15, 30, tzinfo=TZ),
            [
                (A, "Tere! Mina olen Kati. Millega saan aidata?"),
                (C, "Arve on vale, mult võeti kaks korda raha."),
                (A, "Vabandust! Kas sain õigesti aru, et sama summa võeti kaks korda?"),
                (C, "Jah."),
                (A, "Tagastame topelt makse kolme päeva jooksul. Kas see sobib?"),
                (C, "Sobib, aitäh, head aega"),
                (A, "Aitäh, head aega!"),
            ],
        ),
        _conv(
            "svc-en-1",
            "tom",
            "Online",
            Language.EN,
            ContactType.SUPPORT,
            datetime(2026, 9, 10, 12, 0, tzinfo=TZ),
            [
                (A, "Hello, this is Tom from Northwind. How can I help you today?"),
                (C, "My router keeps dropping the connection every evening."),
                (A, "I am sorry to hear that. When did it start, and which lights are on?"),
                (C, "Since Monday, the red light blinks."),
                (A, "I will send a technician tomorrow between 10 and 12. Does that work for you?"),
                (C, "Yes, thanks."),
                (A, "Is there anything else I can help with? Thank you for contacting us, goodbye!"),
            ],
        ),
        _conv(
            "svc-en-2",
            "tom",
            "Online",
            Language.EN,
            ContactType.SALES,
            datetime(2026, 10, 12, 16, 0, tzinfo=TZ),
            [
                (C, "Hi, I want a new phone plan."),
                (A, "Take Unlimited 30, it is 25 euros a month."),
                (C, "ok"),
            ],
        ),
        _conv(
            "svc-en-3",
            None,
            None,
            Language.EN,
            ContactType.INFORMATION,
            datetime(2026, 10, 20, 8, 0, tzinfo=TZ),
            [
                (C, "Hello, when are you open on Saturday?"),
                (A, "Hi! We are open from 10 to 16 on Saturdays. Anything else?"),
                (C, "No, thanks, bye"),
            ],
        ),
    ]
