"""The group dashboard: learners and attempts, names from NRPS at view time, statistics, grades."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from lti_tool import db as database
from lti_tool.instructor import nrps
from models import Attempt, Base, LaunchRecord, Response, ScoreOutbox
from tests.instructor.helpers import dashboard, token_of, wait_for
from tests.lti_client import forms
from tests.quiz.helpers import graded

NAMES = ("Sam Student", "Léa Élève", "Tess Teacher", "student1@example.com", "student2@example.com")


def _teacher_launch(platform, mutate):
    """Change the teacher's launch record (its NRPS claim) before the dashboard is read."""
    with platform.app.app_context():
        db = database.session()
        record = db.scalars(
            select(LaunchRecord)
            .where(LaunchRecord.role == "instructor")
            .order_by(LaunchRecord.created_at.desc())
        ).first()
        services = dict(record.services)
        mutate(services)
        record.services = services
        db.commit()


def test_the_dashboard_shows_each_learner_with_their_name_and_attempts(platform, group):
    wait_for(lambda: len(graded(platform)) == 2)
    _, page = dashboard(platform, link=group)
    text = page.text
    assert page.status_code == 200 and 'data-role="instructor"' in text
    assert "Sam Student" in text and "Léa Élève" in text
    assert "2 apprenants" in text and "Terminée" in text
    with platform.app.app_context():
        attempts = database.session().scalars(select(Attempt)).all()
        for attempt in attempts:
            assert f"<td>{attempt.score:.0f}</td>" in text
    assert text.count('<span class="badge">Oui</span>') == 2  # which attempt counts
    assert text.count("grade-status grade-delivered") == 2
    assert re.search(r"<td>\d+ min \d+ s</td>", text)
    assert "Les noms viennent de votre plateforme" in text


def test_no_name_is_stored_after_viewing_and_exporting(platform, group):
    browser, page = dashboard(platform, link=group)
    browser.http.get(platform.tool_url + "/instructor/export.csv?lt=" + token_of(page), timeout=30)
    assert "Sam Student" in page.text
    with platform.app.app_context():
        db = database.session()
        for table in Base.metadata.sorted_tables:
            for row in db.execute(select(table)).all():
                stored = repr(tuple(row))
                assert not any(name in stored for name in NAMES), (table.name, stored[:300])


@pytest.mark.parametrize(
    ("mutate", "notice"),
    [
        (lambda s: s.pop("nrps"), "ne communique pas les noms"),
        (
            lambda s: s.update(
                nrps={"context_memberships_url": s["nrps"]["context_memberships_url"] + "x"}
            ),
            "n'ont pas pu être obtenus",
        ),
    ],
    ids=["absent", "failing"],
)
def test_without_nrps_learners_appear_under_their_pseudonymous_id(platform, group, mutate, notice):
    browser, page = dashboard(platform, link=group)
    _teacher_launch(platform, mutate)
    again = browser.http.get(page.url, timeout=30)
    assert again.status_code == 200
    assert notice in again.text.replace("&#39;", "'")
    assert "Apprenant 3" in again.text and "Apprenant 5" in again.text
    assert "Sam Student" not in again.text


def test_the_group_profile_and_item_statistics(platform, group):
    _, page = dashboard(platform, link=group)
    text = page.text
    assert "Le profil du groupe par thème" in text and "Niveaux atteints" in text
    assert text.count('role="img"') == 2  # two charts, each followed by its table
    assert "<caption>Taux de réussite par thème</caption>" in text
    assert "<caption>Statistiques des questions</caption>" in text
    with platform.app.app_context():
        db = database.session()
        seen = set(db.scalars(select(Response.item_id).where(Response.pilot.is_(False))))
    shown = set(re.findall(r'<span class="item-id">(T\d\d-\d{3})</span>', text))
    assert shown == seen
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text  # stems escaped
    assert re.search(r"\d+\s%", text)  # rates in the French format


def test_the_dashboard_in_english(platform, group):
    _, page = dashboard(platform, link=group, locale="en")
    assert 'lang="en"' in page.text
    assert "Learners and their attempts" in page.text and "Statistics of the questions" in page.text
    assert "Sam Student" in page.text


def test_an_empty_activity(platform, bank):
    _, page = dashboard(platform)
    assert page.status_code == 200
    assert "Aucun apprenant n'a encore commencé" in page.text.replace("&#39;", "'")
    assert 'role="img"' not in page.text


