"""Alembic, driven from the application's configuration."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(app: Flask) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    engine = app.extensions["boussole.engine"]
    cfg = alembic_config(app)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(app: Flask, revision: str) -> None:
    engine = app.extensions["boussole.engine"]
    cfg = alembic_config(app)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def autogenerate(app: Flask, message: str) -> None:
    cfg = alembic_config(app)
    command.revision(cfg, message=message, autogenerate=True)
