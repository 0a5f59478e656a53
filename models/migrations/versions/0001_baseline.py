"""The first store: ingest runs, articles, their entities and facts, and rejects.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# (table, column) pairs that carry an index named by the naming convention.
INDEXES = [("articles", "published"), ("articles", "run_id"), ("rejects", "run_id"),
           ("entities", "article_id"), ("entities", "label"), ("entities", "norm"),
           ("facts", "amount"), ("facts", "article_id"), ("facts", "body"), ("facts", "date"), ("facts", "region")]


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _runs() -> None:
    counts = [sa.Column(name, sa.Integer(), nullable=False)
              for name in ("read", "new", "updated", "unchanged", "rejected", "facts")]
    op.create_table("runs", _id(),
                    sa.Column("started_at", sa.DateTime(), nullable=False),
                    sa.Column("finished_at", sa.DateTime(), nullable=True),
                    sa.Column("paths", sa.Text(), nullable=False),
                    sa.Column("version", sa.String(length=64), nullable=False),
                    sa.Column("model", sa.String(length=64), nullable=False),
                    *counts,
                    sa.Column("seconds", sa.Float(), nullable=True),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")))


def _articles() -> None:
    op.create_table("articles",
                    sa.Column("id", sa.String(length=255), nullable=False),
                    sa.Column("source", sa.Text(), nullable=False),
                    sa.Column("line", sa.Integer(), nullable=True),
                    sa.Column("url", sa.Text(), nullable=True),
                    sa.Column("title", sa.Text(), nullable=True),
                    sa.Column("published", sa.Date(), nullable=True),
                    sa.Column("text", sa.Text(), nullable=False),
                    sa.Column("content_hash", sa.String(length=64), nullable=False),
                    sa.Column("encoding", sa.String(length=32), nullable=False),
                    sa.Column("main_region", sa.String(length=64), nullable=True),
                    sa.Column("run_id", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_articles_run_id_runs")),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")))


def _rejects() -> None:
    op.create_table("rejects", _id(),
                    sa.Column("run_id", sa.Integer(), nullable=False),
                    sa.Column("source", sa.Text(), nullable=False),
                    sa.Column("line", sa.Integer(), nullable=True),
                    sa.Column("article_id", sa.String(length=255), nullable=True),
                    sa.Column("reason", sa.Text(), nullable=False),
                    sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_rejects_run_id_runs")),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_rejects")))


def _of_article(table: str) -> list:
    return [sa.Column("article_id", sa.String(length=255), nullable=False),
            sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f(f"fk_{table}_article_id_articles"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))]


def _entities() -> None:
    op.create_table("entities", _id(), *_of_article("entities"),
                    sa.Column("label", sa.String(length=8), nullable=False),
                    sa.Column("text", sa.Text(), nullable=False),
                    sa.Column("norm", sa.Text(), nullable=False),
                    sa.Column("start", sa.Integer(), nullable=False),
                    sa.Column("end", sa.Integer(), nullable=False))


def _facts() -> None:
    op.create_table("facts", _id(), *_of_article("facts"),
                    sa.Column("seq", sa.Integer(), nullable=False),
                    sa.Column("amount", sa.Float(), nullable=False),
                    sa.Column("amount_max", sa.Float(), nullable=True),
                    sa.Column("currency", sa.String(length=3), nullable=False),
                    sa.Column("qualifier", sa.String(length=8), nullable=False),
                    sa.Column("per", sa.String(length=64), nullable=True),
                    sa.Column("body", sa.Text(), nullable=True),
                    sa.Column("body_role", sa.String(length=16), nullable=True),
                    sa.Column("date", sa.String(length=10), nullable=True),
                    sa.Column("region", sa.String(length=64), nullable=True),
                    sa.Column("sentence", sa.Text(), nullable=False),
                    sa.Column("start", sa.Integer(), nullable=False),
                    sa.Column("end", sa.Integer(), nullable=False),
                    sa.Column("confidence", sa.Float(), nullable=False))


def upgrade() -> None:
    for create in (_runs, _articles, _rejects, _entities, _facts):
        create()
    for table, column in INDEXES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table in ("facts", "entities", "rejects", "articles", "runs"):
        op.drop_table(table)
