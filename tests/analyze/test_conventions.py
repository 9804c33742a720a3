"""The conventions of the annotation guide (ANNOTATION.md), one small invented conversation each.

Each case names the convention it checks; the turn under test is marked with ``>>``.
Both built-in taggers are held to every convention; the learned tagger's known misses are
strict xfails that name the weakness (docs/model_card.md), so a retrained model that fixes
one makes the test fail until the mark is removed.
"""

from __future__ import annotations

import pytest

from servio.analyze import analyze
from servio.model import Conversation, Language, Speaker, Turn

A, C, S = Speaker.AGENT, Speaker.CUSTOMER, Speaker.SYSTEM

# (convention, language, turns, index of the turn under test, expected stages)
CASES = [
    ("greeting and invitation", "en", [(A, "Hi! How can I help?")], 0, {1, 2}),
    ("greeting and invitation", "et", [(A, "Tere! Kuidas saan teid aidata?")], 0, {1, 2}),
    ("thanks for calling and the agent's name open a call: 1", "en",
     [(A, "Thank you for calling Northwind, this is Mia speaking. How can I help you today?"),
      (C, "My internet has been down since this morning."),
      (A, "Which modem do you have?"),
      (C, "The white one from you."),
      (A, "Is its power light green or red?"),
      (C, "Red, and it blinks.")], 0, {1, 2}),
    ("thanks for calling and the agent's name open a call: 1", "et",
     [(A, "Aitäh, et helistasite Põhjatuulde, teid teenindab Mia. Kuidas saan aidata?"),
      (C, "Mul pole hommikust saadik internetti."),
      (A, "Milline modem teil on?"),
      (C, "See valge, mis teie käest sain."),
      (A, "Kas selle toitetuli on roheline või punane?"),
      (C, "Punane ja vilgub.")], 0, {1, 2}),
    ("apology then DM request", "en",
     [(C, "My parcel never arrived."),
      (A, "Sorry to hear that. Please DM us your order number.")], 1, {1, 3}),
    ("apology then DM request", "et",
     [(C, "Mu pakk ei jõudnud kohale."),
      (A, "Kahju kuulda. Palun saatke meile privaatsõnumis tellimuse number.")],
     1, {1, 3}),
    ("system lines are empty", "en",
     [(C, "Hello, my card is blocked."), (S, "Account has been pulled up")], 1, set()),
    ("signature in the agent's first turn is 1", "en",
     [(C, "The app keeps crashing on my phone."),
      (A, "Which phone and app version are you on? ^AB")], 1, {1, 3}),
    ("a repeated signature carries no stage", "en",
     [(C, "The app keeps crashing."), (A, "Which phone are you on? ^AB"), (C, "An old Pixel."),
      (A, "Which app version is it? ^AB")], 3, {3}),
    ("instruction plus 'let us know if that helps' is 6 only", "en",
     [(C, "The app keeps crashing."), (A, "Please restart the app and let us know if that helps.")], 1, {6}),
    ("bare 'ok' answering a needs question is 3", "en",
     [(C, "My router is blinking red."),
      (A, "Have you already tried turning it off and on again?"),
      (C, "yes")],
     2, {3}),
    ("bare 'ok' accepting a proposal is 6", "en",
     [(C, "I need a new charger."), (A, "I can send a replacement charger today. Does that work for you?"),
      (C, "ok")], 2, {6}),
    ("bare acknowledgement of nothing is empty", "en", [(C, "hi"), (C, "ok")], 1, set()),
    ("a chaser is empty", "en",
     [(C, "My refund has not arrived."), (A, "Sorry about that, please DM us your order number."),
      (C, "anything yet?")], 2, set()),
    ("'sorry, but [policy]' is not 1", "en",
     [(C, "Can I return these shoes after 40 days?"),
      (A, "Sorry, but returns are only possible within 30 days.")],
     1, {5}),
    ("a general statement of what is possible is 5", "en",
     [(C, "What is your returns policy?"), (A, "Returns are accepted within 90 days of purchase.")], 1, {5}),
    ("what the company cannot see from here is a limit: 5", "en",
     [(C, "Why was I charged twice?"), (A, "We're unable to view your account here on Twitter.")], 1, {5}),
    ("a requirement is a policy limit: 5", "en",
     [(C, "Can I return the kettle?"), (A, "A return requires a valid receipt.")], 1, {5}),
    ("what sometimes happens in general is 5", "en",
     [(C, "My parcel is late."), (A, "Sometimes it takes a little longer in December.")], 1, {5}),
    ("the state of the customer's own case is 6", "en",
     [(C, "Where is my parcel?"), (A, "Your parcel is on its way and arrives tomorrow.")], 1, {6}),
    ("a commitment to act is 6", "en",
     [(C, "My invoice is wrong again."), (A, "I've passed this to our billing team and we will update you.")],
     1, {6}),
    ("'anything else' in the closing turn is 7", "en",
     [(C, "How do I reset my password?"), (A, "Use the 'Forgot password' link on the login page."),
      (C, "That worked, thanks!"), (A, "Great! Is there anything else I can help with?")], 3, {7}),
    ("addressing the customer by name is not a greeting", "en",
     [(C, "I was charged twice."), (A, "Thanks Lynn, I've refunded the second charge.")], 1, {6}),
    ("an apology for the wait is 1", "en",
     [(C, "Still waiting for an answer."),
      (A, "Sorry for the wait! Your refund has been processed.")], 1, {1, 6}),
    ("'have you tried' delivering a fix is 3 and 6", "en",
     [(C, "My laptop won't connect to the wifi."), (A, "Have you tried restarting the router?")], 1, {3, 6}),
    ("an instruction to call is 6", "en",
     [(C, "My card was blocked abroad."), (A, "Mia, give us a call on 0800 123 456.")], 1, {6}),
    ("a recommendation is 6", "en",
     [(C, "My videos keep buffering."), (A, "You might want to try the lower quality setting.")], 1, {6}),
    ("an action carried out is 6", "en",
     [(C, "I still have no reply about my complaint."), (A, "We've just responded to your DM.")], 1, {6}),
    ("'have you used [fix]?' delivering a fix is 3 and 6", "et",
     [(C, "Pakk ei jõudnud täna kohale."), (A, "Kas kasutasite jälgimislinki, et tarneaega muuta?")],
     1, {3, 6}),
    ("'let us know how it goes' at the end is 6, not 7", "en",
     [(C, "My laptop won't connect."), (A, "Please update the network driver and let us know how it goes.")],
     1, {6}),
    ("the customer's last turn ending in thanks is 7", "en",
     [(C, "Where is my order?"), (A, "Your order arrives on Monday."), (C, "ok great, thanks!")], 2, {6, 7}),
    ("a request for contact details is 3", "en",
     [(C, "I want to book a table for Friday."),
      (A, "Sure. What name and phone number should I put it under?")],
     1, {3}),
    ("the bare answer to a details request is 3", "en",
     [(C, "I want to book a table."), (A, "What name should I put it under?"), (C, "Maria Smith")], 2, {3}),
    ("the customer's first turn describing a problem is 3", "en",
     [(C, "Hello, my washing machine stopped spinning yesterday.")], 0, {1, 3}),
    ("'can you help me?' with nothing else is 2", "en", [(C, "hi, can you help me?")], 0, {1, 2}),
    ("stating a priority is 4", "en",
     [(A, "Hello! How can I help?"),
      (C, "I need a new laptop, and battery life is the most important thing for me.")],
     1, {3, 4}),
    ("not minding a cost states a priority: 4", "en",
     [(C, "I need a new kettle."), (A, "Sure, what matters to you in a kettle?"),
      (C, "I don't mind paying more if it lasts.")], 2, {4}),
    ("'as simple as possible' states a priority: 4", "en",
     [(C, "I need a printer for home."), (A, "Sure! What is important to you?"),
      (C, "Nothing fancy. It should be as simple as possible.")], 2, {4}),
    ("a paraphrase of priorities is 4", "en",
     [(C, "I need a sofa for a small flat."), (A, "Happy to help! What matters most to you?"),
      (C, "Comfort, and easy cleaning."), (A, "Got it: comfort first, easy cleaning second.")], 3, {4}),
    ("a priority typed without apostrophes is still 4", "en",
     [(C, "I need a new phone."), (A, "Sure! What matters to you?"), (C, "i dont want to lose my photos")],
     2, {4}),
    ("a paraphrase naming the customer's main concern is 4", "en",
     [(C, "I need travel insurance for a hiking trip."), (A, "What matters most to you in a policy?"),
      (C, "Mountain rescue."), (A, "Makes sense, rescue cover is the big one for hiking.")], 3, {4}),
    ("a paraphrase of priorities is 4", "et",
     [(C, "Vajan uut diivanit."), (A, "Hea meelega aitan! Mis on teile kõige olulisem?"),
      (C, "Mugavus ja lihtne puhastamine."), (A, "Selge, mugavus on esikohal.")], 3, {4}),
    ("a question about what matters more is 4", "et",
     [(C, "Otsin pojale pangakaarti."), (A, "Kumb teile rohkem korda läheb – madal kuutasu või mugav äpp?")],
     1, {4}),
    ("'the main thing is ...' states a priority: 4", "et",
     [(C, "Vajan koristajat."), (A, "Mis on teile oluline?"), (C, "Peaasi, et oleks usaldusväärne.")],
     2, {4}),
    ("a plural comparative of importance states a priority: 4", "et",
     [(C, "Soovin teatripileteid."), (A, "Mis on teile tähtis?"), (C, "Head kohad on tähtsamad kui hind.")],
     2, {4}),
    ("'it's not about the money' states a priority: 4", "en",
     [(C, "My flight was cancelled and I missed a wedding."),
      (A, "We're so sorry. What would you like us to do?"), (C, "Honestly, it's not about the money.")],
     2, {4}),
    ("not wanting to give something up states a priority: 4", "et",
     [(C, "Liisingumakse on mulle praegu raske."), (A, "Mõistan. Mis teile selles olukorras tähtis on?"),
      (C, "Autost ma loobuda ei taha.")], 2, {4}),
    ("not minding a cost states a priority: 4", "et",
     [(C, "Vajan uut veekeetjat."), (A, "Mis on teile veekeetja juures oluline?"),
      (C, "Mul pole midagi selle vastu, kui see on kallim.")], 2, {4}),
    ("refusing to pay more states a price priority: 4", "en",
     [(C, "I need a new kettle."), (A, "Sure! What matters most to you in a kettle?"),
      (C, "Honestly, I won't pay double the price just for a brand name.")], 2, {4}),
    ("refusing to pay more states a price priority: 4", "et",
     [(C, "Vajan uut veekeetjat."), (A, "Mis on teile veekeetja juures kõige olulisem?"),
      (C, "Nime eest ma ei maksa topelt hinda.")], 2, {4}),
    ("a customer question about what is possible is 5", "en",
     [(C, "Hi, I booked a flight for Monday."), (A, "Hello! How can I help?"), (C, "Can I change my seat?")],
     2, {5}),
    ("asking whether any other way exists is a question about what is possible: 5", "en",
     [(C, "My flight is on Monday but I now need to travel on Sunday."),
      (A, "Thanks, I can see your booking."), (C, "Any way to change it?")], 2, {5}),
    ("asking what the company can do is a question about the options: 5", "en",
     [(C, "My order arrived broken and nobody answers the phone."), (A, "We're sorry to hear that."),
      (C, "So what are you going to do about it?")], 2, {5}),
    ("asking for another solution is a question about what is possible: 5", "et",
     [(C, "Remonditöökoda ütles, et telefoni ei saa parandada."), (A, "Kahju kuulda."),
      (C, "Kas on mingi muu lahendus või pean uue ostma?")], 2, {5}),
    ("asking about the space the customer has is a question of limits: 5", "en",
     [(C, "I'd like a new wardrobe for the hallway."),
      (A, "Lovely. What are the measurements of the space?")], 1, {5}),
    ("asking about the space the customer has is a question of limits: 5", "et",
     [(C, "Soovin uut riidekappi esikusse."), (A, "Hea mõte! Millised on esiku mõõdud?")], 1, {5}),
    ("asking about the customer's deadline is a question of limits: 5", "et",
     [(C, "Soovin uut riidekappi esikusse."),
      (A, "Hea mõte! Kas on mõni tähtaeg, mis ajaks kapp paigas peab olema?")], 1, {5}),
    ("the customer's deadline is a limit: 5", "en",
     [(C, "I want to order the blue sofa."), (A, "Lovely choice! It takes about three weeks."),
      (C, "Hmm, I need it by the 20th.")], 2, {5}),
    ("what the customer does not have is a limit: 5", "et",
     [(C, "Tahaksin tooli tagastada."), (A, "Selge. Kas ostutšekk on alles?"),
      (C, "Tšekki mul kahjuks ei ole.")], 2, {5}),
    ("equipment the customer owns is a limit: 5", "et",
     [(C, "Soovin lapsele jalgratast."), (A, "Kas kiivrit on ka vaja?"),
      (C, "Ei, kiiver on meil juba olemas.")], 2, {5}),
    ("asking whether something is possible is 5, even put as 'tell me whether'", "en",
     [(C, "I want to take my bike to Leeds on Saturday."), (A, "Sure, which train are you booking?"),
      (C, "Could you tell me whether I can bring it on the 9:15?")], 2, {5}),
    ("asking whether something exists or is offered is 5", "en",
     [(C, "I'm looking for a new sofa."), (A, "Lovely! Do you have a style in mind?"),
      (C, "Is there a student discount?")], 2, {5}),
    ("the customer's budget is a limit: 5", "en",
     [(C, "I'm looking for a new sofa."), (A, "Lovely! What budget do you have in mind?"),
      (C, "Under £800 if possible.")], 2, {5}),
    ("the customer's budget is a limit: 5", "et",
     [(C, "Tahan telefonipaketti vahetada."), (A, "Selge. Millise summa piires te mõtlete?"),
      (C, "Maksimaalselt 25 eurot kuus.")], 2, {5}),
    ("'aga kas ...' without a question mark asks what is possible: 5", "et",
     [(C, "Tahan telefonipaketti vahetada."), (A, "Siis sobib teile Mini pakett."),
      (C, "ok aga kas vana numbri saab alles jätta")], 2, {5}),
    ("asking whether the shop has something is 5", "et",
     [(C, "Otsin matkasaapaid."), (A, "Mis suurust otsite?"), (C, "Kas teil seda mudelit veel on?")], 2, {5}),
    ("wanting to keep a leaving customer is a personal hook: 2", "en",
     [(C, "I think I'll cancel my broadband, another company is cheaper."),
      (A, "We'd hate to lose you. What speed are you getting at the moment?"),
      (C, "Around 50, but it drops in the evening."), (A, "Thanks. Let me check the line."), (C, "ok"),
      (A, "I've reset the line from our side, it should be stable now.")], 1, {2, 3}),
    ("wanting to keep a leaving customer is a personal hook: 2", "et",
     [(C, "Ma vist lõpetan lepingu, mujal on odavam."),
      (A, "Kahju oleks teid kaotada! Mis kiirusega internet teil praegu on?"),
      (C, "Umbes 50, õhtuti kukub."), (A, "Aitäh, kontrollin liini."), (C, "ok"),
      (A, "Taaskäivitasin liini, nüüd peaks olema stabiilne.")], 1, {2, 3}),
    ("mid-conversation thanks for a detail is not 7", "en",
     [(C, "My card was declined."), (A, "Which card do you use?"), (C, "Thanks. It's the blue Visa card.")],
     2, {3}),
    ("'kas saan veel aidata?' closes the contact", "et",
     [(C, "Kas teil on see jope suuruses M?"), (A, "Jah, M-suurus on laos olemas."), (C, "Super, aitäh!"),
      (A, "Kas saan veel millegagi aidata?")], 3, {7}),
    ("a customer's 'aitäh, head aega' at the end is 7", "et",
     [(C, "Tere, kas pakk on teel?"),
      (A, "Jah, teie pakk jõuab homme pakiautomaati."),
      (C, "Aitäh, head aega!")],
     2, {7}),
    ("Estonian instruction is 6", "et",
     [(C, "Ruuter vilgub punaselt."), (A, "Palun taaskäivitage ruuter ja proovige uuesti.")], 1, {6}),
    ("Estonian 'sorry, but [policy]' is not 1", "et",
     [(C, "Kas saab tagastada?"), (A, "Vabandust, aga tagastada saab ainult 14 päeva jooksul.")], 1, {5}),
    ("Estonian apology for the inconvenience is 1", "et",
     [(C, "Internet ei tööta juba kaks päeva."),
      (A, "Vabandame ebamugavuste pärast! Palun öelge oma kliendinumber.")],
     1, {1, 3}),
    ("text without diacritics is read the same", "et",
     [(C, "Internet ei toota juba kaks paeva."),
      (A, "Vabandame ebamugavuste parast! Palun oelge oma kliendinumber.")],
     1, {1, 3}),
    ("thanks for getting in touch opens an e-mail thread's first reply: 1, not 7", "en",
     [(C, "Hello,\n\nMy new debit card hasn't arrived. I ordered it three weeks ago.\n\nAlan"),
      (A, "Hi Alan,\n\nThank you for getting in touch. Which address did you give when you ordered "
          "the card?\n\nKind regards,\nSofia"),
      (C, "Hi Sofia,\n\nMy old one, 4 Mill Lane.\n\nAlan"),
      (A, "Hi Alan,\n\nI've cancelled that card and ordered a new one to 9 Park Road; it will arrive within "
          "5 working days.\n\nHave a lovely weekend!\nSofia")], 1, {1, 3}),
    ("thanks for getting in touch opens an e-mail thread's first reply: 1, not 7", "et",
     [(C, "Tere\n\nMinu uus pangakaart pole kohale jõudnud, tellisin selle kolm nädalat tagasi.\n\nAlar"),
      (A, "Tere, Alar!\n\nAitäh pöördumise eest. Millise aadressi kaardi tellimisel andsite?\n\n"
          "Lugupidamisega\nSofia"),
      (C, "Tere, Sofia!\n\nVana aadressi, Veski 4.\n\nAlar"),
      (A, "Tere, Alar!\n\nSulgesin selle kaardi ja tellisin uue aadressile Pargi 9, see jõuab kohale "
          "5 tööpäeva jooksul.\n\nMõnusat nädalavahetust!\nSofia")], 1, {1, 3}),
    ("a well-wish closes a reply that answers in one message: 7", "en",
     [(C, "Hello, could you send me my May payslip again? I deleted the e-mail.\n\nRuth"),
      (A, "Hello Ruth,\n\nI've sent your May payslip to your e-mail address again just now.\n\n"
          "Have a nice evening!\nMarko")], 1, {1, 6, 7}),
    ("a well-wish closes a reply that answers in one message: 7", "et",
     [(C, "Tere, kas saaksite mulle mai palgalehe uuesti saata? Kustutasin kirja ära.\n\nReet"),
      (A, "Tere, Reet!\n\nSaatsin mai palgalehe just praegu uuesti teie e-posti aadressile.\n\n"
          "Ilusat õhtut!\nMarko")], 1, {1, 6, 7}),
    ("hoping to see the customer again is a well-wish: 7", "en",
     [(C, "Can I still bring my dog on the 8:15 ferry tomorrow?"),
      (A, "Pets on that crossing need a cabin, and the pet cabins are fully booked."),
      (C, "Then please cancel my booking."),
      (A, "I've cancelled it and refunded 64 EUR to your card. We hope to see you on board another time.")],
     3, {6, 7}),
    ("hoping to see the customer again is a well-wish: 7", "et",
     [(C, "Kas homme kell 8.15 praamile saab veel koeraga tulla?"),
      (A, "Lemmikloomaga saab sellel reisil sõita ainult kajutis ja lemmikloomakajutid on kõik broneeritud."),
      (C, "Siis palun tühistage mu broneering."),
      (A, "Tühistasin selle ja tagastasin teie kaardile 64 eurot. "
          "Loodame teid mõni teine kord pardal näha.")],
     3, {6, 7}),
    ("a goodbye alone in the final agent turn is 7", "en",
     [(C, "Hi, my router keeps dropping the connection."),
      (A, "Hello, this is Anna from NetCo. When did it start?"),
      (C, "Yesterday evening."),
      (A, "I have reset your line from our side, it should be stable now."),
      (C, "Thanks, it works."),
      (A, "Goodbye.")], 5, {7}),
    ("a goodbye alone in the final agent turn is 7", "et",
     [(C, "Tere, ruuter katkestab pidevalt ühenduse."),
      (A, "Tere, siin Anna NetCost. Millal see algas?"),
      (C, "Eile õhtul."),
      (A, "Lähtestasin teie liini meie poolt, nüüd peaks ühendus püsima."),
      (C, "Aitäh, töötab."),
      (A, "Head aega!")], 5, {7}),
]


