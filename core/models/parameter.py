"""What a reading measures; rows are fixed by the migrations."""

from __future__ import annotations

from sqlalchemy import (
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base


class Parameter(Base):
    """What a reading measures; rows are fixed by the migrations, ids never reused."""

    __tablename__ = "parameter"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(16))
