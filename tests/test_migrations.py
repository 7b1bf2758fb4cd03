"""Migrations upgrade an empty database to the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from server import create_app
from server.config import TestingConfig, database_url
from server.extensions import db

POSTGRES_URL = database_url(
    os.environ.get("KREDS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
)


def _postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            return True
    except Exception:
        return False


def _upgrade_and_compare(url: str) -> None:
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"the migrations and the models differ: {diff}"
        downgrade(revision="base")
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_migrations_build_the_schema_on_sqlite(tmp_path: Path) -> None:
    _upgrade_and_compare(f"sqlite:///{tmp_path / 'kreds.db'}")


@pytest.fixture
def postgres_database() -> Iterator[str]:
    if not _postgres_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    name = f"kreds_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_migrations_build_the_schema_on_postgresql(postgres_database: str) -> None:
    _upgrade_and_compare(postgres_database)
