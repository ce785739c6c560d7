"""``boussole demo``: the product on SQLite with a stand-in LMS, ready to click through."""

from __future__ import annotations

import os

import click


@click.command("demo")
@click.option("--host", default="localhost", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Start Boussole with the demo LMS at http://HOST:PORT/demo (development only)."""
    os.environ["BOUSSOLE_DEMO"] = "1"
    os.environ.setdefault("BOUSSOLE_BASE_URL", f"http://{host}:{port}")
    from lti_tool import create_app, migrate
    from lti_tool import db as database
    from lti_tool.demo import ensure_registration

    app = create_app()
    with app.app_context():
        migrate.upgrade(app)
        session = database.session()
        ensure_registration(session, app)
        from lti_tool.bank_store import import_shipped_bank

        click.echo(import_shipped_bank(session).summary())
        session.commit()
    base = app.config["BASE_URL"]
    click.echo(f"\n  Boussole demo: open {base}/demo  (admin pages: {base}/admin)\n")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
