"""Min Plan as a PDF to download (issue 12): the same content as the page, drawn with fpdf2 (pure Python).

The text comes from the same view as the page (:func:`engine.people.my_plan.my_plan`) and the same
catalog keys, so the PDF says what the page says, in the reader's language. The core PDF fonts hold
Latin-1, which covers Danish; a character outside it is printed as "?" rather than failing.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from web.pages.filters import format_date

Translate = Callable[..., str]
LINE = 6


def plan_pdf(view: dict[str, Any], _: Translate, lang: str) -> bytes:
    """The plan as PDF bytes: headings and lines in reading order, one column, A4."""
    pdf = FPDF(format="A4")
    pdf.set_title(_("min_plan.title"))
    pdf.set_lang(lang)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    write = _writer(pdf)
    write(_("min_plan.hello", name=view["youth"]["name"]), size=18, bold=True)
    course = view.get("course")
    if not course:
        write(_("min_plan.no_course"))
        return bytes(pdf.output())
    write(_("min_plan.destination"), size=14, bold=True, space=4)
    destination = course.get("destination") or {}
    if destination.get("in_own_words"):
        write(destination["in_own_words"])
    if destination.get("title"):
        write(f"{_('min_plan.destination_kind')} {destination['title']}")
    if not destination.get("in_own_words") and not destination.get("title"):
        write(_("min_plan.no_destination"))
    write(_("min_plan.milestones"), size=14, bold=True, space=4)
    for track in course["tracks"]:
        write(track["track"] or _("min_plan.no_track"), bold=True)
        for m in track["milestones"]:
            facts = [m["status"] or _("min_plan.no_status")]
            if m["responsible"]:
                facts.append(f"{_('min_plan.responsible')}: {m['responsible']}")
            if m["due"]:
                facts.append(f"{_('min_plan.by_when')}: {format_date(m['due'])}")
            write(f"- {m['title']} ({'; '.join(facts)})")
    if not course["tracks"]:
        write(_("min_plan.no_milestones"))
    write(_("min_plan.next_steps"), size=14, bold=True, space=4)
    for step in course["next_steps"]:
        more = [part for part in (step["who"], format_date(step["by"]) if step["by"] else None) if part]
        write(f"- {step['what']}" + (f" ({', '.join(more)})" if more else ""))
    if not course["next_steps"]:
        write(_("min_plan.no_next_steps"))
    write(_("min_plan.next"), size=14, bold=True, space=4)
    if course["next"]["at"]:
        write(_("min_plan.next_follow_up", date=format_date(course["next"]["at"])))
    for step in course["next"]["open_steps"]:
        write(f"- {step['name']}" + (f" ({_('min_plan.due', date=format_date(step['due']))})" if step["due"] else ""))
    if not course["next"]["at"] and not course["next"]["open_steps"]:
        write(_("min_plan.nothing_next"))
    write(_("min_plan.people"), size=14, bold=True, space=4)
    for key in ("guide", "case_coordinator"):
        person = course["people"].get(key)
        if person:
            write(f"{_('min_plan.person_' + key)}: {person['name']}"
                  + (f", {_('min_plan.email')}: {person['email']}" if person.get("email") else ""))
    write(_("min_plan.minutes"), size=14, bold=True, space=4)
    for m in course["minutes"]:
        write(m["meeting"] + (f" · {format_date(m['date'])}" if m.get("date") else ""), bold=True)
        for key in ("text", "participants", "changes"):
            if m.get(key):
                label = {"participants": _("min_plan.participants"), "changes": _("min_plan.changes")}.get(key)
                write(f"{label}: {m[key]}" if label else m[key])
    if not course["minutes"]:
        write(_("min_plan.no_minutes"))
    return bytes(pdf.output())


def _writer(pdf: FPDF) -> Callable[..., None]:
    def write(text: str, size: int = 11, bold: bool = False, space: int = 0) -> None:
        if space:
            pdf.ln(space)
        pdf.set_font("Helvetica", "B" if bold else "", size)
        pdf.multi_cell(0, LINE + (size - 11) // 2, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    return write


def _latin1(text: str) -> str:
    """What the core fonts can draw: Danish stays, anything beyond Latin-1 becomes "?"."""
    return str(text).encode("latin-1", "replace").decode("latin-1")
