"""Redaction on hostile input: long turns, many findings, odd characters; linear time, no leaks."""

from __future__ import annotations

import time

from servio.redact import redact_text


def _seconds(text: str) -> float:
    start = time.perf_counter()
    redact_text(text)
    return time.perf_counter() - start


def test_many_findings_in_one_turn_take_linear_time() -> None:
    # a long pasted log full of phone numbers, e-mails and cards: twice the findings, about twice the time
    line = "Tere 5123 4567 EE38 2200 2210 2014 5685 a@b.ee 4111 1111 1111 1111 "
    small, large = _seconds(line * 2000), _seconds(line * 8000)
    assert large < 0.5 or large < 8 * small
    out, findings = redact_text(line * 3000)
    assert len(findings) == 4 * 3000 and "5123" not in out
