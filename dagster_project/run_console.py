"""``python -m dagster_project.run_console MODULE ARGS…``: ``python -m MODULE ARGS…`` with make run's console.

``make run`` becomes this process (``execve``, so the pid its hand-over names stays the same),
which runs the module exactly as ``-m`` would (``runpy``, as ``__main__``; spawned workers still
find a package's ``__main__`` and skip it). Started by ``make run`` (``run_summary.SUMMARY_ENV``
set), it passes the console output through ``run_summary.ConsoleFilter`` unless ``VERBOSE=1``
(:class:`FilteredConsole`) and prints the run's summary once the CLI is done; then it exits
the ordinary way, with the CLI's status.
"""

from __future__ import annotations

import contextlib
import logging
import os
import runpy
import sys
import threading
import time
import warnings
from collections.abc import Callable

from dagster_project.run_summary import CLI_WARNINGS, ConsoleFilter, final_lines, print_lines, take_request

USAGE = "usage: python -m dagster_project.run_console MODULE [ARGS…]"


def exit_status(code: object) -> int:
    """The status Python gives ``sys.exit(code)``: None is 0, an int itself, anything else is
    printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code)
    print(code, file=sys.stderr)
    return 1


class FilteredConsole:
    """Standard output and error (file descriptors 1 and 2) into pipes while the block runs; a
    thread per stream writes to the real one the lines its filter lets through.

    At the descriptors, not ``sys.stdout``: Dagster captures each step's output by pointing
    them at a file that ``tail -F`` copies to the console, and that file (the UI's stdout/stderr
    of the step) keeps every line. Children that outlive the block and still hold a pipe do not
    hold it up: the end is a marker line, not the pipe's end.
    """

    END = b"\x00run-console end\x00"

    def __init__(self, make_filter: Callable[[], Callable[[str], str | None]]):
        self.make_filter = make_filter
        self.streams: list[tuple[int, int, int, threading.Thread]] = []

    def __enter__(self) -> FilteredConsole:
        for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
            stream.flush()
            console = os.dup(fd)
            read, write = os.pipe()
            os.dup2(write, fd)
            thread = threading.Thread(
                target=self.pump, args=(read, console, self.make_filter()), name=f"console-{fd}", daemon=True
            )
            thread.start()
            self.streams.append((fd, console, write, thread))
        return self

    def __exit__(self, *exc: object) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        for fd, console, write, thread in self.streams:
            os.dup2(console, fd)
            os.write(write, self.END + b"\n")
            os.close(write)
            thread.join(timeout=10)
            if not thread.is_alive():
                os.close(console)
        self.streams.clear()

    @classmethod
    def pump(cls, read: int, console: int, keep: Callable[[str], str | None]) -> None:
        pending, writable = b"", True

        def emit(raw: bytes) -> None:
            nonlocal writable
            shown = keep(raw.decode("utf-8", "replace"))
            if shown is None or not writable:
                return
            data = (shown + "\n").encode("utf-8")
            try:
                while data:
                    data = data[os.write(console, data) :]
            except OSError:  # the console went away (`make run | head`): keep draining the pipe
                writable = False

        try:
            while chunk := os.read(read, 1 << 16):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    if raw.endswith(cls.END):
                        if raw[: -len(cls.END)]:
                            emit(raw[: -len(cls.END)])
                        return
                    emit(raw)
            if pending:
                emit(pending)
        finally:
            os.close(read)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(USAGE)
    request = take_request()  # make run's: a summary at the end, a quiet console unless VERBOSE=1
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]  # as -m leaves it (run_module sets argv[0] to the module's file)
    if request is not None:
        for message in CLI_WARNINGS:
            warnings.filterwarnings("ignore", message=message)
    quiet = request is not None and not request.verbose
    with FilteredConsole(lambda: ConsoleFilter().line) if quiet else contextlib.nullcontext():
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            status = 0
        except SystemExit as stop:
            status = exit_status(stop.code)
        logging.shutdown()
    if request is not None:
        try:
            lines = final_lines(request, status, time.time())
        except Exception as error:  # the summary never changes the run's outcome
            lines = [f"make run: {'done' if status == 0 else 'FAILED'} (no summary: {error!r})"]
        print_lines(lines)
    sys.exit(status)


if __name__ == "__main__":
    main()