def _conv(language: str, turns: list[tuple[Speaker, str]]) -> Conversation:
    return Conversation(id="case", language=Language(language),
                        turns=tuple(Turn(speaker, text) for speaker, text in turns))


#: Conventions the shipped learned model misses, with the weakness behind each.
LEARNED_MISSES = {
    "en: stating a priority is 4": "stage 4 recall in English is low (60 gold turns; model card)",
    "en: asking whether something is possible is 5, even put as 'tell me whether'":
        "a customer's possibility question after an agent question also gets 3 (gold often {3, 5})",
    "et: a question about what matters more is 4":
        "a short either-or question without 'oluline' or 'tähtis' stays below the stage-4 threshold (0.33 "
        "against 0.375; stage-4 recall 0.75 held out, model card)",
    "et: 'aga kas ...' without a question mark asks what is possible: 5":
        "after a proposal, 'ok aga kas ...' also gets 6: the 'ok' read as accepting it (the guide decides "
        "only a bare 'ok')",
    "et: asking about the space the customer has is a question of limits: 5":
        "a short question about measurements gets no stage (few such questions in the training data)",
    "en: asking about the space the customer has is a question of limits: 5":
        "a short question about measurements gets no stage (few such questions in the training data; "
        "stage 5 at 0.35 against its threshold 0.40)",
    "en: what sometimes happens in general is 5":
        "a short general statement without a policy word stays just below the stage-5 threshold "
        "(0.34 against 0.40)",
    "en: thanks for getting in touch opens an e-mail thread's first reply: 1, not 7":
        "a question in the first reply of an e-mail thread also gets 6 (0.49 against 0.375): the training "
        "data holds few e-mail threads",
    "et: thanks for getting in touch opens an e-mail thread's first reply: 1, not 7":
        "a question in the first reply of an e-mail thread also gets 6 (0.43 against 0.375): the training "
        "data holds few e-mail threads",
    "et: hoping to see the customer again is a well-wish: 7":
        "'loodame teid ... näha' after an action gets stage 7 at 0.53, just under its threshold 0.575 (0.55 "
        "in the model before; thresholds move by a grid step or two as the model is retrained)",
    "en: hoping to see the customer again is a well-wish: 7":
        "a well-wish the training data hardly uses ('we hope to see you on board') stays below the stage-7 "
        "threshold (0.29 against 0.575)",
}


