"""Who may reach each route of the app: one entry per endpoint, in terms of :mod:`engine.people.policy`.

The services enforce the rules (a permission through ``policy.require``, involvement through
``ensure_may_view``, acting on a task through ``policy.may_act``); this table says, per endpoint,
which of them apply, so ``tests/security/test_route_walk.py`` can walk every route as every role,
involved and not, and check the answer. A route without an entry fails that suite: adding a
route means deciding here who may use it.

An entry:

* ``public``: no login needed (the login page, the OpenAPI document, static files);
* ``permission``: a permission of :data:`engine.people.policy.PERMISSIONS` the caller's roles must hold
  (``None``: any logged-in user; what they then see is filtered to what they may see);
* ``youth``: it reads or changes one young person's case: the caller must be involved, or hold
  ``see_all_youths`` (``message_any_course`` too, for messages);
* ``task``: it acts on one task: :func:`engine.people.policy.may_act` (role AND involvement);
* ``lane_holders``: the people the course names for its guide and coordinating caseworker lanes
  (``lane_owners``) may too, without the permission (reporting a drop-out);
* ``citizen``: only a young person logged in as themselves (Min Plan, issue 12), for their own data;
  every staff user is refused. A young person's session reaches these and the public ones, nothing
  else (:mod:`web.citizen`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    public: bool = False
    permission: str | None = None
    youth: bool = False
    task: bool = False
    any_course_permission: str | None = None   # a permission that stands in for involvement
    lane_holders: bool = False
    citizen: bool = False


PUBLIC = Access(public=True)
LOGGED_IN = Access()
CASE = Access(youth=True)
TASK = Access(youth=True, task=True)
EDITORS = Access(permission="edit_diagrams")
FIGURES = Access(permission="view_metrics")
ADMINS = Access(permission="manage_users")
COURSE_CONTROL = Access(permission="control_courses", youth=True)
CITIZEN = Access(citizen=True)
CONSENTS = Access(permission="record_consent", youth=True)

ACCESS: dict[str, Access] = {
    # pages: login, language, static files
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.set_language": PUBLIC,
    "oidc_login.start": PUBLIC,     # to the municipality's identity provider
    "oidc_login.callback": PUBLIC,  # only the browser that started the login (state, nonce, PKCE)
    "oidc_login.tenant_callback": PUBLIC,  # the same, for a tenant's own provider (the session names the tenant)
    "auth.change_password": LOGGED_IN,  # one's own
    "static": PUBLIC,
    # pages: the young person's own (Min Plan, issue 12)
    "min_plan.login_page": PUBLIC,
    "min_plan.invitation": PUBLIC,      # the one-time link, used once, before it expires
    "min_plan.mitid_start": PUBLIC,     # to the municipality's MitID broker
    "min_plan.mitid_callback": PUBLIC,  # only the browser that started the login (state, nonce, PKCE)
    "min_plan.logout": PUBLIC,
    "min_plan.show": CITIZEN,
    "min_plan.pdf": CITIZEN,
    "min_plan.dream": CITIZEN,
    "min_plan.comment": CITIZEN,
    "min_plan.propose": CITIZEN,
    "min_plan.mark_done": CITIZEN,
    "min_plan_own.task": CITIZEN,              # only their own open task (engine.people.my_plan_own.own_task)
    "min_plan_own.complete": CITIZEN,          # engine.work.tasks.complete_task as the young person
    "min_plan_own.withdraw_consent": CITIZEN,  # only their own consent (engine.people.consents.withdraw_consent)
    # pages: inbox, tasks
    "inbox.index": LOGGED_IN,
    "inbox.claim": TASK,
    "inbox.notice_read": LOGGED_IN,  # the notice's addressee only; anyone else gets 404
    "inbox.unclaim": Access(permission="release_any_task", youth=True),  # or the one who claimed it
    "tasks.show": CASE,
    "tasks.complete": TASK,
    "tasks.assign": Access(permission="reassign", youth=True),
    "tasks.comment": CASE,
    # pages: young people and their cases
    "cases.search": LOGGED_IN,
    "cases.show": CASE,
    "cases.answer_proposal": CASE,  # the young person's proposed milestone: into the plan, or answered
    "cases.fire_timer": Access(permission="fire_timers", youth=True),
    "cases.dropout": Access(permission="control_courses", youth=True, lane_holders=True),
    "cases.pause": COURSE_CONTROL,
    "cases.resume": COURSE_CONTROL,
    "cases.close": COURSE_CONTROL,
    "cases.record_consent": CONSENTS,
    "cases.withdraw_consent": CONSENTS,  # the young person withdraws their own from their own page
    "cases.new": Access(permission="register_youth"),
    "cases.create": Access(permission="register_youth"),
    # pages: the dashboard
    "dashboard.index": FIGURES,
    "dashboard.export": FIGURES,
    "dashboard.waiting_list": Access(permission="see_all_youths"),
    # pages: the workbench
    "workbench.library": EDITORS,
    "workbench.import_diagram": EDITORS,
    "workbench.download": EDITORS,
    "workbench.modeler": EDITORS,
    "workbench.validate": EDITORS,
    "workbench.save_draft": EDITORS,
    "workbench.deploy_draft": EDITORS,
    "workbench.test_run": EDITORS,
    "workbench.diff_page": EDITORS,
    "workbench.migration_page": EDITORS,
    "workbench.migrate": EDITORS,
    # pages: administration
    "admin.users_page": ADMINS,
    "admin.add_user": ADMINS,
    "admin.edit_user": ADMINS,
    "admin.set_roles": ADMINS,
    "admin.set_active": ADMINS,
    "admin.create_token": ADMINS,
    "admin.revoke_token": ADMINS,
    "people.roles_page": ADMINS,
    "people.save_role": ADMINS,
    "people.handover_page": Access(permission="reassign"),
    "admin.audit_page": Access(permission="read_audit"),
    "admin.audit_csv": Access(permission="read_audit"),
    # API
    "api.openapi.openapi_document": PUBLIC,
    "api.me.me": CITIZEN,  # the young person's own plan (their session)
    "api.audit_log.audit_entries": Access(permission="read_audit"),
    "api.youths.create_youth": Access(permission="register_youth"),
    "api.youths.search_youths": LOGGED_IN,
    "api.youths.search_youths_by_body": LOGGED_IN,
    "api.youths.get_youth": CASE,
    "api.consents.list_consents": CASE,
    "api.consents.record_consent": CONSENTS,
    "api.consents.withdraw_consent": CONSENTS,
    "api.instances.start_instance": Access(permission="register_youth", youth=True),
    "api.instances.get_instance": CASE,
    "api.instances.retry_instance": Access(permission="retry_courses", youth=True),
    "api.instances.fire_timer_now": Access(permission="fire_timers", youth=True),
    "api.instances.pause_instance": COURSE_CONTROL,
    "api.instances.resume_instance": COURSE_CONTROL,
    "api.instances.close_instance": COURSE_CONTROL,
    "api.messages.send_message": Access(permission="send_messages", youth=True, any_course_permission="message_any_course"),
    # a signal reaches only the courses the sender may see (all with message_any_course); the rest are passed over
    "api.messages.send_signal": Access(permission="send_messages"),
    "api.tasks.list_tasks": LOGGED_IN,
    "api.tasks.get_task": CASE,
    "api.tasks.claim_task": TASK,
    "api.tasks.complete_task": TASK,
    "api.tasks.unclaim_task": Access(permission="release_any_task", youth=True),  # or the one who claimed it
    "api.tasks.assign_task": Access(permission="reassign", youth=True),
    # roles and rights (issue 11), cover and handover
    "api.roles.list_roles": ADMINS,
    "api.roles.set_role_permissions": ADMINS,
    "api.roles.set_lane_people": Access(permission="reassign", youth=True),
    "api.roles.handover": Access(permission="reassign"),
    "api.metrics.bottlenecks": FIGURES,
    "api.dashboard.metrics_heatmap": FIGURES,
    "api.dashboard.metrics_steps": FIGURES,
    "api.dashboard.metrics_funnel": FIGURES,
    "api.dashboard.metrics_overdue": FIGURES,
    "api.dashboard.metrics_compliance": FIGURES,
    "api.dashboard.metrics_caseload": FIGURES,
    "api.dashboard.metrics_outcomes": FIGURES,
    "api.dashboard.metrics_progression": FIGURES,
    "api.dashboard.metrics_diagram": FIGURES,
    "api.dashboard.metrics_waiting": Access(permission="see_all_youths"),  # names young people
    "api.process_models.list_process_models": LOGGED_IN,
    "api.process_models.deploy_process_model": EDITORS,
    "api.process_models.validate_process_model": EDITORS,
    "api.workbench.get_process_version": EDITORS,
    "api.workbench.download_process_version": EDITORS,
    "api.workbench.diff_process_versions": EDITORS,
    "api.workbench.migrate_process_instances": EDITORS,
    "api.workbench.list_process_drafts": EDITORS,
    "api.workbench.get_process_draft": EDITORS,
    "api.workbench.save_process_draft": EDITORS,
    "api.workbench.delete_process_draft": EDITORS,
    "api.workbench.validate_process_draft": EDITORS,
    "api.workbench.deploy_process_draft": EDITORS,
    "api.workbench.test_run_process_draft": EDITORS,
}


def access_for(endpoint: str) -> Access:
    """The entry for an endpoint; a route without one is a mistake the route walk reports."""
    return ACCESS[endpoint]
