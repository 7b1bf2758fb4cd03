"""Several Kreds processes as one deployment: the same Redis (and key prefix) and one database,
a temporary PostgreSQL database when PostgreSQL answers, else one SQLite file."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import redis
import requests
import sqlalchemy as sa

from server.config import database_url
from tests.live_server import LiveServer
from tests.scale.redis_helpers import REDIS_URL, keys_under, new_prefix

# Prometheus' bearer token for /metrics, which answers nobody without one.
METRICS_TOKEN = "scale-test-metrics-token-0123456789"
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
POSTGRES_URL = database_url(
    os.environ.get("KREDS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
)


def postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            return True
    except Exception:
        return False
    finally:
        engine.dispose()


@contextmanager
def shared_database() -> Iterator[str]:
    """A database URL for every process: a fresh PostgreSQL database, or an SQLite file."""
    if not postgres_reachable():
        with tempfile.TemporaryDirectory(prefix="kreds-scale-") as folder:
            yield f"sqlite:///{Path(folder) / 'kreds.db'}"
        return
    name = f"kreds_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Deployment:
    """``count`` processes sharing Redis and a database; the first migrates and seeds."""

    def __init__(
        self,
        database: str,
        count: int = 3,
        command: Sequence[str] | None = None,
        **settings: str,
    ) -> None:
        self.prefix = new_prefix()
        self.database = database
        env = {
            "REDIS_URL": REDIS_URL,
            "KREDS_REDIS_PREFIX": self.prefix,
            "DATABASE_URL": database,
            "SECRET_KEY": "scale-test-secret-shared-by-every-process-0123456789",
            "KREDS_METRICS_TOKEN": METRICS_TOKEN,
            **settings,
        }
        self.servers = [LiveServer(env=env, prepare=n == 0, command=command) for n in range(count)]

    def start(self) -> Deployment:
        """The first migrates and seeds; then every process starts at once."""
        try:
            for server in self.servers:
                server.launch()
            for server in self.servers:
                server.wait_until_up()
        except Exception:
            self.close()
            raise
        return self

    @property
    def meeting_id(self) -> int:
        return self.servers[0].demo_meeting_id

    def metrics(self, server: LiveServer) -> dict[str, float]:
        """The process's Prometheus samples (``name{labels}`` -> value)."""
        text = requests.get(f"{server.url}/metrics", headers=SCRAPER, timeout=5).text
        samples: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        return samples

    def close(self) -> None:
        """Stop every process, then remove the deployment's keys from Redis."""
        for server in self.servers:
            server.terminate()
        for server in self.servers:
            server.close()
        client = redis.Redis.from_url(REDIS_URL)
        for key in keys_under(client, self.prefix):
            client.delete(key)
        client.close()
