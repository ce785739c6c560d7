"""The schema changes only through Alembic: the migrations produce exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import Base


def test_migrations_match_the_models(app):
    engine = app.extensions["boussole.engine"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_existing_platforms_keep_trust_by_how_they_came(tmp_path):
    """0005: platforms an admin entered stay trusted for calibration; Dynamic Registrations not."""
    from sqlalchemy import text

    from lti_tool import create_app, migrate

    url = "sqlite:///" + str(tmp_path / "old.sqlite3")
    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "DATABASE_URL": url})
    migrate.upgrade(app, "0004")
    engine = app.extensions["boussole.engine"]
    insert = text(
        "INSERT INTO platform (name, issuer, client_id, auth_login_url, auth_token_url, "
        "key_set_url, active, registration_source, created_at) "
        "VALUES ('', :iss, 'c', 'a', 't', 'k', true, :source, CURRENT_TIMESTAMP)"
    )
    with engine.begin() as conn:
        conn.execute(insert, {"iss": "https://manual.example.fr", "source": "manual"})
        conn.execute(insert, {"iss": "https://dr.example.fr", "source": "dynamic"})
    migrate.upgrade(app)
    with engine.connect() as conn:
        rows = dict(
            conn.execute(text("SELECT issuer, trusted_for_calibration FROM platform"))
            .tuples()
            .all()
        )
    engine.dispose()
    assert rows == {"https://manual.example.fr": 1, "https://dr.example.fr": 0}
