"""docs/storage.md names every table and column of the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from servio.store.schema import Base

DOC = (Path(__file__).resolve().parents[2] / "docs" / "storage.md").read_text("utf-8")


@pytest.mark.parametrize("table", sorted(Base.metadata.tables))
def test_every_table_and_column_is_documented(table: str) -> None:
    row = next((line for line in DOC.splitlines() if line.startswith(f"| `{table}` |")), None)
    assert row is not None, f"table {table} is not in docs/storage.md"
    for column in Base.metadata.tables[table].columns:
        if column.name != "id":
            assert f"`{column.name}`" in row, f"{table}.{column.name} is not in docs/storage.md"
