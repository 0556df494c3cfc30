"""Compiling, assessing and publishing lägesbilder.

A picture counts the reports of its scope (the tenant, one area, or one leg's organisations) whose event lies in
its period (in the tenant's time zone), and compares with the previous period, the one before, and the same
period a year earlier. A roll-up (model B) sums the pictures it rolls up. Published pictures never change:
assessing one again makes a new version.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.cycles import periods
from core.cycles import service as cycles
from core.cycles.models import Cycle
from core.cycles.periods import LONG_KINDS, Span, comparison_spans, week_span
from core.db import UTCDateTime, utcnow
from core.domain import CompilationStep, LagesbildInfo
from core.errors import Conflict, DomainError, NotFound, Stale
from core.i18n import N_, _, tenant_text
from core.lagesbild import late
from core.lagesbild.models import AreaAssessment, Lagesbild
from core.lagesbild.statistics import (
    COMPARISON_KEYS,
    POSITIVE_THEME,
    Comparison,
    ReportRow,
    compile_statistics,
    merge_statistics,
    to_geojson,
)
from core.organisation.models import Area, Organisation
from core.publication.trigger import distribute_after_commit
from core.registry.announcements import announce
from core.reports.models import Report
from core.tenants.models import Tenant
from core.workflow import move as workflow
from core.workflow.machines import LagesbildState
from core.workflow.versioned import claim

COMPILING_ONLY = N_("The cycle is {state}; pictures are compiled while it is compiling.")
NOT_COMPILED = N_("The lägesbild is not compiled.")
ANALYSIS_TITLES = {
    "monthly": N_("Monthly analysis {label}"),
    "quarterly": N_("Quarterly analysis {label}"),
    "tertial": N_("Tertial analysis {label}"),
    "annual": N_("Annual analysis {label}"),
}

L = LagesbildState
PRIORITY_SCALE = (1, 4)  # quarterly/tertial/annual: 4 = the most serious, ranked first


# --- reading reports -------------------------------------------------------------------------------------------

CURRENT = "current"
FIRST = "first"  # the row that carries the moment of the tenant's first report


@dataclass(frozen=True)
class Scope:
    kind: str  # tenant | area | leg
    area_id: int | None = None
    leg: str | None = None

    def apply(self, statement: Select) -> Select:
        if self.kind == "area":
            return statement.where(Report.area_id == bindparam("area_id"))
        if self.kind == "leg":
            legs = select(Organisation.id).where(Organisation.leg == bindparam("leg"))
            return statement.where(Report.organisation_id.in_(legs))
        return statement

    def parameters(self) -> dict[str, Any]:
        """The values of the parameters :meth:`apply` adds (``:area_id``, ``:leg``)."""
        return {"area": {"area_id": self.area_id}, "leg": {"leg": self.leg}}.get(self.kind, {})


def _in_window(name: str) -> ColumnElement[bool]:
    return and_(
        Report.occurred_at >= bindparam(f"{name}_start", type_=UTCDateTime()),
        Report.occurred_at < bindparam(f"{name}_end", type_=UTCDateTime()),
    )


@cache
def _reading(scope_kind: str, with_rows: bool) -> CompoundSelect:
    """The one statement a compile reads with (one round trip, one index range scan per period, built once and
    prepared by the driver on reuse): every report of the current period, then the counts by theme, item and
    area of each comparison period, then the moment of the tenant's first report (one index lookup). All rows
    share one shape: (window, id, item_key, theme, positive, area_key, organisation_key, occurred_at, lat, lon,
    place_text, severity, count)."""
    scope = Scope(scope_kind)
    theme = func.coalesce(Report.theme, POSITIVE_THEME)
    parts = []
    if with_rows:
        parts.append(scope.apply(
            select(literal(CURRENT).label("window"), Report.id, Report.item_key, Report.theme, Report.positive,
                   Area.key.label("area_key"), Organisation.key.label("organisation_key"), Report.occurred_at,
                   Report.lat, Report.lon, Report.place_text, Report.severity, literal(1).label("count"))
            .join(Area, Area.id == Report.area_id)
            .outerjoin(Organisation, Organisation.id == Report.organisation_id)
            .where(_in_window(CURRENT))
        ))  # fmt: skip
    moment = cast(null(), UTCDateTime())  # typed: PostgreSQL types a union's column from its first parts
    for name in COMPARISON_KEYS:
        parts.append(scope.apply(
            select(literal(name), null(), Report.item_key, theme, null(), Area.key, null(), moment, null(), null(),
                   null(), null(), func.count())
            .join(Area, Area.id == Report.area_id)
            .where(_in_window(name))
            .group_by(Report.item_key, theme, Area.key)
        ))  # fmt: skip
    parts.append(select(literal(FIRST), null(), null(), null(), null(), null(), null(), func.min(Report.occurred_at),
                        null(), null(), null(), null(), literal(0)))  # fmt: skip  # the tenant's, whatever the scope
    return union_all(*parts)


def _read(
    session: Session, scope: Scope, spans: dict[str, Span], zone: ZoneInfo
) -> tuple[list[ReportRow], dict[str, Comparison | None]]:
    """The reports of ``spans["current"]`` (if given) and the counts of the comparison periods (``spans`` has all of
    ``COMPARISON_KEYS``, as :func:`comparison_spans` gives them), in one statement. A comparison period that began
    before the day of the tenant's first report is ``None``: est knows nothing, or only part, of it (its 0 would
    read "more than last year" on every figure of a tenant's first year). The tenant's, not the scope's: a quiet
    area's empty weeks are facts once the tenant reports."""
    missing = set(COMPARISON_KEYS) - set(spans)
    if missing:
        raise ValueError(f"comparison periods missing: {sorted(missing)}")
    parameters = scope.parameters()
    for name, span in spans.items():
        parameters[f"{name}_start"], parameters[f"{name}_end"] = span.window(zone)
    rows: list[ReportRow] = []
    counts = {name: (Counter(), Counter(), Counter()) for name in COMPARISON_KEYS}
    first = None
    for row in session.execute(_reading(scope.kind, CURRENT in spans), parameters).all():
        if row[0] == CURRENT:
            rows.append(ReportRow._make(row[1:12]))
        elif row[0] == FIRST:
            first = row[7]
        else:
            by_theme, by_item, by_area = counts[row[0]]
            count = row[12]
            by_theme[row[3]] += count
            by_item[row[2]] += count
            by_area[row[5]] += count
    known_from = datetime.combine(first.astimezone(zone).date(), time(0), zone) if first is not None else None
    comparisons = {
        name: Comparison(spans[name].label, sum(t.values()), dict(t), dict(i), dict(a))
        if known_from is not None and parameters[f"{name}_start"] >= known_from
        else None
        for name, (t, i, a) in counts.items()
    }
    return rows, comparisons


