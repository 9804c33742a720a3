import subprocess
import sys

from servio.language import analyze_text
from servio.model import Language


def test_clean_lower_folded_for_a_tweet():
    a = analyze_text("@AmazonHelp @123  Hi,   my order https://t.co/Ab12 is LATE!! ^SW", Language.EN)
    assert a.clean == "Hi, my order <url> is LATE!! ^SW"
    assert a.lower == "hi, my order <url> is late!! ^sw"
    assert a.folded == "hi , my order <url> is late !! ^sw"
    assert a.tokens[0].kind == "mention"
    assert a.lemmas == ("hi", "my", "order", "is", "late")


def test_mid_text_mention_is_kept():
    a = analyze_text("thanks @Mari for the help", Language.EN)
    assert a.clean == "thanks @Mari for the help"


def test_estonian_analysis_lemmas_and_folded():
    a = analyze_text("Tere! Mul on kusimus tellimuse kohta, aitah", Language.ET)
    assert a.folded == "tere ! mul on kusimus tellimuse kohta , aitah"
    assert a.lemmas == ("tere", "mina", "olema", "küsimus", "tellimus", "kohta", "aitäh")
    assert a.folded_lemmas[-1] == "aitah"
    kinds = {t.text: t.kind for t in a.tokens}
    assert kinds["!"] == "punct"
    assert a.tokens[4].norm == "kusimus"


def test_token_fields_for_non_words():
    a = analyze_text("Tellimus #4821 🙂 info@pood.ee", Language.ET)
    by_kind = {t.kind: t for t in a.tokens}
    assert by_kind["number"].lemma == "#4821"
    assert by_kind["emoji"].norm == "🙂"
    assert by_kind["email"].lemma == "info@pood.ee"


def test_is_question():
    assert analyze_text("kas see on laos", Language.ET).is_question
    assert analyze_text("Selge. Kuidas saan maksta", Language.ET).is_question
    assert analyze_text("kuidas", Language.ET).is_question
    assert analyze_text("Mille kohta?", Language.ET).is_question
    assert not analyze_text("Tänan, sain aru.", Language.ET).is_question
    assert analyze_text("can you check my order", Language.EN).is_question
    assert analyze_text("OK. What time do you open", Language.EN).is_question
    assert not analyze_text("Can do, thanks", Language.EN).is_question
    assert not analyze_text("I can see it now.", Language.EN).is_question


def test_empty_text():
    a = analyze_text("", Language.ET)
    assert (a.clean, a.folded, a.tokens, a.lemmas, a.is_question) == ("", "", (), (), False)


def test_import_is_cheap():
    code = (
        "import sys, servio.language as L; "
        "print(any(m.split('.')[0] in ('estnltk', 'estnltk_core', 'Stemmer') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_language_given_as_plain_string():
    a = analyze_text("tanan, kusimus", "et")  # type: ignore[arg-type]
    assert a.language is Language.ET
    assert a.lemmas == ("tänama", "küsimus")
