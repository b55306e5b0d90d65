"""self-assessments: the young person's progression before each follow-up (issue 12)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08

One row per completed self-assessment form: the young person, the course, the follow-up round, when,
and the scores per scale (JSON). Tenant-owned like every table of a municipality's data; on
PostgreSQL it gets the same forced row-level security policy as migration 0010 gave the others.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT = "NULLIF(current_setting('samspil.tenant', true), '')"


def upgrade() -> None:
    op.create_table(
        "self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("follow_up", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("destination", sa.String(length=80), nullable=True),
        sa.Column("tracks", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["youth_id"], ["youths.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", name="uq_self_assessments_task_id"),
    )
    op.create_index("ix_self_assessments_youth", "self_assessments", ["youth_id", "taken_at"])
    op.create_index("ix_self_assessments_process", "self_assessments", ["process_key", "taken_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE self_assessments ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE self_assessments FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_confined ON self_assessments USING (tenant_id = {TENANT}::int) "
                   f"WITH CHECK (tenant_id = {TENANT}::int)")


def downgrade() -> None:
    op.drop_table("self_assessments")
