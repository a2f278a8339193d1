"""dbt processes started ahead of their command, so a run does not wait for dbt to import.

Every ``dbt`` command starts a Python process that imports dbt-core (~1.7 s on these machines)
before it reads a file; a run makes two of them (``dbt_warehouse``, ``dbt_yearly``), one after
the other, while a core sits idle (registration is one process, a dbt build mostly one thread).
A *standby* is a process that has imported dbt and waits on a Unix socket for the command it
will run. ``dbt-offline`` (what dagster-dbt starts) hands a standby its arguments, working
directory, environment and stdout/stderr, then waits for its exit code: dagster-dbt reads dbt's
events from the same pipe as ever. Without a standby (none started, or every one taken),
``dbt-offline`` runs dbt itself.

A standby runs one command and exits. It gives up when its parent process (the one that
started it) is gone or after :data:`IDLE_SECONDS`, and it stops its dbt if the ``dbt-offline``
holding it dies (a killed run leaves no dbt behind, holding the warehouse). It lives in its
parent's process group, so a signal to the run's group reaches it too.

``python -m dagster_project.dbt_standby <socket>`` is a standby; :func:`start` starts one in a
directory, :func:`run_on_standby` is the ``dbt-offline`` side.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

DIRECTORY_ENV = "OGI_DBT_STANDBY"  # the directory of the run's standby sockets, for dbt-offline
SOCKET_SUFFIX = ".sock"
CLAIMED_SUFFIX = ".claimed"
IDLE_SECONDS = 3600.0  # a full build parses for minutes before dbt starts
POLL_SECONDS = 1.0
START_SECONDS = 10.0  # for a standby to listen; one that is slower is simply not waited for
MAX_REQUEST = 1 << 22  # argv and environment of one command
FORWARDED = (signal.SIGINT, signal.SIGTERM)  # from dbt-offline to the standby running its command


def start(directory: Path) -> subprocess.Popen:
    """Start a standby in ``directory``; returns once it listens (~0.1 s), while dbt imports."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex[:12]}{SOCKET_SUFFIX}"
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.dbt_standby", str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_SECONDS
    while not path.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return process


def stop(process: subprocess.Popen) -> None:
    """Stop a standby no command took (one that runs a command is left to finish it)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the dbt-offline side ----------------------------------------------------------------------


def claim(directory: Path) -> Path | None:
    """Take one standby's socket for this process alone (renaming it), or None if none is free."""
    try:
        names = sorted(p for p in directory.iterdir() if p.name.endswith(SOCKET_SUFFIX))
    except OSError:
        return None
    for path in names:
        claimed = path.with_name(f"{path.name}.{os.getpid()}{CLAIMED_SUFFIX}")
        try:
            os.rename(path, claimed)  # atomic: of two dbt-offline processes, one gets it
        except OSError:
            continue
        return claimed
    return None


def run_on_standby(directory: Path, args: list[str]) -> int | None:
    """Run ``dbt args`` on a standby of ``directory``: its exit code, or None if none could take it."""
    path = claim(directory)
    if path is None:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
        request = {"args": args, "cwd": os.getcwd(), "env": dict(os.environ)}
        sys.stdout.flush()
        sys.stderr.flush()
        socket.send_fds(connection, [json.dumps(request).encode()], [1, 2])
        reply = connection.makefile("r", encoding="utf-8")
        started = reply.readline()
    except OSError:
        connection.close()
        return None
    finally:
        path.unlink(missing_ok=True)
    if not started:  # the standby died before it took the command: run dbt here
        connection.close()
        return None
    pid = json.loads(started)["pid"]
    forward = {sig: signal.signal(sig, lambda signum, _frame: os.kill(pid, signum)) for sig in FORWARDED}
    try:
        finished = reply.readline()
    finally:
        for sig, handler in forward.items():
            signal.signal(sig, handler)
        connection.close()
    if not finished:  # killed mid-command: report it as a signal would
        return 128 + signal.SIGKILL
    return int(json.loads(finished)["exit_code"])


# --- the standby side --------------------------------------------------------------------------


def serve(path: Path) -> int:
    """Import dbt, wait for one command on ``path``, run it with the caller's stdout and stderr."""
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))  # a dbt-offline that connects now waits for the import below
    listener.listen(1)
    from dbt.cli.main import cli  # the point of a standby: imported before anyone waits for it

    listener.settimeout(POLL_SECONDS)
    waited = 0.0
    while True:
        try:
            connection, _ = listener.accept()
            break
        except TimeoutError:
            waited += POLL_SECONDS
            if os.getppid() != parent or waited >= IDLE_SECONDS:
                listener.close()
                path.unlink(missing_ok=True)  # unless a dbt-offline has just claimed it
                return 0
    listener.close()
    message, fds, _flags, _address = socket.recv_fds(connection, MAX_REQUEST, 2)
    request = json.loads(message)
    adopt_streams(fds)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    connection.sendall((json.dumps({"pid": os.getpid()}) + "\n").encode())
    finished = threading.Event()
    watch_caller(connection, finished)
    try:
        exit_code = run_dbt(cli, request["args"])
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        finished.set()
    connection.sendall((json.dumps({"exit_code": exit_code}) + "\n").encode())
    connection.close()
    return exit_code


def adopt_streams(fds: list[int]) -> None:
    """The caller's stdout and stderr become this process's, line-buffered as dbt-offline's are."""
    for target, fd in zip((1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115


def watch_caller(connection: socket.socket, finished: threading.Event) -> None:
    """If the dbt-offline that holds this command dies, so does its dbt (the socket closes)."""

    def wait() -> None:
        with contextlib.suppress(OSError):
            connection.recv(1)  # the caller sends nothing more: this returns when it is gone
        if not finished.is_set():
            os._exit(128 + signal.SIGKILL)

    threading.Thread(target=wait, name="dbt-standby-caller", daemon=True).start()


def run_dbt(cli, args: list[str]) -> int:
    """dbt's own CLI, as ``dbt-offline`` runs it in process."""
    try:
        cli.main(args=args, prog_name="dbt", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(serve(Path(sys.argv[1])))
