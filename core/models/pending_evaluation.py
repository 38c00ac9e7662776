"""Hours that late readings changed, waiting for the alert check to judge their windows again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, SmallInteger, text
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class PendingEvaluation(Base):
    """One clock hour of a station's parameter that readings arriving after the hour changed.

    Written by the ingest in the transaction that stores the readings, so a crash loses
    none; one row per hour however many readings or batches touch it. The alert check reads
    and deletes them; `generation` grows at every new touch, so the check deletes only a row
    it has judged as it was, and a touch that comes while it works is judged at the next run.
    """

    __tablename__ = "pending_evaluation"

    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), primary_key=True)
    parameter_id: Mapped[int] = mapped_column(
        SmallInteger, ForeignKey("parameter.id"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the hour was first found touched: how long it has waited."""