def _cases() -> list[object]:
    out: list[object] = []
    for tagger in ("rules", "learned"):
        for case in CASES:
            name = f"{case[1]}: {case[0]}"
            marks = ([pytest.mark.xfail(strict=True, reason=LEARNED_MISSES[name])]
                     if tagger == "learned" and name in LEARNED_MISSES else [])
            out.append(pytest.param(tagger, *case, id=f"{tagger} {name}", marks=marks))
    return out


@pytest.mark.parametrize(("tagger", "convention", "language", "turns", "index", "expected"), _cases())
def test_convention(tagger: str, convention: str, language: str, turns: list[tuple[Speaker, str]],
                    index: int, expected: set[int]) -> None:
    tagged = analyze(_conv(language, turns), tagger=tagger)
    got = tagged.turns[index]
    listing = "\n".join(
        f"{'>>' if i == index else '  '} {t.speaker.value:8s} {sorted(tt.stages)!s:12s} {t.text}"
        for i, (t, tt) in enumerate(zip(tagged.conversation.turns, tagged.turns, strict=True))
    )
    why = "; ".join(f"{tag.stage}<-{','.join(e.cue for e in tag.evidence)}" for tag in got.tags)
    assert got.stages == expected, f"{convention}: expected {sorted(expected)}\n{listing}\nevidence: {why}"


@pytest.mark.parametrize("tagger", ["rules", "learned"])
def test_every_tag_has_evidence_and_confidence(tagger: str) -> None:
    turns = [(C, "hi, my order is late"), (A, "Sorry to hear that! What's the order number?")]
    tagged = analyze(_conv("en", turns), tagger=tagger)
    for turn in tagged.turns:
        for tag in turn.tags:
            assert tag.evidence and 0.0 < tag.confidence <= 1.0
