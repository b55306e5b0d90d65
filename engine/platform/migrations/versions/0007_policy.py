"""assigned tasks keep their person

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

A task given by ``camunda:assignee`` was narrowed to its assignee without a candidate row, so once
released it belonged to no one (issue 10, finding 12). Open tasks like that get their assignee as a
candidate; one already released (narrowed to no one) goes back to its role's queue.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_CANDIDATE = "NOT EXISTS (SELECT 1 FROM task_candidates c WHERE c.task_id = tasks.id{})"


def upgrade() -> None:
    op.execute("INSERT INTO task_candidates (task_id, username) SELECT id, assignee FROM tasks "
               "WHERE state = 'ready' AND personal AND assignee IS NOT NULL AND "
               + NO_CANDIDATE.format(" AND c.username = tasks.assignee"))
    op.execute("UPDATE tasks SET personal = false WHERE state = 'ready' AND personal AND assignee IS NULL AND "
               + NO_CANDIDATE.format(""))


def downgrade() -> None:
    """Nothing to undo: the rows added name people the tasks were already for."""
