"""The tables. Queries read these plain rows; only the engine ever loads a workflow's state.

A human task, an instance event and an audit entry are each a row written in the same
transaction as the workflow state they describe (README.md, "How state is kept").
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from engine.platform.tenancy import TenantMixin, current_tenant


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}
    if TYPE_CHECKING:  # every model here is a plain table, so Core inserts may name ``Model.__table__``
        __table__: ClassVar[Table]


class Tenant(Base):
    """A municipality on this installation; id 1 is the default one (migration 0010 makes it)."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class User(TenantMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Goes up whenever every session of the user must end; a session carries the number it began under.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    roles: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class UserRole(TenantMixin, Base):
    """A role a user holds; what the role may do is in :class:`RolePermission`."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(80), primary_key=True)


class Role(TenantMixin, Base):
    """A role of this installation: a default, one a lane names, or one an admin created."""

    __tablename__ = "roles"

    # A role name is the municipality's: two tenants' roles of one name are two roles.
    tenant_id: Mapped[int] = mapped_column(Integer, ForeignKey("tenants.id"), primary_key=True,
                                           default=current_tenant, server_default=text("1"))
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    created_at: Mapped[datetime]
    permissions: Mapped[list[RolePermission]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def permission_names(self) -> frozenset[str]:
        return frozenset(p.permission for p in self.permissions)


class RolePermission(TenantMixin, Base):
    """A permission a role holds (:data:`engine.people.role_defaults.PERMISSIONS` names them)."""

    __tablename__ = "role_permissions"
    __table_args__ = (ForeignKeyConstraint(["tenant_id", "role"], ["roles.tenant_id", "roles.name"],
                                           ondelete="CASCADE"),)

    tenant_id: Mapped[int] = mapped_column(Integer, ForeignKey("tenants.id"), primary_key=True,
                                           default=current_tenant, server_default=text("1"))
    role: Mapped[str] = mapped_column(String(80), primary_key=True)
    permission: Mapped[str] = mapped_column(String(80), primary_key=True)


class ApiToken(TenantMixin, Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    user: Mapped[User] = relationship(lazy="joined")


class ProcessVersion(TenantMixin, Base):
    """One deployed version of one executable process, with every file it was deployed with."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "key", "version", name="uq_process_versions_tenant_key_version"),
                      Index("ix_process_versions_key_hash", "key", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, Any]]
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str | None] = mapped_column(String(80))


class ProcessDraft(TenantMixin, Base):
    """A process owner's edited diagram (and forms), kept on the server until it is deployed.

    Nothing runs on a draft. ``revision`` goes up by one on each save; a save that names an older
    revision is refused, so two owners editing the same draft never overwrite each other silently.
    """

    __tablename__ = "process_drafts"
    __table_args__ = (UniqueConstraint("tenant_id", "key", name="uq_process_drafts_tenant_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    revision: Mapped[int] = mapped_column(Integer)
    files: Mapped[dict[str, Any]]
    based_on_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(80))


class Youth(TenantMixin, Base):
    """A young person. The CPR number is stored encrypted, with a keyed hash for exact search."""

    __tablename__ = "youths"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    birthdate: Mapped[date] = mapped_column(Date)
    cpr_encrypted: Mapped[str | None] = mapped_column(Text)
    cpr_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    cpr_masked: Mapped[str | None] = mapped_column(String(11))
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(80))
    # Goes up when every session the young person has (Min Plan) must end: logout ends all copies.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class YouthInvite(TenantMixin, Base):
    """A one-time link that logs a young person in to Min Plan (development and demo; issue 12).

    Only the token's hash is stored; a link works once, before ``expires_at``.
    """

    __tablename__ = "youth_invites"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_youth_invites_token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(80))


