"""Where taggers are found by name.

Built-in taggers register through :func:`register_tagger` exactly as a third
party would (see :mod:`servio.analyze.builtins`). Packages can also expose a
factory under the ``servio.taggers`` entry-point group; it is registered under
the entry point's name on the first lookup of a name that is not a built-in (or on
the first listing or registration). Reading the entry points imports
``importlib.metadata`` and scans every installed distribution, about 30 ms: a
run that names a built-in tagger (nearly all) never pays for it. A built-in
name always wins over an entry point of the same name, so when they are read
changes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from servio.analyze.base import Tagger, TaggerError

#: A factory builds a tagger from keyword configuration (``factory(**config)``).
TaggerFactory = Callable[..., Tagger]

ENTRY_POINT_GROUP = "servio.taggers"
#: The tagger used wherever none is named: the learned tagger, ahead of the rule tagger on
#: held-out folds in both languages (docs/model_card.md); ``"rules"`` stays one option away.
DEFAULT_TAGGER = "learned"

_factories: dict[str, TaggerFactory] = {}
_lock = threading.Lock()
_load_lock = threading.RLock()  # held while the built-ins and entry points register
_builtins_loaded = False  # the built-ins are registered
_builtin_names: frozenset[str] = frozenset()  # and their names, which no entry point takes
_loaded = False  # the built-ins and the entry points are registered
_loading = False


def register_tagger(name: str, factory: TaggerFactory, *, replace: bool = False) -> None:
    """Make ``factory`` available as tagger ``name``; refuses to overwrite unless ``replace``."""
    if not isinstance(name, str) or not name.strip():
        raise TaggerError("a tagger name must be a non-empty string")
    if not callable(factory):
        raise TaggerError(f"tagger {name!r}: factory must be callable")
    _ensure_loaded()  # built-ins first, so that a later registration can replace one of them
    with _lock:
        if name in _factories and not replace and _factories[name] is not factory:
            raise TaggerError(f"tagger {name!r} is already registered (pass replace=True to override)")
        _factories[name] = factory


def unregister_tagger(name: str) -> None:
    """Remove tagger ``name`` (mainly for tests); unknown names are ignored."""
    with _lock:
        _factories.pop(name, None)


def get_tagger(name: str, **config: Any) -> Tagger:
    """Build the tagger registered as ``name`` with keyword ``config``."""
    factory = _factory(name)
    if factory is None:
        known = ", ".join(available_taggers()) or "none"
        raise TaggerError(f"unknown tagger {name!r} (available: {known})")
    tagger = factory(**config)
    if not isinstance(tagger, Tagger):
        raise TaggerError(f"tagger {name!r}: factory returned {type(tagger).__name__}, not a Tagger")
    return tagger


def has_tagger(name: str) -> bool:
    """Whether a tagger is registered as ``name`` (the entry points are read only for a name that is
    not a built-in or registered already)."""
    return _factory(name) is not None


def _factory(name: str) -> TaggerFactory | None:
    _ensure_builtins()
    factory = _factories.get(name)
    if factory is None:
        _ensure_loaded()
        factory = _factories.get(name)
    return factory


def available_taggers() -> tuple[str, ...]:
    """Names of all registered taggers, sorted."""
    _ensure_loaded()
    return tuple(sorted(_factories))


def _ensure_builtins() -> None:
    """Register the built-ins once; other threads wait until they are there (a registration made while
    loading, in the loading thread, goes straight through)."""
    global _builtins_loaded, _builtin_names, _loading
    if _builtins_loaded:
        return
    with _load_lock:
        if _builtins_loaded or _loading:
            return
        _loading = True
        try:
            from servio.analyze import builtins

            builtins.register_builtins()
            _builtin_names = frozenset(_factories)
            _builtins_loaded = True
        finally:
            _loading = False


def _ensure_loaded() -> None:
    """Register the built-ins, then the entry points, once; other threads wait as in
    :func:`_ensure_builtins`."""
    global _loaded, _loading
    if _loaded:
        return
    _ensure_builtins()
    with _load_lock:
        if _loaded or _loading:
            return
        _loading = True
        try:
            _load_entry_points()
            _loaded = True
        finally:
            _loading = False


def _load_entry_points() -> None:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _factories and ep.name not in _builtin_names:
            register_tagger(ep.name, _lazy_entry_point(ep.name, ep.value, ep.load))


def _lazy_entry_point(name: str, value: str, load: Callable[[], Any]) -> TaggerFactory:
    """A factory that loads the plugin on first use, so a broken plugin only breaks itself."""

    def factory(**config: Any) -> Tagger:
        try:
            real = load()
        except Exception as exc:
            raise TaggerError(f"tagger plugin {name!r} ({value}) failed to load: {exc}") from exc
        tagger = real(**config)
        if not isinstance(tagger, Tagger):
            raise TaggerError(f"tagger plugin {name!r}: factory returned {type(tagger).__name__}")
        return tagger

    return factory
