"""Turn times from clock-only values: a chat across midnight, a call transcript's media times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from servio.ingest import read_all

EET = timezone(timedelta(hours=3))


def test_a_clock_time_far_before_the_previous_one_is_on_the_next_day(write):
    text = "# date: 2026-10-05\n[23:58] Klient: Kas olete veel avatud?\n[00:01] Teenindaja: Jah, aitan.\n"
    conv = read_all([write("midnight.txt", text)])[0][0]
    assert [t.timestamp for t in conv.turns] == [datetime(2026, 10, 5, 23, 58), datetime(2026, 10, 6, 0, 1)]


def test_a_clock_time_a_little_before_the_previous_one_stays_on_its_day(write):
    """Exports list turns of the same minute out of order; that is not a new day."""
    text = "# date: 2026-10-05\n[10:32] Klient: Tere!\n[10:31] Teenindaja: Tere!\n"
    conv = read_all([write("order.txt", text)])[0][0]
    assert [t.timestamp for t in conv.turns] == [datetime(2026, 10, 5, 10, 32), datetime(2026, 10, 5, 10, 31)]


def test_media_times_of_a_call_are_offsets_from_its_start(write):
    text = ("# started_at: 2026-10-05T14:30:00+03:00\n00:00:05 Teenindaja: Tere, Kati kuuleb.\n"
            "00:00:12 Klient: Tere, mu internet ei tööta.\n00:01:40 Teenindaja: Taaskäivitage ruuter.\n")
    conv = read_all([write("call.txt", text)])[0][0]
    start = datetime(2026, 10, 5, 14, 30, tzinfo=EET)
    assert [t.timestamp for t in conv.turns] == [start + timedelta(seconds=s) for s in (5, 12, 100)]
    assert conv.started_at == start


def test_clock_times_after_the_start_are_times_of_day(write):
    text = "# started_at: 2026-10-05T14:30:00+03:00\n[14:31] Klient: Tere!\n[14:32] Teenindaja: Tere!\n"
    conv = read_all([write("chat.txt", text)])[0][0]
    assert [t.timestamp for t in conv.turns] == [datetime(2026, 10, 5, 14, 31, tzinfo=EET),
                                                 datetime(2026, 10, 5, 14, 32, tzinfo=EET)]
