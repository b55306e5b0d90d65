"""sessions can be ended; CPR searches counted

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

``users.session_generation`` goes up whenever all of a user's sessions must end (logout, password
change, deactivation, role change); a session carries the number it was issued under. An index on
the access log lets the CPR search limit count a user's recent lookups cheaply.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_audit_user_action_at", "audit_log", ["username", "action", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_user_action_at", table_name="audit_log")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
