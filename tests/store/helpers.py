"""Invented conversations for the store tests, and the analysis the importer runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from servio.model import Channel, ContactType, Conversation, Language, Speaker, Turn
from servio.results import ConversationResult

EE = timezone(timedelta(hours=3))

EN_TURNS = (
    ("agent", "Hi, welcome to Brightline support, I'm {agent}. How can I help you today?"),
    ("customer", "Hello, my router keeps dropping the connection every evening."),
    ("agent", "I'm sorry to hear that. When did it start, and which devices lose the connection?"),
    ("customer", "About a week ago, mostly the laptop and the TV."),
    ("agent", "What matters most to you: a quick fix tonight or a replacement router?"),
    ("customer", "A quick fix would be great."),
    ("agent", "I have reset the line and sent new settings to the router. Is there anything else?"),
    ("customer", "No, thank you!"),
    ("agent", "Thank you for contacting us, have a lovely evening!"),
)
ET_TURNS = (
    ("agent", "Tere! Siin Laine klienditugi, mina olen {agent}. Millega saan aidata?"),
    ("customer", "Tere, arve on sel kuul liiga suur."),
    ("agent", "Vabandust ebamugavuse pärast. Mis summa arvel on ja millist teenust te kasutate?"),
    ("customer", "Arve on 80 eurot, tavaliselt 30."),
    ("agent", "Tegin arve korda ja saatsin uue arve e-postiga. Kas saan veel kuidagi aidata?"),
    ("customer", "Ei, aitäh!"),
    ("agent", "Aitäh, et pöördusite, ilusat päeva!"),
)


def conversation(n: int, *, agent: str = "kati", team: str | None = "Tallinn", language: str = "en",
                 started: datetime | None = None, turns: int | None = None, extra: str = "",
                 contact_type: ContactType | None = None, **meta: Any) -> Conversation:
    """Conversation ``c<n>``: a short support chat in English or Estonian."""
    script = EN_TURNS if language == "en" else ET_TURNS
    script = script[:turns] if turns else script
    start = started or datetime(2026, 3, 1, 9, 0, tzinfo=EE) + timedelta(days=n)
    out = []
    for i, (speaker, text) in enumerate(script):
        body = text.format(agent=agent.title())
        if extra and i == 1:
            body = f"{body} {extra}"
        out.append(Turn(Speaker(speaker), body, author=agent if speaker == "agent" else None,
                        timestamp=start + timedelta(minutes=i)))
    return Conversation(id=f"c{n}", turns=tuple(out), language=Language(language), channel=Channel.CHAT,
                        agent_id=agent, team=team, contact_type=contact_type, started_at=start,
                        metadata=meta)


def analyse(conv: Conversation) -> ConversationResult:
    """The same analysis as the importer: analyze, then evaluate."""
    from servio.store.importer import analyser

    return analyser()(conv)


def record(conv: Conversation) -> dict[str, Any]:
    """A JSON Lines record of ``conv`` in the format servio reads."""
    out: dict[str, Any] = {"id": conv.id, "language": str(conv.language), "channel": str(conv.channel),
                           "agent_id": conv.agent_id, "team": conv.team,
                           "started_at": conv.started_at.isoformat() if conv.started_at else None,
                           "turns": [_turn_record(t) for t in conv.turns]}
    return out


def _turn_record(turn: Turn) -> dict[str, Any]:
    out: dict[str, Any] = {"speaker": str(turn.speaker), "text": turn.text}
    if turn.author:
        out["author"] = turn.author
    if turn.timestamp is not None:
        out["timestamp"] = turn.timestamp.isoformat()
    return out


def write_jsonl(path: Path, convs: list[Conversation], *, bad_lines: int = 0) -> Path:
    """Write conversations as JSON Lines, with ``bad_lines`` broken records at the start."""
    lines = ["{not json"] * bad_lines + [json.dumps(record(c), ensure_ascii=False) for c in convs]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
