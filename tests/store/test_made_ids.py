"""An id servio made from a file's name never costs a stored conversation (audit 19b, M1), on both backends.

``export.txt`` of one day and ``export.txt`` of the next both name their first conversation
``export-1``; the second is another customer's call and is stored beside the first as ``export-1~2``,
with a note in the job. The same file imported again is unchanged, and a corrected version of it (a
line that could not be read, now fixed; redaction switched on) updates the conversation it corrects.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

from servio.ingest import read_all
from servio.redact import RedactionConfig
from servio.store import Store, import_paths
from tests.store.helpers import analyse, conversation

DAY1 = ("[10:00] Teenindaja: Tere, kuidas saan aidata?\n"
        "[10:01] Klient: Päev üks klient Aino, arve küsimus.\n"
        "[10:02] Teenindaja: Head aega!\n")
DAY2 = ("[11:00] Teenindaja: Tere, kuidas saan aidata?\n"
        "[11:01] Klient: Päev kaks klient Boris, kaardi blokeerimine.\n"
        "[11:02] Teenindaja: Head aega!\n")
DAY3 = ("[12:00] Teenindaja: Tere, kuidas saan aidata?\n"
        "[12:01] Klient: Päev kolm klient Cecilia, laenu küsimus.\n"
        "[12:02] Teenindaja: Head aega!\n")


def _file(folder: Path, text: str, name: str = "export.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _customer(store: Store, cid: str) -> str:
    found = store.get_conversation(cid)
    assert found is not None, cid
    return " / ".join(t.text for t in found[0].turns if str(t.speaker) == "customer")


def _notes(store: Store, job_id: int) -> list[str]:
    job = store.get_import_job(job_id)
    assert job is not None
    return [p["message"] for p in job.problems if p["message"].startswith("note:")]


def test_a_different_file_of_the_same_name_keeps_the_earlier_conversation(store: Store,
                                                                          tmp_path: Path) -> None:
    first = import_paths(store, _file(tmp_path / "day1", DAY1))
    assert (first.new, first.updated) == (1, 0) and _notes(store, first.job_id) == []
    heard = []
    second = import_paths(store, _file(tmp_path / "day2", DAY2), on_note=heard.append)
    # before: updated 1, no note, and Aino's conversation was Boris's
    assert (second.new, second.updated, second.unchanged) == (1, 0, 0)
    assert _customer(store, "export-1") == "Päev üks klient Aino, arve küsimus."
    assert _customer(store, "export-1~2") == "Päev kaks klient Boris, kaardi blokeerimine."
    notes = _notes(store, second.job_id)
    assert len(notes) == 1 and "'export-1'" in notes[0] and "'export-1~2'" in notes[0]
    assert "that one is kept" in notes[0]
    assert [str(p) for p in heard] == [f"(store): {notes[0]}"]  # the CLI hears it as the job keeps it
    assert [str(p) for p in second.problems] == [f"(store): {notes[0]}"]
    job = store.get_import_job(second.job_id)
    assert job is not None and job.problems[0]["said"]["params"]["detail"]["code"] == "store.id_kept"

    third = import_paths(store, _file(tmp_path / "day3", DAY3))
    assert third.new == 1 and _customer(store, "export-1~3") == "Päev kolm klient Cecilia, laenu küsimus."
    # each file imported again finds its own conversation: unchanged, nothing analysed or lost
    again = [import_paths(store, tmp_path / day / "export.txt") for day in ("day2", "day1", "day3")]
    assert [(r.new, r.updated, r.unchanged) for r in again] == [(0, 0, 1)] * 3
    assert store.list_conversations().total == 3
    assert _customer(store, "export-1~2").startswith("Päev kaks")


def test_the_same_file_again_is_unchanged_without_a_note(store: Store, tmp_path: Path) -> None:
    path = _file(tmp_path, DAY1)
    import_paths(store, path)
    again = import_paths(store, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert _notes(store, again.job_id) == [] and store.list_conversations().total == 1


def test_a_corrected_file_updates_its_conversation_and_clears_the_mark(store: Store, tmp_path: Path) -> None:
    broken = DAY1 + "[10:03] Jaan Tamm: kas saaksite arve uuesti saata?\n[10:04] Teenindaja: Saadan kohe.\n"
    path = _file(tmp_path, broken)
    first = import_paths(store, path)
    assert first.incomplete == 1
    found = store.get_conversation("export-1")
    assert found is not None and found[0].unread == ("export.txt:4",)
    _file(tmp_path, broken.replace("Jaan Tamm:", "Klient:"))  # the unknown speaker's line, fixed
    fixed = import_paths(store, path)
    assert (fixed.new, fixed.updated, fixed.unchanged) == (0, 1, 0)
    found = store.get_conversation("export-1")
    assert found is not None and found[0].unread == () and len(found[0].turns) == 5
    assert store.list_conversations().total == 1
    # the customer said more than before: updated as a correction, and the job says it took it for one
    notes = _notes(store, fixed.job_id)
    assert len(notes) == 1 and "corrected version" in notes[0] and "'export-1'" in notes[0]


def test_a_fix_of_the_agent_side_updates_silently(store: Store, tmp_path: Path) -> None:
    path = _file(tmp_path, DAY1)
    import_paths(store, path)
    _file(tmp_path, DAY1.replace("Head aega!", "Aitäh, head aega!"))
    fixed = import_paths(store, path)
    assert (fixed.new, fixed.updated) == (0, 1) and _notes(store, fixed.job_id) == []


def test_redacting_again_updates_the_same_conversation(store: Store, tmp_path: Path) -> None:
    raw = DAY1.replace("arve küsimus.", "arve küsimus, isikukood 49104150271.")
    path = _file(tmp_path, raw)
    import_paths(store, path, redact=RedactionConfig(enabled=False))
    assert "49104150271" in _customer(store, "export-1")
    again = import_paths(store, path)
    assert (again.new, again.updated) == (0, 1) and _notes(store, again.job_id) == []
    assert "49104150271" not in _customer(store, "export-1") and store.list_conversations().total == 1


def test_a_csv_without_an_id_column_is_kept_apart_too(store: Store, tmp_path: Path) -> None:
    head = "speaker,text\nagent,Tere!\n"
    import_paths(store, _file(tmp_path / "a", head + "customer,Kaart on kadunud.\nagent,Sulgen.\n",
                              "chat.csv"))
    second = import_paths(store, _file(tmp_path / "b", head + "customer,Tahan laenu.\nagent,Head aega.\n",
                                       "chat.csv"))
    assert second.new == 1 and _customer(store, "chat-1") == "Kaart on kadunud."
    assert _customer(store, "chat-1~2") == "Tahan laenu."


def test_a_source_id_is_updated_as_the_source_says_with_a_note_when_it_reads_as_another(
        store: Store, tmp_path: Path) -> None:
    first = import_paths(store, _file(tmp_path / "a", "# id: tel-7\n" + DAY1))
    assert first.new == 1
    second = import_paths(store, _file(tmp_path / "b", "# id: tel-7\n" + DAY2))
    assert (second.new, second.updated) == (0, 1) and _customer(store, "tel-7").startswith("Päev kaks")
    notes = _notes(store, second.job_id)
    assert len(notes) == 1 and "'tel-7'" in notes[0] and "was replaced" in notes[0]
    # a changed conversation that reads as the same one is the usual update: no note
    farewell = DAY2.replace("Head aega!", "Nägemist!")
    third = import_paths(store, _file(tmp_path / "b", "# id: tel-7\n" + farewell))
    assert third.updated == 1 and _notes(store, third.job_id) == []


def test_another_day_is_another_conversation_even_in_the_same_words(store: Store) -> None:
    one = replace(conversation(1), id="chat-1", id_made=True)
    store.save_results([one], analyse)
    later = replace(conversation(2), id="chat-1", id_made=True)  # the same script, a day later
    notes = []
    assert store.save_results([later], analyse, on_note=notes.append) == ["new"]
    assert sorted(c.id for c in store.list_conversations().items) == ["chat-1", "chat-1~2"]
    assert len(notes) == 1 and notes[0].said is not None
    # under the source's own id, it is the update the source asks for (with a note)
    notes.clear()
    assert store.save_results([replace(later, id_made=False)], analyse, on_note=notes.append) == ["updated"]
    assert len(notes) == 1 and "was replaced" in str(notes[0])


def test_a_long_made_id_stays_within_the_schema(store: Store) -> None:
    long_id = "x" * 253 + "-1"
    store.save_results([replace(conversation(1), id=long_id, id_made=True)], analyse)
    other = replace(conversation(1, extra="Something else entirely, a refund for a broken phone."),
                    id=long_id, id_made=True, turns=conversation(1).turns[:1] + (
                        replace(conversation(1).turns[1], text="I want a refund for my broken phone."),))
    assert store.save_results([other], analyse) == ["new"]
    ids = sorted(c.id for c in store.list_conversations().items)
    assert ids[0] == long_id and ids[1].endswith("~2") and len(ids[1]) == 255


def test_readers_say_which_ids_they_made(tmp_path: Path) -> None:
    _file(tmp_path, "# id: tel-1\n" + DAY1, "named.txt")
    _file(tmp_path, DAY1, "plain.txt")
    _file(tmp_path, "id,speaker,text\nV-1,agent,Tere!\n", "ids.csv")
    _file(tmp_path, "speaker,text\nagent,Tere!\n", "noids.csv")
    _file(tmp_path, '{"turns": [{"speaker": "agent", "text": "Tere!"}]}\n', "lines.jsonl")
    convs, _ = read_all(tmp_path)
    assert {c.id: c.id_made for c in convs} == {"V-1": False, "lines-1": True, "tel-1": False,
                                               "noids-1": True, "plain-1": True}
    made = next(c for c in convs if c.id == "plain-1")
    assert pickle.loads(pickle.dumps(made)).id_made  # worker processes keep it
    assert made == replace(made, id_made=False)  # not content: equality (and the content hash) ignore it
