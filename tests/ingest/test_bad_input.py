"""Bad input never loses good input: each case the ingest brief names, plus strict mode."""

from __future__ import annotations

import json
import os
import random
import time
import tracemalloc

import pytest

from servio.ingest import IngestError, ReaderOptions, Reporter, read_all, read_conversations


def _record(cid: str | None, text: str = "Tere!") -> str:
    record: dict[str, object] = {"turns": [{"speaker": "agent", "text": text}]}
    if cid is not None:
        record["id"] = cid
    return json.dumps(record, ensure_ascii=False)


def test_truncated_last_line(write):
    good = "\n".join(_record(f"c{i}") for i in range(3))
    path = write("cut.jsonl", good + "\n" + _record("c3")[:25])
    convs, report = read_all([path])
    assert [c.id for c in convs] == ["c0", "c1", "c2"]
    assert (report.read, report.skipped) == (3, 1)
    problem = report.problems[0]
    assert problem.line == 4 and "invalid JSON (truncated?)" in problem.message


def test_strict_raises_at_the_first_problem_naming_file_and_line(write):
    path = write("cut.jsonl", _record("a") + "\n" + _record("b")[:20] + "\n" + _record("c") + "\n")
    seen = []
    stream = read_conversations([path], strict=True)
    seen.append(next(stream).id)
    with pytest.raises(IngestError, match=r"cut\.jsonl:2: invalid JSON") as info:
        next(stream)
    assert seen == ["a"] and info.value.problem is not None and info.value.problem.line == 2


@pytest.mark.parametrize(("dropped", "said"), [
    ("invalid JSON: Expecting value (column 8); line skipped", "invalid JSON: Expecting value (column 8)"),
    ("duplicate conversation id 'a'; skipped", "duplicate conversation id 'a'"),
    ("cannot read: Permission denied; rest of the file skipped", "cannot read: Permission denied"),
    ("no gold 'stages'; conversation left out of eval", "no gold 'stages'"),
    ("a message that names nothing dropped", "a message that names nothing dropped"),
])
def test_strict_says_reading_stopped_not_what_a_lenient_run_skips(dropped, said):
    """In strict mode nothing is skipped: the message must not say "; row skipped" as the run stops."""
    with pytest.raises(IngestError) as info:
        Reporter(strict=True).problem("in.jsonl", dropped, line=2)
    assert str(info.value) == f"in.jsonl:2: {said}; reading stopped (strict)"
    lenient = Reporter()
    lenient.problem("in.jsonl", dropped, line=2)
    assert lenient.summary().problems[0].message == dropped


def test_wrong_csv_columns(write):
    path = write("wrong.csv", "vestlus;kes;sisu_tekst\n1;klient;tere\n")
    convs, report = read_all([path])
    assert convs == [] and report.skipped == 1
    assert "available columns: vestlus, kes, sisu_tekst" in report.problems[0].message


@pytest.mark.parametrize("name", ["garbage.jsonl", "garbage.csv", "garbage.bin"])
def test_binary_garbage_is_one_clear_problem(write, name):
    rng = random.Random(7)
    path = write(name, b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(20000)))
    convs, report = read_all([path])
    assert convs == [] and len(report.problems) == 1
    assert "binary data" in report.problems[0].message and "file skipped" in report.problems[0].message
    forced, forced_report = read_all([path], format="text")
    assert forced == [] and "binary data, not text" in forced_report.problems[0].message


def test_zero_bytes_are_binary_not_empty(write):
    _, report = read_all([write("zeros.jsonl", b"\x00" * 100)])
    assert report.notes == () and "binary data" in report.problems[0].message


def test_binary_file_in_a_folder_next_to_good_files(write, tmp_path):
    write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(500))
    write("ok.jsonl", _record("ok") + "\n")
    convs, report = read_all([tmp_path])
    assert [c.id for c in convs] == ["ok"] and report.problems == ()
    assert "binary data" in report.notes[0].message  # an unknown extension in a folder is only noted


def test_a_corrupt_line_of_nul_bytes_loses_only_itself(write):
    """A text file with one damaged record near its start (NUL and control bytes, as a crashed
    writer leaves them) is text with one bad line, not a binary file: the records around it are read."""
    lines = [_record("a"), "\x00\x01\x02garbage\x00\x00", _record("b"), _record("c")]
    convs, report = read_all([write("damaged.jsonl", "\n".join(lines) + "\n")])
    assert [c.id for c in convs] == ["a", "b", "c"]
    assert (report.read, report.skipped) == (3, 1)
    assert report.problems[0].line == 2 and "NUL bytes" in report.problems[0].message


def test_a_damaged_line_in_a_file_of_cyrillic_text_loses_only_itself(write):
    lines = [_record("a", "Здравствуйте, чем могу помочь?"), "\x00\x00",
             _record("b", "Спасибо, до свидания!")]
    convs, report = read_all([write("ru.jsonl", "\n".join(lines) + "\n")])
    assert [c.id for c in convs] == ["a", "b"] and report.problems[0].line == 2


