"""Persistence: SQLAlchemy models, Alembic migrations, repositories returning coach dataclasses."""

from __future__ import annotations

from storage.db import DEFAULT_URL, create_engine, downgrade, migrate
from storage.unit_of_work import Store, UnitOfWork, open_store

__all__ = [
    "DEFAULT_URL",
    "Store",
    "UnitOfWork",
    "create_engine",
    "downgrade",
    "migrate",
    "open_store",
]
