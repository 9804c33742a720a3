"""Storage: one schema for SQLite and PostgreSQL, Alembic migrations, imports.

``Store(url)`` opens nothing until first used; ``Store.migrate()`` brings the
schema up to date. The plain types live in :mod:`servio.store.types` and
import no database code; :class:`Store` and :func:`import_paths` load
SQLAlchemy when first touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from servio.store.types import (
    JOB_STATES,
    ROLES,
    SORT_KEYS,
    Agent,
    ConversationFilter,
    ConversationSummary,
    Correction,
    ImportJob,
    JobBusy,
    LastAdmin,
    NotFound,
    Page,
    StoreError,
    Team,
    User,
)

if TYPE_CHECKING:
    from servio.store.importer import ImportReport, import_paths
    from servio.store.store import Store

__all__ = [
    "JOB_STATES",
    "ROLES",
    "SORT_KEYS",
    "Agent",
    "ConversationFilter",
    "ConversationSummary",
    "Correction",
    "ImportJob",
    "ImportReport",
    "JobBusy",
    "LastAdmin",
    "NotFound",
    "Page",
    "Store",
    "StoreError",
    "Team",
    "User",
    "import_paths",
]

_LAZY = {"Store": "servio.store.store", "import_paths": "servio.store.importer",
         "ImportReport": "servio.store.importer"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'servio.store' has no attribute {name!r}")
