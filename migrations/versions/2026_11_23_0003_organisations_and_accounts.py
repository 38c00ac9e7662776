"""Organisations, accounts, sign-in tokens, API keys, station keepers and the audit log.

Stations move from a free-text owner to an organisation (one organisation per distinct
owner text, group "other"), and station codes become unique regardless of case.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _enum(name: str, length: int, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "stakeholder_group",
            _enum(
                "stakeholdergroup",
                32,
                "affected_community",
                "operator",
                "subdistrict_administration",
                "local_government",
                "ministry_of_industry",
                "backbone",
                "other",
            ),
            nullable=False,
        ),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name_en", name=op.f("uq_organisation_name_en")),
    )
    op.create_table(
        "organisation_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("line_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_contact_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_contact")),
    )
    op.create_index(
        op.f("ix_organisation_contact_organisation_id"),
        "organisation_contact",
        ["organisation_id"],
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            _enum("role", 16, "volunteer", "operator", "official", "backbone", "admin"),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_index(op.f("ix_user_account_organisation_id"), "user_account", ["organisation_id"])
    op.create_table(
        "auth_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", _enum("tokenkind", 16, "access", "refresh", "browser_session"), nullable=False
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=32), nullable=False),
        sa.Column("csrf_secret", sa.String(length=64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_auth_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_token_token_hash")),
    )
    op.create_index(op.f("ix_auth_token_user_id"), "auth_token", ["user_id"])
    op.create_index(op.f("ix_auth_token_family"), "auth_token", ["family"])

    _stations_to_organisations()

    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_api_key_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_api_key_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_api_key_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
    )
    op.create_index(op.f("ix_api_key_organisation_id"), "api_key", ["organisation_id"])
    op.create_index(op.f("ix_api_key_station_id"), "api_key", ["station_id"])
    op.create_table(
        "station_keeper",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_station_keeper_station_id_station")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_station_keeper_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("station_id", "user_id", name=op.f("pk_station_keeper")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_label", sa.String(length=400), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_api_key_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_api_key_id"],
            ["api_key.id"],
            name=op.f("fk_audit_event_actor_api_key_id_api_key"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_event_actor_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_at"), "audit_event", ["at"])
    op.create_index("ix_audit_event_entity", "audit_event", ["entity", "entity_id"])


def _stations_to_organisations() -> None:
    """One organisation (group "other") per distinct owner text; codes unique in any case."""
    bind = op.get_bind()
    clashes = bind.execute(
        sa.text("SELECT lower(code) FROM station GROUP BY lower(code) HAVING count(*) > 1")
    ).scalars()
    clashing = sorted(clashes)
    if clashing:
        raise RuntimeError(
            "station codes that differ only in case must be renamed before this migration: "
            + ", ".join(clashing)
        )
    op.add_column("station", sa.Column("organisation_id", sa.Integer(), nullable=True))
    organisation = sa.table(
        "organisation",
        sa.column("name_th", sa.String),
        sa.column("name_en", sa.String),
        sa.column("stakeholder_group", sa.String),
        sa.column("areas", sa.JSON),
        sa.column("created_at", TS),
    )
    owners = bind.execute(
        sa.text("SELECT DISTINCT owner_organisation FROM station ORDER BY owner_organisation")
    ).scalars()
    now = datetime.now(UTC)
    for owner in list(owners):
        bind.execute(
            organisation.insert().values(
                name_th=owner, name_en=owner, stakeholder_group="other", areas=[], created_at=now
            )
        )
        bind.execute(
            sa.text(
                "UPDATE station SET organisation_id = "
                "(SELECT id FROM organisation WHERE name_en = :owner) "
                "WHERE owner_organisation = :owner"
            ),
            {"owner": owner},
        )
    with op.batch_alter_table("station") as batch:
        batch.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_station_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_station_organisation_id"), ["organisation_id"])
        batch.drop_constraint(op.f("uq_station_code"), type_="unique")
        batch.drop_column("owner_organisation")
    # After the batch: SQLite cannot reflect expression indexes, so a batch copy would lose it.
    op.create_index("uq_station_lower_code", "station", [sa.text("lower(code)")], unique=True)


def downgrade() -> None:
    op.drop_index("ix_audit_event_entity", table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_at"), table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_table("station_keeper")
    op.drop_index(op.f("ix_api_key_station_id"), table_name="api_key")
    op.drop_index(op.f("ix_api_key_organisation_id"), table_name="api_key")
    op.drop_table("api_key")

    op.drop_index("uq_station_lower_code", table_name="station")
    op.add_column("station", sa.Column("owner_organisation", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE station SET owner_organisation = "
        "(SELECT name_en FROM organisation WHERE organisation.id = station.organisation_id)"
    )
    with op.batch_alter_table("station") as batch:
        batch.alter_column("owner_organisation", existing_type=sa.String(200), nullable=False)
        batch.create_unique_constraint(op.f("uq_station_code"), ["code"])
        batch.drop_index(op.f("ix_station_organisation_id"))
        batch.drop_constraint(op.f("fk_station_organisation_id_organisation"), type_="foreignkey")
        batch.drop_column("organisation_id")

    op.drop_index(op.f("ix_auth_token_family"), table_name="auth_token")
    op.drop_index(op.f("ix_auth_token_user_id"), table_name="auth_token")
    op.drop_table("auth_token")
    op.drop_index(op.f("ix_user_account_organisation_id"), table_name="user_account")
    op.drop_table("user_account")
    op.drop_index(
        op.f("ix_organisation_contact_organisation_id"), table_name="organisation_contact"
    )
    op.drop_table("organisation_contact")
    op.drop_table("organisation")
