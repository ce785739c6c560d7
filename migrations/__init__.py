"""Alembic migrations: the only way Boussole's schema changes."""