class ProcessInstance(TenantMixin, Base):
    """One young person's course. ``state`` is SpiffWorkflow's state without the spec."""

    __tablename__ = "process_instances"
    __table_args__ = (Index("ix_instances_status_timer", "status", "next_timer_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(255), index=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    state: Mapped[bytes] = mapped_column(LargeBinary)
    data: Mapped[dict[str, Any]]
    lock_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    next_timer_at: Mapped[datetime | None]
    waiting_messages: Mapped[list[Any]]
    # Catch events the course waits at (timers, messages in its path): what the case page highlights.
    waiting_elements: Mapped[list[Any] | None]
    error_message: Mapped[str | None] = mapped_column(Text)
    error_element_id: Mapped[str | None] = mapped_column(String(255))

    __mapper_args__ = {"version_id_col": lock_version}


# The rows of the inbox's role queues: ready, unclaimed, narrowed to no one. Queries repeat this
# text literally, so that both databases see they may use the partial index built on it.
QUEUE_PREDICATE = "state = 'ready' AND assignee IS NULL AND NOT personal"
CLAIMED_PREDICATE = "state = 'ready' AND assignee IS NOT NULL"


class Task(TenantMixin, Base):
    """A human task: what the inbox, the case page and the dashboards read."""

    __tablename__ = "tasks"
    __table_args__ = (
        # The inbox's role queues: ready, unclaimed, unnarrowed tasks of a role in due-date order.
        Index("ix_tasks_queue", "role", "queue_at", "created_at", "id",
              postgresql_where=text(QUEUE_PREDICATE), sqlite_where=text(QUEUE_PREDICATE)),
        Index("ix_tasks_instance_state", "instance_id", "state"),
        # Claimed tasks; partial, so the role queues' "assignee IS NULL" never tempts a planner here.
        Index("ix_tasks_claimed", "assignee", postgresql_where=text(CLAIMED_PREDICATE),
              sqlite_where=text(CLAIMED_PREDICATE)),
        Index("ix_tasks_youth", "youth_id"),
        Index("ix_tasks_process_element", "process_key", "element_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    youth_id: Mapped[int] = mapped_column(Integer)
    process_key: Mapped[str] = mapped_column(String(255))
    process_version_id: Mapped[int] = mapped_column(Integer)
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(80))
    lane_id: Mapped[str | None] = mapped_column(String(255))
    assignee: Mapped[str | None] = mapped_column(String(80))
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20))
    form_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(80))
    due_at: Mapped[datetime | None]
    queue_at: Mapped[datetime]    # due_at, or NO_DUE_DATE: the inbox sorts on it with an index


class TaskCandidate(TenantMixin, Base):
    """A person a task is narrowed to (lane_owners, camunda:assignee or candidateUsers)."""

    __tablename__ = "task_candidates"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class InstanceEvent(TenantMixin, Base):
    """One step of an instance's history: who did what, where and when."""

    __tablename__ = "instance_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    youth_id: Mapped[int] = mapped_column(Integer, index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    element_type: Mapped[str | None] = mapped_column(String(80))
    task_id: Mapped[str | None] = mapped_column(String(36))
    username: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # None is SQL NULL, also in bulk inserts


