"""The onboarding document: one per municipality, from a ``tenants/*.toml`` file or ``POST /api/v1/tenants``.

Validation names the field of every error (``areas.2.key``), before anything is written.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import marshmallow as ma

from core.api.fields import KEY, Integer
from core.distribution import AUDIENCES
from core.distribution.schemas import MAX_RECIPIENTS, DistributionRecipientInSchema
from core.domain import Leg
from core.i18n import _, _l
from core.privacy import FreeText
from core.tenants.models import (
    DEFAULT_ASSESSMENT_SCALE,
    DEFAULT_PUBLIC_COUNT_THRESHOLD,
    DEFAULT_RISK_SCALE_MAX,
    DEFAULT_SEVERITY_SCALE,
)

SLUG = ma.validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error=_l("Only a–z, 0–9 and - (2–63 characters)."))
PLUGIN_KEY = ma.validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", error=_l("Only A–Z, a–z, 0–9, _, . and - (at most 63 characters).")
)
TIME = ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error=_l("Give the time as HH:MM, e.g. 10:00."))


class _TimeZone(ma.validate.Regexp):
    """The name of a time zone the zone database knows; the pattern keeps the lookup to names of that shape."""

    def __call__(self, value: str) -> str:
        super().__call__(value)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ma.ValidationError(self._format_error(value)) from error
        return value


TIME_ZONE = _TimeZone(
    r"^[A-Za-z][A-Za-z0-9_+-]{0,30}(/[A-Za-z0-9_+-]{1,30}){0,2}$", error=_l("Unknown time zone '{input}'.")
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
REPORTER_CATEGORIES = (
    "kommun",
    "civilsamhalle",
    "tillsyn",
    "trafik_sakerhet",
    "naringsliv",
    "fastighetsbolag",
    "polis",
)


def _polygon(value: dict | None) -> None:
    if value is None:
        return
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon") or not isinstance(coordinates, list):
        raise ma.ValidationError(_("Give a GeoJSON Polygon or MultiPolygon."))
    polygons = coordinates if kind == "MultiPolygon" else [coordinates]
    for polygon in polygons:
        for ring in polygon:
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise ma.ValidationError(_("Every ring must have at least four points and be closed."))
            for point in ring:
                if len(point) < 2 or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
                    raise ma.ValidationError(_("Coordinates are given as [longitude, latitude] in WGS84."))


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class CadenceSchema(Strict):
    frequency = ma.fields.String(required=True, validate=ma.validate.OneOf(["weekly", "fortnightly"]))
    fortnight_parity = ma.fields.String(validate=ma.validate.OneOf(["even", "odd"]))
    meeting_weekday = ma.fields.String(required=True, validate=ma.validate.OneOf(WEEKDAYS))
    meeting_time = ma.fields.String(required=True, validate=TIME)
    deadline_weekday = ma.fields.String(required=True, validate=ma.validate.OneOf(WEEKDAYS))
    deadline_time = ma.fields.String(required=True, validate=TIME)
    timezone = ma.fields.String(load_default="Europe/Stockholm", validate=TIME_ZONE)

    @ma.validates_schema
    def _parity(self, data: dict, **_kwargs) -> None:
        if data.get("frequency") == "fortnightly" and "fortnight_parity" not in data:
            raise ma.ValidationError(_("Required when frequency is fortnightly."), "fortnight_parity")


class AreaSpecSchema(Strict):
    key = ma.fields.String(required=True, validate=KEY)
    name = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    geometry = ma.fields.Dict(load_default=None, allow_none=True, validate=_polygon)


class OrganisationSpecSchema(Strict):
    key = ma.fields.String(required=True, validate=KEY)
    name = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    leg = ma.fields.String(required=True, validate=ma.validate.OneOf([leg.value for leg in Leg]))


class ReporterFunctionSpecSchema(Strict):
    key = ma.fields.String(required=True, validate=KEY)
    name = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(REPORTER_CATEGORIES))
    organisation = ma.fields.String(required=True, validate=KEY)


class DistributionListSpecSchema(Strict):
    key = ma.fields.String(required=True, validate=KEY)
    name = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    audience = ma.fields.String(required=True, validate=ma.validate.OneOf(AUDIENCES))
    recipients = ma.fields.List(
        ma.fields.Nested(DistributionRecipientInSchema),
        load_default=list,
        validate=ma.validate.Length(max=MAX_RECIPIENTS),
    )


def _unique_keys(field: str):
    def check(rows: list[dict]) -> None:
        keys = [row["key"] for row in rows]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ma.ValidationError(_("Duplicate keys: {keys}.", keys=", ".join(duplicates)))

    return check


class TenantSpecSchema(Strict):
    slug = ma.fields.String(required=True, validate=SLUG)
    name = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    mail_sender_name = FreeText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "the display name of the tenant's e-mail (default: name)"},
    )
    org_model = ma.fields.String(required=True, validate=PLUGIN_KEY)
    checklist = ma.fields.String(required=True, validate=PLUGIN_KEY)
    plugins = ma.fields.List(ma.fields.String(validate=PLUGIN_KEY), load_default=list)
    org_model_options = ma.fields.Dict(keys=ma.fields.String(validate=KEY), load_default=dict)
    cadence = ma.fields.Nested(CadenceSchema, required=True)
    severity_scale = ma.fields.List(
        FreeText(validate=ma.validate.Length(min=1, max=40)),
        load_default=lambda: list(DEFAULT_SEVERITY_SCALE),
        validate=ma.validate.Length(min=2, max=10),
        metadata={"description": "labels of the severity scale, lowest first"},
    )
    assessment_scale = ma.fields.List(
        FreeText(validate=ma.validate.Length(min=1, max=40)),
        load_default=lambda: list(DEFAULT_ASSESSMENT_SCALE),
        validate=ma.validate.Length(min=2, max=10),
        metadata={"description": "the colour scale of area assessments, calmest first"},
    )
    risk_scale_max = Integer(load_default=DEFAULT_RISK_SCALE_MAX, validate=ma.validate.Range(2, 100))
    public_count_threshold = Integer(
        load_default=DEFAULT_PUBLIC_COUNT_THRESHOLD,
        validate=ma.validate.Range(1, 50),
        metadata={"description": "a public lägesbild shows smaller counts as 'färre än N'"},
    )
    areas = ma.fields.List(
        ma.fields.Nested(AreaSpecSchema), required=True, validate=[ma.validate.Length(min=1), _unique_keys("areas")]
    )
    organisations = ma.fields.List(
        ma.fields.Nested(OrganisationSpecSchema), required=True, validate=_unique_keys("organisations")
    )
    reporter_functions = ma.fields.List(
        ma.fields.Nested(ReporterFunctionSpecSchema), load_default=list, validate=_unique_keys("reporter_functions")
    )
    distribution_lists = ma.fields.List(
        ma.fields.Nested(DistributionListSpecSchema), load_default=list, validate=_unique_keys("distribution_lists")
    )

    @ma.validates_schema
    def _references(self, data: dict, **_kwargs) -> None:
        organisation_keys = {o["key"] for o in data.get("organisations", [])}
        errors = {
            index: {"organisation": [_("Unknown organisation '{key}'.", key=f["organisation"])]}
            for index, f in enumerate(data.get("reporter_functions", []))
            if f["organisation"] not in organisation_keys
        }
        if errors:
            raise ma.ValidationError(errors, "reporter_functions")


class TenantSchema(ma.Schema):
    """A tenant as the API shows it."""

    id = Integer()
    slug = ma.fields.String()
    name = ma.fields.String()
    org_model = ma.fields.String()
    checklist = ma.fields.String()
    plugins = ma.fields.List(ma.fields.String())
    org_model_options = ma.fields.Dict()
    cadence = ma.fields.Nested(CadenceSchema)
    severity_scale = ma.fields.List(ma.fields.String())
    assessment_scale = ma.fields.List(ma.fields.String())
    risk_scale_max = Integer()
    public_count_threshold = Integer()
    created_at = ma.fields.DateTime()
