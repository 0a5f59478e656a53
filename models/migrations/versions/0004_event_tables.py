"""Events kept at ingest: the `fact_events` and `events` views become tables, with `event_totals` for the dashboard.

The views grouped every fact into events at each query, which a store of a million facts cannot afford. The tables
have the views' names and columns; they are filled here from the facts already stored, and the loader keeps them
up to date from now on (models/events.py).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from models.events import TOTAL_INDEXES, rebuild_events

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, index name, columns) of the indexes: the facets and sorts of the site, the grouping keys, the cells, and
# the articles of a region or of a year's events.
INDEXES = [
    ("fact_events", "ix_fact_events_article_id", ["article_id"]),
    ("fact_events", "ix_fact_events_ingested_at", ["ingested_at"]),
    ("fact_events", "ix_fact_events_qualifier", ["qualifier"]),
    ("fact_events", "ix_fact_events_body", ["body"]),
    ("fact_events", "ix_fact_events_event_date", ["event_date"]),
    ("fact_events", "ix_fact_events_year", ["year", "region", "event_id"]),
    ("fact_events", "ix_fact_events_region", ["region", "article_id"]),
    ("fact_events", "ix_fact_events_key", ["amount", "body", "region"]),
    ("fact_events", "ix_fact_events_event_id", ["event_id", "year", "article_id"]),
    ("events", "ix_events_qualifier", ["qualifier"]),
    ("events", "ix_events_region", ["region", "amount"]),
    ("events", "ix_events_year", ["year"]),
    ("events", "ix_events_key", ["amount", "body", "region"]),
    ("events", "ix_events_body_amount", ["body", "amount"]),
    ("events", "ix_events_region_body_amount", ["region", "body", "amount"]),
] + [("event_totals", f"ix_event_totals_{name}", [*columns, "amount_cents", "events", "mentions"])
      for name, columns in TOTAL_INDEXES.items()]


def _column(name: str, kind, nullable: bool = False) -> sa.Column:
    return sa.Column(name, kind, nullable=nullable)


def _fact_events() -> None:
    op.create_table(
        "fact_events",
        _column("event_id", sa.Integer()), _column("fact_id", sa.Integer()),
        _column("article_id", sa.String(length=255)), _column("title", sa.Text(), True),
        _column("url", sa.Text(), True), _column("source", sa.Text()), _column("published", sa.String(length=10), True),
        _column("ingested_at", sa.DateTime(), True), _column("seq", sa.Integer()), _column("amount", sa.Float()),
        _column("amount_max", sa.Float(), True), _column("currency", sa.String(length=3)),
        _column("qualifier", sa.String(length=8)), _column("per", sa.String(length=64), True),
        _column("body", sa.Text(), True), _column("body_role", sa.String(length=16), True),
        _column("date", sa.String(length=10), True), _column("event_date", sa.String(length=10), True),
        _column("year", sa.String(length=4), True), _column("region", sa.String(length=64), True),
        _column("confidence", sa.Float()), _column("sentence", sa.Text()), _column("start", sa.Integer()),
        _column("end", sa.Integer()),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_fact_events")))


def _events() -> None:
    op.create_table(
        "events",
        _column("event_id", sa.Integer()), _column("amount", sa.Float()), _column("amount_max", sa.Float(), True),
        _column("currency", sa.String(length=3)), _column("qualifier", sa.String(length=8)),
        _column("per", sa.String(length=64), True), _column("body", sa.Text(), True),
        _column("region", sa.String(length=64), True), _column("first_date", sa.String(length=10), True),
        _column("last_date", sa.String(length=10), True), _column("year", sa.String(length=4), True),
        _column("sources", sa.Integer()), _column("mentions", sa.Integer()),
        _column("first_published", sa.String(length=10), True), _column("first_ingested_at", sa.DateTime(), True),
        _column("last_ingested_at", sa.DateTime(), True), _column("article_id", sa.String(length=255)),
        _column("sentence", sa.Text()),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_events")))


def _event_totals() -> None:
    op.create_table(
        "event_totals",
        _column("id", sa.Integer()), _column("region", sa.String(length=64), True), _column("body", sa.Text(), True),
        _column("year", sa.String(length=4), True), _column("mention_year", sa.String(length=4), True),
        _column("own_year", sa.Integer()), _column("committed", sa.Integer()), _column("events", sa.Integer()),
        _column("mentions", sa.Integer()), _column("amount_cents", sa.Float()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_totals")))


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS events")
    op.execute("DROP VIEW IF EXISTS fact_events")
    for create in (_fact_events, _events, _event_totals):
        create()
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    rebuild_events(op.get_bind(), corrected=False)  # the corrections table comes with revision 0005


def downgrade() -> None:
    for table in ("event_totals", "events", "fact_events"):
        op.drop_table(table)