def test_pictures_come_from_the_platform_and_the_policy_allows_only_that_origin(
    platform, group, monkeypatch
):
    browser, page = dashboard(platform, link=group)
    default_policy = page.headers["Content-Security-Policy"]
    members = {
        "3": nrps.Member("3", "Sam Student", platform.url + "/pluginfile.php/3/user/icon/f1"),
        "5": nrps.Member("5", "Léa Élève", None),
    }
    monkeypatch.setattr(nrps, "roster", lambda db, launch, http=None: nrps.Roster(members))
    again = browser.http.get(page.url, timeout=30)
    assert (
        f'<img class="avatar" src="{platform.url}/pluginfile.php/3/user/icon/f1" alt=""'
        in again.text
    )
    policy = again.headers["Content-Security-Policy"]
    assert policy == default_policy.replace(
        "img-src 'self' data:", f"img-src 'self' data: {platform.url}"
    )


def test_parsing_memberships_keeps_names_and_same_site_pictures_only():
    body = {
        "members": [
            {"user_id": "3", "name": "Sam Student", "picture": "https://lms.example/pic.png"},
            {
                "user_id": "5",
                "given_name": "Léa",
                "family_name": "Élève",
                "picture": "https://evil.example/x.png",
            },
            {"name": "no id"},
            "junk",
        ]
    }
    members = nrps.parse_members(body, "https://lms.example")
    assert members["3"].picture == "https://lms.example/pic.png"
    assert members["5"].name == "Léa Élève" and members["5"].picture is None
    assert set(members) == {"3", "5"}
    with pytest.raises(ValueError, match="membership container"):
        nrps.parse_members({"id": "x"}, "https://lms.example")


def _resend_form(page, subject=None):
    for form in forms(page.text):
        if "/grades/resend" in form.action and form.fields.get("subject") == subject:
            return form
    raise AssertionError("no resend form")


def test_resending_every_grade_posts_the_counted_scores_again(platform, group):
    wait_for(lambda: len(graded(platform)) == 2)
    first = {s["userId"]: s for s in graded(platform)}
    browser, page = dashboard(platform, link=group)
    resp = browser.submit(_resend_form(page), page.url)
    assert resp.status_code == 200 and "2 notes sont de nouveau envoyées" in resp.text
    wait_for(lambda: len(graded(platform)) == 4)
    again = {s["userId"]: s for s in graded(platform)[2:]}
    for user in ("3", "5"):
        assert again[user]["scoreGiven"] == first[user]["scoreGiven"]
        assert again[user]["timestamp"] > first[user]["timestamp"]  # a new timestamp: not a 409
    page = browser.http.get(page.url.split("&notice")[0], timeout=30)
    assert page.text.count("grade-status grade-delivered") == 2


def test_resending_one_learner_grade(platform, group):
    wait_for(lambda: len(graded(platform)) == 2)
    browser, page = dashboard(platform, link=group)
    resp = browser.submit(_resend_form(page, subject="5"), page.url)
    assert "1 note est de nouveau envoyée" in resp.text
    wait_for(lambda: len(graded(platform)) == 3)
    assert graded(platform)[-1]["userId"] == "5"


def test_the_grade_status_shows_failed_and_pending_deliveries(platform, group):
    wait_for(lambda: len(graded(platform)) == 2)
    with platform.app.app_context():
        db = database.session()
        latest = {}
        for row in db.scalars(select(ScoreOutbox).order_by(ScoreOutbox.id)):
            latest[row.subject] = row.id
        db.execute(update(ScoreOutbox).where(ScoreOutbox.id == latest["5"]).values(status="failed"))
        db.execute(
            update(ScoreOutbox).where(ScoreOutbox.id == latest["3"]).values(status="sending")
        )
        db.commit()
    _, page = dashboard(platform, link=group)
    assert "grade-status grade-failed" in page.text and "Échec de l" in page.text
    assert "grade-status grade-pending" in page.text and "En attente d" in page.text


def test_an_attempt_in_progress_is_listed(platform, bank):
    from tests.instructor.helpers import start_attempt

    start_attempt(platform, platform.first_link())
    _, page = dashboard(platform)
    assert "En cours" in page.text and "Sam Student" in page.text
    assert "Renvoyer toutes les notes" not in page.text  # nothing counted yet
