"""tenants: several municipalities on one installation

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

Every table holding a municipality's data gets ``tenant_id`` (existing rows: tenant 1, the default
tenant made here, so an installation with no tenant configured works as before). What was unique
per installation becomes unique per tenant: a role's name, a process key and version, a draft's key.
Usernames stay unique across tenants (a login finds the tenant from the user: engine.platform.tenancy).

On PostgreSQL the tables also get row-level security, enabled and forced, with the policy
``tenant_id = samspil.tenant`` (set per transaction by the application), and the NOLOGIN role
``samspil_app`` that the application acts as (``SET ROLE`` on each connection; the owner running
this migration is not subject to it otherwise). Roles are cluster-wide, so it is made only if missing.
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "samspil_app"
# Tables that get a plain added column; roles, role_permissions, process_versions and process_drafts
# change their keys as well and are handled apart.
ADDED = ("users", "user_roles", "api_tokens", "youths", "process_instances", "tasks", "task_candidates",
         "instance_events", "audit_log", "course_facts", "course_people", "user_identities", "task_comments",
         "form_submissions", "mail_notifications", "task_submissions", "notices", "course_holds")
REKEYED = ("roles", "role_permissions", "process_versions", "process_drafts")
TENANT_TABLES = ADDED + REKEYED
# The tenant of the transaction; '' (set earlier in the session, now reset) counts as none.
TENANT = "NULLIF(current_setting('samspil.tenant', true), '')"


def _tenant_column() -> sa.Column:
    return sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False, server_default="1")


def upgrade() -> None:
    bind = op.get_bind()
    tenants = op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_tenants_key"),
    )
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    op.bulk_insert(tenants, [{"id": 1, "key": "default", "name": "Standard", "created_at": now}])
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('tenants', 'id'), 1)")
    for table in ADDED:
        if bind.dialect.name == "sqlite":  # alembic would refuse the constraint; SQLite takes it in the column
            op.execute(f"ALTER TABLE {table} ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1 REFERENCES tenants (id)")
        else:
            op.add_column(table, _tenant_column())
    if bind.dialect.name == "sqlite":
        _rekey_sqlite()
    else:
        _rekey_postgresql()
        _row_level_security()


def _rekey_postgresql() -> None:
    for table in REKEYED:
        op.add_column(table, _tenant_column())
    op.drop_constraint("process_versions_key_version_key", "process_versions", type_="unique")
    op.create_unique_constraint("uq_process_versions_tenant_key_version", "process_versions",
                                ["tenant_id", "key", "version"])
    op.drop_constraint("process_drafts_key_key", "process_drafts", type_="unique")
    op.create_unique_constraint("uq_process_drafts_tenant_key", "process_drafts", ["tenant_id", "key"])
    op.drop_constraint("role_permissions_role_fkey", "role_permissions", type_="foreignkey")
    op.drop_constraint("role_permissions_pkey", "role_permissions", type_="primary")
    op.drop_constraint("roles_pkey", "roles", type_="primary")
    op.create_primary_key("roles_pkey", "roles", ["tenant_id", "name"])
    op.create_primary_key("role_permissions_pkey", "role_permissions", ["tenant_id", "role", "permission"])
    op.create_foreign_key("role_permissions_role_fkey", "role_permissions", "roles",
                          ["tenant_id", "role"], ["tenant_id", "name"], ondelete="CASCADE")


def _rekey_sqlite() -> None:
    """SQLite cannot change a key in place: each table is built anew and its rows copied (foreign
    keys are off during the upgrade, engine.platform.schema.upgrade)."""
    new = sa.MetaData()
    sa.Table("tenants", new, sa.Column("id", sa.Integer(), primary_key=True))
    tables = {
        "roles": sa.Table(
            "roles", new, _tenant_column(), sa.Column("name", sa.String(80), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("tenant_id", "name")),
        "role_permissions": sa.Table(
            "role_permissions", new, _tenant_column(), sa.Column("role", sa.String(80), nullable=False),
            sa.Column("permission", sa.String(80), nullable=False),
            sa.PrimaryKeyConstraint("tenant_id", "role", "permission"),
            sa.ForeignKeyConstraint(["tenant_id", "role"], ["roles.tenant_id", "roles.name"], ondelete="CASCADE")),
        "process_versions": sa.Table(
            "process_versions", new, sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("key", sa.String(255), nullable=False), sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(255), nullable=False), sa.Column("content_hash", sa.String(64), nullable=False),
            sa.Column("files", sa.JSON(), nullable=False),
            sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("deployed_by", sa.String(80), nullable=True), _tenant_column(),
            sa.UniqueConstraint("tenant_id", "key", "version", name="uq_process_versions_tenant_key_version")),
        "process_drafts": sa.Table(
            "process_drafts", new, sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("key", sa.String(255), nullable=False), sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("files", sa.JSON(), nullable=False), sa.Column("based_on_version", sa.Integer(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("created_by", sa.String(80), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_by", sa.String(80), nullable=False), _tenant_column(),
            sa.UniqueConstraint("tenant_id", "key", name="uq_process_drafts_tenant_key")),
    }
    bind = op.get_bind()
    for name, table in tables.items():  # built as _new_<name>, so other tables' references keep the name
        listed = ", ".join(c.name for c in table.columns if c.name != "tenant_id")
        ddl = sa.schema.CreateTable(table).compile(dialect=bind.dialect).string
        op.execute(ddl.replace(f"CREATE TABLE {name} (", f"CREATE TABLE _new_{name} (", 1))
        op.execute(f"INSERT INTO _new_{name} ({listed}, tenant_id) SELECT {listed}, 1 FROM {name}")
    for name in reversed(list(tables)):
        op.execute(f"DROP TABLE {name}")
    for name in tables:
        op.execute(f"ALTER TABLE _new_{name} RENAME TO {name}")
    op.create_index("ix_process_versions_key_hash", "process_versions", ["key", "content_hash"])


def _row_level_security() -> None:
    op.execute(f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE ROLE {APP_ROLE} NOLOGIN;
        END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
            EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
        END IF;
    END $$""")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    # Tables and sequences a later migration makes are the application's too.
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {APP_ROLE}")
    op.execute(f"REVOKE UPDATE, DELETE ON tenants FROM {APP_ROLE}")
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_confined ON {table} USING (tenant_id = {TENANT}::int) "
                   f"WITH CHECK (tenant_id = {TENANT}::int)")
    # A login looks its user up across tenants (engine.platform.tenancy.tenant_of_username): while
    # samspil.lookup is 'users' (and no tenant is named) the users table, only, may be read; nothing written.
    op.execute("CREATE POLICY tenant_lookup ON users FOR SELECT "
               "USING (current_setting('samspil.lookup', true) = 'users')")


def downgrade() -> None:
    """Not possible once a second tenant holds data: its rows would fall into the default tenant."""
    raise NotImplementedError("a database holding several tenants cannot be folded back into one")