def test_a_block_of_nul_bytes_at_the_end_loses_nothing_else(write):
    """After a crash or power loss a file can end in a run of zero bytes where its last write was."""
    good = "".join(_record(f"c{i}") + "\n" for i in range(3))
    convs, report = read_all([write("crashed.jsonl", good.encode() + b"\x00" * 4096)])
    assert [c.id for c in convs] == ["c0", "c1", "c2"]
    assert report.problems[0].line == 4 and "NUL bytes" in report.problems[0].message


@pytest.mark.parametrize(("name", "text"), [
    ("chat.csv", "vestlus;roll;tekst\n1;klient;tere\n2;\x00\x00\x01;\x00\n1;teenindaja;Tere!\n"),
    ("chat.txt", "Klient: tere, mul on küsimus\n\x00\x00\x00\x01\nTeenindaja: Tere! Kuidas saan aidata?\n"),
])
def test_nul_bytes_in_a_csv_row_or_a_transcript_line(write, name, text):
    csv = name.endswith(".csv")
    options = ReaderOptions(id_column="vestlus", speaker_column="roll", text_column="tekst") if csv else None
    convs, report = read_all([write(name, text)], options=options)
    expected = ["tere", "Tere!"] if csv else ["tere, mul on küsimus", "Tere! Kuidas saan aidata?"]
    assert len(convs) == 1 and [t.text for t in convs[0].turns] == expected
    assert report.problems[0].line == (3 if csv else 2)
    assert "NUL bytes" in report.problems[0].message


@pytest.mark.parametrize("content", ["", "\n\n  \n", "\ufeff"])
def test_empty_file_is_a_note_even_when_strict(write, content):
    path = write("empty.jsonl", content)
    convs, report = read_all([path], strict=True)
    assert convs == [] and (report.read, report.skipped) == (0, 0)
    assert [n.message for n in report.notes] == ["empty file; nothing to read"]


