"""Who is acting (an :class:`Actor`) and which role a lane names; what each may do is in :mod:`engine.policy`."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """The person (or integration) a service call is made for."""

    username: str
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


SYSTEM = Actor("system", frozenset({"system"}))
ROLES = ("sagsbehandler", "ungekoordinator", "ungeguide", "koordinerende_sagsbehandler", "procesejer", "admin",
         "integration")


def normalize_role(name: str | None) -> str | None:
    """Lane names match roles case-insensitively; surrounding spaces do not count."""
    return name.strip().lower() if name and name.strip() else None


def lane_role(lane_name: str | None, lane_id: str | None) -> str | None:
    """The role a lane names: its name, or its id when the id is a role and the name is not."""
    by_name, by_id = normalize_role(lane_name), normalize_role(lane_id)
    if by_name not in ROLES and by_id in ROLES:
        return by_id
    return by_name
