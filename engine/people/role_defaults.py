"""The roles and rights a new installation starts with: the only place Samspil names a role.

Roles are the municipality's data (tables ``roles`` and ``role_permissions``, edited by an admin):
migration 0008 seeds them from :data:`PERMISSIONS`, so today's role names behave as before. The
engine decides by *permission* (:mod:`engine.people.policy`); a role a diagram's lane names (Ballerup's
``tovholder``) needs no entry here. ``tests/unit/test_role_names.py`` checks that no other engine
module names one of these roles.
"""
from __future__ import annotations

# The roles a new installation has, in the order the admin pages list them.
DEFAULT_ROLES: tuple[str, ...] = ("sagsbehandler", "ungekoordinator", "ungeguide", "koordinerende_sagsbehandler",
                                  "procesejer", "admin", "integration")

# permission -> the roles that hold it by default. Every permission the code checks is a key here.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    # register young people and start their courses (and write the referral)
    "register_youth": ("sagsbehandler", "ungekoordinator", "koordinerende_sagsbehandler", "admin"),
    # see every young person's case, and the figures that name them
    "see_all_youths": ("admin", "ungekoordinator"),
    # send a message (frafald, ...) to a course of a young person one may see
    "send_messages": ("sagsbehandler", "ungekoordinator", "koordinerende_sagsbehandler", "ungeguide", "admin",
                      "integration"),
    # send a message to any course without seeing it (a school system's token); the answer names no data
    "message_any_course": ("integration",),
    "fire_timers": ("ungekoordinator", "admin"),
    # pause, resume and close a course
    "control_courses": ("ungekoordinator", "admin"),
    "retry_courses": ("admin",),
    # release a task someone else has claimed
    "release_any_task": ("ungekoordinator", "admin"),
    # cover and handover: who holds a course's lane, give a task or all of a person's work to another
    "reassign": ("ungekoordinator", "admin"),
    # draw, validate, test-run, deploy diagrams; read versions; move courses between versions
    "edit_diagrams": ("procesejer", "admin"),
    # the dashboards and bottleneck figures
    "view_metrics": ("ungekoordinator", "admin", "procesejer"),
    "read_audit": ("admin",),
    "manage_users": ("admin",),
    # name literal users in camunda:assignee / camunda:candidateUsers when deploying
    "name_people_in_diagrams": ("admin",),
    # act on a task narrowed to oneself whatever its lane's role
    "act_in_any_lane": ("admin",),
}

# A lane role -> roles that may do that lane's tasks when the task is narrowed to them in person.
# Whoever registers a young person writes the referral (``camunda:assignee="${initiator}"`` in the
# caseworker's lane); a coordinator or coordinating caseworker may register, so the referral given
# to them is theirs. Pooled tasks of the lane stay with the lane's role only.
IN_PERSON_STAND_INS: dict[str, tuple[str, ...]] = {
    "sagsbehandler": ("ungekoordinator", "koordinerende_sagsbehandler"),
}

# The lanes whose people (``lane_owners``) may report that the young person dropped out.
DROPOUT_LANES: tuple[str, ...] = ("ungeguide", "koordinerende_sagsbehandler")

# Who a sandbox test run acts as while it sets up and drives a course.
SANDBOX_ROLES: tuple[str, ...] = ("admin", "procesejer", "sagsbehandler")

# The role whose grant and removal get an audit row of their own.
ADMIN_ROLE = "admin"


def default_permissions_of(roles: frozenset[str] | set[str]) -> frozenset[str]:
    """What the defaults grant these roles (an actor built without the database, as in a sandbox)."""
    return frozenset(permission for permission, holders in PERMISSIONS.items() if roles.intersection(holders))

# The young person of a course acts in Samspil as themselves (Min Plan, issue 12); a lane named so
# belongs to the course's young person, never to staff.
YOUTH_ROLE = "ung"
