"""Field types every schema shares for time: a period label, and a moment shown in the tenant's time zone.

One type each, so a period is validated the same way wherever it is accepted (stats, cycles, lägesbilder, report
filters) and a deadline reads the same in every endpoint whether it was just computed or read back from the
database (stored in UTC).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import marshmallow as ma
from flask import g, has_request_context

from core.cycles import periods


class PeriodLabel(ma.fields.String):
    """A label naming a period that exists (``2026-W53`` yes, ``2027-W53`` no), of one of ``kinds``; loads as the
    label itself, which is how reports, cycles and pictures store their period."""

    def __init__(self, kinds: tuple[str, ...] = ("weekly",), **kwargs: Any) -> None:
        examples = ", ".join(periods.EXAMPLES[kind] for kind in kinds)
        kwargs.setdefault("metadata", {}).setdefault("description", f"a period label, e.g. {examples}")
        super().__init__(**kwargs)
        self.kinds = kinds

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        label = super()._deserialize(value, attr, data, **kwargs)
        try:
            periods.parse(label, self.kinds)
        except periods.InvalidPeriod as error:
            raise ma.ValidationError(str(error)) from error
        return label


class TenantDateTime(ma.fields.AwareDateTime):
    """A moment rendered in the request's tenant's time zone with its offset (``2026-03-31T12:00:00+02:00``);
    loads any ISO 8601 moment with an offset."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is not None and has_request_context() and g.get("tenant") is not None:
            value = value.astimezone(periods.zone(g.tenant.cadence))
        return super()._serialize(value, attr, obj, **kwargs)
