"""The monitoring desk's tables: what each watchlist rule has already alerted on, and when alerts ran.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("alert_runs",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("watchlist", sa.String(length=255), nullable=False),
                    sa.Column("started_at", sa.DateTime(), nullable=False),
                    sa.Column("events", sa.Integer(), nullable=False),
                    sa.Column("mentions", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_runs")))
    op.create_index(op.f("ix_alert_runs_watchlist"), "alert_runs", ["watchlist"], unique=False)
    op.create_table("alert_seen",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("watchlist", sa.String(length=255), nullable=False),
                    sa.Column("rule", sa.Text(), nullable=False),
                    sa.Column("signature", sa.String(length=64), nullable=False),
                    sa.Column("article_id", sa.String(length=255), nullable=False),
                    sa.Column("first_seen", sa.DateTime(), nullable=False),
                    sa.Column("run_id", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_seen")),
                    sa.UniqueConstraint("watchlist", "rule", "signature", name="uq_alert_seen_key"))
    op.create_index(op.f("ix_alert_seen_watchlist"), "alert_seen", ["watchlist"], unique=False)


def downgrade() -> None:
    op.drop_table("alert_seen")
    op.drop_table("alert_runs")
