"""course facts for the dashboards

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Plain columns the dashboards filter and count on (team, outcome, the people per lane), and
indexes for the period queries. Existing courses are filled in from their instance data.

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('course_facts',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('team', sa.String(length=120), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_reason', sa.String(length=80), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instance_id')
    )
    with op.batch_alter_table('course_facts', schema=None) as batch_op:
        batch_op.create_index('ix_course_facts_outcome_at', ['outcome_at'], unique=False)
        batch_op.create_index('ix_course_facts_team', ['team'], unique=False)

    op.create_table('course_people',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('lane', sa.String(length=255), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('process_key', sa.String(length=255), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instance_id', 'lane', 'username')
    )
    with op.batch_alter_table('course_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_people_username'), ['username'], unique=False)
    op.create_index('ix_course_people_caseload', 'course_people', ['process_key', 'lane', 'username', 'youth_id'],
                    postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))

    open_, done = sa.text("state = 'ready'"), sa.text("state = 'completed'")
    op.create_index('ix_tasks_open', 'tasks', ['process_key', 'element_id', 'created_at', 'due_at', 'process_version_id',
                                              'instance_id', 'youth_id', 'name', 'role'],
                    postgresql_where=open_, sqlite_where=open_)
    op.create_index('ix_tasks_done', 'tasks', ['process_key', 'completed_at', 'element_id', 'created_at', 'due_at',
                                              'process_version_id', 'instance_id', 'youth_id', 'name'],
                    postgresql_where=done, sqlite_where=done)
    op.create_index('ix_tasks_instance_done', 'tasks', ['instance_id', 'element_id', 'completed_at', 'youth_id'],
                    postgresql_where=done, sqlite_where=done)
    op.create_index('ix_tasks_process_created', 'tasks', ['process_key', 'created_at', 'element_id',
                                                         'process_version_id', 'instance_id', 'youth_id'])
    op.create_index('ix_instances_process_created', 'process_instances',
                    ['process_key', 'created_at', 'process_version_id', 'youth_id', 'id'])

    _backfill()


def _backfill() -> None:
    """Courses that existed before this revision get their facts from their instance data."""
    from engine.dashboard.facts import facts_from_data

    connection = op.get_bind()
    instances = sa.table('process_instances', sa.column('id', sa.Integer), sa.column('process_key', sa.String),
                         sa.column('youth_id', sa.Integer), sa.column('status', sa.String),
                         sa.column('data', sa.JSON), sa.column('completed_at', sa.DateTime(timezone=True)))
    facts = sa.table('course_facts', sa.column('instance_id', sa.Integer), sa.column('team', sa.String),
                     sa.column('outcome', sa.String), sa.column('outcome_reason', sa.String),
                     sa.column('outcome_at', sa.DateTime(timezone=True)))
    people = sa.table('course_people', sa.column('instance_id', sa.Integer), sa.column('lane', sa.String),
                      sa.column('username', sa.String), sa.column('process_key', sa.String),
                      sa.column('youth_id', sa.Integer), sa.column('active', sa.Boolean))
    for row in connection.execute(sa.select(instances)):
        team, outcome, reason, lanes = facts_from_data(row.process_key, row.data or {})
        connection.execute(sa.insert(facts).values(instance_id=row.id, team=team, outcome=outcome, outcome_reason=reason,
                                                   outcome_at=row.completed_at if outcome else None))
        for lane, username in sorted(lanes):
            connection.execute(sa.insert(people).values(instance_id=row.id, lane=lane, username=username,
                                                        process_key=row.process_key, youth_id=row.youth_id,
                                                        active=row.status in ('running', 'error')))


def downgrade() -> None:
    for name, table in (('ix_instances_process_created', 'process_instances'), ('ix_tasks_process_created', 'tasks'),
                        ('ix_tasks_instance_done', 'tasks'), ('ix_tasks_done', 'tasks'), ('ix_tasks_open', 'tasks')):
        op.drop_index(name, table_name=table)
    op.drop_table('course_people')
    op.drop_table('course_facts')
