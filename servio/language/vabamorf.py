"""A thin, fast door to Vabamorf: EstNLTK's compiled extension without the rest of EstNLTK.

``import estnltk.vabamorf.morf`` runs ``estnltk/__init__``, which imports
nltk, scipy, matplotlib and more (seconds of start-up). Servio needs only
the analyser, so this module loads EstNLTK's ``_vabamorf`` extension and its
lexicons straight from the installed package and turns each analysis into a
``(lemma, part of speech)`` pair exactly as ``estnltk.vabamorf.morf`` builds
``lemma`` and ``partofspeech``. When EstNLTK's own wrapper is already
imported, its extension module is reused (one copy of the C library).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
from importlib.util import find_spec, module_from_spec, spec_from_file_location
from pathlib import Path
from typing import Any

#: ``(lemma, part of speech)`` readings of one word, in Vabamorf's order.
Readings = list[tuple[str, str]]

_EXTENSION = "estnltk.vabamorf._vabamorf"
_PHONETIC = frozenset("~?]<")
_COMPOUND = frozenset("_+=")
_MARKERS = _PHONETIC | _COMPOUND
_STRIP_COMPOUND = str.maketrans("", "", "".join(_COMPOUND))
_STRIP_PHONETIC = str.maketrans("", "", "".join(_PHONETIC))
_NOT_VERB_MA = frozenset({"ei", "ära"})

_state: dict[str, Any] = {}
_load_lock = threading.Lock()


class VabamorfMissing(RuntimeError):
    """EstNLTK (which ships Vabamorf) is not installed or its extension cannot be found."""


def analyze(words: Sequence[str], *, disambiguate: bool, guess: bool) -> list[Readings]:
    """Readings of each word of ``words`` (one sentence), as ``estnltk`` Vabamorf.analyze gives them.

    Proper-name analysis is off; lemmas are built without compound or phonetic
    markers, as EstNLTK builds its ``lemma`` field.
    """
    ext, morf = _instance()
    raw = morf.analyze(ext.StringVector(list(words)), disambiguate, guess, True, False, False)
    return [[(_lemma(a.root, a.partofspeech), a.partofspeech) for a in analyses] for _, analyses in raw]


def _lemma(root: str, pos: str) -> str:
    """EstNLTK's lemma from a marked-up root: markers trimmed per token, "ma" added to verbs."""
    if root in _MARKERS or root == "-":
        lemma = root
    elif _MARKERS.isdisjoint(root):
        lemma = root
    else:
        lemma = "-".join("".join(_trim(tok) for tok in group.split("_")) for group in root.split("-"))
    if pos == "V" and lemma not in _NOT_VERB_MA:
        lemma += "ma"
    return lemma


def _trim(tok: str) -> str:
    """One root token without compound markers, then without phonetic ones (a lone run of them stays)."""
    if tok not in _COMPOUND:
        tok = tok.translate(_STRIP_COMPOUND)
    if tok and all(ch in _PHONETIC for ch in tok):
        return tok
    return tok.translate(_STRIP_PHONETIC)


def _instance() -> tuple[Any, Any]:
    """The extension module and this process's analyser (a new one after a fork)."""
    state = _state
    if state.get("pid") != os.getpid():
        with _load_lock:
            if state.get("pid") != os.getpid():
                ext = state.get("ext") or _extension()
                state["morf"] = _estnltk_analyser() or _new_analyser(ext)
                state["ext"] = ext
                state["pid"] = os.getpid()
    return state["ext"], state["morf"]


def _estnltk_analyser() -> Any:
    """EstNLTK's own analyser when its wrapper is already imported (Vabamorf keeps global state)."""
    wrapper = sys.modules.get("estnltk.vabamorf.morf")
    return getattr(wrapper.Vabamorf.instance(), "_morf", None) if wrapper is not None else None


def _new_analyser(ext: Any) -> Any:
    lex, disamb = _lexicon_files(Path(ext.__file__).parent / "dct")
    return ext.Vabamorf(str(lex), str(disamb))


def _extension() -> Any:
    """EstNLTK's ``_vabamorf`` module, loaded without importing the ``estnltk`` package."""
    loaded = sys.modules.get(_EXTENSION)
    if loaded is not None:
        return loaded
    spec = find_spec("estnltk")  # a top-level spec: the package itself is not imported
    if spec is None or spec.origin is None:
        raise VabamorfMissing("Estonian lemmas need estnltk (pip install estnltk)")
    folder = Path(spec.origin).parent / "vabamorf"
    found = [folder / f"_vabamorf{suffix}" for suffix in EXTENSION_SUFFIXES]
    path = next((p for p in found if p.exists()), None)
    if path is None:
        raise VabamorfMissing(f"no Vabamorf extension in {folder}")
    loader = ExtensionFileLoader(_EXTENSION, str(path))
    ext_spec = spec_from_file_location(_EXTENSION, path, loader=loader)
    if ext_spec is None:  # pragma: no cover - only for a broken installation
        raise VabamorfMissing(f"cannot load {path}")
    module = module_from_spec(ext_spec)
    loader.exec_module(module)
    if sys.platform.startswith(("win", "darwin")) and not module.FSCInit():
        raise VabamorfMissing("Vabamorf's FSCInit() failed")
    return module


def _lexicon_files(root: Path) -> tuple[Path, Path]:
    """The analyser's and the disambiguator's lexicons of the newest lexicon folder (EstNLTK's default)."""
    folders = sorted(p.name for p in root.iterdir() if p.is_dir())
    if not folders:
        raise VabamorfMissing(f"no Vabamorf lexicons in {root}")
    newest = root / folders[-1]
    return newest / "et.dct", newest / "et3.dct"
