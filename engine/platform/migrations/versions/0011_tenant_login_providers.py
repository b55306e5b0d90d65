"""tenant login providers: each municipality's own identity provider (OpenID Connect)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08

``tenant_login_providers`` holds one provider per tenant (issuer, client, the sealed client secret,
how claims become roles). The environment's provider (``SAMSPIL_OIDC_*``) stays the default
tenant's when it has no row here, so an installation with no tenant configured works as before.

An account at a provider is now the tenant's: ``user_identities`` is unique per (tenant, issuer,
subject), so a provider two municipalities share may know the same person in each, and a lookup in
one tenant never finds another's link. On PostgreSQL the new table gets the row-level security
policy of migration 0010 (the application's grants come from 0010's default privileges).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT = "NULLIF(current_setting('samspil.tenant', true), '')"


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "tenant_login_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"), nullable=False, server_default="1"),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret_sealed", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=500), nullable=False),
        sa.Column("role_claim", sa.String(length=100), nullable=False),
        sa.Column("role_map", sa.JSON(), nullable=False),
        sa.Column("username_claim", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("link_by_username", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", name="uq_tenant_login_providers_tenant"),
    )
    with op.batch_alter_table("user_identities") as batch:  # SQLite: the table is built anew
        batch.drop_constraint("uq_user_identities_issuer_subject", type_="unique")
        batch.create_unique_constraint("uq_user_identities_tenant_issuer_subject",
                                       ["tenant_id", "issuer", "subject"])
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE tenant_login_providers ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE tenant_login_providers FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_confined ON tenant_login_providers USING (tenant_id = {TENANT}::int) "
                   f"WITH CHECK (tenant_id = {TENANT}::int)")


def downgrade() -> None:
    with op.batch_alter_table("user_identities") as batch:
        batch.drop_constraint("uq_user_identities_tenant_issuer_subject", type_="unique")
        batch.create_unique_constraint("uq_user_identities_issuer_subject", ["issuer", "subject"])
    op.drop_table("tenant_login_providers")
