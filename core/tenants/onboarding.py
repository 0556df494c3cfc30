"""Onboarding: the one validated service behind ``est tenants sync`` and ``POST /api/v1/tenants``.

``validate`` checks a document completely — shape, then what only the installed plugins can tell (org model,
checklist, options, legs, optional plugins) — and raises with every error named by field. ``apply`` then writes
the tenant in the caller's transaction, with the cycle of the current period (opened by the same service
housekeeping uses): rows are matched by key, so applying the same document twice changes
nothing, and rows missing from the document are retired (kept for history, hidden from new use).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.checklists import service as checklists
from core.cycles import service as cycles
from core.db import utcnow
from core.distribution import service as distribution
from core.distribution.models import DistributionList
from core.domain import Leg, OrgModel, TenantShape
from core.errors import DomainError, flatten_messages
from core.i18n import N_, _
from core.organisation.models import Area, Group, GroupOrganisation, Organisation, ReporterFunction
from core.registry.groups import problems
from core.registry.manager import EstPluginManager
from core.tenancy import tenant_context
from core.tenants.info import tenant_info
from core.tenants.models import Tenant
from core.tenants.schemas import TenantSpecSchema

INVALID = N_("Invalid onboarding document.")


class OnboardingError(DomainError):
    """The document is invalid. ``errors`` maps dotted field paths to messages."""


def validate(document: dict[str, Any], pm: EstPluginManager) -> dict[str, Any]:
    try:
        spec = TenantSpecSchema().load(document)
    except ma.ValidationError as error:
        raise OnboardingError(_(INVALID), flatten_messages(error.messages), code="tenant.invalid") from error
    errors: dict[str, list[str]] = {}
    model = pm.org_models.get(spec["org_model"])
    if model is None:
        errors["org_model"] = [
            _(
                "Unknown organisation model '{model}'. There are: {known}.",
                model=spec["org_model"],
                known=", ".join(sorted(pm.org_models)),
            )
        ]
    else:
        for option in spec["org_model_options"]:
            if option not in model.options:
                errors[f"org_model_options.{option}"] = [
                    _("Model {model} has no option '{option}'.", model=model.key, option=option)
                ]
        errors.update(_group_errors(model, _shape(spec)))
        present = {Leg(o["leg"]) for o in spec["organisations"]}
        missing = [leg.value for leg in model.required_legs if leg not in present]
        if missing:
            errors["organisations"] = [_("No organisation for the party: {legs}.", legs=", ".join(missing))]
    if spec["checklist"] not in pm.checklists:
        known = ", ".join(sorted(pm.checklists))
        errors["checklist"] = [
            _("Unknown checklist '{checklist}'. There are: {known}.", checklist=spec["checklist"], known=known)
        ]
    installed = set(pm.plugin_names())
    unknown = [name for name in spec["plugins"] if name not in installed]
    if unknown:
        errors["plugins"] = [_("Not installed: {plugins}.", plugins=", ".join(unknown))]
    if errors:
        raise OnboardingError(_(INVALID), errors, code="tenant.invalid")
    return spec


def _shape(spec: dict[str, Any]) -> TenantShape:
    """The tenant as its org model sees it when declaring its groups."""
    return TenantShape(
        slug=spec["slug"],
        areas=tuple(a["key"] for a in spec["areas"]),
        area_names={a["key"]: a["name"] for a in spec["areas"]},
        options=spec["org_model_options"],
    )


def _group_errors(model: OrgModel, shape: TenantShape) -> dict[str, list[str]]:
    """The model's groups for this tenant, checked as at start-up: some models' groups depend on the areas."""
    found = problems(model.groups(shape), shape)
    if not found:
        return {}
    details = "; ".join(problem.describe() for problem in found)
    return {
        "org_model": [
            _(
                "Org model {model} cannot form its groups for this document: {details}.",
                model=model.key,
                details=details,
            )
        ]
    }


def _without(row: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != field}


def _upsert(session: Session, model: type, rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Match ``rows`` to ``model`` rows by key; retire rows not in ``rows``. Returns key -> row."""
    existing = {row.key: row for row in session.scalars(select(model))}
    result = {}
    for data in rows:
        row = existing.pop(data["key"], None) or model(key=data["key"])
        for field, value in {**data, **extra, "active": True}.items():
            setattr(row, field, value)
        session.add(row)
        result[data["key"]] = row
    for row in existing.values():
        row.active = False
    session.flush()
    return result


