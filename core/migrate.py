"""Schema migrations (Alembic) — the only way the schema is made, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from config.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Upgrade the schema as its owner, then grant the application role data rights (and nothing more)."""
    if settings.embedded:
        Path(settings.instance_path).mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.migration_database_url), revision)
    if settings.app_role and not settings.embedded:
        grant_app_role(settings.migration_database_url, settings.app_role)


# Columns the application role cannot read: checks go through the functions of migration 0006.
SECRET_COLUMNS = {"users": "password_hash", "api_tokens": "token_hash"}


def grant_app_role(owner_url: str, role: str) -> None:
    """Data rights on every table, except SELECT of :data:`SECRET_COLUMNS` (an UPDATE or DELETE may still name any
    other column in its WHERE)."""
    engine = create_engine(owner_url)
    quoted = engine.dialect.identifier_preparer.quote(role)
    with engine.begin() as connection:
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
        connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"))
        connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
        connection.execute(text(f"REVOKE ALL ON TABLE alembic_version FROM {quoted}"))
        for table, secret in SECRET_COLUMNS.items():
            readable = connection.execute(
                text(
                    "select string_agg(quote_ident(column_name), ', ') from information_schema.columns "
                    "where table_schema = 'public' and table_name = :table and column_name <> :secret"
                ),
                {"table": table, "secret": secret},
            ).scalar_one()
            connection.execute(text(f"REVOKE SELECT ON TABLE {table} FROM {quoted}"))
            connection.execute(text(f"GRANT SELECT ({readable}) ON TABLE {table} TO {quoted}"))
    engine.dispose()
