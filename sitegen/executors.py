"""Where per-file parse tasks run: local worker processes (time- and memory-bounded) or Dask.

Each task is `task(path) -> (path, Disclosure | None, error | None, seconds)`; executors
only decide where it runs. Results come back through `on_result` as they finish.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait

Result = tuple[str, object, str | None, float]
Task = Callable[[str], Result]


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _child(task: Task, path: str, conn: Connection, memory_mb: int | None) -> None:
    _limit_memory(memory_mb)
    try:
        result = task(path)
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
    paths: list[str],
    on_result: Callable[[Result], None],
    jobs: int | None = None,
    timeout: float | None = 300,
    memory_mb: int | None = 4096,
) -> None:
    """Run each path in its own forked worker, at most `jobs` at a time.

    A worker that runs past `timeout` seconds or dies is stopped and reported; the rest go on.
    A fresh process per file keeps memory flat however many files there are.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    pending = list(paths)
    running: dict[Connection, tuple[str, mp.Process, float]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            path = pending.pop(0)
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(task, path, writer, memory_mb), daemon=True)
            proc.start()
            writer.close()
            running[reader] = (path, proc, time.monotonic())
        ready = wait(list(running), timeout=0.2)
        for conn in ready:
            path, proc, started = running.pop(conn)
            try:
                result = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError):
                proc.join(1)
                code = proc.exitcode
                why = "was killed (out of memory?)" if code and code < 0 else f"exited with status {code}"
                result = (path, None, f"{path}: the parser process {why}", time.monotonic() - started)
            conn.close()
            proc.join(5)
            on_result(result)
        if timeout:
            now = time.monotonic()
            for conn, (path, proc, started) in list(running.items()):
                if now - started > timeout:
                    proc.kill()
                    proc.join(5)
                    conn.close()
                    running.pop(conn)
                    on_result((path, None, f"{path}: stopped after {timeout:.0f} s (time limit)", now - started))


def run_dask(task: Task, paths: list[str], on_result: Callable[[Result], None], scheduler: str | None) -> None:
    """Run the same per-file task on a Dask cluster (`scheduler` address, or a local cluster)."""
    from dask.distributed import Client, as_completed

    client = Client(scheduler) if scheduler else Client(processes=False)
    try:
        futures = client.map(task, paths, pure=False)
        for future in as_completed(futures):
            on_result(future.result())
    finally:
        client.close()
