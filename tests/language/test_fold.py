from servio.language import fold, fold_phrase, normalize_apostrophes


def test_fold_estonian_letters_and_case():
    assert fold("Õun, ÖÖ, Äike, Üks, Šokolaad, Žürii") == "oun, oo, aike, uks, sokolaad, zurii"


def test_fold_other_accents_and_apostrophes():
    assert fold("Café naïve I’m don‘t") == "cafe naive i'm don't"


def test_fold_is_idempotent_and_keeps_ascii():
    text = "Tere! Kas saaksite aidata? 👍"
    assert fold(fold(text)) == fold(text)
    assert fold("plain ascii 123") == "plain ascii 123"


def test_normalize_apostrophes_keeps_diacritics():
    assert normalize_apostrophes("Jüri’s can’t") == "Jüri's can't"


def test_fold_phrase_splits_punctuation_like_analysis():
    assert fold_phrase("Kas saan veel kuidagi aidata?") == "kas saan veel kuidagi aidata ?"
    assert fold_phrase("Aitäh,   head päeva!") == "aitah , head paeva !"
