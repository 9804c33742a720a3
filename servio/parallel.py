"""Work on several cores: an ordered, bounded map over worker processes.

The CLI's batch jobs (``--workers``) send chunks of conversations to worker
processes and get the results back in input order, so the output is the same
as on one core. Only a few chunks are in flight at a time: a large input is
never read into memory ahead of the work, and a reading error (``--strict``)
stops the workers at once. Workers are started with ``spawn`` on every
platform (a fork of a process that runs threads, such as a progress bar, is
not safe); each worker loads the tagger once, on its first chunk.

The process-pool machinery (``concurrent.futures``, ``multiprocessing``) is imported when workers
are first started: a one-core run, the usual ``servio tag``, never needs it, and importing it
is a noticeable part of the start-up of a short run.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

#: Items per task sent to a worker: large enough that sending is cheap, small enough for progress.
CHUNK = 32
#: Chunks in flight per worker.
AHEAD = 2


class WorkerError(RuntimeError):
    """A worker process stopped without an answer (killed, out of memory)."""


_BROKEN = ("a worker process stopped without an answer (killed, or out of memory?); "
           "run again with fewer workers")


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return max(os.cpu_count() or 1, 1)


def resolve_workers(workers: int) -> int:
    """The number of worker processes for ``--workers``: 0 means every available core."""
    if workers < 0:
        raise ValueError(f"workers must be 0 (every core) or more, not {workers}")
    return available_cores() if workers == 0 else workers


def ordered_map(work: Callable[[T], R], items: Iterable[T], workers: int, chunk: int = CHUNK) -> Iterator[R]:
    """``work`` of every item of ``items`` in ``workers`` processes, in input order.

    With one worker this is ``map`` in this process, item by item. With more,
    see :meth:`Workers.map`; the processes stop when the results are taken or
    the iterator is closed.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if workers == 1:
        yield from map(work, items)
        return
    with Workers(workers) as pool:
        yield from pool.map(work, items, chunk)


class Workers:
    """Worker processes kept for several :meth:`map` calls (an import's batches), started on first use."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def map(self, work: Callable[[T], R], items: Iterable[T], chunk: int = CHUNK) -> Iterator[R]:
        """``work`` of every item, in input order; in this process when there is one worker.

        ``work`` (a module-level function, or a ``functools.partial`` of one
        with picklable arguments) goes to the workers with chunks of ``chunk``
        items, at most ``AHEAD`` chunks per worker in flight. An exception it
        raises is raised here, after the results before its chunk.
        """
        if self.workers == 1:
            yield from map(work, items)
            return
        from concurrent.futures.process import BrokenProcessPool

        pool = self._executor()
        pending: deque[Future[list[R]]] = deque()
        try:
            for part in _chunks(items, chunk):
                pending.append(pool.submit(_apply, work, part))
                if len(pending) >= self.workers * AHEAD:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as exc:
            self.close()
            raise WorkerError(_BROKEN) from exc
        finally:
            for future in pending:
                future.cancel()

    def start(self, work: Callable[[T], R], items: Sequence[T], chunk: int = CHUNK) -> Started[R]:
        """``work`` of every item sent to the workers now, without waiting (a bounded batch: all of it is
        in flight); :meth:`Started.results` waits for them. With one worker nothing runs until then."""
        if self.workers == 1 or not items:
            return Started(lambda: list(map(work, items)), [])
        pool = self._executor()
        return Started(None, [pool.submit(_apply, work, part) for part in _chunks(items, chunk)])

    def _executor(self) -> ProcessPoolExecutor:
        """The worker processes, started on first use."""
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"),
                                             initializer=_ignore_interrupts)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes (after the chunks they are on)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Started(Generic[R]):
    """Work handed to :meth:`Workers.start`: its results, in input order, when they are ready."""

    def __init__(self, here: Callable[[], list[R]] | None, futures: list[Future[list[R]]]) -> None:
        self._here, self._futures = here, futures

    def results(self) -> list[R]:
        """Wait for every result (an exception of ``work`` is raised here)."""
        if self._here is not None:
            return self._here()
        from concurrent.futures.process import BrokenProcessPool

        try:
            return [r for future in self._futures for r in future.result()]
        except BrokenProcessPool as exc:
            raise WorkerError(_BROKEN) from exc


def _apply(work: Callable[[T], R], part: list[T]) -> list[R]:
    return [work(item) for item in part]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while part := list(islice(it, size)):
        yield part


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no traceback from every worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
