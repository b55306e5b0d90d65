"""the young person co-produces their plan: dream, comments, proposals and own actions done (issue 12, part 3)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08

``youth_contributions`` holds what the young person writes on Min Plan, beside the course's data
(never written into the workflow behind SpiffWorkflow's back). On PostgreSQL it is confined to its
tenant like the tables of 0010.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT = "NULLIF(current_setting('samspil.tenant', true), '')"


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "youth_contributions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False, server_default="1"),
        sa.Column("youth_id", sa.Integer(), sa.ForeignKey("youths.id", ondelete="CASCADE"), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("milestone", sa.String(200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(80), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_youth_contributions_youth_kind", "youth_contributions", ["youth_id", "kind"])
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE youth_contributions ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE youth_contributions FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_confined ON youth_contributions USING (tenant_id = {TENANT}::int) "
                   f"WITH CHECK (tenant_id = {TENANT}::int)")


def downgrade() -> None:
    op.drop_index("ix_youth_contributions_youth_kind", table_name="youth_contributions")
    op.drop_table("youth_contributions")