def apply(session: Session, spec: dict[str, Any], pm: EstPluginManager) -> tuple[Tenant, bool]:
    tenant = session.scalar(select(Tenant).where(Tenant.slug == spec["slug"]))
    created = tenant is None
    if created:
        tenant = Tenant(slug=spec["slug"])
        session.add(tenant)
    settings = ("name", "mail_sender_name", "org_model", "checklist", "plugins", "org_model_options", "cadence",
                "severity_scale", "assessment_scale", "risk_scale_max", "public_count_threshold")  # fmt: skip
    for field in settings:
        setattr(tenant, field, spec[field])
    session.flush()
    with tenant_context(tenant.id, session):
        areas = _upsert(session, Area, spec["areas"])
        organisations = _upsert(session, Organisation, spec["organisations"])
        _upsert(
            session,
            ReporterFunction,
            [
                {
                    **{k: v for k, v in f.items() if k != "organisation"},
                    "organisation_id": organisations[f["organisation"]].id,
                }
                for f in spec["reporter_functions"]
            ],
        )
        _apply_groups(session, spec, pm, areas, organisations)
        _apply_distribution_lists(session, spec["distribution_lists"])  # after the groups they may name
        checklists.ensure_for_variant(session, tenant, pm.checklists[spec["checklist"]])
        # A new municipality sees its current cycle at once, not after the next housekeeping run.
        cycles.ensure(session, tenant, utcnow())
        pm.for_tenant(tenant_info(tenant), "est_tenant_onboarded")(tenant=tenant_info(tenant), created=created)
    return tenant, created


def _apply_distribution_lists(session: Session, lists: list[dict[str, Any]]) -> None:
    rows = _upsert(session, DistributionList, [_without(dl, "recipients") for dl in lists])
    for spec in lists:
        distribution.replace_recipients(session, rows[spec["key"]], spec["recipients"], actor_id=None)


def _apply_groups(
    session: Session,
    spec: dict[str, Any],
    pm: EstPluginManager,
    areas: dict[str, Area],
    organisations: dict[str, Organisation],
) -> None:
    group_specs = pm.org_models[spec["org_model"]].groups(_shape(spec))
    groups = _upsert(
        session,
        Group,
        [
            {
                "key": g.key,
                "name": g.name,
                "kind": g.kind,
                "description": g.description,
                "legs": [leg.value for leg in g.legs],
                "invited": g.invited,
                "area_id": areas[g.area].id if g.area else None,
                "parent_id": None,
            }
            for g in group_specs
        ],
    )
    for group_spec in group_specs:
        group = groups[group_spec.key]
        if group_spec.parent is not None:
            group.parent_id = groups[group_spec.parent].id
        legs = {leg.value for leg in group_spec.legs} | ({Leg.OTHER.value} if group_spec.invited else set())
        wanted = {o.id for o in organisations.values() if o.leg in legs}
        seated = set(
            session.scalars(select(GroupOrganisation.organisation_id).where(GroupOrganisation.group_id == group.id))
        )
        session.execute(
            delete(GroupOrganisation).where(
                GroupOrganisation.group_id == group.id, GroupOrganisation.organisation_id.in_(seated - wanted)
            )
        )
        session.add_all(GroupOrganisation(group_id=group.id, organisation_id=oid) for oid in wanted - seated)
    session.flush()
