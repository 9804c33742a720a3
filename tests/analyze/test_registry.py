"""The tagger registry: built-ins register like plugins; lookups name what is available."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from servio.analyze import (
    ConversationAnalysis,
    Tagger,
    TaggerError,
    available_taggers,
    get_tagger,
    register_tagger,
    unregister_tagger,
)
from servio.analyze.rules import RuleTagger
from servio.results import TurnTags


class _Empty(Tagger):
    name = "empty"
    needs = frozenset({"text"})

    def _tag(self, analysis: ConversationAnalysis) -> Sequence[TurnTags]:
        return tuple(TurnTags(i) for i in range(len(analysis.turns)))


@pytest.fixture
def cleanup() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for n in names:
        unregister_tagger(n)


def test_rules_is_built_in() -> None:
    assert "rules" in available_taggers()
    assert isinstance(get_tagger("rules"), RuleTagger)


def test_register_and_get(cleanup: list[str]) -> None:
    cleanup.append("test-empty")
    register_tagger("test-empty", _Empty)
    assert "test-empty" in available_taggers()
    assert isinstance(get_tagger("test-empty"), _Empty)


def test_duplicate_names_are_refused_unless_replacing(cleanup: list[str]) -> None:
    cleanup.append("test-dup")
    register_tagger("test-dup", _Empty)
    with pytest.raises(TaggerError, match="already registered"):
        register_tagger("test-dup", lambda **kw: _Empty())
    register_tagger("test-dup", lambda **kw: _Empty(), replace=True)


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(TaggerError, match=r"unknown tagger 'nope' \(available: .*rules"):
        get_tagger("nope")


def test_factory_must_return_a_tagger(cleanup: list[str]) -> None:
    cleanup.append("test-bad")
    register_tagger("test-bad", lambda **kw: "not a tagger")  # type: ignore[arg-type,return-value]
    with pytest.raises(TaggerError, match="'test-bad': factory returned str"):
        get_tagger("test-bad")


def test_bad_registrations_are_refused() -> None:
    with pytest.raises(TaggerError):
        register_tagger("", _Empty)
    with pytest.raises(TaggerError, match="must be callable"):
        register_tagger("x", "not callable")  # type: ignore[arg-type]


def test_configuration_reaches_the_built_in() -> None:
    tagger = get_tagger("rules", context=False)
    assert isinstance(tagger, RuleTagger) and tagger.config.context is False  # type: ignore[attr-defined]


def test_threads_asking_at_once_in_a_new_process_all_see_the_built_in_taggers() -> None:
    import subprocess
    import sys

    code = (
        "import threading, time\n"
        "from servio.analyze import builtins, registry\n"
        "slow = builtins.register_builtins\n"
        "builtins.register_builtins = lambda: (time.sleep(0.2), slow())\n"  # widen the window to see it
        "barrier, seen = threading.Barrier(8), []\n"
        "def ask():\n"
        "    barrier.wait()\n"
        "    seen.append(len(registry.available_taggers()))\n"
        "threads = [threading.Thread(target=ask) for _ in range(8)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(min(seen))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) >= 2  # every thread waited for the built-ins
