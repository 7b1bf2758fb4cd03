"""A Redis and a PostgreSQL of the test's own, on free ports, that the test may stop, kill and start
again without touching the services other tests use.

- :class:`PrivateRedis`: ``redis-server`` with nothing saved (a restart comes back empty).
- :class:`PrivatePostgres`: a throwaway PostgreSQL cluster (``initdb`` in a temporary folder,
  trust authentication, fsync off), run as the ``postgres`` user when the test runs as root,
  because PostgreSQL refuses to run as root.

Each says why it cannot run (:func:`redis_missing`, :func:`postgres_missing`) so that the fixture
skips with that reason."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import redis
import sqlalchemy as sa

from tests.live_server import free_port

POSTGRES_BIN = Path(os.environ.get("KREDS_TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
POSTGRES_USER = "postgres"


def redis_missing() -> str | None:
    """Why a private Redis cannot run here (None: it can)."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (apt-get install redis-server)"
    return None


class PrivateRedis:
    """``redis-server`` on a free port, saving nothing: started again, it is empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._folder = tempfile.TemporaryDirectory(prefix="kreds-faults-redis-")
        self.log_path = Path(self._folder.name) / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRedis:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        command += ["--dir", self._folder.name]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{self.log_path.read_text()}")
            if self.answers():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer:\n{self.log_path.read_text()}")

    def answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self, kill: bool = False) -> None:
        """SIGTERM (or SIGKILL: a crash) and wait until it is gone."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def restart(self, kill: bool = True) -> None:
        """Gone (killed by default, as in a crash) and back, empty, on the same port."""
        self.stop(kill=kill)
        self.start()

    def close(self) -> None:
        self.stop()
        self._folder.cleanup()


def postgres_missing() -> str | None:
    """Why a private PostgreSQL cluster cannot run here (None: it can)."""
    for tool in ("initdb", "pg_ctl"):
        if not (POSTGRES_BIN / tool).exists():
            return f"{POSTGRES_BIN / tool} is missing (PostgreSQL 15's server binaries)"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing (PostgreSQL refuses to run as root)"
        try:
            pwd.getpwnam(POSTGRES_USER)
        except KeyError:
            return f"running as root and there is no {POSTGRES_USER!r} user to run PostgreSQL"
    return None


class PrivatePostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port, with one database
    (``kreds``); trust authentication for the ``postgres`` role, over TCP on 127.0.0.1 only."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="kreds-faults-pg-"))
        self.data = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self.url = f"postgresql+psycopg2://{POSTGRES_USER}@127.0.0.1:{self.port}/kreds"
        self._as_root = os.geteuid() == 0
        if self._as_root:
            self.root.chmod(0o755)
            entry = pwd.getpwnam(POSTGRES_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, tool: str, args: Sequence[str], timeout: float = 60) -> str:
        command = [str(POSTGRES_BIN / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", POSTGRES_USER, "--", *command]
        done = subprocess.run(
            command,
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed:\n{done.stdout}\n{done.stderr}\n{self.log()}")
        return done.stdout

    def create(self) -> PrivatePostgres:
        """initdb, start, and make the database."""
        self._run(
            "initdb",
            ["-D", str(self.data), "-U", POSTGRES_USER, "--auth=trust", "-E", "UTF8", "--no-sync"],
        )
        self.start()
        admin = sa.create_engine(
            self.url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(sa.text("CREATE DATABASE kreds"))
        admin.dispose()
        return self

    def start(self) -> None:
        # Test data need not survive a power cut; the socket directory is the cluster's own.
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl", ["-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "start"]
        )

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as in a restart by an operator."""
        self._run("pg_ctl", ["-D", str(self.data), "-m", "fast", "-w", "stop"])

    def answers(self) -> bool:
        engine = sa.create_engine(self.url, connect_args={"connect_timeout": 2})
        try:
            with engine.connect():
                return True
        except sa.exc.OperationalError:
            return False
        finally:
            engine.dispose()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", ["-D", str(self.data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)