def test_fifty_megabyte_single_line(write):
    huge = "a" * (50 * 1024 * 1024)
    path = write("huge.jsonl", _record("huge", huge) + "\n" + _record("small") + "\n")
    del huge
    started = time.perf_counter()
    tracemalloc.start()
    try:
        convs, report = read_all([path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert [c.id for c in convs] == ["small"]
    assert report.problems[0].line == 1 and "over the limit" in report.problems[0].message
    assert peak < 3 * ReaderOptions().max_record_bytes  # bounded by the line limit, not the line


def test_long_line_within_the_limit_is_read(write):
    text = "b" * (3 * 1024 * 1024)
    path = write("long.jsonl", _record("long", text) + "\n")
    convs, report = read_all([path], options=ReaderOptions(max_record_bytes=4 * 1024 * 1024))
    assert report.problems == () and len(convs[0].turns[0].text) == len(text)


def test_mixed_encodings_in_one_run(fixtures, write):
    bad_line = write("bad.jsonl", (_record("u1", "Tere, kuidas läheb?") + "\n").encode()
                     + b'{"id": "u2", "turns": [{"speaker": "agent", "text": "caf\xe9"}]}\n'
                     + (_record("u3", "Hästi") + "\n").encode())
    bad_text = write("bad.txt", "Klient: Tere, õhtust\n".encode() + b"Agent: bad \xff\n" + b"Agent: Tere!\n")
    paths = [fixtures / "export_cp1257.csv", fixtures / "export_et_bom.csv", bad_line, bad_text]
    convs, report = read_all(paths)
    assert [c.id for c in convs] == ["k-1", "v-101", "v-102", "u1", "u3", "bad-1"]
    where = [(p.path.rsplit("/", 1)[-1], p.line) for p in report.problems]
    assert where == [("bad.jsonl", 2), ("bad.txt", 2)]
    assert all("not valid UTF-8: byte 0x" in p.message for p in report.problems)
    assert [t.text for t in convs[-1].turns] == ["Tere, õhtust", "Tere!"]
    assert ["Windows-1257" in n.message for n in report.notes] == [True]


def test_missing_ids_are_stable_and_count_bad_records(write):
    path = write("noids.jsonl", "\n".join([_record(None), "{broken", _record(None)]) + "\n")
    first = [c.id for c in read_all([path])[0]]
    assert first == ["noids-1", "noids-3"]
    path.write_text("\n".join([_record(None), _record(None, "fixed"), _record(None)]) + "\n", "utf-8")
    assert [c.id for c in read_all([path])[0]] == ["noids-1", "noids-2", "noids-3"]


def test_duplicate_ids_within_a_run(write):
    one = write("one.jsonl", _record("same") + "\n" + _record("other") + "\n")
    two = write("two.jsonl", _record("x") + "\n" + _record("same") + "\n")
    convs, report = read_all([one, two])
    assert [c.id for c in convs] == ["same", "other", "x"]
    assert len(report.problems) == 1 and report.skipped == 1
    problem = report.problems[0]
    assert problem.path == str(two) and problem.line == 2
    assert f"duplicate conversation id 'same' (first read from {one})" in problem.message
    with pytest.raises(IngestError, match="duplicate conversation id"):
        read_all([one, one], strict=True)


def test_files_of_the_same_name_keep_their_conversations(write, tmp_path):
    """Ids servio makes from file names are not the source's: daily export folders, one caption
    file per meeting and a transcript beside its captions all keep their conversations."""
    transcript = "Klient: Tere!\nTeenindaja: Tere, kuidas saan aidata?\n"
    one = write("päevad/2026-10-01/chat.txt", transcript)
    two = write("päevad/2026-10-02/chat.txt", transcript)
    vtt = write("päevad/2026-10-02/chat.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Agent>Tere!\n")
    convs, report = read_all([tmp_path / "päevad"])
    assert [c.id for c in convs] == ["chat-1", "2026-10-02/chat-1", "2026-10-02/chat.vtt-1"]
    assert (report.read, report.skipped, report.problems) == (3, 0, ())
    notes = [n for n in report.notes if "made from the file name" in n.message]
    assert [n.path for n in notes] == [str(two), str(vtt)]
    assert f"was taken by {one}; this one is '2026-10-02/chat-1'" in notes[0].message
    # the same file named twice is still a duplicate, and so is an id the source gave
    assert read_all([one, one])[1].skipped == 1
    first = write("a/tickets.jsonl", _record("T-1") + "\n")
    second = write("b/tickets.jsonl", _record("T-1") + "\n")
    assert read_all([first, second])[1].skipped == 1


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_a_file_name_that_is_not_utf8_gives_a_readable_id(tmp_path):
    """A zip made on Windows leaves Windows-1257 file names: 'kõne.txt' is b'k\\xf5ne.txt' on disk."""
    folder = tmp_path / "lahti"
    folder.mkdir()
    transcript = b"Klient: Tere!\nTeenindaja: Tere, kuidas saan aidata?\n"
    for name in (b"k\xf5ne.txt", b"\x81.txt"):  # 0x81 is no character in Windows-1257
        with open(os.fsencode(folder) + b"/" + name, "wb") as fh:
            fh.write(transcript)
    convs, report = read_all([folder])
    assert sorted(c.id for c in convs) == ["kõne-1", "\ufffd-1"]
    for conv in convs:
        conv.id.encode("utf-8")  # what JSON Lines and the database need


def test_an_unreadable_file_costs_only_itself(write, tmp_path, monkeypatch):
    """No permission on one file of a folder: a problem for it, the files after it are read."""
    from servio.ingest import stream

    write("export/a.jsonl", _record("a") + "\n")
    locked = write("export/b.jsonl", _record("b") + "\n")
    write("export/c.jsonl", _record("c") + "\n")
    real = stream.read_head

    def read_head(path, *args):
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args)

    monkeypatch.setattr(stream, "read_head", read_head)
    convs, report = read_all([tmp_path / "export"])
    assert [c.id for c in convs] == ["a", "c"]
    assert (report.read, report.skipped) == (2, 1)
    assert report.problems[0].path == str(locked)
    assert report.problems[0].message == "cannot read: Permission denied; file skipped"
    with pytest.raises(IngestError, match=r"b\.jsonl: cannot read: Permission denied"):
        read_all([tmp_path / "export"], strict=True)


def test_an_unreadable_file_on_disk(write):
    """The same with a real file mode, where the tests do not run as root."""
    path = write("locked.jsonl", _record("a"))
    other = write("open.jsonl", _record("b"))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with permissions that ignore file modes")
        convs, report = read_all([path, other])
        assert [c.id for c in convs] == ["b"] and report.skipped == 1
        assert "cannot read" in report.problems[0].message
    finally:
        path.chmod(0o644)


def test_a_caller_can_reject_the_conversation_just_read(write):
    """A later step (eval: no gold stages) reports a conversation at its own file and line."""
    good = '{"id": "%s", "turns": [{"speaker": "agent", "text": "Tere!"}]}\n'
    path = write("two.jsonl", good % "a" + "\n" + good % "b")
    stream = read_conversations([path])
    assert next(stream).id == "a"
    assert next(stream).id == "b"
    stream.reject("no gold stages; left out")
    assert list(stream) == []
    report = stream.report
    assert (report.read, report.skipped) == (1, 1)
    assert str(report.problems[0]) == f"{path}:3: no gold stages; left out"
    strict = read_conversations([path], strict=True)
    next(strict)
    with pytest.raises(IngestError, match="two.jsonl:1: no gold"):
        strict.reject("no gold stages")
