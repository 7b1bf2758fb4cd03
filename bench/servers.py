"""The servers under test, each in its own process on 127.0.0.1, and what they cost.

``Workspace`` is one benchmark run's instance folder: a SQLite database migrated and seeded once
with ``python -m bench.seed`` (every Kreds target shares it, and so the log-ins). ``Deployment``
starts one target's processes (Kreds through ``python -m server``, or the bare relay), and reads
their CPU time and resident memory with psutil."""

from __future__ import annotations

import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psutil
import requests

from bench.plan import Target

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # only ever the loopback
# Connections a server process of the run may hold: above any ramp's members (the default of
# 10,000 would end a ramp that goes past it by refusing sockets, not by the server's work).
MAX_CONNECTIONS = 60_000
# Files a process holds besides its members' sockets: the database, logs, pipes, Redis.
SPARE_FILES = 512


def raise_open_files_limit() -> int:
    """Raise this process's soft limit of open files to its hard limit, and return it: every
    member's socket is a file, in the load and in the server alike (the servers and the load
    processes inherit the limit from the controller; each raises its own too)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1_048_576 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return int(soft)


def members_within_limits(members: int, processes: int = 1) -> list[str]:
    """What on this machine keeps ``members`` sockets from one host (the load) from reaching
    a server of ``processes`` processes, in words (none: nothing does)."""
    problems = []
    files = raise_open_files_limit()
    if members // processes + SPARE_FILES > files:
        problems.append(
            f"open files: a server process would hold {members // processes:,} sockets, the "
            f"limit is {files:,} (raise the hard limit: ulimit -Hn)"
        )
    ports = _ephemeral_ports()
    if ports is not None and members > ports:
        problems.append(f"ephemeral ports: {members:,} sockets, {ports:,} ports")
    return problems


def _ephemeral_ports() -> int | None:
    """How many local ports Linux hands out to connections from this host to one address."""
    found = Path("/proc/sys/net/ipv4/ip_local_port_range")
    if not found.exists():
        return None
    low, high = (int(n) for n in found.read_text().split())
    return high - low + 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Workspace:
    """A temporary instance folder with a migrated, bench-seeded database."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="kreds-bench-")
        self.path = Path(self._folder.name)
        # One secret for every server of the run: a session cookie made by one is good on all.
        self.env = {
            **os.environ,
            "KREDS_INSTANCE_DIR": str(self.path),
            "KREDS_CONFIG": "development",
            "FLASK_APP": "server",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore",
            # Thousands of log-ins from 127.0.0.1: the log-in rate limit would refuse them.
            "KREDS_RATELIMIT_ENABLED": "0",
            "KREDS_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
        }
        for name in ("DATABASE_URL", "REDIS_URL", "KREDS_ASYNC_MODE", "KREDS_REDIS_PREFIX"):
            self.env.pop(name, None)
        self.meetings: list[dict[str, Any]] = []
        self.password = ""

    def flask(self, *args: str) -> str:
        return self.run("flask", *args)

    def run(self, module: str, *args: str) -> str:
        """``python -m module args`` with this instance's environment; its output."""
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self, meetings: int) -> None:
        self.flask("db", "upgrade")
        out = self.path / "bench-seed.json"
        self.run("bench.seed", "--meetings", str(meetings), "--out", str(out))
        seeded = json.loads(out.read_text())
        self.meetings = seeded["meetings"]
        self.password = seeded["password"]

    def close(self) -> None:
        self._folder.cleanup()


class ServerProcess:
    def __init__(
        self,
        command: list[str],
        env: dict[str, str],
        log_path: Path,
        *,
        cwd: Path = ROOT,
        tty: bool = False,
    ) -> None:
        self.log_path = log_path
        # Flask-SocketIO refuses to serve with Werkzeug (threading mode) unless standard input
        # is a terminal or it is told otherwise, which ``python -m server`` of checkouts before
        # 2026-12 (``--server-root``) is not: it gets a pseudo-terminal for that mode.
        stdin: int | None = None
        terminal = -1
        if tty:
            terminal, stdin = os.openpty()
        with log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=stdin, stdout=log, stderr=subprocess.STDOUT
            )
        if tty:
            os.close(stdin)  # type: ignore[arg-type]
            self._terminal = terminal
        self.ps = psutil.Process(self.popen.pid)

    def cpu_seconds(self) -> float:
        times = self.ps.cpu_times()
        return float(times.user + times.system)

    def rss(self) -> int:
        return int(self.ps.memory_info().rss)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        terminal = getattr(self, "_terminal", -1)
        if terminal >= 0:
            os.close(terminal)
            self._terminal = -1


class Deployment:
    """The processes of one target; members are spread over ``urls``."""

    def __init__(
        self, target: Target, workspace: Workspace, redis_url: str, server_root: Path = ROOT
    ) -> None:
        """``server_root``: the checkout whose ``server`` package serves Kreds (another one
        measures a change before and after; the database and the bench itself stay these)."""
        self.target = target
        self.server_root = server_root
        self.workspace = workspace
        self.redis_url = redis_url
        self.prefix = f"kreds-bench-{uuid.uuid4().hex[:10]}"
        self.processes: list[ServerProcess] = []
        self.urls: list[str] = []

    def _command(self, port: int) -> list[str]:
        if self.target.app == "kreds":
            return [sys.executable, "-m", "server", "--host", HOST, "--port", str(port)]
        command = [sys.executable, "-m", "bench.baseline_app", "--host", HOST, "--port", str(port)]
        command += ["--mode", self.target.mode]
        if self.target.on_redis:
            command += ["--redis-url", self.redis_url, "--channel", f"{self.prefix}:socketio"]
        return command

    def _env(self) -> dict[str, str]:
        env = {**self.workspace.env, "KREDS_ASYNC_MODE": self.target.mode}
        if self.target.on_redis:
            env.update(REDIS_URL=self.redis_url, KREDS_REDIS_PREFIX=self.prefix)
        return env

    def start(self, timeout: float = 60) -> None:
        for number in range(self.target.processes):
            port = free_port()
            log = self.workspace.path / f"{self.target.name}-{number}.log"
            kreds = self.target.app == "kreds"
            tty = kreds and self.target.mode == "threading"
            cwd = self.server_root if kreds else ROOT
            process = ServerProcess(self._command(port), self._env(), log, cwd=cwd, tty=tty)
            self.processes.append(process)
            self.urls.append(f"http://{HOST}:{port}")
        for process, url in zip(self.processes, self.urls, strict=True):
            self._wait_until_up(process, url, timeout)

    def _wait_until_up(self, process: ServerProcess, url: str, timeout: float) -> None:
        page = "/login" if self.target.app == "kreds" else "/"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{self.target.name} exited:\n{process.log()[-3000:]}")
            try:
                if requests.get(url + page, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.target.name} did not answer:\n{process.log()[-3000:]}")

    def cpu_seconds(self) -> list[float]:
        return [p.cpu_seconds() for p in self.processes]

    def rss(self) -> int:
        return sum(p.rss() for p in self.processes)

    def alive(self) -> bool:
        return all(p.popen.poll() is None for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
        if self.target.on_redis:
            forget_redis_prefix(self.redis_url, self.prefix)


def redis_available(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def forget_redis_prefix(url: str, prefix: str) -> None:
    """Delete this run's keys (rooms, bindings, timers) from the shared Redis."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    except redis.RedisError:
        pass


def redis_server_process() -> psutil.Process | None:
    """The local redis-server, to read its CPU time (two-process targets)."""
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "redis-server":
            return process
    return None
