"""The desk's corrections of facts: a table of its own, keyed by the article's text and the amount's offsets.

The event tables need no rebuild: a store upgraded to this revision has no correction yet, so its facts read the
same through the corrections as before. fact_view gains the corrected values and the extracted ones beside them
(views are rebuilt after every upgrade). Articles get an index on their content hash, by which corrections find
their facts.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("extracted_amount", sa.Float(), nullable=False),
        sa.Column("article_id", sa.String(length=255), nullable=False),
        sa.Column("in_force", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Text(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("qualifier", sa.String(length=8), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("body_role", sa.String(length=16), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("not_a_fact", sa.Integer(), nullable=True),
        sa.Column("corrected_by", sa.String(length=255), nullable=False),
        sa.Column("corrected_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")))
    op.create_index("ix_corrections_key", "corrections", ["content_hash", "start", "in_force"], unique=False)
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_articles_content_hash", table_name="articles")
    op.drop_index("ix_corrections_key", table_name="corrections")
    op.drop_table("corrections")
