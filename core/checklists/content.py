"""Checklist content: building it from a variant plugin, validating an edit, looking items up.

Rules an edit must keep, so that history stays readable and statistics stay continuous:
* an item key, once published, never disappears — retire it (``retired: true``) instead; rewording, moving it
  to another section, re-theming it and reordering keep the key;
* keys are unique across the whole checklist; each item has a theme or is positive, not both;
* texts go through the personal-data guard like every other free text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import marshmallow as ma

from core.domain import ChecklistVariant, Leg, Theme
from core.errors import DomainError
from core.i18n import N_, _, _l
from core.privacy import FreeText
from core.tenants.schemas import KEY

INVALID = N_("Invalid checklist.")


class ChecklistItemSchema(ma.Schema):
    key = ma.fields.String(required=True, validate=KEY)
    text = FreeText(required=True, validate=ma.validate.Length(min=1, max=300))
    theme = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf([t.value for t in Theme]))
    positive = ma.fields.Boolean(load_default=False)
    help = FreeText(load_default="", validate=ma.validate.Length(max=2000))
    crime_code = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Regexp(r"^\d{4}$", error=_l("Four digits."))
    )
    retired = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def _theme_or_positive(self, data: dict, **_kwargs) -> None:
        if data.get("positive") == (data.get("theme") is not None):
            raise ma.ValidationError(_("Give either a theme or positive: true."), "theme")


class ChecklistSectionSchema(ma.Schema):
    key = ma.fields.String(required=True, validate=KEY)
    title = FreeText(required=True, validate=ma.validate.Length(min=1, max=200))
    answered_by = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.OneOf([leg.value for leg in Leg])
    )
    items = ma.fields.List(ma.fields.Nested(ChecklistItemSchema), required=True)


class ChecklistContentSchema(ma.Schema):
    sections = ma.fields.List(
        ma.fields.Nested(ChecklistSectionSchema), required=True, validate=ma.validate.Length(min=1)
    )


@dataclass(frozen=True)
class Item:
    """An item as a report sees it: its text and theme in one version, and the section's answering leg."""

    key: str
    text: str
    theme: str | None
    positive: bool
    retired: bool
    section: str
    answered_by: str | None


def from_variant(variant: ChecklistVariant) -> dict[str, Any]:
    return {
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "answered_by": section.answered_by.value if section.answered_by else None,
                "items": [
                    {**asdict(item), "theme": item.theme.value if item.theme else None, "retired": False}
                    for item in section.items
                ],
            }
            for section in variant.sections
        ]
    }


def item_keys(content: dict[str, Any]) -> list[str]:
    return [item["key"] for section in content["sections"] for item in section["items"]]


def validate(content: Any, previous: dict[str, Any] | None) -> dict[str, Any]:
    """Validate an edited checklist against the previous published content; returns the cleaned content."""
    try:
        cleaned = ChecklistContentSchema().load(content)
    except ma.ValidationError as error:
        raise DomainError(_(INVALID), error.messages, code="checklist.invalid") from error
    keys = item_keys(cleaned)
    errors: dict[str, list[str]] = {}
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        errors["sections"] = [_("Duplicate item keys: {keys}.", keys=", ".join(duplicates))]
    section_keys = [s["key"] for s in cleaned["sections"]]
    if len(set(section_keys)) != len(section_keys):
        errors.setdefault("sections", []).append(_("Duplicate section keys."))
    if previous is not None:
        dropped = [k for k in item_keys(previous) if k not in keys]
        if dropped:
            errors.setdefault("sections", []).append(
                _("The items {keys} are in earlier versions: mark them retired instead.", keys=", ".join(dropped))
            )
    if errors:
        raise DomainError(_(INVALID), errors, code="checklist.invalid")
    return cleaned


def index(content: dict[str, Any]) -> dict[str, Item]:
    return {
        item["key"]: Item(
            key=item["key"],
            text=item["text"],
            theme=item["theme"],
            positive=item["positive"],
            retired=item["retired"],
            section=section["key"],
            answered_by=section["answered_by"],
        )
        for section in content["sections"]
        for item in section["items"]
    }


def answerable_by(content: dict[str, Any], leg: str | None) -> dict[str, Any]:
    """The sections and active items that an organisation of ``leg`` answers (``None``: unrestricted only)."""
    return {
        "sections": [
            {**section, "items": [item for item in section["items"] if not item["retired"]]}
            for section in content["sections"]
            if section["answered_by"] in (None, leg)
        ]
    }
