import pytest

from servio.language.tokens import raw_tokens


def kinds(text):
    return [(t, k) for t, k in raw_tokens(text)]


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        ("@SkyBank hi", "@SkyBank", "mention"),
        ("see https://t.co/AbC123 now", "https://t.co/AbC123", "url"),
        ("go to www.pood.ee/abi.", "www.pood.ee/abi", "url"),
        ("vaata kajakas.ee lehelt", "kajakas.ee", "url"),
        ("kirjuta info@pood.ee", "info@pood.ee", "email"),
        ("tellimus #48213 jõudis", "#48213", "number"),
        ("call 1-844-555-0192 now", "1-844-555-0192", "number"),
        ("helista +3725551234", "+3725551234", "number"),
        ("summa 12,50 eurot", "12,50", "number"),
        ("#fail again", "#fail", "hashtag"),
        ("aitäh 🙂 väga", "🙂", "emoji"),
        ("super :) tänks", ":)", "emoji"),
        ("We'll DM you ^SW", "^SW", "signature"),
        ("Head päeva! -Mari", "-Mari", "signature"),
        ("I'm sure", "I'm", "word"),
        ("we can’t do it", "can’t", "word"),
        ("saada SMS-iga", "SMS-iga", "word"),
        ("e-posti aadress", "e-posti", "word"),
        ("ootel ........", "........", "punct"),
    ],
)
def test_token_kinds(text, token, kind):
    assert (token, kind) in kinds(text)


def test_emoji_with_skin_tone_is_one_token_and_neighbours_split():
    toks = kinds("👍🏽🙂")
    assert toks == [("👍🏽", "emoji"), ("🙂", "emoji")]


def test_dash_inside_text_is_not_a_signature():
    assert ("-Tartu", "signature") not in kinds("Tallinn -Tartu buss väljub kell 8")


def test_every_non_space_character_is_covered():
    text = "@AirX flight 123 delayed?! 😡 https://t.co/x #fail ^AB"
    assert "".join(t for t, _ in raw_tokens(text)) == text.replace(" ", "")


def test_every_group_of_the_regex_is_a_kind():
    from servio.language.tokens import TOKEN_RE

    # token_kind maps group numbers to kinds, so no alternative may hold an inner group
    assert TOKEN_RE.groups == len(TOKEN_RE.groupindex)


@pytest.mark.parametrize("unit", ["a.", "-.1", "1-.", "-", "a_.", "x@"])
def test_tokenising_a_long_dotted_or_hyphenated_run_grows_linearly(unit: str) -> None:
    """The e-mail and domain alternatives rescanned the rest of such a run at every token start: a
    20,000-character live turn took seconds, a 1 MB imported one hours (security audit S13). Ten times the
    text may take about ten times as long, not a hundred (the fastest of three runs each, in this process)."""
    import time

    from servio.language.tokens import CHUNK_RE, TOKEN_RE

    def fastest(text: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            sum(1 for _ in TOKEN_RE.finditer(text))
            sum(1 for _ in CHUNK_RE.finditer(text))
            times.append(time.perf_counter() - start)
        return min(times)

    small, large = unit * (2000 // len(unit)), unit * (20000 // len(unit))
    assert fastest(large) < 35 * fastest(small)
