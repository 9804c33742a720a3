import subprocess
import sys

import pytest

from servio.language import vabamorf

WORDS = [
    "tere", "kallis", "tellimusele", "saunameheks-tallimeheks", "kliendikogemusega", "pakiautomaadist",
    "tehtud", "ära", "ei", "tulge", "läks", "SMS-iga", "ID-kaardi", "e-poest", "-", "_", "=", "+", "?",
    "??", "~", "ja/või", "blorfikuga", "tanan", "kusimus", "Tallinnas", "t-särgi", "ülikooli-", "3-4",
    "aitäh", "vabandust", "kas", "olen", "saaksite", "tagastusvormi", "ostukorvis", "kulleriga",
]


def _estnltk_readings(words, disambiguate, guess):
    morf = pytest.importorskip("estnltk.vabamorf.morf")
    result = morf.Vabamorf.instance().analyze(
        words, disambiguate=disambiguate, guess=guess, propername=False, compound=False
    )
    return [[(a["lemma"], a["partofspeech"]) for a in r["analysis"]] for r in result]


@pytest.mark.parametrize("disambiguate", [False, True])
@pytest.mark.parametrize("guess", [False, True])
def test_same_lemmas_and_parts_of_speech_as_estnltk(disambiguate, guess):
    ours = vabamorf.analyze(WORDS, disambiguate=disambiguate, guess=guess)
    assert ours == _estnltk_readings(WORDS, disambiguate, guess)
    assert any(len(r) > 1 for r in ours) or disambiguate


def test_lemma_from_marked_up_root():
    assert vabamorf._lemma("kal]lis", "A") == "kallis"
    assert vabamorf._lemma("sauna_mees-talli_mees", "S") == "saunamees-tallimees"
    assert vabamorf._lemma("tege", "V") == "tegema"
    assert vabamorf._lemma("ei", "V") == "ei"
    assert vabamorf._lemma("??", "Z") == "??"
    assert vabamorf._lemma("_", "Z") == "_"
    assert vabamorf._lemma("a=b", "S") == "ab"


def test_lemmas_load_without_importing_estnltk():
    code = (
        "import sys; from servio.language import estonian_lemma; "
        "print(estonian_lemma('tellimusele'), any(m in sys.modules for m in ('estnltk', 'nltk', 'scipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["tellimus", "False"]
