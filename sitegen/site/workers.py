"""Per-package site work (unit pages, downloads) in worker processes, taken back in order.

The caller walks its packages in order and needs each package's outcome before the next:
`ordered` runs up to `ahead` jobs in advance on a process pool and yields one Future per job
(None where there is nothing to run), so memory stays bounded however many packages there
are, and the caller's own work (combined rows, the database) overlaps the workers'.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from itertools import islice

from ..executors import fork_context

AHEAD_PER_WORKER = 8  # jobs queued per worker: enough to keep it busy, few enough to stay small
MIN_JOBS_FOR_POOL = 4  # fewer jobs than this (a one-edit rebuild) run here: no pool to start


class _Here(Executor):
    """Runs each job at once in this process; the same Future interface as a pool."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to the caller through the Future, as a pool would
            future.set_exception(exc)
        return future


def pool(workers: int | None, jobs: int, initializer: Callable, initargs: tuple) -> Executor:
    """A process pool of `workers` (None: all cores), or this process when one worker or a
    handful of jobs would not pay for starting one."""
    workers = max(1, workers or os.cpu_count() or 1)
    if workers == 1 or jobs < MIN_JOBS_FOR_POOL:
        initializer(*initargs)
        return _Here()
    return ProcessPoolExecutor(max_workers=min(workers, jobs), mp_context=fork_context(), initializer=initializer,
                               initargs=initargs)


def ordered(executor: Executor, fn: Callable, jobs: Iterable[tuple | None], ahead: int) -> Iterator[Future | None]:
    """fn(*job) for each job, at most `ahead` in flight; one Future (or None) per job, in order."""
    source = iter(jobs)

    def start(job: tuple | None) -> Future | None:
        if job is None:
            return None
        try:
            return executor.submit(fn, *job)
        except Exception as exc:  # a broken pool (a worker killed): this job fails, the caller goes on
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    window = deque(start(job) for job in islice(source, max(1, ahead)))
    while window:
        head = window.popleft()
        for job in islice(source, 1):
            window.append(start(job))
        yield head
