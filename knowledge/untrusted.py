"""Untrusted files read in bounded memory and time.

Two layers stand between a hostile upload and the bot's memory:

* `check_zip` reads only the directory of a zip container (docx, xlsx, odt, pptx) and
  refuses one with too many parts, too much unpacked content, or a part packed more
  tightly than any document is (a zip bomb). Python's `zipfile` never inflates a part past
  the size this directory declares, so the check bounds every reader built on it.
* `run_bounded` runs a parser in a child process forked from a preloaded fork server,
  under an address-space limit (`RLIMIT_AS`), a CPU-time limit (`RLIMIT_CPU`) and a
  wall-clock deadline. The parser's result, or its own exception, comes back pickled; a
  parser that runs out of memory, time or stack, or dies, becomes a `FileRefused`.

`FileRefused.detail` completes a sentence about the file ("report.docx " + detail), like
`knowledge.documents.DocumentLoadError.detail`, so each caller keeps its own error types.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.spawn
import os
import pickle
import resource
import runpy
import signal
import struct
import sys
import threading
import traceback
import types
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MB = 1024 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class ZipLimits:
    """What a zip-based document may hold before any part of it is inflated."""

    max_entries: int = 2_000
    max_directory_bytes: int = 2 * MB
    max_unpacked_bytes: int = 100 * MB
    max_ratio: int = 200  # unpacked / packed; XML packs 5-20x, a stream of zeros ~1000x
    ratio_floor_bytes: int = 1 * MB  # smaller parts may be packed as tightly as they like


@dataclass(frozen=True)
class Budget:
    """What one parse may use: memory beyond the child's start, CPU and wall time."""

    memory_mb: int = 200
    cpu_seconds: int = 30
    wall_seconds: float = 90.0
    result_mb: int = 64


ZIP_LIMITS = ZipLimits()
BUDGET = Budget()


class FileRefused(Exception):
    """A file refused before or while parsing.

    Attributes:
        code: ``too_many_parts``, ``unpacks_too_large``, ``zip_bomb``, ``memory``, ``time``,
            ``nesting``, ``too_much_text`` or ``crashed``.
        detail: What is wrong and what to do, as a predicate ("unpacks to 400 MB, ...").
    """

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(detail)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.code, self.detail)


def _mb(size: float) -> str:
    return f"{size / MB:,.0f} MB"


_SPLIT = "split it into smaller files and upload those."
_RESAVE = "open it, save it again and upload that."


