"""People who sign in, and the opaque tokens that stand for their sign-ins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.kit.db import Base, UTCDateTime


class Role(enum.StrEnum):
    VOLUNTEER = "volunteer"
    OPERATOR = "operator"
    OFFICIAL = "official"
    BACKBONE = "backbone"
    ADMIN = "admin"


class UserAccount(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    """Stored in lower case, so that it is unique regardless of case."""
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    """Argon2id, in the PHC string format."""
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TokenKind(enum.StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"
    BROWSER_SESSION = "browser_session"


class AuthToken(Base):
    """A sign-in as a random token, kept only as its SHA-256 hash.

    An access token and the refresh tokens that follow it share a `family`: signing out, or
    presenting a refresh token that was already used, revokes the whole family.
    """

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(
        Enum(
            TokenKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        )
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    csrf_secret: Mapped[str | None] = mapped_column(String(64))
    """Browser sessions only: the token forms must send back."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
