"""Turning a report as submitted (API or import row) into a stored report, and the rules around it.

``ReportingContext`` holds what every report of one request or import is checked against — the tenant's
catalogue (current checklist version, areas, organisations, reporter functions, cycle deadlines; kept in memory
per process, see ``core.reports.catalogue``) — so that a report costs no query but its INSERT, and validating
100,000 rows costs no query per row. ``values`` checks one report and returns its column values, or raises
``ReportErrors`` naming each field. Nothing is stored until a report (or a whole import) is valid.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.checklists import service as checklists
from core.checklists.content import Item
from core.cycles import periods
from core.cycles.models import OPEN_FOR_EDITS, Cycle
from core.db import filled, utcnow
from core.domain import ReportInfo
from core.errors import Conflict, DomainError
from core.i18n import N_, _
from core.lagesbild import late
from core.lagesbild.models import Lagesbild
from core.registry.announcements import announce
from core.reports import geo
from core.reports.catalogue import catalogue
from core.reports.models import Report
from core.tenancy import insert_row
from core.tenants.models import Tenant
from core.workflow.versioned import claim

FUTURE_TOLERANCE = timedelta(minutes=10)
LONGEST_WINDOW = timedelta(days=31)


class ReportErrors(DomainError):
    """One or more fields of a report are wrong; ``errors`` maps field → messages."""


class ReportingContext:
    def __init__(self, session: Session, tenant: Tenant, actor: Actor, now: datetime | None = None) -> None:
        self.session = session
        self.tenant = tenant
        self.actor = actor
        self.now = now or utcnow()
        self.catalogue = catalogue(session, tenant)
        self.items: dict[str, Item] = self.catalogue.items
        self.areas = self.catalogue.areas
        self.areas_by_key = self.catalogue.areas_by_key
        self.organisations = self.catalogue.organisations
        self.organisation_ids = self.catalogue.organisation_ids
        self.functions = self.catalogue.functions
        self.function_ids = self.catalogue.function_ids
        self._cycles: dict[str, Cycle | None] = {}
        self._versions: dict[int, tuple[int, dict[str, Item]]] = {
            self.catalogue.version_id: (self.catalogue.version_number, self.items)
        }

    def cycle(self, period: str) -> Cycle | None:
        """The cycle of a period (as it is now: for edits), looked up once per period."""
        if period not in self._cycles:
            self._cycles[period] = self.session.scalar(select(Cycle).where(Cycle.period == period))
        return self._cycles[period]

    # --- checking one report --------------------------------------------------------------------------

    def values(self, data: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        codes: list[str] = []

        def fail(field: str, message: str, code: str = "report.invalid") -> None:
            errors.setdefault(field, []).append(message)
            codes.append(code)

        item = self.items.get(data["item"])
        if item is None:
            fail("item", _("The item is not on the checklist."), "report.item_unknown")
        elif item.retired:
            fail("item", _("The item is no longer in use."), "report.item_retired")

        area = self.areas.get(data["area"])
        if area is None or not area.active:
            fail("area", _("No such area."), "report.area_unknown")

        organisation_id, function_id = self._reporting_for(data, fail)
        organisation = self.organisation_ids.get(organisation_id) if organisation_id else None
        leg = organisation.leg if organisation else None
        if item is not None and item.answered_by is not None and leg != item.answered_by:
            message = _("The item is answered by the party '{leg}', not by your organisation.", leg=item.answered_by)
            fail("item", message, "report.item_other_leg")

        place = data["place"]
        lat, lon = place.get("lat"), place.get("lon")
        if lat is not None:
            if not geo.in_sweden(lon, lat):
                fail("place", _("The point lies outside Sweden."), "report.place_outside_sweden")
            elif area is not None and area.geometry and not geo.in_geometry(lon, lat, area.geometry):
                fail("place", _("The point lies outside the area {area}.", area=area.name), "report.place_outside_area")

        occurred_at, until = data["occurred_at"], data.get("occurred_until")
        if occurred_at > self.now + FUTURE_TOLERANCE:
            fail("occurred_at", _("The moment lies in the future."), "report.in_future")
        if until is not None and not occurred_at <= until <= occurred_at + LONGEST_WINDOW:
            message = _("The time window must end after its start and last at most 31 days.")
            fail("occurred_until", message, "report.window_invalid")

        scale = self.tenant.severity_scale
        if not 1 <= data["severity"] <= len(scale):
            message = _("Severity is given as 1–{count} ({labels}).", count=len(scale), labels=", ".join(scale))
            fail("severity", message, "report.severity_out_of_scale")

        if errors:
            raise ReportErrors(_("The report could not be accepted."), errors, code=codes[0])
        period = periods.period_of(occurred_at, self.tenant.cadence)
        deadline = self.catalogue.cycle_deadline(self.session, period.label) or periods.deadline(
            period, self.tenant.cadence
        )
        return {
            "checklist_version_id": self.catalogue.version_id,
            "item_key": item.key,
            "theme": item.theme,
            "positive": item.positive,
            "area_id": area.id,
            "place_text": place.get("text") or None,
            "lat": lat,
            "lon": lon,
            "occurred_at": occurred_at,
            "occurred_until": until,
            "week": periods.week_label(occurred_at, self.tenant.cadence),
            "period": period.label,
            "severity": data["severity"],
            "comment": data.get("comment") or "",
            "early_action": data.get("early_action") or "",
            "organisation_id": organisation_id,
            "reporter_function_id": function_id,
            "late": self.now > deadline,
            "after_compilation": late.covers(self.catalogue.compiled_scopes(self.session, period.label), area.id, leg),
        }

    def _reporting_for(self, data: dict[str, Any], fail) -> tuple[int | None, int | None]:
        """The organisation and function the report is made for: the reporter's own, or — for coordinators
        and admins — the ones named."""
        organisation_id, function_id = self.actor.organisation_id, self.actor.reporter_function_id
        for field, lookup in (("organisation", self.organisations), ("reporter_function", self.functions)):
            key = data.get(field)
            if key is None:
                continue
            row = lookup.get(key)
            if row is None or not row.active:
                fail(field, _("Does not exist."), "key.unknown")
                continue
            if field == "organisation":
                if row.id != organisation_id and not self.actor.may_act_for_others:
                    fail(field, _("You report for your own organisation."), "report.own_organisation_only")
                organisation_id = row.id
            else:
                if row.id != function_id and not self.actor.may_act_for_others:
                    fail(field, _("You report for your own function."), "report.own_function_only")
                function_id = row.id
                if data.get("organisation") is None:
                    organisation_id = row.organisation_id
        if function_id is not None and organisation_id is not None:
            function = self.function_ids.get(function_id)
            if function is not None and function.organisation_id != organisation_id:
                message = _("The function belongs to another organisation.")
                fail("reporter_function", message, "report.function_other_organisation")
        return organisation_id, function_id

    # --- rendering -------------------------------------------------------------------------------------

    def version_of(self, report: Report) -> tuple[int, dict[str, Item]]:
        """The number and items of the checklist version a report was made against."""
        version = self._versions.get(report.checklist_version_id)
        if version is None:
            row = checklists.get(self.session, report.checklist_version_id)
            version = self._versions[report.checklist_version_id] = (row.number, checklists.items_of(row))
        return version

    def render(self, report: Report) -> dict[str, Any]:
        number, items = self.version_of(report)
        item = items[report.item_key]
        organisation = self.organisation_ids.get(report.organisation_id) if report.organisation_id else None
        function = self.function_ids.get(report.reporter_function_id) if report.reporter_function_id else None
        scale = self.tenant.severity_scale
        return {
            **{c: getattr(report, c) for c in ReportColumns},
            "item": report.item_key,
            "item_text": item.text,
            "checklist_version": number,
            "area": report.area_id,
            "place": {"text": report.place_text, "lat": report.lat, "lon": report.lon},
            "severity_label": scale[report.severity - 1] if 0 < report.severity <= len(scale) else "",
            "organisation": organisation.key if organisation else None,
            "reporter_function": function.key if function else None,
        }

    # --- edits -----------------------------------------------------------------------------------------

    def assert_open(self, period: str) -> None:
        """Reports can be corrected until their period's picture is compiled."""
        cycle = self.cycle(period)
        if cycle is None:
            return
        compiled = self.session.scalar(
            select(Lagesbild.id).where(Lagesbild.cycle_id == cycle.id, Lagesbild.status != "draft").limit(1)
        )
        if cycle.state not in OPEN_FOR_EDITS or compiled is not None:
            raise Conflict(
                _("The period {period} is compiled; the report can no longer change.", period=period),
                code="report.period_compiled",
            )


