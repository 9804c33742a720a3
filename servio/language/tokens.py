"""One-regex tokeniser for chat, e-mail and Twitter text.

Token kinds: ``word``, ``number``, ``mention``, ``url``, ``email``, ``emoji``
(pictographs and emoticons such as ":)"), ``hashtag``, ``signature`` (Twitter
agent signatures such as "^SW", or "-Mari" / "–KA" closing a message) and
``punct``. Order and phone numbers ("#12345", "1-844-782-9792", "+372 5555")
are ``number`` tokens (a spaced phone number gives several number tokens).
Contractions ("I'm", "don't", "can’t") and hyphenated forms ("e-post",
"SMS-iga") are single words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from servio.language.fold import fold

_L = r"[^\W\d_]"  # a letter
_EMOJI = (
    r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u3297\u3299]"
    r"(?:[\U0001F3FB-\U0001F3FF\uFE0F]|\u200D[\U0001F000-\U0001FAFF\u2600-\u27BF])*"
)
_EMOTICON = r"(?<![\w:])(?:[:;=8][\-']?[()\[\]DPpOo3/\\|*]+|<3|\^\^|xD|XD)(?![\w])"

_WORD = rf"{_L}++(?:['’]{_L}+)*+(?:-{_L}+)*+"

# The first alternative is a fast path for plain words; words that may start an
# e-mail address or a domain fall through to the later alternatives ("word2").
# Every token starts with a non-space character, so the leading look-ahead only
# skips the whitespace between tokens at once instead of trying each alternative there.
# E-mail and domain parts are bounded as the standards bound them (a local part of 64 characters,
# labels of 63, here at most 11 labels): unbounded, the two alternatives rescanned the rest of a dotted
# or hyphenated run ("a.a.a.…", "-.1-.1…") at every token start in it, so one 20,000-character turn
# took seconds to tokenise and a 1 MB one hours (security audit S13).
def _token_pattern(closing: str) -> str:
    """The tokeniser's pattern; ``closing`` is the look-ahead that puts a closing signature at the end."""
    return rf"""
    (?=\S)(?:
    (?P<word>(?!xD\b|XD\b){_WORD})(?![@+\d_]|[.\-]\w|://)
    |(?P<email>[\w.+-]{{1,64}}+@[\w-]{{1,63}}+(?:\.[\w-]{{1,63}}+){{1,10}})
    |(?P<url>(?:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'’]
        |\b[\w-]{{1,63}}+(?:\.[\w-]{{1,63}}+){{0,10}}\.(?:ee|com|org|net|eu|io|co|uk|lv|lt|fi|ru|de|info|biz|app)\b(?:/[^\s<>"]*[^\s<>".,;:!?)\]'’])?)
    |(?P<mention>(?<![\w@])@\w+)
    |(?P<hashtag>(?<![\w#])\#{_L}\w*)
    |(?P<number>\#?\+?\d+(?:[.,:/\-]\d+)*(?:%|{_L}+)?)
    |(?P<signature>(?<![\w^])\^{_L}[\w]{{0,11}}\b|(?<!\S)[-–—~*]\s?[A-ZÕÄÖÜŠŽ]{_L}{{0,15}}{closing})
    |(?P<emoji>{_EMOJI}|{_EMOTICON})
    |(?P<word2>{_WORD})
    |(?P<punct>[.!?]+|[^\w\s])
    )"""


TOKEN_RE = re.compile(_token_pattern(r"(?=\s*\Z)"), re.VERBOSE)

#: Characters that open a closing signature ("-Mari", "– KA"), the one token that depends on where the
#: text ends (and that may hold a space).
SIGNATURE_MARKS = frozenset("-–—~*")
#: ``TOKEN_RE`` for one whitespace-free chunk of a text: the same alternatives without the closing
#: signature. No other alternative matches across whitespace, and each of their look-arounds treats the
#: whitespace past a chunk's edge as it treats the edge of a text, so a text's tokens are its chunks'
#: tokens in order wherever no closing signature can stand (see ``servio.language.analysis``).
CHUNK_RE = re.compile(_token_pattern("(?!)"), re.VERBOSE)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: source text, folded ``norm``, ``lemma`` and ``kind`` (see module docstring)."""

    text: str
    norm: str
    lemma: str
    kind: str

    @property
    def folded_lemma(self) -> str:
        """The lemma with diacritics folded, for diacritic-insensitive matching."""
        return fold(self.lemma)


_KINDS = {name: name for name in TOKEN_RE.groupindex} | {"word2": "word"}
# kind by group number: every alternative is one named group with no groups inside
_KIND_BY_INDEX = [""] * (TOKEN_RE.groups + 1)
for _name, _index in TOKEN_RE.groupindex.items():
    _KIND_BY_INDEX[_index] = _KINDS[_name]


def token_kind(match: re.Match[str]) -> str:
    """The token kind of a ``TOKEN_RE`` match."""
    return _KIND_BY_INDEX[match.lastindex or 0]


@lru_cache(maxsize=256)  # one conversation back to back (detection, then analysis); no whole-corpus reuse
def raw_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """(text, kind) pairs for ``text`` in order; recent texts are cached for detection and analysis."""
    kinds = _KIND_BY_INDEX
    return tuple([(m.group(), kinds[m.lastindex or 0]) for m in TOKEN_RE.finditer(text)])


def chunk_tokens(chunk: str) -> tuple[tuple[str, str], ...]:
    """(text, kind) pairs of one whitespace-free chunk of a text, read with :data:`CHUNK_RE`."""
    kinds = _KIND_BY_INDEX
    return tuple([(m.group(), kinds[m.lastindex or 0]) for m in CHUNK_RE.finditer(chunk)])