class AuditEntry(TenantMixin, Base):
    """Append-only access log: every read and change of a young person's data (principle 6)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_user", "username"),
                      Index("ix_audit_user_action_at", "username", "action", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    username: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80))
    youth_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class CourseFacts(TenantMixin, Base):
    """What the dashboards need about a course in plain columns, written at every save.

    The team and the outcome live in the instance data (JSON); reading them per row for 100,000
    courses is too slow, so :mod:`engine.dashboard.facts` copies them here in the same transaction.
    """

    __tablename__ = "course_facts"
    __table_args__ = (Index("ix_course_facts_outcome_at", "outcome_at"), Index("ix_course_facts_team", "team"))

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"),
                                             primary_key=True)
    team: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_reason: Mapped[str | None] = mapped_column(String(80))
    outcome_at: Mapped[datetime | None]


class CoursePerson(TenantMixin, Base):
    """A person named for a lane of a course (``lane_owners``): the guide, the coordinating caseworker.

    ``process_key``, ``youth_id`` and ``active`` (running or stopped on an error) are copied from the
    instance at every save so the caseload is counted from one index.
    """

    __tablename__ = "course_people"
    __table_args__ = (Index("ix_course_people_caseload", "process_key", "lane", "username", "youth_id",
                            postgresql_where=text("active"), sqlite_where=text("active")),)

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"),
                                             primary_key=True)
    lane: Mapped[str] = mapped_column(String(255), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)
    process_key: Mapped[str] = mapped_column(String(255))
    youth_id: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)


# The dashboards' queries read these indexes only (index-only scans on PostgreSQL): open tasks, tasks
# completed or created in a period, and each course's progress. The partial ones match queries that
# write the state as a literal (engine.dashboard.scope.OPEN and DONE).
_OPEN, _DONE = text("state = 'ready'"), text("state = 'completed'")
Index("ix_tasks_open", Task.process_key, Task.element_id, Task.created_at, Task.due_at, Task.process_version_id,
      Task.instance_id, Task.youth_id, Task.name, Task.role, postgresql_where=_OPEN, sqlite_where=_OPEN)
Index("ix_tasks_done", Task.process_key, Task.completed_at, Task.element_id, Task.created_at, Task.due_at,
      Task.process_version_id, Task.instance_id, Task.youth_id, Task.name, postgresql_where=_DONE, sqlite_where=_DONE)
Index("ix_tasks_instance_done", Task.instance_id, Task.element_id, Task.completed_at, Task.youth_id,
      postgresql_where=_DONE, sqlite_where=_DONE)
Index("ix_tasks_process_created", Task.process_key, Task.created_at, Task.element_id, Task.process_version_id,
      Task.instance_id, Task.youth_id)
Index("ix_instances_process_created", ProcessInstance.process_key, ProcessInstance.created_at,
      ProcessInstance.process_version_id, ProcessInstance.youth_id, ProcessInstance.id)


class UserIdentity(TenantMixin, Base):
    """A user's account at an identity provider (OpenID Connect issuer and subject).

    A login through the provider finds the user by this pair, never by a username the provider
    sends: a provider account cannot take over a local user who happens to share its name.
    """

    __tablename__ = "user_identities"
    # Per tenant (migration 0011): a provider two municipalities share names its own subject in each.
    __table_args__ = (UniqueConstraint("tenant_id", "issuer", "subject", name="uq_user_identities_tenant_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime]


class TenantLoginProvider(TenantMixin, Base):
    """A municipality's own identity provider for its staff (OpenID Connect), one per tenant.

    The default tenant may have none: the environment (``SAMSPIL_OIDC_*``) is then its provider.
    The client secret is kept sealed (:meth:`engine.platform.crypto.CprVault.seal`), so a database
    dump does not hand out the installation's place at the municipality's provider.
    """

    __tablename__ = "tenant_login_providers"
    __table_args__ = (UniqueConstraint("tenant_id", name="uq_tenant_login_providers_tenant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_sealed: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(500))
    role_claim: Mapped[str] = mapped_column(String(100))
    role_map: Mapped[dict[str, Any]]
    username_claim: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(100))
    link_by_username: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class LoginFailure(Base):
    """A failed login, kept for a while so that repeated guessing is slowed down (throttling)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_user_at", "username", "at"),
                      Index("ix_login_failures_source_at", "source", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    source: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]


