"""platforms trusted for calibration

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "trusted_for_calibration", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    # Platforms an admin entered by hand are trusted; Dynamic Registrations are not.
    op.execute(
        sa.text(
            "UPDATE platform SET trusted_for_calibration = "
            "(registration_source <> 'dynamic')"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("platform", schema=None) as batch_op:
        batch_op.drop_column("trusted_for_calibration")
