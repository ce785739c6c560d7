"""Test factories: learners' attempts and responses in the database, simulated from known item
parameters (seeded), so a calibration can be checked against the truth."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from item_bank.irt.models import prob
from models import Activity, Attempt, ItemRecord, ItemVersion, Platform, Response, ScoreOutbox
from models.base import utcnow


def make_platform(
    db: Session,
    issuer: str = "https://moodle.example.fr",
    client_id: str = "c1",
    *,
    trusted: bool = True,
) -> Platform:
    """A platform as an admin enters it (trusted for calibration unless ``trusted=False``)."""
    platform = Platform(
        trusted_for_calibration=trusted,
        name="Moodle test",
        issuer=issuer,
        client_id=client_id,
        auth_login_url=issuer + "/mod/lti/auth.php",
        auth_token_url=issuer + "/mod/lti/token.php",
        key_set_url=issuer + "/mod/lti/certs.php",
    )
    db.add(platform)
    db.flush()
    return platform


def make_activity(db: Session, platform: Platform, link: str = "link-1") -> Activity:
    activity = Activity(
        platform_id=platform.id,
        resource_link_id=link,
        context_id="course-1",
        title="Boussole",
        settings={},
        lineitem_url=platform.issuer + "/lineitem/1",
    )
    db.add(activity)
    db.flush()
    return activity


def make_attempt(
    db: Session,
    activity: Activity,
    subject: str,
    *,
    number: int = 1,
    status: str = "completed",
    finished: datetime | None = None,
    created: datetime | None = None,
    responses: Iterable[tuple[str, bool]] = (),
    outbox_status: str | None = None,
) -> Attempt:
    """One attempt with its responses ``(item_id, correct)`` (French current versions)."""
    now = utcnow()
    attempt = Attempt(
        activity_id=activity.id,
        platform_id=activity.platform_id,
        subject=subject,
        number=number,
        status=status,
        language="fr",
        settings={},
        engine_state={},
        created_at=created or now,
        finished_at=(finished or now) if status == "completed" else None,
        theta=0.1,
        se=0.4,
        score=55.0 if status == "completed" else None,
        level=2 if status == "completed" else None,
    )
    db.add(attempt)
    db.flush()
    versions = _versions(db)
    for position, (item_id, correct) in enumerate(responses, start=1):
        db.add(
            Response(
                attempt_id=attempt.id,
                position=position,
                item_id=item_id,
                item_version_id=versions[item_id],
                chosen=[0],
                correct=correct,
                theta_after=0.0,
                se_after=0.5,
            )
        )
    if outbox_status:
        db.add(
            ScoreOutbox(
                attempt_id=attempt.id,
                platform_id=activity.platform_id,
                activity_id=activity.id,
                subject=subject,
                lineitem_url=activity.lineitem_url,
                payload={"userId": subject, "scoreGiven": 55.0, "scoreMaximum": 100},
                status=outbox_status,
                created_at=created or now,
            )
        )
    db.flush()
    return attempt


def _versions(db: Session) -> dict[str, int]:
    rows = db.execute(
        select(ItemVersion.item_id, ItemVersion.id).where(
            ItemVersion.language == "fr", ItemVersion.current.is_(True)
        )
    ).tuples()
    return {item_id: version_id for item_id, version_id in rows}


@dataclass(frozen=True)
class Truth:
    """The parameters that generated the data (by item id) and the items' roles."""

    a: dict[str, float]
    b: dict[str, float]
    operational: list[str]
    pilots: list[str]
    drifted: str


def seed_calibration_data(
    db: Session,
    *,
    n_persons: int = 1000,
    per_person: int = 12,
    pilots_per_person: int = 2,
    n_pilots: int = 6,
    drift: float = 1.2,
    seed: int = 7,
) -> Truth:
    """Simulate completed attempts over the bank in the database.

    The last ``n_pilots`` items become ``piloted`` without parameters; the others get their true
    parameters stored (so drift can be checked), except that the first operational item's true
    difficulty moved by ``drift`` since (its stored ``b`` is the old one).
    """
    rng = np.random.default_rng(seed)
    records = list(db.scalars(select(ItemRecord).order_by(ItemRecord.id)))
    ids = [r.id for r in records]
    pilots, operational = ids[-n_pilots:], ids[:-n_pilots]
    a = dict(zip(ids, rng.lognormal(0.0, 0.25, len(ids)), strict=True))
    b = dict(zip(ids, rng.normal(0.0, 1.0, len(ids)), strict=True))
    drifted = operational[0]
    for record in records:
        record.difficulty_prior = float(np.clip(b[record.id] + rng.normal(0, 0.5), -3.5, 3.5))
        if record.id in pilots:
            record.status, record.irt_b = "piloted", None
        else:
            stored_b = b[record.id] - (drift if record.id == drifted else 0.0)
            record.status = "calibrated"
            record.irt_model, record.irt_a, record.irt_b, record.irt_c = (
                "2PL",
                a[record.id],
                stored_b,
                0.0,
            )
            record.irt_se_a, record.irt_se_b, record.irt_n = 0.2, 0.2, 300
    db.flush()

    platform = make_platform(db, issuer="https://sim.example.fr")
    activity = make_activity(db, platform, "sim")
    versions = _versions(db)
    theta = rng.normal(0.0, 1.0, n_persons)
    start = utcnow() - timedelta(days=1)
    attempts = [
        Attempt(
            activity_id=activity.id,
            platform_id=platform.id,
            subject=f"sim-{k}",
            number=1,
            status="completed",
            language="fr",
            settings={},
            engine_state={},
            finished_at=start,
        )
        for k in range(n_persons)
    ]
    db.add_all(attempts)
    db.flush()
    index = {item: j for j, item in enumerate(ids)}
    p_all = prob(theta, [a[i] for i in ids], [b[i] for i in ids])  # persons x items
    draws = rng.random(p_all.shape)
    rows = []
    for k, attempt in enumerate(attempts):
        chosen = list(rng.choice(operational, per_person, replace=False))
        chosen += list(rng.choice(pilots, pilots_per_person, replace=False))
        for position, item in enumerate(chosen, start=1):
            j = index[item]
            rows.append(
                {
                    "attempt_id": attempt.id,
                    "position": position,
                    "item_id": item,
                    "item_version_id": versions[item],
                    "chosen": [0],
                    "correct": bool(draws[k, j] < p_all[k, j]),
                    "pilot": item in pilots,
                    "theta_after": 0.0,
                    "se_after": 0.5,
                    "answered_at": start,
                }
            )
    db.connection().execute(Response.__table__.insert(), rows)
    # Unfinished attempts must not count: all their answers are wrong.
    for k in range(20):
        make_attempt(
            db,
            activity,
            f"open-{k}",
            status="in_progress",
            responses=[(item, False) for item in operational[:10]],
        )
    db.flush()
    return Truth(a, b, operational, pilots, drifted)
