"""The calendar of the trend's time buckets (a day, a week from Monday, a calendar month)."""

from __future__ import annotations

from datetime import date, timedelta

BUCKETS = ("day", "week", "month")


def check(bucket: str) -> None:
    """Raise ValueError unless ``bucket`` is one of :data:`BUCKETS`."""
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}")


def start_of(d: date, bucket: str) -> date:
    """The first day of the bucket holding ``d``: the day, its week's Monday, or its month's 1st."""
    check(bucket)
    if bucket == "month":
        return d.replace(day=1)
    if bucket == "week":
        return d - timedelta(days=d.weekday())
    return d


def following(start: date, bucket: str) -> date:
    """The first day of the bucket after the one starting on ``start``."""
    check(bucket)
    if bucket == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7 if bucket == "week" else 1)


def end_of(start: date, bucket: str) -> date:
    """The last day of the bucket starting on ``start``."""
    return following(start, bucket) - timedelta(days=1)
