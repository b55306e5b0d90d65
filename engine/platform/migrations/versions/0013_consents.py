"""consents: the young person's consent register (issue 12, part 5)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

A table ``consents`` (tenant-owned, with row-level security on PostgreSQL as in migration 0010), the
permission ``record_consent`` for the default roles that hold it (copied here, as 0009 did), and the
consent each existing course's referral recorded in its data (``samtykke_givet`` and the fields
beside it) as the register's first row. The course data is a plain JSON column: no workflow is
loaded. On PostgreSQL each tenant's rows are read and written with that tenant set, so the policy of
0010 holds for the migration too.
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "samspil_app"
TENANT = "NULLIF(current_setting('samspil.tenant', true), '')"
PERMISSION = "record_consent"
HOLDERS = ("sagsbehandler", "ungekoordinator", "koordinerende_sagsbehandler", "admin")
GIVERS = ("den_unge", "foraelder_vaerge")


def upgrade() -> None:
    bind = op.get_bind()
    consents = op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("data_types", sa.JSON(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("recipient_role", sa.String(length=80), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("given_by", sa.String(length=40), nullable=False),
        sa.Column("guardian_name", sa.String(length=200), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=80), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consents_youth_id", "consents", ["youth_id"])
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON consents TO {APP_ROLE}")
        op.execute(f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE consents_id_seq TO {APP_ROLE}")
        op.execute("ALTER TABLE consents ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE consents FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_confined ON consents USING (tenant_id = {TENANT}::int) "
                   f"WITH CHECK (tenant_id = {TENANT}::int)")
    now = datetime.now(UTC)
    if not postgres:  # stored naive there, as engine.platform.models.UTCDateTime does
        now = now.replace(tzinfo=None)
    for tenant in [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants ORDER BY id"))]:
        if postgres:
            bind.execute(sa.text("SELECT set_config('samspil.tenant', :tenant, true)"), {"tenant": str(tenant)})
        _grant_permission(bind, tenant)
        _first_consents(bind, consents, tenant, now)
    if postgres:
        bind.execute(sa.text("SELECT set_config('samspil.tenant', '', true)"))


def _grant_permission(bind: sa.Connection, tenant: int) -> None:
    """``record_consent`` for the tenant's default roles that exist and do not hold it yet."""
    for role in HOLDERS:
        exists = bind.execute(sa.text("SELECT 1 FROM roles WHERE tenant_id = :t AND name = :r"),
                              {"t": tenant, "r": role}).first()
        held = bind.execute(sa.text("SELECT 1 FROM role_permissions WHERE tenant_id = :t AND role = :r "
                                    "AND permission = :p"), {"t": tenant, "r": role, "p": PERMISSION}).first()
        if exists and not held:
            bind.execute(sa.text("INSERT INTO role_permissions (tenant_id, role, permission) VALUES (:t, :r, :p)"),
                         {"t": tenant, "r": role, "p": PERMISSION})


def _first_consents(bind: sa.Connection, consents: sa.Table, tenant: int, now: datetime) -> None:
    """The consent each course's referral recorded, as the register's first row (source ``referral``)."""
    instances = sa.table("process_instances", sa.column("id", sa.Integer()), sa.column("youth_id", sa.Integer()),
                         sa.column("data", sa.JSON()), sa.column("created_at", sa.DateTime(timezone=True)),
                         sa.column("tenant_id", sa.Integer()))
    tasks = sa.table("tasks", sa.column("instance_id", sa.Integer()), sa.column("form_key", sa.String()),
                     sa.column("state", sa.String()), sa.column("completed_at", sa.DateTime(timezone=True)),
                     sa.column("completed_by", sa.String()))
    rows = []
    for instance in bind.execute(sa.select(instances).where(instances.c.tenant_id == tenant)
                                 .order_by(instances.c.id)):
        data = instance.data or {}
        if not isinstance(data, dict) or data.get("samtykke_givet") is not True:
            continue
        referral = bind.execute(sa.select(tasks.c.completed_at, tasks.c.completed_by).where(
            tasks.c.instance_id == instance.id, tasks.c.form_key == "henvisning",
            tasks.c.state == "completed")).first()
        given_at = (referral.completed_at if referral is not None and referral.completed_at else instance.created_at)
        if isinstance(given_at, str):
            given_at = datetime.fromisoformat(given_at)
        kinds = data.get("samtykke_datatyper")
        rows.append({
            "youth_id": instance.youth_id, "instance_id": instance.id,
            "data_types": [k for k in kinds if isinstance(k, str)] if isinstance(kinds, list) else [],
            "recipient": str(data.get("samtykke_modtager") or "")[:200],
            "purpose": str(data.get("samtykke_formaal") or ""),
            "given_by": data["samtykke_givet_af"] if data.get("samtykke_givet_af") in GIVERS else "den_unge",
            "given_on": (given_at or now).date(), "source": "referral", "recorded_at": given_at or now,
            "recorded_by": referral.completed_by if referral is not None else None, "tenant_id": tenant})
    if rows:
        op.bulk_insert(consents, rows)


def downgrade() -> None:
    op.execute("DELETE FROM role_permissions WHERE permission = 'record_consent'")
    op.drop_index("ix_consents_youth_id", "consents")
    op.drop_table("consents")
