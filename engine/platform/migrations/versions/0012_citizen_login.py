"""the young person logs in: one-time invite links and a session generation per young person

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08

``youth_invites`` holds the hash of each one-time link ``samspil youth invite`` prints (development
and demo only); ``youths.session_generation`` goes up at a young person's logout, so every copy of
their session ends. On PostgreSQL the new table is confined to its tenant like those of 0010.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT = "NULLIF(current_setting('samspil.tenant', true), '')"


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("youths", sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "youth_invites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False, server_default="1"),
        sa.Column("youth_id", sa.Integer(), sa.ForeignKey("youths.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(80), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_youth_invites_token_hash"),
    )
    op.create_index("ix_youth_invites_youth_id", "youth_invites", ["youth_id"])
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE youth_invites ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE youth_invites FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_confined ON youth_invites USING (tenant_id = {TENANT}::int) "
                   f"WITH CHECK (tenant_id = {TENANT}::int)")


def downgrade() -> None:
    op.drop_index("ix_youth_invites_youth_id", table_name="youth_invites")
    op.drop_table("youth_invites")
    op.drop_column("youths", "session_generation")
