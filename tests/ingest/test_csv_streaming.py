"""A CSV file is read twice: every row checked and reported first, then each conversation goes on as soon as
its last row is read, in order of first appearance (docs/formats.md, "Grouping")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from servio.ingest import IngestError, csv_reader, read_all, read_conversations
from servio.ingest.textio import Line


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The line numbers each reading of a file has taken so far, one list per reading."""
    taken: list[list[int]] = []
    real = csv_reader.text_lines

    def counted(*args: object, **kwargs: object) -> Iterator[Line]:
        numbers: list[int] = []
        taken.append(numbers)
        for line in real(*args, **kwargs):  # type: ignore[arg-type]
            numbers.append(line.number)
            yield line

    monkeypatch.setattr(csv_reader, "text_lines", counted)
    return taken


def _export(conversations: int) -> str:
    rows = ["id;speaker;text"]
    for n in range(1, conversations + 1):
        rows += [f"k{n};agent;Tere! Kuidas saan aidata?", f"k{n};customer;Arve on vale.",
                 f"k{n};agent;Parandasin arve ära. Head aega!"]
    return "\n".join(rows) + "\n"


def test_the_first_conversation_goes_on_before_the_file_is_read_through_again(write, readings):
    path = write("eksport.csv", _export(200))  # 601 lines
    stream = read_conversations([path])
    first = next(stream)
    assert first.id == "k1" and len(first.turns) == 3
    checked, again = readings
    assert checked[-1] == 601  # every row was checked (and reported) before the first conversation
    assert again[-1] <= 5  # k1's rows, and the first row of k2 that says k1 has ended
    ids = [first.id] + [c.id for c in stream]
    assert ids == [f"k{n}" for n in range(1, 201)]


def test_an_export_of_adjacent_conversations_holds_one_at_a_time(write, readings):
    path = write("eksport.csv", _export(50))
    for n, conv in enumerate(read_conversations([path]), start=1):
        assert conv.id == f"k{n}"
        assert readings[1][-1] <= 3 * n + 2  # not more than one row of the next conversation read ahead


def test_interleaved_rows_group_by_id_in_order_of_first_appearance(write, readings):
    rows = ["id,speaker,text", "A,agent,Tere A", "B,agent,Tere B", "A,customer,Küsimus A",
            "C,agent,Tere C", "B,customer,Küsimus B", ",agent,Vastus B",  # empty id: B's row
            "C,customer,Küsimus C", "A,agent,Vastus A", "D,agent,Tere D", "D,customer,Küsimus D"]
    path = write("segamini.csv", "\n".join(rows) + "\n")
    stream = read_conversations([path])
    first = next(stream)
    assert first.id == "A" and [t.text for t in first.turns] == ["Tere A", "Küsimus A", "Vastus A"]
    assert readings[1][-1] == 9  # B and C ended before A did, and waited for it
    rest = list(stream)
    assert [c.id for c in rest] == ["B", "C", "D"]
    assert [t.text for t in rest[0].turns] == ["Tere B", "Küsimus B", "Vastus B"]
    assert [t.text for t in rest[1].turns] == ["Tere C", "Küsimus C"]


def test_every_problem_is_reported_before_the_first_conversation(write):
    rows = ["id,speaker,text", "1,agent,Tere!", "1,customer,Arve on vale.", "2,agent,Tere!",
            "2,robot?,Kes ma olen", "1,customer,Tänan,ja,veel"]  # a bad speaker; a wide row of 1 at the end
    path = write("eksport.csv", "\n".join(rows) + "\n")
    seen: list[str] = []
    stream = read_conversations([path], on_problem=lambda p: seen.append(p.where))
    first = next(stream)
    assert seen == [f"{path}:5", f"{path}:6"]
    assert first.id == "1" and first.unread == ("eksport.csv:6",)  # its row after its last turn
    assert [c.unread for c in stream] == [("eksport.csv:5",)]


def test_strict_stops_at_a_bad_last_row_before_any_conversation(write):
    rows = ["id,speaker,text"] + [f"{n},agent,Tere!" for n in range(1, 20)] + ["20,robot?,Kes ma olen"]
    path = write("eksport.csv", "\n".join(rows) + "\n")
    stream = read_conversations([path], strict=True)
    with pytest.raises(IngestError, match="eksport.csv:21"):
        next(stream)


def test_a_conversation_that_starts_with_a_bad_row_keeps_its_place(write):
    """A group is placed by its first row that became a turn (row 2 of z1 is skipped), as before."""
    rows = ["id,speaker,text", "z1,robot?,Tere", "z2,agent,Tere", "z1,agent,Tere", "z1,customer,Aitäh"]
    convs, report = read_all([write("eksport.csv", "\n".join(rows) + "\n")])
    assert [c.id for c in convs] == ["z2", "z1"] and len(report.problems) == 1


def test_a_file_changed_between_the_readings_ends_where_the_first_reading_ended(write, monkeypatch):
    path = write("kasvab.csv", _export(2))
    stream = read_conversations([path])
    real = csv_reader.CsvReader._regrouped

    def appended_first(self: csv_reader.CsvReader, path: Path, *args: object) -> Iterator[object]:
        with path.open("a", encoding="utf-8") as fh:  # the export is still being written
            fh.write("k2;customer;Veel üks rida\nk3;agent;Uus vestlus\n")
        return real(self, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_reader.CsvReader, "_regrouped", appended_first)
    convs = list(stream)
    assert [c.id for c in convs] == ["k1", "k2"] and len(convs[1].turns) == 3
    assert stream.report.problems == ()