class TaskComment(TenantMixin, Base):
    """A note on a task, shown to everyone who may see the task."""

    __tablename__ = "task_comments"
    __table_args__ = (Index("ix_task_comments_task", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)


class FormSubmission(TenantMixin, Base):
    """A form's one-time key: a form submitted twice has one effect (the second finds its key)."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MailNotification(TenantMixin, Base):
    """A mail owed to a person about a task (assigned, overdue): written with the change, sent after."""

    __tablename__ = "mail_notifications"
    __table_args__ = (UniqueConstraint("task_id", "kind", "username", name="uq_mail_task_kind_user"),
                      Index("ix_mail_unsent", "sent_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    username: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class TaskSubmission(TenantMixin, Base):
    """What a completion submitted, as the form declared it: the case journal and a finished task's page show it.

    Written in the completion's transaction. Kept apart from ``tasks`` so the inbox's rows stay small.
    """

    __tablename__ = "task_submissions"
    __table_args__ = (Index("ix_task_submissions_instance", "instance_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer)
    youth_id: Mapped[int] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Notice(TenantMixin, Base):
    """A message to one person about a young person's course (a referral closed with a recommendation).

    Shown in their inbox until they mark it read, and on the case page; a mail is owed alongside.
    """

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_unread", "username", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    youth_id: Mapped[int] = mapped_column(Integer, index=True)
    instance_id: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class CourseHold(TenantMixin, Base):
    """A paused course: why, until when, by whom. While it exists the course is ``paused`` and nothing fires."""

    __tablename__ = "course_holds"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"),
                                             primary_key=True)
    youth_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    resume_on: Mapped[date] = mapped_column(Date, index=True)
    paused_by: Mapped[str] = mapped_column(String(80))
    paused_at: Mapped[datetime]


class Consent(TenantMixin, Base):
    """One consent in a young person's consent register (forvaltningsloven § 28; issue 12, part 5).

    Specific: which ``data_types`` (the referral form's ``samtykke_datatyper`` values) may go to
    which ``recipient`` (a department, a role or an external actor, in words) for which ``purpose``.
    ``recipient_role`` is set when the recipient is a role in Samspil: a withdrawn or expired consent
    then hides those data types from that role's users (:mod:`engine.people.consents`).
    ``given_by`` is ``den_unge`` or ``foraelder_vaerge`` (required under 18). A row is never deleted
    while the young person is: a withdrawal fills the ``withdrawn_*`` columns.
    """

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(Integer, index=True)
    instance_id: Mapped[int | None] = mapped_column(Integer)
    data_types: Mapped[list[Any]] = mapped_column(JSON)
    recipient: Mapped[str] = mapped_column(String(200))
    recipient_role: Mapped[str | None] = mapped_column(String(80))
    purpose: Mapped[str] = mapped_column(Text)
    given_by: Mapped[str] = mapped_column(String(40))
    guardian_name: Mapped[str | None] = mapped_column(String(200))
    given_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(80))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)


class SelfAssessment(TenantMixin, Base):
    """A young person's self-assessment before a follow-up (issue 12): one row per completed form.

    ``scores`` maps each scale of the process owner's form to ``{"score": 1-10, "note": str | None}``;
    ``follow_up`` is the how-manyth time the course reached the task (the follow-up loop's round);
    ``destination`` and ``tracks`` are the plan's positive destination and milestone tracks then.
    Written by :mod:`engine.progression.assessments` in the completion's transaction, so the charts and
    the dashboard read a plain table and never a workflow.
    """

    __tablename__ = "self_assessments"
    __table_args__ = (UniqueConstraint("task_id", name="uq_self_assessments_task_id"),
                      Index("ix_self_assessments_youth", "youth_id", "taken_at"),
                      Index("ix_self_assessments_process", "process_key", "taken_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    process_key: Mapped[str] = mapped_column(String(255))
    task_id: Mapped[str] = mapped_column(String(36))
    follow_up: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime]
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The plan as it stood when the assessment was taken, for the dashboard's groups.
    destination: Mapped[str | None] = mapped_column(String(80))
    tracks: Mapped[list[Any]] = mapped_column(JSON)


class YouthContribution(TenantMixin, Base):
    """What the young person writes into their plan on Min Plan (issue 12, part 3), beside the course's data.

    ``kind`` is ``dream`` (their dream and wishes: every version kept, the newest is current),
    ``comment`` (on the milestone titled ``milestone``), ``proposal`` (a milestone they propose:
    ``status`` open, then accepted or answered by staff with ``answer``) or ``done`` (a milestone of
    theirs marked done: ``milestone`` names the accepted proposal's id). See :mod:`engine.people.co_production`.
    """

    __tablename__ = "youth_contributions"
    __table_args__ = (Index("ix_youth_contributions_youth_kind", "youth_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"))
    instance_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    milestone: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    status: Mapped[str | None] = mapped_column(String(20))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None]
