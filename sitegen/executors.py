"""Where per-file tasks run: local worker processes, Dask, or in-process; always bounded.

Each task is `task(job) -> (path, result | None, error | None, seconds)`, where a job is a
tuple whose first item is the file's path; executors only decide where it runs. Results come
back through `on_result` as they finish.

Limits: `local` runs each job in a forked process with the time and memory limits. `dask`
runs that same bounded process inside the Dask task, on the worker's machine. `inline` runs
in this process: the time limit holds (SIGALRM, Unix main thread); the memory limit cannot,
and `inline_limits` says so.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
import pickle
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait

Job = tuple[str, ...]
Result = tuple[str, object, str | None, float]
Task = Callable[[Job], Result]


def fork_context():
    """fork where the system has it (workers inherit what is loaded), else the default."""
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _child(task: Task, job: Job, conn: Connection, memory_mb: int | None) -> None:
    _limit_memory(memory_mb)
    path = job[0]
    try:
        result = task(job)
    except MemoryError:
        result = (path, None, f"{path}: stopped: the parse needed more than {memory_mb} MB of memory", 0.0)
    try:
        conn.send_bytes(pickle.dumps(result))
    except MemoryError:
        conn.send_bytes(pickle.dumps((path, None, f"{path}: stopped: out of memory", 0.0)))
    finally:
        conn.close()


def run_local(
    task: Task,
    paths: list[Job],
    on_result: Callable[[Result], None],
    jobs: int | None = None,
    timeout: float | None = 300,
    memory_mb: int | None = 4096,
) -> None:
    """Run each job in its own forked worker, at most `jobs` at a time.

    A worker that runs past `timeout` seconds of its own (time waiting for a free slot or for
    this process to collect a finished result never counts) or dies is stopped and reported;
    the rest go on. A fresh process per file keeps memory flat however many files there are.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    ctx = fork_context()
    pending = list(paths)
    running: dict[Connection, tuple[str, mp.Process, float]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            job = pending.pop(0)
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(task, job, writer, memory_mb), daemon=True)
            proc.start()
            writer.close()
            running[reader] = (job[0], proc, time.monotonic())
        for conn in wait(list(running), timeout=0.2):
            path, proc, started = running.pop(conn)
            on_result(_receive(conn, path, proc, started))
        if timeout:
            now = time.monotonic()
            for conn, (path, proc, started) in list(running.items()):
                if now - started > timeout and proc.is_alive() and not conn.poll():
                    proc.kill()
                    proc.join(5)
                    conn.close()
                    running.pop(conn)
                    on_result((path, None, f"{path}: stopped after {timeout:.0f} s (time limit)", now - started))


def _receive(conn: Connection, path: str, proc, started: float) -> Result:
    try:
        result = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError, pickle.UnpicklingError):
        proc.join(1)
        code = proc.exitcode
        why = "was killed (out of memory?)" if code and code < 0 else f"exited with status {code}"
        result = (path, None, f"{path}: the parser process {why}", time.monotonic() - started)
    conn.close()
    proc.join(5)
    return result


def run_bounded(task: Task, job: Job, timeout: float | None, memory_mb: int | None) -> Result:
    """One job in a forked worker with the limits; its result (what a Dask task returns)."""
    results: list[Result] = []
    run_local(task, [job], results.append, jobs=1, timeout=timeout, memory_mb=memory_mb)
    return results[0]


def run_dask(task: Task, paths: list[Job], on_result: Callable[[Result], None], scheduler: str | None,
             timeout: float | None = 300, memory_mb: int | None = 4096) -> None:
    """Run the same bounded per-file work on a Dask cluster (`scheduler` address, or a local
    cluster): each Dask task forks a worker process with the time and memory limits."""
    from dask.distributed import Client, as_completed

    client = Client(scheduler) if scheduler else Client(processes=False)
    bounded = functools.partial(run_bounded, task, timeout=timeout, memory_mb=memory_mb)
    try:
        futures = client.map(bounded, paths, pure=False)
        for future in as_completed(futures):
            on_result(future.result())
    finally:
        client.close()


ALARM_REPEAT = 0.5  # seconds between alarms once the time limit has passed


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so the parser's broad handlers let it through."""


def run_inline(task: Task, paths: list[Job], on_result: Callable[[Result], None],
               timeout: float | None = 300) -> None:
    """Run each job in this process (for debugging). The time limit holds where SIGALRM
    exists and this is the main thread; no memory limit can be set in-process."""
    import signal
    import threading

    alarm = bool(timeout) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def expire(signum, frame):
        raise _Timeout

    for job in paths:
        started = time.monotonic()
        previous = signal.signal(signal.SIGALRM, expire) if alarm else None
        try:
            if alarm:  # repeating: an alarm raised where Python ignores it (a gc callback) comes again
                signal.setitimer(signal.ITIMER_REAL, float(timeout), ALARM_REPEAT)
            try:
                result = task(job)
            finally:
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except _Timeout:
            result = (job[0], None, f"{job[0]}: stopped after {timeout:.0f} s (time limit)", time.monotonic() - started)
        finally:
            if alarm:
                signal.signal(signal.SIGALRM, previous)
        on_result(result)


def inline_limits(timeout: float | None, memory_mb: int | None) -> list[str]:
    """What the inline executor cannot enforce, to tell the user."""
    import signal
    import threading

    notes = []
    if memory_mb:
        notes.append(f"--executor inline runs in this process: --max-memory {memory_mb} is not enforced")
    if timeout and not (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()):
        notes.append(f"--executor inline: --timeout {timeout:g} cannot be enforced here (no SIGALRM)")
    return notes
