"""The chunk-by-chunk text analysis gives what the whole-text tokeniser gives, cold and warm."""

from __future__ import annotations

import pytest

from servio.language import analysis
from servio.language.analysis import analyze_texts
from servio.language.tokens import raw_tokens
from servio.model import Language

TRICKY = [
    "Tere! Kuidas saan aidata?",
    "@Telia @abi hi, my bill http://telia.ee/arve?id=5 is wrong",
    "@Telia, hi there",  # the leading mention ends inside a chunk
    "_ see http://x.ee please",  # text before the first token, and a link
    "@a _ hi",
    "see (http://x.ee/a) ok",
    "Aitäh, head päeva! - Mari",  # a closing signature: only at the end, and across a space
    "Thanks -Mari and -Jaan are here",
    "ok ~KA ",
    "x\n\n- Mari\n",
    "e-mail me at mari@firma.ee :) xD",
    "#kampaania 1-844-782-9792 +372 5555 ^SW",
    "",
    "   ",
    "😀👍🏽 super!!!",
]


@pytest.mark.parametrize("language", [Language.ET, Language.EN])
def test_tokens_are_the_whole_text_tokens_cold_and_warm(language: Language) -> None:
    analysis._chunk_cache.clear()
    cold = analyze_texts(TRICKY, [language] * len(TRICKY))
    warm = analyze_texts(TRICKY, [language] * len(TRICKY))
    assert cold == warm
    for text, got in zip(TRICKY, cold, strict=True):
        assert [(t.text, t.kind) for t in got.tokens] == list(raw_tokens(text)), text


def test_clean_and_folded_drop_leading_mentions_and_replace_links() -> None:
    got = analyze_texts(["@Telia @abi hi, my bill http://telia.ee/arve is wrong", "@Telia, hi",
                         "_ see http://x.ee ok", "Tänan! - Mari"], [Language.EN] * 4)
    assert [g.clean for g in got] == ["hi, my bill <url> is wrong", ", hi", "see <url> ok", "Tänan! - Mari"]
    assert [g.folded for g in got] == ["hi , my bill <url> is wrong", ", hi", "see <url> ok",
                                       "tanan ! - mari"]
    assert got[3].tokens[-1].kind == "signature"