def check_zip(data: bytes, limits: ZipLimits = ZIP_LIMITS) -> None:
    """Refuse a zip container whose directory promises more than a document holds.

    Only the end record and the central directory are read. Bytes that are not a zip are
    left for the parser to report as damaged.

    Raises:
        FileRefused: too many parts, too much unpacked content, or a zip bomb.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65_535))
    if end < 0 or len(data) < end + 22:
        return
    entries, directory_bytes = struct.unpack_from("<HI", data, end + 10)
    if entries > limits.max_entries or directory_bytes > limits.max_directory_bytes:
        raise FileRefused(
            "too_many_parts",
            f"is a zip of more than {limits.max_entries:,} parts, more than any document "
            f"has, so I won't open it; {_RESAVE}",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return
    if len(parts) > limits.max_entries:
        raise FileRefused(
            "too_many_parts",
            f"is a zip of {len(parts):,} parts, more than any document has; {_RESAVE}",
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise FileRefused(
            "unpacks_too_large",
            f"unpacks to {_mb(unpacked)}, over the {_mb(limits.max_unpacked_bytes)} I read; "
            + _SPLIT,
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise FileRefused(
                "zip_bomb",
                f"has a part that unpacks to {ratio:,.0f} times its packed size, which no "
                f"document does (it looks like a zip bomb); {_RESAVE}",
            )


# -- running a parser in a child with limits -----------------------------------------

_PRELOAD: set[str] = {__name__}
_context: multiprocessing.context.BaseContext | None = None
_context_lock = threading.Lock()


def preload(*modules: str) -> None:
    """Import `modules` once in the fork server, so each child starts with them loaded.

    Call at import time of a module whose functions run bounded; later calls still work,
    their children import what they need themselves.
    """
    _PRELOAD.update(modules)


def _fork_server() -> multiprocessing.context.BaseContext:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__, *sorted(_PRELOAD - {__name__})])
            os.environ[_MAIN_ENV] = _main_reference()
            try:
                multiprocessing.forkserver.ensure_running()
            finally:
                os.environ.pop(_MAIN_ENV, None)
            _context = context
        return _context


# Each child of a fork server runs the parent's main module again unless the server has it
# as its own __main__ (CPython 3.11's forkserver means to preload it, but never gets the
# path). Loading the bot's CLI per child costs over a second, so the server adopts it once.
_MAIN_ENV = "LIVEPMO_FORK_SERVER_MAIN"


def _main_reference() -> str:
    """How the running program was started: ``name:pkg.module`` (``python -m``),
    ``path:/bin/livepmo`` (a script), or empty (``python -c``, pytest)."""
    main = sys.modules["__main__"]
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name:
        return "" if name.endswith("__main__") else f"name:{name}"
    path = getattr(main, "__file__", None)
    return f"path:{os.path.abspath(path)}" if path else ""


def _adopt_main() -> None:
    """In the fork server: run the parent's main module once, as ``__mp_main__``, and make
    it ``__main__``, which is what each child checks before running it again."""
    kind, _, target = os.environ.pop(_MAIN_ENV, "").partition(":")
    if kind == "path":
        multiprocessing.spawn.import_main_path(target)
    elif kind == "name":
        main = types.ModuleType("__mp_main__")
        main.__dict__.update(runpy.run_module(target, run_name="__mp_main__", alter_sys=True))
        sys.modules["__main__"] = sys.modules["__mp_main__"] = main


def run_bounded(func: Callable[..., T], /, *args: Any, budget: Budget | None = None) -> T:
    """``func(*args)`` in a child process with the memory and time of `budget` (`BUDGET`).

    `func` must be a module-level function, and its arguments and result picklable.
    Whatever `func` raises is raised here (with the child's traceback as a note).

    Raises:
        FileRefused: the child ran out of memory, CPU or wall time, or stack, returned
            more than ``budget.result_mb``, or died.
    """
    budget = budget or BUDGET
    context = _fork_server()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, budget, func, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(budget.wall_seconds):
            raise _refusal("time", budget)
        try:
            payload = receiver.recv_bytes(budget.result_mb * MB + 4096)
        except EOFError:  # died without a word: killed at the CPU limit, or crashed
            child.join(5)
            code = "time" if child.exitcode in (-signal.SIGXCPU, -signal.SIGKILL) else "crashed"
            log.warning("parser child %s exited with %s", func.__name__, child.exitcode)
            raise _refusal(code, budget) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    kind, value, *note = pickle.loads(payload)  # noqa: S301 - our own child wrote it
    if kind == "value":
        return value
    if kind == "refused":
        raise _refusal(value, budget)
    if note:
        value.add_note(note[0])
    raise value


def _refusal(code: str, budget: Budget) -> FileRefused:
    details = {
        "memory": f"needs more than the {budget.memory_mb} MB of memory I allow for reading "
        f"one file; {_SPLIT}",
        "time": f"took more than {budget.cpu_seconds} seconds to read; {_SPLIT}",
        "nesting": f"is nested too deeply to read; {_RESAVE}",
        "too_much_text": f"holds more than {budget.result_mb} MB of text; {_SPLIT}",
        "crashed": f"stopped the reader (it may be damaged); {_RESAVE}",
    }
    return FileRefused(code, details[code])


def _child(sender: Connection, budget: Budget, func: Callable[..., Any], args: tuple) -> None:
    """The child's side: limit itself, run, and send back one pickled outcome."""
    limit = _limit(budget)
    try:
        outcome: tuple[Any, ...] = ("value", func(*args))
    except Exception as exc:  # goes back to the parent, typed
        # C parsers (lxml) report a failed allocation as their own error: judge by usage too
        near_limit = limit > 0 and _vm("VmPeak") > limit - budget.memory_mb * MB // 10
        outcome = ("refused", "memory") if near_limit else _failure(exc)
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("refused", "memory"))
    except Exception as exc:  # an unpicklable exception: say what it was
        payload = pickle.dumps(("raise", RuntimeError(f"{outcome[1]!r} ({exc})")))
    if len(payload) > budget.result_mb * MB:
        payload = pickle.dumps(("refused", "too_much_text"))
    sender.send_bytes(payload)
    sender.close()


def _limit(budget: Budget) -> int:
    """Cap this process's address space at its current size plus the budget, and its CPU;
    returns the address-space limit (0 where there is no /proc to size it from)."""
    resource.setrlimit(resource.RLIMIT_CPU, (budget.cpu_seconds, budget.cpu_seconds + 2))
    start = _vm("VmSize")
    if not start:
        return 0
    limit = start + budget.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit


def _vm(field: str) -> int:
    """A `VmSize`-style figure of this process from /proc, in bytes (0 if unknown)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _failure(exc: BaseException) -> tuple[Any, ...]:
    """What the parent should raise: a refusal when memory or stack ran out anywhere in
    the exception's chain (parsers wrap errors in their own), else the exception itself."""
    seen: BaseException | None = exc
    for _ in range(20):  # a chain is short; never follow a cycle for ever
        if seen is None:
            break
        if isinstance(seen, MemoryError):
            return ("refused", "memory")
        if isinstance(seen, RecursionError):
            return ("refused", "nesting")
        seen = seen.__cause__ or seen.__context__
    trace = "".join(traceback.format_exception(exc))
    return ("raise", exc, f"in the parser's child process:\n{trace}")


_adopt_main()  # a no-op except in the fork server, which imports this module first
