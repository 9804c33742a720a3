"""Workloads the throughput benchmark runs in child processes (start-up included).

Usage: python bench/_children.py baseline|estnltk FILE
"""

from __future__ import annotations

import json
import re
import sys

TOKEN = re.compile(r"\w+|[^\w\s]")


def baseline(path: str) -> int:
    """The limit: read the JSON and tokenise every turn with a regular expression."""
    n_tokens = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            conv = json.loads(line)
            for turn in conv["turns"]:
                n_tokens += len(TOKEN.findall(turn["text"]))
    return n_tokens


def estnltk_text(path: str) -> int:
    """EstNLTK's Text morphological pipeline per conversation.

    The default sentence tokenizer downloads NLTK's punkt model at run time,
    which this machine cannot do; an untrained Punkt tokenizer stands in.
    """
    from estnltk import Text
    from estnltk.taggers import (
        CompoundTokenTagger,
        SentenceTokenizer,
        TokensTagger,
        VabamorfTagger,
        WordTagger,
    )
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    taggers = [
        TokensTagger(),
        CompoundTokenTagger(),
        WordTagger(),
        SentenceTokenizer(base_sentence_tokenizer=PunktSentenceTokenizer()),
        VabamorfTagger(),
    ]
    n_words = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            conv = json.loads(line)
            text = Text("\n".join(t["text"] for t in conv["turns"]))
            for tagger in taggers:
                tagger.tag(text)
            n_words += len(text["morph_analysis"])
    return n_words


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    result = {"baseline": baseline, "estnltk": estnltk_text}[kind](path)
    print(result)
