"""What kind of contact a conversation is: support, sales, complaint or information.

The conversation's own ``contact_type`` wins. Otherwise the customer's words
decide, with cues from ``servio/data/evaluate_cues.toml``: angry or
complaint words make a complaint; buying, price or offer words a sale, and so
do ordering words unless their sentence names an everyday account setting
("arve e-postile tellida", "subscribe to e-invoices"); neither counts inside
a question asking how to do something oneself ("kuidas ma saan …", "how do
I …"), nor after a problem is mentioned; a question answered with no problem
in sight is an information request; the rest is support.
"""

from __future__ import annotations

import re
from collections import Counter

from servio.evaluate.cues import CueBook, default_cues, guess_language
from servio.evaluate.view import View
from servio.model import ContactType, Conversation
from servio.results import TaggedConversation

_SENTENCE = re.compile(r"[^.!?\n]+")


def conversation_language(conv: Conversation, cues: CueBook | None = None) -> str:
    """The conversation's language: as given, else the turns' majority, else guessed from common words."""
    if conv.language is not None:
        return str(conv.language)
    langs = Counter(str(t.language) for t in conv.turns if t.language is not None)
    if langs:
        return langs.most_common(1)[0][0]
    return guess_language((t.text for t in conv.turns), cues or default_cues())


def detect_contact_type(tagged: TaggedConversation, *, cues: CueBook | None = None) -> ContactType:
    """The contact type of a tagged conversation (its own ``contact_type`` when given)."""
    conv = tagged.conversation
    if conv.contact_type is not None:
        return conv.contact_type
    book = cues or default_cues()
    view = View(tagged, cues=book, language=conversation_language(conv, book), contact_type="")
    return contact_type_of(view)


def contact_type_of(view: View) -> ContactType:
    """The contact type read from a :class:`View` (the conversation's own when given)."""
    given = view.conversation.contact_type
    if given is not None:
        return given
    said = "\n".join(view.texts[i] for i in view.customer)
    if view.cues.pattern("complaint", view.language).search(said):
        return ContactType.COMPLAINT
    sales = _first_sale(view)
    problem = view.cues.pattern("problem", view.language).search(said)
    if sales is not None and (problem is None or sales < problem.start()):
        return ContactType.SALES
    if problem is None and _information(view):
        return ContactType.INFORMATION
    return ContactType.SUPPORT


def _information(view: View) -> bool:
    """A customer question, answered by the agent, with no problem described."""
    if not view.customer:
        return False
    needs = view.customer_turns(3, 5) or view.customer[:1]
    first = needs[0]
    asks = bool(view.questions(first)) or _starts_with_question(view, first)
    return asks and any(i > first for i in view.agent)


def _starts_with_question(view: View, index: int) -> bool:
    match = view.cues.pattern("question", view.language).search(view.texts[index])
    return match is not None and not view.texts[index][: match.start()].strip(" ,.!:;-")


def _first_sale(view: View) -> int | None:
    """Where the first buying or ordering word stands in the customer's words (``said``), or None."""
    text = _without_how_to(view)
    first = view.cues.pattern("sales", view.language).search(text)
    found = [first.start()] if first is not None else []
    order = view.cues.pattern("sales_order", view.language)
    setting = view.cues.pattern("account_setting", view.language)
    for sentence in _SENTENCE.finditer(text):
        hit = order.search(sentence.group())
        if hit is not None and setting.search(sentence.group()) is None:
            found.append(sentence.start() + hit.start())
            break
    return min(found) if found else None


def _without_how_to(view: View) -> str:
    """The customer's words less their how-to questions ("Kuidas ma saan uue SIM-kaardi tellida?"),
    the same length, so positions still compare with the full text's."""
    how_to = view.cues.pattern("how_to", view.language)
    parts = []
    for i in view.customer:
        text = view.texts[i]
        for q in view.questions(i):
            if how_to.search(q):
                text = text.replace(q, " " * len(q))
        parts.append(text)
    return "\n".join(parts)
