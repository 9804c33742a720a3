"""Redaction on hostile input: long turns, many findings, odd characters; linear time, no leaks."""

from __future__ import annotations

import time

from servio.redact import redact_text


def _seconds(text: str, runs: int = 3) -> float:
    """The fastest of ``runs`` timings in this process's CPU time: a single run on a busy machine can be off
    by half (CI saw a 4x input take 9x once, passing on every rerun), and wall-clock time also counts the
    time other processes had the core (a full run beside two browser tests failed the linear-time test
    once); the bound the tests set stays the same."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        redact_text(text)
        best = min(best, time.process_time() - start)
    return best


def test_many_findings_in_one_turn_take_linear_time() -> None:
    # a long pasted log full of phone numbers, e-mails and cards: twice the findings, about twice the time
    line = "Tere 5123 4567 EE38 2200 2210 2014 5685 a@b.ee 4111 1111 1111 1111 "
    small, large = _seconds(line * 2000), _seconds(line * 8000)
    assert large < 0.5 or large < 8 * small
    out, findings = redact_text(line * 3000)
    assert len(findings) == 4 * 3000 and "5123" not in out


ODD_CHARACTERS = [
    ("helista 5123\u00a04567", "helista REDACTED-PHONE"),  # a no-break space, as pasted from a web page
    ("tel +372\u00a05123\u00a04567.", "tel REDACTED-PHONE."),
    ("tel +372\u202f5123\u202f4567", "tel REDACTED-PHONE"),  # a narrow no-break space
    ("kaart 4111\u00a01111\u00a01111\u00a01111", "kaart REDACTED-CARD"),
    ("kaart 4111\u20131111\u20131111\u20131111", "kaart REDACTED-CARD"),  # en dashes
    ("konto EE38\u00a02200\u00a02210\u00a02014\u00a05685", "konto REDACTED-IBAN"),
    # full-width digits
    ("ik \uff14\uff19\uff11\uff10\uff14\uff11\uff15\uff10\uff12\uff17\uff11", "ik REDACTED-IDCODE"),
    ("nr \u0665\u0661\u0662\u0663\u0664\u0665\u0666\u0667", "nr REDACTED-PHONE"),  # Arabic-Indic digits
    ("mail mari\uff20example.ee", "mail REDACTED-EMAIL"),  # a full-width @
]


def test_unicode_spaces_dashes_and_digits_do_not_hide_personal_data() -> None:
    for text, expected in ODD_CHARACTERS:
        out, findings = redact_text(text)
        assert out == expected, text
        assert all(text[f.start:f.end].strip() for f in findings)


def test_nul_and_control_characters_are_kept_and_do_not_break_redaction() -> None:
    text = "a\x00b 5123 4567\x00 \x1b[0m mari@example.ee\x00"
    assert redact_text(text)[0] == "a\x00b REDACTED-PHONE\x00 \x1b[0m REDACTED-EMAIL\x00"
    assert redact_text("\x00" * 100_000)[0] == "\x00" * 100_000


def test_a_megabyte_of_digits_and_spaces_is_redacted_in_seconds() -> None:
    # single digits between spaces are the worst case of the card search: every run is 19 groups long
    # (about 2 s here; 6 s before the card search skipped impossible group spans)
    for text in ("5 " * 500_000, "4-" * 500_000, "3 \n" * 330_000):
        assert _seconds(text) < 5, repr(text[:4])
    assert _seconds("5 " * 500_000) < 3 * _seconds("5 " * 250_000) + 0.5  # linear, no backtracking blow-up
