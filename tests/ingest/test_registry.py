"""The registry, format detection, path walking and the run report."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from servio.ingest import (
    IngestError,
    Problem,
    ReaderOptions,
    ReadReport,
    Reporter,
    available_formats,
    detect_format,
    get_reader,
    read_all,
    read_conversations,
    register_reader,
    unregister_reader,
)
from servio.model import Conversation, Speaker, Turn

EXPECTED = {
    "chats.jsonl": "jsonl", "export_et_bom.csv": "csv", "export_cp1257.csv": "csv", "chats_en.csv": "csv",
    "transcripts.txt": "text", "call.vtt": "vtt", "call.srt": "srt", "question_et.eml": "eml",
    "html_en.eml": "eml", "threads.mbox": "mbox",
}


def _head(path: Path) -> bytes:
    return path.read_bytes()[:65536]


def test_builtins_are_registered():
    assert available_formats()[:7] == ["jsonl", "csv", "text", "vtt", "srt", "eml", "mbox"]
    assert ".csv" in get_reader("CSV").extensions


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detect_by_extension_and_by_content(fixtures, tmp_path, name):
    path = fixtures / name
    assert detect_format(path, _head(path)) == EXPECTED[name]
    renamed = tmp_path / (name + ".dat")
    shutil.copy(path, renamed)
    assert detect_format(renamed, _head(renamed)) == EXPECTED[name]


def test_content_wins_over_a_misleading_extension(fixtures, tmp_path):
    jsonl_as_txt = tmp_path / "actually.txt"
    shutil.copy(fixtures / "chats.jsonl", jsonl_as_txt)
    assert detect_format(jsonl_as_txt, _head(jsonl_as_txt)) == "jsonl"
    assert len(read_all([jsonl_as_txt])[0]) == 3


def test_undetectable_content(tmp_path):
    with pytest.raises(IngestError, match="binary data"):
        detect_format(tmp_path / "x.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(IngestError, match="cannot tell the format"):
        detect_format(tmp_path / "notes.md", b"# Notes\n\nJust some prose.\n")


def test_format_forces_a_reader(write):
    path = write("rows.txt", "speaker,text\nagent,hello\n")
    convs, report = read_all([path], format="csv")
    assert convs[0].turns[0].text == "hello" and report.problems == ()


def test_unknown_format_name_and_missing_path_raise_at_once(write):
    with pytest.raises(IngestError, match="unknown format 'xml'; known formats: jsonl, csv"):
        read_conversations([write("a.jsonl", "")], format="xml")
    with pytest.raises(IngestError, match="no such file or folder"):
        read_conversations(["/nonexistent/servio/input.jsonl"])


def test_folders_are_walked_sorted_without_hidden_entries(write, tmp_path):
    line = '{{"id": "{0}", "turns": [{{"speaker": "agent", "text": "hi"}}]}}\n'
    write("b.jsonl", line.format("b"))
    write("a/z.jsonl", line.format("a-z"))
    write("a/c.jsonl", line.format("a-c"))
    write(".hidden.jsonl", line.format("hidden"))
    write(".git/d.jsonl", line.format("in-hidden-folder"))
    write("README.md", "# About these files\n")
    write("empty.jsonl", "")
    convs, report = read_all([tmp_path])
    assert [c.id for c in convs] == ["a-c", "a-z", "b"]
    assert report.problems == () and report.files == 5
    assert sorted(Path(n.path).name for n in report.notes) == ["README.md", "empty.jsonl"]
    readme = next(n for n in report.notes if n.path.endswith("README.md"))
    # not "choose one with --format NAME": that would force the format on every file of the run
    assert "not a conversation file" in readme.message and "--format" not in readme.text("cli")
    # the same unknown file named explicitly is a problem, not a note
    _, named = read_all([tmp_path / "README.md"])
    assert len(named.problems) == 1 and "cannot tell the format" in named.problems[0].message
    assert "--format NAME" in named.problems[0].text("cli")  # each front end's way out
    assert "format=" in str(named.problems[0])
    assert "(on the dashboard: Format)" in named.problems[0].text("service")


def test_problem_str_and_report_merge():
    assert str(Problem("a.csv", 3, None, "bad")) == "a.csv:3: bad"
    assert str(Problem("a.mbox", None, 120, "bad")) == "a.mbox@byte 120: bad"
    assert str(Problem("a.eml", None, None, "bad")) == "a.eml: bad"
    p, n = Problem("x", 1, None, "p"), Problem("y", None, None, "n")
    merged = ReadReport.merge([ReadReport(2, 1, (p,), (), 1), ReadReport(3, 0, (), (n,), 2)])
    assert merged == ReadReport(5, 1, (p,), (n,), 3)


class _Toy:
    """A third-party reader: every line of a .toy file is one customer turn of one conversation."""

    name = "toy"
    extensions = (".toy",)

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"TOY\n")

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        lines = path.read_text("utf-8").splitlines()[1:]
        for number, line in enumerate(lines, start=2):
            if not line.strip():
                report.problem(path, "blank toy line", line=number)
        turns = tuple(Turn(Speaker.CUSTOMER, line) for line in lines if line.strip())
        yield Conversation(id=path.stem, turns=turns)


@pytest.fixture
def toy() -> Iterator[_Toy]:
    reader = _Toy()
    register_reader("toy", reader)
    yield reader
    unregister_reader("toy")


def test_third_party_reader(toy, write):
    by_ext = write("one.toy", "TOY\nhello\n\nbye\n")
    by_content = write("two.data", "TOY\nhi\n")
    assert "toy" in available_formats()
    convs, report = read_all([by_ext, by_content])
    assert [(c.id, len(c.turns)) for c in convs] == [("one", 2), ("two", 1)]
    assert [(Path(p.path).name, p.line) for p in report.problems] == [("one.toy", 3)]
    with pytest.raises(ValueError, match="already registered"):
        register_reader("toy", toy)
    register_reader("toy", toy, replace=True)


class _Broken(_Toy):
    name = "broken"
    extensions = (".broken",)

    def read(self, path: Path, options: ReaderOptions, report: Reporter) -> Iterator[Conversation]:
        yield Conversation(id="before-failure", turns=(Turn(Speaker.AGENT, "hi"),))
        raise KeyError("oops")


def test_a_failing_reader_costs_only_its_own_file(write):
    register_reader("broken", _Broken())
    try:
        bad = write("x.broken", "TOY\n")
        good = write("ok.jsonl", '{"id": "ok", "turns": [{"speaker": "agent", "text": "hi"}]}\n')
        convs, report = read_all([bad, good])
        assert [c.id for c in convs] == ["before-failure", "ok"]
        assert "the broken reader failed: KeyError: 'oops'" in report.problems[0].message
        with pytest.raises(IngestError, match="broken reader failed"):
            read_all([bad], strict=True)
    finally:
        unregister_reader("broken")


def test_register_refuses_non_readers():
    with pytest.raises(ValueError, match="not a Reader"):
        register_reader("bad", object())  # type: ignore[arg-type]


def test_stream_report_is_the_read_all_report(fixtures):
    stream = read_conversations([fixtures])
    ids = [c.id for c in stream]
    convs, report = read_all([fixtures])
    assert ids == [c.id for c in convs] and stream.report == report
    assert report.read == 16 and report.files == 10


def test_a_compressed_export_says_to_unpack_it(write):
    import gzip
    import io
    import zipfile

    line = b'{"id": "a", "turns": [{"speaker": "agent", "text": "Tere!"}]}\n'
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as zf:
        zf.writestr("chats.jsonl", line)
    files = [write("chats.jsonl.gz", gzip.compress(line)), write("chats.zip", packed.getvalue())]
    _, report = read_all(files)
    assert [p.message for p in report.problems] == [
        "gzip-compressed; unpack it and give servio the files inside; file skipped",
        "a zip archive; unpack it and give servio the files inside; file skipped"]


def test_a_spreadsheet_says_to_save_it_as_csv(write):
    """An Excel workbook is a zip archive too, but unpacking it gives XML parts servio cannot read: what helps
    is saving it as CSV (audit 19c, m6). Told by its content, whatever its name."""
    import io
    import zipfile

    def packed(parts: dict[str, str]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, text in parts.items():
                zf.writestr(name, text)
        return out.getvalue()

    workbook = packed({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                       "xl/worksheets/sheet1.xml": "<worksheet/>"})
    calc = packed({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
    files = [write("export.xlsx", workbook), write("export.bin", workbook), write("old.xls",
             b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)), write("calc.ods", calc)]
    _, report = read_all(files)
    excel = "an Excel workbook: save it as CSV (CSV UTF-8) and give servio that file; file skipped"
    assert [p.message for p in report.problems] == [
        excel, excel, excel,
        "an OpenDocument spreadsheet: save it as CSV (UTF-8) and give servio that file; file skipped"]


def test_detect_format_takes_a_path_as_text_too() -> None:
    assert detect_format("chats.jsonl", b'{"id": "a"}') == detect_format(Path("chats.jsonl"), b'{"id": "a"}')
