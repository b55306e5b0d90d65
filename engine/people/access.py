"""Who is acting (an :class:`Actor`) and which role a lane names; what each may do is in :mod:`engine.people.policy`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.people.role_defaults import ADMIN_ROLE, DEFAULT_ROLES, YOUTH_ROLE
from engine.platform.tenancy import DEFAULT_TENANT


@dataclass(frozen=True)
class Actor:
    """The person (or integration) a service call is made for.

    ``permissions`` are what the actor's roles hold in the database, read with the actor (one query
    per request, so an admin's change applies from the next request on). ``None``: an actor built
    without the database (the sandbox, a test); :mod:`engine.people.policy` then uses the defaults.
    ``tenant`` is the municipality the actor belongs to, set when the actor is read from the
    database: the web runs each request in it (:mod:`engine.platform.tenancy`), so every unit of
    work it opens is confined to that tenant, and the policy refuses the actor in a unit of work
    of another tenant (:func:`engine.people.policy.confine_to_tenant`). ``None``: an actor built in
    code (the engine itself, the command line, a test), which acts in whatever tenant its unit of work is for.
    """

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    permissions: frozenset[str] | None = field(default=None, compare=False)
    tenant: int | None = None
    youth_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


SYSTEM = Actor("system", frozenset({"system"}))


def youth_actor(youth_id: int, tenant: int = DEFAULT_TENANT) -> Actor:
    """The young person ``youth_id`` acting as themselves: no staff role, no staff permission."""
    return Actor(f"ung:{youth_id}", frozenset({YOUTH_ROLE}), frozenset(), tenant, youth_id)

ROLES = DEFAULT_ROLES
# A role name: what a lane, candidateGroups, the CLI or an admin may call a role (Ballerup's ``tovholder``).
ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")


def is_role_name(name: object) -> bool:
    """True for a plain identifier (lower case as lanes are matched, letters, digits, underscore)."""
    return isinstance(name, str) and ROLE_NAME.fullmatch(name) is not None and name != "system"


def normalize_role(name: str | None) -> str | None:
    """Lane names match roles case-insensitively; surrounding spaces do not count."""
    return name.strip().lower() if name and name.strip() else None


def lane_role(lane_name: str | None, lane_id: str | None) -> str | None:
    """The role a lane names: its name, or its id when the id is a role and the name is not."""
    if is_youth_lane(lane_name):
        return YOUTH_ROLE
    by_name, by_id = normalize_role(lane_name), normalize_role(lane_id)
    if by_name not in ROLES and by_id in ROLES:
        return by_id
    return by_name


# What a process owner may call the young person's lane: the role's own name, or the words the
# lane's label shows in the modeler ("Den unge"); either way the lane's role is YOUTH_ROLE.
YOUTH_LANE_NAMES = frozenset({YOUTH_ROLE, "den unge"})


def is_youth_lane(lane_name: str | None) -> bool:
    """True for a lane that belongs to the young person of the course (case and spaces do not count)."""
    return " ".join((lane_name or "").split()).lower() in YOUTH_LANE_NAMES
