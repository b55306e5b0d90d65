"""roles and their permissions as data

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

A municipality names its own roles and decides what each may do (issue 11). The tables are seeded
from today's defaults (engine.people.role_defaults at the time of writing, copied here so a later change to
the defaults does not change what this migration did), and every role a user already holds gets a
row, so behaviour is unchanged.
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULTS: dict[str, tuple[str, ...]] = {
    "register_youth": ("sagsbehandler", "ungekoordinator", "koordinerende_sagsbehandler", "admin"),
    "see_all_youths": ("admin", "ungekoordinator"),
    "send_messages": ("sagsbehandler", "ungekoordinator", "koordinerende_sagsbehandler", "ungeguide", "admin",
                      "integration"),
    "message_any_course": ("integration",),
    "fire_timers": ("ungekoordinator", "admin"),
    "control_courses": ("ungekoordinator", "admin"),
    "retry_courses": ("admin",),
    "release_any_task": ("ungekoordinator", "admin"),
    "reassign": ("ungekoordinator", "admin"),
    "edit_diagrams": ("procesejer", "admin"),
    "view_metrics": ("ungekoordinator", "admin", "procesejer"),
    "read_audit": ("admin",),
    "manage_users": ("admin",),
    "name_people_in_diagrams": ("admin",),
    "act_in_any_lane": ("admin",),
}
ROLES = ("sagsbehandler", "ungekoordinator", "ungeguide", "koordinerende_sagsbehandler", "procesejer", "admin",
         "integration")


def upgrade() -> None:
    roles = op.create_table(
        "roles",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    permissions = op.create_table(
        "role_permissions",
        sa.Column("role", sa.String(80), sa.ForeignKey("roles.name", ondelete="CASCADE"), primary_key=True),
        sa.Column("permission", sa.String(80), primary_key=True),
    )
    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":  # stored naive there, as engine.platform.models.UTCDateTime does
        now = now.replace(tzinfo=None)
    held = {row[0] for row in bind.execute(sa.text("SELECT DISTINCT role FROM user_roles"))}
    names = list(ROLES) + sorted(held - set(ROLES) - {"system"})
    op.bulk_insert(roles, [{"name": name, "created_at": now} for name in names])
    op.bulk_insert(permissions, [{"role": role, "permission": permission}
                                 for permission, holders in DEFAULTS.items() for role in holders])


def downgrade() -> None:
    op.drop_table("role_permissions")
    op.drop_table("roles")
