"""Publication dates at their own precision: `articles.published` holds YYYY, YYYY-MM or YYYY-MM-DD as text.

A scraper's stamp ("date 2023-07") gives only the month an article was published; a DATE column cannot hold it.
On SQLite the column is replaced in place (added, filled, the old one dropped, renamed) rather than by rebuilding the
table: dropping the old articles table, with foreign keys on, would delete every entity and fact through their
ON DELETE CASCADE.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_articles_published"
# The length of a full day written YYYY-MM-DD: only such values go back into a DATE column.
DAY_LENGTH = 10


def _replace_on_sqlite(column_type: str, value_sql: str) -> None:
    """Give articles.published another type on SQLite, each value computed by `value_sql` from the old one."""
    op.drop_index(INDEX, "articles")
    op.execute(f"ALTER TABLE articles ADD COLUMN published_new {column_type}")
    op.execute(f"UPDATE articles SET published_new = {value_sql}")
    op.execute("ALTER TABLE articles DROP COLUMN published")
    op.execute("ALTER TABLE articles RENAME COLUMN published_new TO published")
    op.create_index(INDEX, "articles", ["published"], unique=False)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _replace_on_sqlite("VARCHAR(10)", "published")
    else:
        op.alter_column("articles", "published", type_=sa.String(length=10), existing_type=sa.Date(),
                        existing_nullable=True, postgresql_using="to_char(published, 'YYYY-MM-DD')")


def downgrade() -> None:
    """Back to a DATE column: a month or a year of publication is lost (NULL)."""
    day_only = f"CASE WHEN length(published) = {DAY_LENGTH} THEN published END"
    if op.get_bind().dialect.name == "sqlite":
        _replace_on_sqlite("DATE", day_only)
    else:
        op.alter_column("articles", "published", type_=sa.Date(), existing_type=sa.String(length=10),
                        existing_nullable=True, postgresql_using=f"CAST({day_only} AS DATE)")