def comparisons(session: Session, scope: Scope, spans: dict[str, Span], zone: ZoneInfo) -> dict[str, Comparison | None]:
    """The counts of the comparison periods (previous, the one before, last year), for a roll-up."""
    return _read(session, scope, spans, zone)[1]


def statistics_for(
    session: Session, tenant: Tenant, scope: Scope, span: Span, period: periods.Period | None
) -> dict[str, Any]:
    zone = periods.zone(tenant.cadence)
    rows, earlier = _read(session, scope, {CURRENT: span, **comparison_spans(span, period)}, zone)
    statistics = compile_statistics(rows, zone=zone, comparisons=earlier)
    if span.kind in LONG_KINDS:
        statistics["by_area_theme"] = _by_area_theme(statistics["rows"])
    return statistics


def _by_area_theme(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """The tertial summary: per area, counts per theme (Botkyrka's six themes, positives apart)."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        table[row["area_key"]][row["theme"] or "positiv"] += 1
    return {area: dict(sorted(counts.items())) for area, counts in sorted(table.items())}


# --- pictures --------------------------------------------------------------------------------------------------


def get(session: Session, picture_id: int) -> Lagesbild:
    picture = session.scalar(select(Lagesbild).where(Lagesbild.id == picture_id))
    if picture is None:
        raise NotFound(_("No such lägesbild."), code="lagesbild.not_found")
    return picture


def visible(session: Session, picture_id: int, actor: Actor) -> Lagesbild:
    """A picture as ``actor`` may read it: coordinators and admins every one, reporters the published ones."""
    picture = get(session, picture_id)
    if picture.status != "published" and not actor.may_act_for_others:
        raise NotFound(_("No such lägesbild."), code="lagesbild.not_found")
    return picture


def geojson(session: Session, picture_id: int, actor: Actor) -> dict[str, Any]:
    """The map of a picture ``actor`` may read: its report points and hot spots as a GeoJSON FeatureCollection (the
    API's ``…/geojson`` and the page's ``…/karta.geojson`` both answer with this)."""
    picture = visible(session, picture_id, actor)
    if picture.statistics is None:
        raise Conflict(_(NOT_COMPILED), code="lagesbild.not_compiled")
    return to_geojson(picture.statistics)


LIST_FILTERS = {"kind": Lagesbild.kind, "cycle": Lagesbild.cycle_id, "area": Lagesbild.area_id,
                "status": Lagesbild.status, "label": Lagesbild.label}  # fmt: skip


def listing(actor: Actor, filters: dict[str, Any]) -> Select:
    """The pictures ``actor`` may list, newest period first, narrowed by ``filters`` (:data:`LIST_FILTERS`'s keys):
    reporters the published ones (their feedback), coordinators all — the API's list and the page's alike."""
    statement = select(Lagesbild).order_by(Lagesbild.period_start.desc(), Lagesbild.id.desc())
    for name, column in LIST_FILTERS.items():
        if name in filters:
            statement = statement.where(column == filters[name])
    if not actor.may_act_for_others:
        statement = statement.where(Lagesbild.status == L.PUBLISHED)
    return statement


def versions(session: Session, picture: Lagesbild) -> list[Lagesbild]:
    """Every version of the picture's series, newest first."""
    return list(
        session.scalars(select(Lagesbild).where(Lagesbild.series == picture.series).order_by(Lagesbild.version.desc()))
    )


def latest_published(session: Session, area_id: int | None) -> Lagesbild | None:
    """The newest published picture of ``area_id`` if it has one, else the newest joint (tenant-wide) one."""
    newest = select(Lagesbild).where(Lagesbild.status == L.PUBLISHED).order_by(
        Lagesbild.period_start.desc(), Lagesbild.published_at.desc(), Lagesbild.id.desc()
    )  # fmt: skip
    found = None
    if area_id is not None:
        found = session.scalar(newest.where(Lagesbild.scope == "area", Lagesbild.area_id == area_id).limit(1))
    return found or session.scalar(newest.where(Lagesbild.scope == "tenant").limit(1))


def scope_of(picture: Lagesbild) -> Scope:
    return Scope(picture.scope, picture.area_id, picture.leg)


def _latest(session: Session, series: str) -> Lagesbild | None:
    return session.scalar(select(Lagesbild).where(Lagesbild.series == series).order_by(Lagesbild.version.desc()))


def _store(
    session: Session, tenant: Tenant, series: str, fields: dict[str, Any], statistics: dict[str, Any],
    user_id: int | None,
) -> Lagesbild:  # fmt: skip
    """Put freshly compiled statistics into the series' picture: in place while unpublished, else a new version."""
    latest = _latest(session, series)
    if latest is None or latest.status == L.PUBLISHED:
        picture = _created(session, Lagesbild(
            series=series,
            version=1 if latest is None else latest.version + 1,
            supersedes_id=None if latest is None else latest.id,
            **fields,
        ), user_id)  # fmt: skip
    else:
        picture = latest
        claim(session, picture, "status")
        # New numbers void an assessment made on the old ones.
        session.execute(delete(AreaAssessment).where(AreaAssessment.lagesbild_id == picture.id))
        picture.assessment = None
    picture.statistics = statistics
    picture.compiled_by, picture.compiled_at = user_id, utcnow()
    workflow.move(session, tenant, picture, L.COMPILED, None, "Sammanställd", by_user=user_id)
    announce(session, tenant, "est_lagesbild_compiled", lambda: {"lagesbild": _info(session, picture)})
    return picture


def _created(session: Session, picture: Lagesbild, user_id: int | None) -> Lagesbild:
    picture.state = Lagesbild.machine.initial
    session.add(picture)
    session.flush()
    workflow.created(session, picture, user_id)
    return picture


def _info(session: Session, picture: Lagesbild) -> LagesbildInfo:
    area = session.scalar(select(Area.key).where(Area.id == picture.area_id)) if picture.area_id else None
    return LagesbildInfo(
        id=picture.id, version=picture.version, kind=picture.kind, label=picture.label, title=picture.title,
        scope=picture.scope, area=area, leg=picture.leg, cycle_id=picture.cycle_id, step=picture.step,
        status=picture.status, total=picture.statistics["total"],
    )  # fmt: skip


def compile_step(session: Session, tenant: Tenant, cycle: Cycle, step: CompilationStep, user_id: int | None):
    """Compile one step of a cycle's plan (see ``core.cycles``): a fresh count, or the roll-up of earlier steps."""
    if cycle.state != "compiling":
        raise Conflict(_(COMPILING_ONLY, state=_(cycle.state)), code="cycle.not_compiling")
    period = periods.Period(cycle.period_start, cycle.weeks)
    span = week_span(period)
    pictures = cycles.latest_pictures(session, cycle)
    missing = cycles.uncompiled(pictures, step.after)
    if missing:
        raise Conflict(
            _("Compile first: {steps}.", steps=", ".join(missing)), {"steps": missing}, code="cycle.steps_uncompiled"
        )
    area = session.scalar(select(Area).where(Area.key == step.area)) if step.area else None
    scope = Scope(step.scope, area.id if area else None, step.leg)
    if step.rollup:
        zone = periods.zone(tenant.cadence)
        earlier = comparisons(session, scope, comparison_spans(span, period), zone)
        statistics = merge_statistics([pictures[key].statistics for key in step.after], comparisons=earlier,
                                      zone=zone)  # fmt: skip
        statistics["rolled_up"] = [pictures[key].id for key in step.after]
    else:
        statistics = statistics_for(session, tenant, scope, span, period)
    statistics["late_arrivals"] = late.arrivals(session, scope, cycle, step.key)
    fields = {
        "kind": span.kind, "label": span.label, "title": f"{step.title} {span.label}", "scope": step.scope,
        "leg": step.leg, "area_id": scope.area_id, "cycle_id": cycle.id, "step": step.key,
        "period_start": span.start, "period_end": span.end,
    }  # fmt: skip
    return _store(session, tenant, cycles.series(cycle, step), fields, statistics, user_id)


def compile_long(session: Session, tenant: Tenant, kind: str, label: str, area_id: int | None, user_id: int | None):
    """A monthly, quarterly, tertial or annual picture for the tenant or one area."""
    span = periods.parse(label, (kind,))
    scope = Scope("area", area_id) if area_id else Scope("tenant")
    if area_id is not None and session.scalar(select(Area.id).where(Area.id == area_id)) is None:
        raise DomainError(_("No such area."), {"area": [_("Does not exist.")]}, code="area.unknown")
    statistics = statistics_for(session, tenant, scope, span, None)
    statistics["weeklies"] = _weeklies(session, span)
    title = tenant_text(ANALYSIS_TITLES[kind], label=label)
    fields = {
        "kind": kind, "label": label, "title": title, "scope": scope.kind, "leg": None,
        "area_id": area_id, "cycle_id": None, "step": None, "period_start": span.start, "period_end": span.end,
    }  # fmt: skip
    return _store(session, tenant, f"{kind}:{label}:{area_id or 'tenant'}", fields, statistics, user_id)


def _weeklies(session: Session, span: Span) -> list[dict[str, Any]]:
    """The published weekly pictures of the period, with the colour each area was given."""
    published = session.scalars(
        select(Lagesbild)
        .where(Lagesbild.kind.in_(("weekly", "fortnightly")), Lagesbild.status == "published")
        .where(Lagesbild.period_start >= span.start, Lagesbild.period_start < span.end)
        .order_by(Lagesbild.period_start)
    ).all()
    colours: dict[int, dict[str, str]] = defaultdict(dict)
    if published:
        for assessment, area_key in session.execute(
            select(AreaAssessment, Area.key)
            .join(Area, Area.id == AreaAssessment.area_id)
            .where(AreaAssessment.lagesbild_id.in_([p.id for p in published]))
        ):
            colours[assessment.lagesbild_id][area_key] = assessment.label
    return [{"id": p.id, "label": p.label, "scope": p.scope, "areas": colours.get(p.id, {})} for p in published]


# --- assessment and publication ---------------------------------------------------------------------------------


def assess(session: Session, tenant: Tenant, picture: Lagesbild, assessment: dict[str, Any], actor: Actor):
    """Record the joint assessment (fig 10.3). On a published picture this makes a new version."""
    if picture.status == "draft" or picture.statistics is None:
        raise Conflict(_(NOT_COMPILED), code="lagesbild.not_compiled")
    authorize_picture(session, tenant, picture, actor, "assessed", _("assess the lägesbild"))
    scale_kind, labels = scale_of(tenant, picture)
    areas = {a.id: a for a in session.scalars(select(Area))}
    errors: dict[str, list[str]] = {}
    for index, entry in enumerate(assessment.get("areas", [])):
        if entry["area"] not in areas:
            errors[f"areas.{index}.area"] = [_("No such area.")]
        if not 1 <= entry["level"] <= len(labels):
            errors[f"areas.{index}.level"] = [f"Ange 1–{len(labels)} ({', '.join(labels)})."]
    if errors:
        raise DomainError(_("Invalid assessment."), errors)
    if picture.status == L.PUBLISHED:
        picture = _new_version(session, tenant, picture, actor)
    else:
        claim(session, picture, "status")
    session.execute(delete(AreaAssessment).where(AreaAssessment.lagesbild_id == picture.id))
    for entry in assessment.get("areas", []):
        session.add(AreaAssessment(
            area_id=entry["area"], lagesbild_id=picture.id, cycle_id=picture.cycle_id, scale=scale_kind,
            value=entry["level"], label=labels[entry["level"] - 1], period=picture.label,
            comment=entry.get("conditions", ""), assessed_by=actor.user_id,
        ))  # fmt: skip
    picture.assessment = assessment
    workflow.move(session, tenant, picture, L.ASSESSED, actor, "Bedömd")
    return picture


def authorize_picture(session: Session, tenant: Tenant, picture: Lagesbild, actor: Actor, state: str, action: str):
    """Who may assess or publish a picture: for a cycle's final picture, those the org model lets move the cycle
    to ``state``; for an earlier step (a leg's part, an area's local picture), that step's group; otherwise any
    coordinator."""
    if picture.cycle_id is None:
        cycles.authorize(session, actor, (), action)
        return
    cycle = cycles.get(session, picture.cycle_id)
    steps = cycles.plan(session, tenant, cycle)
    step = next((s for s in steps if s.key == picture.step), None)
    if step is None or step is cycles.final_step(steps):
        groups = cycles.who_may(session, tenant, cycle, state)
    else:
        groups = (step.group,) if step.group else ()
    cycles.authorize(session, actor, groups, action)


def scale_of(tenant: Tenant, picture: Lagesbild) -> tuple[str, list[str]]:
    """The scale a picture's areas are assessed on and its labels, calmest first (also read by its renderings)."""
    if picture.kind in LONG_KINDS:
        return "priority", [str(n) for n in range(PRIORITY_SCALE[0], PRIORITY_SCALE[1] + 1)]
    return "colour", list(tenant.assessment_scale)


def _new_version(session: Session, tenant: Tenant, picture: Lagesbild, actor: Actor) -> Lagesbild:
    """A new version of a published picture (which itself never changes). One made from it already means the
    caller's copy is stale (412); two made at once collide on the series' version number (409)."""
    if _newer(session, picture) is not None:
        raise Stale()
    copy = _created(session, Lagesbild(
        **{c: getattr(picture, c) for c in ("series", "kind", "label", "title", "scope", "leg", "area_id", "cycle_id",
                                            "step", "period_start", "period_end", "statistics", "compiled_by",
                                            "compiled_at")},
        version=picture.version + 1,
        supersedes_id=picture.id,
    ), actor.user_id)  # fmt: skip
    workflow.move(session, tenant, copy, L.COMPILED, actor, f"Ny version av version {picture.version}")
    return copy


def _newer(session: Session, picture: Lagesbild) -> int | None:
    return session.scalar(
        select(Lagesbild.id).where(Lagesbild.series == picture.series, Lagesbild.version > picture.version)
    )


def publish(
    session: Session, tenant: Tenant, picture: Lagesbild, actor: Actor, *, distribute: bool = True
) -> Lagesbild:
    """Publish an assessed picture; once the transaction commits, its distribution to the tenant's lists and the
    period's reporters is queued (``distribute=False``: not sent to anyone, e.g. history seeded for a demo)."""
    if picture.status == L.PUBLISHED:
        raise Conflict(_("The lägesbild is published already."), code="lagesbild.published_already")
    if picture.status != L.ASSESSED:
        raise Conflict(
            _("Only an assessed lägesbild can be published."),
            {"status": [picture.status]},
            code="lagesbild.not_assessed",
        )
    if _newer(session, picture) is not None:
        raise Conflict(_("There is a newer version of the lägesbild."), code="lagesbild.superseded")
    picture.published_at = utcnow()
    if distribute:
        distribute_after_commit(session, picture)
    workflow.move(session, tenant, picture, L.PUBLISHED, actor, "Publicerad")
    announce(session, tenant, "est_lagesbild_published", lambda: {"lagesbild": _info(session, picture)})
    return picture


def history(
    session: Session, area_ids: list[int], scale: str, until: datetime | None = None, limit: int = 10
) -> dict[int, list[dict[str, Any]]]:
    """The latest published assessments of each area on ``scale``, newest first — up to ``until`` (a published
    picture shows the history as it was when it was published, so it never changes; drafts and one leg's internal
    part never show)."""
    result: dict[int, list[dict[str, Any]]] = {area_id: [] for area_id in area_ids}
    if not area_ids:
        return result
    published = select(Lagesbild.id).where(Lagesbild.status == "published")
    statement = select(AreaAssessment).where(
        AreaAssessment.area_id.in_(area_ids),
        AreaAssessment.scale == scale,
        AreaAssessment.lagesbild_id.in_(published),
    )
    if until is not None:
        statement = statement.where(AreaAssessment.assessed_at <= until)
    rows = session.scalars(statement.order_by(AreaAssessment.assessed_at.desc(), AreaAssessment.id.desc()))
    for row in rows:
        if len(result[row.area_id]) < limit:
            result[row.area_id].append(
                {"period": row.period, "value": row.value, "label": row.label, "lagesbild": row.lagesbild_id}
            )
    return result
