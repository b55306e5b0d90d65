"""The filters every figure takes (process, version, period, team, age band), checked once.

Bad input never reaches a query: a period that ends before it starts, a malformed date or age
band, or an unknown process is an error with a clear message and an empty ``rows`` list.
Values reach SQL only as bound parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal_column, select

from engine.dashboard.config import DashboardConfig, config_for
from engine.dashboard.stats import tune_for_figures
from engine.people import policy
from engine.people.access import Actor
from engine.platform.errors import InvalidInput, NotFound
from engine.platform.messages import Message
from engine.platform.models import CourseFacts, ProcessInstance, ProcessVersion, Task, Youth

if TYPE_CHECKING:
    from engine.platform.uow import UnitOfWork

LOCAL = ZoneInfo("Europe/Copenhagen")
DEFAULT_WEEKS = 13
MAX_DAYS = 3660
AGE_BAND = re.compile(r"^\s*(\d{1,3})\s*-\s*(\d{1,3})\s*$")
EMPTY_MESSAGE = "engine.dashboard.no_data"  # the key of the message an empty answer carries
# The task states as literals, not parameters, so the planners can use the partial indexes on them.
OPEN = Task.state == literal_column("'ready'")
DONE = Task.state == literal_column("'completed'")


@dataclass(frozen=True)
class Scope:
    """Checked filters, with the process version resolved and "now" read from the engine clock."""

    process_key: str
    version: int | None
    version_id: int | None
    start: date          # first day of the period (Danish local date)
    end: date            # last day of the period, inclusive
    team: str | None
    age_band: tuple[int, int] | None
    now: datetime
    config: DashboardConfig

    @property
    def period_start(self) -> datetime:
        return local_midnight(self.start)

    @property
    def period_end(self) -> datetime:
        """The first moment after the period."""
        return local_midnight(self.end + timedelta(days=1))

    @property
    def today(self) -> date:
        return local_date(self.now)

    @property
    def reference_date(self) -> date:
        """The day ages are counted on: the period's last day, or today if the period runs on."""
        return min(self.end, self.today)

    def as_dict(self) -> dict[str, Any]:
        return {"process_key": self.process_key, "version": self.version, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "team": self.team,
                "age_band": f"{self.age_band[0]}-{self.age_band[1]}" if self.age_band else None}

    # SQL conditions. Each is a list of clauses to pass to .where(*...).

    def task_conditions(self, with_age: bool = True) -> list[Any]:
        clauses: list[Any] = [Task.process_key == self.process_key]
        if self.version_id is not None:
            clauses.append(Task.process_version_id == self.version_id)
        if self.team is not None:
            clauses.append(Task.instance_id.in_(select(CourseFacts.instance_id).where(CourseFacts.team == self.team)))
        if self.age_band is not None and with_age:
            clauses.append(Task.youth_id.in_(self._youths_in_band()))
        return clauses

    def instance_conditions(self) -> list[Any]:
        clauses: list[Any] = [ProcessInstance.process_key == self.process_key]
        if self.version_id is not None:
            clauses.append(ProcessInstance.process_version_id == self.version_id)
        if self.team is not None:
            clauses.append(ProcessInstance.id.in_(select(CourseFacts.instance_id)
                                                  .where(CourseFacts.team == self.team)))
        if self.age_band is not None:
            clauses.append(ProcessInstance.youth_id.in_(self._youths_in_band()))
        return clauses

    def _youths_in_band(self) -> Any:
        assert self.age_band is not None
        born_after, born_by = birthdate_bounds(self.reference_date, *self.age_band)
        return select(Youth.id).where(Youth.birthdate > born_after, Youth.birthdate <= born_by)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(ZoneInfo("UTC"))


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def shift_years(day: date, years: int) -> date:
    """The same day ``years`` earlier or later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birthdate: date, day: date) -> int:
    """Whole years completed on ``day`` (someone born 29 February has a birthday on 1 March)."""
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def birthdate_bounds(day: date, age_from: int, age_to: int) -> tuple[date, date]:
    """(born after, born on or before): the birthdates of those aged age_from..age_to on ``day``."""
    return shift_years(day, -(age_to + 1)), shift_years(day, -age_from)


def _bad(message: Message, field: str) -> InvalidInput:
    return InvalidInput(message, field=field, rows=[])


def _date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _bad(Message("engine.dashboard.bad_date", field=field), field) from None


def resolve(uow: UnitOfWork, actor: Actor, process_key: Any, version: Any = None, start: Any = None,
            end: Any = None, team: Any = None, age_band: Any = None) -> Scope:
    """Check the filters and resolve the version; call inside ``with uow``."""
    if not policy.allows(actor, "view_metrics"):  # inside the caller's open unit of work
        policy.refuse(uow, actor, f"tal: {process_key}", message=Message("engine.metrics.forbidden"))
    if not isinstance(process_key, str) or not process_key.strip():
        raise _bad(Message("engine.dashboard.choose_process"), "process_key")
    process_key = process_key.strip()
    number = None
    if version not in (None, "", "all"):
        try:
            number = int(str(version).strip())
        except ValueError:
            raise _bad(Message("engine.dashboard.bad_version"), "version") from None
        if number < 1:
            raise _bad(Message("engine.dashboard.bad_version"), "version")
    now = uow.clock.now()
    today = local_date(now)
    first, last = _date(start, "start"), _date(end, "end")
    last = last or today
    first = first or (last - timedelta(days=last.weekday()) - timedelta(weeks=DEFAULT_WEEKS - 1))
    if last < first:
        raise _bad(Message("engine.dashboard.end_before_start"), "end")
    if (last - first).days > MAX_DAYS:
        raise _bad(Message("engine.dashboard.period_too_long"), "start")
    band = None
    if age_band not in (None, "", "all"):
        match = AGE_BAND.match(str(age_band))
        if not match or int(match.group(1)) > int(match.group(2)) or int(match.group(2)) > 120:
            raise _bad(Message("engine.dashboard.bad_age_band"), "age_band")
        band = (int(match.group(1)), int(match.group(2)))
    team_name = str(team).strip()[:120] if team not in (None, "") else None
    tune_for_figures(uow.session)
    versions = dict(uow.session.execute(select(ProcessVersion.version, ProcessVersion.id)
                                        .where(ProcessVersion.key == process_key)).all())
    if not versions:
        raise NotFound(Message("engine.process.not_found"), rows=[])
    if number is not None and number not in versions:
        raise NotFound(Message("engine.process.no_such_version"), rows=[])
    return Scope(process_key, number, versions[number] if number is not None else None, first, last,
                 team_name or None, band, now, config_for(process_key))


def envelope(scope: Scope, rows: list[dict[str, Any]], empty: bool | None = None, **extra: Any) -> dict[str, Any]:
    """The shape every dashboard answer has: the filters used, the rows, and a message if empty."""
    nothing = (not rows) if empty is None else empty
    return {"filters": scope.as_dict(), "generated_at": scope.now.isoformat(), **extra, "rows": rows,
            "message": Message(EMPTY_MESSAGE) if nothing else None}
