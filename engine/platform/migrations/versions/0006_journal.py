"""case journal: what each completion submitted, notices to people, paused courses

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

``task_submissions`` keeps what a completed task submitted (the journal and a finished task's page
show it); ``notices`` tells a person about a course (a referral closed with a recommendation);
``course_holds`` says why and until when a course is paused.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_submissions",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.create_index("ix_task_submissions_instance", "task_submissions", ["instance_id"])
    op.create_index("ix_task_submissions_youth_id", "task_submissions", ["youth_id"])
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notices_user_unread", "notices", ["username", "read_at"])
    op.create_index("ix_notices_youth_id", "notices", ["youth_id"])
    op.create_table(
        "course_holds",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resume_on", sa.Date(), nullable=False),
        sa.Column("paused_by", sa.String(length=80), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("instance_id"),
    )
    op.create_index("ix_course_holds_resume_on", "course_holds", ["resume_on"])


def downgrade() -> None:
    op.drop_table("course_holds")
    op.drop_index("ix_notices_youth_id", table_name="notices")
    op.drop_index("ix_notices_user_unread", table_name="notices")
    op.drop_table("notices")
    op.drop_index("ix_task_submissions_youth_id", table_name="task_submissions")
    op.drop_index("ix_task_submissions_instance", table_name="task_submissions")
    op.drop_table("task_submissions")
