"""Fixtures for both legs of the suite.

Embedded (default): a SQLite file in a temporary folder, jobs run in-process.
Real: ``EST_DATABASE_URL`` (the application role, which owns nothing), ``EST_MIGRATION_DATABASE_URL`` (the
schema owner) and ``EST_REDIS_URL`` with an ``est worker`` running against the same settings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from config.settings import Settings
from core.app import create_app
from core.migrate import upgrade
from core.models import Base
from core.ratelimit import reset_login_counts
from tests.helpers import Api
from tests.language_check import leaks

# The browser tests' fixtures (``server``, ``browser``) for every browser test module.
pytest_plugins = ("tests.browser",)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    instance = tmp_path_factory.mktemp("instance")
    return Settings.from_env({"instance_path": str(instance)})


@pytest.fixture(scope="session")
def real_services(settings: Settings) -> bool:
    return not settings.embedded


LANGUAGE_LEAKS: list[tuple[str, str, list[str]]] = []


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    upgrade(settings)
    app = create_app(settings)

    @app.after_request
    def _check_language(response):
        """Every response of the suite: no message of the other language (tests/language_check.py)."""
        from flask import request

        # A text the request itself carried (a name the fuzzer took from the catalogue) is an echo, not a leak.
        too_large = (request.content_length or 0) > (app.config.get("MAX_CONTENT_LENGTH") or float("inf"))
        sent = ("" if too_large else request.get_data(as_text=True)) + request.query_string.decode(errors="replace")
        found = [text for text in leaks(response) if text not in sent]
        if found:
            LANGUAGE_LEAKS.append((request.method, request.path, found))
        return response

    return app


@pytest.fixture(autouse=True)
def one_language_per_response(app: Flask) -> Iterator[None]:
    """Fail a test whose requests got an answer mixing Swedish and English."""
    LANGUAGE_LEAKS.clear()
    yield
    leaked, LANGUAGE_LEAKS[:] = list(LANGUAGE_LEAKS), []
    assert not leaked, f"texts of the other language in responses: {leaked}"


WIPE_ATTEMPTS = 5
# Each sequence back to 1, so that a test's first row has id 1 on both legs.
RESTART_SEQUENCES = """
    SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S' AND n.nspname = current_schema()
"""


@pytest.fixture(scope="session")
def owner_engine(settings: Settings) -> Iterator[Engine]:
    engine = create_engine(settings.migration_database_url)
    yield engine
    engine.dispose()


def _wipe(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    for attempt in range(WIPE_ATTEMPTS):
        try:
            _wipe_once(engine, tables)
            return
        except (OperationalError, IntegrityError) as error:
            # The real worker may still be finishing a test's job (delivering its mail): the DELETEs can then lose a
            # deadlock against it, or meet a row it inserted into a table already emptied. PostgreSQL rolled them
            # back; start again once it is done.
            retried = isinstance(error, IntegrityError) or "deadlock detected" in str(error)
            if not retried or attempt == WIPE_ATTEMPTS - 1:
                raise
            time.sleep(0.2)


def _wipe_once(engine: Engine, tables: list[str]) -> None:
    # DELETE, not TRUNCATE: a test leaves a few rows, and PostgreSQL's TRUNCATE of ~30 tables (new files for each)
    # took ~100 ms a test, ~100 s of the real leg; these DELETEs take ~6 ms.
    with engine.begin() as connection:
        for table in tables:
            connection.execute(text(f"DELETE FROM {table}"))
        if engine.dialect.name == "postgresql":
            connection.execute(text(RESTART_SEQUENCES))


@pytest.fixture(autouse=True)
def clean_database(app: Flask, owner_engine: Engine) -> Iterator[None]:
    yield
    _wipe(owner_engine)


@pytest.fixture(autouse=True)
def fresh_login_counts(app: Flask) -> Iterator[None]:
    """Failed logins of one test (or of an earlier run, on Redis) never throttle another."""
    reset_login_counts(app)
    yield
    reset_login_counts(app)


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app)
