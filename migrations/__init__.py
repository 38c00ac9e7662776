"""Alembic migrations: the single source of the dustwatch schema."""
