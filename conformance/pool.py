"""Run a task over many items in worker processes, so a crash, hang or SIGFPE costs one item, never the run.

Workers are long-lived (a renderer's context is created once per worker, not per item); a worker whose item
times out is killed and replaced, and one that dies (segfault, SIGFPE, out of memory) is replaced too.
Results come back as they finish, in any order.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any


@dataclass
class Outcome:
    """What happened to one item: ``ok`` (value set), ``error`` (the task raised), ``timeout`` or ``crash``."""

    status: str
    value: Any = None
    error: str = ""
    seconds: float = 0.0


def _worker(conn, task: Callable[[Any], Any], return_exceptions: bool = False) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        key, item = msg
        t0 = time.perf_counter()
        try:
            value = task(item)
        except BaseException as e:  # noqa: BLE001 - report every failure of the task
            value, failure = None, e
        else:
            failure = None
        try:
            if failure is None:
                conn.send((key, "ok", value, "", time.perf_counter() - t0))
            else:
                _send_failure(conn, key, failure, t0, return_exceptions)
        except (BrokenPipeError, EOFError, OSError):  # the parent is gone (killed or interrupted): just stop
            return


def _send_failure(conn, key: Any, e: BaseException, t0: float, return_exceptions: bool) -> None:
    detail = f"{type(e).__name__}: {e}".strip()
    if not str(e):
        tb = traceback.format_exception(type(e), e, e.__traceback__)
        detail += " | " + " ".join("".join(tb).split())[-300:]
    value = None
    if return_exceptions:
        try:  # the exception itself, when it pickles (GlslErrors, InputError...)
            import pickle

            pickle.dumps(e)
            value = e
        except Exception:  # noqa: BLE001
            value = None
    conn.send((key, "error", value, detail[:2000], time.perf_counter() - t0))


class _Slot:
    def __init__(self, ctx, task, return_exceptions: bool = False):
        self.parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, task, return_exceptions), daemon=True)
        self.proc.start()
        child.close()
        self.key: Any = None
        self.started = 0.0

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.parent.close()


def run_isolated(items: Iterable[tuple[Any, Any]], task: Callable[[Any], Any], *, jobs: int = 2,
                 timeout: float = 120.0, start_method: str = "spawn",
                 return_exceptions: bool = False) -> Iterator[tuple[Any, Outcome]]:
    """Yield ``(key, Outcome)`` for each ``(key, item)``; ``task(item)`` runs in a worker process.

    ``task`` must be a module-level function (it is pickled to ``spawn`` workers) and its results must be
    picklable.
    """
    ctx = mp.get_context(start_method)
    pending = iter(items)

    def new_slot() -> _Slot:
        return _Slot(ctx, task, return_exceptions)

    slots = [new_slot() for _ in range(max(1, jobs))]
    exhausted = False
    try:
        while True:
            for i, slot in enumerate(slots):
                if slot.key is None and not exhausted:
                    try:
                        key, item = next(pending)
                    except StopIteration:
                        exhausted = True
                        break
                    try:
                        slot.parent.send((key, item))
                    except (BrokenPipeError, OSError):
                        slot.kill()
                        slots[i] = slot = new_slot()
                        slot.parent.send((key, item))
                    slot.key, slot.started = key, time.perf_counter()
            active = [s for s in slots if s.key is not None]
            if not active:
                return
            now = time.perf_counter()
            wait_for = max(0.01, min(s.started + timeout - now for s in active))
            ready = wait([s.parent for s in active], timeout=wait_for)
            for i, slot in enumerate(slots):
                if slot.key is None:
                    continue
                if slot.parent in ready:
                    try:
                        key, status, value, error, seconds = slot.parent.recv()
                    except (EOFError, OSError):
                        slot.proc.join(5)
                        code = slot.proc.exitcode
                        reason = (f"worker killed by signal {signal.Signals(-code).name}" if code and code < 0
                                  else f"worker exited with status {code}")
                        out = Outcome("crash", error=reason, seconds=time.perf_counter() - slot.started)
                        key = slot.key
                        slot.kill()
                        slots[i] = new_slot()
                        yield key, out
                        continue
                    slot.key = None
                    yield key, Outcome(status, value, error, seconds)
                elif time.perf_counter() - slot.started >= timeout:
                    key = slot.key
                    slot.kill()
                    slots[i] = new_slot()
                    yield key, Outcome("timeout", error=f"no result within {timeout:g} s", seconds=timeout)
    finally:
        for slot in slots:
            try:
                if slot.key is None and slot.proc.is_alive():
                    slot.parent.send(None)
            except OSError:
                pass
            slot.kill()
