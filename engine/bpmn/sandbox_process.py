"""Diagram code runs in separate, long-lived sandbox processes, one call at a time (issue 10).

An exception raised from a tracer can be caught by the code it should stop, and a single
built-in operation (``10**10**7``) never reaches a tracer at all. So the server sends each script
or expression, with the task data, as one JSON line over a pipe to a sandbox process and waits
at most :data:`limits.SCRIPT_CALL_SECONDS` for the answer. A process that does not answer in time,
or dies, is killed with SIGKILL and replaced; nothing the code does can catch that.

The sandbox process (``python -m engine.bpmn.sandbox_process``) limits its own address space
(RLIMIT_AS) and CPU time (RLIMIT_CPU) and writes no files (RLIMIT_FSIZE 0), then compiles and runs
code with :mod:`engine.bpmn.restricted` and answers with plain JSON values it has checked.

Each server process has its own small pool (:func:`pool`), created on first use and created anew
after a fork (gunicorn forks its workers), so no two processes ever share a pipe. The pool is
thread-safe: a sandbox process serves one thread at a time.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from engine.platform import limits

READY = b'{"ready": true}\n'
MAX_REPLY_BYTES = 4 * limits.RESULT_BYTES
START_SECONDS = 30.0        # a new sandbox process has this long to import and say it is ready
POOL_WAIT_SECONDS = 30.0    # a thread waits at most this long for a free sandbox process
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)
MODULE = __spec__.name if __spec__ is not None else __name__   # this module, also when run with -m


class SandboxTimeout(Exception):
    """The sandbox process did not answer in time; it has been killed."""


class SandboxCrashed(Exception):
    """The sandbox process died or answered nonsense; it has been killed."""


# ---------------------------------------------------------------------------------------------
# The server's end of the pipe


class SandboxProcess:
    """One sandbox process and its pipes."""

    def __init__(self) -> None:
        env = {"PYTHONPATH": PACKAGE_ROOT, "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
        self.process = subprocess.Popen(
            [sys.executable, "-B", "-m", MODULE],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
            start_new_session=True, cwd="/", env=env)
        self._buffer = b""
        try:
            line = self._read_line(time.monotonic() + START_SECONDS)
        except (SandboxTimeout, SandboxCrashed):
            line = b""
        if line != READY:
            self.kill()
            raise SandboxCrashed("the sandbox process did not start")

    def call(self, request: bytes, timeout: float) -> dict[str, Any]:
        """Send one request line and wait at most ``timeout`` seconds for its answer."""
        deadline = time.monotonic() + timeout
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(request)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise SandboxCrashed("the sandbox process is gone") from None
        line = self._read_line(deadline)
        try:
            reply = json.loads(line)
        except ValueError:
            raise SandboxCrashed("the sandbox process answered nonsense") from None
        if not isinstance(reply, dict):
            raise SandboxCrashed("the sandbox process answered nonsense")
        return reply

    def _read_line(self, deadline: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(max(1, int(left * 1000))):
                if time.monotonic() >= deadline:
                    raise SandboxTimeout("no answer in time")
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise SandboxCrashed("the sandbox process stopped")
            self._buffer += chunk
            if len(self._buffer) > MAX_REPLY_BYTES:
                raise SandboxCrashed("the sandbox process answered too much")
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line + b"\n"

    def kill(self) -> None:
        """SIGKILL, which no code can catch, then reap the process."""
        try:
            self.process.kill()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.forget()

    def forget(self) -> None:
        """Close our ends of the pipes (after a fork: the copies only, the parent keeps its own)."""
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


class SandboxPool:
    """Up to ``size`` sandbox processes, started when first needed and kept while they behave."""

    def __init__(self, size: int = limits.SANDBOX_PROCESSES) -> None:
        self.size = size
        self._idle: list[SandboxProcess] = []
        self._alive = 0
        self.calls = 0          # calls served since the pool was made (benchmarks read it)
        self._changed = threading.Condition(threading.Lock())

    def call(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], float]:
        """The sandbox's answer to ``request`` and the seconds it took; a process that failed is replaced."""
        line = json.dumps(request, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode() + b"\n"
        worker = self._take()
        healthy = False
        started = time.monotonic()
        try:
            reply = worker.call(line, timeout)
            healthy = True
            return reply, time.monotonic() - started
        finally:
            if not healthy:
                worker.kill()
            self._give_back(worker, healthy)

    def _take(self) -> SandboxProcess:
        deadline = time.monotonic() + POOL_WAIT_SECONDS
        with self._changed:
            while not self._idle and self._alive >= self.size:
                if not self._changed.wait(max(0.0, deadline - time.monotonic())):
                    raise SandboxTimeout("no sandbox process became free")
            self.calls += 1
            if self._idle:
                return self._idle.pop()
            self._alive += 1
        try:
            return SandboxProcess()   # started outside the lock: other threads keep going meanwhile
        except BaseException:
            with self._changed:
                self._alive -= 1
                self._changed.notify()
            raise

    def _give_back(self, worker: SandboxProcess, healthy: bool) -> None:
        with self._changed:
            if healthy:
                self._idle.append(worker)
            else:
                self._alive -= 1
            self._changed.notify()

    def busy(self) -> int:
        """Sandbox processes serving (or starting for) a call right now."""
        with self._changed:
            return self._alive - len(self._idle)

    def close(self) -> None:
        """Stop the idle sandbox processes (tests and benchmarks; a server just exits)."""
        with self._changed:
            idle, self._idle = self._idle, []
            self._alive -= len(idle)
        for worker in idle:
            worker.kill()

    def forget(self) -> None:
        """After a fork: drop the parent's processes without touching them."""
        for worker in self._idle:
            worker.forget()
        self._idle = []


_pool: SandboxPool | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def pool() -> SandboxPool:
    """This process's pool, created on first use and again in a forked child."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        with _pool_lock:
            if _pool is None or _pool_pid != os.getpid():
                _pool, _pool_pid = SandboxPool(), os.getpid()
    return _pool


def _after_fork_in_child() -> None:
    global _pool, _pool_lock
    if _pool is not None:
        _pool.forget()
    _pool = None
    _pool_lock = threading.Lock()


def _close_at_exit() -> None:
    if _pool is not None and _pool_pid == os.getpid():
        _pool.close()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_at_exit)


# ---------------------------------------------------------------------------------------------
# The sandbox's end of the pipe (runs in the sandbox process)


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.SANDBOX_MEMORY_BYTES, limits.SANDBOX_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _allow_cpu_for_one_call() -> None:
    """RLIMIT_CPU counts the process's whole life, so each call gets its seconds on top of what is used."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime) + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = spent + limits.SANDBOX_CPU_SECONDS_PER_CALL
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _rejected(key: str | None, params: dict[str, Any] | None = None, text: str = "") -> dict[str, Any]:
    return {"ok": False, "kind": "rejected", "key": key, "params": params or {}, "text": text[:2000]}


def _raised(error: BaseException) -> dict[str, Any]:
    """An exception of the code's own, as its class name, first argument and line (never its object)."""
    try:
        text = str(error.args[0]) if error.args else ""
    except Exception:  # a hostile __str__: the class name must do
        text = ""
    line = 0
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == "<string>":
            line = frame.lineno or 0
    return {"ok": False, "kind": "raised", "type": type(error).__name__[:100], "text": text[:2000], "line": line}


def _evaluate(restricted: Any, request: dict[str, Any]) -> dict[str, Any]:
    code = restricted.compile_expression(request["code"])
    scope = dict(restricted.SANDBOX_GLOBALS)
    scope.update(request.get("globals") or {})
    scope.update(request.get("external") or {})
    scope.update(request.get("context") or {})
    value = eval(code, scope)  # noqa: S307 - restricted code, guarded globals, in the sandbox process
    problem = restricted.plain_problem(value, "")
    if problem is not None:
        return _rejected(*problem)
    return {"ok": True, "value": value}


def _execute(restricted: Any, request: dict[str, Any]) -> dict[str, Any]:
    code = restricted.compile_script(request["code"])
    extra = request.get("globals") or {}
    names = set(restricted.SANDBOX_GLOBALS) | set(extra)
    external = request.get("external") or {}
    scope = dict(request.get("context") or {})
    scope.update(restricted.SANDBOX_GLOBALS)
    scope.update(extra)
    scope.update(external)
    exec(code, scope)  # noqa: S102 - restricted code, guarded globals, in the sandbox process
    # What SpiffWorkflow's TaskDataEnvironment keeps: no globals, functions or external values; no _names.
    data = {name: value for name, value in scope.items()
            if not (name in names or name in external or name.startswith("_") or callable(value))}
    for name, value in data.items():
        problem = restricted.plain_problem(value, name)
        if problem is not None:
            return _rejected(*problem)
    problem = restricted.plain_problem(data, "")
    if problem is not None:
        return _rejected(*problem)
    return {"ok": True, "data": data}


def _answer(restricted: Any, line: bytes) -> dict[str, Any]:
    try:
        request = json.loads(line)
        handler = {"eval": _evaluate, "exec": _execute}[request["op"]]
    except (ValueError, KeyError, TypeError):
        return _rejected(None, text="bad request")
    try:
        return handler(restricted, request)
    except restricted.ScriptRejected as rejected:
        reason = rejected.reason
        if hasattr(reason, "key"):
            return _rejected(reason.key, {k: v for k, v in reason.params.items() if isinstance(v, (str, int))})
        return _rejected(None, text=str(reason))
    except BaseException as error:  # whatever the code raised (SystemExit included): an answer, not an exit
        return _raised(error)


def main() -> None:
    """Answer request lines on stdin until it closes (the server went away)."""
    import _strptime  # type: ignore[import-not-found]  # noqa: F401 - datetime.strptime imports it lazily; no file is opened after startup

    from engine.bpmn import restricted

    _limit_self()
    out = sys.stdout.buffer
    out.write(READY)
    out.flush()
    for line in sys.stdin.buffer:
        _allow_cpu_for_one_call()
        reply = _answer(restricted, line)
        try:
            encoded = json.dumps(reply, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()
        except (ValueError, TypeError, RecursionError, MemoryError):
            encoded = json.dumps(_rejected("engine.script.result_not_storable")).encode()
        del reply
        out.write(encoded + b"\n")
        out.flush()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    main()
