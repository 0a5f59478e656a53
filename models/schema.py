"""Tables of the store: articles, their entities and facts, ingest runs and rejects."""

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Article", "Entity", "Fact", "Run", "Reject", "SCHEMA_VERSION"]

# The newest migration under models/migrations/versions/ (revision "0005" is version 5); a test keeps them equal.
SCHEMA_VERSION = 5

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Run(Base):
    """One ingest: what was read, when, with which pipeline, and what came of it."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    paths: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    read: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    facts: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(Float)


class Article(Base):
    """A dispatch as stored: its clean text (offsets of facts and entities refer to it) and where it came from."""

    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    # The publication date at its own precision: YYYY-MM-DD, YYYY-MM (a scraper's stamp) or YYYY.
    published: Mapped[str | None] = mapped_column(String(10), index=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    encoding: Mapped[str] = mapped_column(String(32), default="utf-8")
    main_region: Mapped[str | None] = mapped_column(String(64))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    entities: Mapped[list["Entity"]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                                    passive_deletes=True)
    facts: Mapped[list["Fact"]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                               passive_deletes=True)


class Entity(Base):
    """An entity mention of an article (ORG, PER, LOC, MONEY, DATE) with its normalised form."""

    __tablename__ = "entities"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(8), index=True)
    text: Mapped[str] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(Text, index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    article: Mapped[Article] = relationship(back_populates="entities")


class Fact(Base):
    """A money amount of an article with its attribution and provenance (see the fact specification)."""

    __tablename__ = "facts"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Float, index=True)
    amount_max: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    qualifier: Mapped[str] = mapped_column(String(8))
    per: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str | None] = mapped_column(Text, index=True)
    body_role: Mapped[str | None] = mapped_column(String(16))
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    article: Mapped[Article] = relationship(back_populates="facts")


class Reject(Base):
    """Something of a dump that could not be read as an article, with why and where."""

    __tablename__ = "rejects"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    source: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    article_id: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
