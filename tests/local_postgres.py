"""A throwaway PostgreSQL server for a test: Debian's binaries, a data directory of its own,
TCP on 127.0.0.1 only (a free port) and its unix socket in that directory, never the system's.

``initdb`` and ``postgres`` refuse to run as root: as root (CI), they run as the ``postgres``
user (else ``nobody``) through ``runuser``, in a directory under /tmp that user owns (pytest's
own temporary directories are root's, mode 0700). Password authentication (scram-sha-256) on
every connection, as a production server has it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "test-superuser-secret"
SERVER_USERS = ("postgres", "nobody")  # who runs initdb and postgres when this process is root
START_TIMEOUT_S = 60


def bin_dir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: the newest /usr/lib/postgresql/<version>/bin (Debian's
    package puts them there, not on PATH), else the directory of ``initdb`` on PATH."""
    debian = sorted(
        (path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").is_file()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1]
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path and shutil.which("pg_ctl") else None


def server_user() -> str | None:
    """The unprivileged user the server runs as when this process is root; None: as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in SERVER_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError(f"running as root and none of the users {SERVER_USERS} exists to run PostgreSQL")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    root: Path  # data directory, socket and log live under it

    def connect(self, database: str = "postgres", user: str = SUPERUSER, password: str = SUPERUSER_PASSWORD):
        """A psycopg2 connection over TCP (autocommit: CREATE DATABASE cannot run in a transaction)."""
        import psycopg2

        con = psycopg2.connect(
            host=self.host, port=self.port, dbname=database, user=user, password=password, connect_timeout=10
        )
        con.autocommit = True
        return con

    def create_role_and_database(self, name: str, password: str) -> None:
        """A login role without superuser rights and a database it owns: what the deployment's
        docs tell an administrator to create."""
        con = self.connect()
        try:
            with con.cursor() as cur:
                cur.execute(f'CREATE ROLE "{name}" LOGIN PASSWORD %s', (password,))
                cur.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
        finally:
            con.close()


def run(command: list[str], user: str | None, log: Path | None = None) -> None:
    """``command`` as ``user`` (None: as this process); its output in the error where it fails."""
    full = ["runuser", "-u", user, "--", *command] if user else command
    done = subprocess.run(full, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)
    if done.returncode != 0:
        detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
        raise RuntimeError(
            f"{' '.join(full)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{detail}"
        )


@contextmanager
def local_postgres(binaries: Path) -> Iterator[Server]:
    """A running server for the block; stopped and its directory removed afterwards, even when the
    block raises."""
    user = server_user()
    root = Path(tempfile.mkdtemp(prefix="ogi-pg-"))  # short: a unix socket path has ~107 bytes
    data, log, password_file = root / "data", root / "server.log", root / "superuser.pw"
    password_file.write_text(SUPERUSER_PASSWORD + "\n", encoding="utf-8")
    if user:
        entry = pwd.getpwnam(user)
        for path in (root, password_file):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = free_port()
    started = False
    try:
        run(
            [
                str(binaries / "initdb"),
                *("-D", str(data), "-U", SUPERUSER, f"--pwfile={password_file}"),
                *("--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale"),
                "--no-sync",  # a throwaway cluster: no fsync of its files (~1 s)
            ],
            user,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
        run(
            [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
            user,
            log,
        )
        started = True
        yield Server(host="127.0.0.1", port=port, root=root)
    finally:
        try:
            if started:
                run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user, log)
        finally:
            shutil.rmtree(root, ignore_errors=True)
