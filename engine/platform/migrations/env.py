"""Alembic environment: the URL and connection come from ``engine.platform.schema.upgrade``."""
from __future__ import annotations

from alembic import context

from engine.platform.models import Base

config = context.config
target_metadata = Base.metadata

connectable = config.attributes.get("connection")
if connectable is None:
    from engine.platform.db import make_engine

    connectable = make_engine(config.get_main_option("sqlalchemy.url")).connect()
    context.configure(connection=connectable, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connectable.close()
else:
    context.configure(connection=connectable, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
