"""Malformed requests across every route, anonymous and with real launch tokens (learner,
instructor, deep linking) and an admin session: no response is a 5xx, and anonymous requests
leave nothing lasting in the database.

Derandomized (the suite's hypothesis profile): the same requests on every run. The number per
identity adds up to 5,400 on each database backend.
"""

from __future__ import annotations

import io
import logging
import os
import re
import traceback
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lti_tool import db as database
from lti_tool.quiz import pool as pool_cache
from models import Base
from tests.admin.conftest import create_admin, sign_in
from tests.fuzz.requests_strategy import FuzzRequest, fuzz_requests

SCALE = float(os.environ.get("BOUSSOLE_FUZZ_SCALE", "1"))
QUOTAS = {"anonymous": 2000, "learner": 1200, "instructor": 800, "deep_linking": 600, "admin": 800}
#: Written by anonymous requests on purpose, and bounded: login state (expires, swept),
#: failed sign-ins (swept after the lock window), the tool's first key pair (JWKS).
ANONYMOUS_MAY_WRITE = {"lti_state_value", "sign_in_failure", "tool_key"}


def _send(client: Any, req: FuzzRequest) -> Any:
    kwargs: dict[str, Any] = {"query_string": MultiDict(req.query)}
    if req.body_kind == "form":
        kwargs["data"] = MultiDict(req.pairs)
    elif req.body_kind == "multipart":
        data = MultiDict(req.pairs)
        data.add("file", (io.BytesIO(req.raw), "upload.zip"))
        kwargs.update(data=data, content_type="multipart/form-data")
    elif req.body_kind == "raw":
        kwargs.update(data=req.raw, content_type=req.content_type or None)
    return client.open(req.path, method=req.method, **kwargs)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        db = database.session()
        return {
            t.name: db.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def _token(page) -> str:
    return re.search(r"lt=([^&\"#]+)", page.url).group(1)


@pytest.fixture
def identities(platform, bank) -> dict[str, Any]:
    """Real launch tokens from signed launches of the stand-in LMS, and a signed-in admin."""
    pool_cache.clear()
    learner = platform.browser().launch(user="3", resource_link=platform.first_link())
    teacher = platform.browser().launch(user="4", resource_link=platform.first_link())
    linking = platform.browser().launch(user="4", resource_link=None)
    assert "/quiz" in learner.url and "/instructor/dashboard" in teacher.url
    assert "/instructor/deep-link" in linking.url
    return {
        "anonymous": None,
        "learner": _token(learner),
        "instructor": _token(teacher),
        "deep_linking": _token(linking),
    }


@pytest.fixture
def quiet_logs(caplog):
    # Thousands of refused requests log a line each; keep the run's output short.
    caplog.set_level(logging.CRITICAL)
    logging.getLogger("lti_tool").setLevel(logging.ERROR)
    yield
    logging.getLogger("lti_tool").setLevel(logging.NOTSET)


class _LastError(logging.Handler):
    """Keeps where the last unexpected error was raised, to say it next to the request."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.where = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[2] is not None:
            tb = traceback.extract_tb(record.exc_info[2])[-3:]
            frames = " < ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in tb)
            self.where = f"{record.exc_info[0].__name__}: {record.exc_info[1]} at {frames}"


def _fuzz(app, client, token: str | None, examples: int) -> tuple[int, list[str]]:
    rules = list(app.url_map.iter_rules())
    sent, failures = [0], []
    last = _LastError()
    logging.getLogger("lti_tool.errors").addHandler(last)

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(req=fuzz_requests(rules, token))
    def one(req: FuzzRequest) -> None:
        resp = _send(client, req)
        sent[0] += 1
        if resp.status_code >= 500:
            failures.append(f"{resp.status_code} {req.describe()}\n    {last.where[:400]}")

    try:
        one()
    finally:
        logging.getLogger("lti_tool.errors").removeHandler(last)
    return sent[0], failures


@pytest.mark.parametrize("who", ["anonymous", "learner", "instructor", "deep_linking"])
def test_no_malformed_request_gets_a_5xx(identities, platform, quiet_logs, who):
    app = platform.app
    quota = max(1, int(QUOTAS[who] * SCALE))
    before = _counts(app) if who == "anonymous" else None
    sent, failures = _fuzz(app, app.test_client(), identities[who], quota)
    assert sent >= quota * 0.95
    assert failures == [], "\n".join(failures[:40])
    if before is not None:
        after = _counts(app)
        grew = {t: (before[t], after[t]) for t in after if after[t] > before[t]}
        assert set(grew) <= ANONYMOUS_MAY_WRITE, grew


def test_no_malformed_request_gets_a_5xx_in_an_admin_session(platform, bank, runner, quiet_logs):
    app = platform.app
    create_admin(runner)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    quota = max(1, int(QUOTAS["admin"] * SCALE))
    sent, failures = _fuzz(app, client, None, quota)
    assert sent >= quota * 0.95
    assert failures == [], "\n".join(failures[:40])
