"""Tables of the monitoring desk: what each watchlist rule has already alerted on, and when alerts ran."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.schema import Base

__all__ = ["AlertRun", "AlertSeen"]


class AlertRun(Base):
    """One run of `depeches alerts` on a watchlist: when, and how many new events and mentions it reported."""

    __tablename__ = "alert_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist: Mapped[str] = mapped_column(String(255), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    events: Mapped[int] = mapped_column(Integer, default=0)
    mentions: Mapped[int] = mapped_column(Integer, default=0)


class AlertSeen(Base):
    """A fact mention that a rule of a watchlist has already reported, by a signature that survives re-ingests."""

    __tablename__ = "alert_seen"
    __table_args__ = (UniqueConstraint("watchlist", "rule", "signature", name="uq_alert_seen_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist: Mapped[str] = mapped_column(String(255), index=True)
    rule: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[str] = mapped_column(String(255))
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    run_id: Mapped[int] = mapped_column(Integer)
