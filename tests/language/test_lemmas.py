import pytest

from servio.language import diacritic_variants, english_stem, estonian_lemma, estonian_lemmas
from servio.language import estonian as et_module


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("tellimuse", "tellimus"),
        ("mul", "mina"),
        ("Tere", "tere"),
        ("saaksite", "saama"),
        ("aidata", "aitama"),
        ("küsimus", "küsimus"),
        ("e-posti", "e-post"),
        ("tehtud", "tegema"),
        ("soovitaksin", "soovitama"),
    ],
)
def test_estonian_known_forms(word, lemma):
    assert estonian_lemma(word) == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("aitah", "aitäh"),
        ("tanan", "tänama"),
        ("kusimus", "küsimus"),
        ("noustun", "nõustuma"),
        ("voimalik", "võimalik"),
        ("Jouluvana", "jõuluvana"),
        ("paevas", "päev"),
    ],
)
def test_estonian_diacritic_restoration(word, lemma):
    assert estonian_lemma(word) == lemma


def test_unknown_form_is_guessed_not_restored():
    # no variant of an invented word is in the lexicon, so the guesser lemmatises it
    assert estonian_lemma("blorfikuga") != "blorfikuga"


def test_inner_capitals_retry_original_casing():
    assert estonian_lemma("SMS-iga") == "sms"


def test_diacritic_variants_bounded_and_fewest_changes_first():
    variants = diacritic_variants("kusimus")
    assert "küsimus" in variants
    assert all(v != "kusimus" for v in variants)
    assert diacritic_variants("ooooooooaaaaauuuu", limit=10).__len__() == 10
    assert diacritic_variants("kiil") == []
    changes = [sum(a != b for a, b in zip(v, "kusimus", strict=True)) for v in variants]
    assert changes == sorted(changes)


def test_batch_matches_single_and_fills_cache():
    words = ["Tellimusi", "tanan", "voimalik", "tellimusi"]
    lemmas = estonian_lemmas(words)
    assert lemmas == [estonian_lemma(w) for w in words]
    assert et_module.lemma_cache()["tellimusi"] == "tellimus"


def test_cache_avoids_vabamorf(monkeypatch):
    first = estonian_lemmas(["arvega", "tellimusele"])

    def boom(*args, **kwargs):
        raise AssertionError("Vabamorf called for a cached form")

    monkeypatch.setattr(et_module, "_lemmatise", boom)
    assert estonian_lemmas(["Arvega", "tellimusele"]) == first == ["arve", "tellimus"]


def test_unknown_forms_are_batched(monkeypatch):
    calls = []
    real = et_module._analyse

    def counting(forms, guess):
        calls.append(len(forms))
        return real(forms, guess)

    et_module.clear_cache()  # other tests may have met these forms already
    monkeypatch.setattr(et_module, "_analyse", counting)
    estonian_lemmas(["pakiautomaadist", "kulleriga", "ostukorvis", "tagastusvormi"])
    assert calls[0] == 4 and len(calls) <= 4


@pytest.mark.parametrize(
    ("word", "stem"),
    [("Running", "run"), ("deliveries", "deliveri"), ("refunded", "refund"), ("wasn’t", "wasn't")],
)
def test_english_stems(word, stem):
    assert english_stem(word) == stem


def test_data_file_prefix_rewrite_beats_nearest_variant():
    # "tõotab" (one change) is a real word, but chat "tootab" means "töötab"
    assert estonian_lemma("tootab") == "töötama"
    assert estonian_lemma("tootajale") == "töötaja"


def test_restoration_tries_one_change_before_two(monkeypatch):
    seen = []
    real = et_module.diacritic_variants

    def spy(form, limit=et_module.MAX_VARIANTS, changes=None):
        seen.append(changes)
        return real(form, limit, changes)

    monkeypatch.setattr(et_module, "diacritic_variants", spy)
    assert estonian_lemma("jargmisel") == "järgmine"
    assert seen == [1]


def test_threads_get_the_same_lemmas_as_one_thread():
    from concurrent.futures import ThreadPoolExecutor

    words = ["raamatupidajale", "kulleriteenus", "noudsin", "tagastuskastis", "sooduskoodiga", "ulekandega"]
    et_module.clear_cache()
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda i: estonian_lemmas(words[i:] + words[:i]), range(len(words))))
    et_module.clear_cache()
    single = estonian_lemmas(words)
    for i, lemmas in enumerate(parallel):
        assert lemmas == single[i:] + single[:i]