ReportColumns = (
    "id",
    "revision",
    "theme",
    "positive",
    "occurred_at",
    "occurred_until",
    "week",
    "period",
    "severity",
    "comment",
    "early_action",
    "late",
    "after_compilation",
    "source",
    "created_at",
    "updated_at",
)


def create(context: ReportingContext, data: dict[str, Any], source: str = "api") -> Report:
    """Store one report (one INSERT); returns it as a transient object to render, not kept in the Session.
    ``source``: how it came (:data:`SOURCES`)."""
    now = utcnow()
    values = {**context.values(data), "reported_by": context.actor.user_id, "source": source, "import_key": None,
              "created_at": now, "updated_at": now, "revision": 1}  # fmt: skip
    values["id"] = insert_row(context.session, Report.__table__, values)
    announce(context.session, context.tenant, "est_report_submitted", lambda: {"report": _info(context, values)})
    return filled(Report, values)


# How a report came to est (``reports.source``), as an export names it.
SOURCES: dict[str, str] = {"api": N_("API"), "web": N_("Web form"), "import": N_("Import"), "demo": N_("Demo data")}


def _info(context: ReportingContext, values: dict[str, Any]) -> ReportInfo:
    organisation = context.organisation_ids.get(values["organisation_id"]) if values["organisation_id"] else None
    return ReportInfo(
        id=values["id"], period=values["period"], item=values["item_key"], theme=values["theme"],
        positive=values["positive"], area=context.areas[values["area_id"]].key,
        organisation=organisation.key if organisation else None, severity=values["severity"],
        occurred_at=values["occurred_at"], late=values["late"],
    )  # fmt: skip


def update(context: ReportingContext, report: Report, changes: dict[str, Any]) -> Report:
    """Correct a report: one conditional UPDATE, even when nothing changes, so a correction based on a stale read is
    a 412."""
    context.assert_open(report.period)
    current = {
        "item": report.item_key,
        "area": report.area_id,
        "occurred_at": report.occurred_at,
        "occurred_until": report.occurred_until,
        "severity": report.severity,
        "comment": report.comment,
        "early_action": report.early_action,
        "place": {"text": report.place_text, "lat": report.lat, "lon": report.lon},
        "organisation": None,
        "reporter_function": None,
    }
    actor = context.actor
    context.actor = Actor(actor.user_id, actor.role, report.organisation_id, report.reporter_function_id)
    try:
        values = context.values({**current, **changes})
    finally:
        context.actor = actor
    context.assert_open(values["period"])
    # lateness is about when the report came in, not when it was corrected
    values.pop("late")
    values.pop("after_compilation")
    for column, value in values.items():
        setattr(report, column, value)
    report.updated_at = utcnow()
    claim(context.session, report, "updated_at")
    return report
