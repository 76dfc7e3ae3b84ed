"""Alembic environment: the URL comes from the caller (``kansli.db.upgrade``), never from a file."""
from alembic import context

from kansli.db import engine_for
from kansli.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("kansli.db.upgrade sets sqlalchemy.url; run migrations through it")
    connectable = engine_for(url)
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table, drops it and renames the copy; with foreign keys enforced the
            # drop fails once other rows point into the table. SQLite only changes this outside a transaction,
            # and the check after the migrations makes sure nothing was left pointing nowhere.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite's FTS5 tables are made by hand in a migration; autogenerate must leave them be.
            include_name=lambda name, type_, _parents: not (type_ == "table" and (name or "").startswith("registry_fts")),
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
