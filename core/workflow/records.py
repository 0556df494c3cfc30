"""What guards may read about a subject's cycle (through ``core.plugin_api``), in the current tenant's Session."""

from __future__ import annotations

from sqlalchemy import select

from core.domain import Attendee, MeetingInfo
from core.tenancy import current_session


def meeting_of(cycle_id: int | None) -> MeetingInfo | None:
    """The record of the meeting held for cycle ``cycle_id``, or ``None`` when none is recorded."""
    from core.cycles.models import Meeting
    from core.lagesbild.models import AreaAssessment

    if cycle_id is None:
        return None
    session = current_session()
    meeting = session.scalar(select(Meeting).where(Meeting.cycle_id == cycle_id))
    if meeting is None:
        return None
    risk = session.scalar(
        select(AreaAssessment.value).where(AreaAssessment.cycle_id == cycle_id, AreaAssessment.scale == "risk")
    )
    return MeetingInfo(
        held_at=meeting.held_at,
        form=meeting.form,
        attendees=tuple(Attendee(a["organisation"], a["function"]) for a in meeting.attendees),
        guests=tuple(Attendee(g["organisation"], g["function"]) for g in meeting.guests),
        notes=meeting.notes,
        risk_value=risk,
    )
