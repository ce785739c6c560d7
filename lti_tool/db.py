"""Database engine and the request's session. Services flush; the view layer commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from models import Base


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["boussole.engine"] = engine
    app.extensions["boussole.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def engine() -> Engine:
    eng: Engine = current_app.extensions["boussole.engine"]
    return eng


def session() -> Session:
    """The session of the current request (or CLI command), created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["boussole.sessionmaker"]()
    s: Session = g.db_session
    return s


@contextmanager
def new_session() -> Iterator[Session]:
    """A session of its own, for work outside the request's transaction (outbox workers)."""
    s: Session = current_app.extensions["boussole.sessionmaker"]()
    try:
        yield s
    finally:
        s.close()


def create_all_for_tests(app: Flask) -> None:
    """Only for throwaway databases; real databases go through ``boussole db upgrade``."""
    Base.metadata.create_all(app.extensions["boussole.engine"])
